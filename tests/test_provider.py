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
    # --- title forms
    pytest.param(page("<p>x</p>", title="Dental Elective — Coastline Health Partners"), "Coastline Health Partners",
                 id="title-em-dash"),
    pytest.param(page("<p>x</p>", title="Dental Elective · Tidewater Medical Volunteers"),
                 "Tidewater Medical Volunteers", id="title-middle-dot"),
    pytest.param(page("<p>x</p>", title="Tidewater Medical Volunteers: Dental Elective in Peru"),
                 "Tidewater Medical Volunteers", id="title-prefix-colon"),
    pytest.param(page("<p>x</p>", title="Dental Elective | Peru | Summit Electives"), "Summit Electives",
                 id="title-three-parts"),
    pytest.param(page("<p>x</p>", title="Dental Elective | Summit Electives Ltd"), "Summit Electives Ltd",
                 id="title-company-suffix"),
    # --- og:site_name wins over a title that names a country
    pytest.param(page("<p>x</p>", title="Dental Elective - Peru",
                      head='<meta property="og:site_name" content="Andes Elective Network">'),
                 "Andes Elective Network", id="og-over-title-place"),
    # --- directory and host-organisation statements
    pytest.param(page("<p>Organised by Kilimani Community Clinic, a registered NGO.</p>"),
                 "Kilimani Community Clinic", id="organised-by"),
    pytest.param(page("<p>This programme is operated by Sunrise Health Collective in partnership with the "
                      "district hospital.</p>"), "Sunrise Health Collective", id="operated-by-in-partnership"),
    pytest.param(page("<p>x</p>", head='<meta property="og:site_name" content="VolunteerHub">').replace(
        "<main>", "<main><dl><dt>Organisation</dt><dd>Highland Clinic Trust</dd></dl>"),
                 "Highland Clinic Trust", id="directory-organisation-fact"),
    pytest.param(page("<p>x</p>", head='<meta property="og:site_name" content="VolunteerHub">').replace(
        "<main>", "<main><dl><dt>Host organisation</dt><dd>Lakeside Mission Hospital</dd></dl>"),
                 "Lakeside Mission Hospital", id="directory-host-organisation-fact"),
    pytest.param(page("<p>x</p>", head='<meta property="og:site_name" content="VolunteerHub">'
                      + ld({"@type": "Product", "brand": {"@type": "Organization", "name": "Pearl Coast Health"}})),
                 "Pearl Coast Health", id="directory-jsonld-brand"),
    pytest.param(page("<p>x</p>", head=ld({"@type": "Event", "organizer": {"@type": "Organization",
                                                                            "name": "Volta Medical Camps"}})),
                 "Volta Medical Camps", id="jsonld-event-organizer"),
    # --- institutional sites
    pytest.param(page("<p>x</p>").replace("</body>", "<footer><p>© Saint Luke's Teaching Hospital 2026</p>"
                                          "</footer></body>"),
                 "Saint Luke's Teaching Hospital", id="copyright-name-before-year"),
    pytest.param(page("<p>x</p>").replace("</body>", "<footer><p>&copy; 2026 Riverside University Hospital, "
                                          "Department of International Education</p></footer></body>"),
                 "Riverside University Hospital", id="copyright-name-then-department"),
    pytest.param(page("<p>x</p>", head=ld({"@graph": [{"@type": "WebSite", "name": "Harbour Electives"},
                                                        {"@type": "WebPage", "name": "Dental Elective"}]})),
                 "Harbour Electives", id="jsonld-graph-website"),
    # --- must not: partners, hosts and other organisations named in passing are not the provider
    pytest.param(page("<p>We work in partnership with the Ministry of Health and Mercy District Hospital.</p>",
                      head='<meta property="og:site_name" content="Open Road Electives">'),
                 "Open Road Electives", id="partner-not-provider"),
    pytest.param(page("<p>Your placement is at Riverbend Regional Hospital, one of our partner sites.</p>",
                      title="Dental Elective | Open Road Electives"),
                 "Open Road Electives", id="host-hospital-not-provider"),
    pytest.param(page("<p>Accredited by the Global Volunteer Standards Board.</p>",
                      head='<meta property="og:site_name" content="Open Road Electives">'),
                 "Open Road Electives", id="accreditor-not-provider"),
    pytest.param(page("<p>Flights can be booked through SkyTrail Travel Ltd.</p>",
                      title="Dental Elective | Open Road Electives"),
                 "Open Road Electives", id="travel-agent-not-provider"),
    pytest.param(page("<p>x</p>", title="Dental Elective | Open Road Electives",
                      head=ld({"@type": "Organization", "name": "Open Road Electives",
                               "memberOf": {"@type": "Organization", "name": "Volunteer Alliance"}})),
                 "Open Road Electives", id="member-of-not-provider"),
    pytest.param(page("<p>Read reviews of us on VolunteerCompare.</p>",
                      head='<meta property="og:site_name" content="Open Road Electives">'),
                 "Open Road Electives", id="review-site-not-provider"),
    pytest.param(page("<p>x</p>", title="Home"), "127.0.0.1", id="generic-title-falls-to-host"),
    # --- spacing and case
    pytest.param(page("<p>x</p>", head='<meta property="og:site_name" content="  Bright   Path Electives ">'),
                 "Bright Path Electives", id="og-site-name-spaces"),
    pytest.param(page("<p>LISTED BY Coral Bay Health Trust</p>"), "Coral Bay Health Trust", id="listed-by-caps"),
    pytest.param(page("<p>Run by: Hillside Care Foundation</p>"), "Hillside Care Foundation", id="run-by-colon"),
    pytest.param(page("<p>Offered by Meadowlark Global Health Inc.</p>"), "Meadowlark Global Health Inc.",
                 id="offered-by-inc"),
    pytest.param(page("<p>Hosted by the Amani Health Collective in Moshi.</p>"), "Amani Health Collective",
                 id="hosted-by-the"),
    pytest.param(page("<p>x</p>", head=ld({"@type": "Course", "provider": {"@type": "Organization",
                                                                            "name": " Meridian  Care Trust "}})),
                 "Meridian Care Trust", id="jsonld-name-spaces"),
    pytest.param(page("<p>x</p>", title="Dental Elective – Horizon Ridge Placements UK"),
                 "Horizon Ridge Placements UK", id="title-en-dash-country-in-name"),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_provider(html: str, expected: str) -> None:
    name, evidence = extract_provider(parse_html(html, URL))
    assert name == expected
    assert evidence
