"""A full disk stops the crawl, with the finish reason `disk_full`, instead of hanging it or losing pages.

Three things a crawl writes live beside the catalog: the catalog itself (the store pipeline), the HTTP cache
(scrapers.httpcache) and the JOBDIR with Scrapy's request queue. When the disk fills, each of them failed on
its own: the queue's push raised on every scheduling attempt, so the engine retried it each heartbeat for
ever (the crawl hung); the cache turned every page into a download error; the store dropped every page.
Each now calls `stop_crawl`, which closes the spider once with reason `disk_full`: the run does not finish,
so no program is marked gone, and `internscope crawl --resume` continues it once there is room.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from typing import TYPE_CHECKING, Any

from scrapy.core.scheduler import Scheduler

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

__all__ = ["DISK_FULL_REASON", "DiskFullScheduler", "is_disk_full", "stop_crawl"]

logger = logging.getLogger(__name__)

DISK_FULL_REASON = "disk_full"
STAT = "internscope/disk_full"
# No space, a quota, or a file-size limit (RLIMIT_FSIZE): all mean nothing more can be written.
_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def is_disk_full(exc: BaseException) -> bool:
    """An OSError or SQLite error that says the disk (or the file's size limit) is full."""
    if isinstance(exc, OSError):
        return exc.errno in _ERRNOS
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL" or "database or disk is full" in str(exc)
    return False


def stop_crawl(crawler: Crawler | None, exc: BaseException, where: str) -> None:
    """Close the crawl with reason `disk_full` (once; later calls only log at debug level)."""
    if crawler is None:
        return
    stats = crawler.stats
    if stats is not None and stats.get_value(STAT):
        logger.debug("disk still full (%s: %s)", where, exc)
        return
    if stats is not None:
        stats.set_value(STAT, f"{where}: {exc}")
    logger.error("the disk is full (%s: %s): stopping the crawl", where, exc)
    try:
        engine = crawler.engine
    except RuntimeError:  # Scrapy 2.19 raises before the crawl starts (a pipeline driven by hand)
        return
    if engine is None or engine.spider is None:
        return
    from scrapy.utils.defer import deferred_from_coro

    closing = deferred_from_coro(engine.close_spider_async(reason=DISK_FULL_REASON))
    # Closing writes too (the queue's state, the run's row) and may fail on the full disk: logged, not raised.
    closing.addErrback(lambda failure: logger.warning("closing after a full disk: %s", failure.value))


class DiskFullScheduler(Scheduler):
    """Scrapy's scheduler, but a request its JOBDIR queue (or seen-requests file) cannot store on a full disk
    stops the crawl: Scrapy's own raised on every attempt, and the engine kept retrying (the crawl hung)."""

    def enqueue_request(self, request: Request) -> bool:
        try:
            return super().enqueue_request(request)
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            stop_crawl(self.crawler, exc, "request queue")
            return False

    def close(self, reason: str) -> Any:
        try:
            return super().close(reason)
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            # The queue's state could not be written: a resumed crawl starts again from its start URLs, as
            # after a kill -9 (run_crawl discards a queue its crawl did not close).
            logger.warning("the request queue could not be saved on the full disk (%s)", exc)
            return None
