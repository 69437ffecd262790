"""Re-run the current extractors over the HTML the catalog stored, without recrawling.

Each stored page (`page_html`) is extracted again with `pipelines.extract.extract_page`, validated with the
same function the validate pipeline uses, and written back in its own transaction: the page's
classification, and for a program its record, fees and flags. A program whose content changes gets
`program_changes` rows (old and new value per field) under a `crawl_runs` row of its own (start_urls
`["reextract"]`), so the history says which extractor generation changed what. Re-extraction fetches
nothing, so `first_seen`/`last_seen` stay as the crawls left them.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import sqlite_utils

from catalog.rates import RateTable, load_rate_table
from catalog.store import _store_program, finish_run, load_html, start_run, utcnow
from pipelines.extract import Extraction, extract_page
from pipelines.scrapy_pipelines import validate_record


@dataclass
class ReextractResult:
    run_id: int
    counts: Counter[str] = field(default_factory=Counter)
    changed: dict[str, list[str]] = field(default_factory=dict)  # program URL -> changed fields


def reextract(db: sqlite_utils.Database) -> ReextractResult:
    run_id = start_run(db, ["reextract"])
    result = ReextractResult(run_id)
    urls = [row[0] for row in db.execute("SELECT url FROM page_html ORDER BY url").fetchall()]
    rates = load_rate_table(db)
    for url in urls:
        html = load_html(db, url)
        if html is None:
            continue
        extraction = extract_page(html, url)
        with db.atomic():
            db.execute(
                "UPDATE pages SET kind = ?, is_program = ?, why = ?, extract_error = ? WHERE url = ?",
                [extraction.kind, int(extraction.is_program), extraction.why, extraction.error, url],
            )
            outcome = _write(db, run_id, url, extraction, rates)
        result.counts[outcome] += 1
        if outcome == "updated":
            rows = db.execute(
                "SELECT field FROM program_changes WHERE program_url = ? AND crawl_run_id = ? ORDER BY id",
                [url, run_id],
            ).fetchall()
            result.changed[url] = [r[0] for r in rows]
    result.counts["pages"] = len(urls)
    stats = {f"internscope/reextract_{k}": v for k, v in result.counts.items()}
    finish_run(db, run_id, stats, "reextracted")
    with db.atomic():
        db.execute(
            "UPDATE crawl_runs SET pages_seen = ?, programs_new = ?, programs_updated = ?, programs_unchanged = ?, "
            "rejected = ? WHERE id = ?",
            [len(urls), result.counts["new"], result.counts["updated"], result.counts["unchanged"],
             result.counts["rejected"], run_id],
        )
    return result


def _write(db: sqlite_utils.Database, run_id: int, url: str, extraction: Extraction, rates: RateTable) -> str:
    is_program, record, error = extraction.is_program, extraction.record, extraction.error
    if error or (is_program and record is None):
        _reject(db, run_id, url, f"extraction failed: {error}", record)
        return "rejected"
    if not is_program or record is None:
        was_program = db.execute("SELECT 1 FROM programs WHERE url = ?", [url]).fetchone()
        return "no_longer_program" if was_program else "page"
    valid, reason = validate_record({**record, "url": url})
    if valid is None:
        _reject(db, run_id, url, reason or "invalid record", record)
        return "rejected"
    now = utcnow()
    main_text = getattr(extraction, "main_text", None)
    return _store_program(db, run_id, valid, now, rates=rates, main_text=main_text, reextracted=True)


def _reject(db: sqlite_utils.Database, run_id: int, url: str, reason: str, record: dict | None) -> None:
    db.execute(
        "INSERT INTO rejected (url, reason, record, crawl_run_id, rejected_at) VALUES (?, ?, ?, ?, ?)",
        [url, reason, json.dumps(record, default=str) if record is not None else None, run_id, utcnow()],
    )

