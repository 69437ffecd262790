"""Who runs the program: structured data, 'listed by' statements, the site's own name, its copyright line."""

from __future__ import annotations

import json

import pytest

from pipelines.page import parse_html
from pipelines.provider import extract_provider

URL = "https://127.0.0.1:8443/electives/dental.html"


def page(body: str, title: str = "Dental Elective", head: str = "") -> str:
    return f"<html><head><title>{title}</title>{head}</head><body><main><h1>Dental Elective</h1>{body}</main>" \
           f"</body></html>"


def ld(data: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


CASES = [
    pytest.param(page("<p>x</p>", head='<meta property="og:site_name" content="Bright Path Electives">'),
                 "Bright Path Electives", id="og-site-name"),
    pytest.param(page("<p>x</p>", title="Dental Elective | Bright Path Electives"), "Bright Path Electives",
                 id="title-suffix"),
    pytest.param(page("<p>x</p>", title="Dental Elective - River Clinic Volunteers, Arusha, Tanzania"),
                 "River Clinic Volunteers", id="title-suffix-with-place"),
    pytest.param(page("<p>Listed by Lakeshore Health Trust · local organisation</p>"), "Lakeshore Health Trust",
                 id="listed-by"),
    pytest.param(page("<p>Run by Hope Dental Foundation e.V. since 2009.</p>"), "Hope Dental Foundation e.V.",
                 id="run-by-legal-suffix"),
    pytest.param(page("<p>x</p>", head=ld({"@type": "Course", "provider": {"@type": "Organization",
                                                                            "name": "Meridian Care Trust"}})),
                 "Meridian Care Trust", id="jsonld-course-provider"),
    pytest.param(page("<p>x</p>", head=ld({"@type": "Hospital", "name": "Saint Agnes Mission Hospital"})),
                 "Saint Agnes Mission Hospital", id="jsonld-organisation-name"),
    pytest.param(page("<p>x</p>", head=ld({"@type": "WebPage", "publisher": {"name": "Northway Placements"}})),
                 "Northway Placements", id="jsonld-publisher"),
    pytest.param(page("<p>x</p>") .replace("</body>", "<footer><p>© 2026 Harbour View Hospital. All rights "
                                           "reserved.</p></footer></body>"),
                 "Harbour View Hospital", id="copyright-line"),
    pytest.param(page("<p>x</p>").replace("</body>", "<footer><p>Copyright 2019-2026 Pine Hill Health "
                                          "Volunteers</p></footer></body>"),
                 "Pine Hill Health Volunteers", id="copyright-word-year-range"),
    pytest.param(page("<p>x</p>"), "127.0.0.1", id="host-last-resort"),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_provider(html: str, expected: str) -> None:
    name, evidence = extract_provider(parse_html(html, URL))
    assert name == expected
    assert evidence
