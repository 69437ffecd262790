"""Writing the catalog: crawl runs, pages, programs (with history), rejections.

The storage functions take a `sqlite_utils.Database` and plain dicts, so they work
without Scrapy (tests, re-extraction from `page_html`); `CatalogPipeline` adapts
them to Scrapy's item pipeline. Scrapy is imported lazily for the same reason.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import sqlite_utils
from pydantic import ValidationError

from catalog.db import CatalogError, open_catalog
from pipelines.record import ProgramRecord

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = [
    "CatalogPipeline",
    "Outcome",
    "content_hash",
    "finish_run",
    "load_html",
    "start_run",
    "store_page",
    "utcnow",
]

logger = logging.getLogger(__name__)

Outcome = Literal["new", "updated", "unchanged", "page", "rejected"]

DEFAULT_DB_PATH = "internscope.db"
# Keys that say when, not what: a re-crawl that only moves them is "unchanged".
_VOLATILE_KEYS = frozenset({"first_seen", "last_seen", "fetched_at", "extracted_at"})
_RUN_COUNTER: dict[str, str] = {
    "new": "programs_new",
    "updated": "programs_updated",
    "unchanged": "programs_unchanged",
    "rejected": "rejected",
}
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


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def content_hash(record: Mapping[str, Any]) -> str:
    """sha256 of the record's canonical JSON, timestamps excluded."""
    content = {k: v for k, v in record.items() if k not in _VOLATILE_KEYS}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _bool(value: Any) -> int | None:
    return None if value is None else int(bool(value))


def _cheapest_program_fee(fees: Iterable[Mapping[str, Any]]) -> tuple[float | None, str | None, str | None]:
    """(amount, currency, basis) of the lowest `program` fee in the page's first program currency.

    Amounts in different currencies are not comparable, so the page's first
    program price decides the currency, as a reader would take it.
    """
    program_fees = [f for f in fees if f.get("kind") == "program"]
    if not program_fees:
        return None, None, None
    currency = program_fees[0]["currency"]
    cheapest = min((f for f in program_fees if f["currency"] == currency), key=lambda f: f["amount"])
    return cheapest["amount"], currency, cheapest["basis"]


def _program_columns(record: Mapping[str, Any]) -> dict[str, Any]:
    duration = record.get("duration") or {}
    supervision = record.get("supervision") or {}
    fee, currency, basis = _cheapest_program_fee(record.get("fees") or [])
    return {
        "url": record["url"],
        "provider": record.get("provider"),
        "title": record["title"],
        "country": record.get("country"),
        "cities": _json(record.get("cities") or []),
        "includes": _json(record.get("includes") or []),
        "excludes": _json(record.get("excludes") or []),
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
        "evidence": _json(record.get("evidence") or {}),
        "min_program_fee": fee,
        "min_fee_currency": currency,
        "min_fee_basis": basis,
        "record": _json(record),
        "schema_version": record.get("schema_version"),
    }


def _upsert(
    db: sqlite_utils.Database, table: str, row: Mapping[str, Any], *, pk: str, keep: Iterable[str] = ()
) -> None:
    """INSERT, or on a key conflict UPDATE every column but `keep`.

    Hand-written rather than Table.upsert(): SQLite checks NOT NULL before
    ON CONFLICT, so leaving first_seen out of an update row fails, and the
    generic path re-reads the schema several times per call. Table and column
    names come from this module's own dict literals, never from input.
    """
    columns = list(row)
    kept = {pk, *keep}
    assignments = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in kept)
    db.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT({pk}) DO UPDATE SET {assignments}",
        [row[c] for c in columns],
    )


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
    with db.atomic():
        cursor = db.execute(
            "UPDATE crawl_runs SET finished_at = ?, finish_reason = ?, stats = ?, errors = ? WHERE id = ?",
            [utcnow(), finish_reason, json.dumps(dict(stats), default=str, sort_keys=True), errors, run_id],
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


def store_page(db: sqlite_utils.Database, run_id: int, item: Mapping[str, Any]) -> Outcome:
    """Store one page item (see docs/ARCHITECTURE.md) in a single transaction.

    Returns "new", "updated" or "unchanged" for a program record, "rejected" for
    a program page whose record failed validation, "page" for any other page.
    """
    if not item.get("url"):
        raise ValueError("page item has no url")
    seen_at = _timestamp(item.get("fetched_at"))
    record, rejection = _classify(item)
    # Explicit BEGIN via atomic(): under `with db.conn:` sqlite-utils 4 would
    # commit each statement on its own, since the driver opens no transaction first.
    with db.atomic():
        _upsert_page(db, run_id, item, seen_at)
        html = item.get("html")
        if isinstance(html, str):
            _store_html(db, str(item["url"]), html)
        outcome: Outcome
        if record is not None:
            outcome = _store_program(db, run_id, record, seen_at)
        elif rejection is not None:
            db.execute(
                "INSERT INTO rejected (url, reason, record, crawl_run_id, rejected_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [item["url"], rejection["reason"], _json(rejection["record"]), run_id, seen_at],
            )
            outcome = "rejected"
        else:
            outcome = "page"
        _count(db, run_id, outcome)
    return outcome


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
    extraction = item.get("extraction") or {}
    row: dict[str, Any] = {
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
    _upsert(db, "pages", row, pk="url", keep=("first_seen",))


def _store_html(db: sqlite_utils.Database, url: str, html: str) -> None:
    raw = html.encode("utf-8")
    sha1 = hashlib.sha1(raw).hexdigest()
    # Skip recompressing and rewriting the blob when the page did not change.
    current = db.execute("SELECT sha1 FROM page_html WHERE url = ?", [url]).fetchone()
    if current is not None and current[0] == sha1:
        return
    _upsert(db, "page_html", {"url": url, "html_gz": zlib.compress(raw, 6), "sha1": sha1}, pk="url")


def load_html(db: sqlite_utils.Database, url: str) -> str | None:
    """The stored HTML of a page (for re-extraction without recrawling), or None."""
    row = db.execute("SELECT html_gz FROM page_html WHERE url = ?", [url]).fetchone()
    return None if row is None else zlib.decompress(row[0]).decode("utf-8")


def _store_program(
    db: sqlite_utils.Database, run_id: int, record: dict[str, Any], seen_at: str, *, reextracted: bool = False
) -> Outcome:
    """Upsert one program. A re-extraction (no fetch) changes content but not when the page was seen."""
    url = record["url"]
    digest = content_hash(record)
    old = db.execute("SELECT content_hash, record FROM programs WHERE url = ?", [url]).fetchone()
    if old is not None and old[0] == digest:
        if not reextracted:
            db.execute(
                "UPDATE programs SET last_seen = ?, last_crawl_run = ? WHERE url = ?", [seen_at, run_id, url]
            )
        return "unchanged"

    row = _program_columns(record)
    row.update(
        content_hash=digest,
        first_seen=seen_at,
        last_seen=seen_at,
        last_changed=seen_at,
        last_crawl_run=run_id,
    )
    keep = ("first_seen", "last_seen", "last_crawl_run") if reextracted and old is not None else ("first_seen",)
    _upsert(db, "programs", row, pk="url", keep=keep)
    if old is not None:
        _record_changes(db, run_id, url, json.loads(old[1]), record, seen_at)
    _replace_children(db, url, record)
    return "new" if old is None else "updated"


def _record_changes(
    db: sqlite_utils.Database,
    run_id: int,
    url: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    changed_at: str,
) -> None:
    rows = [
        {
            "program_url": url,
            "crawl_run_id": run_id,
            "field": field,
            "old_value": _json(old.get(field)),
            "new_value": _json(new.get(field)),
            "changed_at": changed_at,
        }
        for field in dict.fromkeys([*old, *new])
        if field not in _VOLATILE_KEYS and old.get(field) != new.get(field)
    ]
    _insert_many(db, "program_changes", rows)


def _replace_children(db: sqlite_utils.Database, url: str, record: Mapping[str, Any]) -> None:
    db.execute("DELETE FROM fees WHERE program_url = ?", [url])
    db.execute("DELETE FROM flags WHERE program_url = ?", [url])
    fees = [
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
    _insert_many(db, "fees", fees)
    # One row per code (the table's key); the first occurrence carries the evidence.
    flags: dict[str, dict[str, Any]] = {}
    for flag in record.get("flags") or []:
        flags.setdefault(
            flag["code"],
            {
                "program_url": url,
                "code": flag["code"],
                "severity": flag["severity"],
                "evidence": flag["evidence"],
            },
        )
    _insert_many(db, "flags", list(flags.values()))


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

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CatalogPipeline:
        from scrapy import signals

        pipeline = cls(crawler.settings.get("INTERNSCOPE_DB") or DEFAULT_DB_PATH, crawler)
        # close_spider runs before Scrapy knows the finish reason; this signal
        # delivers it afterwards.
        crawler.signals.connect(pipeline._spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.db = open_catalog(self.db_path)
        spider = self.crawler.spider
        start_urls = [str(u) for u in (getattr(spider, "start_urls", None) or [])]
        self.run_id = start_run(self.db, start_urls)
        self._stats_set("crawl_run_id", self.run_id)
        self._stats_set("db", str(self.db_path))

    def process_item(self, item: Any) -> Any:
        from itemadapter import ItemAdapter
        from scrapy.exceptions import DropItem

        if self.db is None or self.run_id is None:
            raise RuntimeError("CatalogPipeline.process_item called before open_spider")
        data = ItemAdapter(item).asdict()
        try:
            outcome = store_page(self.db, self.run_id, data)
        except Exception as e:
            # One bad page (or a locked file) must not end a crawl of hundreds;
            # the error is logged with its URL and counted in the run's errors.
            self._stats_inc("store_errors")
            logger.exception("catalog could not store %s", data.get("url"))
            raise DropItem(f"catalog could not store {data.get('url')}: {e}") from e
        self._stats_inc("pages_stored")
        counter = _RUN_COUNTER.get(outcome)
        if counter is not None:
            self._stats_inc(counter)
        return item

    def close_spider(self) -> None:
        if self.db is None or self.run_id is None:
            return
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
