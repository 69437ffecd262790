"""When a program starts: `flexible` (any Monday, year-round, you choose) or `fixed` (named dates, intakes)."""

from __future__ import annotations

import re

from pipelines.casefold import ihas, isearch
from pipelines.page import Page, sentences, snippet

_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_FLEXIBLE = re.compile(
    r"\bany (?:monday|day|date|week|time|weekday|sunday|saturday)\b|\byear[- ]round\b|\ball year(?: round)?\b|"
    r"\bthroughout the year\b|\bwhenever (?:you|suits)\b|\byou choose\b|\bflexible (?:start|dates?|arrival)\b|"
    r"\bdates? (?:of your choice|to suit you|are flexible)\b|\bstart (?:on )?any\b|\bchoose your (?:own )?(?:start|"
    r"dates?)\b|"
    r"\bopen all year\b|\bevery monday\b|\brolling (?:start|basis|admission)|"
    r"\b(?:12|twelve) months (?:a|of the|per) year\b|\byou (?:pick|decide) (?:the|your|when)\b|"
    r"\bpick (?:your|the) (?:own )?(?:start|dates?|day|week)\b|"
    r"\b(?:dates?|days?|time|week|month)s? (?:that |which )?(?:suits?|works? for) you\b|"
    # Denying fixed dates is the flexible answer ("there are no fixed start dates").
    r"\b(?:no|not tied to|without(?: any)?) (?:fixed|set) (?:start(?:ing)? )?dates?\b|"
    # Dates settled per person are the participant's choice, not the provider's calendar.
    r"\b(?:start )?dates? (?:are |is )?(?:agreed|arranged|set|planned|fixed) (?:individually|with (?:each|every|you)|"
    r"to (?:fit|suit) (?:you|your))|\bindividual (?:start )?dates?\b",
    re.I,
)
_FIXED = re.compile(
    rf"\bintakes?\b|\bcohorts?\b|(?<!\bno )\b(?:fixed|set) (?:start )?dates?\b|"
    rf"\bdepartures?\b[^.]{{0,30}}\b{_MONTHS}\b|"
    rf"\bstarts? (?:on|dates?:?)\s+(?:\w+ )?\d{{1,2}}(?:st|nd|rd|th)? {_MONTHS}\b|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTHS}\b[^.]{{0,40}}\b(?:start|begin|arriv|depart)|"
    rf"\b(?:start|begin|run)s?\b[^.]{{0,40}}\b(?:in|on|every)\s+{_MONTHS}\b|"
    rf"\bsummer (?:programme|program|session|only)\b|\bstart dates?\s*:?\s*\d|\bgroup (?:dates|departures)\b|"
    rf"\bmonthly (?:start|intake)s?\b|\bfirst monday of (?:each|every) month\b|"
    rf"\b(?:start|begin|arriv)\w* on (?:the )?\d{{1,2}}(?:st|nd|rd|th)\b|\bone of (?:\w+ )?(?:set |fixed )?dates\b|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th) (?:\w+ ){{0,3}}of (?:each|every|the) month\b|"
    rf"\b(?:start|begin|arriv)\w*\b[^.]{{0,60}}\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTHS}\b",
    re.I,
)
_DAY_MONTH = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTHS}\b|\b{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?\b", re.I)
_START = re.compile(r"\bstart|\bbegin|\barriv|\bdates?\b|\bintake|\bdepart|\bwhen\b|\bavailab", re.I)
# "Email us any time" under a dates heading is about reaching the office, not about when placements start.
_CONTACT = re.compile(r"\b(?:e-?mail|contact|call|phone|message|write to|ask|reach|chat|talk to|get in touch|"
                      r"whatsapp)\b", re.I)
# Seasons, weather and school terms also begin and run in named months; they are not the program's dates.
_NOT_PROGRAM = re.compile(r"\b(?:monsoon|rains|rainy season|dry season|wet season|cold season|hot season|"
                          r"season|weather|harvest|festival|holidays?|school (?:term|year)|academic year|"
                          r"semester|ramadan)\b,?(?:\s+(?:which|that))?(?:\s+\w+)?\s+(?:starts?|begins?|runs?|arrives?|"
                          r"lasts?|ends?)\b",
                          re.I)
_YEAR_ROUND = re.compile(r"\byear[- ]round\b|\ball year round\b|\bthroughout the year\b", re.I)
_FLEXIBLE_VALUE = re.compile(r"\s*flexible\b", re.I)
_ANY_MONTH = re.compile(_MONTHS, re.I)
_DATE_OPTIONS = 2  # named dates offered as choices in a dropdown
# Wordings that offer a choice without saying among what: with a dropdown of named dates the choice is among those.
_CHOICE = re.compile(r"choose your (?:own )?(?:start|dates?)|pick (?:your|the) (?:own )?(?:start|dates?|day|week)|"
                     r"you (?:pick|decide|choose)\b.*", re.I)


def extract_start_dates(page: Page) -> tuple[str | None, str | None]:
    # ihas/isearch: the re.I patterns run case-sensitively on lower-cased text (pipelines.casefold), same answers.
    for b in page.blocks:
        if b.is_fact and ihas(_START, b.label):
            value = b.cells[-1]
            if ihas(_FLEXIBLE, value) or _FLEXIBLE_VALUE.match(value):
                return "flexible", b.text
            if ihas(_FIXED, value) or ihas(_ANY_MONTH, value):
                return "fixed", b.text
    # A dropdown of named dates ("Choose your start date: 12 May / 9 June / ...") offers fixed dates, however
    # freely the label words the choice; a statement such as "any Monday" still makes them flexible.
    options = [b for b in page.blocks if b.kind == "option" and _DAY_MONTH.search(b.text)]
    dated = len(options) >= _DATE_OPTIONS
    fixed_ev = None
    start_headings: dict[str, bool] = {}  # a page has many sentences under few headings
    for s in sentences(page):
        low = s.lower
        if m := isearch(_YEAR_ROUND, s.text, low):
            return "flexible", snippet(s.text, m)
        own_start = ihas(_START, s.text, low)
        heading = s.block.heading
        start_heading = start_headings.get(heading)
        if start_heading is None:
            start_heading = start_headings[heading] = ihas(_START, heading)
        if not (own_start or start_heading):
            continue
        if not own_start and ihas(_CONTACT, s.text, low):
            continue
        if (m := isearch(_FLEXIBLE, s.text, low)) and not (dated and _CHOICE.fullmatch(m.group())):
            return "flexible", snippet(s.text, m)
        if fixed_ev is None and (m := isearch(_FIXED, s.text, low) or (
                start_heading and isearch(_DAY_MONTH, s.text, low))) and not ihas(_NOT_PROGRAM, s.text, low):
            fixed_ev = snippet(s.text, m)
    if fixed_ev:
        return "fixed", fixed_ev
    if dated:
        return "fixed", " / ".join(b.text for b in options[:3])
    return None, None
