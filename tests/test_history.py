"""History across crawls: programs a complete crawl no longer finds are marked gone (never deleted) and
revived when they come back; incomplete crawls mark nothing; changes since a date are listed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
import time_machine
from catalog_factories import make_item, make_record
from click.testing import CliRunner

from catalog.cli import main
from catalog.db import open_catalog
from catalog.queries import ProgramFilter, changes_since, iter_programs
from catalog.store import STAT_PREFIX, complete_sites, finish_run, mark_gone, start_run, store_page

SITE = "https://provider.test"
A, B = SITE + "/programs/a", SITE + "/programs/b"


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    database = open_catalog(tmp_path / "c.db")
    yield database
    database.close()


def _status(db: sqlite_utils.Database, url: str) -> tuple[str, str | None]:
    return db.execute("SELECT status, gone_since FROM programs WHERE url = ?", [url]).fetchone()


def _crawl(db: sqlite_utils.Database, records: list[dict[str, Any]], when: str, *, complete: bool = True) -> int:
    # The clock stands at the crawl's time: gone_since and the run's timestamps come from it.
    with time_machine.travel(when, tick=False):
        run = start_run(db, [SITE + "/"])
        for record in records:
            store_page(db, run, make_item(record, fetched_at=when))
        mark_gone(db, run, [SITE] if complete else [])
        finish_run(db, run, {}, "finished")
    return run


def test_unseen_program_is_marked_gone_not_deleted_and_revived_later(db: sqlite_utils.Database) -> None:
    a, b = make_record(A), make_record(B, title="Dental Elective")
    _crawl(db, [a, b], "2026-03-01T00:00:00Z")
    second = _crawl(db, [a], "2026-04-01T00:00:00Z")
    assert _status(db, B) == ("gone", "2026-04-01T00:00:00Z")
    assert db.execute("SELECT count(*) FROM fees WHERE program_url = ?", [B]).fetchone()[0] == len(b["fees"])
    assert db.execute("SELECT programs_gone FROM crawl_runs WHERE id = ?", [second]).fetchone()[0] == 1
    listed = {p["url"] for p in iter_programs(db)}
    assert listed == {A}
    assert {p["url"] for p in iter_programs(db, ProgramFilter(include_gone=True))} == {A, B}

    run = start_run(db, [SITE + "/"])
    assert store_page(db, run, make_item(b, fetched_at="2026-05-01T00:00:00Z")) == "revived"
    assert _status(db, B) == ("active", None)
    assert db.execute("SELECT programs_revived FROM crawl_runs WHERE id = ?", [run]).fetchone()[0] == 1
    statuses = [json.loads(r[0]) for r in db.execute(
        "SELECT new_value FROM program_changes WHERE program_url = ? AND field = 'status' ORDER BY id", [B])]
    assert statuses == ["gone", "active"]


def test_incomplete_crawl_marks_nothing_gone(db: sqlite_utils.Database) -> None:
    _crawl(db, [make_record(A), make_record(B)], "2026-03-01T00:00:00Z")
    _crawl(db, [make_record(A)], "2026-04-01T00:00:00Z", complete=False)
    assert _status(db, B) == ("active", None)


def test_other_sites_are_not_touched(db: sqlite_utils.Database) -> None:
    other = make_record("https://elsewhere.test/programs/c")
    run = start_run(db, ["https://elsewhere.test/"])
    store_page(db, run, make_item(other, site="https://elsewhere.test"))
    _crawl(db, [make_record(A)], "2026-04-01T00:00:00Z")
    assert _status(db, other["url"]) == ("active", None)


@pytest.mark.parametrize(
    ("reason", "incomplete", "expected"),
    [("finished", {}, ["http://a", "http://b"]), ("finished", {"http://b": "page limit reached"}, ["http://a"]),
     ("shutdown", {}, []), ("closespider_timeout", {}, [])],
)
def test_complete_sites(reason: str, incomplete: dict[str, str], expected: list[str]) -> None:
    stats = {STAT_PREFIX + "incomplete_sites": incomplete}
    assert complete_sites(["http://b", "http://a", "http://a"], stats, reason) == expected


def test_changes_since_lists_price_changes_new_gone_and_revived(db: sqlite_utils.Database) -> None:
    weekly = [{"amount": 300, "currency": "USD", "basis": "per_week", "kind": "program", "evidence": "$300/wk"}]
    _crawl(db, [make_record(A, fees=weekly), make_record(B)], "2026-03-01T00:00:00Z")
    dearer = [{**weekly[0], "amount": 350, "evidence": "$350/wk"}]
    c = SITE + "/programs/c"
    _crawl(db, [make_record(A, fees=dearer), make_record(c)], "2026-04-01T00:00:00Z")
    found = changes_since(db, "2026-03-15")
    per_week = [ch for ch in found["price_changes"] if ch["field"] == "price_per_week"]
    assert [(ch["url"], ch["old_value"], ch["new_value"]) for ch in per_week] == [(A, 300, 350)]
    assert [r["url"] for r in found["new"]] == [c]
    assert [r["url"] for r in found["gone"]] == [B]
    assert found["revived"] == []
    assert changes_since(db, "2026-05-01") == {"price_changes": [], "new": [], "gone": [], "revived": []}


def test_changes_cli(db: sqlite_utils.Database, tmp_path: Path) -> None:
    _crawl(db, [make_record(A), make_record(B)], "2026-03-01T00:00:00Z")
    _crawl(db, [make_record(A)], "2026-04-01T00:00:00Z")
    path = tmp_path / "c.db"
    result = CliRunner().invoke(main, ["changes", "--since", "2026-03-15", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 gone" in result.output and B in result.output
    as_json = CliRunner().invoke(main, ["changes", "--since", "2026-03-15", "--db", str(path), "--json"])
    assert [r["url"] for r in json.loads(as_json.output)["gone"]] == [B]
    bad = CliRunner().invoke(main, ["changes", "--since", "last spring", "--db", str(path)])
    assert bad.exit_code != 0 and bad.output.startswith("Error:") and "ISO date" in bad.output


# ---------------------------------------------------------------- end to end: a provider removes a page


def test_recrawl_marks_a_removed_page_gone_and_its_return_revives_it(tmp_path: Path) -> None:
    from catalog.crawl import run_crawl
    from catalog.siteserver import serve_sites

    demo = Path(__file__).resolve().parent.parent / "demo" / "sites" / "kestrel-electives"
    root = tmp_path / "web"
    shutil.copytree(demo, root / "sites" / "kestrel-electives")
    db_path = str(tmp_path / "c.db")
    fast = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}
    with serve_sites(root) as origins:
        origin = origins["kestrel-electives"]
        assert run_crawl([origin + "/"], db_path, quiet=True, settings=fast).exit_code == 0
        db = open_catalog(db_path)
        urls = [r[0] for r in db.execute("SELECT url FROM programs ORDER BY url")]
        db.close()
        assert len(urls) >= 2
        victim = urls[0]
        page = root / "sites" / "kestrel-electives" / victim.removeprefix(origin + "/")
        saved = page.read_bytes()
        page.unlink()  # links and the sitemap now lead to a 404, as when a provider drops a program
        assert run_crawl([origin + "/"], db_path, quiet=True, settings=fast).exit_code == 0
        db = open_catalog(db_path)
        gone = {r[0] for r in db.execute("SELECT url FROM programs WHERE status = 'gone'")}
        total = db.execute("SELECT count(*) FROM programs").fetchone()[0]
        db.close()
        assert gone == {victim} and total == len(urls)
        page.write_bytes(saved)
        assert run_crawl([origin + "/"], db_path, quiet=True, settings=fast).exit_code == 0
    db = open_catalog(db_path)
    try:
        assert db.execute("SELECT count(*) FROM programs WHERE status = 'gone'").fetchone()[0] == 0
        runs = db.execute("SELECT programs_gone, programs_revived FROM crawl_runs ORDER BY id").fetchall()
    finally:
        db.close()
    assert runs == [(0, 0), (1, 0), (0, 1)]


def test_a_crawl_cut_short_by_its_page_limit_marks_nothing_gone(tmp_path: Path) -> None:
    from catalog.crawl import run_crawl
    from catalog.siteserver import serve_sites

    demo = Path(__file__).resolve().parent.parent / "demo"
    db_path = str(tmp_path / "c.db")
    fast = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}
    with serve_sites(demo, ["kestrel-electives"]) as origins:
        origin = origins["kestrel-electives"]
        assert run_crawl([origin + "/"], db_path, quiet=True, settings=fast).exit_code == 0
        assert run_crawl([origin + "/"], db_path, quiet=True, max_pages=3, settings=fast).exit_code == 0
    db = open_catalog(db_path)
    try:
        assert db.execute("SELECT count(*) FROM programs WHERE status = 'gone'").fetchone()[0] == 0
        last = db.execute("SELECT complete_sites FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    finally:
        db.close()
    assert json.loads(last) == []
