"""What the fee covers and what it leaves out, mapped to the labelling vocabulary."""

from __future__ import annotations

import re

from pipelines.page import Page, Sentence, hint, scan

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
                       r"\bpaid by you\b|\bon top\b|\byou pay for (?:your own|yourself)\b|\bat your own\b|"
                       # "You will need to pay for your own visa", "arrange your own insurance".
                       r"\b(?:pay|paying|buy|buying|arrange|arranging|purchase|book|organi[sz]e)\b (?:for )?"
                       r"your own\b|\byou are responsible for\b|\byour (?:own )?responsibility\b", re.I)


_AIRPORT = dict(_TERMS)["airport_transfer"]
_LOCAL_TRANSPORT = dict(_TERMS)["local_transport"]
# Where a transfer goes: "transfers from the airport to the volunteer house" names no accommodation.
_DESTINATION = re.compile(r"\b(?:to|from|into|between)\b.*$", re.I)
# Help with the visa, as opposed to the visa itself; left out of the fee, a bare visa is the visa's cost.
_VISA_HELP = re.compile(r"\b(?:support|letters?|help|assist\w*|invitation|advice|guidance|paperwork)\b", re.I)


_PARTS = re.compile(r",|;|\band\b|\bor\b|\bplus\b|/|&")


def terms_in(text: str, excluded: bool = False) -> list[str]:
    """Vocabulary terms named in one item or clause, each once.

    With `excluded`, the text lists what the fee leaves out, where "visa" is the visa's cost (visa_fees).
    """
    out: list[str] = []
    for part in _PARTS.split(text):
        airport = _AIRPORT.search(part)
        local = _LOCAL_TRANSPORT.search(part)
        # Words after a transfer's "to"/"from" name its ends, not further things the fee pays for.
        rest = part
        if airport or local:
            cut = min(m.start() for m in (airport, local) if m)
            rest = part[:cut] + _DESTINATION.sub("", part[cut:], count=1)
        for term, pat in _TERMS:
            if term == "airport_transfer":
                found = airport
            elif term == "local_transport":
                # An airport shuttle is the airport transfer, not local transport.
                found = None if airport else local
            else:
                found = pat.search(rest)
            if found and term == "visa_support" and excluded and not _VISA_HELP.search(part):
                term = "visa_fees"
            if found and term not in out:
                out.append(term)
            # "visa fees" is not also "visa support"
            if term == "visa_fees" and term in out and found:
                break
    return out


_LIST_LEAD = re.compile(r"^\s*(?:what(?:'s|’s| is) )?(not |isn't |isn’t )?(?:included|excluded|covered|includes|"
                        r"excludes)(?: in (?:the|your) (?:\w+ )?(?:fee|price))?\s*:", re.I)
_OTHER_CHARGE = re.compile(r"\bregistration\b|\bdeposit\b|\bdonation\b|\bapplication fee\b", re.I)
_PRICE_FOR_AFTER = re.compile(r"(?:[$£€₹]|US\$|USD|EUR|GBP)\s?\d[\d,.]*[^.]{0,25}?\bfor (?:your )?((?:room|board|"
                              r"accommodation|meals?|food|lodging)[^.]{0,60})", re.I)
_PASSIVE_INCL = re.compile(r"^(.{3,120}?)\b(?:is|are) (?:also )?(?:included|covered by (?:the|your))\b", re.I)
# "Wi-Fi is available in the house at no extra cost": offered free is covered by the fee.
_FREE = re.compile(r"^(.{3,120}?)\b(?:is|are)\b[^.;:]{0,50}?\b(?:at no (?:extra |additional )?(?:cost|charge)|"
                   r"free of (?:charge|cost)|for free|(?:at )?no extra)\b", re.I)
# "X is/are ... not included / not part of the fee / extra / your responsibility / bought separately": the
# subject before the verb is what the fee leaves out. The filler may join a second verb ("is compulsory and
# must be purchased separately") but not cross a clause.
_PASSIVE_EXCL = re.compile(
    r"^(.{3,120}?)\b(?:is|are|must be|should be|can be|will be|has to be|have to be|costs?)\b[^.;:]{0,45}?"
    r"(?:\bnot (?:included|covered)\b|\bnot (?:\w+ )?part of the (?:\w+ )?(?:fee|price|cost|programme|program|"
    r"package)\b|(?<!\bno )(?<!\bany )\bextra(?:\s*(?:cost|charge))?\s*(?:[.,;:)]|$)|"
    r"\bat (?:an )?extra (?:cost|charge)\b|"
    r"\b(?:your|the participant's|the volunteer's|the student's) (?:own )?responsibility\b|"
    r"\b(?:booked|bought|purchased|paid(?: for)?|charged|billed|payable) separately\b|"
    r"\bat your own (?:cost|expense)\b)",
    re.I,
)
# "..., while flights are not." A bare negated verb closing a clause.
_ELIDED_EXCL = re.compile(r"^(.{3,80}?)\b(?:is|are)(?: not|n't|n’t)\s*[.!]?\s*$", re.I)
_PRICE_FOR = re.compile(r"^((?:room|board|accommodation|meals?|food|lodging|homestay)\b[^.:$£€]{0,60}?)"
                        r"(?::|\bis\b|\bare\b|\bcosts?\b)\s*(?:[$£€₹]|US\$|USD|EUR|GBP)", re.I)
_FEE_WORD = re.compile(r"\b(?:fee|price|cost|rate|package|programme|program|contribution|quote)s?\b|\bit\b", re.I)
# Clause breaks inside one sentence: what follows "but", ";" or "except" may say the opposite of what precedes.
_CLAUSE_BREAK = re.compile(r"\s*(;|\bbut\b|\bwhereas\b|\bwhile\b|\bhowever\b|\bexcept(?: for)?\b|"
                           r",\s*which(?= (?:also )?(?:includes?|covers?|pays? for)\b))\s*", re.I)
_VERB = re.compile(r"\b(?:is|are|was|were|has|have)\b", re.I)
# A clause that opens on its verb ("... but covers your transfers") shares the subject of the clause before.
_NO_SUBJECT = re.compile(r"^(?:(?:it|they|also|still|normally|usually|only)\s+)*(?:includes?|covers?|pays? for|"
                         r"comes with|excludes?|does|doesn.t|do|don.t)\b", re.I)
# Values of a key fact or a table row whose label names the thing: "Accommodation | Included".
_VALUE_INCL = re.compile(r"^\s*(?:[✓✔☑]\s*|yes,?\s*)?(?:included|covered|free(?: of charge)?\s*$)", re.I)
_VALUE_EXCL = re.compile(r"^\s*(?:[✗✘✕❌×]\s*|no,?\s*)?(?:not included|excluded|not covered|extra\b|"
                         r"at (?:your own|extra) (?:cost|expense)|own expense|paid separately)", re.I)
_FACT_VALUE_WORDS = ("includ", "cover", "exclud", "free", "extra", "own ", "separately", "✓", "✔", "☑", "✗", "✘",
                     "✕", "❌", "×")
_LABEL_EXCL = re.compile(r"\s*(?:what(?:'s|’s| is) )?(?:not included|excluded|not covered)\s*", re.I)
_LABEL_INCL = re.compile(r"\s*(?:what(?:'s|’s| is) )?(?:included|covered|includes)\s*", re.I)
# A short lead ending in a colon ("Your package includes:") introduces the loose items after it.
_ITEM_MAX = 80


# Every sentence-level rule below needs one of these words; one pass finds the sentences worth reading. Lower
# case and searched in the lower-cased sentence: without re.I the pattern is several times cheaper.
_ANY_CUE = re.compile(r"includ|\bcover|exclud|\bpays? for|comes with|take care|paid by you|on top|your own|"
                      r"^\s*(?:room|board|accommodation|meals?|food|lodging|homestay)\b|\bfor (?:your )?(?:room|board|"
                      r"accommodation|meals?|food|lodging)|\bextra\b|separately|responsib|no (?:extra|additional)|"
                      r"free of|for free|\bexcept\b|part of the")


# A literal may be any part of the cue: "eparately" and "additional" start with letters other literals already
# start with, which keeps the prefilter's first-letter test as selective as it was.
_CUE_HINT = hint("includ", "cover", "exclud", "pay", "comes with", "take care", "paid by you", "on top", "your own",
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
_BREAK_WORDS = (";", "but", "whereas", "while", "however", "except", "which")
_PASSIVE_EXCL_WORDS = ("not ", "extra", "responsib", "separately", "own cost", "own expense")
_EXCL_CUE_WORDS = ("not", "n't", "n’t", "exclud", "yourself", "your own", "paid by you", "on top", "responsib")
_PASSIVE_INCL_WORDS = ("included", "covered by")
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


def _read_clause(clause: str, opened_by: str, after_inclusion: bool, subject: str = ""
                 ) -> tuple[list[str], list[str]] | None:
    """What one clause says the main fee includes and excludes, or None when it says nothing about the fee.

    `subject` is the clause before, when this one borrows its subject ("The fee is low but covers meals").
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
    inc = _INCL_CUE.search(clause)
    if inc and (_FEE_WORD.search(clause) or _FEE_WORD.search(subject)) and not charge_before(inc.end()):
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


def _read_sentence(text: str) -> tuple[list[str], list[str]]:
    includes: list[str] = []
    excludes: list[str] = []
    after_inclusion = False
    previous = ""
    for opened_by, clause in _clauses(text):
        read = _read_clause(clause, opened_by, after_inclusion, previous if _NO_SUBJECT.match(clause) else "")
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


def _list_lead(text: str) -> str | None:
    """ "includes" or "excludes" when `text` is a short lead that ends in a colon and names the main fee."""
    if len(text) > _ITEM_MAX or not text.endswith(":") or _OTHER_CHARGE.search(text):
        return None
    lead = _LIST_LEAD.match(text)
    if _EXCL_CUE.search(text) or lead and lead.group(1):
        return "excludes"
    if lead or _INCL_CUE.search(text) and _FEE_WORD.search(text):
        return "includes"
    return None


def _lead_items(page: Page, start: int) -> list[str]:
    """The loose short blocks after a list lead, up to the next heading or longer text."""
    items = []
    for b in page.blocks[start + 1:]:
        if b.kind == "heading" or b.is_fact or len(b.text) > _ITEM_MAX or b.text.endswith(":"):
            break
        items.append(b.text)
    return items


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

    for i, b in enumerate(page.blocks):
        if b.is_fact:
            take(*_fact_terms(b.label, b.cells[-1]), b.text)
            continue
        if b.kind != "text":
            continue
        if (lead := _list_lead(b.text)) is not None:
            # "Your package includes:" followed by loose items (page-builder widgets, a list).
            for item in _lead_items(page, i):
                take(*(([], terms_in(item, excluded=True)) if lead == "excludes" else (terms_in(item), [])), item)
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
        if _EXCL_HEADING.search(b.heading):
            take([], terms_in(text, excluded=True), b.text)
        elif _INCL_HEADING.search(b.heading):
            take(terms_in(text), [], b.text)
    for s in _cue_sentences(page):
        if s.block.tag == "li" and (_EXCL_HEADING.search(s.block.heading) or _INCL_HEADING.search(s.block.heading)):
            continue
        take(*_read_sentence(s.text), s.text)
    includes = [t for t in includes if t not in excludes or t == "supervision"]
    return includes, excludes, " / ".join(evidence[:3]) if evidence else None


def _add(target: list[str], terms: list[str]) -> None:
    for t in terms:
        if t not in target:
            target.append(t)
