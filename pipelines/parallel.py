"""Extraction in worker processes: the extract pipeline (300) without its cost on the crawl's own core.

Extraction is pure CPU work in Python (about 6-10 ms on a 60 KB program page) and runs under the GIL: in
the Scrapy process it competes with downloading, link following and storing. A thread pool does not help
(measured: an extraction thread and the reactor's Python work overlap by nothing, lxml releases the GIL only
while parsing); worker processes do, when the machine has a core to spare for them.

`ParallelExtractPipeline` hands each page item to a process pool of INTERNSCOPE_EXTRACT_PROCESSES workers and
awaits the result, so the reactor goes on downloading while pages are extracted. In the worker the item goes
through `ExtractPipeline.process_item` itself, with a stats recorder for a crawler: the behaviour (304 pages
skipped, empty bodies, what is counted) is the extract pipeline's own, and the counters it increments are
replayed on the crawl's stats. Items reach the next pipeline in the same form as with ExtractPipeline.

Off by default (0: extraction in the crawl process, exactly ExtractPipeline). Measured with bench/crawl.py on a
generated site (1,000-2,000 pages, 2-core machine shared with other work): one worker takes the crawl process
from 16-20 to 10-11 ms of CPU per page and the full crawl from 0.22-0.48 to 0.45-0.67 of the bare crawl's
pages/s, but adds 130-150 MB (PSS), which brings the crawl's processes to 360-400 MB. Worth 1-3 where cores and
memory are spare. A pool that breaks (a worker killed) is given up and the crawl extracts in-process from then
on, with a warning.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from itemadapter import ItemAdapter

from pipelines.scrapy_pipelines import ExtractPipeline

__all__ = ["ParallelExtractPipeline"]

logger = logging.getLogger(__name__)

# A small program page for the workers to extract once when they start, so the gazetteer, compiled patterns
# and lazy imports are loaded before the first real page rather than while the crawl waits for it.
_WARM_UP_PAGE = (
    "<html><head><title>Nursing Placement in Moshi, Tanzania</title></head><body><main><h1>Nursing Placement"
    "</h1><p>Work on the wards of a hospital in Moshi, Tanzania, supervised by registered nurses.</p>"
    "<p>2 to 8 weeks from $450 per week; registration fee $250.</p></main></body></html>"
)


class _Recorder:
    """Stands in for a crawler in the worker: ExtractPipeline counts into `stats`, which records the keys."""

    def __init__(self) -> None:
        self.stats = self
        self.counts: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.counts[key] += count


def _warm_up() -> None:
    ExtractPipeline(None).process_item({"html": _WARM_UP_PAGE, "url": "https://warm-up.invalid/p.html"})


def _extract_in_worker(fields: dict[str, Any]) -> tuple[dict[str, Any], list[str], dict[str, int]]:
    """Run ExtractPipeline on a copy of the item's fields; return what it set, what it removed and what it
    counted (the input's values are not sent back: the html alone is most of an item)."""
    recorder = _Recorder()
    item = dict(fields)
    out = dict(ItemAdapter(ExtractPipeline(recorder).process_item(item)).items())
    changed = {k: v for k, v in out.items() if k not in fields or fields[k] is not v}
    removed = [k for k in fields if k not in out]
    return changed, removed, dict(recorder.counts)


class ParallelExtractPipeline(ExtractPipeline):
    """ExtractPipeline whose extraction runs in a pool of worker processes (see the module docstring)."""

    def __init__(self, crawler: Any = None, processes: int = 0) -> None:
        super().__init__(crawler)
        self.processes = max(0, processes)
        self._pool: ProcessPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ParallelExtractPipeline:
        return cls(crawler, crawler.settings.getint("INTERNSCOPE_EXTRACT_PROCESSES", 0))

    def open_spider(self) -> None:
        if self.processes:
            # spawn, not fork: the crawl process runs the reactor and threads (DNS, the HTTP cache), which a
            # forked child would inherit in whatever state they were in.
            self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_warm_up)

    def close_spider(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    async def process_item(self, item: Any) -> Any:  # type: ignore[override]
        pool = self._pool
        if pool is None:
            return super().process_item(item)
        adapter = ItemAdapter(item)
        try:
            changed, removed, counts = await _result(pool.submit(_extract_in_worker, dict(adapter.items())))
        except BrokenProcessPool as exc:
            logger.warning("extraction worker pool broke (%s); extracting in the crawl process from now on", exc)
            self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            return super().process_item(item)
        for key, value in changed.items():
            adapter[key] = value
        for key in removed:
            del adapter[key]
        if self.crawler is not None and self.crawler.stats is not None:
            for key, count in counts.items():
                self.crawler.stats.inc_value(key, count)
        return item


async def _result(future: Future[Any]) -> Any:
    """Await a concurrent.futures result on the crawl's event loop (asyncio reactor) or Twisted reactor."""
    from scrapy.utils.asyncio import is_asyncio_available

    if is_asyncio_available():
        import asyncio

        return await asyncio.wrap_future(future)
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred

    deferred: Deferred[Any] = Deferred()

    def settle(done: Future[Any]) -> None:
        if done.exception() is not None:
            deferred.errback(done.exception())
        else:
            deferred.callback(done.result())

    # The done-callback runs in the pool's management thread; the Deferred must fire in the reactor's.
    future.add_done_callback(lambda done: reactor.callFromThread(settle, done))  # type: ignore[attr-defined]
    return await deferred
