"""What the fee covers and what it leaves out, mapped to the labelling vocabulary."""

from __future__ import annotations

import re

from pipelines.page import Page, Sentence, scan

# Order matters: the first term whose pattern matches an item names it, so the
# specific ("visa fees") comes before the general ("visa").
_TERMS: list[tuple[str, re.Pattern[str]]] = [
    ("airport_transfer", re.compile(r"\bairport\b|\bpick-?ups?\b|\btransfers? (?:from|to)\b|\bcollect(?:ed|ion)? "
                                    r"(?:you )?(?:from|at)\b|\barrival transfer|\bmeet(?:ing)? you at", re.I)),
    ("visa_fees", re.compile(r"\bvisa\b[^,;]{0,25}\b(?:fees?|costs?|charges?|extensions?)\b|\b(?:permit|visa) fees?\b|"
                             r"\bvisas?\b\s*$|\bvisa(?:s)? (?:and|or|&) (?:permit|registration) fees", re.I)),
    ("visa_support", re.compile(r"\bvisa\b|\binvitation letter\b|\bacceptance letter\b|\bsupport(?:ing)? letter\b|"
                                r"\bpermit (?:application|support|paperwork)", re.I)),
    ("insurance", re.compile(r"\binsurance\b", re.I)),
    ("flights", re.compile(r"\bflights?\b|\bairfares?\b|\bair tickets?\b|\binternational travel\b", re.I)),
    ("internet", re.compile(r"\bwi-?fi\b|\binternet\b", re.I)),
    ("accommodation", re.compile(r"\baccommodation\b|\brooms?\b|\bbeds?\b|\bhousing\b|\bhomestay\b|"
                                 r"\bhost famil\w+|\blodging\b|\bdorm\w*|\bguest ?house\b|\bhostel\b|\bapartment\b|"
                                 r"\bhotel\b|\bflat\b|\b(?:shared|volunteer|student|staff|guest|our|a) house\b", re.I)),
    ("meals", re.compile(r"\bmeals?\b|\bbreakfasts?\b|\blunch(?:es)?\b|\bdinners?\b|\bfood\b|\bboard\b|"
                         r"\bcooked\b", re.I)),
    ("orientation", re.compile(r"\borientation\b|\binduction\b|\bbriefing\b|\bwelcome session\b", re.I)),
    ("supervision", re.compile(r"\bsupervision\b|\bmentor", re.I)),
    ("language_lessons", re.compile(r"\blanguage\b|\b(?:spanish|swahili|french|portuguese|khmer|nepali|hindi|"
                                    r"twi|tagalog)\b(?! (?:family|families|doctors?|nurses?|staff|hospital|speakers?))|"
                                    r"\b(?:one-to-one|private) (?:\w+ )?(?:lessons|tuition|classes)\b|\b(?:swahili|"
                                    r"spanish|nepali|khmer|hindi|french|portuguese|"
                                    r"twi|tagalog|vietnamese) (?:lessons?|classes|course)", re.I)),
    ("local_transport", re.compile(r"\btransport\b|\btuk-?tuks?\b|\bshuttles?\b|\btaxis?\b|\blifts? to\b|"
                                   r"\bbicycles?\b|\bbikes?\b|\bgetting to\b|\bcommut\w+|\bbus fares?\b|"
                                   r"\btransportation\b|\btravel to and from\b"
                                   r"|\btravel between\b", re.I)),
    ("vaccinations", re.compile(r"\bvaccinat\w+|\bimmunis\w+|\bjabs\b|\bantimalarials?\b|\bmalaria (?:tablets|pills)",
                                re.I)),
    ("excursions", re.compile(r"\bexcursions?\b|\bsafaris?\b|\b(?:weekend|day|sightseeing) trips?\b|\btours?\b|"
                              r"\bsightseeing\b|\bcultural (?:activities|trips|visits)\b|\bweekend activities\b",
                              re.I)),
    ("certificate", re.compile(r"\bcertificate\b|\bletter of (?:completion|recommendation|reference)|\breference "
                               r"letter\b|\bassessment form\b", re.I)),
    ("personal_expenses", re.compile(r"\bpersonal\b|\bspending money\b|\bpocket money\b|\bsouvenirs\b|\bsnacks\b",
                                     re.I)),
    ("laundry", re.compile(r"\blaundry\b", re.I)),
]
_INCL_HEADING = re.compile(r"\binclud|\bcovers?\b|\bwhat(?:'s|’s| is| you get)\b(?!.*not)|\byour fee\b|"
                           r"\bthe price\b|\bin the price\b|\bfee pays for\b", re.I)
_EXCL_HEADING = re.compile(r"\bnot included\b|\b(?:doesn.t|does not|don.t|do not) include|"
                           r"\bdoesn.t cover|\bdoes not cover|\bdon.t cover|\bisn.t included|"
                           r"\baren.t included|\bnot part of the (?:fee|price)|\bexclud|\bnot covered\b|"
                           r"\bnot in the price\b|\bextra costs?\b|"
                           r"\byou (?:will )?(?:need to )?pay (?:for )?yourself\b|\bwhat(?:'s|’s| is) not\b|"
                           r"\bnot part of\b|\badditional costs\b", re.I)
_INCL_CUE = re.compile(r"\b(?:includes?|including|included|covers?|covering|pays? for|comes with|take care of)\b",
                       re.I)
_EXCL_CUE = re.compile(r"\b(?:does not|doesn't|doesn’t|do not|don't|don’t|not)\s+(?:include|cover|included|covered)\b"
                       r"|\bexclud\w*|\bnot in the (?:weekly |programme |program )?(?:fee|price)\b|"
                       r"\byou (?:will )?(?:need to )?pay (?:for )?(?:\w+ )?yourself\b|\bat your own (?:cost|"
                       r"expense)\b|"
                       r"\bpaid by you\b|\bon top\b|\byou pay for (?:your own|yourself)\b|\bat your own\b", re.I)


def terms_in(text: str) -> list[str]:
    """Vocabulary terms named in one item or clause, each once."""
    out = []
    for part in re.split(r",|;|\band\b|\bor\b|\bplus\b|/|&", text):
        for term, pat in _TERMS:
            # An airport shuttle is the airport transfer, not local transport.
            if term == "local_transport" and _TERMS[0][1].search(part):
                continue
            if pat.search(part) and term not in out:
                out.append(term)
            # "visa fees" is not also "visa support"
            if term == "visa_fees" and term in out and pat.search(part):
                break
    return out


_LIST_LEAD = re.compile(r"^\s*(?:what(?:'s|’s| is) )?(not |isn't |isn’t )?(?:included|excluded|covered|includes|"
                        r"excludes)(?: in (?:the|your) (?:\w+ )?(?:fee|price))?\s*:", re.I)
_OTHER_CHARGE = re.compile(r"\bregistration\b|\bdeposit\b|\bdonation\b|\bapplication fee\b", re.I)
_PRICE_FOR_AFTER = re.compile(r"(?:[$£€₹]|US\$|USD|EUR|GBP)\s?\d[\d,.]*[^.]{0,25}?\bfor (?:your )?((?:room|board|"
                              r"accommodation|meals?|food|lodging)[^.]{0,60})", re.I)
_PASSIVE_INCL = re.compile(r"^(.{3,120}?)\b(?:is|are) (?:also )?included\b", re.I)
_PASSIVE_EXCL = re.compile(r"^(.{3,120}?)\b(?:is|are) not (?:included|covered)\b", re.I)
_PRICE_FOR = re.compile(r"^((?:room|board|accommodation|meals?|food|lodging|homestay)\b[^.:$£€]{0,60}?)"
                        r"(?::|\bis\b|\bare\b|\bcosts?\b)\s*(?:[$£€₹]|US\$|USD|EUR|GBP)", re.I)


# Every sentence-level rule below needs one of these words; one pass finds the sentences worth reading.
_ANY_CUE = re.compile(r"includ|\bcover|exclud|\bpays? for|comes with|take care|paid by you|on top|your own|"
                      r"^\s*(?:room|board|accommodation|meals?|food|lodging|homestay)\b|\bfor (?:your )?(?:room|board|"
                      r"accommodation|meals?|food|lodging)", re.I | re.M)


_CUE_HINT = re.compile(r"includ|cover|exclud|pay|comes with|take care|paid by you|on top|your own|room|board|"
                       r"accommodation|meal|food|lodging|homestay")


def _cue_sentences(page: Page) -> list[Sentence]:
    seen: dict[int, Sentence] = {}
    for sent, _ in scan(page, _ANY_CUE, _CUE_HINT):
        seen.setdefault(id(sent), sent)
    return list(seen.values())


def extract_inclusions(page: Page) -> tuple[list[str], list[str], str | None]:
    includes: list[str] = []
    excludes: list[str] = []
    evidence: list[str] = []
    for b in page.blocks:
        if b.kind not in ("text",) or b.tag not in ("li", "dd", "td", "p", "div", "span"):
            continue
        if b.tag != "li" and b.tag != "dd":
            continue
        if _EXCL_HEADING.search(b.heading):
            _add(excludes, terms_in(b.text))
            evidence.append(b.text)
        elif _INCL_HEADING.search(b.heading):
            _add(includes, terms_in(b.text))
            evidence.append(b.text)
    for s in _cue_sentences(page):
        # What a registration fee or deposit covers is not what the main fee covers.
        if _OTHER_CHARGE.search(s.text):
            continue
        if s.block.tag == "li" and (_EXCL_HEADING.search(s.block.heading) or _INCL_HEADING.search(s.block.heading)):
            continue
        ex = _EXCL_CUE.search(s.text)
        inc = _INCL_CUE.search(s.text)
        if passive_ex := _PASSIVE_EXCL.search(s.text):
            _add(excludes, terms_in(passive_ex.group(1)))
            evidence.append(s.text)
        elif lead := _LIST_LEAD.match(s.text):
            # "Included: a, b and c." / "Not included: x and y."
            target = excludes if lead.group(1) else includes
            _add(target, terms_in(s.text[lead.end():]))
            evidence.append(s.text)
        elif ex:
            _add(excludes, terms_in(s.text[ex.end():]))
            evidence.append(s.text)
        elif inc and re.search(r"\b(?:fee|price|cost|rate|package|programme|program|contribution|quote)s?\b|\bit\b",
                               s.text, re.I):
            _add(includes, terms_in(s.text[inc.end():]))
            evidence.append(s.text)
        elif re.search(r"\b(?:fee|price|rate|cost)s?\b[^.]{0,30}\b(?:pays? for|covers?)\b", s.text, re.I):
            _add(includes, terms_in(s.text))
            evidence.append(s.text)
        elif passive := _PASSIVE_INCL.search(s.text):
            _add(includes, terms_in(passive.group(1)))
            evidence.append(s.text)
        elif for_after := _PRICE_FOR_AFTER.search(s.text):
            _add(includes, terms_in(for_after.group(1)))
            evidence.append(s.text)
        elif _PRICE_FOR.search(s.text):
            # "Room and board at the volunteer house: $140 per week" names what the price buys.
            _add(includes, terms_in(_PRICE_FOR.search(s.text).group(1)))
            evidence.append(s.text)
    includes = [t for t in includes if t not in excludes or t == "supervision"]
    return includes, excludes, " / ".join(evidence[:3]) if evidence else None


def _add(target: list[str], terms: list[str]) -> None:
    for t in terms:
        if t not in target:
            target.append(t)
