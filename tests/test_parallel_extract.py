"""pipelines.parallel: extraction in worker processes gives the items and counters ExtractPipeline gives, and a
worker that fails loses no page."""

from __future__ import annotations

import asyncio
import copy
import io
import logging
import os
import pickle
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pipelines import extract_worker
from pipelines.extract import extract_page
from pipelines.parallel import ParallelExtractPipeline
from pipelines.scrapy_pipelines import ExtractPipeline

DEMO = Path(__file__).resolve().parent.parent / "demo" / "sites" / "kestrel-electives"


class _Stats:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.counts[key] += count


class _Crawler:
    def __init__(self) -> None:
        self.stats = _Stats()


def _items() -> list[dict[str, Any]]:
    page = (DEMO / "programmes" / "uganda" / "medical-elective-mbarara.html").read_text(encoding="utf-8")
    faq = (DEMO / "faq.html").read_text(encoding="utf-8")
    base = {"status": 200, "encoding": "utf-8", "etag": None, "last_modified": None, "depth": 1,
            "fetched_at": "2026-11-22T00:00:00+00:00", "site": "http://127.0.0.1:1", "not_modified": False}
    return [
        {**base, "url": "http://127.0.0.1:1/programmes/uganda/medical-elective-mbarara.html", "html": page},
        {**base, "url": "http://127.0.0.1:1/faq.html", "html": faq},
        {**base, "url": "http://127.0.0.1:1/empty.html", "html": ""},
        {**base, "url": "http://127.0.0.1:1/same.html", "html": faq, "not_modified": True},
    ]


def _expected() -> tuple[list[dict[str, Any]], Counter[str]]:
    crawler = _Crawler()
    pipeline = ExtractPipeline(crawler)
    return [pipeline.process_item(item) for item in copy.deepcopy(_items())], crawler.stats.counts


async def _crawl(pipeline: ParallelExtractPipeline, items: list[dict[str, Any]],
                 between: Any = None) -> list[dict[str, Any]]:
    """process_item on every item, all in flight at once as in a crawl; `between(pipeline)` runs once the
    workers are up, before the items are sent."""
    if between is not None:
        await pipeline.ready()
        between(pipeline)
    try:
        return list(await asyncio.gather(*(pipeline.process_item(item) for item in items)))
    finally:
        await pipeline.close_spider()


def test_worker_extraction_equals_in_process_extraction() -> None:
    expected, expected_counts = _expected()
    crawler = _Crawler()
    pipeline = ParallelExtractPipeline(crawler, processes=2)
    sent = []

    def spy(p: ParallelExtractPipeline) -> None:  # every page goes to a worker once they are ready
        for worker in p.workers:
            worker.extract = _counting(worker.extract, sent)  # type: ignore[method-assign]

    got = asyncio.run(_crawl(pipeline, copy.deepcopy(_items()) * 3, between=spy))
    assert len(sent) == 3 * 2  # the pages with html, not the empty and 304 ones
    assert got == expected * 3
    assert got[0]["extraction"]["is_program"] is True and "extraction" not in got[3]
    counts = crawler.stats.counts
    assert counts.pop("internscope/extract_workers_started") == 1
    assert counts == Counter({key: 3 * n for key, n in expected_counts.items()})
    assert pipeline._gave_up is None and pipeline.workers == []


def _counting(extract: Any, sent: list[str]) -> Any:
    async def counted(seq: int, html: str, url: str, encoding: str | None) -> Any:
        sent.append(url)
        return await extract(seq, html, url, encoding)

    return counted


def test_pages_are_extracted_in_process_while_the_workers_start() -> None:
    expected, _ = _expected()
    pipeline = ParallelExtractPipeline(_Crawler(), processes=1)
    got = asyncio.run(_crawl(pipeline, copy.deepcopy(_items())))  # sent at once: no worker is ready yet
    assert got == expected
    assert pipeline._gave_up is None


def test_workers_exit_when_the_spider_closes() -> None:
    pipeline = ParallelExtractPipeline(_Crawler(), processes=1)
    procs = []
    asyncio.run(_crawl(pipeline, copy.deepcopy(_items()), between=lambda p: procs.extend(w.proc for w in p.workers)))
    assert [proc.returncode for proc in procs] == [0]


def test_no_processes_extracts_in_the_crawl_process() -> None:
    expected, expected_counts = _expected()
    crawler = _Crawler()
    pipeline = ParallelExtractPipeline(crawler, processes=0)
    assert asyncio.run(_crawl(pipeline, copy.deepcopy(_items()))) == expected
    assert pipeline.workers == [] and crawler.stats.counts == expected_counts


def test_a_killed_worker_loses_no_page(caplog: pytest.LogCaptureFixture) -> None:
    expected, _ = _expected()
    crawler = _Crawler()
    pipeline = ParallelExtractPipeline(crawler, processes=1)

    def kill(p: ParallelExtractPipeline) -> None:
        os.kill(p.workers[0].proc.pid, signal.SIGKILL)

    with caplog.at_level(logging.WARNING, logger="pipelines.parallel"):
        got = asyncio.run(_crawl(pipeline, copy.deepcopy(_items()) * 2, between=kill))
    assert got == expected * 2
    assert crawler.stats.counts["internscope/programs_extracted"] == 2
    assert "extracting in the crawl process" in caplog.text or "extracts the page itself" in caplog.text


def test_a_worker_that_cannot_start_falls_back(monkeypatch: pytest.MonkeyPatch,
                                               caplog: pytest.LogCaptureFixture) -> None:
    expected, _ = _expected()
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    pipeline = ParallelExtractPipeline(_Crawler(), processes=1)
    with caplog.at_level(logging.WARNING, logger="pipelines.parallel"):
        assert asyncio.run(_crawl(pipeline, copy.deepcopy(_items()))) == expected
    assert "could not start an extraction worker" in caplog.text
    assert pipeline._gave_up is not None


def test_without_an_asyncio_loop_extraction_stays_in_process() -> None:
    """Under another Twisted reactor a coroutine runs with no asyncio loop: the pipeline must not need one."""
    expected, _ = _expected()
    pipeline = ParallelExtractPipeline(_Crawler(), processes=1)
    got = []
    for item in copy.deepcopy(_items()):
        coro = pipeline.process_item(item)
        with pytest.raises(StopIteration) as done:  # nothing to wait for: it completes on its first step
            coro.send(None)
        got.append(done.value.value)
    assert got == expected
    assert pipeline._gave_up == "the crawl does not run on the asyncio reactor"


def _frames(*payloads: bytes) -> io.BytesIO:
    out = io.BytesIO()
    for payload in payloads:
        extract_worker.write_frame(out, payload)
    out.seek(0)
    return out


def test_worker_protocol_answers_each_request_in_order() -> None:
    items = _items()[:2]
    requests = _frames(*(pickle.dumps((n, item["html"], item["url"], "utf-8")) for n, item in enumerate(items)))
    results = io.BytesIO()
    assert extract_worker.serve(requests, results) == 2
    results.seek(0)
    answers = []
    while (payload := extract_worker.read_frame(results)) is not None:
        answers.append(pickle.loads(payload))
    assert answers == [(n, extract_page(item["html"], item["url"], "utf-8").as_dict()) for n, item in enumerate(items)]


@pytest.mark.parametrize("stream", [b"", b"\x00\x00", b"\x00\x00\x00\x09abc"], ids=["empty", "short header",
                                                                                        "short payload"])
def test_worker_protocol_ends_at_a_cut_stream(stream: bytes) -> None:
    results = io.BytesIO()
    assert extract_worker.serve(io.BytesIO(stream), results) == 0
    assert results.getvalue() == b""


def test_worker_reports_what_it_cannot_extract(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure extract_page does not catch (MemoryError, ...) is answered with its reason, and the worker goes on."""
    def fail(html: str, url: str, encoding: str | None = None) -> Any:
        if "boom" in html:
            raise MemoryError("out of memory")
        return extract_page(html, url, encoding)

    monkeypatch.setattr(extract_worker, "extract_page", fail)
    results = io.BytesIO()
    requests = _frames(pickle.dumps((7, "<p>boom</p>", "http://x.test/a", None)),
                       pickle.dumps((8, "<p>fine</p>", "http://x.test/b", None)))
    assert extract_worker.serve(requests, results) == 2
    results.seek(0)
    first, second = (pickle.loads(extract_worker.read_frame(results) or b"") for _ in range(2))
    assert first == (7, None, "MemoryError: out of memory")
    assert second[0] == 8 and second[1] == extract_page("<p>fine</p>", "http://x.test/b").as_dict()
