"""The program's discipline (medicine, nursing, dentistry, ...), the "field" analysts filter on.

A program page is about one field, and providers put it in the program's name:
"Nursing Placement in Kenya", "Dental Elective - Cusco", "Pre-Med Hospital
Shadowing". So the heading decides first, then the page title, then the URL slug;
only when none of them names a field does the main text vote (the field named
most often in the placement's own sentences). Specialties fold into their
profession (surgery, paediatrics -> medicine); pre-med and shadowing programs
are medicine, the profession the participant is shadowing.
"""

from __future__ import annotations

import re
from collections import Counter

from pipelines.page import Page, snippet

__all__ = ["DISCIPLINES", "extract_discipline"]

# discipline -> word stems, most specific first within a title (so "midwifery" beats the "nursing" of
# "Nursing & Midwifery" only when it comes first: the first field named is the program's).
_STEMS: dict[str, tuple[str, ...]] = {
    "midwifery": (r"midwi\w*", r"obstetric nurs\w*", r"birth(?:ing)? (?:centre|center|attendant)\w*"),
    "nursing": (r"nurs(?:e|es|ing)\b", r"nursing"),
    "dentistry": (r"dent(?:al|istry|ist|ists)\b", r"oral health", r"orthodont\w*"),
    "physiotherapy": (r"physio\w*", r"physical therap\w*", r"rehabilitat\w*"),
    "occupational_therapy": (r"occupational therap\w*",),
    "speech_therapy": (r"speech(?: and language)? therap\w*", r"speech pathol\w*"),
    "pharmacy": (r"pharmac(?:y|ist|ists|eutical)\w*",),
    "public_health": (r"public health", r"global health", r"community health", r"health education",
                      r"epidemiolog\w*", r"nutrition\w*", r"sanitation", r"\bwash\b"),
    "mental_health": (r"mental health", r"psycholog\w*", r"psychiatr\w*", r"counsell?ing"),
    "emergency_care": (r"paramedic\w*", r"ambulance", r"\bems\b", r"emergency medical services?"),
    "laboratory": (r"(?:medical |clinical )?lab(?:oratory)? (?:science|technolog)\w*", r"biomedical science"),
    "radiography": (r"radiograph\w*", r"radiolog\w*", r"sonograph\w*"),
    "optometry": (r"optometr\w*", r"eye care"),
    "veterinary": (r"veterinar\w*", r"\bvet\b"),
    "medicine": (r"medic(?:al|ine)\b", r"pre-?med\w*", r"doctor\w*", r"physician\w*", r"surg(?:ery|ical|eon)\w*",
                 r"paediatric\w*", r"pediatric\w*", r"obstetric\w*", r"gynae?colog\w*", r"cardiolog\w*",
                 r"oncolog\w*", r"internal medicine", r"elective\w*", r"clinical", r"hospital", r"shadowing",
                 r"healthcare", r"health care"),
}
DISCIPLINES: tuple[str, ...] = tuple(_STEMS)

_PATTERN = re.compile(
    "|".join(f"(?P<{name}>\\b(?:{'|'.join(stems)}))" for name, stems in _STEMS.items()), re.IGNORECASE
)
# Generic words that name a field only when nothing more specific is in the same name.
_WEAK = frozenset({"elective", "clinical", "hospital", "shadowing", "healthcare", "health care"})


def _first_field(text: str) -> tuple[str, str] | None:
    """The first field named in a short text (a heading, a title, a slug), specific words before weak ones."""
    weak: tuple[str, str] | None = None
    for match in _PATTERN.finditer(text):
        name = match.lastgroup
        if name is None:
            continue
        word = match.group(0).lower()
        if name == "medicine" and word in _WEAK:
            weak = weak or (name, match.group(0))
            continue
        return name, match.group(0)
    return weak


def extract_discipline(page: Page) -> tuple[str | None, str | None]:
    """(discipline, evidence) of a program page; (None, None) when nothing names a field."""
    for label, text in (("heading", page.h1), ("title", page.title)):
        if text:
            found = _first_field(text)
            if found:
                return found[0], f"{label}: {text.strip()}"
    slug = re.sub(r"[-_/.]+", " ", page.url.split("://", 1)[-1].split("/", 1)[-1])
    found = _first_field(slug)
    if found:
        return found[0], f"address: {page.url}"
    votes: Counter[str] = Counter()
    first: dict[str, re.Match[str]] = {}
    for match in _PATTERN.finditer(page.text):
        name = match.lastgroup
        if name is None or (name == "medicine" and match.group(0).lower() in _WEAK):
            continue
        votes[name] += 1
        first.setdefault(name, match)
    if not votes:
        return None, None
    name = max(votes, key=lambda n: (votes[n], -first[n].start()))
    return name, snippet(page.text, first[name])
