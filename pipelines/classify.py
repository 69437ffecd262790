"""Is this page one program a person can apply for, or something else (listing, blog, FAQ, about, ...)?

A program page offers one placement in one field and one country. Listings,
blog posts, FAQs, about, contact and application pages are not programs, even
when they quote prices. The decision adds up signals from the URL, the page's
structure and its own text, and says which ones decided it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pipelines.casefold import ihas
from pipelines.page import Page

_NON_PROGRAM_PATH = re.compile(
    r"(?:^|/)(?:blog|blogs|news|articles?|stories|story|posts?|journal|magazine|faqs?|help|about(?:-us)?|"
    r"contact(?:-us)?|apply|application|book(?:ing)?|checkout|cart|terms|privacy|legal|cookies?|search|tags?|"
    r"categor(?:y|ies)|authors?|team|careers|jobs|donate|press|reviews|testimonials|how-it-works|partners|"
    r"sitemap|login|account)(?:[/._-]|$)",
    re.I,
)
_LISTING_PATH = re.compile(r"(?:^|/)(?:destinations?|countries|programs?|programmes?|projects|all|listings?|"
                           r"search|results|volunteer)(?:/|\.html?|/index\.html?)?$", re.I)
_PROGRAM_WORD = re.compile(
    r"\b(?:internships?|electives?|volunteer(?:ing)?|placements?|observerships?|programmes?|programs?|"
    r"experience|outreach|shadowing|camps?|volunteer)\b",
    re.I,
)
_FIELD_WORD = re.compile(
    r"\b(?:medic\w*|nursing|nurse|dental|dentistry|midwifery|maternal|physio\w*|public health|health|clinical|"
    r"surgical|surgery|hospital|pharmacy|laboratory|lab|paediatric\w*|pediatric\w*|hiv|pre-?med|healthcare)\b",
    re.I,
)
_BLOG_SIGNS = re.compile(r"\b(?:posted (?:on|by)|written by|min(?:ute)? read|published (?:on)?|by [A-Z][a-z]+ "
                         r"[A-Z][a-z]+,? (?:\d|on))", re.I)
_QUESTION_TITLE = re.compile(r"\?|^(?:how|why|what|is|are|should|can|do|does|when|where|which|top \d|\d+ )\b", re.I)
_PROGRAM_SECTION = re.compile(
    r"what you(?:'ll|’ll| will)? do|your role|tasks|duties|requirements|who can|eligib|price|fees?|costs?|"
    r"included|dates|duration|how long|accommodation|where you(?:'ll|’ll| will) (?:live|stay)|placement|apply",
    re.I,
)
_LISTING_SIGNS = re.compile(r"\b(?:our programmes|our programs|all programmes|all programs|results? for|"
                            r"showing \d+|\d+ (?:programs|programmes|results|placements)|page \d+ of \d+|"
                            r"choose (?:a|your) (?:programme|program|destination)|browse)\b", re.I)


@dataclass
class Verdict:
    is_program: bool
    kind: str  # program | listing | blog | faq | info | home
    score: float
    why: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "; ".join(self.why)


def classify(page: Page, fees: list[dict], has_duration: bool, has_activities: bool) -> Verdict:
    path = urlsplit(page.url).path or "/"
    why: list[str] = []
    score = 0.0
    kind = "info"

    if path in ("/", "") or re.fullmatch(r"/(?:index|home|default)\.\w+", path):
        return Verdict(False, "home", -10, ["site home page"])
    if m := _NON_PROGRAM_PATH.search(path):
        score -= 4
        why.append(f"URL path names a non-program section ({m.group(0).strip('/')})")
        kind = "blog" if re.search(r"blog|news|article|stor|post|journal|magazine", m.group(0), re.I) else (
            "faq" if "faq" in m.group(0).lower() else "info")
    if _LISTING_PATH.search(path) and not re.search(r"/[^/]*-[^/]*\.html?$", path):
        score -= 2
        why.append("URL looks like a listing")
        kind = "listing"

    heading = page.h1 or page.title
    # ihas: these re.I patterns run case-sensitively on lower-cased text, same answers at a third of the cost.
    if ihas(_PROGRAM_WORD, heading):
        score += 2
        why.append("heading names a placement")
    if ihas(_FIELD_WORD, heading) or ihas(_FIELD_WORD, page.title):
        score += 1
    if ihas(_QUESTION_TITLE, heading):
        # Program pages are named after the placement; a question is an article's title.
        score -= 6
        why.append("heading is a question or article title")
        kind = "blog" if kind == "info" else kind
    # CMSs mark every page og:type=article, so only a byline or a publication date is strong evidence.
    if ihas(_BLOG_SIGNS, page.text[:600]) or re.search(r"/\d{4}/\d{2}/", path):
        score -= 3
        why.append("dated article / byline")
        kind = "blog"
    elif page.meta.get("article:published_time"):
        score -= 1
        why.append("has a publication date")

    program_fees = [f for f in fees if f["kind"] == "program"]
    if program_fees:
        score += 2
        why.append(f"{len(fees)} fee(s) of its own")
    elif fees:
        score += 1
    if has_duration:
        score += 1.5
        why.append("states a length of stay")
    if has_activities:
        score += 1.5
        why.append("says what the participant does")
    # Each distinct heading once: a page has a few dozen blocks under a handful of headings.
    sections = {h for h in {b.heading for b in page.blocks} if ihas(_PROGRAM_SECTION, h)}
    if len(sections) >= 3:
        score += 1.5
        why.append(f"{len(sections)} program sections")

    # Listings: many links to sibling pages, teaser cards, or listing wording.
    distinct_targets = {u.split("#")[0].split("?")[0] for u, _ in page.links
                        if urlsplit(u).netloc == page.host and u.split("#")[0].split("?")[0] != page.url}
    program_links = [u for u in distinct_targets if ihas(_PROGRAM_WORD, u) or ihas(_FIELD_WORD, u)]
    if re.match(r"^(?:our |all )?(?:\w+ ){0,2}(?:internships|electives|programmes|programs|placements|projects|"
                r"opportunities|trips|destinations)\b", heading, re.I):
        score -= 2.5
        why.append("heading names several programs")
        kind = "listing"
    if page.removed_teasers >= 3 or len(program_links) >= 4:
        score -= 3
        why.append(f"lists other programs ({max(page.removed_teasers, len(program_links))} cards/links)")
        kind = "listing"
    if ihas(_LISTING_SIGNS, page.text[:2000]):
        score -= 2
        why.append("listing wording")
        kind = "listing"
    headings_h2 = [b for b in page.blocks if b.tag in ("h2", "h3")]
    priced_headings = sum(1 for b in headings_h2 if ihas(_PROGRAM_WORD, b.text, b.lower) and ihas(_FIELD_WORD, b.text,
                                                                                              b.lower))
    from pipelines.places import countries_in

    section_countries = {c for b in headings_h2 for c in countries_in(b.text)}
    if len(section_countries) >= 2:
        score -= 3
        why.append(f"sections cover {len(section_countries)} countries")
        kind = "listing"
    if priced_headings >= 3:
        score -= 2
        why.append("several program headings")
        kind = "listing"

    is_program = score >= 4
    return Verdict(is_program, "program" if is_program else kind, score, why)
