from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from catalog_factories import DERIVED_EXPORT_KEYS, EXPORT_KEYS, make_item, make_record
from click.testing import CliRunner, Result

from catalog.cli import main
from catalog.db import open_catalog
from catalog.store import finish_run, start_run, store_page

BASE = "https://provider.test/programs/"
FETCHED_AT = "2026-03-01T10:00:00Z"


def _records() -> list[dict[str, Any]]:
    return [
        make_record(BASE + "ghana-medicine"),
        make_record(
            BASE + "kenya-nursing",
            provider="Savannah Volunteers",
            title="Nursing Placement in Kenya",
            country="KE",
            cities=["Nairobi"],
            fees=[
                {
                    "amount": 300,
                    "currency": "USD",
                    "basis": "per_week",
                    "kind": "program",
                    "evidence": "$300 per week",
                }
            ],
            supervision={"claimed": False, "licensed": False, "evidence": None},
            flags=[
                {"code": "no_supervision", "severity": "high", "evidence": "no supervision mentioned"},
                {"code": "beyond_training", "severity": "high", "evidence": "suture wounds from day one"},
            ],
        ),
        make_record(
            BASE + "india-dentistry",
            title="Dental Elective in India",
            country="IN",
            cities=["Jaipur"],
            fees=[
                {
                    "amount": 45000,
                    "currency": "INR",
                    "basis": "total",
                    "kind": "program",
                    "weeks": 2,
                    "evidence": "Rs 45,000 for two weeks",
                }
            ],
            flags=[],
        ),
        make_record(
            BASE + "tanzania-quote",
            provider="Kilimanjaro Health Link",
            title="Medicine in Tanzania",
            country="TZ",
            cities=[],
            fees=[],
            duration=None,
            flags=[{"code": "fees_undisclosed", "severity": "medium", "evidence": "contact us for a quote"}],
        ),
    ]


def _cheapest(record: dict[str, Any]) -> tuple[float, str] | None:
    programs = [f for f in record["fees"] if f["kind"] == "program"]
    if not programs:
        return None
    currency = programs[0]["currency"]
    return min(f["amount"] for f in programs if f["currency"] == currency), currency


@dataclass
class Catalog:
    path: Path
    records: list[dict[str, Any]]
    rejected_urls: list[str] = field(default_factory=list)

    def urls(self, keep: Callable[[dict[str, Any]], bool] = lambda r: True) -> set[str]:
        return {r["url"] for r in self.records if keep(r)}


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    path = tmp_path / "catalog.db"
    records = _records()
    rejected = [BASE + "broken"]
    db = open_catalog(path)
    try:
        run_id = start_run(db, ["https://provider.test/"])
        for record in records:
            store_page(db, run_id, make_item(record, fetched_at=FETCHED_AT))
        store_page(db, run_id, make_item(url="https://provider.test/blog/a", is_program=False))
        for url in rejected:
            store_page(
                db, run_id, make_item(url=url, rejected={"reason": "no title", "record": {"url": url}})
            )
        finish_run(db, run_id, {"log_count/ERROR": 0}, "finished")
    finally:
        db.close()
    return Catalog(path, records, rejected)


def invoke(*args: str) -> Result:
    # --db falls back to $INTERNSCOPE_DB; keep the caller's environment out of it.
    return CliRunner().invoke(main, list(args), env={"INTERNSCOPE_DB": None})


def assert_one_line_error(result: Result) -> str:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error:"), lines[0]
    return lines[0]


def _json_urls(result: Result) -> set[str]:
    assert result.exit_code == 0, result.output
    return {row["url"] for row in json.loads(result.stdout)}


# -------------------------------------------------------------------- export


def test_export_jsonl_shape_and_values(catalog: Catalog) -> None:
    result = invoke("export", "--db", str(catalog.path), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(catalog.records)
    by_url = {r["url"]: r for r in catalog.records}
    for line in lines:
        exported = json.loads(line)
        assert list(exported) == EXPORT_KEYS
        source = by_url[exported["url"]]
        for key in EXPORT_KEYS:
            if key in DERIVED_EXPORT_KEYS:
                continue
            assert exported[key] == source[key], key
        assert (exported["first_seen"], exported["last_seen"], exported["status"]) == (FETCHED_AT, FETCHED_AT, "active")
        for fee in exported["fees"]:
            assert isinstance(fee["amount"], int | float) and not isinstance(fee["amount"], bool)
            if float(fee["amount"]).is_integer():
                assert type(fee["amount"]) is int
        assert type(exported["legal_info"]) is bool
        assert type(exported["supervision"]["licensed"]) is bool


def test_export_csv_nested_fields_are_json(catalog: Catalog) -> None:
    result = invoke("export", "--db", str(catalog.path), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and list(rows[0]) == EXPORT_KEYS
    by_url = {r["url"]: r for r in catalog.records}
    assert {row["url"] for row in rows} == set(by_url)
    for row in rows:
        source = by_url[row["url"]]
        for key in (
            "cities",
            "fees",
            "includes",
            "excludes",
            "duration",
            "supervision",
            "flags",
            "evidence",
            "legal_info",
            "safety_info",
            "community_benefit",
        ):
            assert json.loads(row[key]) == source[key], key
        assert row["title"] == source["title"]
        assert row["min_age"] == str(source["min_age"])


def test_export_to_file(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "programs.jsonl"
    result = invoke("export", "--db", str(catalog.path), "--format", "jsonl", "--output", str(out))
    assert result.exit_code == 0, result.output
    urls = {json.loads(line)["url"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert urls == catalog.urls()
    assert str(len(catalog.records)) in result.stderr
    assert not list(tmp_path.glob(".*.tmp"))


def test_export_to_missing_directory_fails_cleanly(catalog: Catalog, tmp_path: Path) -> None:
    result = invoke("export", "--db", str(catalog.path), "--output", str(tmp_path / "nope" / "x.jsonl"))
    assert_one_line_error(result)


@pytest.mark.parametrize("fmt", ["xml", "JSON", ""])
def test_export_bad_format(catalog: Catalog, fmt: str) -> None:
    line = assert_one_line_error(invoke("export", "--db", str(catalog.path), "--format", fmt))
    assert "--format" in line


# -------------------------------------------------------------------- programs


def _bundled_per_eur() -> dict[str, float]:
    from catalog.rates import BUNDLED_RATES

    with open(BUNDLED_RATES, encoding="utf-8") as fh:
        return {r["currency"]: float(r["per_eur"]) for r in csv.DictReader(fh)}


def _weekly(record: dict[str, Any]) -> tuple[float, str] | None:
    """The test's own reading of a record's lowest weekly price: per-week fees as stated,
    tiers divided by their weeks (the records here use nothing else)."""
    programs = [f for f in record["fees"] if f["kind"] == "program"]
    if not programs:
        return None
    currency = programs[0]["currency"]
    weekly = [f["amount"] if f["basis"] == "per_week" else f["amount"] / f["weeks"]
              for f in programs if f["currency"] == currency]
    return min(weekly), currency


def test_programs_table_lists_every_program(catalog: Catalog) -> None:
    result = invoke("programs", "--db", str(catalog.path), "--currency", "USD")
    assert result.exit_code == 0, result.output
    for record in catalog.records:
        line = next(ln for ln in result.stdout.splitlines() if ln.rstrip().endswith(record["url"]))
        assert f" {record['country']} " in line
        for flag in record["flags"]:
            assert flag["code"] in line
        if _weekly(record) is not None:
            assert "USD" in line


def test_programs_json_all(catalog: Catalog) -> None:
    result = invoke("programs", "--db", str(catalog.path), "--json")
    assert _json_urls(result) == catalog.urls()
    by_url = {r["url"]: r for r in catalog.records}
    for row in json.loads(result.stdout):
        source = by_url[row["url"]]
        assert row["flags"] == sorted(f["code"] for f in source["flags"])
        weekly = _weekly(source)
        assert (row["price_per_week"], row["price_currency"]) == (weekly or (None, None))


def test_programs_csv_has_the_json_fields(catalog: Catalog) -> None:
    as_json = json.loads(invoke("programs", "--db", str(catalog.path), "--json").stdout)
    result = invoke("programs", "--db", str(catalog.path), "--csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["url"] for r in rows] == [r["url"] for r in as_json]
    assert list(rows[0]) == list(as_json[0])


@pytest.mark.parametrize("country", ["GH", "ke", "TZ", "FR"])
def test_programs_filter_country(catalog: Catalog, country: str) -> None:
    result = invoke("programs", "--db", str(catalog.path), "--country", country, "--json")
    assert _json_urls(result) == catalog.urls(lambda r: r["country"] == country.upper())


@pytest.mark.parametrize(("region", "countries"), [("East Africa", {"KE", "TZ"}), ("Africa", {"GH", "KE", "TZ"}),
                                                   ("southern asia", {"IN"}), ("Europe", set())])
def test_programs_filter_region(catalog: Catalog, region: str, countries: set[str]) -> None:
    result = invoke("programs", "--db", str(catalog.path), "--region", region, "--json")
    assert _json_urls(result) == catalog.urls(lambda r: r["country"] in countries)


@pytest.mark.parametrize("flag", ["no_supervision", "fees_undisclosed", "no_community_benefit", "vague_role"])
def test_programs_filter_flag(catalog: Catalog, flag: str) -> None:
    result = invoke("programs", "--db", str(catalog.path), "--flag", flag, "--json")
    assert _json_urls(result) == catalog.urls(lambda r: any(f["code"] == flag for f in r["flags"]))
    result = invoke("programs", "--db", str(catalog.path), "--without-flag", flag, "--json")
    assert _json_urls(result) == catalog.urls(lambda r: all(f["code"] != flag for f in r["flags"]))


@pytest.mark.parametrize(("limit", "currency"), [(500, "USD"), (400, "EUR"), (30000, "INR"), (100, "GBP")])
def test_programs_filter_max_per_week_in_any_currency(catalog: Catalog, limit: float, currency: str) -> None:
    per_eur = _bundled_per_eur()
    args = ["programs", "--db", str(catalog.path), "--max-per-week", str(limit), "--currency", currency, "--json"]

    def keep(record: dict[str, Any]) -> bool:
        weekly = _weekly(record)
        return weekly is not None and weekly[0] / per_eur[weekly[1]] * per_eur[currency] <= limit + 0.01

    rows = json.loads(invoke(*args).stdout)
    assert {r["url"] for r in rows} == catalog.urls(keep)
    for row in rows:
        assert row["reference_currency"] == currency and row["price_per_week_ref"] <= limit + 0.01
        assert row["price_per_week_how"] and row["rates"]


def test_programs_sorted_by_price_per_week_in_the_reference_currency(catalog: Catalog) -> None:
    rows = json.loads(invoke("programs", "--db", str(catalog.path), "--currency", "USD", "--json").stdout)
    priced = [r["price_per_week_ref"] for r in rows if r["price_per_week_ref"] is not None]
    assert priced == sorted(priced) and len(priced) == 3
    assert rows[-1]["price_per_week_ref"] is None  # no price: last


def test_programs_filter_weeks_and_supervision(catalog: Catalog) -> None:
    rows = json.loads(invoke("programs", "--db", str(catalog.path), "--weeks", "13", "--json").stdout)
    assert {r["url"] for r in rows} == catalog.urls(
        lambda r: r["duration"] is None
        or (r["duration"]["min_weeks"] or 0) <= 13 <= (r["duration"]["max_weeks"] or 99)
    )
    rows = json.loads(invoke("programs", "--db", str(catalog.path), "--unsupervised", "--json").stdout)
    assert {r["url"] for r in rows} == catalog.urls(lambda r: not r["supervision"]["claimed"])
    rows = json.loads(invoke("programs", "--db", str(catalog.path), "--licensed", "--json").stdout)
    assert {r["url"] for r in rows} == catalog.urls(lambda r: r["supervision"]["licensed"])


def test_programs_filter_provider_is_case_insensitive_substring(catalog: Catalog) -> None:
    needle = "savannah"
    result = invoke("programs", "--db", str(catalog.path), "--provider", needle.upper(), "--json")
    assert _json_urls(result) == catalog.urls(lambda r: needle in (r["provider"] or "").lower())


def test_programs_combined_filters(catalog: Catalog) -> None:
    result = invoke(
        "programs", "--db", str(catalog.path), "--country", "GH", "--flag", "no_supervision", "--json"
    )
    assert _json_urls(result) == catalog.urls(
        lambda r: r["country"] == "GH" and any(f["code"] == "no_supervision" for f in r["flags"])
    )


INJECTIONS = ["GB' OR 1=1 --", "x'); DROP TABLE programs; --", "%", "' OR ''="]


@pytest.mark.parametrize("option", ["--country", "--provider", "--field"])
@pytest.mark.parametrize("payload", INJECTIONS)
def test_programs_injection_looking_input_matches_nothing(catalog: Catalog, option: str, payload: str) -> None:
    assert _json_urls(invoke("programs", "--db", str(catalog.path), option, payload, "--json")) == set()
    with sqlite3.connect(catalog.path) as conn:
        assert conn.execute("SELECT count(*) FROM programs").fetchone()[0] == len(catalog.records)


@pytest.mark.parametrize("option", ["--flag", "--without-flag", "--currency", "--region"])
@pytest.mark.parametrize("payload", INJECTIONS)
def test_programs_checked_options_refuse_injection_looking_input(catalog: Catalog, option: str, payload: str) -> None:
    assert_one_line_error(invoke("programs", "--db", str(catalog.path), option, payload))
    with sqlite3.connect(catalog.path) as conn:
        assert conn.execute("SELECT count(*) FROM programs").fetchone()[0] == len(catalog.records)


def test_programs_table_says_when_nothing_matches(catalog: Catalog) -> None:
    result = invoke("programs", "--db", str(catalog.path), "--country", "GB' OR 1=1 --")
    assert result.exit_code == 0
    assert not any(r["url"] in result.output for r in catalog.records)


@pytest.mark.parametrize("args", [["--max-per-week", "-5"], ["--weeks", "0"], ["--json", "--csv"],
                                  ["--sort", "cheapest"], ["--participation", "watching"]])
def test_programs_bad_options_are_refused(catalog: Catalog, args: list[str]) -> None:
    assert_one_line_error(invoke("programs", "--db", str(catalog.path), *args))


# -------------------------------------------------------------------- show


def test_show_prints_every_value_and_evidence(catalog: Catalog) -> None:
    record = catalog.records[0]
    result = invoke("show", record["url"], "--db", str(catalog.path))
    assert result.exit_code == 0, result.output
    out = result.stdout
    snippets = [
        *record["evidence"].values(),
        record["duration"]["evidence"],
        record["supervision"]["evidence"],
    ]
    snippets += [fee["evidence"] for fee in record["fees"]]
    snippets += [flag["evidence"] for flag in record["flags"]]
    for snippet in snippets:
        assert snippet in out, snippet
    for flag in record["flags"]:
        assert f"[{flag['severity']}] {flag['code']}" in out
    for value in (record["title"], record["provider"], record["country"], *record["cities"], FETCHED_AT):
        assert value in out


@pytest.mark.parametrize(
    "noise", ["?utm_source=newsletter", "#fees", "?ref=nav&utm_medium=x#top", "?ref=nav"]
)
def test_show_accepts_url_with_canonical_noise(catalog: Catalog, noise: str) -> None:
    record = catalog.records[1]
    result = invoke("show", record["url"] + noise, "--db", str(catalog.path), "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["url"] == record["url"]
    assert shown["fees"] == record["fees"]


def test_show_unknown_program(catalog: Catalog) -> None:
    line = assert_one_line_error(invoke("show", BASE + "unknown", "--db", str(catalog.path)))
    assert BASE + "unknown" in line


def test_show_non_program_page_is_not_a_program(catalog: Catalog) -> None:
    assert_one_line_error(invoke("show", "https://provider.test/blog/a", "--db", str(catalog.path)))


# -------------------------------------------------------------------- summary


def test_summary_counts(catalog: Catalog) -> None:
    result = invoke("summary", "--db", str(catalog.path), "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    providers: dict[str, int] = {}
    for record in catalog.records:
        providers[record["provider"]] = providers.get(record["provider"], 0) + 1
    assert dict(map(tuple, info["providers"])) == providers
    assert info["programs"] == len(catalog.records)
    assert info["fees"] == sum(len(r["fees"]) for r in catalog.records)
    flag_counts: dict[str, int] = {}
    for record in catalog.records:
        for flag in record["flags"]:
            flag_counts[flag["code"]] = flag_counts.get(flag["code"], 0) + 1
    assert dict(map(tuple, info["flags"])) == flag_counts
    assert info["rejected"] == len(catalog.rejected_urls)
    assert info["last_run"]["finish_reason"] == "finished"

    text = invoke("summary", "--db", str(catalog.path))
    assert text.exit_code == 0
    for provider, count in providers.items():
        assert any(provider in ln and str(count) in ln for ln in text.stdout.splitlines())
    for code in flag_counts:
        assert code in text.stdout
    assert f"Rejected records: {len(catalog.rejected_urls)}" in text.stdout


def test_summary_of_empty_catalog(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    open_catalog(path).close()
    result = invoke("summary", "--db", str(path))
    assert result.exit_code == 0, result.output
    assert "none yet" in result.stdout


# -------------------------------------------------------------------- bad catalogs


READ_COMMANDS = [["programs"], ["export"], ["summary"], ["show", BASE + "ghana-medicine"]]


@pytest.mark.parametrize("command", READ_COMMANDS)
def test_read_commands_on_missing_db(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "missing.db"
    assert_one_line_error(invoke(*command, "--db", str(path)))
    assert not path.exists()


@pytest.mark.parametrize("command", READ_COMMANDS)
def test_read_commands_on_non_sqlite_file(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some notes\n" * 100)
    assert_one_line_error(invoke(*command, "--db", str(path)))


@pytest.mark.parametrize("command", READ_COMMANDS)
def test_read_commands_on_corrupt_db(catalog: Catalog, command: list[str]) -> None:
    db = open_catalog(catalog.path)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(catalog.path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for i in range(page_size, len(data)):
        data[i] = (i * 13 + 5) % 256
    catalog.path.write_bytes(bytes(data))
    assert_one_line_error(invoke(*command, "--db", str(catalog.path)))


@pytest.mark.parametrize("command", READ_COMMANDS)
def test_read_commands_do_not_create_or_migrate(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "plain.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE other (x)")
    assert_one_line_error(invoke(*command, "--db", str(path)))
    with sqlite3.connect(path) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["other"]


def test_db_option_is_required() -> None:
    assert_one_line_error(invoke("programs"))


def test_unknown_command() -> None:
    assert_one_line_error(invoke("frobnicate"))


# -------------------------------------------------------------------- crawl


@dataclass
class FakeCrawler:
    calls: list[dict[str, Any]] = field(default_factory=list)
    exit_code: int = 0
    reason: str = "finished"
    stats: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def fake_crawl(monkeypatch: pytest.MonkeyPatch) -> FakeCrawler:
    """Stands in for catalog.crawl (written elsewhere) with its published names."""
    state = FakeCrawler()
    module = types.ModuleType("catalog.crawl")

    class CrawlError(Exception):
        pass

    @dataclass
    class CrawlResult:
        exit_code: int
        reason: str
        stats: dict[str, Any]

    def validate_start_url(url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise CrawlError(f"not an http(s) URL: {url}")
        return url

    def run_crawl(
        start_urls: list[str],
        db_path: str,
        *,
        max_pages: int | None = None,
        depth: int | None = None,
        settings: dict[str, Any] | None = None,
        quiet: bool = False,
    ) -> CrawlResult:
        state.calls.append(
            {
                "start_urls": list(start_urls),
                "db_path": db_path,
                "max_pages": max_pages,
                "depth": depth,
                "quiet": quiet,
            }
        )
        return CrawlResult(state.exit_code, state.reason, state.stats)

    module.CrawlError = CrawlError  # type: ignore[attr-defined]
    module.CrawlResult = CrawlResult  # type: ignore[attr-defined]
    module.validate_start_url = validate_start_url  # type: ignore[attr-defined]
    module.run_crawl = run_crawl  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "catalog.crawl", module)
    return state


def test_crawl_bad_url(fake_crawl: FakeCrawler, tmp_path: Path) -> None:
    line = assert_one_line_error(
        invoke("crawl", "https://ok.test/", "ftp://nope", "--db", str(tmp_path / "c.db"))
    )
    assert "ftp://nope" in line
    assert fake_crawl.calls == []


@pytest.mark.parametrize("where", ["missing-dir", "parent-is-file", "not-sqlite"])
def test_crawl_unusable_db_fails_before_crawling(fake_crawl: FakeCrawler, tmp_path: Path, where: str) -> None:
    if where == "missing-dir":
        db = tmp_path / "nope" / "c.db"
    elif where == "parent-is-file":
        (tmp_path / "afile").write_text("x")
        db = tmp_path / "afile" / "c.db"
    else:
        db = tmp_path / "c.db"
        db.write_text("not a database at all\n" * 50)
    assert_one_line_error(invoke("crawl", "https://ok.test/", "--db", str(db)))
    assert fake_crawl.calls == []


@pytest.mark.parametrize("exit_code", [0, 3])
def test_crawl_runs_and_reports(fake_crawl: FakeCrawler, tmp_path: Path, exit_code: int) -> None:
    fake_crawl.exit_code = exit_code
    fake_crawl.reason = "finished" if exit_code == 0 else "shutdown"
    counts = {
        "pages_stored": 17,
        "programs_new": 5,
        "programs_updated": 2,
        "programs_unchanged": 4,
        "rejected": 1,
    }
    fake_crawl.stats = {f"internscope/{k}": v for k, v in counts.items()}
    db = tmp_path / "c.db"
    result = invoke(
        "crawl",
        "https://a.test/",
        "https://b.test/x",
        "--db",
        str(db),
        "--max-pages",
        "7",
        "--depth",
        "2",
        "--quiet",
    )
    assert result.exit_code == exit_code, result.output
    assert fake_crawl.calls == [
        {
            "start_urls": ["https://a.test/", "https://b.test/x"],
            "db_path": str(db),
            "max_pages": 7,
            "depth": 2,
            "quiet": True,
        }
    ]
    summary = result.stdout.strip().splitlines()
    assert len(summary) == 1
    for value in counts.values():
        assert str(value) in summary[0]
    assert fake_crawl.reason in summary[0]
    assert db.exists()  # created and migrated before the crawl started
    if exit_code:
        assert_one_line_error(result)


def test_crawl_without_urls_is_a_usage_error(tmp_path: Path) -> None:
    assert_one_line_error(invoke("crawl", "--db", str(tmp_path / "c.db")))


def test_crawl_bad_url_with_the_real_crawler(tmp_path: Path) -> None:
    pytest.importorskip("catalog.crawl")
    assert_one_line_error(invoke("crawl", "not a url", "--db", str(tmp_path / "c.db")))


# -------------------------------------------------------------------- eval


def test_eval_missing_directory(tmp_path: Path) -> None:
    line = assert_one_line_error(invoke("eval", str(tmp_path / "no-corpus")))
    assert "no-corpus" in line


DEMO = Path(__file__).resolve().parent.parent / "demo"


def test_eval_direct_on_the_demo_corpus_scores_every_gold_program() -> None:
    gold_programs = sum(
        1 for f in (DEMO / "gold").glob("*.json") for p in json.loads(f.read_text())["pages"] if p.get("program")
    )
    result = invoke("eval", str(DEMO), "--direct", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    pages = report["program_pages"]
    # Every gold program is either found (tp) or missed (fn): the harness accounts for all of them.
    assert pages["tp"] + pages["fn"] == gold_programs
    assert report["programs_compared"] == gold_programs
    assert set(report["fields"]) >= {"country", "duration", "supervision", "participation"}


def test_eval_table_ends_with_the_summary_figures() -> None:
    result = invoke("eval", str(DEMO), "--direct")
    assert result.exit_code == 0, result.output
    tail = result.stdout.strip().splitlines()[-6:]
    assert [line.split()[0] for line in tail] == ["program", "fees", "flags", "judged", "disclosure", "field"]


def test_eval_on_a_directory_without_gold_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "sites").mkdir()
    line = assert_one_line_error(invoke("eval", str(tmp_path)))
    assert "labelled corpus" in line


# -------------------------------------------------------------------- demo


def test_demo_crawls_the_bundled_sites_and_summarises(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    gold_programs = sum(
        1 for f in (DEMO / "gold").glob("*.json") for p in json.loads(f.read_text())["pages"] if p.get("program")
    )
    result = invoke("demo", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "Programs:" in result.stdout
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("select count(*) from programs").fetchone()[0] == gold_programs
    finally:
        conn.close()


def test_demo_without_sites_is_one_line(tmp_path: Path) -> None:
    line = assert_one_line_error(invoke("demo", "--sites", str(tmp_path), "--db", str(tmp_path / "d.db")))
    assert "no demo sites" in line
