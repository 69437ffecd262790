"""Upgrading a catalog written by schema 1 (a real one, made by the schema-1 code from the demo sites)."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pytest

from catalog.db import SCHEMA_VERSION, TABLES, open_catalog
from catalog.queries import ProgramFilter, iter_programs, search_programs

FIXTURE = Path(__file__).parent / "fixtures" / "catalog_v1.sql.gz"


@pytest.fixture
def v1_catalog(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(gzip.decompress(FIXTURE.read_bytes()).decode("utf-8"))
    conn.close()
    return path


def _snapshot(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {
            "programs": conn.execute("SELECT url, title, provider, country, record, first_seen, last_seen "
                                     "FROM programs ORDER BY url").fetchall(),
            "fees": conn.execute("SELECT program_url, position, amount, currency, basis, kind, evidence FROM fees "
                                 "ORDER BY program_url, position").fetchall(),
            "flags": conn.execute("SELECT program_url, code, severity, evidence FROM flags "
                                  "ORDER BY program_url, code").fetchall(),
            "pages": conn.execute("SELECT url, status, kind FROM pages ORDER BY url").fetchall(),
            "page_html": conn.execute("SELECT url, sha1 FROM page_html ORDER BY url").fetchall(),
            "crawl_runs": conn.execute("SELECT id, started_at, pages_seen FROM crawl_runs ORDER BY id").fetchall(),
        }
    finally:
        conn.close()


def test_the_fixture_is_a_schema_1_catalog(v1_catalog: Path) -> None:
    conn = sqlite3.connect(v1_catalog)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    columns = {r[1] for r in conn.execute("PRAGMA table_info(programs)")}
    assert "min_program_fee" in columns and "id" not in columns
    conn.close()


def test_upgrade_keeps_every_row_and_adds_the_new_schema(v1_catalog: Path) -> None:
    before = _snapshot(v1_catalog)
    db = open_catalog(v1_catalog)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert set(TABLES) <= set(db.table_names())
    finally:
        db.close()
    assert _snapshot(v1_catalog) == before


def test_upgrade_derives_the_new_columns_from_the_stored_records(v1_catalog: Path) -> None:
    db = open_catalog(v1_catalog)
    try:
        rows = list(db.query("SELECT * FROM programs"))
        providers = {r["name"] for r in db.query("SELECT name FROM providers")}
        claims = db.execute("SELECT count(*) FROM claims").fetchone()[0]
        rates = db.execute("SELECT count(*) FROM exchange_rates").fetchone()[0]
    finally:
        db.close()
    assert {r["provider"] for r in rows if r["provider"]} == providers
    assert claims > len(rows) and rates > 20
    for row in rows:
        record = json.loads(row["record"])
        assert row["status"] == "active" and row["site"] and row["site"] in row["url"]
        assert json.loads(row["flag_codes"]) == sorted({f["code"] for f in record["flags"]})
        has_program_fee = any(f["kind"] == "program" for f in record["fees"])
        assert (row["price_currency"] is not None) == has_program_fee
        if row["price_per_week"] is not None:
            assert row["price_per_week_how"] and row["price_per_week_eur"] is not None


def test_upgraded_catalog_answers_the_new_queries(v1_catalog: Path) -> None:
    db = open_catalog(v1_catalog)
    try:
        programs = list(iter_programs(db, ProgramFilter(regions=["Eastern Africa"])))
        assert programs and all(p["region"] == "Eastern Africa" for p in programs)
        hits = search_programs(db, "nursing")
        assert hits and all("nursing" in (h["title"] + (h["snippet"] or "")).lower() for h in hits)
    finally:
        db.close()


def test_upgrade_is_one_transaction(v1_catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import catalog.store

    before = _snapshot(v1_catalog)

    def broken(db: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(catalog.store, "backfill_v2", broken)
    with pytest.raises(RuntimeError):
        open_catalog(v1_catalog)
    conn = sqlite3.connect(v1_catalog)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "providers" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert _snapshot(v1_catalog) == before
