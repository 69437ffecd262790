"""Full-text search (ranked, with snippets) and the read-only `query` command."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from catalog_factories import make_item, make_record
from click.testing import CliRunner, Result

from catalog.cli import main
from catalog.db import open_catalog
from catalog.queries import fts_query, search_programs
from catalog.store import start_run, store_page

BASE = "https://provider.test/programs/"
TEXTS = {
    "nursing-kenya": ("Nursing Placement in Nairobi", "KE", ["Nairobi"],
                      "You shadow registered nurses on the maternity ward and help with wound dressings."),
    "dental-peru": ("Dental Elective in Cusco", "PE", ["Cusco"],
                    "Observe dentists at a rural clinic; fluoride varnish days at village schools."),
    "physio-nepal": ("Physiotherapy Volunteer – Pokhara", "NP", ["Pokhara"],
                     "Rehabilitation sessions with stroke patients under a licensed physiotherapist."),
    "medicine-ghana": ("Medical Elective in Kumasi", "GH", ["Kumasi"],
                       "Ward rounds with doctors; some nursing tasks are observed only."),
}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    db = open_catalog(path)
    run = start_run(db, ["https://provider.test/"])
    for slug, (title, country, cities, text) in TEXTS.items():
        item = make_item(make_record(BASE + slug, title=title, country=country, cities=cities))
        item["extraction"]["main_text"] = text
        store_page(db, run, item)
    db.close()
    return path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"INTERNSCOPE_DB": None})


def _search(path: Path, text: str, **kw: object) -> list[dict]:
    db = open_catalog(path, create=False, readonly=True)
    try:
        return search_programs(db, text, **kw)  # type: ignore[arg-type]
    finally:
        db.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("nursing", ["nursing-kenya", "medicine-ghana"], id="title-and-body-hits"),
        pytest.param("dentists", ["dental-peru"], id="body-word"),
        pytest.param("stroke rehabilitation", ["physio-nepal"], id="all-words-required"),
        pytest.param("physio", ["physio-nepal"], id="last-word-is-a-prefix"),
        pytest.param("Kenya", ["nursing-kenya"], id="country-name-from-the-code"),
        pytest.param("Eastern Africa", ["nursing-kenya"], id="region"),
        pytest.param("cusco", ["dental-peru"], id="city-case-insensitive"),
        pytest.param("Pokhara", ["physio-nepal"], id="city"),
        pytest.param("observe", ["dental-peru", "medicine-ghana"], id="porter-stemming"),
        pytest.param("surgery", [], id="no-match"),
        pytest.param('nurse" OR "x', [], id="quotes-and-operators-are-words"),
        pytest.param("maternity ward -nurses", ["nursing-kenya"], id="minus-is-not-an-operator"),
    ],
)
def test_search_ranks_and_matches(db_path: Path, text: str, expected: list[str]) -> None:
    hits = _search(db_path, text)
    got = [h["url"].removeprefix(BASE) for h in hits]
    assert sorted(got) == sorted(expected)
    for hit in hits:
        assert hit["snippet"]


def test_title_hit_outranks_body_hit(db_path: Path) -> None:
    assert [h["url"].removeprefix(BASE) for h in _search(db_path, "nursing")] == ["nursing-kenya", "medicine-ghana"]


def test_snippet_marks_the_match(db_path: Path) -> None:
    (hit,) = _search(db_path, "fluoride")
    assert "[fluoride]" in hit["snippet"]


@pytest.mark.parametrize("text", ["", "   ", "!!!"])
def test_search_without_words_is_an_error(text: str) -> None:
    with pytest.raises(ValueError):
        fts_query(text)


def test_search_cli(db_path: Path) -> None:
    result = invoke("search", "wound dressings", "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert "Nursing Placement in Nairobi" in result.output and "[wound]" in result.output
    as_json = json.loads(invoke("search", "elective", "--db", str(db_path), "--json").output)
    assert {h["url"].removeprefix(BASE) for h in as_json} == {"dental-peru", "medicine-ghana"}
    raw = json.loads(invoke("search", "dental OR physiotherapy", "--raw", "--db", str(db_path), "--json").output)
    assert {h["url"].removeprefix(BASE) for h in raw} == {"dental-peru", "physio-nepal"}
    bad = invoke("search", 'dental AND (', "--raw", "--db", str(db_path))
    assert bad.exit_code != 0 and bad.output.startswith("Error:") and len(bad.output.strip().splitlines()) == 1


# ---------------------------------------------------------------- query: reads only


def test_query_reads(db_path: Path) -> None:
    result = invoke("query", "SELECT country, count(*) AS n FROM programs GROUP BY country ORDER BY country",
                    "--db", str(db_path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"country": c, "n": 1} for c in sorted(t[1] for t in TEXTS.values())]


def test_query_parameters_are_bound(db_path: Path) -> None:
    result = invoke("query", "SELECT url FROM programs WHERE country = :cc", "-p", "cc=PE", "--db", str(db_path),
                    "--csv")
    assert result.output.splitlines() == ["url", BASE + "dental-peru"]
    injected = invoke("query", "SELECT url FROM programs WHERE country = :cc", "-p", "cc=PE' OR '1'='1",
                      "--db", str(db_path), "--json")
    assert json.loads(injected.output) == []


WRITES = [
    "DELETE FROM programs",
    "UPDATE programs SET title = 'x'",
    "INSERT INTO providers (name, name_key, first_seen, last_seen) VALUES ('a', 'a', 'b', 'c')",
    "DROP TABLE programs",
    "CREATE TABLE evil (x)",
    "ATTACH DATABASE '{tmp}/other.db' AS other",
    "PRAGMA user_version = 99",
    "PRAGMA query_only = OFF",
    "VACUUM",
    "REINDEX",
    "WITH x AS (SELECT 1) DELETE FROM programs",
    "SELECT 1; DELETE FROM programs",
    "BEGIN IMMEDIATE",
]


@pytest.mark.parametrize("sql", WRITES)
def test_query_refuses_every_write(db_path: Path, sql: str, tmp_path: Path) -> None:
    before = sqlite3.connect(db_path).execute("SELECT count(*), group_concat(title) FROM programs").fetchone()
    result = invoke("query", sql.format(tmp=tmp_path), "--db", str(db_path))
    assert result.exit_code != 0
    assert result.output.startswith("Error:") and len(result.output.strip().splitlines()) == 1
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*), group_concat(title) FROM programs").fetchone() == before
        assert conn.execute("PRAGMA user_version").fetchone()[0] != 99
        assert "evil" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()
    assert not (tmp_path / "other.db").exists()


def test_query_bad_sql_is_one_line(db_path: Path) -> None:
    result = invoke("query", "SELEKT * FROM programs", "--db", str(db_path))
    assert result.exit_code != 0 and result.output.startswith("Error:")
    result = invoke("query", "SELECT 1", "-p", "novalue", "--db", str(db_path))
    assert result.exit_code != 0 and "NAME=VALUE" in result.output


def test_pragma_reads_are_allowed(db_path: Path) -> None:
    result = invoke("query", "PRAGMA table_info(programs)", "--db", str(db_path), "--json")
    assert result.exit_code == 0, result.output
    assert "price_per_week_eur" in {r["name"] for r in json.loads(result.output)}
