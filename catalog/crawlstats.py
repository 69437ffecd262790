"""A crawl's figures from its Scrapy stats: the crawl_runs columns, live progress, JSON log lines.

One place derives them, so the live progress line, the summary and the crawl_runs row
agree. Three parts:

* `run_columns(stats)`: the crawl_runs columns of migration 4 (requests, bytes, errors by
  kind, duration, registry providers), written by catalog.store.finish_run.
* `ProgressFile`: a Scrapy extension the crawl worker enables with
  INTERNSCOPE_PROGRESS_FILE; it rewrites a small JSON snapshot (`progress_snapshot`)
  every INTERNSCOPE_PROGRESS_INTERVAL seconds, which the parent process (catalog.crawl)
  reads to draw the progress line (`format_progress`).
* `JsonLineFormatter` / `log_event`: the structured log file of `crawl --log-file`.

Scrapy is imported only inside the extension, so the CLI can use the rest without it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = [
    "JsonLineFormatter",
    "ProgressFile",
    "ProgressLine",
    "errors_by_kind",
    "format_progress",
    "json_log_handler",
    "log_event",
    "progress_snapshot",
    "read_progress",
    "run_columns",
]

STAT_PREFIX = "internscope/"
ERROR_PREFIX = STAT_PREFIX + "errors/"  # counted by the spider per failed page fetch (error_kind)
_SPIDER_EXCEPTIONS = "spider_exceptions/"  # Scrapy's count of exceptions raised in callbacks


def _int(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key)
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def errors_by_kind(stats: Mapping[str, Any]) -> dict[str, int]:
    """Failures of the crawl by kind: `http_404`, `timeout`, `dns`, `connection_refused` or an
    exception's type for page fetches, `store` for pages the catalog could not store,
    `spider_exception:<Type>` for errors in the spider's own code. Sorted by kind."""
    kinds: dict[str, int] = {}
    for key in stats:
        if key.startswith(ERROR_PREFIX):
            kind = key[len(ERROR_PREFIX) :]
        elif key.startswith(_SPIDER_EXCEPTIONS):
            kind = "spider_exception:" + key[len(_SPIDER_EXCEPTIONS) :]
        elif key == STAT_PREFIX + "store_errors":
            kind = "store"
        else:
            continue
        count = _int(stats, key)
        if count:
            kinds[kind] = kinds.get(kind, 0) + count
    return dict(sorted(kinds.items()))


def _seconds(stats: Mapping[str, Any]) -> float | None:
    elapsed = stats.get("elapsed_time_seconds")
    if isinstance(elapsed, int | float):
        return round(float(elapsed), 3)
    start, finish = stats.get("start_time"), stats.get("finish_time")
    if isinstance(start, datetime) and isinstance(finish, datetime):
        return round((finish - start).total_seconds(), 3)
    return None


def run_columns(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The crawl_runs columns of migration 4 from a run's stats (missing stats count 0;
    duration_s None when the stats do not say, for finish_run to derive from started_at)."""
    providers = stats.get(STAT_PREFIX + "providers") or []
    return {
        "requests": _int(stats, "downloader/request_count"),
        "response_bytes": _int(stats, "downloader/response_bytes"),
        "errors_by_kind": json.dumps(errors_by_kind(stats), sort_keys=True),
        "duration_s": _seconds(stats),
        "providers": json.dumps(sorted({str(p) for p in providers}) if isinstance(providers, list) else []),
    }


# --- live progress -------------------------------------------------------------------------------------


def progress_snapshot(stats: Mapping[str, Any], elapsed: float) -> dict[str, Any]:
    """What the progress line shows, from the live stats of a running crawl."""
    pages_key = STAT_PREFIX + "pages_stored"
    pages = _int(stats, pages_key) if pages_key in stats else _int(stats, "item_scraped_count")
    return {
        "pages": pages,
        "programs_new": _int(stats, STAT_PREFIX + "programs_new"),
        "programs_updated": _int(stats, STAT_PREFIX + "programs_updated"),
        "programs_unchanged": _int(stats, STAT_PREFIX + "programs_unchanged"),
        "rejected": _int(stats, STAT_PREFIX + "rejected"),
        "errors": sum(errors_by_kind(stats).values()),
        "requests": _int(stats, "downloader/request_count"),
        "response_bytes": _int(stats, "downloader/response_bytes"),
        "elapsed_s": round(elapsed, 3),
    }


def read_progress(path: Path) -> dict[str, Any] | None:
    """The latest snapshot, or None before the first one (it is replaced atomically, never torn)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def format_progress(snapshot: Mapping[str, Any]) -> str:
    """`  42 pages | programs 7 new, 1 updated, 3 unchanged | 0 errors | 3.5 pages/s | 0:12`"""
    pages = int(snapshot.get("pages", 0))
    elapsed = float(snapshot.get("elapsed_s", 0.0))
    rate = pages / elapsed if elapsed > 0 else 0.0
    errors = int(snapshot.get("errors", 0))
    minutes, seconds = divmod(int(elapsed), 60)
    return (
        f"{pages} pages | programs {int(snapshot.get('programs_new', 0))} new, "
        f"{int(snapshot.get('programs_updated', 0))} updated, {int(snapshot.get('programs_unchanged', 0))} unchanged"
        f" | {errors} error{'' if errors == 1 else 's'} | {rate:.1f} pages/s | {minutes}:{seconds:02d}"
    )


class ProgressLine:
    """Draws `format_progress` of the latest snapshot on one terminal line (carriage return,
    then erase to the end of the line), at most every `min_interval` seconds; `above(line)`
    prints a log line above it; `finish()` draws the last snapshot and ends the line.
    Thread-safe: log lines arrive from another thread than the snapshots."""

    def __init__(self, stream: TextIO, min_interval: float = 0.5, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.min_interval = min_interval
        self.clock = clock
        self.latest: Mapping[str, Any] | None = None
        self.shown: Mapping[str, Any] | None = None
        self.drawn_at: float | None = None
        self._guard = threading.Lock()

    def __call__(self, snapshot: Mapping[str, Any]) -> None:
        with self._guard:
            self.latest = snapshot
            now = self.clock()
            if self.drawn_at is None or now - self.drawn_at >= self.min_interval:
                self._draw(snapshot, now)

    def above(self, line: str) -> None:
        """Print `line` where the progress line is, then draw the progress line again below it."""
        with self._guard:
            self.stream.write(("\r\x1b[K" if self.shown is not None else "") + line + "\n")
            if self.shown is not None:
                self.stream.write(format_progress(self.shown) + "\x1b[K")
            self.stream.flush()

    def _draw(self, snapshot: Mapping[str, Any], now: float) -> None:
        self.stream.write("\r" + format_progress(snapshot) + "\x1b[K")
        self.stream.flush()
        self.shown, self.drawn_at = snapshot, now

    def finish(self) -> None:
        with self._guard:
            if self.latest is not None and self.latest is not self.shown:
                self._draw(self.latest, self.clock())
            if self.drawn_at is not None:
                self.stream.write("\n")
                self.stream.flush()


class ProgressFile:
    """Scrapy extension: rewrite INTERNSCOPE_PROGRESS_FILE with `progress_snapshot` of the live
    stats every INTERNSCOPE_PROGRESS_INTERVAL seconds (default 0.25) and once at the end."""

    def __init__(self, crawler: Crawler, path: Path, interval: float) -> None:
        self.crawler = crawler
        self.path = path
        self.interval = interval
        self.started = time.monotonic()
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressFile:
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        path = crawler.settings.get("INTERNSCOPE_PROGRESS_FILE")
        if not path:
            raise NotConfigured
        extension = cls(crawler, Path(path), crawler.settings.getfloat("INTERNSCOPE_PROGRESS_INTERVAL", 0.25))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        try:
            from scrapy.utils.asyncio import create_looping_call
        except ImportError:  # Scrapy < 2.14
            from twisted.internet.task import LoopingCall as create_looping_call

        self.started = time.monotonic()
        self.task = create_looping_call(self.write)
        self.task.start(self.interval, now=True)

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.write()

    def write(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats is not None else {}
        snapshot = progress_snapshot(stats, time.monotonic() - self.started)
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(snapshot), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # progress is a courtesy; a full disk must not end the crawl here


# --- structured log lines -------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _url_of(record: logging.LogRecord) -> str | None:
    """The URL a record is about: an explicit `url` extra, else the first URL-ish argument
    (a Request or Response, or a string that is an http(s) URL)."""
    explicit = getattr(record, "url", None)
    if isinstance(explicit, str) and explicit:
        return explicit
    args = record.args
    values = args.values() if isinstance(args, Mapping) else (args or ())
    for value in values:
        url = getattr(value, "url", value)
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            return url
    return None


_MESSAGE_MAX = 2000  # Scrapy's "Dropped:" lines quote the whole item, HTML included


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _MESSAGE_MAX else line[: _MESSAGE_MAX - 3] + "..."


class _RequestsAndInfo(logging.Filter):
    """INFO and up, plus Scrapy's DEBUG line per downloaded response ("Crawled (200) <GET url>"),
    so the file has one line per fetch with its URL but not the items (whole pages) of other
    DEBUG lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO or record.name == "scrapy.core.engine"


class JsonLineFormatter(logging.Formatter):
    """One JSON object per record: time (ISO-8601 UTC), level, logger, message and, when
    known, url. No tracebacks: an exception becomes ` (Type: message)` in the message."""

    def format(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        message = _one_line(message.split("Traceback (most recent call last)", 1)[0])
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            text = _one_line(str(exc))
            if text not in message:
                message += f" ({type(exc).__name__}: {text})" if text else f" ({type(exc).__name__})"
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
        }
        url = _url_of(record)
        if url:
            entry["url"] = url
        return json.dumps(entry, ensure_ascii=False, default=str)


def json_log_handler(path: str | os.PathLike[str]) -> logging.Handler:
    """A handler appending JSON lines to `path` (created if missing): INFO and up, and one
    DEBUG line per fetched response."""
    handler = logging.FileHandler(path, mode="a", encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.addFilter(_RequestsAndInfo())
    handler.setFormatter(JsonLineFormatter())
    return handler


def log_event(path: str | os.PathLike[str], level: str, message: str, *, logger: str = "internscope",
              **fields: Any) -> None:
    """Append one JSON line like JsonLineFormatter's (for the parent process's own events)."""
    entry = {"time": _now(), "level": level.upper(), "logger": logger, "message": _one_line(message)}
    entry.update({k: v for k, v in fields.items() if v is not None})
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
