"""The HTTP cache of incremental crawls: a policy that always asks the server, and a crash-safe storage.

Scrapy's HttpCacheMiddleware does the work: with a cached copy of a page it sends If-None-Match /
If-Modified-Since, and on 304 hands the spider the cached response (flag `cached`). The two pieces
here adapt it to a catalog that is re-crawled to see what changed:

* `RevalidatingPolicy` is RFC2616Policy without heuristic freshness. RFC 2616 lets a cache serve a
  page modified ten days ago for a further day without asking; a re-crawl would then miss a price
  changed this morning. Every cached entry is revalidated instead, so a re-crawl costs one
  conditional request per page and a 304 (headers only) for each unchanged one. A response with no
  validator is not stored (RFC2616Policy's rule) and so is simply fetched again.
* `SqliteCacheStorage` keeps the entries in one SQLite file. Scrapy's FilesystemCacheStorage writes
  seven files per entry one after another: a crawl killed mid-write (kill -9) can leave the headers
  of a new entry with a truncated body, which the next crawl would revalidate (same ETag, 304) and
  hand to the spider as the page. Here each entry is one row written by one statement, so it is
  either the old entry or the new one.

Enabled by the catalog's crawl runner (catalog.crawl, HTTPCACHE_ENABLED and HTTPCACHE_DIR next to the
catalog); see scrapers/settings.py.
"""

from __future__ import annotations

import pickle
import sqlite3
import zlib
from pathlib import Path
from time import time
from typing import TYPE_CHECKING, Any

from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.project import data_path

from scrapers.diskfull import is_disk_full, stop_crawl

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

__all__ = ["RevalidatingPolicy", "SqliteCacheStorage"]


class RevalidatingPolicy(RFC2616Policy):
    """RFC2616Policy that never serves a cached response without revalidating it with the server."""

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        # What RFC2616Policy does once an entry is stale: add the validators the entry has (none is
        # fine: the request then goes out unconditional and the answer replaces the entry).
        for validator, condition in ((b"Last-Modified", b"If-Modified-Since"), (b"ETag", b"If-None-Match")):
            value = cachedresponse.headers.get(validator)
            if value:
                request.headers[condition] = value
        return False


class SqliteCacheStorage:
    """HTTPCACHE_STORAGE in `HTTPCACHE_DIR/<spider name>.sqlite`, one row per request fingerprint."""

    def __init__(self, settings: BaseSettings) -> None:
        self.cachedir = Path(data_path(settings["HTTPCACHE_DIR"], createdir=True))
        self.expiration_secs = settings.getint("HTTPCACHE_EXPIRATION_SECS")
        self._conn: sqlite3.Connection | None = None
        self._fingerprinter: Any = None

    def open_spider(self, spider: Spider) -> None:
        self._conn = sqlite3.connect(self.cachedir / f"{spider.name}.sqlite", isolation_level=None, timeout=15)
        # WAL with synchronous=NORMAL survives a killed process (only an OS crash can lose the
        # last entries, and a lost entry is only a full fetch next time).
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS responses ("
            "fingerprint BLOB PRIMARY KEY, url TEXT NOT NULL, stored_at REAL NOT NULL, data BLOB NOT NULL)"
        )
        self._fingerprinter = spider.crawler.request_fingerprinter

    def close_spider(self, spider: Spider) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        assert self._conn is not None, "open_spider first"
        row = self._conn.execute(
            "SELECT stored_at, data FROM responses WHERE fingerprint = ?", [self._fingerprinter.fingerprint(request)]
        ).fetchone()
        if row is None:
            return None
        stored_at, blob = row
        if 0 < self.expiration_secs < time() - stored_at:
            return None
        entry = pickle.loads(zlib.decompress(blob))  # noqa: S301 - our own file, as Scrapy's storages do
        headers = Headers(entry["headers"])
        url, body = entry["url"], entry["body"]
        # Built like FilesystemCacheStorage builds its responses (response_from_dict is Scrapy 2.19+ only).
        response_cls = responsetypes.from_args(headers=headers, url=url, body=body)
        request.meta["cache_timestamp"] = stored_at
        return response_cls(url=url, status=entry["status"], headers=headers, body=body,
                            protocol=entry.get("protocol"))

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        assert self._conn is not None, "open_spider first"
        entry = {
            "url": response.url,
            "status": response.status,
            "headers": dict(response.headers),
            "body": response.body,
            "protocol": response.protocol,
        }
        try:
            self._conn.execute(
                "INSERT OR REPLACE INTO responses (fingerprint, url, stored_at, data) VALUES (?, ?, ?, ?)",
                [self._fingerprinter.fingerprint(request), request.url, time(),
                 zlib.compress(pickle.dumps(entry, protocol=4), 6)],
            )
        except sqlite3.Error as exc:
            if not is_disk_full(exc):
                raise
            # The page itself is fine (only its cache entry is lost): it goes on to the catalog, and the crawl
            # stops, since everything it writes lives on the same disk.
            stop_crawl(spider.crawler, exc, "HTTP cache")
