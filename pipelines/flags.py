"""Red flags: judged ones (vague role, tasks beyond training) and those that follow from other fields.

Each flag carries evidence: the sentence that raised it, or for an absence the
statement that nothing was found, so an analyst can check it in seconds.
"""

from __future__ import annotations

import re

from pipelines.casefold import ihas, isearch
from pipelines.page import Page, scan, snippet
from pipelines.participation import negated
from pipelines.record import FLAG_SEVERITY

_VAGUE = re.compile(
    r"\b(?:decided|determined|assigned|agreed|confirmed|worked out|allocated) (?:up)?on arrival\b|"
    r"\bon arrival\b[^.]{0,40}\b(?:role|tasks?|placement|department)\b|\bwherever (?:you are|you're|help is) needed\b|"
    r"\bwhatever (?:is|needs to be) (?:needed|done)\b|\b(?:role|tasks?) (?:will )?(?:depend|vary|varies)\b|"
    r"\bflexible role\b|\bdepending on (?:the )?(?:needs|what)\b",
    re.I,
)
_BEYOND = re.compile(
    r"\bsutur\w*|\bstitch(?:es|ing)? (?:wounds|up)|\bdeliver(?:ing)? (?:babies|a baby|newborns)|\bcatch(?:ing)? babies|"
    r"\b(?:assist|help)(?:s|ing)? (?:(?:the )?\w+ )?(?:with|in|at|during) (?:\w+ )?(?:deliveries|births|labou?rs?|"
    r"c-sections|caesareans)|"
    r"\bhelp(?:ing)? (?:to )?deliver\b|\b(?:give|giving|administer\w*) (?:\w+ )?(?:injections?|vaccinations?|"
    r"vaccines|medications?|IV)|\binjections?\b(?! safety| training)|\bdraw(?:ing)? blood|"
    # Taking blood pressure or blood sugar readings is basic care, not drawing blood.
    r"\btak(?:e|es|ing) blood\b(?! pressure| sugar| glucose)|"
    r"\bphlebotomy|\bcannul\w+|\bIV lines?|\bdiagnos(?:e|ing|is of) (?:and treat )?(?:\w+ )?(?:patients|conditions|"
    r"illnesses?)|\btreat(?:ing)? (?:patients|wounds|injuries|minor)|\bprescrib\w+|\bperform(?:ing)? (?:\w+ )?"
    r"(?:procedures|surgery|surgeries|operations|deliveries|examinations|extractions|fillings)|"
    r"\b(?:hands-on|actively) assist(?:ing)? (?:in|with) (?:\w+ )?(?:surgery|surgeries|operations|procedures)|"
    r"\bassist(?:ing)? (?:the )?surgeons?|\bfirst assist|"
    r"\brun(?:ning)? (?:a|the|your own|their own) (?:\w+ ){0,2}clinic|"
    r"\bsee patients on (?:your|their) own|\bminor surgery|\btooth extractions?|\bextract(?:ing)? teeth|"
    r"\bvaccinat(?:e|ing) (?:children|patients|babies)|\bimmunis(?:e|ing) (?:children|babies)",
    re.I,
)
_WATCH = re.compile(r"\b(?:observ\w+|watch\w*|witness\w*|shadow\w*|see how|learn how|sit in)\b[^.;]{0,50}$|"
                    # A topic, not an act: "learn about injection safety".
                    r"\babout (?:[\w-]+ )?$", re.I)
# Staff as the subject of the act: "our doctors diagnose and treat patients while volunteers observe". A staff word
# right before the act, not the object of the participant's verb ("help the midwives", "work with nurses and"),
# nor the participants' own group ("our volunteer team will ...").
_STAFF_SUBJECT = re.compile(
    r"(?<!volunteer )(?<!student )(?<!intern )\b(?:doctors?|physicians?|nurses?|midwi(?:fe|ves)|surgeons?|"
    r"dentists?|clinicians?|consultants?|specialists?|"
    r"staff|technicians?|team|officers?|therapists?|physiotherapists?)\s+(?:(?:will|then|also|can|may|often|"
    r"usually|who|that)\s+){0,2}$",
    re.I,
)
_STAFF_AS_OBJECT = re.compile(
    r"\b(?:with|alongside|beside|help\w*|assist\w*|support\w*|join\w*|shadow\w*|follow\w*|watch\w*|observ\w*|"
    r"to|for|by|and|or)\s+(?:(?:the|our|local|their|your|a|an)\s+)?(?:[\w-]+\s+)?$",
    re.I,
)


# Lower-case literals every match of the pattern above contains (a cheap first pass, see pipelines.page.scan).
_BEYOND_HINT = re.compile(r"sutur|stitch|deliver|babies|assist|injection|vaccin|medication|iv|blood|phlebotomy|cannul|"
                          r"diagnos|treat|prescrib|perform|clinic|own|surgery|extract|immunis|help")
_VAGUE_HINT = re.compile(r"arrival|wherever|whatever|depend|vary|varies|flexible role")


def _beyond_training_evidence(page: Page) -> str | None:
    for s, m in scan(page, _BEYOND, _BEYOND_HINT):
        before = s.text[max(0, m.start() - 90):m.start()]
        # ihas/isearch: the re.I patterns run case-sensitively on lower-cased text (pipelines.casefold).
        if negated(before) or ihas(_WATCH, before):
            continue
        staff = isearch(_STAFF_SUBJECT, before)
        if staff and not ihas(_STAFF_AS_OBJECT, before[:staff.start()]):
            continue
        return snippet(s.text, m)
    return None


def _vague_evidence(page: Page) -> str | None:
    for s, m in scan(page, _VAGUE, _VAGUE_HINT):
        return snippet(s.text, m)
    return None


def judge_flags(record: dict, page: Page) -> list[dict]:
    flags: list[dict] = []

    def add(code: str, evidence: str) -> None:
        flags.append({"code": code, "severity": FLAG_SEVERITY[code], "evidence": evidence})

    vague = _vague_evidence(page)
    if record.get("participation") is None:
        add("vague_role", vague or "No concrete activity of the participant is stated on the page.")
    elif vague and not record.get("evidence", {}).get("participation"):
        add("vague_role", vague)
    if record.get("experience_required") is False:
        ev = _beyond_training_evidence(page)
        if ev:
            add("beyond_training", f"Offered with no clinical training required: {ev}")
    if not record["supervision"]["claimed"]:
        add("no_supervision", "No statement that participants are supervised, mentored or guided was found.")
    if not any(f["kind"] == "program" for f in record.get("fees", [])):
        add("fees_undisclosed", "No program price is stated on the page.")
    if not record.get("legal_info"):
        add("no_legal_info", "Nothing about visas, permits or permission to take part in clinical work was found.")
    if not record.get("safety_info"):
        add("no_safety_info",
            "Nothing about insurance, emergency support, vaccinations or a safety briefing was found.")
    if not record.get("community_benefit"):
        add("no_community_benefit", "No payment, donation, training or partnership benefiting the host was found.")
    return flags
