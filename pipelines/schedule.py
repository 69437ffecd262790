"""When a program starts: `flexible` (any Monday, year-round, you choose) or `fixed` (named dates, intakes)."""

from __future__ import annotations

import re

from pipelines.page import Page, sentences, snippet

_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_FLEXIBLE = re.compile(
    r"\bany (?:monday|day|date|week|time|weekday|sunday|saturday)\b|\byear[- ]round\b|\ball year(?: round)?\b|"
    r"\bthroughout the year\b|\bwhenever (?:you|suits)\b|\byou choose\b|\bflexible (?:start|dates?|arrival)\b|"
    r"\bdates? (?:of your choice|to suit you|are flexible)\b|\bstart (?:on )?any\b|\bchoose your (?:own )?(?:start|"
    r"dates?)\b|"
    r"\bopen all year\b|\bevery monday\b|\brolling (?:start|basis|admission)",
    re.I,
)
_FIXED = re.compile(
    rf"\bintakes?\b|\bcohorts?\b|\b(?:fixed|set) (?:start )?dates?\b|\bdepartures?\b[^.]{{0,30}}\b{_MONTHS}\b|"
    rf"\bstarts? (?:on|dates?:?)\s+(?:\w+ )?\d{{1,2}}(?:st|nd|rd|th)? {_MONTHS}\b|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTHS}\b[^.]{{0,40}}\b(?:start|begin|arriv|depart)|"
    rf"\b(?:start|begin|run)s?\b[^.]{{0,40}}\b(?:in|on|every)\s+{_MONTHS}\b|"
    rf"\bsummer (?:programme|program|session|only)\b|\bstart dates?\s*:?\s*\d|\bgroup (?:dates|departures)\b|"
    rf"\bmonthly (?:start|intake)s?\b|\bfirst monday of (?:each|every) month\b|"
    rf"\bstarts? on (?:the )?\d{{1,2}}(?:st|nd|rd|th)\b|\bone of (?:\w+ )?(?:set |fixed )?dates\b|"
    rf"\b(?:start|begin|arriv)\w*\b[^.]{{0,60}}\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTHS}\b",
    re.I,
)
_DAY_MONTH = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTHS}\b|\b{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?\b", re.I)
_START = re.compile(r"\bstart|\bbegin|\barriv|\bdates?\b|\bintake|\bdepart|\bwhen\b|\bavailab", re.I)


def extract_start_dates(page: Page) -> tuple[str | None, str | None]:
    for b in page.blocks:
        if b.is_fact and _START.search(b.label):
            value = b.cells[-1]
            if _FLEXIBLE.search(value) or re.match(r"\s*flexible\b", value, re.I):
                return "flexible", b.text
            if _FIXED.search(value) or re.search(_MONTHS, value, re.I):
                return "fixed", b.text
    fixed_ev = None
    for s in sentences(page):
        if m := re.search(r"\byear[- ]round\b|\ball year round\b|\bthroughout the year\b", s.text, re.I):
            return "flexible", snippet(s.text, m)
        if not (_START.search(s.text) or _START.search(s.block.heading)):
            continue
        if m := _FLEXIBLE.search(s.text):
            return "flexible", snippet(s.text, m)
        if fixed_ev is None and (m := _FIXED.search(s.text) or (
                _START.search(s.block.heading) and _DAY_MONTH.search(s.text))):
            fixed_ev = snippet(s.text, m)
    if fixed_ev:
        return "fixed", fixed_ev
    return None, None
