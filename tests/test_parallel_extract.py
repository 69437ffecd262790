"""pipelines.parallel: extraction in a worker process gives the items and counters ExtractPipeline gives."""

from __future__ import annotations

import asyncio
import copy
from collections import Counter
from pathlib import Path
from typing import Any

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


def _run(pipeline: ExtractPipeline, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    async def go() -> list[dict[str, Any]]:
        out = []
        for item in items:
            result = pipeline.process_item(item)
            out.append(await result if asyncio.iscoroutine(result) else result)
        return out

    return asyncio.run(go())


def test_worker_extraction_equals_in_process_extraction() -> None:
    expected_crawler, crawler = _Crawler(), _Crawler()
    expected = _run(ExtractPipeline(expected_crawler), copy.deepcopy(_items()))
    pipeline = ParallelExtractPipeline(crawler, processes=1)
    pipeline.open_spider()
    try:
        assert pipeline._pool is not None
        got = _run(pipeline, copy.deepcopy(_items()))
    finally:
        pipeline.close_spider()
    assert got == expected
    assert got[0]["extraction"]["is_program"] is True and "extraction" not in got[3]
    assert crawler.stats.counts == expected_crawler.stats.counts
    assert crawler.stats.counts["internscope/programs_extracted"] == 1


def test_no_processes_extracts_in_the_crawl_process() -> None:
    crawler = _Crawler()
    pipeline = ParallelExtractPipeline(crawler, processes=0)
    pipeline.open_spider()
    assert pipeline._pool is None
    got = _run(pipeline, copy.deepcopy(_items()))
    pipeline.close_spider()
    assert got == _run(ExtractPipeline(_Crawler()), copy.deepcopy(_items()))
