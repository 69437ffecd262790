"""Extraction in worker processes: the extract pipeline (300) without its cost on the crawl's own core.

Extraction is pure CPU work in Python (about 4-6 ms on a 55 KB program page) and runs under the GIL: in the
Scrapy process it competes with downloading, link following and storing. Threads do not help (measured: an
extraction thread and the reactor's Python work overlap by nothing). Worker processes do, when the machine
has a core to spare.

`ParallelExtractPipeline` is ExtractPipeline with the `extract_page` call sent to one of
INTERNSCOPE_EXTRACT_PROCESSES worker processes (`python -m pipelines.extract_worker`), so the reactor goes on
downloading while pages are extracted. Everything else (304 pages skipped, empty bodies, what is counted) is
ExtractPipeline's own code, and items reach the next pipeline in the same form.

The workers are asyncio subprocesses on the crawl's event loop (Scrapy's asyncio reactor): requests and
results are length-prefixed pickles over the workers' stdin and stdout, read and written by the loop itself.
An earlier version used concurrent.futures.ProcessPoolExecutor: its feeder and manager threads competed with
the reactor thread for the GIL, and the crawl process spent ~1.1 ms more per page than a bare crawl just
handing pages over (bench/crawl.py); its spawned workers also imported Scrapy to unpickle the pipeline.

Failure never loses a page: a worker that cannot start, dies, or cannot extract a page makes the crawl
process extract that page (and, once every worker is gone, all pages) itself, with one warning. Without the
asyncio reactor (TWISTED_REACTOR set to another one) extraction runs in the crawl process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import sys
from itertools import count
from typing import Any

from itemadapter import ItemAdapter

from pipelines.extract import extract_page
from pipelines.extract_worker import HEADER, frame
from pipelines.scrapy_pipelines import ExtractPipeline

__all__ = ["ParallelExtractPipeline", "WorkerGone"]

logger = logging.getLogger(__name__)

# How long close_spider waits for a worker to finish the pages in flight and exit before killing it.
_CLOSE_TIMEOUT_S = 30.0


class WorkerGone(Exception):
    """A worker ended (or was never started) with requests unanswered."""


class _Worker:
    """One extraction process and its requests in flight."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.alive = True
        self.warned = False
        # Set once the worker has loaded and warmed up; until then the crawl process extracts by itself.
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._reader = asyncio.ensure_future(self._read_results())

    @classmethod
    async def start(cls) -> _Worker:
        # The child gets this process's import path: under Scrapyd the project is an egg on sys.path, not a
        # directory python -m would find by itself.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "pipelines.extract_worker", env=env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        return cls(proc)

    async def extract(self, seq: int, html: str | bytes, url: str, encoding: str | None) -> dict[str, Any]:
        if not self.alive:
            raise WorkerGone("worker has ended")
        assert self.proc.stdin is not None
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending[seq] = future
        payload = pickle.dumps((seq, html, url, encoding), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.proc.stdin.write(frame(payload))
            await self.proc.stdin.drain()  # back-pressure once the worker's 1 MB pipe is full
        except (ConnectionError, RuntimeError) as exc:
            self.pending.pop(seq, None)
            self._fail(f"could not send a page: {exc}")
            raise WorkerGone(str(exc)) from exc
        result = await future
        if result[1] is None:
            raise WorkerGone(f"worker could not extract the page: {result[2]}")
        return result[1]

    async def _read_results(self) -> None:
        assert self.proc.stdout is not None
        reason = "worker ended"
        try:
            while True:
                size = int.from_bytes(await self.proc.stdout.readexactly(HEADER), "big")
                result = pickle.loads(await self.proc.stdout.readexactly(size))  # noqa: S301 - our own worker
                if result[0] is None:
                    if not self.ready.done():
                        self.ready.set_result(None)
                    continue
                future = self.pending.pop(result[0], None)
                if future is not None and not future.done():
                    future.set_result(result)
        except asyncio.IncompleteReadError:
            code = self.proc.returncode
            reason = "worker ended" if code is None else f"worker exited with status {code}"
        except Exception as exc:  # a corrupt frame: give the worker up rather than guess
            reason = f"worker sent an unreadable result: {type(exc).__name__}: {exc}"
            self.proc.kill()
        self._fail(reason)

    def _fail(self, reason: str) -> None:
        self.alive = False
        if not self.ready.done():
            self.ready.set_exception(WorkerGone(reason))
            self.ready.exception()  # retrieved: nobody need wait for a worker that never became ready
        for future in self.pending.values():
            if not future.done():
                future.set_exception(WorkerGone(reason))
        self.pending.clear()

    async def close(self, timeout: float = _CLOSE_TIMEOUT_S) -> int | None:
        """Let the worker finish the pages in flight (its stdin closes, it exits); kill it after `timeout`."""
        if self.proc.stdin is not None and not self.proc.stdin.is_closing():
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        await self._reader
        return self.proc.returncode


class ParallelExtractPipeline(ExtractPipeline):
    """ExtractPipeline whose extraction runs in worker processes (see the module docstring)."""

    def __init__(self, crawler: Any = None, processes: int = 0) -> None:
        super().__init__(crawler)
        self.processes = max(0, processes)
        self.workers: list[_Worker] = []
        self._starting: asyncio.Future[None] | None = None
        self._seq = count()
        self._gave_up: str | None = None  # why extraction went back into the crawl process

    @classmethod
    def from_crawler(cls, crawler: Any) -> ParallelExtractPipeline:
        return cls(crawler, crawler.settings.getint("INTERNSCOPE_EXTRACT_PROCESSES", 0))

    async def process_item(self, item: Any) -> Any:  # type: ignore[override]
        adapter = ItemAdapter(item)
        page = self.page_to_extract(adapter)
        if page is None:
            return item
        worker = await self._worker()
        extraction = None
        if worker is not None:
            try:
                extraction = await worker.extract(next(self._seq), *page)
            except WorkerGone as exc:
                self._lost(worker, str(exc))
        if extraction is None:
            extraction = extract_page(*page).as_dict()
        self.set_extraction(adapter, extraction)
        return item

    async def _worker(self) -> _Worker | None:
        """The ready worker with the fewest pages in flight; None while they start (the first second or so of
        a crawl: its pages are extracted here rather than held up), and once they are all gone."""
        if not self.processes or self._gave_up is not None:
            return None
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # a coroutine driven by another Twisted reactor, with no asyncio loop for the pipes
            self._give_up("the crawl does not run on the asyncio reactor")
            return None
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._start())
        if not self._starting.done():
            return None
        live = [w for w in self.workers if w.alive]
        if not live:
            self._give_up("every extraction worker has ended")
            return None
        ready = [w for w in live if w.ready.done()]
        return min(ready, key=lambda w: len(w.pending)) if ready else None

    async def ready(self) -> bool:
        """Wait until the workers have started and are ready (or have failed); whether any is."""
        await self._worker()  # starts them
        if self._starting is not None:
            await asyncio.shield(self._starting)
        for worker in self.workers:
            with contextlib.suppress(WorkerGone):
                await asyncio.shield(worker.ready)
        # A worker that failed before it was ready is not alive (_fail).
        return any(w.alive and w.ready.done() for w in self.workers)

    async def _start(self) -> None:
        for _ in range(self.processes):
            try:
                self.workers.append(await _Worker.start())
            except OSError as exc:
                self._give_up(f"could not start an extraction worker: {exc}")
                return
        self.inc("extract_workers_started")

    def _lost(self, worker: _Worker, reason: str) -> None:
        self.inc("extract_worker_fallbacks")
        if not worker.warned:
            worker.warned = True
            logger.warning("extraction worker %s: %s; the crawl process extracts the page itself",
                           worker.proc.pid, reason)

    def _give_up(self, reason: str) -> None:
        if self._gave_up is None:
            self._gave_up = reason
            logger.warning("%s: extracting in the crawl process", reason)

    async def close_spider(self) -> None:
        if self._starting is not None:
            await asyncio.shield(self._starting)
        workers, self.workers = self.workers, []
        for worker in workers:
            await worker.close()
