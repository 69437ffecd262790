"""Page wrappers and case builders shared by the table-driven extractor tests.

Not a test module (no ``test_`` prefix): it builds realistic program-page HTML
around a short snippet in one of four layouts that real provider sites use,

- ``modern``: semantic HTML5, ``<header>``/``<nav>``/``<main>``/``<footer>``, sections with ``<h2>``;
- ``table``: an old table layout, banner and menu rows above the title, ``<b>`` lead-ins, a footer row;
- ``dl``: a Bootstrap-like page with a ``<dl>`` of key facts under the heading;
- ``elementor``: page-builder div soup (Elementor header/footer templates, widget containers),

so that each case says which layout it was written for.  ``case(...)`` turns one
row of a table into a ``pytest.param`` with a readable id, and a strict xfail
mark when the extractor is known to get the case wrong.
"""

from __future__ import annotations

import html as _html
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from _pytest.mark.structures import ParameterSet

from pipelines.page import Page, parse_html

SITE = "Summit Health Placements"
TITLE = "Nursing Elective in Kathmandu"
URL = "http://provider.test/programs/nursing-elective-kathmandu.html"

Facts = Mapping[str, str] | None


def esc(text: str) -> str:
    return _html.escape(text, quote=False)


# ---------------------------------------------------------------- small builders


def p(text: str) -> str:
    return f"<p>{text}</p>"


def ul(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def sec(heading: str, *blocks: str) -> str:
    """A modern ``<section>`` with an ``<h2>``; plain strings become paragraphs."""
    inner = "".join(b if b.lstrip().startswith("<") else p(b) for b in blocks)
    return f'<section class="program-section"><h2>{heading}</h2>{inner}</section>'


def lead(label: str, text: str) -> str:
    """Old-style paragraph with a bold lead-in line: ``<p><b>Label</b><br>text</p>``."""
    return f"<p><b>{label}</b><br>{text}</p>"


def soup(*texts: str) -> str:
    """Page-builder div soup: each text is loose in its own widget container, no ``<p>``."""
    return "".join(
        '<div class="elementor-element elementor-widget elementor-widget-text-editor">'
        f'<div class="elementor-widget-container">{t}</div></div>'
        for t in texts
    )


def ehead(text: str, level: int = 2) -> str:
    """An Elementor heading widget."""
    return (
        '<div class="elementor-element elementor-widget elementor-widget-heading">'
        f'<div class="elementor-widget-container"><h{level} class="elementor-heading-title">{text}'
        f"</h{level}></div></div>"
    )


# ---------------------------------------------------------------- wrappers


def modern(body: str, title: str = TITLE, facts: Facts = None) -> str:
    facts_html = ""
    if facts:
        facts_html = '<div class="program-facts"><h2>Programme at a glance</h2>' + "".join(
            f'<div class="fact"><span class="fact-label">{k}</span><span class="fact-value">{v}</span></div>'
            for k, v in facts.items()
        ) + "</div>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} | {SITE}</title>
<meta property="og:site_name" content="{SITE}">
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header class="site-header"><a class="logo" href="/">{SITE}</a>
<nav class="main-nav"><ul><li><a href="/programs/">Programs</a></li><li><a href="/about/">About us</a></li>
<li><a href="/blog/">Blog</a></li><li><a href="/contact/">Contact</a></li></ul></nav></header>
<main id="content"><article class="program">
<h1>{esc(title)}</h1>
{facts_html}
{body}
</article></main>
<footer class="site-footer"><p>&copy; 2025 {SITE}</p>
<ul><li><a href="/privacy/">Privacy</a></li><li><a href="/terms/">Terms</a></li></ul></footer>
</body></html>"""


def table(body: str, title: str = TITLE, facts: Facts = None) -> str:
    facts_html = ""
    if facts:
        facts_html = '<table border="1" cellpadding="4" cellspacing="0">' + "".join(
            f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in facts.items()
        ) + "</table>"
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(title)} - Lotus Health Volunteers</title></head>
<body bgcolor="#FFFFFF">
<table width="860" border="0" cellspacing="0" cellpadding="8" align="center">
<tr><td bgcolor="#003366"><font color="#FFFFFF" size="5" face="Georgia"><b>Lotus Health Volunteers</b></font></td></tr>
<tr><td align="center" bgcolor="#DDE6F0"><a href="index.html">Home</a> | <a href="about.html">About</a> |
<a href="programs.html">Programs</a> | <a href="contact.html">Contact</a></td></tr>
<tr><td valign="top">
<h2>{esc(title)}</h2>
{facts_html}
{body}
</td></tr>
<tr><td align="center" bgcolor="#003366"><font color="#FFFFFF" size="1">Lotus Health Volunteers &middot;
est. 2004 &middot; lotus@example.org</font></td></tr>
</table>
</body></html>"""


def dl(body: str, title: str = TITLE, facts: Facts = None) -> str:
    facts = facts or {"Field": "Nursing", "Placement length": "2 to 12 weeks"}
    facts_html = "<dl class=\"row key-facts\">" + "".join(
        f'<dt class="col-sm-4">{k}</dt><dd class="col-sm-8">{v}</dd>' for k, v in facts.items()
    ) + "</dl>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} | Bright Path Electives</title>
<meta property="og:site_name" content="Bright Path Electives"></head>
<body>
<div class="navbar navbar-expand-lg"><a class="navbar-brand" href="/">Bright Path Electives</a>
<ul class="navbar-nav"><li><a href="/electives/">Electives</a></li><li><a href="/faq/">FAQ</a></li>
<li><a href="/apply/">Apply</a></li></ul></div>
<div class="container"><div class="row"><div class="col-md-9">
<h1>{esc(title)}</h1>
{facts_html}
{body}
</div></div></div>
<div id="footer" class="bg-dark"><p>Bright Path Electives &middot; hello@example.org</p></div>
</body></html>"""


def elementor(body: str, title: str = TITLE, facts: Facts = None) -> str:
    facts_html = ""
    if facts:
        facts_html = "".join(
            '<div class="elementor-element elementor-widget elementor-widget-icon-box">'
            '<div class="elementor-widget-container"><div class="elementor-icon-box-wrapper">'
            f'<div class="elementor-icon-box-content"><span class="elementor-icon-box-title">{k}</span>'
            f'<span class="elementor-icon-box-description">{v}</span></div></div></div></div>'
            for k, v in facts.items()
        )
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="UTF-8"><title>{esc(title)} &#8211; Wild Orchid Volunteers</title>
<meta property="og:site_name" content="Wild Orchid Volunteers">
<meta property="og:type" content="article"></head>
<body class="page-template-default page elementor-default elementor-kit-7 elementor-page elementor-page-2211">
<div data-elementor-type="header" data-elementor-id="31" class="elementor elementor-31 elementor-location-header">
<div class="elementor-section elementor-top-section"><div class="elementor-widget-nav-menu"><ul>
<li><a href="/">Home</a></li><li><a href="/volunteer-abroad/">Volunteer abroad</a></li>
<li><a href="/about/">About</a></li></ul></div></div></div>
<div data-elementor-type="wp-page" data-elementor-id="2211" class="elementor elementor-2211">
<section class="elementor-section elementor-top-section elementor-element elementor-section-boxed">
<div class="elementor-container elementor-column-gap-default"><div class="elementor-column elementor-col-100">
<div class="elementor-widget-wrap elementor-element-populated">
<div class="elementor-element elementor-widget elementor-widget-heading"><div class="elementor-widget-container">
<h1 class="elementor-heading-title elementor-size-default">{esc(title)}</h1></div></div>
{facts_html}
<div class="elementor-element elementor-widget elementor-widget-text-editor"><div class="elementor-widget-container">
{body}
</div></div>
</div></div></div></section></div>
<div data-elementor-type="footer" data-elementor-id="48" class="elementor elementor-48 elementor-location-footer">
<div class="elementor-widget-container"><p>&copy; 2025 Wild Orchid Volunteers</p></div></div>
</body></html>"""


WRAPPERS: dict[str, Callable[..., str]] = {
    "modern": modern,
    "table": table,
    "dl": dl,
    "elementor": elementor,
}


def render(body: str, wrapper: str = "modern", title: str = TITLE, facts: Facts = None) -> str:
    return WRAPPERS[wrapper](body, title=title, facts=facts)


def page(body: str, wrapper: str = "modern", title: str = TITLE, facts: Facts = None, url: str = URL) -> Page:
    return parse_html(render(body, wrapper, title, facts), url)


def bug(reason: str) -> pytest.MarkDecorator:
    """A known extractor error: the case must fail until the extractor is fixed."""
    return pytest.mark.xfail(strict=True, reason=reason)


def case(
    id: str,
    body: str,
    expected: Any,
    *,
    wrapper: str = "modern",
    title: str = TITLE,
    facts: Facts = None,
    xfail: str | None = None,
) -> ParameterSet:
    """One table row: the rendered page HTML and the expected value, with a readable id."""
    marks = [bug(xfail)] if xfail else []
    return pytest.param(render(body, wrapper, title, facts), expected, id=id, marks=marks)


def raw(id: str, html: str, expected: Any, *, xfail: str | None = None) -> ParameterSet:
    """A row whose HTML is a whole page written out by hand."""
    marks = [bug(xfail)] if xfail else []
    return pytest.param(html, expected, id=id, marks=marks)
