"""Checks of a catalog that a writer may have left at any moment (killed, out of disk): shared by
tests/test_kill9.py and tests/test_catalog_damage.py.

`check_consistent` is what "no half-written program" means: SQLite's integrity and foreign-key checks, the
full-text index's own check, and every program whole (fees, flags, claims, search row and content hash match
its record; its page and HTML stored); `catalog_content` is what a crawl puts in the catalog, less
timestamps, row ids and run ids, for comparing two catalogs or one catalog before and after.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from catalog.store import _claims, _fee_rows, _flag_rows, content_hash


def catalog_content(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What a crawl puts in the catalog, less when and in which order it ran (timestamps, row ids, run ids,
    the depth a page was first reached at)."""
    conn = sqlite3.connect(db_path)
    try:
        def rows(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in conn.execute(sql).fetchall()]

        return {
            "programs": rows("SELECT url, content_hash, record, status, provider, title, country, region, cities, "
                             "price_currency, price_per_week, price_per_week_eur, price_4_weeks, price_4_weeks_eur, "
                             "duration_min_weeks, duration_max_weeks, flag_codes, max_severity, site "
                             "FROM programs ORDER BY url"),
            "fees": rows("SELECT program_url, position, amount, amount_max, currency, basis, kind, weeks, evidence "
                         "FROM fees ORDER BY program_url, position"),
            "flags": rows("SELECT * FROM flags ORDER BY program_url, code"),
            "claims": rows("SELECT * FROM claims ORDER BY program_url, field"),
            "search": rows("SELECT p.url, f.title, f.provider, f.places, f.main_text FROM programs_fts f "
                           "JOIN programs p ON p.id = f.rowid ORDER BY p.url"),
            "providers": rows("SELECT name, name_key FROM providers ORDER BY name_key"),
            "pages": rows("SELECT url, status, kind, is_program, why, extract_error, site FROM pages ORDER BY url"),
            "html": rows("SELECT url, sha1 FROM page_html ORDER BY url"),
            "rejected": rows("SELECT url, reason, record FROM rejected ORDER BY url, reason"),
            "changes": rows("SELECT program_url, field, old_value, new_value FROM program_changes "
                            "ORDER BY program_url, field"),
            "runs": rows("SELECT pages_seen, programs_new, programs_updated, programs_unchanged, programs_revived, "
                         "programs_gone, rejected, finish_reason, complete_sites FROM crawl_runs"),
        }
    finally:
        conn.close()


def check_consistent(db_path: Path, *, single_run: bool = True) -> dict[str, int]:
    """Everything that must hold of a catalog whose writer was killed; returns what it holds. `single_run`:
    the catalog holds one crawl run, whose counters must then match its rows exactly."""
    # Read-write, as the next writer opens it: a connection recovers the killed writer's WAL the same way.
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # FTS5's own check of its index against its content (reads only; raises on a mismatch).
        conn.execute("INSERT INTO programs_fts (programs_fts) VALUES ('integrity-check')")
        programs = conn.execute("SELECT id, url, record, content_hash, title, provider FROM programs").fetchall()
        for pid, url, raw, digest, title, provider in programs:
            record = json.loads(raw)
            assert content_hash(record) == digest, url
            fees = conn.execute("SELECT program_url, position, amount, amount_max, currency, basis, kind, weeks, "
                                "evidence FROM fees WHERE program_url = ? ORDER BY position", [url]).fetchall()
            assert fees == [tuple(r.values()) for r in _fee_rows(url, record)], url
            flags = conn.execute("SELECT program_url, code, severity, evidence FROM flags WHERE program_url = ? "
                                 "ORDER BY code", [url]).fetchall()
            assert flags == sorted(tuple(r.values()) for r in _flag_rows(url, record)), url
            claims = conn.execute("SELECT program_url, field, value, evidence FROM claims WHERE program_url = ? "
                                  "ORDER BY field", [url]).fetchall()
            assert claims == sorted(tuple(r.values()) for r in _claims(url, record)), url
            search = conn.execute("SELECT title, provider FROM programs_fts WHERE rowid = ?", [pid]).fetchall()
            assert search == [(title, provider)], url
            page = conn.execute("SELECT p.is_program, h.sha1 FROM pages p JOIN page_html h ON h.url = p.url "
                                "WHERE p.url = ?", [url]).fetchall()
            assert len(page) == 1 and page[0][0] == 1, url
        assert conn.execute("SELECT count(*) FROM pages p LEFT JOIN page_html h ON h.url = p.url "
                            "WHERE h.url IS NULL").fetchone()[0] == 0
        pages = conn.execute("SELECT count(*) FROM pages").fetchone()[0]
        if single_run:
            # The run's counters move in the same transaction as the rows they count.
            runs = conn.execute("SELECT id, pages_seen, programs_new, rejected FROM crawl_runs").fetchall()
            assert len(runs) == 1
            run_id, pages_seen, programs_new, rejected = runs[0]
            assert pages_seen == pages
            assert programs_new == len(programs)
            assert rejected == conn.execute("SELECT count(*) FROM rejected WHERE crawl_run_id = ?",
                                            [run_id]).fetchone()[0]
        return {"pages": pages, "programs": len(programs)}
    finally:
        conn.close()
