"""What the fee covers and what it leaves out, mapped to the labelling vocabulary."""

from __future__ import annotations

import re
from functools import lru_cache

from pipelines.page import Block, Page, Sentence, hint, scan, sentences

# Order matters: the first term whose pattern matches an item names it, so the
# specific ("visa fees") comes before the general ("visa").
_TERMS: list[tuple[str, re.Pattern[str]]] = [
    # A bare "transfers" closing an item ("meals, transfers and orientation") is the airport transfer.
    ("airport_transfer", re.compile(r"\bairport\b|\bpick-?ups?\b|\btransfers? (?:from|to)\b|"
                                    r"\btransfer(?<!\bbank transfer)(?<!\bwire transfer)(?<!\bmoney transfer)s?\s*$|"
                                    r"\bcollect(?:ed|ion)? (?:you )?(?:from|at)\b|\barrival transfer|"
                                    r"\bmeet(?:ing)? you at", re.I)),
    ("visa_fees", re.compile(r"\b(?:e-?)?visa\b[^,;]{0,25}\b(?:fees?|costs?|charges?|extensions?)\b|"
                             r"\b(?:permit|visa) fees?\b|\bvisas?\b[\s.!]*$|"
                             r"\bvisa(?:s)? (?:and|or|&) (?:permit|registration) fees|"
                             r"(?-i:\b[eE]?TA\b) (?:fees?|costs?|charges?)\b|"
                             r"\belectronic travel authori[sz]ation (?:fees?|costs?|charges?)\b", re.I)),
    # An electronic travel authorisation ("ETA", "eTA") is the visa of visa-free entry; the bare acronym only
    # with a fee or an application after it, since "ETA" is also an arrival time.
    ("visa_support", re.compile(r"\b(?:e-?)?visa\b|\binvitation letter\b|\bacceptance letter\b|"
                                r"\bsupport(?:ing)? letter\b|\bpermit (?:application|support|paperwork)|"
                                r"\belectronic travel authori[sz]ation|"
                                r"(?-i:\b[eE]?TA\b)(?= (?:fees?|costs?|charges?|applications?|approvals?)\b)", re.I)),
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
                                    r"spanish|nepali|khmer|hindi|french|portuguese|twi|tagalog|vietnamese|amharic|"
                                    r"luganda|kinyarwanda|chichewa|zulu|isizulu|xhosa|isixhosa|shona|sinhala|tamil|"
                                    r"bahasa|indonesian|thai|lao|quechua|kichwa|wolof|creole|arabic|tetum|malagasy) "
                                    r"(?:lessons?|classes|course)|"
                                    # Languages are capitalised and other lessons are not: "two Tetum lessons a week"
                                    # (but not "First Aid lessons", where the word before is capitalised too).
                                    r"(?-i:\b[a-z0-9]+ [A-Z][a-z]{2,} (?:lessons?|classes|tuition)\b)", re.I)),
    ("local_transport", re.compile(r"\btransport\b|\btuk-?tuks?\b|\bshuttles?\b|\btaxis?\b|\blifts? to\b|"
                                   r"\bbicycles?\b|\bbikes?\b|\bgetting to\b|\bcommut\w+|\bbus fares?\b|"
                                   r"\btransportation\b|\btravel to and from\b"
                                   r"|\btravel between\b", re.I)),
    ("vaccinations", re.compile(r"\bvaccinat\w+|\bimmunis\w+|\bjabs\b|\bantimalarials?\b|\bmalaria (?:tablets|pills)",
                                re.I)),
    # A named trip is a leisure trip; "your trip" is the whole stay, a return or daily trip is travel, and field
    # or outreach trips are the work. (The look-behinds follow the literal: they only run where "trip" is.)
    ("excursions", re.compile(r"\bexcursions?\b|\bsafaris?\b|\btrip(?<!\bround trip)(?<!\breturn trip)(?<!\bround-trip)"
                              r"(?<!\bfield trip)(?<!\boutreach trip)(?<!\byour trip)(?<!\bthe trip)(?<!\bthis trip)"
                              r"(?<!\bwhole trip)(?<!\bentire trip)(?<!\bdaily trip)s?\b|"
                              r"\btours?\b|"
                              r"\bsightseeing\b|\bcultural (?:activities|trips|visits)\b|\bweekend activities\b",
                              re.I)),
    ("certificate", re.compile(r"\bcertificate\b|\bletter of (?:completion|recommendation|reference)|\breference "
                               r"letter\b|\bassessment form\b", re.I)),
    # "Personal protective equipment" or a personal mentor is no spending money.
    ("personal_expenses", re.compile(r"\bpersonal\b(?! (?:protective|safety|care|hygiene|statement|details|"
                                     r"information|data|tutor|mentor|development|growth|support|coordinator|"
                                     r"attention|travel|insurance|accident|liability|medical))|\bspending money\b|"
                                     r"\bpocket money\b|\bsouvenirs\b|\bsnacks\b",
                                     re.I)),
    ("laundry", re.compile(r"\blaundry\b", re.I)),
]
# ("What's a typical day like?", "Insurance cover" and "How to pay your fee" are no such sections.)
_INCL_HEADING = re.compile(r"\binclu(?:d|sive|sions?)|\b(?:fee|price|cost|package|programme|program|it)s? "
                           r"(?:(?:also|will|does|should|would) ){0,2}(?:covers?|pays? for|goes? towards)\b|"
                           r"\bcovered\b|\bwhat you get\b|"
                           r"\bwhat(?:'s|’s| is) in the (?:price|fee|package)\b|\byour fee(?! (?:is )?(?:due|payable))"
                           r"(?:\s*$| (?:covers|pays|includes|buys|goes))|\bthe price\s*$|\bin the price\b|"
                           r"\bwhere your (?:money|fee) goes\b", re.I)
_EXCL_HEADING = re.compile(r"\bnot included\b|\b(?:doesn.t|does not|don.t|do not) include|"
                           r"\bdoesn.t cover|\bdoes not cover|\bdon.t cover|\bisn.t included|"
                           r"\baren.t included|\bnot part of the (?:fee|price)|\bexclu(?:d|sions?)|\bnot covered\b|"
                           r"\bnot in the price\b|\bextra costs?\b|"
                           r"\byou (?:will )?(?:need to )?pay (?:for )?yourself\b|\bwhat(?:'s|’s| is) not\b|"
                           r"\bnot part of\b|\b(?:additional|other|extra) (?:costs|expenses|fees)\b|"
                           r"\bwhat you (?:will )?(?:need to )?pay for\b|\bbudget for\b", re.I)


@lru_cache(maxsize=1024)
def _section(heading: str) -> str | None:
    """ "includes" or "excludes" when a section heading says what its items are, else None.

    A heading naming both ("Inclusions & exclusions", "Included / not included") says neither for its items.
    """
    excl = _EXCL_HEADING.search(heading)
    incl = _INCL_HEADING.search(heading)
    if excl and incl and incl.end() <= excl.start():
        return None
    return "excludes" if excl else "includes" if incl else None


_INCL_CUE = re.compile(r"\b(?:includes?|including|included|covers?|covering|pays? for|comes with|take care of|"
                       r"all-inclusive|inclusive of|incl|goes towards|go towards|used to pay for)\b", re.I)
_EXCL_CUE = re.compile(r"\b(?:does not|doesn't|doesn’t|do not|don't|don’t|not)\s+(?:include|cover|included|covered)\b"
                       r"|\bexclud\w*|\bnot in the (?:weekly |programme |program )?(?:fee|price)\b|"
                       r"\byou (?:will )?(?:need to )?pay (?:for )?(?:\w+ )?yourself\b|\bat your own (?:cost|"
                       r"expense)\b|"
                       r"\bpaid by you\b|\bon top\b|\byou pay for (?:your own|yourself)\b|\bat your own\b|"
                       # "You will need to pay for your own visa", "arrange your own insurance".
                       r"\b(?:pay|paying|buy|buying|arrange|arranging|purchase|book|organi[sz]e|cover|covering|fund|"
                       r"funding)\b (?:for )?(?:your|their) own\b|\bresponsible for (?:your|their) own\b|"
                       # The participant answers for it ("the coordinator is responsible for pick-ups" is no cost).
                       r"\b(?:you|participants|volunteers|students|interns|applicants|travell?ers)(?: are|.re) "
                       r"(?:\w+ )?responsible for\b|"
                       r"\b(?:your|their) (?:own )?responsibility\b|"
                       # "You will also need to budget for flights and insurance."
                       r"\bbudget (?:for|on)\b", re.I)


_AIRPORT = dict(_TERMS)["airport_transfer"]
_LOCAL_TRANSPORT = dict(_TERMS)["local_transport"]
# Where a transfer goes: "transfers from the airport to the volunteer house" names no accommodation.
_DESTINATION = re.compile(r"\b(?:to|from|into|between)\b.*$", re.I)
# Help with the visa, as opposed to the visa itself; left out of the fee, a bare visa is the visa's cost.
_MONEY_WORD = re.compile(r"\b(?:fees?|costs?|charges?)\b", re.I)
_VISA_HELP = re.compile(r"\b(?:support|letters?|help|assist\w*|invitation|advice|guidance|paperwork)\b", re.I)


_PARTS = re.compile(r",|;|\band\b|\bor\b|\bplus\b|/|&|[•·|]")
# Lower-case literals that every match of a term's pattern contains. One pass of _TERM_HINT over an item finds
# the few terms worth searching for: most items name one or two of the seventeen.
_TERM_LITERALS: dict[str, tuple[str, ...]] = {
    "airport_transfer": ("airport", "pick", "transfer", "collect", "meet"),
    "visa_fees": ("visa", "permit", "ta fee", "ta cost", "ta charge", "electronic travel"),
    "visa_support": ("visa", "invitation letter", "acceptance letter", "support", "permit", "electronic travel",
                     "ta fee", "ta cost", "ta charge", "ta application", "ta approval"),
    "insurance": ("insurance",),
    "flights": ("flight", "airfare", "air ticket", "international travel"),
    "internet": ("wifi", "wi-fi", "internet"),
    "accommodation": ("accommodation", "room", "bed", "housing", "homestay", "host famil", "lodging", "dorm", "guest",
                      "hostel", "apartment", "hotel", "flat", "house"),
    "meals": ("meal", "breakfast", "lunch", "dinner", "food", "board", "cooked"),
    "orientation": ("orientation", "induction", "briefing", "welcome session"),
    "supervision": ("supervision", "mentor"),
    "language_lessons": ("language", "spanish", "swahili", "french", "portuguese", "khmer", "nepali", "hindi", "twi",
                         "tagalog", "vietnamese", "lesson", "tuition", "classes"),
    "local_transport": ("transport", "tuk", "shuttle", "taxi", "lift", "bicycle", "bike", "getting to", "commut",
                        "bus fare", "travel to and from", "travel between"),
    "vaccinations": ("vaccinat", "immunis", "jabs", "antimalarial", "malaria"),
    "excursions": ("excursion", "safari", "trip", "tour", "sightseeing", "cultural", "weekend activities"),
    "certificate": ("certificate", "letter of", "reference", "assessment form"),
    "personal_expenses": ("personal", "spending money", "pocket money", "souvenirs", "snacks"),
    "laundry": ("laundry",),
}
_LITERAL_TERMS: dict[str, set[str]] = {}
for _term, _literals in _TERM_LITERALS.items():
    for _literal in _literals:
        _LITERAL_TERMS.setdefault(_literal, set()).add(_term)
# A look-ahead finds literals that overlap ("international travel between"), each where it starts.
_TERM_HINT = re.compile("(?=(" + "|".join(re.escape(w) for w in sorted(_LITERAL_TERMS, key=len, reverse=True)) + "))")


def terms_in(text: str, excluded: bool = False) -> list[str]:
    """Vocabulary terms named in one item or clause, each once.

    With `excluded`, the text lists what the fee leaves out, where "visa" is the visa's cost (visa_fees).
    """
    out: list[str] = []
    for part in _PARTS.split(text):
        candidates = {t for m in _TERM_HINT.finditer(part.lower()) for t in _LITERAL_TERMS[m.group(1)]}
        if not candidates:
            continue
        airport = _AIRPORT.search(part) if "airport_transfer" in candidates else None
        local = _LOCAL_TRANSPORT.search(part) if "local_transport" in candidates else None
        # Words after a transfer's "to"/"from" name its ends, not further things the fee pays for.
        rest = part
        if airport or local:
            cut = min(m.start() for m in (airport, local) if m)
            rest = part[:cut] + _DESTINATION.sub("", part[cut:], count=1)
        visa_fees = False
        for term, pat in _TERMS:
            if term not in candidates or term == "visa_support" and visa_fees:
                continue  # ("visa fees" is not also "visa support")
            if term == "airport_transfer":
                found = airport
            elif term == "local_transport":
                # An airport shuttle is the airport transfer, not local transport.
                found = None if airport else local
            else:
                found = pat.search(rest)
            if found and term == "visa_fees" and _VISA_HELP.search(part) and not _MONEY_WORD.search(found.group(0)):
                # "the visa extension paperwork" is help with the visa; "visa extension fees" are its cost.
                found = None
            if found and term == "visa_support" and excluded and not _VISA_HELP.search(part):
                term = "visa_fees"
            if found and term not in out:
                out.append(term)
            visa_fees = visa_fees or bool(found and term == "visa_fees")
    return out


_LIST_LEAD = re.compile(r"^\s*(?:what(?:'s|’s| is) )?(not |isn't |isn’t )?(?:included|excluded|covered|includes|"
                        r"excludes)(?: in (?:the|your) (?:\w+ )?(?:fee|price))?\s*:", re.I)
_OTHER_CHARGE = re.compile(r"\bregistration\b|\bdeposit\b|\bdonation\b|\bapplication fee\b", re.I)
# What an add-on with its own price includes is not what the main fee covers ("add a safari package for $450,
# which includes meals and a lodge"); only read in what stands before an inclusion cue.
_ADD_ON = re.compile(r"\badd-?ons?\b|\badd (?:a|an|on)\b|\bupgrades?\b|\boptional\b|\b(?:safari|trek|tour|excursion|"
                     r"trip|weekend)s? (?:package|option|extension)s?\b", re.I)
_PRICE_FOR_AFTER = re.compile(r"(?:[$£€₹]|US\$|USD|EUR|GBP)\s?\d[\d,.]*[^.]{0,25}?\bfor (?:your )?((?:room|board|"
                              r"accommodation|meals?|food|lodging)[^.]{0,60})", re.I)
_PASSIVE_INCL = re.compile(r"^(.{3,120}?)\b(?:is|are) (?:also |all )?(?:included|covered by (?:the|your)|part of the "
                           r"(?:\w+ )?(?:package|fee|price|programme|program))\b", re.I)
# "Price per week: $300 (room and board included)": a note in brackets.
_BRACKET_INCL = re.compile(r"\(([^()]{3,80}?)\s+(?:included|incl\.?|inclusive)\s*\)", re.I)
# "Wi-Fi is available in the house at no extra cost": offered free is covered by the fee.
_FREE = re.compile(r"^(.{3,120}?)\b(?:is|are)\b[^.;:]{0,50}?\b(?:at no (?:extra |additional )?(?:cost|charge)|"
                   r"free of (?:charge|cost)|for free|(?:at )?no extra)\b", re.I)
# "X is/are ... not included / not part of the fee / extra / your responsibility / bought separately": the
# subject before the verb is what the fee leaves out. The filler may join a second verb ("is compulsory and
# must be purchased separately") but not cross a clause.
_PASSIVE_EXCL = re.compile(
    r"^(.{3,120}?)\b(?:is|are|must be|should be|can be|will be|has to be|have to be|costs?)\b[^.;:]{0,45}?"
    r"(?:\bnot (?:included|covered)\b|\bnot (?:\w+ )?part of the (?:\w+ )?(?:fee|price|cost|programme|program|"
    r"package)\b|(?<!\bno )(?<!\bany )\b(?:extra|additional)(?:\s*(?:costs?|charges?))?\s*(?:[.,;:)]|$)|"
    r"\bat (?:an )?extra (?:cost|charge)\b|"
    r"\b(?:your|the participant's|the volunteer's|the student's) (?:own )?responsibility\b|"
    r"\b(?:booked|bought|purchased|paid(?: for)?|charged|billed|payable) separately\b|"
    # "at your own expense", and without the "at": "Visas and flights are your own expense."
    r"\b(?:at )?(?:your|their) own (?:cost|expense)\b)",
    re.I,
)
_NEITHER = re.compile(r"\bneither\b", re.I)
# "You stay in a homestay, with meals included": the absolute phrase names what comes with the stay, and the
# stay itself is part of the package.
_WITH_INCL = re.compile(r"^(.{3,120}?),?\s+with\s+([^,;:.()]{2,60}?)\s+(?:also\s+)?included\b", re.I)
# "..., while flights are not." A bare negated verb closing a clause.
_ELIDED_EXCL = re.compile(r"^(.{3,80}?)\b(?:is|are)(?: not|n't|n’t)\s*[.!]?\s*$", re.I)
_PRICE_FOR = re.compile(r"^((?:room|board|accommodation|meals?|food|lodging|homestay)\b[^.:$£€]{0,60}?)"
                        r"(?::|\bis\b|\bare\b|\bcosts?\b)\s*(?:[$£€₹]|US\$|USD|EUR|GBP)", re.I)
# A price stands for the fee it states: "US$1,950 for 4 weeks, including accommodation".
_FEE_WORD = re.compile(r"\b(?:fee|price|cost|rate|package|programme|program|contribution|quote)s?\b|\bit\b|"
                       r"[$£€₹]\s?\d|\b(?:USD|EUR|GBP|AUD|CAD|NZD)\s?\d", re.I)
_MONEY = re.compile(r"[$£€₹]\s?\d|\b(?:USD|EUR|GBP|AUD|CAD|NZD)\s?\d")
# "Four weeks cost £1,650. This includes your homestay": the demonstrative stands for the price before it.
_DEMONSTRATIVE = re.compile(r"^\s*(?:this|that|these|which)\b", re.I)
# Clause breaks inside one sentence: what follows "but", ";" or "except" may say the opposite of what precedes.
_CLAUSE_BREAK = re.compile(r"\s*(;|\bbut\b|\bwhereas\b|\bwhile\b|\bhowever\b|\bexcept(?: for)?\b|\bnor\b|"
                           r",\s*which(?= (?:also )?(?:includes?|covers?|pays? for)\b))\s*", re.I)
_VERB = re.compile(r"\b(?:is|are|was|were|has|have)\b", re.I)
# A clause that opens on its verb ("... but covers your transfers") shares the subject of the clause before.
_NO_SUBJECT = re.compile(r"^(?:(?:it|they|also|still|normally|usually|only)\s+)*(?:includes?|covers?|pays? for|"
                         r"comes with|excludes?|does|doesn.t|do|don.t)\b", re.I)
# Values of a key fact or a table row whose label names the thing: "Accommodation | Included".
# (A tick or a cross alone is the whole value in fee tables with one column per length or tier.)
_VALUE_INCL = re.compile(r"^\s*(?:[✓✔☑✅]\s*$|(?:[✓✔☑✅]\s*|yes,?\s*)?(?:included|covered|free(?: of charge)?\s*$))",
                         re.I)
_VALUE_EXCL = re.compile(r"^\s*(?:[✗✘✕❌×✖]\s*$|(?:[✗✘✕❌×✖]\s*|no,?\s*)?(?:not included|excluded|not covered|extra\b|"
                         r"at (?:your own|extra) (?:cost|expense)|own expense|paid separately))", re.I)
_FACT_VALUE_WORDS = ("includ", "cover", "exclud", "free", "extra", "own ", "separately", "✓", "✔", "☑", "✅", "✗", "✘",
                     "✕", "❌", "×", "✖")
_LABEL_EXCL = re.compile(r"\s*(?:what(?:'s|’s| is) )?(?:not included|excluded|not covered|exclusions)(?: in (?:the|"
                         r"your) (?:\w+ )?(?:fee|price|package))?\s*:?\s*", re.I)
_LABEL_INCL = re.compile(r"\s*(?:what(?:'s|’s| is) )?(?:included|covered|includes|inclusions)(?: in (?:the|your) "
                         r"(?:\w+ )?(?:fee|price|package))?\s*:?\s*", re.I)
# A short block that reads as a section title for what follows, without a heading tag ("<summary>What's
# included</summary>", a page-builder text widget "Not included").
_TITLE_LEAD = re.compile(r"\s*(?:what(?:'s|’s| is) )?(?:not |isn't |isn’t )?(?:included|excluded|covered|includes|"
                         r"excludes|inclusions|exclusions)(?: in (?:the|your) (?:\w+ )?(?:fee|price|package))?|"
                         r"\s*(?:your|the|our) (?:\w+ )?(?:fee|price|package) (?:includes|covers|excludes|pays for)"
                         r"(?: the following)?|"
                         r"\s*what (?:the|your) (?:\w+ )?(?:fee|price|package) (?:includes|covers|pays for)|"
                         r"\s*(?:what(?:'s|’s| is) )?not (?:included|covered)(?: in (?:the|your) (?:\w+ )?(?:fee|price|"
                         r"package))?|\s*(?:additional|other|extra) (?:costs|expenses)\s*", re.I)
_TITLE_WORDS = ("inclu", "exclu", "cover", "pays for", "costs", "expenses")
_TITLE_TAGS = ("summary", "div", "span", "p", "dt", "strong", "b", "label", "caption")
# Ticks and crosses in front of an item say on their own whether the fee covers it.
_TICKS = "✓✔☑✅"
_CROSSES = "✗✘✕❌×✖"
# An item under "What's included" that carries its own price note is left out: "Optional safari (extra)".
_ITEM_EXCL = re.compile(r"\bnot included\b|\bnot covered\b|\bexcluded\b|\(\s*extra\b|\bextra (?:cost|charge)\b|"
                        r"\bat (?:an )?(?:extra|additional) (?:cost|charge)\b|\badditional (?:cost|charge|fee)\b|"
                        r"\bpaid separately\b|\bat your own (?:cost|expense)\b|[–—-]\s*extra\s*$", re.I)
_ITEM_EXCL_WORDS = ("not ", "exclud", "extra", "additional", "separately", "own ")
# "Insurance: not included", "Transport – extra": a label and a value inside one sentence.
_COLON = re.compile(r"^\s*([^:;,.]{2,40}?)\s*:\s*(.+)$")
# FAQ questions about the fee: "Is airport pick-up included?" answered "Yes" or "No".
_Q_IS_INCLUDED = re.compile(r"^\s*(?:is|are)\s+(.{2,80}?)\s+(?:also\s+)?(?:included|covered|part of the)\b", re.I)
_Q_DOES_COVER = re.compile(r"^\s*(?:does|do|will)\s+(?:the|my|your|our)\s+(?:\w+\s+)?(?:fee|price|cost|package)s?\s+"
                           r"(?:include|cover|pay for)\s+(.{2,80}?)\s*\?", re.I)
# "What does the fee include? Your room, ...": the answer lists what the question asks about.
_Q_WHAT = re.compile(r"^\s*what(?:'s|’s| is| does| do)\s+(?:(?:the|my|your|our)\s+(?:\w+\s+)?(?:fee|price|package|"
                     r"cost)s?\s+)?(not\s+)?(?:included|include|cover|covered)\b", re.I)
_YES = re.compile(r"^\W*(?:yes|yep|absolutely|of course|definitely|certainly)\b", re.I)
_NO = re.compile(r"^\W*(?:(?:no|nope)\s*(?:[,.!;:–—-]|$)|not (?:included|covered)\b|unfortunately not\b)", re.I)
# A short lead ending in a colon ("Your package includes:") introduces the loose items after it.
_ITEM_MAX = 80


# Every sentence-level rule below needs one of these words; one pass finds the sentences worth reading. Lower
# case and searched in the lower-cased sentence: without re.I the pattern is several times cheaper.
_ANY_CUE = re.compile(r"incl|\bcover|budget|towards|exclud|\bpays? for|comes with|take care|paid by you|on top|"
                      r"your own|\badditional\b|"
                      r"^\s*(?:room|board|accommodation|meals?|food|lodging|homestay)\b|\bfor (?:your )?(?:room|board|"
                      r"accommodation|meals?|food|lodging)|\bextra\b|separately|responsib|no (?:extra|additional)|"
                      r"free of|for free|\bexcept\b|part of the")


# A literal may be any part of the cue: "eparately" and "additional" start with letters other literals already
# start with, which keeps the prefilter's first-letter test as selective as it was.
_CUE_HINT = hint("incl", "budget", "toward", "cover", "exclud", "pay", "comes with", "take care", "paid by you",
                  "on top", "your own",
                  "room", "board", "accommodation", "meal", "food", "lodging", "homestay", "extra", "eparately",
                  "responsib", "additional", "free", "except", "part of the")
_SENTENCE = re.compile(r"\A")  # one match per sentence the prefilter lets through


def _cue_sentences(page: Page) -> list[Sentence]:
    return [sent for sent, _ in scan(page, _SENTENCE, _CUE_HINT) if _ANY_CUE.search(sent.lower)]


def _subject(text: str) -> str:
    """The subject of the last clause in `text`: "Accommodation is close by, and meals" -> "and meals"."""
    verbs = list(_VERB.finditer(text))
    if not verbs:
        return text
    tail = text[verbs[-1].end():]
    comma = tail.rfind(",")
    return tail[comma + 1:] if comma >= 0 else ""


# Lower-case literals each rule needs, checked with `in` before its (much slower) pattern runs: most cue
# sentences say nothing about the fee, and each skipped search saves microseconds per sentence.
_BREAK_WORDS = (";", "but", "whereas", "while", "however", "except", "which", "nor")
_PASSIVE_EXCL_WORDS = ("not ", "extra", "additional", "responsib", "separately", "own cost", "own expense")
_EXCL_CUE_WORDS = ("not", "n't", "n’t", "exclud", "yourself", "your own", "their own", "paid by you", "on top",
                   "responsib", "budget")
_PASSIVE_INCL_WORDS = ("included", "covered by", "part of the")
_FREE_WORDS = ("no extra", "no additional", "free")


def _has(low: str, words: tuple[str, ...]) -> bool:
    return any(w in low for w in words)


def _clauses(text: str) -> list[tuple[str, str]]:
    """The clauses of a sentence, each with the (lower-cased) break word that opened it ("" for the first)."""
    if not _has(text.lower(), _BREAK_WORDS):
        return [("", text)]
    parts = _CLAUSE_BREAK.split(text)
    out = [("", parts[0])]
    for i in range(1, len(parts) - 1, 2):
        out.append((parts[i].lower(), parts[i + 1]))
    return out


def _read_clause(clause: str, opened_by: str, after_inclusion: bool, subject: str = "", fee_context: bool = False
                 ) -> tuple[list[str], list[str]] | None:
    """What one clause says the main fee includes and excludes, or None when it says nothing about the fee.

    `subject` is the clause before, when this one borrows its subject ("The fee is low but covers meals");
    `fee_context` says that a price or fee came just before, which "This includes ..." then stands for.
    """
    def charge_before(end: int) -> bool:
        # What a registration fee or deposit covers is not what the main fee covers.
        return bool(_OTHER_CHARGE.search(subject) or _OTHER_CHARGE.search(clause[:end]))

    low = clause.lower()

    if opened_by.startswith("except") and (after_inclusion or _INCL_CUE.search(clause)):
        # "Everything except your flights is included": what the exception names is left out.
        return [], terms_in(clause, excluded=True)
    if opened_by in ("but", "whereas", "while", "however") and after_inclusion and re.match(r"not\b", clause, re.I):
        # "covers X but not Y": the verb is carried over, negated.
        return [], terms_in(clause, excluded=True)
    # "Flights are not included, and nor are excursions", "The fee covers neither flights nor visas": "nor" and
    # "neither" negate whatever verb they carry, so what they name is left out either way.
    negated = ""
    if opened_by == "nor":
        negated = clause
    elif "neither" in low and (m := _NEITHER.search(clause)) and not charge_before(m.start()):
        negated = clause[m.end():]
    if negated and (terms := terms_in(negated, excluded=True)):
        return [], terms
    if ":" in clause and (colon := _COLON.match(clause)):
        # "Insurance: not included", "Included: a, b and c".
        inc, exc = _fact_terms(colon.group(1), colon.group(2))
        if inc or exc:
            return inc, exc
    # A subject that names no term ("It is your responsibility to ...") leaves the clause to the rules below.
    for pat in (_PASSIVE_EXCL if _has(low, _PASSIVE_EXCL_WORDS) else None, _ELIDED_EXCL if after_inclusion else None):
        m = pat.search(clause) if pat else None
        if m and not charge_before(m.end()) and (terms := terms_in(_subject(m.group(1)), excluded=True)):
            return [], terms
    if lead := _LIST_LEAD.match(clause):
        # "Included: a, b and c." / "Not included: x and y."
        if lead.group(1):
            return [], terms_in(clause[lead.end():], excluded=True)
        return terms_in(clause[lead.end():]), []
    if _has(low, _EXCL_CUE_WORDS) and (m := _EXCL_CUE.search(clause)) and not charge_before(m.end()):
        # From the cue on: "pay for flights yourself" names the thing inside the cue.
        return [], terms_in(clause[m.start():], excluded=True)
    # The passive names its terms before the cue ("Accommodation and meals are included in the fee").
    for pat, words in ((_PASSIVE_INCL, _PASSIVE_INCL_WORDS), (_FREE, _FREE_WORDS)):
        if _has(low, words) and (m := pat.search(clause)) and not _OTHER_CHARGE.search(clause):
            terms = terms_in(_subject(m.group(1)))
            if terms:
                return terms, []
    if "with" in low and (m := _WITH_INCL.search(clause)) and not _OTHER_CHARGE.search(clause) and (
            terms := terms_in(m.group(2))):
        stay = [t for t in terms_in(m.group(1)) if t == "accommodation"]
        return stay + [t for t in terms if t not in stay], []
    if "(" in clause and (m := _BRACKET_INCL.search(clause)) and not re.search(r"\bnot$", m.group(1), re.I):
        return terms_in(m.group(1)), []
    inc = _INCL_CUE.search(clause)
    if inc and (_FEE_WORD.search(clause) or _FEE_WORD.search(subject) or fee_context and _DEMONSTRATIVE.match(clause)) \
            and not charge_before(inc.end()) and not _ADD_ON.search(subject or clause[:inc.start()]):
        return terms_in(clause[inc.end():]), []
    if (m := re.search(r"\b(?:fee|price|rate|cost)s?\b[^.]{0,30}\b(?:pays? for|covers?)\b", clause, re.I)) and \
            not charge_before(m.end()):
        return terms_in(clause), []
    if (m := _PRICE_FOR_AFTER.search(clause)) and not charge_before(m.start(1)):
        return terms_in(m.group(1)), []
    if m := _PRICE_FOR.search(clause):
        # "Room and board at the volunteer house: $140 per week" names what the price buys.
        return terms_in(m.group(1)), []
    return None


def _read_sentence(text: str, fee_context: bool = False) -> tuple[list[str], list[str]]:
    includes: list[str] = []
    excludes: list[str] = []
    after_inclusion = False
    previous = ""
    for opened_by, clause in _clauses(text):
        read = _read_clause(clause, opened_by, after_inclusion, previous if _NO_SUBJECT.match(clause) else "",
                            fee_context and not previous)
        previous = clause
        # "Everything is included except ...": an inclusion named without terms still sets up the exception.
        after_inclusion = after_inclusion or bool(_INCL_CUE.search(clause)) or bool(read and read[0])
        if read is not None:
            _add(includes, read[0])
            _add(excludes, read[1])
    return includes, excludes


def _fact_terms(label: str, value: str) -> tuple[list[str], list[str]]:
    """A key fact or a two-cell row: "Accommodation: Included", "Meals | Not included", "Included | Room, board"."""
    # Most facts are lengths, prices and dates: a look for the words these rules need skips them cheaply.
    if not _has(value[:20].lower(), _FACT_VALUE_WORDS) and not _has(label.lower(), ("includ", "exclud", "cover")):
        return [], []
    if _VALUE_EXCL.match(value):
        return [], terms_in(label, excluded=True)
    if _VALUE_INCL.match(value):
        return terms_in(label), []
    if _LABEL_EXCL.fullmatch(label):
        return [], terms_in(value, excluded=True)
    if _LABEL_INCL.fullmatch(label):
        return terms_in(value), []
    return [], []


def _list_lead(b: Block) -> str | None:
    """ "includes" or "excludes" when block `b` is a short lead for the items after it: a line ending in a colon
    that names the main fee ("Your package includes:"), or a title set as plain text ("What's included")."""
    text = b.text
    if len(text) > _ITEM_MAX or _OTHER_CHARGE.search(text):
        return None
    if not text.endswith(":"):
        if (len(text) <= 50 and b.tag in _TITLE_TAGS and _has(text.lower(), _TITLE_WORDS)
                and _TITLE_LEAD.fullmatch(text.rstrip("?:. …"))):
            return "excludes" if _EXCL_HEADING.search(text) else "includes"  # (a title is one of them)
        return None
    lead = _LIST_LEAD.match(text)
    if _EXCL_CUE.search(text) or lead and lead.group(1):
        return "excludes"
    if lead or _INCL_CUE.search(text) and _FEE_WORD.search(text):
        return "includes"
    return None


def _lead_items(page: Page, start: int) -> list[Block]:
    """The loose short blocks after a list lead, up to the next heading, longer text or another lead."""
    items = []
    for b in page.blocks[start + 1:]:
        if (b.kind == "heading" or b.is_fact or len(b.text) > _ITEM_MAX or b.text.endswith(":")
                or b.kind == "text" and _list_lead(b) is not None):
            break
        items.append(b)
    return items


def _item(text: str, excluded: bool) -> tuple[list[str], list[str]]:
    """One item of a list whose section or lead says whether its items are covered.

    A tick or a cross in front decides on its own; an item under "included" with a note of its own cost
    ("Optional weekend safari (extra)", "Accommodation (not included)") is left out.
    """
    mark = text.lstrip()[:1]
    if mark and mark in _TICKS:
        return terms_in(text), []
    if excluded or mark and mark in _CROSSES or _has(text.lower(), _ITEM_EXCL_WORDS) and _ITEM_EXCL.search(text):
        # A note in brackets says why or to whom the item is paid, not a further thing left out: "Meals (the
        # guesthouse has a kitchen)", "Laundry (the hotel charges per load)" leave out no accommodation.
        head = _BRACKETS.sub(" ", text) if "(" in text else text
        return [], terms_in(head, excluded=True) or terms_in(text, excluded=True)
    return terms_in(text), []


_BRACKETS = re.compile(r"\([^()]*\)")


def _row_terms(cells: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """A fee-table row with a column per length or tier: "Airport pick-up | ✓ | ✓" (mixed rows say nothing)."""
    values = cells[1:]
    if not _has(" ".join(values).lower(), _FACT_VALUE_WORDS):
        return [], []
    if all(_VALUE_INCL.match(v) for v in values):
        return terms_in(cells[0]), []
    if all(_VALUE_EXCL.match(v) for v in values):
        return [], terms_in(cells[0], excluded=True)
    return [], []


def _column_roles(cells: tuple[str, ...]) -> list[str] | None:
    """A header row whose every cell is "Included" or "Not included": its columns list items."""
    if len(cells) < 2 or any(len(c) > 40 for c in cells) or not _has(cells[0].lower(), ("inclu", "exclu", "cover")):
        return None
    roles = []
    for c in cells:
        if _LABEL_EXCL.fullmatch(c):
            roles.append("excludes")
        elif _LABEL_INCL.fullmatch(c):
            roles.append("includes")
        else:
            return None
    return roles


def _answer(page: Page, question: Sentence) -> str:
    """The sentence after `question` on the page (the FAQ answer)."""
    sents = sentences(page)
    for k, sent in enumerate(sents):
        if sent is question:
            return sents[k + 1].text if k + 1 < len(sents) else ""
    return ""


def _faq_terms(question: str, answer: str) -> tuple[list[str], list[str]]:
    """ "Is airport pick-up included?" - "Yes, ..." (or "Does the fee cover flights?" - "No, ...")."""
    if what := _Q_WHAT.match(question):
        return _item(answer, bool(what.group(1)))
    q = _Q_IS_INCLUDED.match(question) or _Q_DOES_COVER.match(question)
    if not q:
        return [], []
    if _YES.match(answer):
        return terms_in(q.group(1)), []
    if _NO.match(answer):
        return [], terms_in(q.group(1), excluded=True)
    return [], []


def _before(s: Sentence) -> str:
    """The text of the sentence's block before the sentence."""
    at = s.block.text.find(s.text)
    return s.block.text[:at] if at > 0 else ""


# A block with a finite verb is a sentence about something ("Travel insurance is required"), not a list item.
_FINITE_VERB = re.compile(r"\b(?:is|are|was|were|will|must|can|should|may|need|needs|has|have|do|does)\b", re.I)


def extract_inclusions(page: Page) -> tuple[list[str], list[str], str | None]:
    includes: list[str] = []
    excludes: list[str] = []
    evidence: list[str] = []

    def take(inc: list[str], exc: list[str], text: str) -> None:
        if inc or exc:
            _add(includes, inc)
            _add(excludes, exc)
            evidence.append(text)

    claimed: set[int] = set()  # blocks already read as items of a lead
    columns: list[str] | None = None  # roles of the columns of an "Included | Not included" table
    answered = ""  # the question heading whose answer has been read
    for i, b in enumerate(page.blocks):
        if b.kind == "row":
            if (roles := _column_roles(b.cells)) is not None:
                columns = roles
                continue
            if columns is not None and len(b.cells) == len(columns):
                for cell, role in zip(b.cells, columns, strict=True):
                    take(*(([], terms_in(cell, excluded=True)) if role == "excludes" else (terms_in(cell), [])), cell)
                continue
        else:
            columns = None
        if b.is_fact:
            if b.label.endswith("?"):
                # An FAQ entry set as label and value: "Is airport pick-up included?" - "Yes, ...".
                claimed.add(i)
                take(*_faq_terms(b.label, b.cells[-1]), b.text)
                continue
            inc, exc = _fact_terms(b.label, b.cells[-1])
            if not (inc or exc) and (section := _section(b.heading)) and not _MONEY.search(b.cells[-1]):
                # "<dt>Accommodation</dt><dd>Shared room</dd>" under "What's included" (a price is a charge).
                inc, exc = _item(b.text, section == "excludes")
            take(inc, exc, b.text)
            continue
        if b.kind == "row" and len(b.cells) > 2:
            take(*_row_terms(b.cells), b.text)
            continue
        if b.kind != "text" or i in claimed:
            continue
        if (mark := b.text[:1]) and (mark in _TICKS or mark in _CROSSES):
            take(*_item(b.text, False), b.text)
            continue
        if (lead := _list_lead(b)) is not None:
            # "Your package includes:" followed by loose items (page-builder widgets, a list).
            for item in _lead_items(page, i):
                claimed.add(item.index)
                take(*_item(item.text, lead == "excludes"), item.text)
            continue
        if b.heading.endswith("?") and b.heading != answered:
            # "<h3>Is airport pick-up included?</h3><p>Yes, ...</p>": the answer is about the question's subject.
            answered = b.heading
            inc, exc = _faq_terms(b.heading, b.text)
            if inc or exc:
                claimed.add(i)
                take(inc, exc, f"{b.heading} {b.text}")
                continue
        lead_in = b.tag == "p" and bool(b.heading) and b.text.startswith(b.heading) and b.text != b.heading
        # CMS field items, card grids and one-line paragraphs list items without <li>: a short block under an
        # included/not-included heading is an item too (a long one is prose, read sentence by sentence below).
        short_item = (b.tag in ("div", "span", "p", "td") and len(b.text) <= 80 and not lead_in
                      and not _FINITE_VERB.search(b.text))
        if b.tag not in ("li", "dd") and not lead_in and not short_item:
            continue
        # List items, and the paragraph behind a bold lead-in, belong to the section their heading names.
        text = b.text[len(b.heading):] if lead_in else b.text
        if section := _section(b.heading):
            take(*_item(text, section == "excludes"), b.text)
    for s in _cue_sentences(page):
        if s.block.index in claimed or s.block.tag == "li" and _section(s.block.heading):
            continue
        if s.text.rstrip().endswith("?"):
            # A question states nothing; its answer may ("Are flights included?" - "No, ...").
            take(*_faq_terms(s.text, _answer(page, s)), s.text)
            continue
        fee_context = bool(_DEMONSTRATIVE.match(s.text) and _FEE_WORD.search(_before(s)))
        take(*_read_sentence(s.text, fee_context), s.text)
    includes = [t for t in includes if t not in excludes or t == "supervision"]
    return includes, excludes, " / ".join(evidence[:3]) if evidence else None


def _add(target: list[str], terms: list[str]) -> None:
    for t in terms:
        if t not in target:
            target.append(t)
