"""Who may take part: prior health training required or not, and the minimum age."""

from __future__ import annotations

import re

from pipelines.page import Page, scan, sentences, snippet

_NONE_NEEDED = re.compile(
    r"\bno (?:prior |previous |medical |clinical |healthcare |health |nursing )*(?:experience|qualifications?|"
    r"training|background|skills)\b[^.]{0,30}?\b(?:needed|required|necessary|is needed|are needed)|"
    r"\b(?:experience|qualifications?|medical background|training) (?:is |are )?not (?:needed|required|necessary)\b|"
    r"\bno (?:medical |clinical |prior )*(?:experience|qualifications?|background)\b|"
    r"\bopen to (?:anyone|everyone|all)\b|\bwithout (?:any )?(?:medical |clinical )?(?:experience|training)\b|"
    r"\b(?:pre-?med(?:ical)?|high[- ]school|gap[- ]year|school leavers?|sixth[- ]form|secondary school)\b|"
    r"\banyone (?:aged|over|from)\b|\bno matter (?:what|your) (?:background|experience)\b|"
    r"\b(?:don't|don’t|do not|doesn't|doesn’t|does not|won't|won’t) need (?:a |any )?(?:\w+ )?(?:background|"
    r"experience|qualifications?|training|degree)\b|\beveryone (?:aged|over|is welcome)\b|"
    r"\b(?:medical|clinical|health(?:care)?) (?:experience|background|qualifications?) (?:is )?(?:not|isn.t) "
    r"(?:needed|required|necessary)\b",
    re.I,
)
_REQUIRED = re.compile(
    r"\b(?:must|need to|needs to|should|have to)\b[^.]{0,40}\b(?:be|have)\b[^.]{0,40}\b(?:student|qualified|"
    r"registered|enrolled|graduate|completed|licen[cs]ed|degree|training|experience)|"
    r"\b(?:for|open to|suitable for|designed for|aimed at|available to)\b[^.]{0,30}\b(?:medical|nursing|"
    r"midwifery|dental|dentistry|physiotherapy|pharmacy|health(?:care)?|clinical|public health|allied health)"
    r"[\w -]{0,20}\b(?:students?|graduates?|professionals?|years)\b|"
    r"\b(?:completed|finished) (?:at least )?(?:one|two|three|\d|a|the first|your first)\b[^.]{0,40}\b(?:years?|"
    r"placements?|rotations?|degree|training)|\bcurrently enrolled\b|\benrolled (?:in|on|at)\b|"
    r"\bletter from your (?:medical|nursing|dental) school\b|\bcopy of your (?:licen[cs]e|registration)\b|"
    r"\bproof of (?:enrolment|enrollment|registration|qualification)\b|\bregistered nurses?\b|"
    r"\bqualified (?:doctors?|nurses?|midwives|dentists?|physiotherapists?)\b|\bclinical years?\b|"
    r"\b(?:medical|nursing|dental|midwifery|physiotherapy|pharmacy) students?\b|"
    r"\bstudent (?:nurses?|midwives|doctors?|dentists?|physiotherapists?|paramedics?)\b|"
    r"\b(?:second|third|fourth|final|penultimate|2nd|3rd|4th)[- ]year\b|"
    r"\b(?:students?|graduates?)\b[^.]{0,15}\b(?:in|of|studying)\b[^.]{0,30}\b(?:medicine|nursing|public health|"
    r"global health|dentistry|physiotherapy|midwifery|pharmacy|occupational therapy)\b",
    re.I,
)
# Lower-case literals every match of the pattern contains (a cheap first pass, see pipelines.page.scan).
_NONE_HINT = re.compile(r"no |not |n't|n’t|open to|without|pre-?med|high|gap|school leaver|sixth|secondary|anyone|"
                        r"everyone|need|matter")
_REQUIRED_HINT = re.compile(r"must|need|should|have to|for|open to|aimed at|available to|complet|finish|enrol|"
                            r"letter from|copy of|proof of|registered|qualified|clinical year|student|year|graduate")
_REQ_HEADING = re.compile(r"requirement|eligib|who can|who is it for|suitable|who should|criteria|applicants?", re.I)
_AGE = re.compile(
    r"\b(?:min(?:imum|\.)?\s*age(?:\s*(?:is|of|:))?\s*(?P<a>\d{2})|(?:aged|age) (?P<b>\d{2})\s*(?:\+|or (?:over|older|"
    r"above)|and (?:over|older|above)|years? (?:and|or) (?:over|older))|(?P<c>\d{2})\s*(?:years?(?: old)?|yrs?)?\s*"
    r"(?:or|and) (?:over|older|above)|at least (?P<d>\d{2}) years|over (?:the age of )?(?P<e>\d{2})\b|"
    r"(?P<f>\d{2})\+\s*(?:years|only|welcome)?|must be (?:at least |over |aged )?(?P<g>\d{2})\b)",
    re.I,
)


_WHO_LABEL = re.compile(r"\bwho\b|eligib|suitable|requirement|open to|for whom|participants?|applicants?|level",
                        re.I)
_TRAINED = re.compile(r"\bstudents?\b|\bgraduates?\b|\bqualified\b|\bregistered\b|\bdoctors?\b|\bnurses\b|"
                      r"\bmidwives\b|\bdentists?\b|\bphysiotherapists?\b|\btherapists?\b|\bclinicians?\b|"
                      r"\bprofessionals?\b|\bresidents?\b", re.I)


def extract_experience(page: Page) -> tuple[bool | None, str | None]:
    """False when the page says no training is needed, True when it asks for some, else None."""
    for b in page.blocks:
        if b.is_fact and _WHO_LABEL.search(b.label):
            value = b.cells[-1]
            if _NONE_NEEDED.search(value):
                return False, b.text
            if _TRAINED.search(value):
                return True, b.text
    for s, m in scan(page, _NONE_NEEDED, _NONE_HINT):
        if not re.search(r"\bnot open to\b", s.text, re.I):
            return False, snippet(s.text, m)
    for s, m in scan(page, _REQUIRED, _REQUIRED_HINT):
        if (_REQ_HEADING.search(s.block.heading) or s.block.is_fact
                or re.search(r"\b(?:must|only|programme is for|program is for|suitable for|for)\b", s.text, re.I)):
            return True, snippet(s.text, m)
    return None, None


def extract_min_age(page: Page) -> tuple[int | None, str | None]:
    for b in page.blocks:
        if b.is_fact and re.search(r"\bage\b", b.label, re.I):
            m = re.search(r"\b(\d{2})\b", b.cells[-1])
            if m:
                return int(m.group(1)), b.text
    for s in sentences(page):
        for m in _AGE.finditer(s.text):
            age = next(int(v) for v in m.groups() if v)
            if 14 <= age <= 30:
                return age, snippet(s.text, m)
    return None, None
