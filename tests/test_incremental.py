"""Incremental re-crawls: conditional requests through the HTTP cache, 304s marked seen without
re-extraction, at most a tenth of the bytes on an unchanged site; and the catalog stays consistent
for readers while a crawl writes."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from catalog_factories import make_item, make_record
from scrapy.http import HtmlResponse, Request, Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from catalog.crawl import CrawlResult, run_crawl
from catalog.db import open_catalog
from catalog.jobs import cache_dir, jobs_root
from catalog.siteserver import serve_sites
from catalog.store import content_hash, mark_gone, mark_seen, start_run, store_page
from scrapers.httpcache import RevalidatingPolicy, SqliteCacheStorage
from scrapers.middlewares import META_NOT_MODIFIED, RevalidationMiddleware
from scrapers.spiders.programs import ProgramsSpider

DEMO = Path(__file__).resolve().parent.parent / "demo"
# Loopback sites need no politeness delay.
# Batches of 4 pages (INTERNSCOPE_COMMIT_PAGES, 50 by default): the demo sites are small, and the reader must
# see the catalog between batches, not only before and after a crawl.
FAST: dict[str, Any] = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "INTERNSCOPE_COMMIT_PAGES": 4}
# (site, page, old text, new text) edited before the third crawl, and a page removed then.
EDIT = ("kestrel-electives", "programmes/cambodia/nursing-placement-battambang.html", "345", "375")
REMOVED = ("kestrel-electives", "programmes/bolivia/midwifery-elective-sucre.html")


# --- the HTTP layer -----------------------------------------------------------------------------


def test_policy_always_revalidates_with_the_validators_it_has() -> None:
    policy = RevalidatingPolicy(Settings())
    # Modified long ago: RFC 2616's heuristic would call this fresh for weeks and not ask.
    cached = Response("http://a.test/p", headers={"ETag": '"abc"', "Last-Modified": "Mon, 01 Jan 2001 00:00:00 GMT",
                                                  "Date": "Mon, 01 Jan 2024 00:00:00 GMT"})
    request = Request("http://a.test/p")
    assert policy.is_cached_response_fresh(cached, request) is False
    assert request.headers[b"If-None-Match"] == b'"abc"'
    assert request.headers[b"If-Modified-Since"] == b"Mon, 01 Jan 2001 00:00:00 GMT"
    # No validator: the request goes out unconditional (and such a response is not even stored).
    bare = Request("http://a.test/q")
    assert policy.is_cached_response_fresh(Response("http://a.test/q", headers={"Expires": "0"}), bare) is False
    assert b"If-None-Match" not in bare.headers and b"If-Modified-Since" not in bare.headers
    assert not policy.should_cache_response(Response("http://a.test/q"), bare)


def test_sqlite_storage_round_trip_and_expiry(tmp_path: Path) -> None:
    crawler = get_crawler(ProgramsSpider, {"HTTPCACHE_DIR": str(tmp_path / "cache")})
    spider = ProgramsSpider.from_crawler(crawler, start_urls="http://a.test/")
    storage = SqliteCacheStorage(crawler.settings)
    storage.open_spider(spider)
    request = Request("http://a.test/p")
    assert storage.retrieve_response(spider, request) is None
    body = "<html><body>Fee: €450 per week</body></html>".encode()
    storage.store_response(spider, request, HtmlResponse(
        "http://a.test/p", status=200, body=body, headers={"ETag": '"e1"', "Content-Type": "text/html; charset=utf-8"}))
    storage.close_spider(spider)

    storage = SqliteCacheStorage(crawler.settings)  # a later crawl, a new connection
    storage.open_spider(spider)
    again = Request("http://a.test/p")
    cached = storage.retrieve_response(spider, again)
    assert isinstance(cached, HtmlResponse)
    assert (cached.status, cached.body, cached.headers[b"ETag"]) == (200, body, b'"e1"')
    assert "€450" in cached.text and "cache_timestamp" in again.meta
    storage.expiration_secs = 1
    storage._conn.execute("UPDATE responses SET stored_at = stored_at - 10")  # type: ignore[union-attr]
    assert storage.retrieve_response(spider, Request("http://a.test/p")) is None
    storage.close_spider(spider)


def test_middleware_marks_only_the_servers_304() -> None:
    crawler = get_crawler(ProgramsSpider)
    crawler.stats.open_spider()
    middleware = RevalidationMiddleware.from_crawler(crawler)
    request = Request("http://a.test/p")
    middleware.process_response(request, Response("http://a.test/p", status=200))
    assert META_NOT_MODIFIED not in request.meta
    # A cached copy standing in for a failed download is not the server saying "unchanged".
    middleware.process_response(request, Response("http://a.test/p", status=304, flags=["cached"]))
    assert META_NOT_MODIFIED not in request.meta
    middleware.process_response(request, Response("http://a.test/p", status=304))
    assert request.meta[META_NOT_MODIFIED] is True
    assert crawler.stats.get_value("internscope/not_modified") == 1


# --- mark_seen ----------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_catalog(tmp_path / "catalog.db")
    yield database
    database.close()


def _not_modified(item: dict[str, Any], fetched_at: str) -> dict[str, Any]:
    """The item of the same page when the server answers 304: the cached HTML, no extraction."""
    return {**{k: v for k, v in item.items() if k not in ("extraction", "record", "rejected")},
            "not_modified": True, "fetched_at": fetched_at}


def _row(db: sqlite_utils.Database, sql: str, params: list[Any]) -> tuple[Any, ...]:
    return tuple(db.execute(sql, params).fetchone())


def test_mark_seen_touches_page_and_program_and_nothing_else(db: sqlite_utils.Database) -> None:
    item = make_item(make_record(), fetched_at="2026-03-01T10:00:00Z")
    url = item["url"]
    run1 = start_run(db, ["https://a.test/"])
    assert store_page(db, run1, item) == "new"
    before = _row(db, "SELECT record, content_hash, last_changed, first_seen FROM programs WHERE url = ?", [url])
    fees = db.execute("SELECT * FROM fees ORDER BY id").fetchall()

    run2 = start_run(db, ["https://a.test/"])
    assert mark_seen(db, run2, _not_modified(item, "2026-03-08T10:00:00Z")) == "unchanged"
    assert _row(db, "SELECT last_seen, last_crawl_run FROM programs WHERE url = ?", [url]) == (
        "2026-03-08T10:00:00Z", run2)
    assert _row(db, "SELECT last_seen, crawl_run_id, kind FROM pages WHERE url = ?", [url])[:2] == (
        "2026-03-08T10:00:00Z", run2)
    assert _row(db, "SELECT record, content_hash, last_changed, first_seen FROM programs WHERE url = ?",
                [url]) == before
    assert db.execute("SELECT * FROM fees ORDER BY id").fetchall() == fees
    assert db.execute("SELECT count(*) FROM program_changes").fetchone()[0] == 0
    assert _row(db, "SELECT pages_seen, programs_unchanged, programs_new FROM crawl_runs WHERE id = ?", [run2]) == (
        1, 1, 0)
    # Seen by the run: a complete crawl does not mark it gone.
    assert mark_gone(db, run2, [item["site"]]) == 0


def test_mark_seen_revives_a_gone_program(db: sqlite_utils.Database) -> None:
    item = make_item(make_record(), fetched_at="2026-03-01T10:00:00Z")
    run1 = start_run(db, ["https://a.test/"])
    store_page(db, run1, item)
    run2 = start_run(db, ["https://a.test/"])
    db.execute("UPDATE programs SET status = 'gone', gone_since = '2026-03-05T00:00:00Z'")
    assert mark_seen(db, run2, _not_modified(item, "2026-03-08T10:00:00Z")) == "revived"
    assert _row(db, "SELECT status, gone_since FROM programs", []) == ("active", None)
    assert _row(db, "SELECT field, old_value, new_value FROM program_changes", []) == (
        "status", '"gone"', '"active"')


def test_mark_seen_of_a_plain_page(db: sqlite_utils.Database) -> None:
    page = make_item(None, url="https://a.test/about", html="<html><body><h1>About us</h1></body></html>",
                     fetched_at="2026-03-01T10:00:00Z")
    run1 = start_run(db, ["https://a.test/"])
    assert store_page(db, run1, page) == "page"
    run2 = start_run(db, ["https://a.test/"])
    assert mark_seen(db, run2, _not_modified(page, "2026-03-08T10:00:00Z")) == "page"
    assert _row(db, "SELECT crawl_run_id, last_seen FROM pages", []) == (run2, "2026-03-08T10:00:00Z")


def test_mark_seen_declines_what_the_catalog_cannot_vouch_for(db: sqlite_utils.Database) -> None:
    record = make_record()
    item = make_item(record, fetched_at="2026-03-01T10:00:00Z")
    run1 = start_run(db, ["https://a.test/"])
    run2 = start_run(db, ["https://a.test/"])
    # Never stored (a cache older than the catalog, a crawl killed between caching and storing).
    assert mark_seen(db, run2, _not_modified(item, "2026-03-08T10:00:00Z")) is None
    store_page(db, run1, item)
    # Another copy of the page than the one the catalog extracted.
    other = _not_modified({**item, "html": item["html"] + "<!-- edited -->"}, "2026-03-08T10:00:00Z")
    assert mark_seen(db, run2, other) is None
    # Rejected last time: extracted again, as a crawl without the cache would.
    rejected = make_item(None, url="https://a.test/bad", html="<html><body>Program</body></html>",
                         fetched_at="2026-03-01T10:00:00Z",
                         rejected={"reason": "title: missing", "record": {"url": "https://a.test/bad"}})
    assert store_page(db, run1, rejected) == "rejected"
    assert mark_seen(db, run2, _not_modified(rejected, "2026-03-08T10:00:00Z")) is None
    # Nothing was written by the declined calls.
    assert db.execute("SELECT count(*) FROM pages WHERE crawl_run_id = ?", [run2]).fetchone()[0] == 0
    assert _row(db, "SELECT pages_seen FROM crawl_runs WHERE id = ?", [run2]) == (0,)


def test_a_resumed_run_counts_a_page_once(db: sqlite_utils.Database) -> None:
    item = make_item(make_record(), fetched_at="2026-03-01T10:00:00Z")
    run = start_run(db, ["https://a.test/"])
    assert store_page(db, run, item) == "new"
    # The resumed part meets the page again, as a 304 or fetched again: counted once in all.
    assert mark_seen(db, run, _not_modified(item, "2026-03-01T10:05:00Z"), resumed=True) == "unchanged"
    assert store_page(db, run, {**item, "fetched_at": "2026-03-01T10:06:00Z"}, resumed=True) == "unchanged"
    assert _row(db, "SELECT pages_seen, programs_new, programs_unchanged FROM crawl_runs WHERE id = ?", [run]) == (
        1, 1, 0)


# --- readers while a crawl writes -------------------------------------------------------------


def _check_snapshot(path: Path) -> int:
    """Read the whole catalog in one read transaction (what a reader sees at one moment) and check
    every program against its own record; returns the number of programs seen."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=15)
    try:
        conn.execute("BEGIN")
        programs = conn.execute("SELECT id, url, record, content_hash, flag_codes FROM programs").fetchall()
        fees: dict[str, int] = dict(conn.execute("SELECT program_url, count(*) FROM fees GROUP BY 1").fetchall())
        flags: dict[str, set[str]] = {}
        for url, code in conn.execute("SELECT program_url, code FROM flags"):
            flags.setdefault(url, set()).add(code)
        indexed = {r[0] for r in conn.execute("SELECT rowid FROM programs_fts")}
        pages = {r[0] for r in conn.execute("SELECT url FROM pages")}
        conn.execute("COMMIT")
    finally:
        conn.close()
    for pid, url, raw, digest, flag_codes in programs:
        record = json.loads(raw)
        assert content_hash(record) == digest, url
        assert fees.get(url, 0) == len(record.get("fees") or []), url
        codes = {f["code"] for f in record.get("flags") or []}
        assert flags.get(url, set()) == codes == set(json.loads(flag_codes)), url
        assert pid in indexed and url in pages, url
    return len(programs)


# --- crawling an unchanged site twice ---------------------------------------------------------


@dataclass
class Crawled:
    result: CrawlResult
    requests: list[dict[str, Any]]  # the site servers' request log lines of this crawl
    run_id: int
    seen_by: dict[str, list[tuple[Any, ...]]]  # right after this crawl: the runs that last saw pages, programs

    @property
    def bytes_downloaded(self) -> int:
        return int(self.result.stats["downloader/response_bytes"])

    @property
    def body_bytes_served(self) -> int:
        return sum(entry["bytes"] for entry in self.requests)


@dataclass
class Recrawl:
    db_path: Path
    origins: dict[str, str]
    crawls: list[Crawled]
    snapshots: list[dict[str, Any]]  # the catalog's content after each crawl
    programs_read: list[list[int]]  # per crawl: the programs a reader saw in each read while it wrote


def _snapshot(db_path: Path) -> dict[str, Any]:
    """What the catalog says about programs, timestamps and runs aside."""
    db = open_catalog(db_path, create=False, readonly=True)
    try:
        def rows(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in db.execute(sql).fetchall()]

        return {
            "programs": rows("SELECT url, content_hash, record, status, first_seen, last_changed, price_per_week "
                             "FROM programs ORDER BY url"),
            "fees": rows("SELECT program_url, position, amount, currency, basis, kind, evidence FROM fees "
                         "ORDER BY program_url, position"),
            "flags": rows("SELECT * FROM flags ORDER BY program_url, code"),
            "claims": rows("SELECT * FROM claims ORDER BY program_url, field"),
            "search": rows("SELECT rowid, title, provider, places, main_text FROM programs_fts ORDER BY rowid"),
            "pages": rows("SELECT url, kind, is_program, why FROM pages ORDER BY url"),
            "html": rows("SELECT url, sha1 FROM page_html ORDER BY url"),
        }
    finally:
        db.close()


def _seen_by(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    db = open_catalog(db_path, create=False, readonly=True)
    try:
        return {
            "pages": [tuple(r) for r in db.execute("SELECT DISTINCT crawl_run_id FROM pages")],
            "programs": [tuple(r) for r in db.execute("SELECT DISTINCT last_crawl_run, status FROM programs")],
        }
    finally:
        db.close()


def _crawl_into(results: list[CrawlResult], urls: list[str], db_path: Path) -> None:
    results.append(run_crawl(urls, str(db_path), settings=FAST, quiet=True))


@pytest.fixture(scope="module")
def recrawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recrawl]:
    """The demo sites crawled into one catalog three times from the same servers (the port is part
    of every URL): twice unchanged, then once after one price edit and one page removal. While
    each crawl writes, a reader reads the catalog over and over (_check_snapshot)."""
    tmp = tmp_path_factory.mktemp("recrawl")
    root = tmp / "demo"
    shutil.copytree(DEMO / "sites", root / "sites")
    db_path = tmp / "catalog.db"
    open_catalog(db_path).close()
    log = tmp / "requests.jsonl"
    crawls: list[Crawled] = []
    snapshots: list[dict[str, Any]] = []
    programs_read: list[list[int]] = []
    # Slowed down a little, so the crawls write for a while and the reader reads all along.
    with serve_sites(root, log=log, delay=0.01) as origins:
        for n in range(3):
            if n == 2:
                site, page, old, new = EDIT
                edited = root / "sites" / site / page
                edited.write_text(edited.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
                (root / "sites" / REMOVED[0] / REMOVED[1]).unlink()
            done = len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0
            results: list[CrawlResult] = []
            crawl = threading.Thread(target=_crawl_into, args=(results, list(origins.values()), db_path))
            crawl.start()
            reads: list[int] = []
            while crawl.is_alive():
                reads.append(_check_snapshot(db_path))
                time.sleep(0.01)  # pacing only: leave the crawl most of the CPU
            crawl.join()
            reads.append(_check_snapshot(db_path))
            programs_read.append(reads)
            result = results[0]
            assert (result.exit_code, result.reason) == (0, "finished")
            lines = log.read_text(encoding="utf-8").splitlines()[done:]
            crawls.append(Crawled(result, [json.loads(line) for line in lines],
                                  int(result.stats["internscope/crawl_run_id"]), _seen_by(db_path)))
            snapshots.append(_snapshot(db_path))
    yield Recrawl(db_path, origins, crawls, snapshots, programs_read)


def test_unchanged_site_costs_at_most_a_tenth_of_the_bytes(recrawl: Recrawl) -> None:
    first, second = recrawl.crawls[0], recrawl.crawls[1]
    # Scrapy's count of what came over the network (status lines, headers, bodies) ...
    assert second.bytes_downloaded <= 0.10 * first.bytes_downloaded, (second.bytes_downloaded, first.bytes_downloaded)
    # ... and the servers' count of the bodies they sent.
    assert second.body_bytes_served <= 0.10 * first.body_bytes_served
    assert first.body_bytes_served > 400_000  # the demo sites were really downloaded the first time


def test_recrawl_asks_with_validators_and_gets_304s(recrawl: Recrawl) -> None:
    second = recrawl.crawls[1]
    pages = [e for e in second.requests if e["path"].endswith((".html", "/")) and e["status"] != 404]
    assert pages and {e["status"] for e in pages} == {304}
    assert second.result.stats["internscope/not_modified"] >= len(pages)
    # robots.txt and the sitemaps are revalidated too.
    assert {e["status"] for e in second.requests if e["path"] in ("/robots.txt", "/sitemap.xml")} <= {304, 404}
    # The cache belongs to the catalog.
    assert (cache_dir(recrawl.db_path) / "programs.sqlite").is_file()


def test_recrawl_marks_everything_seen_without_extracting(recrawl: Recrawl) -> None:
    first, second = recrawl.crawls[0], recrawl.crawls[1]
    stats = second.result.stats
    assert "internscope/programs_extracted" not in stats  # not one page went through the extractors
    assert stats["internscope/pages_marked_seen"] == stats["internscope/pages_stored"] == \
        first.result.stats["internscope/pages_stored"]
    assert "internscope/not_modified_extracted" not in stats
    # The catalog says the same about every program, page and search row ...
    assert recrawl.snapshots[1] == recrawl.snapshots[0]
    db = open_catalog(recrawl.db_path, create=False, readonly=True)
    try:
        # ... and that the second run saw all of it.
        assert second.seen_by == {"pages": [(second.run_id,)], "programs": [(second.run_id, "active")]}
        runs = db.execute("SELECT id, pages_seen, programs_new, programs_updated, programs_unchanged, programs_gone "
                          "FROM crawl_runs ORDER BY id").fetchall()
        n_pages, n_programs = runs[0][1], runs[0][2]
        assert n_programs == 20
        assert tuple(runs[1]) == (second.run_id, n_pages, 0, 0, n_programs, 0)
        changes = db.execute("SELECT count(*) FROM program_changes WHERE crawl_run_id = ?", [second.run_id])
        assert changes.fetchone()[0] == 0
    finally:
        db.close()


def test_a_changed_page_is_fetched_and_extracted_again(recrawl: Recrawl) -> None:
    third = recrawl.crawls[2]
    site, page, _, _ = EDIT
    full = [e for e in third.requests if e["status"] == 200 and e["path"].endswith(".html")]
    assert [(e["site"], e["path"]) for e in full] == [(site, "/" + page)]
    stats = third.result.stats
    assert stats["internscope/programs_extracted"] == 1
    db = open_catalog(recrawl.db_path, create=False, readonly=True)
    try:
        run = db.execute("SELECT programs_updated, programs_unchanged, programs_gone FROM crawl_runs WHERE id = ?",
                         [third.run_id]).fetchone()
        assert tuple(run) == (1, 18, 1)
        changed = {r[0] for r in db.execute("SELECT DISTINCT field FROM program_changes WHERE crawl_run_id = ?",
                                            [third.run_id]).fetchall()}
        assert {"fees", "price_per_week", "status"} <= changed
        gone = db.execute("SELECT url FROM programs WHERE status = 'gone'").fetchall()
        assert [r[0] for r in gone] == [f"{recrawl.origins[REMOVED[0]]}/{REMOVED[1]}"]
    finally:
        db.close()


def test_finished_crawls_leave_no_job_behind(recrawl: Recrawl) -> None:
    root = jobs_root(recrawl.db_path)
    assert not root.exists() or not any(root.iterdir())


def test_readers_never_see_half_a_program(recrawl: Recrawl) -> None:
    # Every read passed _check_snapshot (the fixture fails otherwise); some happened part-way through
    # the first crawl, not only before and after it, and through the third, which rewrote a program.
    first, _, third = recrawl.programs_read
    assert any(0 < n < 20 for n in first), first
    assert len(third) > 1
