"""The organisation that runs the program, and the program's own title.

On a directory site the listed organisation runs the program, not the directory,
so a "listed by" / "run by" statement or a structured-data brand outranks the
site name.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pipelines.page import Page, norm_space

_RUN_BY = re.compile(
    r"\b(?i:listed|run|organi[sz]ed|offered|operated|hosted|managed|provided) (?i:by)\s*:?\s*(?:the\s+)?"
    r"(?P<name>[A-Z][\w&'’.-]*(?:\s+(?:of|for|and|&|de|the)?\s*[A-Z][\w&'’.-]*){0,6}"
    r"(?:\s+(?:e\.\s?V\.|Ltd\.?|Inc\.?|gGmbH|GmbH|CIC|NPC|NGO|Trust|Foundation))?)",
)
_COPYRIGHT = re.compile(
    r"(?:©|\((?i:c)\)|(?i:copyright))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?P<name>[A-Z][\w&'’.-]*(?:\s+(?:of|for|and|&|de|the)?\s*"
    r"[A-Z][\w&'’.-]*){0,6})",
)
_ORG_LABEL = re.compile(r"^(?:organi[sz]ation|host organi[sz]ation|provider|run by|organi[sz]er|partner)$", re.I)


def extract_provider(page: Page) -> tuple[str | None, str | None]:
    for item in page.jsonld:
        for key in ("provider", "brand", "organizer", "offeredBy"):
            val = item.get(key)
            if isinstance(val, dict) and isinstance(val.get("name"), str):
                name = norm_space(val["name"])
                if name and name != page.site_name:
                    return name, f"structured data {key}: {name}"
    for b in page.blocks[:40]:
        if b.is_fact and _ORG_LABEL.match(b.label.strip()):
            return b.cells[-1], b.text
        m = _RUN_BY.search(b.text)
        if m and b.index < 15:
            name = m.group("name").strip(" ,")
            # A sentence's full stop is not part of the name; an abbreviation's (Inc., Ltd., e.V.) is.
            if not re.search(r"(?:\b(?:Inc|Ltd|Co|Corp|Pty)|\b[A-Z])\.$", name):
                name = name.rstrip(".")
            return name, b.text
    if page.site_name:
        return page.site_name, f"site name: {page.site_name}"
    parts = re.split(r"\s+[|–—·•]\s+|\s+-\s+", page.title)
    if len(parts) > 1:
        return _without_place(parts[-1].strip()), f"page title: {page.title}"
    # "Tidewater Medical Volunteers: Dental Elective in Peru": the name before a colon that heads the h1's text.
    head, sep, rest = page.title.partition(": ")
    if sep and page.h1 and (page.h1.lower() in rest.lower() or rest.lower() in page.h1.lower()):
        return head.strip(), f"page title: {page.title}"
    # Sites without og:site_name still name themselves: in structured data, or in the copyright line.
    for item in page.jsonld:
        types = item.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(t in ("Organization", "WebSite", "Hospital", "MedicalOrganization", "NGO", "EducationalOrganization",
                     "LocalBusiness") for t in types) and isinstance(item.get("name"), str) and item["name"].strip():
            name = norm_space(item["name"])
            return name, f"structured data {types[0]}: {name}"
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str) and publisher["name"].strip():
            return norm_space(publisher["name"]), f"structured data publisher: {publisher['name']}"
    if m := _COPYRIGHT.search(page.full_text):
        # "© 2026 Harbour View Hospital. All rights reserved.": the name ends at its sentence's full stop.
        name = re.split(r"(?<!\bV)(?<!\bLtd)(?<!\bInc)(?<!\bCo)\.\s", m.group("name"))[0]
        return name.strip(" ,"), m.group(0)
    host = urlsplit(page.url).hostname or ""
    return (host or None), (f"host: {host}" if host else None)


def _without_place(name: str) -> str:
    """'Shoreline Health Volunteers, Homa Bay, Kenya' names the organisation, then where it is."""
    from pipelines.places import is_place

    parts = [p.strip() for p in name.split(",")]
    while len(parts) > 1 and is_place(parts[-1]):
        parts.pop()
    return ", ".join(parts)


def extract_title(page: Page) -> str:
    if page.h1:
        return page.h1
    parts = re.split(r"\s+[|–—]\s+|\s+-\s+", page.title)
    return parts[0].strip() if parts and parts[0].strip() else (page.title or page.url)
