"""Who supervises participants, and whether they are licensed professionals.

`claimed`: the page says participants are supervised, mentored or guided by
someone. Working "alongside" or "with" staff is not supervision.
`licensed`: the supervisors are described as licensed, registered, qualified or
certified, or named as a regulated profession.
"""

from __future__ import annotations

import re

from pipelines.casefold import ihas
from pipelines.page import Page, scan, snippet

# Who a participant is, as the object of an active verb ("doctors supervise *every volunteer*").
_PARTICIPANT_OBJECT = (
    r"(?:you|your|yourself|(?:(?:each|every|all|our|the|any)\s+)?(?:(?:\w+|pre-med|gap-year)\s+)?"
    r"(?:volunteers?|interns?|internships?|students?|participants?|electives?|trainees?|observers?|observerships?|"
    r"placements?|rotations?|sessions?|stay)|"
    r"everyone|them)"
)
_CLAIM = re.compile(
    r"\bunder (?:the )?(?:direct |close |constant |full )?(?:supervision|guidance|direction|watchful eye)\b|"
    r"\bsupervised (?:by|at all times|throughout)\b|\b(?:clinical |close |direct |full )?supervision (?:of|from|by)\b|"
    r"\bsupervisors?\b|\bmentored\b|\bmentorship\b|\bguided (?:\w+ ){0,2}by\b|\boverseen by\b|"
    r"\b(?:is|are|will be|be) supervised\b|\bclinical supervision\b|\bsupervision (?:is|will be) provided\b|"
    r"\b(?:each|every) (?:intern|volunteer|student|participant) (?:has|is assigned|gets) (?:a|an|their own)\b|"
    # "A mentor" as a noun the participant has; "our volunteers mentor local nurses" is them mentoring others.
    r"\b(?:a|an|your|their|own|personal|dedicated|assigned|named|clinical|local) (?:\w+ )?mentors?\b|"
    r"\bmentors? (?:is|are|will|who)\b|\bmentoring (?:from|by)\b|"
    r"\b(?:receiv\w+|get|gets|ongoing|personal|individual|one-to-one|regular|daily|weekly) (?:\w+ ){0,2}mentoring\b|"
    # Active verbs count only when the participant is what is supervised: "our doctors supervise you".
    rf"\b(?:supervis(?:e|es|ing)|overs(?:ee|ees|eeing)|mentor(?:s|ing)?) (?:\w+ )?{_PARTICIPANT_OBJECT}\b|"
    # A double negative is a claim: "you are never left unsupervised".
    r"\b(?:never|not|at no (?:time|point)) (?:\w+ ){0,2}(?:unsupervised|without supervision)\b",
    re.I,
)
# Lower-case literals every match of _CLAIM contains (see pipelines.page.scan).
_CLAIM_HINT = re.compile(r"under|supervis|mentor|guided|overs|each|every")
_DOUBLE_NEGATIVE = re.compile(
    r"\b(?:never|not|at no (?:time|point)) (?:\w+ ){0,2}(?:unsupervised|without supervision)\b", re.I)
_NEGATED = re.compile(
    r"\b(?:no|without|little|minimal|not)\s+(?:\w+\s+){0,2}(?:supervision|supervised|mentor)|unsupervised|"
    r"\bon your own\b(?![^.]*\bonce\b)",
    re.I,
)
_LICENSED = re.compile(
    r"\b(?:licen[cs]ed|registered|qualified|certified|accredited|board-certified|experienced\s+(?:doctors?|nurses?"
    r"|midwi\w+|physicians?))\b|\b(?:doctors?|physicians?|nurses?|midwi(?:fe|ves)|dentists?|specialists?|"
    r"surgeons?|consultants?|paediatricians?|pediatricians?|obstetricians?|gynaecologists?|pharmacists?|"
    r"physiotherapists?|physical therapists?|clinical officers?|medical officers?|GPs?|registrars?|"
    r"anaesthetists?|MBBS|MD|(?:nursing|midwifery|physiotherapy|dental) (?:team|staff))\b|\bDr\.? [A-Z]",
    re.I,
)
# Where the clause that names the supervisor ends: "supervised by the coordinator *while* our doctors ...",
# "a registered nurse leads your orientation*, and* ... you are supervised by our coordinators".
_CLAUSE_BREAK = re.compile(r";|,\s*(?:and|but|while|whereas)\b|\s(?:while|whereas|but|although|though)\s", re.I)
# A key fact or table row labelled as supervision: "Supervision: Registered midwives".
_FACT_LABEL = re.compile(r"^\s*(?:clinical\s+)?(?:supervision|supervisors?|supervised by|mentors?|mentoring)\s*:?\s*$",
                         re.I)
_FACT_NONE = re.compile(r"^\s*(?:none|no\b|not\b|n/?a\b|-|–|self[- ]directed|independent)", re.I)


def _clause(text: str, start: int, end: int) -> str:
    """The clause around text[start:end], bounded by clause breaks and a window of 80/120 characters."""
    lo = max(0, start - 80)
    before = text[lo:start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end():]
    after = text[end:end + 120]
    m = _CLAUSE_BREAK.search(after)
    if m:
        after = after[:m.start()]
    return before + text[start:end] + after


def _fact_claim(page: Page) -> tuple[str, bool] | None:
    """A key-facts entry or table row whose label is supervision and whose value names someone."""
    for b in page.blocks:
        if b.kind not in ("fact", "row") or not b.label or not _FACT_LABEL.match(b.label):
            continue
        value = b.cells[1] if len(b.cells) > 1 else ""
        if value and not _FACT_NONE.match(value):
            return snippet(b.text), bool(_LICENSED.search(value))
    return None


def extract_supervision(page: Page) -> dict:
    claimed_ev: str | None = None
    licensed = False
    for s, m in scan(page, _CLAIM, _CLAIM_HINT):
        # "Never left unsupervised" is itself a claim: only other negations withdraw one.
        # (ihas: the re.I pattern runs case-sensitively on lower-cased text, pipelines.casefold; same answers.)
        if ihas(_NEGATED, _DOUBLE_NEGATIVE.sub(" ", s.text)):
            continue
        if claimed_ev is None:
            claimed_ev = snippet(s.text, m)
        # The supervisor is named in the clause that carries the claim.
        if ihas(_LICENSED, _clause(s.text, m.start(), m.end())):
            licensed = True
            claimed_ev = snippet(s.text, m)
            break
    if not licensed:
        fact = _fact_claim(page)
        if fact is not None:
            claimed_ev = claimed_ev or fact[0]
            licensed = fact[1]
    return {"claimed": claimed_ev is not None, "licensed": licensed and claimed_ev is not None,
            "evidence": claimed_ev}
