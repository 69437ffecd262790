"""Exchange rates (parsing, importing, converting, re-deriving prices) and regions (country -> UN sub-region)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from catalog_factories import make_item, make_record
from click.testing import CliRunner

from catalog.cli import main
from catalog.db import CatalogError, open_catalog
from catalog.rates import BUNDLED_RATES, load_rate_table, parse_rates_csv
from catalog.regions import CONTINENTS, SUBREGIONS, match_region, region_of
from catalog.store import start_run, store_page


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"INTERNSCOPE_DB": None})
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("day,currency,per_eur\n2026-01-01,USD,1.1\n", "line 1", id="bad-header"),
        pytest.param("date,currency,per_eur\n2026-13-01,USD,1.1\n", "line 2", id="bad-date"),
        pytest.param("date,currency,per_eur\n2026-01-01,US,1.1\n", "ISO 4217", id="bad-code"),
        pytest.param("date,currency,per_eur\n2026-01-01,USD,abc\n", "not a number", id="not-a-number"),
        pytest.param("date,currency,per_eur\n2026-01-01,USD,0\n", "positive", id="zero"),
        pytest.param("date,currency,per_eur\n2026-01-01,USD,nan\n", "positive", id="nan"),
        pytest.param("date,currency,per_eur\n2026-01-01,USD,1.1\n2026-01-01,GBP,-1\n", "line 3", id="later-line"),
        pytest.param("date,currency,per_eur\n", "no rates", id="empty"),
    ],
)
def test_bad_rate_files_name_the_line_and_reason(text: str, problem: str) -> None:
    with pytest.raises(CatalogError) as info:
        parse_rates_csv(text, name="r.csv")
    assert problem in str(info.value) and "r.csv" in str(info.value)


def test_rates_against_another_base_are_converted_through_the_euro() -> None:
    rows = parse_rates_csv("date,currency,rate\n2026-01-01,EUR,0.5\n2026-01-01,KES,100\n", base="USD")
    per_eur = {r.currency: r.per_eur for r in rows}
    # 1 USD = 0.5 EUR = 100 KES, so 1 EUR = 2 USD = 200 KES.
    assert per_eur == pytest.approx({"EUR": 1.0, "KES": 200.0, "USD": 2.0})


def test_bundled_rates_are_valid_and_cover_every_catalog_currency() -> None:
    rows = parse_rates_csv(BUNDLED_RATES.read_text(encoding="utf-8"))
    codes = {r.currency for r in rows}
    assert {"EUR", "USD", "GBP", "AUD", "ZAR", "INR", "KES", "NPR", "THB", "PEN", "GHS", "PHP"} <= codes


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    db = open_catalog(path)
    run = start_run(db, ["https://provider.test/"])
    fees = [{"amount": 100, "currency": "KES", "basis": "per_week", "kind": "program", "evidence": "KSh 100/wk"}]
    store_page(db, run, make_item(make_record(country="KE", fees=fees)))
    db.close()
    return path


def test_rates_import_replaces_a_rate_and_rederives_converted_prices(db_path: Path, tmp_path: Path) -> None:
    new = tmp_path / "rates.csv"
    new.write_text("date,currency,per_eur,source\n2030-01-01,KES,200,test\n", encoding="utf-8")
    code, out = invoke("rates", "import", str(new), "--db", str(db_path))
    assert code == 0, out
    db = open_catalog(db_path)
    try:
        assert load_rate_table(db).latest["KES"].per_eur == 200
        row = db.execute("SELECT price_per_week_eur, price_rates_date FROM programs").fetchone()
    finally:
        db.close()
    assert row == (0.5, "2030-01-01")
    code, out = invoke("rates", "list", "--db", str(db_path))
    assert code == 0 and "2030-01-01" in out


@pytest.mark.parametrize("content", ["date,currency\n", "date,currency,per_eur\n2030-01-01,KES,-2\n"])
def test_rates_import_bad_file_is_one_line_and_changes_nothing(db_path: Path, tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    code, out = invoke("rates", "import", str(bad), "--db", str(db_path))
    assert code != 0 and out.startswith("Error:") and len(out.strip().splitlines()) == 1
    db = open_catalog(db_path)
    try:
        assert db.execute("SELECT count(*) FROM exchange_rates WHERE date = '2030-01-01'").fetchone()[0] == 0
    finally:
        db.close()


def test_rates_import_missing_file(db_path: Path, tmp_path: Path) -> None:
    code, out = invoke("rates", "import", str(tmp_path / "nope.csv"), "--db", str(db_path))
    assert code != 0 and "does not exist" in out


def test_every_country_is_in_one_subregion_and_every_subregion_in_one_continent() -> None:
    codes = [c for cs in SUBREGIONS.values() for c in cs]
    assert len(codes) == len(set(codes))
    subs = [s for ss in CONTINENTS.values() for s in ss]
    assert sorted(subs) == sorted(SUBREGIONS)


@pytest.mark.parametrize(
    ("country", "region"),
    [("KE", "Eastern Africa"), ("gh", "Western Africa"), ("ZA", "Southern Africa"), ("NP", "Southern Asia"),
     ("KH", "South-eastern Asia"), ("PE", "South America"), ("GT", "Central America"), ("FJ", "Melanesia"),
     ("GB", "Northern Europe"), (None, None), ("ZZ", None)],
)
def test_region_of(country: str | None, region: str | None) -> None:
    assert region_of(country) == region


@pytest.mark.parametrize(
    ("name", "includes", "excludes"),
    [("East Africa", "Eastern Africa", "Western Africa"), ("eastern africa", "Eastern Africa", None),
     ("South-East Asia", "South-eastern Asia", "Southern Asia"), ("Southeast Asia", "South-eastern Asia", None),
     ("Latin America", "South America", "Northern America"), ("Africa", "Western Africa", "Southern Asia"),
     ("Middle East", "Western Asia", None), ("Pacific", "Melanesia", "Australia and New Zealand")],
)
def test_match_region_accepts_what_analysts_type(name: str, includes: str, excludes: str | None) -> None:
    found = match_region(name)
    assert includes in found
    if excludes:
        assert excludes not in found


def test_unknown_region_matches_nothing() -> None:
    assert match_region("Atlantis") == ()


def test_shipped_rates_file_is_plain_csv() -> None:
    with open(BUNDLED_RATES, encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == ["date", "currency", "per_eur", "source"]
