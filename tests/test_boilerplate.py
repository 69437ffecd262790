"""Boilerplate removal in `pipelines.page.parse_html`: `Page.text` is the program's own text only.

Cookie and consent banners, navigation, footers, "you may also like" cards, reviews and testimonials,
newsletter boxes, sidebars, site-wide banners, pop-ups and chat widgets must go; the program's own key
facts, price cards, FAQ block and prose must stay. Each row names text that must be gone and text that
must be kept, so no row can pass by deleting everything."""

from __future__ import annotations

from typing import Any

import pytest
from _pytest.mark.structures import ParameterSet
from pagekit import TITLE, URL, bug, render, sec

from pipelines.page import parse_html

OWN = "You will shadow the nursing team on the surgical ward."
BODY = sec("What you will do", OWN)


def shell(before: str = "", inside: str = "", after: str = "", body: str = BODY) -> str:
    """A modern page with chrome placed before <main>, inside the article after the body, or after <main>."""
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{TITLE} | Summit Health</title>
</head><body>
{before}
<main><article><h1>{TITLE}</h1>{body}{inside}</article></main>
{after}
</body></html>"""


def row(id: str, html: str, gone: list[str], kept: list[str] | None = None, *,
        xfail: str | None = None) -> ParameterSet:
    return pytest.param(html, gone, [OWN, *(kept or [])], id=id, marks=[bug(xfail)] if xfail else [])


def wrapped(body: str, wrapper: str, **kw: Any) -> str:
    return render(body, wrapper, **kw)


CARDS = (
    '<div class="card"><a href="/programs/dental-peru.html">Dental Elective in Peru</a><p>From $1,250</p></div>'
    '<div class="card"><a href="/programs/midwifery-ghana.html">Midwifery in Ghana</a><p>From $990</p></div>'
    '<div class="card"><a href="/programs/medicine-kenya.html">Medicine in Kenya</a><p>From $1,480</p></div>'
)

OLD_TABLE = f"""<html><head><title>{TITLE} - Lotus Health</title></head><body>
<table width="860" border="0" cellpadding="8">
<tr><td colspan="2"><font size="5"><b>Lotus Health Volunteers</b></font><br>
<i>Serving the valley since 2004</i></td></tr>
<tr><td colspan="2" align="center"><a href="index.html">Home</a> | <a href="about.html">About</a> |
<a href="nursing.html">Nursing</a> | <a href="contact.html">Contact</a></td></tr>
<tr><td width="170" valign="top">&raquo; <a href="medical.html">Medical</a><br>
&raquo; <a href="nursing.html">Nursing</a><br>&raquo; <a href="dental.html">Dental</a><br>
&raquo; <a href="lab.html">Laboratory</a><br>
<div class="box"><b>New!</b> Try our dental camp, only $120/week! <a href="dental.html">Read more</a></div></td>
<td valign="top"><h2>{TITLE}</h2><p>{OWN}</p>
<p><b>Costs</b><br>The placement costs $180 per week including room and board.</p></td></tr>
<tr><td colspan="2" align="center"><font size="1">Lotus Health Volunteers &middot; PO Box 14, Pokhara &middot;
Registered NGO 5521</font></td></tr>
</table></body></html>"""

CASES = [
    # --- cookie and consent banners
    row("cookie-notice-id",
        shell(before='<div id="cookie-notice"><p>We use cookies to give you the best experience. '
                     '<a href="/cookies/">Learn more</a></p></div>'), ["We use cookies"]),
    row("consent-dialog-role",
        shell(after='<div class="cc-window" role="dialog"><p>This site stores data such as cookies to enable '
                    "site functionality.</p></div>"), ["stores data such as cookies"]),
    row("gdpr-box",
        shell(after='<div class="gdpr-consent-box"><p>Manage your privacy preferences.</p></div>'),
        ["privacy preferences"]),
    row("cookie-bar-without-telling-class",
        shell(after='<div class="notice-bar"><p>This website uses cookies to improve your experience. '
                    "By continuing to browse you accept them.</p></div>"), ["uses cookies"]),
    # --- navigation and menus
    row("nav-element",
        shell(before='<nav><ul><li><a href="/programs/">All programs</a></li><li><a href="/about/">Our story</a>'
                     '</li><li><a href="/blog/">Travel blog</a></li></ul></nav>'), ["Our story", "Travel blog"]),
    row("menu-class-div",
        shell(before='<div class="menu-primary-container"><ul><li><a href="/">Home</a></li>'
                     '<li><a href="/destinations/">Destinations</a></li><li><a href="/faq/">Questions</a></li></ul>'
                     "</div>"), ["Destinations"]),
    row("unmarked-link-list",
        shell(before='<div class="top"><ul><li><a href="/nepal/">Nepal</a></li><li><a href="/ghana/">Ghana</a>'
                     '</li><li><a href="/peru/">Peru</a></li><li><a href="/kenya/">Kenya</a></li></ul></div>'),
        ["Ghana", "Peru"]),
    row("breadcrumbs",
        shell(body='<ol class="breadcrumb"><li><a href="/">Home</a></li><li><a href="/nepal/">Nepal trips</a></li>'
                   "<li>Nursing</li></ol>" + BODY), ["Nepal trips"]),
    row("skip-link",
        shell(before='<a class="skip-link screen-reader-text" href="#content">Skip to content</a>'),
        ["Skip to content"]),
    row("mobile-drawer-aria-hidden",
        shell(before='<div class="mobile-panel" aria-hidden="true"><p>Menu: Programs, Prices, Stories</p></div>'),
        ["Programs, Prices, Stories"]),
    row("offcanvas-menu",
        shell(after='<div class="offcanvas"><p>Quick links for travellers and parents</p></div>'),
        ["Quick links for travellers"]),
    # --- footers
    row("footer-element",
        shell(after="<footer><p>Summit Health Placements Ltd, registered in England no. 0912345.</p></footer>"),
        ["registered in England"]),
    row("footer-id-div",
        shell(after='<div id="footer"><p>Call us on 0800 123 456, Monday to Friday.</p></div>'),
        ["0800 123 456"]),
    row("elementor-footer-template",
        wrapped(sec("What you will do", OWN), "elementor").replace(
            "&copy; 2025 Wild Orchid Volunteers", "Wild Orchid Volunteers, 4 Quay Street, Galway"),
        ["4 Quay Street"]),
    row("contentinfo-role",
        shell(after='<div role="contentinfo"><p>Accredited member of the Gap Travel Association.</p></div>'),
        ["Gap Travel Association"]),
    # --- other programs' teasers
    row("related-programs-section",
        shell(inside='<section class="related-programs"><h2>You may also like</h2>' + CARDS + "</section>"),
        ["You may also like", "Dental Elective in Peru", "$990"]),
    row("unmarked-teaser-cards",
        shell(inside="<div><h3>Other placements</h3>" + CARDS + "</div>"),
        ["Dental Elective in Peru", "Midwifery in Ghana", "$1,480"]),
    row("unmarked-teaser-heading",
        shell(inside="<div><h3>You might also enjoy</h3>" + CARDS + "</div>"), ["You might also enjoy"]),
    row("popular-widget",
        shell(after='<div class="widget popular-programs"><p><a href="/programs/peru/">Peru: Surgery '
                    "Observership</a> from $1,990</p></div>"), ["Surgery Observership"]),
    row("recently-viewed-cards",
        shell(inside='<section class="recently-viewed"><h2>Recently viewed</h2>' + CARDS + "</section>"),
        ["Recently viewed", "Medicine in Kenya"]),
    # --- reviews and testimonials
    row("reviews-section",
        shell(inside='<section class="reviews"><h2>Reviews</h2><p>Five stars, the staff were so welcoming and I '
                     "learned loads.</p></section>"), ["Five stars", "Reviews"]),
    row("testimonial-slider",
        shell(inside='<div class="testimonial-slider"><p>"The best month of my degree" - Hannah, Leeds</p></div>'),
        ["best month of my degree"]),
    row("blockquote-review",
        shell(inside="<blockquote>I sutured my first wound on day three! - Tom</blockquote>"),
        ["sutured my first wound"]),
    row("star-rating-widget",
        shell(inside='<div class="star-rating"><span>4.8 out of 5 from 312 volunteers</span></div>'),
        ["4.8 out of 5"]),
    row("third-party-review-widget",
        shell(inside='<div class="trustpilot-widget" data-template-id="53aa8807"><p>Excellent: rated 4.9 by '
                     "travellers like you</p></div>"), ["rated 4.9"]),
    # --- newsletters
    row("newsletter-signup",
        shell(inside='<div class="newsletter-signup"><h3>Stay in touch</h3><p>Subscribe for travel deals and '
                     "volunteer stories.</p></div>"), ["Subscribe for travel deals"]),
    row("mailchimp-embed",
        shell(after='<div id="mc_embed_signup"><p>Join our mailing list for monthly updates.</p></div>'),
        ["Join our mailing list"]),
    row("newsletter-box-without-class",
        shell(inside='<div class="box"><h4>Get our newsletter</h4><p>Sign up to receive our monthly newsletter '
                     'with new placements and offers.</p><form><input type="email"></form></div>'),
        ["monthly newsletter"]),
    # --- sidebars, banners, pop-ups, widgets
    row("aside-sidebar",
        shell(inside='<aside><h3>Why book with us?</h3><p>Over 5,000 happy volunteers since 2005.</p></aside>'),
        ["5,000 happy volunteers"]),
    row("sidebar-class",
        shell(after='<div class="sidebar"><p>Download our free elective planning guide.</p></div>'),
        ["elective planning guide"]),
    row("announcement-bar",
        shell(before='<div class="announcement-bar"><p>Spring sale: 10% off every program booked this month!</p>'
                     "</div>"), ["Spring sale"]),
    row("modal-popup",
        shell(after='<div class="modal fade"><p>Wait! Get our free guide before you go.</p></div>'),
        ["Get our free guide"]),
    row("elementor-popup-template",
        shell(after='<div data-elementor-type="popup" class="elementor elementor-990"><p>Book a free video call '
                    "with an advisor.</p></div>"), ["free video call"]),
    row("chat-widget",
        shell(after='<div id="chat-widget"><p>Hi! Questions? Chat with Priya now.</p></div>'), ["Chat with Priya"]),
    row("social-share",
        shell(inside='<div class="share-buttons"><p>Share this page with your friends on Facebook</p></div>'),
        ["Share this page"]),
    row("display-none-block",
        shell(inside='<div style="display: none"><p>Hidden promotional copy for search engines.</p></div>'),
        ["Hidden promotional copy"]),
    # --- old table layout
    row("old-table-banner-menu-footer", OLD_TABLE,
        ["Serving the valley since 2004", "Registered NGO 5521", "only $120/week"],
        ["The placement costs $180 per week"]),
    row("old-table-left-menu", OLD_TABLE, ["Laboratory"]),
    # --- the program's own content stays
    row("key-facts-aside-kept",
        shell(inside='<aside class="program-facts"><h3>Key facts</h3><p>Duration: 2 to 12 weeks</p></aside>'),
        [], ["Duration: 2 to 12 weeks"]),
    row("in-page-faq-kept",
        shell(inside='<section class="program-faq"><h2>Questions about this placement</h2><h3>Do I need a visa?</h3>'
                     "<p>Yes, a tourist visa on arrival is enough for this placement.</p></section>"),
        [], ["tourist visa on arrival is enough"]),
    row("popular-price-card-kept",
        shell(inside='<div class="price-card price-card--popular"><h3>Most popular</h3><p>4 weeks: $1,890</p>'
                     "</div>"), [], ["4 weeks: $1,890"]),
    row("prose-with-links-kept",
        shell(inside='<p>Before you go, read our guides to <a href="/visas/">visas</a>, <a href="/insurance/">'
                     'insurance</a> and <a href="/health/">vaccinations</a> for Nepal.</p>'),
        [], ["read our guides to visas"]),
    row("word-reviews-in-prose-kept",
        shell(inside="<p>Our nursing director reviews every application within five working days.</p>"),
        [], ["reviews every application"]),
    row("component-header-kept",
        shell(body='<div class="tour-header-meta"><p>Kathmandu, Nepal. 2 to 12 weeks. Starts any Monday.</p>'
                   "</div>" + BODY), [], ["Starts any Monday"]),
]


@pytest.mark.parametrize(("html", "gone", "kept"), CASES)
def test_boilerplate(html: str, gone: list[str], kept: list[str]) -> None:
    text = parse_html(html, URL).text
    for chrome in gone:
        assert chrome not in text
    for own in kept:
        assert own in text


# A strip of tab links is all links and its class says "menu" or "nav" (Webflow's w-tab-menu, Bootstrap's nav-tabs),
# but it titles the program's own panels: each title heads its panel's blocks, while a real menu still goes.
WEBFLOW_TABS = (
    '<div class="main-menu"><a href="/">Home</a><a href="/about/">About us</a><a href="/blog/">Journal</a></div>'
    '<div class="w-tabs"><div class="tabs-menu w-tab-menu"><a data-w-tab="Tab 1" class="tab-link w-tab-link">'
    '<div>Overview</div></a><a data-w-tab="Tab 2" class="tab-link w-tab-link"><div>Costs</div></a>'
    '<a data-w-tab="Tab 3" class="tab-link w-tab-link"><div>Eligibility</div></a></div><div class="w-tab-content">'
    '<div data-w-tab="Tab 1" class="w-tab-pane"><p>Ward rounds.</p></div>'
    '<div data-w-tab="Tab 2" class="w-tab-pane"><p>Four weeks: 1.250 €.</p></div>'
    '<div data-w-tab="Tab 3" class="w-tab-pane"><p>Nursing students.</p></div></div></div>'
)
BOOTSTRAP_TABS = (
    '<ul class="nav nav-tabs"><li class="nav-item"><a class="nav-link" href="#a">Overview</a></li>'
    '<li class="nav-item"><a class="nav-link" href="#b">Costs</a></li>'
    '<li class="nav-item"><a class="nav-link" href="#c">Eligibility</a></li></ul>'
    '<div class="tab-content"><div class="tab-pane" id="a"><p>Ward rounds.</p></div>'
    '<div class="tab-pane" id="b"><p>Four weeks: 1.250 €.</p></div>'
    '<div class="tab-pane" id="c"><p>Nursing students.</p></div></div>'
)


@pytest.mark.parametrize("tabs", [WEBFLOW_TABS, BOOTSTRAP_TABS], ids=["webflow", "bootstrap"])
def test_class_marked_tabs_head_their_panels(tabs: str) -> None:
    page = parse_html(shell(inside=tabs), URL)
    headings = {b.text: b.heading for b in page.blocks}
    assert headings["Ward rounds."] == "Overview"
    assert headings["Four weeks: 1.250 €."] == "Costs"
    assert headings["Nursing students."] == "Eligibility"
    assert "About us" not in page.text and "Journal" not in page.text
