"""What the page discloses about legality, safety and the host community.

- legal_info: visas, permits, registration with a professional council, what the
  law lets the participant do. The provider's own company registration is not it.
- safety_info: the participant's insurance, emergency or 24-hour support,
  vaccinations and health precautions, a safety briefing.
- community_benefit: a mechanism by which the host gains: payments or donations
  to the host, training local staff, a long-term partnership, supplies.
"""

from __future__ import annotations

import re

from pipelines.page import Page, scan, snippet

_LEGAL = re.compile(
    r"\bvisas?\b|\bpermits?\b|\bwork permit|\bresiden(?:ce|t) permit|\b(?:temporary |provisional )?registration "
    r"with (?:the )?(?:\w+ ){0,3}(?:council|board|ministry|authorit\w+|association)|"
    r"\b(?:medical|nursing|dental|midwifery|health professions?|pharmacy) (?:and \w+ )?(?:council|board)\b|"
    r"\bregistered with (?:the )?(?:host hospital|hospital|health authorities|ministry|council)|"
    r"\blicen[cs]e to practi[cs]e|\blegal(?:ly)?\b|\b(?:the )?law\b|\bimmigration\b|\bentry requirements\b|"
    r"\b(?:local|national) (?:regulations|rules) (?:on|for|about)|\bpermission to (?:work|practi[cs]e|take part)|"
    r"\bethics approval\b|\belective registration\b|\bregistered with the host\b",
    re.I,
)
_LEGAL_NOT = re.compile(
    r"\bregistered (?:charity|ngo|company|in england|office|trademark|charitable)|\bcompany (?:number|registration)|"
    r"\bngo no\b|\blegal notice\b|\blaw firm\b|\bin-laws?\b",
    re.I,
)
_SAFETY = re.compile(
    r"\binsurance\b|\binsured\b|\bemergenc(?:y|ies) (?:phone|number|contact|line|support|assistance|plan|"
    r"procedures?|evacuation|cover)|\bin (?:an|case of(?: an)?) emergenc|\b24/7\b|\b24[- ]hours?\b|"
    r"\baround the clock\b|\bround-the-clock\b|\b(?:your|get|need|recommended?|required|up-to-date|up to date|"
    r"before you travel|check)\b[^.]{0,40}\b(?:vaccinat\w*|immunis\w*|immuniz\w*)|"
    r"\b(?:vaccinat\w*|immunis\w*|immuniz\w*)\b[^.]{0,40}\b(?:before you|you need|recommended|required|advice)\b|"
    r"^vaccinations?\b|\bjabs\b|\bantimalarial|"
    r"\bmalaria (?:prevention|tablets|pills|prophylaxis)|\byellow fever\b|\bhealth precautions?\b|\btravel clinic\b|"
    r"\bsafety (?:briefing|induction|training|information|guidelines|protocols?)|\bsecurity briefing\b|"
    r"\bpost-exposure prophylaxis|\bPEP\b|\bneedlestick|\bpersonal protective|\bsafe(?:ty)? (?:is|are) our\b|"
    r"\bstay(?:ing)? safe\b",
    re.I,
)
_SAFETY_NOT = re.compile(
    r"\bnational health insurance\b|\bhealth insurance scheme\b|\bimmunis\w* clinic\b|\bvaccination clinic\b|"
    r"\bemergency (?:department|room|ward|medicine)\b",
    re.I,
)
_COMMUNITY = re.compile(
    r"\bdonat\w+|\b(?:paid|goes|go|passed|given|contributed|transferred) (?:straight |directly )?(?:in)?to the "
    r"(?:\w+ ){0,3}(?:hospital|clinic|dispensary|health cent(?:re|er)|host|community|school|project|trust|fund)|"
    r"\b(?:part|share|portion|percentage|some) of (?:every|each|your|the|our) (?:\w+ )?(?:fee|payment|booking|"
    r"rate|price)s?\b|\bfunds? (?:dressings|medicines|medicine|supplies|equipment|the|a|salaries)|"
    r"\bmedicine fund\b|\bpays? (?:the |for the )?salar(?:y|ies)\b|\b(?:left|donated|handed over|given) (?:with|to) "
    r"the (?:\w+ ){0,2}(?:clinic|hospital|community|school|health cent(?:re|er)|dispensary)\b|"
    r"\bbring\w*\b[^.]{0,40}\b(?:supplies|gloves|equipment|medicines|dressings?|dressing packs|"
    r"kits|consumables)\b|\bfunded (?:from|by|through) (?:your|the|our|every|each) (?:\w+ )?(?:fees?|price|booking)|"
    r"\buses? (?:the |your |our )?(?:\w+ )?fees? to (?:pay|fund|buy|cover)|"
    r"\b(?:help )?train(?:s|ing)? (?:the )?(?:\w+['’]s )(?:\w+ )?(?:staff|nurses|assistants|health workers|midwives)|"
    r"\b(?:train|trains|training|mentor|mentors|mentoring) (?:local|its own|our local|the local|"
    r"junior|village|community) (?:\w+ )?(?:staff|nurses|health workers|volunteers|women|midwives|doctors|"
    r"clinicians)|\blong[- ]term (?:partnership|partner|relationship|commitment)|\b(?:worked|working|partnered) "
    r"with (?:the|this|our) (?:\w+ )?(?:hospital|clinic|community) since\b|\bsince \d{4}\b[^.]{0,40}partner|"
    r"\bplacement (?:contribution|fee) (?:is )?paid|\bsupplies (?:for|to) the\b|\bbring (?:medical )?supplies\b|"
    r"\b(?:equipment|supplies|medicines) (?:for|to) the (?:\w+ )?(?:hospital|clinic|dispensary|community)\b|"
    r"\bcontribution\b[^.]{0,60}\b(?:hospital|clinic|host|community)\b|\bfee\b[^.]{0,50}\bhelps? (?:fund|pay|"
    r"support)\b|\bpays? (?:the |its |a )(?:\w+ ){0,3}(?:hospital|clinic|host|school|community)|\bpays? (?:for|"
    r"towards) (?:the )?(?:\w+ ){0,2}(?:salar\w+|medicines|equipment|supplies)\b",
    re.I,
)


# Lower-case literals, one of which every match of the pattern above contains: a cheap first pass
# (see pipelines.page.scan). Keep each in step with its pattern; tests/test_disclosures.py checks both.
_LEGAL_HINT = re.compile(r"visa|permit|registration|registered|council|board|licen|legal|law|immigration|"
                         r"entry requirement|regulation|permission|ethics")
_SAFETY_HINT = re.compile(r"insur|emergenc|24|clock|vaccin|immuni|jabs|antimalar|malaria|yellow fever|precaution|"
                          r"travel clinic|safe|securit|prophyla|pep|needlestick|protective")
_COMMUNITY_HINT = re.compile(r"donat|to the|with the|fee|payment|booking|rate|price|fund|salar|bring|train|mentor|"
                             r"long-term|long term|since|contribution|suppl|equipment|medicine|pay")


def _first(page: Page, pat: re.Pattern[str], not_pat: re.Pattern[str], hint: re.Pattern[str]) -> str | None:
    for sent, m in scan(page, pat, hint):
        window = sent.text[max(0, m.start() - 40):m.end() + 40]
        if not not_pat.search(window):
            return snippet(sent.text, m)
    return None


def extract_legal(page: Page) -> tuple[bool, str | None]:
    ev = _first(page, _LEGAL, _LEGAL_NOT, _LEGAL_HINT)
    return ev is not None, ev


def extract_safety(page: Page) -> tuple[bool, str | None]:
    ev = _first(page, _SAFETY, _SAFETY_NOT, _SAFETY_HINT)
    return ev is not None, ev


_COMMUNITY_NOT = re.compile(r"\bwould otherwise\b|\bdonate your time\b|\bour partner hospital\b(?![^.]*\bsince\b)",
                            re.I)


def extract_community(page: Page) -> tuple[bool, str | None]:
    ev = _first(page, _COMMUNITY, _COMMUNITY_NOT, _COMMUNITY_HINT)
    return ev is not None, ev
