"""Scrapy item pipelines for extraction (300) and validation (400).

One concern each, numbered in `scrapers/settings.py`, counting what they do in
the crawler's stats. They only adapt items to the pure functions of
`pipelines.extract` and `pipelines.record`; nothing here knows about the
catalog. Neither drops an item: a page that is not a program, or a record that
fails validation, still reaches the store, which keeps it (pages, rejected).
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from pydantic import ValidationError

from pipelines.extract import extract_page
from pipelines.record import ProgramRecord


class _StatsPipeline:
    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> _StatsPipeline:
        return cls(crawler)

    def inc(self, key: str) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"internscope/{key}")


class ExtractPipeline(_StatsPipeline):
    """Run the extractors on the page's HTML; add `extraction` to the item.

    A page the server answered 304 Not Modified for (`not_modified`) is not extracted again: the
    catalog already holds what this HTML yields, and marks it seen (catalog.store.mark_seen). The item
    goes on without `extraction`; the store extracts it after all when its copy does not match.
    """

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        page = self.page_to_extract(adapter)
        if page is not None:
            self.set_extraction(adapter, extract_page(*page).as_dict())
        return item

    def page_to_extract(self, adapter: ItemAdapter) -> tuple[str | bytes, str, str | None] | None:
        """(html, url, encoding) for extract_page, or None for a page that is not extracted (304, empty body),
        which this has already dealt with."""
        if adapter.get("not_modified"):
            self.inc("pages_not_modified")
            return None
        html = adapter.get("html")
        if not html:
            adapter["extraction"] = {"is_program": False, "kind": "empty", "why": "empty body", "record": None,
                                     "error": None}
            self.inc("pages_empty")
            return None
        return html, adapter.get("url") or adapter.get("fetched_url") or "", adapter.get("encoding")

    def set_extraction(self, adapter: ItemAdapter, extraction: dict[str, Any]) -> None:
        """Put `extraction` (Extraction.as_dict()) on the item and count what it was."""
        adapter["extraction"] = extraction
        if extraction.get("error"):
            self.inc("extract_errors")
        elif extraction.get("is_program"):
            self.inc("programs_extracted")
        else:
            self.inc(f"pages_{extraction.get('kind')}")


def validate_record(record: dict) -> tuple[dict | None, str | None]:
    """The validated record (JSON-ready), or None and a one-line reason."""
    try:
        model = ProgramRecord.model_validate(record)
    except ValidationError as exc:
        parts = []
        for err in exc.errors()[:5]:
            loc = ".".join(str(x) for x in err["loc"]) or "record"
            parts.append(f"{loc}: {err['msg']}")
        return None, "; ".join(parts)
    return model.model_dump(mode="json"), None


class ValidatePipeline(_StatsPipeline):
    """Validate program records with pydantic; failures become `rejected` with a reason, never dropped."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        extraction = adapter.get("extraction") or {}
        if extraction.get("error"):
            adapter["rejected"] = {"reason": f"extraction failed: {extraction['error']}",
                                   "record": extraction.get("record")}
            self.inc("rejected")
            return item
        record = extraction.get("record")
        if not extraction.get("is_program") or record is None:
            return item
        # The spider's canonical URL wins over what the page claims, so one program is one row.
        record = {**record, "url": adapter.get("url") or record.get("url")}
        valid, reason = validate_record(record)
        if valid is None:
            adapter["rejected"] = {"reason": reason, "record": record}
            self.inc("rejected")
        else:
            adapter["record"] = valid
            self.inc("validated")
        return item
