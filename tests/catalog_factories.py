"""Builders for catalog tests: validated program records and page items as the
pipelines hand them to the store (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

from typing import Any

from pipelines.record import FLAG_SEVERITY, ProgramRecord


def make_record(
    url: str = "https://provider.test/programs/ghana-medicine", **overrides: Any
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "url": url,
        "provider": "Example Health Trips",
        "title": "Medical Internship in Ghana",
        "country": "GH",
        "cities": ["Accra", "Kumasi"],
        "fees": [
            {
                "amount": 2195,
                "currency": "USD",
                "basis": "total",
                "kind": "program",
                "weeks": 4,
                "evidence": "4 weeks: $2,195",
            },
            {
                "amount": 1450.5,
                "currency": "USD",
                "basis": "total",
                "kind": "program",
                "weeks": 2,
                "evidence": "2 weeks: $1,450.50",
            },
            {
                "amount": 250,
                "currency": "USD",
                "basis": "one_time",
                "kind": "registration",
                "evidence": "registration fee of $250",
            },
        ],
        "includes": ["accommodation", "meals"],
        "excludes": ["flights"],
        "duration": {"min_weeks": 2, "max_weeks": 12, "evidence": "from 2 to 12 weeks"},
        "start_dates": "flexible",
        "supervision": {"claimed": True, "licensed": True, "evidence": "supervised by licensed doctors"},
        "participation": "observation",
        "experience_required": False,
        "min_age": 18,
        "legal_info": True,
        "safety_info": True,
        "community_benefit": False,
        "flags": [
            {
                "code": "no_community_benefit",
                "severity": FLAG_SEVERITY["no_community_benefit"],
                "evidence": "no mention of how the hospital benefits",
            },
        ],
        "evidence": {
            "country": "placements in Ghana",
            "cities": "Accra and Kumasi hospitals",
            "min_age": "you must be 18",
        },
    }
    fields.update(overrides)
    return ProgramRecord(**fields).model_dump(mode="json")


def make_item(
    record: dict[str, Any] | None = None,
    *,
    url: str | None = None,
    fetched_at: str = "2026-03-01T10:00:00Z",
    html: str | None = None,
    is_program: bool | None = None,
    kind: str | None = None,
    rejected: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    page_url = url or (record["url"] if record else "https://provider.test/blog/post")
    program = is_program if is_program is not None else (record is not None or rejected is not None)
    item: dict[str, Any] = {
        "url": page_url,
        "fetched_url": page_url + "?ref=nav",
        "status": 200,
        "html": html
        if html is not None
        else f"<html><body><h1>{page_url}</h1>{'<p>text</p>' * 50}</body></html>",
        "encoding": "utf-8",
        "etag": '"abc"',
        "last_modified": None,
        "fetched_at": fetched_at,
        "depth": 1,
        "site": "https://provider.test",
        "extraction": {
            "is_program": program,
            "kind": kind or ("program" if program else "blog"),
            "why": "test page",
            "record": record or (rejected or {}).get("record"),
            "error": None,
        },
    }
    if record is not None:
        item["record"] = record
    if rejected is not None:
        item["rejected"] = rejected
    item.update(extra)
    return item


# The published JSONL export shape, written out here rather than imported from catalog.queries so that a
# change to the format fails the tests.
# Keys the catalog derives rather than copies from the record.
DERIVED_EXPORT_KEYS = ("discipline", "prices", "status", "gone_since", "first_seen", "last_seen")

EXPORT_KEYS = [
    "url",
    "provider",
    "title",
    "country",
    "cities",
    "fees",
    "includes",
    "excludes",
    "duration",
    "start_dates",
    "supervision",
    "participation",
    "experience_required",
    "min_age",
    "legal_info",
    "safety_info",
    "community_benefit",
    "flags",
    "evidence",
    "discipline",
    "prices",
    "status",
    "gone_since",
    "first_seen",
    "last_seen",
]
