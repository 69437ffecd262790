"""`internscope ingest`: merge the feeds of crawl jobs (Scrapyd nodes) into the catalog, idempotently.

Each feed (catalog/feed.py) is one job, and becomes one crawl_runs row, in one transaction:

1. its page items are stored with `catalog.bulk.store_records`, the same semantics as the
   crawl's store pipeline (so a fleet's catalog equals a single-node crawl's),
2. if the job finished completely (the feed has its finish line, no line was malformed, and
   the spider reported the site complete), the site's programs it did not see are marked gone,
3. the run is closed with the job's own stats, finish reason and times,
4. the crawl monitors (catalog/monitors.py) judge the run against the catalog and are recorded.

The run carries the feed's job id (`crawl_runs.job`, unique): a feed whose job is already in
the catalog is skipped, so ingesting a feed twice changes nothing. A failed feed rolls back
whole, so it can simply be ingested again.

A malformed line is reported with its file and line and skipped; the rest of the feed is
stored (and nothing is marked gone, since a page may be the one lost).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from catalog.bulk import store_records
from catalog.db import CatalogError
from catalog.feed import Feed, FeedLineError, read_feed
from catalog.monitors import DEFAULT_THRESHOLDS, MonitorOutcome, Thresholds, failed_names, gather_facts, run_monitors
from catalog.store import complete_sites, finish_run, mark_gone, start_run

__all__ = ["IngestError", "IngestResult", "fetch_feed", "ingest_feed", "project_thresholds"]

# Reason recorded for a feed without a finish line (the job was killed, or the file is cut short).
NO_FINISH = "no finish line"
_FETCH_TIMEOUT_S = 60


class IngestError(Exception):
    """A feed that cannot be ingested at all; the message is one user-facing line naming it."""


@dataclass
class IngestResult:
    source: str
    job: str
    run_id: int | None = None
    already: bool = False  # the job was ingested before (as run_id): nothing was written
    counts: dict[str, int] = field(default_factory=dict)
    gone: int = 0
    finish_reason: str | None = None
    complete_sites: list[str] = field(default_factory=list)
    errors: list[FeedLineError] = field(default_factory=list)
    monitors: list[MonitorOutcome] = field(default_factory=list)

    @property
    def monitors_failed(self) -> list[str]:
        return failed_names(self.monitors)


def project_thresholds() -> Thresholds:
    """The monitor thresholds of the project's Scrapy settings (what a crawl of this node would use)."""
    try:
        from scrapy.settings import Settings
    except ImportError:
        return DEFAULT_THRESHOLDS
    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    return Thresholds.from_settings(settings)


@contextmanager
def _immediate(db: sqlite_utils.Database) -> Iterator[None]:
    """One write transaction for a whole feed, taken before anything is read: a feed goes in whole or not at all."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _existing_run(db: sqlite_utils.Database, job: str) -> int | None:
    row = db.execute("SELECT id FROM crawl_runs WHERE job = ?", [job]).fetchone()
    return None if row is None else int(row[0])


def ingest_feed(
    db: sqlite_utils.Database,
    path: str | Path,
    *,
    source: str | None = None,
    thresholds: Thresholds | None = None,
) -> IngestResult:
    """Merge one feed into the catalog (see the module docstring). Raises IngestError for a feed that
    cannot be read at all; malformed lines are in the result's `errors`."""
    name = source or str(path)
    try:
        feed = read_feed(path, source=name)
        job = feed.job
    except OSError as e:
        raise IngestError(f"{name}: cannot read: {e.strerror or e}") from None
    result = IngestResult(source=name, job=job)
    existing = _existing_run(db, job)
    if existing is not None:
        result.run_id, result.already = existing, True
        return result
    try:
        with _immediate(db):
            _ingest(db, feed, result, thresholds or project_thresholds())
    except (OSError, sqlite3.DatabaseError, CatalogError, ValueError) as e:
        # Rolled back: nothing of this feed is in the catalog, and it can be ingested again.
        raise IngestError(f"{name}: not ingested: {' '.join(str(e).split())}") from None
    return result


def _ingest(db: sqlite_utils.Database, feed: Feed, result: IngestResult, thresholds: Thresholds) -> None:
    start = feed.start or {}
    start_urls = [str(u) for u in start.get("start_urls") or []]
    run_id = start_run(db, start_urls)
    result.run_id = run_id
    db.execute("UPDATE crawl_runs SET job = ?, feed = ?, started_at = coalesce(?, started_at) WHERE id = ?",
               [result.job, feed.source, start.get("started_at"), run_id])
    result.counts = store_records(db, run_id, feed.items())
    result.errors = list(feed.errors)

    finish = feed.finish or {}
    stats: dict[str, Any] = dict(finish.get("stats") or {})
    reason = str(finish.get("finish_reason") or stats.get("finish_reason") or NO_FINISH)
    stats["finish_reason"] = reason
    stats["internscope/feed"] = feed.source
    # The page items' own sites: what a job crawling from these start URLs stored, as the store pipeline counts them.
    result.complete_sites = complete_sites(feed.sites, stats, reason) if feed.complete else []
    result.gone = mark_gone(db, run_id, result.complete_sites)
    if not start_urls:
        # A feed without its start line: name the run by the sites its pages came from.
        db.execute("UPDATE crawl_runs SET start_urls = ? WHERE id = ?", [json.dumps(sorted(feed.sites)), run_id])
    finish_run(db, run_id, stats, reason)
    if finish.get("finished_at"):
        db.execute("UPDATE crawl_runs SET finished_at = ? WHERE id = ?", [finish["finished_at"], run_id])
    facts = gather_facts(stats, thresholds=thresholds, db=db, run_id=run_id,
                         start_urls=start_urls or sorted(feed.sites))
    result.monitors = run_monitors(facts)
    result.finish_reason = reason


def fetch_feed(url: str, directory: Path) -> Path:
    """Download a feed from an http(s) URL (a Scrapyd node's items URL) into `directory`; returns the file.
    Raises IngestError with the URL and the reason."""
    from catalog.fleet import credentials, display

    target = Path(tempfile.mkstemp(prefix="feed-", suffix=".jl", dir=directory)[1])
    plain, auth = credentials(url)  # a node with Scrapyd's username and password: http://user:pw@node/...
    request = urllib.request.Request(plain, headers={"Authorization": auth} if auth else {})
    try:
        with urllib.request.urlopen(request, timeout=_FETCH_TIMEOUT_S) as response, open(target, "wb") as out:
            while chunk := response.read(1 << 20):
                out.write(chunk)
    except urllib.error.HTTPError as e:
        raise IngestError(f"{display(url)}: HTTP {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", None) or e
        raise IngestError(f"{display(url)}: cannot fetch: {reason}") from None
    return target
