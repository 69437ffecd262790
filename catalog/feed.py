"""The job feed: what a crawl that has no catalog (a Scrapyd job) writes for `internscope ingest`.

One JSON object per line (UTF-8):

* a start line `{"internscope_feed": 1, "kind": "start", "job", "spider", "start_urls", "started_at"}`,
* one line per page item, exactly as the catalog pipeline would have received it (the page
  item of docs/ARCHITECTURE.md after the extract and validate pipelines: `url`, `site`,
  `fetched_at`, `status`, `etag`, ..., the full `html`, `extraction` with `main_text`, and
  `record` (the validated program record) or `rejected`),
* a finish line `{"internscope_feed": 1, "kind": "finish", "job", "finish_reason",
  "finished_at", "stats"}` written when the spider closes. A feed without it is a job
  that crashed or a file cut short: ingest stores its pages but marks nothing gone.

The HTML is carried because the catalog keeps every page's HTML for `reextract`. A name
ending in `.gz` asks Scrapy's GzipPlugin to compress the whole feed (the pages of one site
share their menus and footers, so it shrinks about tenfold); `read_feed` reads both.

`FeedItemExporter` is the Scrapy item exporter that writes it; scrapers/settings.py names
it as the `internscope` feed format (FEED_EXPORTERS), so

    scrapy crawl programs -a start_urls=https://provider.example/ -s INTERNSCOPE_DB= -o job.jl:internscope

writes one without a catalog. `read_feed` is the other end: it reads a feed line by line,
reporting a malformed line with its file and line number and carrying on.

Import-light: loaded inside every Scrapy job that writes a feed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy.exporters import JsonLinesItemExporter

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["FEED_FORMAT", "FEED_VERSION", "CONTROL_KEY", "Feed", "FeedItemExporter", "FeedLineError", "read_feed"]

FEED_FORMAT = "internscope"
FEED_VERSION = 1
# Present (with the format version) on the start and finish lines only; a page item never has it.
CONTROL_KEY = "internscope_feed"
_GZIP_MAGIC = b"\x1f\x8b"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FeedItemExporter(JsonLinesItemExporter):
    """JSON lines of page items between a start line and a finish line (see the module docstring).

    Built by Scrapy's FeedExporter through `from_crawler`, so it can read the spider's
    Scrapyd job id (the `_job` spider argument Scrapyd passes) and the final stats. The
    finish line is written when the feed closes, on spider_closed, after Scrapy's CoreStats
    has set `finish_reason` (CoreStats comes first in EXTENSIONS_BASE).
    """

    def __init__(self, file: IO[bytes], *, crawler: Crawler | None = None, **kwargs: Any) -> None:
        super().__init__(file, **kwargs)
        self.crawler = crawler
        # A job without Scrapyd's `_job` still needs a stable id: ingest keys its run on it.
        self.job = self._spider_attr("_job") or uuid.uuid4().hex

    @classmethod
    def from_crawler(cls, crawler: Crawler, file: IO[bytes], *args: Any, **kwargs: Any) -> FeedItemExporter:
        return cls(file, *args, crawler=crawler, **kwargs)

    def _spider_attr(self, name: str) -> str | None:
        spider = getattr(self.crawler, "spider", None) if self.crawler is not None else None
        value = getattr(spider, name, None) if spider is not None else None
        return str(value) if value else None

    def _control(self, line: dict[str, Any]) -> None:
        self.file.write((json.dumps({CONTROL_KEY: FEED_VERSION, **line}, ensure_ascii=False, default=str)
                         + "\n").encode("utf-8"))

    def start_exporting(self) -> None:
        spider = getattr(self.crawler, "spider", None) if self.crawler is not None else None
        self._control({
            "kind": "start",
            "job": self.job,
            "spider": getattr(spider, "name", None),
            "start_urls": [str(u) for u in (getattr(spider, "start_urls", None) or [])],
            "started_at": _now(),
        })

    def finish_exporting(self) -> None:
        from catalog.crawl_worker import jsonable  # the worker's own stats-to-JSON, light to import

        stats = self.crawler.stats.get_stats() if self.crawler is not None and self.crawler.stats else {}
        self._control({
            "kind": "finish",
            "job": self.job,
            "finish_reason": stats.get("finish_reason"),
            "finished_at": _now(),
            "stats": jsonable(dict(stats)),
        })


@dataclass(frozen=True)
class FeedLineError:
    """A line of a feed that could not be used; `line` is 1-based (None: the whole file)."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}" if self.line else f"{self.source}: {self.reason}"


@dataclass
class Feed:
    """A feed being read. `items()` yields the page items once; the start and finish lines and
    the errors are filled in as the lines go by (complete once `items()` is exhausted)."""

    path: Path
    source: str  # how to name the feed in messages (the path, or the URL it was fetched from)
    start: dict[str, Any] | None = None
    finish: dict[str, Any] | None = None
    errors: list[FeedLineError] = field(default_factory=list)
    sites: set[str] = field(default_factory=set)
    items_read: int = 0
    _digest: str | None = None

    @property
    def job(self) -> str:
        """The job the feed is from: its start (or finish) line's, else a digest of its bytes, so a
        feed written without this project's exporter still ingests once."""
        for line in (self.start, self.finish):
            if line and line.get("job"):
                return str(line["job"])
        if self._digest is None:
            sha = hashlib.sha256()
            with open(self.path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    sha.update(chunk)
            self._digest = "sha256:" + sha.hexdigest()
        return self._digest

    @property
    def complete(self) -> bool:
        """The job closed normally and every line was read: only then may ingest mark anything gone."""
        return self.finish is not None and not self.errors

    def items(self) -> Iterator[dict[str, Any]]:
        for number, raw in _numbered_lines(self):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except UnicodeDecodeError as e:
                self.errors.append(FeedLineError(self.source, number, f"not UTF-8 ({e.reason})"))
                continue
            except ValueError as e:
                self.errors.append(FeedLineError(self.source, number, f"not JSON ({e})"))
                continue
            if not isinstance(obj, dict):
                self.errors.append(FeedLineError(self.source, number, "not a JSON object"))
                continue
            if CONTROL_KEY in obj:
                self._control(obj, number)
                continue
            if not isinstance(obj.get("url"), str) or not obj["url"]:
                self.errors.append(FeedLineError(self.source, number, "page item without a url"))
                continue
            if self.finish is not None:
                # Items after the finish line: two feeds concatenated, or a writer gone wrong.
                self.errors.append(FeedLineError(self.source, number, "page item after the finish line"))
                continue
            self.items_read += 1
            if isinstance(obj.get("site"), str):
                self.sites.add(obj["site"])
            yield obj

    def _control(self, obj: dict[str, Any], number: int) -> None:
        kind = obj.get("kind")
        if obj.get(CONTROL_KEY) != FEED_VERSION:
            self.errors.append(FeedLineError(self.source, number, f"unknown feed version {obj.get(CONTROL_KEY)!r}"))
        elif kind == "start" and self.items_read == 0 and self.start in (None, obj):
            self.start = obj  # read_feed has usually seen it already
        elif kind == "finish" and self.finish is None:
            self.finish = obj
        else:
            self.errors.append(FeedLineError(self.source, number, f"unexpected {kind!r} line"))


def _lines(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
    opener = gzip.open if gzipped else open
    with opener(path, "rb") as fh:
        yield from fh


def _numbered_lines(feed: Feed) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of the feed; a gzip stream cut short ends the lines with an error."""
    number = 0
    try:
        for number, raw in enumerate(_lines(feed.path), 1):  # noqa: B007 - number is read below
            yield number, raw
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        feed.errors.append(FeedLineError(feed.source, number + 1, f"compressed feed is cut short or corrupt ({e})"))


def read_feed(path: str | Path, *, source: str | None = None) -> Feed:
    """Open a feed for reading (plain or gzip). Raises OSError when the file cannot be read at all;
    problems inside it are collected in `Feed.errors` while `items()` runs."""
    path = Path(path)
    with open(path, "rb"):
        pass  # fail now, with the OS's reason, rather than in the middle of an ingest
    feed = Feed(path=path, source=source or str(path))
    # The start line comes first: read it now so the job id is known before anything is stored.
    try:
        for raw in _lines(path):
            if raw.strip():
                obj = json.loads(raw)
                if isinstance(obj, dict) and obj.get(CONTROL_KEY) == FEED_VERSION and obj.get("kind") == "start":
                    feed.start = obj
                break
    except (ValueError, UnicodeDecodeError, EOFError, gzip.BadGzipFile, zlib.error):
        pass  # reported with its line number when items() reaches it
    return feed
