"""Who supervises participants, and whether they are licensed professionals.

`claimed`: the page says participants are supervised, mentored or guided by
someone. Working "alongside" or "with" staff is not supervision.
`licensed`: the supervisors are described as licensed, registered, qualified or
certified, or named as a regulated profession.
"""

from __future__ import annotations

import re

from pipelines.page import Page, sentences, snippet

_CLAIM = re.compile(
    r"\bunder (?:the )?(?:direct |close |constant |full )?(?:supervision|guidance|direction|watchful eye)\b|"
    r"\bsupervised (?:by|at all times|throughout)\b|\b(?:clinical |close |direct |full )?supervision (?:of|from|by)\b|"
    r"\bsupervisors?\b|\bmentor(?:ed|s|ing)?\b|\bguided (?:\w+ ){0,2}by\b|\boverseen by\b|\bsupervises\b|"
    r"\b(?:is|are|will be) supervised\b|\bclinical supervision\b|\bsupervision (?:is|will be) provided\b|"
    r"\b(?:each|every) (?:intern|volunteer|student|participant) (?:has|is assigned|gets) (?:a|an|their own)\b",
    re.I,
)
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
    r"anaesthetists?|MBBS|MD|nursing (?:team|staff))\b|\bDr\.? [A-Z]",
    re.I,
)


def extract_supervision(page: Page) -> dict:
    claimed_ev: str | None = None
    licensed = False
    for s in sentences(page):
        m = _CLAIM.search(s.text)
        if not m or _NEGATED.search(s.text):
            continue
        if claimed_ev is None:
            claimed_ev = snippet(s.text, m)
        # The supervisor is named in the clause that carries the claim.
        clause = s.text[max(0, m.start() - 80): m.end() + 120]
        if _LICENSED.search(clause):
            licensed = True
            claimed_ev = snippet(s.text, m)
            break
    return {"claimed": claimed_ev is not None, "licensed": licensed and claimed_ev is not None,
            "evidence": claimed_ev}
