"""Storing many page items or records at once: `store_page`'s semantics, batched.

`store_page` writes one item per transaction with a handful of statements, which is
right for a crawl (readers see every page as it lands) and slow for a feed of
100,000 records. `store_records` gives the same catalog for the same input (same
programs, fees, flags, claims, search rows, providers, pages, rejections, history and
crawl_runs counters; see tests/test_bulk.py) but per batch: the existing programs
of a batch are read in one query, and every table is written with one executemany
per batch, inside one transaction per batch.

The rows come from `catalog.store`'s own builders (_program_columns, _fee_rows,
_flag_rows, _claims, _fts_row, _page_row, _change), so the two paths cannot drift
apart on what a row holds; only the order of the statements differs.

Input is an iterable of either page items (docs/ARCHITECTURE.md: a mapping with
`url` and `record`, `rejected` or `extraction`) or bare validated records (a
`ProgramRecord` dict, as a JSONL feed carries them). A bare record has no page: it
writes no `pages` row, does not count in `pages_seen`, and is seen at `seen_at`
(default: now). Records are validated again, as `store_page` does, and an
invalid one becomes a `rejected` row.

While it runs, the connection's page cache is enlarged and foreign-key enforcement is
off (see store_records); both are restored when it returns.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import sqlite_utils

from catalog.db import CatalogError
from catalog.rates import RateTable, load_rate_table
from catalog.store import (
    _FTS_INSERT,
    _RUN_COUNTER,
    _TRACKED_COLUMNS,
    _change,
    _claims,
    _classify,
    _fee_rows,
    _flag_rows,
    _fts_row,
    _json,
    _page_row,
    _program_columns,
    _provider_key,
    _record_changes,
    _timestamp,
    _upsert_sql,
    compress_html,
    content_hash,
    utcnow,
)

__all__ = ["DEFAULT_BATCH", "Entry", "entry", "program_row", "store_records"]

# Large enough that per-statement and per-commit costs vanish, small enough that a
# batch's rows (a few MB) and the lookup of its existing programs stay modest.
DEFAULT_BATCH = 5000
# Page cache while a bulk write runs (KiB, as a negative cache_size): the programs table
# has ten indexes, and with SQLite's default 2 MiB their pages are re-read from the OS
# for every batch (15% of the write time at 40k programs). Restored afterwards.
BULK_CACHE_KIB = 65536

_OLD_COLUMNS = ("url", "id", "content_hash", "record", "status", *_TRACKED_COLUMNS)
_PROVIDER_UPSERT = (
    "INSERT INTO providers (name, name_key, first_seen, last_seen) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(name_key) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)"
)
_REJECTED_INSERT = "INSERT INTO rejected (url, reason, record, crawl_run_id, rejected_at) VALUES (?, ?, ?, ?, ?)"
_PAGE_COLUMNS: tuple[str, ...] = tuple(_page_row(0, {"url": "-"}, "-"))
_page_values = itemgetter(*_PAGE_COLUMNS)
_PAGE_UPSERT = _upsert_sql("pages", list(_PAGE_COLUMNS), pk="url", keep=("first_seen",))


@dataclass(slots=True)
class Entry:
    """One input, classified and hashed (no database access needed)."""

    url: str  # the page's URL; a bare record's own URL
    seen_at: str
    page: dict[str, Any] | None  # the pages row; None for a bare record
    html: str | None
    record: dict[str, Any] | None  # the validated record
    rejection: dict[str, Any] | None
    site: str | None
    main_text: str | None
    digest: str | None


def _is_item(obj: Mapping[str, Any]) -> bool:
    return "record" in obj or "rejected" in obj or "extraction" in obj


def entry(obj: Mapping[str, Any], run_id: int, seen_at: str) -> Entry:
    """Classify one page item or bare record the way store_page does; `seen_at` applies to bare records."""
    if _is_item(obj):
        if not obj.get("url"):
            raise ValueError("page item has no url")
        when = _timestamp(obj.get("fetched_at"))
        record, rejection = _classify(obj)
        html = obj.get("html")
        extraction = obj.get("extraction") or {}
        return Entry(
            url=str(obj["url"]), seen_at=when, page=_page_row(run_id, obj, when),
            html=html if isinstance(html, str) else None, record=record, rejection=rejection,
            site=obj.get("site"), main_text=extraction.get("main_text") if record is not None else None,
            digest=content_hash(record) if record is not None else None,
        )
    if not obj.get("url"):
        raise ValueError("record has no url")
    record, rejection = _classify({"record": obj})
    return Entry(
        url=str(obj["url"]), seen_at=seen_at, page=None, html=None, record=record, rejection=rejection,
        site=None, main_text=None, digest=content_hash(record) if record is not None else None,
    )


def program_row(
    e: Entry, rates: RateTable, run_id: int, provider_id: int | None
) -> dict[str, Any]:
    """The programs row store_page writes for a new or changed record."""
    assert e.record is not None and e.digest is not None
    row = _program_columns(e.record, rates)
    row.update(
        provider_id=provider_id,
        content_hash=e.digest,
        first_seen=e.seen_at,
        last_seen=e.seen_at,
        last_changed=e.seen_at,
        last_crawl_run=run_id,
    )
    # As in store_page: without a site the column is left out, so an update keeps the old one.
    if e.site is not None:
        row["site"] = e.site
    return row


def _batches(entries: Iterable[Entry], size: int) -> Iterator[list[Entry]]:
    """Runs of at most `size` entries in which no page URL and no program URL repeats.

    A repeat starts a new batch: the later item must see the earlier one's write (as
    it does under store_page), which a batch's single lookup could not show it.
    """
    batch: list[Entry] = []
    pages: set[str] = set()
    programs: set[str] = set()
    it = iter(entries)
    while True:
        try:
            e = next(it)
        except StopIteration:
            break
        except Exception:
            # store_page would have stored the items before a bad one: write them, then raise.
            if batch:
                yield batch
            raise
        program_url = e.record["url"] if e.record is not None else None
        if len(batch) >= size or (e.page is not None and e.url in pages) or program_url in programs:
            yield batch
            batch, pages, programs = [], set(), set()
        batch.append(e)
        if e.page is not None:
            pages.add(e.url)
        if program_url is not None:
            programs.add(program_url)
    if batch:
        yield batch


def _in_list(values: Sequence[Any]) -> str:
    # One bound JSON array instead of N placeholders: no SQLITE_MAX_VARIABLE_NUMBER limit per batch.
    return json.dumps(list(values), ensure_ascii=False)


@contextmanager
def _transaction(db: sqlite_utils.Database) -> Iterator[None]:
    if db.conn.in_transaction:
        # Inside the caller's transaction: a savepoint, so a failed batch undoes only itself.
        with db.atomic():
            yield
        return
    # IMMEDIATE takes the write lock before the batch reads which programs exist: a deferred
    # transaction would fail (SQLITE_BUSY, no retry) if a crawl committed between the read and the write.
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def _write_pages(db: sqlite_utils.Database, batch: list[Entry]) -> None:
    pages = [_page_values(e.page) for e in batch if e.page is not None]
    if pages:
        db.conn.executemany(_PAGE_UPSERT, pages)
    html = [(e.url, e.html.encode("utf-8")) for e in batch if e.page is not None and e.html is not None]
    if not html:
        return
    stored = dict(db.execute("SELECT url, sha1 FROM page_html WHERE url IN (SELECT value FROM json_each(?))",
                             [_in_list([url for url, _ in html])]).fetchall())
    rows = []
    for url, raw in html:
        sha1 = hashlib.sha1(raw).hexdigest()
        # As store_page: an unchanged page's blob is not recompressed or rewritten.
        if stored.get(url) != sha1:
            rows.append((url, compress_html(raw), sha1))
    db.conn.executemany(_upsert_sql("page_html", ["url", "html_gz", "sha1"], pk="url"), rows)


def _provider_ids(db: sqlite_utils.Database, written: list[Entry]) -> dict[str, int]:
    """Upsert the providers of the batch's new and changed programs; name_key -> id.

    Sequential stores keep the name and first_seen of a provider's first program and
    the latest last_seen, so one row per provider in first-seen order does the same.
    """
    providers: dict[str, list[str]] = {}
    for e in written:
        assert e.record is not None
        name = e.record.get("provider")
        if not name:
            continue
        key = _provider_key(name)
        if key in providers:
            providers[key][3] = max(providers[key][3], e.seen_at)
        else:
            providers[key] = [name, key, e.seen_at, e.seen_at]
    if not providers:
        return {}
    db.conn.executemany(_PROVIDER_UPSERT, list(providers.values()))
    return dict(db.execute("SELECT name_key, id FROM providers WHERE name_key IN (SELECT value FROM json_each(?))",
                           [_in_list(list(providers))]).fetchall())


def _write_programs(
    db: sqlite_utils.Database, run_id: int, batch: list[Entry], rates: RateTable, outcomes: list[tuple[Entry, str]]
) -> None:
    entries = [e for e in batch if e.record is not None]
    if not entries:
        return
    old = {
        row[0]: row
        for row in db.execute(
            f"SELECT {', '.join(_OLD_COLUMNS)} FROM programs WHERE url IN (SELECT value FROM json_each(?))",
            [_in_list([e.record["url"] for e in entries if e.record is not None])],
        )
    }
    plan: list[tuple[Entry, tuple[Any, ...] | None, bool, bool]] = []  # entry, old row, revived, rewritten
    for e in entries:
        assert e.record is not None
        previous = old.get(e.record["url"])
        revived = previous is not None and previous[4] == "gone"
        rewritten = previous is None or previous[2] != e.digest
        plan.append((e, previous, revived, rewritten))
        outcomes.append(
            (e, "revived" if revived else "new" if previous is None else "updated" if rewritten else "unchanged"))
    written = [(e, previous) for e, previous, _, rewritten in plan if rewritten]
    provider_ids = _provider_ids(db, [e for e, _ in written])

    changes: list[dict[str, Any]] = []  # in store_page's order: per program, status first, then fields
    revived_ids: list[tuple[int]] = []
    touched: list[tuple[Any, ...]] = []  # unchanged programs: (last_seen, run, site, id)
    fts: list[list[Any]] = []  # search rows of unchanged programs with new page text
    fts_delete: list[tuple[int]] = []
    rows: list[dict[str, Any]] = []
    for e, previous, revived, rewritten in plan:
        assert e.record is not None
        url = e.record["url"]
        if revived:
            assert previous is not None
            revived_ids.append((previous[1],))
            changes.append(_change(url, run_id, "status", "gone", "active", e.seen_at))
        if not rewritten:
            assert previous is not None
            touched.append((e.seen_at, run_id, e.site, previous[1]))
            if e.main_text is not None:
                fts_delete.append((previous[1],))
                fts.append(_fts_row(previous[1], e.record, e.main_text))
            continue
        name = e.record.get("provider")
        row = program_row(e, rates, run_id, provider_ids[_provider_key(name)] if name else None)
        rows.append(row)
        if previous is not None:
            changes += _record_changes(run_id, url, json.loads(previous[3]), e.record, e.seen_at)
            before = dict(zip(_TRACKED_COLUMNS, previous[5:], strict=True))
            changes += [_change(url, run_id, c, before[c], row[c], e.seen_at) for c in _TRACKED_COLUMNS
                        if before[c] != row[c]]
    # Consecutive rows with the same columns (all of them, unless some items lack a site) go in one
    # statement; keeping input order gives new programs the ids sequential inserts would.
    for columns, group in itertools.groupby(rows, key=lambda r: tuple(r)):
        db.conn.executemany(_upsert_sql("programs", list(columns), pk="url", keep=("first_seen",)),
                            [tuple(r.values()) for r in group])
    if revived_ids:
        db.conn.executemany("UPDATE programs SET status = 'active', gone_since = NULL WHERE id = ?", revived_ids)
    if touched:
        db.conn.executemany(
            "UPDATE programs SET last_seen = ?, last_crawl_run = ?, site = coalesce(?, site) WHERE id = ?", touched
        )
    _insert_rows(db, "program_changes", changes)
    _write_children(db, written)
    _write_search(db, written, fts, fts_delete)


def _insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict[str, Any]]) -> None:
    """store._insert_many with the values taken by an itemgetter (a third of the Python time per row).

    Every row of one call comes from the same builder, so the first row's keys are every row's columns.
    """
    if not rows:
        return
    columns = list(rows[0])
    values = itemgetter(*columns)
    # `table` and the columns come from this module and store's row builders, never from input.
    db.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                        [values(r) for r in rows] if len(columns) > 1 else [(values(r),) for r in rows])


def _write_children(db: sqlite_utils.Database, written: list[tuple[Entry, tuple[Any, ...] | None]]) -> None:
    replaced = [(previous[0],) for _, previous in written if previous is not None]
    for table in ("fees", "flags", "claims"):
        if replaced:
            # `table` is one of the three literals above.
            db.conn.executemany(f"DELETE FROM {table} WHERE program_url = ?", replaced)
    fees: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    for e, _ in written:
        assert e.record is not None
        url = e.record["url"]
        fees += _fee_rows(url, e.record)
        flags += _flag_rows(url, e.record)
        claims += _claims(url, e.record)
    _insert_rows(db, "fees", fees)
    _insert_rows(db, "flags", flags)
    _insert_rows(db, "claims", claims)


def _write_search(
    db: sqlite_utils.Database,
    written: list[tuple[Entry, tuple[Any, ...] | None]],
    fts: list[list[Any]],
    fts_delete: list[tuple[int]],
) -> None:
    if written:
        urls = [e.record["url"] for e, _ in written if e.record is not None]
        ids = dict(db.execute("SELECT url, id FROM programs WHERE url IN (SELECT value FROM json_each(?))",
                              [_in_list(urls)]).fetchall())
        # A changed program without new page text keeps the text it was indexed with (as store_page does).
        keep = [ids[e.record["url"]] for e, previous in written
                if e.record is not None and previous is not None and e.main_text is None]
        kept: dict[int, str] = {}
        if keep:
            kept = dict(db.execute("SELECT rowid, main_text FROM programs_fts WHERE rowid IN "
                                   "(SELECT value FROM json_each(?))", [_in_list(keep)]).fetchall())
        # store_page deletes before every insert; a new id can only have a row left over from a
        # program deleted by hand, so one query finds those instead of a delete per program.
        new_ids = [ids[e.record["url"]] for e, previous in written if e.record is not None and previous is None]
        stale = db.execute("SELECT rowid FROM programs_fts WHERE rowid IN (SELECT value FROM json_each(?))",
                           [_in_list(new_ids)]).fetchall() if new_ids else []
        fts_delete += [(previous[1],) for _, previous in written if previous is not None]
        fts_delete += [(rowid,) for (rowid,) in stale]
        for e, previous in written:
            assert e.record is not None
            pid = ids[e.record["url"]]
            text = kept.get(pid) if previous is not None and e.main_text is None else e.main_text
            fts.append(_fts_row(pid, e.record, text))
    if fts_delete:
        db.conn.executemany("DELETE FROM programs_fts WHERE rowid = ?", fts_delete)
    if fts:
        db.conn.executemany(_FTS_INSERT, fts)


def _write_batch(
    db: sqlite_utils.Database, run_id: int, batch: list[Entry], rates: RateTable, *, resumed: bool
) -> Counter[str]:
    page_urls = [e.url for e in batch if e.page is not None]
    # As store_page(resumed=True): a page the run has already stored (before it was interrupted) is
    # rewritten but not counted twice, and its rejection replaces the one the run logged before.
    repeats = {url for url, run in db.execute(
        "SELECT url, crawl_run_id FROM pages WHERE url IN (SELECT value FROM json_each(?))", [_in_list(page_urls)]
    ) if run == run_id} if resumed and page_urls else set()
    _write_pages(db, batch)
    outcomes: list[tuple[Entry, str]] = []
    _write_programs(db, run_id, batch, rates, outcomes)
    rejected = [e for e in batch if e.rejection is not None]
    rows = [(e.url, e.rejection["reason"], _json(e.rejection["record"]), run_id, e.seen_at)
            for e in rejected if e.rejection is not None]
    if any(e.url in repeats for e in rejected):
        # Rare (resumed runs only): one by one, so the replacement rows get the ids store_page gives them.
        for e, row in zip(rejected, rows, strict=True):
            if e.url in repeats:
                db.execute("DELETE FROM rejected WHERE url = ? AND crawl_run_id = ?", [e.url, run_id])
            db.execute(_REJECTED_INSERT, row)
    elif rows:
        db.conn.executemany(_REJECTED_INSERT, rows)
    outcomes += [(e, "rejected") for e in rejected]
    outcomes += [(e, "page") for e in batch if e.page is not None and e.record is None and e.rejection is None]
    counted = Counter(outcome for e, outcome in outcomes if e.page is None or e.url not in repeats)
    pages_seen = sum(1 for url in page_urls if url not in repeats)
    # The column names come from store's _RUN_COUNTER, never from input.
    columns = list(_RUN_COUNTER.items())
    db.execute(
        "UPDATE crawl_runs SET pages_seen = pages_seen + ?, "
        + ", ".join(f"{column} = {column} + ?" for _, column in columns)
        + " WHERE id = ?",
        [pages_seen, *(counted[outcome] for outcome, _ in columns), run_id],
    )
    return Counter(outcome for _, outcome in outcomes)


def store_records(
    db: sqlite_utils.Database,
    run_id: int,
    items_or_records: Iterable[Mapping[str, Any]],
    *,
    batch: int = DEFAULT_BATCH,
    rates: RateTable | None = None,
    seen_at: str | None = None,
    resumed: bool = False,
) -> dict[str, int]:
    """Store page items and/or bare records in batches of `batch`; returns the count of each outcome.

    Outcomes are store_page's: "new", "updated", "unchanged", "revived", "rejected",
    "page". `resumed` is store_page's: the run continues an interrupted one, so a page it
    has stored already is not counted or rejected twice. Each batch is one transaction, so
    after a failure the batches before it stay written (as the items before a failing
    store_page do). Raises ValueError for an input without a URL, as store_page does,
    after writing the inputs before it; CatalogError when the crawl run does not exist.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    if db.execute("SELECT 1 FROM crawl_runs WHERE id = ?", [run_id]).fetchone() is None:
        # What the foreign key on pages.crawl_run_id tells store_page; checked here once (see below).
        raise CatalogError(f"crawl run {run_id} does not exist in this catalog")
    rates = rates if rates is not None else load_rate_table(db)
    when = seen_at or utcnow()
    totals: Counter[str] = Counter({k: 0 for k in ("new", "updated", "unchanged", "revived", "rejected", "page")})
    entries = (entry(obj, run_id, when) for obj in items_or_records)
    conn = db.conn
    cache_size = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    foreign_keys = int(conn.execute("PRAGMA foreign_keys").fetchone()[0])
    conn.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB:d}")
    # Foreign-key enforcement costs 12% of a bulk write (a parent lookup per fee, flag, claim and page) and
    # cannot fail here: every reference a batch writes is to the run checked above, or to a program or
    # provider row the same transaction has just written or read (tests/test_bulk.py runs foreign_key_check).
    # A no-op when the caller has a transaction open, which then keeps enforcement on.
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for chunk in _batches(entries, batch):
            with _transaction(db):
                totals.update(_write_batch(db, run_id, chunk, rates, resumed=resumed))
    finally:
        conn.execute(f"PRAGMA foreign_keys = {foreign_keys:d}")
        conn.execute(f"PRAGMA cache_size = {cache_size:d}")
    return dict(totals)
