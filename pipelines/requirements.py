"""Who may take part: prior health training required or not, and the minimum age."""

from __future__ import annotations

import re

from pipelines.page import Page, hint, scan, snippet

_NONE_NEEDED = re.compile(
    r"\bno (?:prior |previous |medical |clinical |healthcare |health |nursing |formal |relevant |professional )*"
    r"(?:experience|qualifications?|training|background|skills|knowledge)\b[^.]{0,30}?\b(?:needed|required|"
    r"necessary|is needed|are needed)|"
    r"\b(?:experience|qualifications?|medical background|training) (?:is |are )?not (?:needed|required|necessary)\b|"
    r"\bno (?:prior |previous |medical |clinical |healthcare |health |nursing |formal |relevant )*"
    r"(?:experience|qualifications?|background|knowledge)\b|"
    r"\b(?:from|of) all (?:backgrounds|walks of life)\b|\b(?:of|in) any (?:subject|discipline|field|background)\b|"
    r"\bopen to (?:anyone|everyone|all)\b|\bwithout (?:any )?(?:medical |clinical )?(?:experience|training)\b|"
    r"\b(?:pre-?med(?:ical)?|high[- ]school|gap[- ]year|school leavers?|sixth[- ]form|secondary school)\b|"
    r"\banyone (?:aged|over|from)\b|\bno matter (?:what|your) (?:background|experience)\b|"
    r"\b(?:don't|don’t|do not|doesn't|doesn’t|does not|won't|won’t) need (?:a |any )?(?:\w+ )?(?:background|"
    r"experience|qualifications?|training|degree)\b|\beveryone (?:aged|over|is welcome)\b|"
    r"\b(?:medical|clinical|health(?:care)?) (?:experience|background|qualifications?) (?:is )?(?:not|isn.t) "
    r"(?:needed|required|necessary)\b|"
    # Welcoming people from outside the field says no training is needed, even beside welcomed students.
    r"\bnon-?(?:medical|clinical|health(?:care)?)\b[\w -]{0,20}?\b(?:volunteers?|participants?|people|applicants?|"
    r"students?|backgrounds?)\b[^.]{0,30}?\b(?:welcome|can (?:join|apply|take part)|may (?:join|apply)|accepted|"
    r"eligible)|"
    r"\bwhether or not you (?:study|are studying|have studied|have (?:a |any )?(?:medical|clinical|health))|"
    r"\bwith or without (?:a |any )?(?:medical |clinical |prior |previous )*(?:experience|background|training)\b",
    re.I,
)
# Requests for documents that only an enrolled student or a registered clinician can supply: a requirement
# wherever they are asked for (application steps, "documents", "before you travel"), not only under a
# requirements heading.
_DOCUMENT_SRC = (
    r"\bproof of (?:your |their )?(?:enrolment|enrollment|registration|qualifications?|student status)\b|"
    r"\b(?:letter|confirmation|statement) from (?:your|their) (?:\w+ )?(?:school|university|faculty|dean|college)\b|"
    r"\bcop(?:y|ies) of (?:your |their |a )?(?:current |valid )?(?:\w+ )?(?:licen[cs]e|registration|"
    r"practi[sc]ing certificate|student (?:id|card)|degree certificate|diploma)\b"
)
_DOCUMENT = re.compile(_DOCUMENT_SRC, re.I)
# (No capturing groups: one makes this pattern several times slower to search.)
_REQUIRED = re.compile(
    rf"{_DOCUMENT_SRC}|"
    r"\b(?:must|need to|needs to|should|have to)\b[^.]{0,40}\b(?:be|have)\b[^.]{0,40}\b(?:student|qualified|"
    r"registered|enrolled|graduate|completed|licen[cs]ed|degree|training|experience)|"
    r"\b(?:for|open to|suitable for|designed for|aimed at|available to)\b[^.]{0,30}\b(?:medical|nursing|"
    r"midwifery|dental|dentistry|physiotherapy|pharmacy|health(?:care)?|clinical|public health|allied health)"
    r"[\w -]{0,20}\b(?:students?|graduates?|professionals?|years)\b|"
    r"\b(?:completed|finished) (?:at least )?(?:one|two|three|\d|a|the first|your first)\b[^.]{0,40}\b(?:years?|"
    r"placements?|rotations?|degree|training)|"
    r"\b(?:completed|finished)\b[^.]{0,25}\b(?:pre-?clinical|clinical|basic|core) (?:training|years?|studies|"
    r"rotations?|course)|\bgood standing\b|\b(?:letter|confirmation) from (?:your|the) (?:dean|faculty|university|"
    r"college|school)\b|\bcurrently enrolled\b|\benrolled (?:in|on|at)\b|"
    r"\b(?:current|valid) (?:\w+ )?(?:licen[cs]e|registration)\b|\blicen[cs]e to practi[sc]e\b|"
    r"\bcurrently (?:studying|training|enrolled|registered|practi[sc]ing|working as)\b|\bregistered nurses?\b|"
    r"\bqualified (?:doctors?|nurses?|midwives|dentists?|physiotherapists?)\b|\bclinical years?\b|"
    r"\b(?:medical|nursing|dental|midwifery|physiotherapy|pharmacy) students?\b|"
    r"\bstudent (?:nurses?|midwives|doctors?|dentists?|physiotherapists?|paramedics?)\b|"
    r"\b(?:second|third|fourth|final|penultimate|2nd|3rd|4th)[- ]year\b|"
    r"\b(?:students?|graduates?)\b[^.]{0,15}\b(?:in|of|studying)\b[^.]{0,30}\b(?:medicine|nursing|public health|"
    r"global health|dentistry|physiotherapy|midwifery|pharmacy|occupational therapy)\b",
    re.I,
)
# Lower-case literals every match of the pattern contains (a cheap first pass, see pipelines.page.scan).
_NONE_HINT = hint("no ", "not ", "n't", "n’t", "open to", "without", "pre-med", "premed", "high", "gap",
                   "school leaver", "sixth", "secondary", "anyone", "everyone", "need", "matter", "non", "all ", "any ")
_REQUIRED_HINT = hint("must", "need", "should", "have to", "for", "open to", "aimed at", "available to", "complet",
                       "finish", "enrol", "current", "valid", "licen", "registered", "qualified", "clinical year",
                       "student", "year", "graduate", "proof of", "letter from", "confirmation from",
                       "statement from", "copy of", "copies of", "standing", "dean", "faculty")
_REQ_HEADING = re.compile(r"requirement|eligib|who can|who may|who is it for|who it'?s for|is (?:it|this) for|"
                          r"suitable|who should|criteria|applicants?|applications?|how to apply|documents|level",
                          re.I)
_AGE_WORDS = {
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "twenty-one": 21, "twenty one": 21, "twenty-five": 25, "twenty five": 25,
}
_AGE_WORD = r"(?:twenty[- ](?:one|five)|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)"
_AGE = re.compile(
    rf"\b(?:min(?:imum|\.)?\s*age\b(?:[^.\d]{{0,30}}?\b(?:is|of|:)|\s*:?)\s*(?P<a>\d{{2}}|{_AGE_WORD}\b)|"
    r"(?:aged|age) (?P<b>\d{2})\s*(?:\+|or (?:over|older|"
    r"above)|and (?:over|older|above)|years? (?:and|or) (?:over|older))|(?P<c>\d{2})\s*(?:years?(?: old)?|yrs?)?\s*"
    r"(?:or|and) (?:over|older|above)|at least (?P<d>\d{2}) years|over[- ](?:the age of )?(?P<e>\d{2})(?:\b|(?=s\b))|"
    r"(?P<f>\d{2})\+\s*(?:years|only|welcome)?|must be (?:at least |over |aged )?(?P<g>\d{2})\b|"
    # "Volunteers aged 18-65": the lower end of an age range is the minimum.
    r"\baged (?P<h>\d{2})\s*(?:-|–|to)\s*\d{2}\b)",
    re.I,
)
_AGE_HINT = hint("age", "over", "older", "above", "at least", "+", "must be")
# A number followed by a unit or a plural noun counts something else: "over 28 weeks pregnant", "over 25 volunteers".
_NOT_AGE_AFTER = re.compile(r"\s*(?:(?:weeks?|months?|days?|hours?|minutes?|km|miles?|per ?cent)\b|%|"
                            r"(?!years\b|yrs\b|plus\b)[a-z]{3,}s\b)", re.I)
# "groups of 20 or over" is a group size ("the age of 19" is an age).
_NOT_AGE_BEFORE = re.compile(r"(?<!\bage )\bof\s*$", re.I)
# Ranges describing who usually comes ("most of our volunteers are aged 20 to 30") are no minimum.
_TYPICAL = re.compile(r"\b(?:most|typically|usually|mostly|majority|average|tend to)\b", re.I)


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
        # A bare "for" only makes a requirement when it leads to the match ("ideal for medical students"): in
        # "founded by medical students looking for..." or "nurses look after you for the stay" it is unrelated.
        if (_DOCUMENT.match(s.text, m.start()) or _REQ_HEADING.search(s.block.heading) or s.block.is_fact
                or _REQ_CONTEXT.search(s.text)
                or re.search(r"\bfor\b", s.text[:m.end()], re.I)):
            return True, snippet(s.text, m)
    return None, None


_REQ_CONTEXT = re.compile(r"\b(?:must|only|programme is for|program is for|suitable for)\b", re.I)


def extract_min_age(page: Page) -> tuple[int | None, str | None]:
    for b in page.blocks:
        if b.is_fact and re.search(r"\bage\b", b.label, re.I):
            m = re.search(r"\b(\d{2})\b", b.cells[-1])
            if m:
                return int(m.group(1)), b.text
    for s, m in scan(page, _AGE, _AGE_HINT):
        group = next(g for g, v in m.groupdict().items() if v)
        value = m.group(group)
        age = int(value) if value.isdigit() else _AGE_WORDS[value.lower()]
        if not 14 <= age <= 30:
            continue
        if _NOT_AGE_AFTER.match(s.text, m.end(group)) or _NOT_AGE_BEFORE.search(s.text[:m.start(group)]):
            continue
        if group == "h" and _TYPICAL.search(s.text):
            continue
        return age, snippet(s.text, m)
    return None, None
