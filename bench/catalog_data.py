"""A generated catalog for the catalog benchmark: varied, realistic program page items, deterministic per seed.

Each item is what the pipelines hand the store (docs/ARCHITECTURE.md): page fields, the validated record
(`ProgramRecord.model_dump(mode="json")` shape) and the extraction with the page's main text. Records vary
the way the crawled ones do: 30 countries with their towns and currencies, 300 providers, a dozen
disciplines, 1-4 fees with mixed bases and currencies, 0-4 red flags, 6-13 evidence snippets, and a
short main text whose words follow a Zipf curve over a few thousand words, so full-text search meets
both very common words ("hospital", "students") and rare ones.

Item `i` depends only on (seed, i), so a benchmark can generate the catalog in chunks and never hold
all of it in memory.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from typing import Any

from pipelines.record import FLAG_CODES, FLAG_SEVERITY, SCHEMA_VERSION, VOCABULARY

__all__ = ["COUNTRIES", "DISCIPLINES", "PROVIDERS", "generate_items", "item", "rare_words"]

# (ISO code, name, local currency (all in the bundled rates), towns)
COUNTRIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("GH", "Ghana", "GHS", ("Accra", "Kumasi", "Tamale", "Cape Coast", "Ho")),
    ("KE", "Kenya", "KES", ("Nairobi", "Mombasa", "Kisumu", "Nakuru", "Eldoret")),
    ("TZ", "Tanzania", "TZS", ("Arusha", "Moshi", "Dar es Salaam", "Zanzibar", "Mwanza")),
    ("UG", "Uganda", "UGX", ("Kampala", "Mbarara", "Jinja", "Gulu", "Fort Portal")),
    ("RW", "Rwanda", "RWF", ("Kigali", "Musanze", "Huye", "Rubavu")),
    ("MW", "Malawi", "MWK", ("Lilongwe", "Blantyre", "Zomba", "Mzuzu")),
    ("ZA", "South Africa", "ZAR", ("Cape Town", "Durban", "Johannesburg", "Port Elizabeth", "Mthatha")),
    ("NA", "Namibia", "NAD", ("Windhoek", "Swakopmund", "Oshakati")),
    ("BW", "Botswana", "BWP", ("Gaborone", "Francistown", "Maun")),
    ("ZM", "Zambia", "ZMW", ("Lusaka", "Livingstone", "Ndola")),
    ("NP", "Nepal", "NPR", ("Kathmandu", "Pokhara", "Chitwan", "Lalitpur")),
    ("IN", "India", "INR", ("Delhi", "Jaipur", "Dharamsala", "Kolkata", "Chennai")),
    ("LK", "Sri Lanka", "LKR", ("Colombo", "Kandy", "Galle")),
    ("KH", "Cambodia", "KHR", ("Phnom Penh", "Siem Reap", "Battambang")),
    ("VN", "Vietnam", "VND", ("Hanoi", "Ho Chi Minh City", "Hue", "Da Nang")),
    ("TH", "Thailand", "THB", ("Chiang Mai", "Bangkok", "Khon Kaen")),
    ("PH", "Philippines", "PHP", ("Manila", "Cebu", "Iloilo", "Davao")),
    ("ID", "Indonesia", "IDR", ("Yogyakarta", "Bali", "Bandung")),
    ("MY", "Malaysia", "MYR", ("Kuala Lumpur", "Penang", "Kota Kinabalu")),
    ("PE", "Peru", "PEN", ("Cusco", "Lima", "Arequipa", "Iquitos")),
    ("EC", "Ecuador", "USD", ("Quito", "Cuenca", "Guayaquil")),
    ("BO", "Bolivia", "BOB", ("La Paz", "Sucre", "Cochabamba")),
    ("GT", "Guatemala", "GTQ", ("Antigua", "Quetzaltenango", "Guatemala City")),
    ("CR", "Costa Rica", "CRC", ("San Jose", "Liberia", "Puntarenas")),
    ("MX", "Mexico", "MXN", ("Oaxaca", "Merida", "Guadalajara", "Puebla")),
    ("BR", "Brazil", "BRL", ("Salvador", "Recife", "Rio de Janeiro", "Fortaleza")),
    ("AR", "Argentina", "ARS", ("Buenos Aires", "Cordoba", "Mendoza")),
    ("MA", "Morocco", "MAD", ("Rabat", "Marrakesh", "Fes", "Agadir")),
    ("EG", "Egypt", "EGP", ("Cairo", "Alexandria", "Luxor")),
    ("FJ", "Fiji", "FJD", ("Suva", "Lautoka", "Nadi")),
)
_PRICE_CURRENCIES = ("USD", "USD", "USD", "EUR", "EUR", "GBP", "GBP", "AUD", "CAD")

_PREFIXES = ("Global", "Kestrel", "Horizon", "Meridian", "Baobab", "Summit", "Atlas", "Compass", "Harbour",
             "Lantern", "Acacia", "Equator", "Northstar", "Pioneer", "Riverside", "Savanna", "Tidewater",
             "Unity", "Waypoint", "Zenith")
_SUFFIXES = ("Electives", "Health Placements", "Medical Volunteers", "Internships Abroad", "Clinical Journeys",
             "Health Corps", "Medical Projects", "Care Abroad", "Placements International", "Health Exchange",
             "Medical Expeditions", "Student Health Trips", "Volunteer Medics", "Clinical Electives Ltd",
             "Healthcare Experience")
PROVIDERS: tuple[str, ...] = tuple(f"{p} {s}" for p, s in itertools.product(_PREFIXES, _SUFFIXES))
# Title word -> the record's discipline (pipelines.record.Discipline).
DISCIPLINES: dict[str, str] = {
    "Medicine": "medicine", "Nursing": "nursing", "Dentistry": "dentistry", "Midwifery": "midwifery",
    "Physiotherapy": "physiotherapy", "Pharmacy": "pharmacy", "Public Health": "public_health",
    "Paramedicine": "emergency_care", "Occupational Therapy": "occupational_therapy",
    "Psychology": "mental_health", "Speech Therapy": "speech_therapy", "Radiography": "radiography",
}
_PROGRAM_WORDS = ("Elective", "Internship", "Placement", "Programme", "Volunteer Project", "Clinical Experience")
_DEPARTMENTS = ("paediatrics", "maternity", "surgery", "emergency", "general medicine", "orthopaedics",
                "infectious diseases", "oncology", "dental clinic", "rehabilitation", "outpatients", "pharmacy",
                "community health", "HIV clinic", "malaria ward", "mental health", "neonatal unit", "radiology")
# The words nearly every program page uses; the generated words below make up the long tail.
_COMMON = ("the", "and", "you", "hospital", "medical", "students", "clinical", "placement", "will", "with",
           "local", "patients", "doctors", "experience", "health", "care", "week", "program", "staff", "team",
           "nurses", "clinic", "support", "community", "training", "accommodation", "orientation", "ward",
           "supervised", "shadow", "rounds", "volunteers", "elective", "practice", "rural", "district")
_SYLLABLES = ("ka", "lo", "mi", "te", "su", "na", "ri", "vo", "ba", "de", "gu", "ho", "ji", "pe", "ta", "zo",
              "an", "el", "or", "um", "is", "ek", "ul", "am")
_BASES = ("total", "total", "per_week", "per_week", "per_month", "per_day", "one_time")
_INCLUDABLE = tuple(v for v in VOCABULARY if v not in ("flights", "visa_fees", "personal_expenses"))


def _vocabulary(seed: int, size: int = 4000) -> tuple[tuple[str, ...], list[float]]:
    """Common words, departments and `size` invented words, with Zipf cumulative weights."""
    rng = random.Random(seed)
    invented: dict[str, None] = {}
    while len(invented) < size:
        invented["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))] = None
    words = (*_COMMON, *(w for d in _DEPARTMENTS for w in d.split()), *invented)
    return words, list(itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(words))))


_VOCAB_CACHE: dict[int, tuple[tuple[str, ...], list[float]]] = {}


def _words(seed: int) -> tuple[tuple[str, ...], list[float]]:
    if seed not in _VOCAB_CACHE:
        _VOCAB_CACHE[seed] = _vocabulary(seed)
    return _VOCAB_CACHE[seed]


def rare_words(seed: int = 1, ranks: tuple[int, ...] = (600, 1500)) -> list[str]:
    """Invented words from the long tail of the vocabulary (rank 600 is on ~1% of pages, 1500 on ~0.4%)."""
    words, _ = _words(seed)
    return [words[r] for r in ranks]


def _slug(text: str) -> str:
    return "-".join(text.lower().split())


def _fees(rng: random.Random, local: str, weeks: tuple[float, float]) -> list[dict[str, Any]]:
    currency = local if rng.random() < 0.2 else rng.choice(_PRICE_CURRENCIES)
    scale = 1.0 if currency in _PRICE_CURRENCIES else {"KES": 150, "INR": 95, "VND": 28000, "IDR": 17000}.get(
        local, 20)
    fees: list[dict[str, Any]] = []
    for position in range(rng.choice((1, 1, 2, 2, 3, 4))):
        basis = _BASES[rng.randrange(len(_BASES))] if position else rng.choice(("total", "per_week", "per_month"))
        kind = "program" if position == 0 or rng.random() < 0.5 else rng.choice(("registration", "deposit",
                                                                                 "donation", "extra"))
        if kind != "program" and basis != "one_time" and rng.random() < 0.7:
            basis = "one_time"
        span = rng.choice((1.0, 2.0, 3.0, 4.0, 6.0, 8.0)) if basis == "total" and rng.random() < 0.8 else None
        if span is not None:
            span = min(max(span, weeks[0]), weeks[1])
        weekly = rng.uniform(180, 1400)
        amount = {"total": weekly * (span or 4), "per_week": weekly, "per_month": weekly * 4.2,
                  "per_day": weekly / 6, "one_time": rng.uniform(50, 600)}[basis]
        amount = round(amount * scale, 0 if scale > 1 or rng.random() < 0.7 else 2)
        # A few pages mix currencies (a local-currency add-on beside a USD program fee).
        cur = local if position and rng.random() < 0.15 else currency
        fee_text = f"{amount:,.0f} {cur}" + ("" if basis in ("total", "one_time") else f" {basis.replace('_', ' ')}")
        fees.append({
            "amount": float(amount),
            "amount_max": float(round(amount * 1.3)) if rng.random() < 0.05 else None,
            "currency": cur,
            "basis": basis,
            "kind": kind,
            "weeks": span if basis == "total" else None,
            "evidence": f"{kind.title()} fee: {fee_text}" + (f" for {span:g} weeks" if span else ""),
        })
    return fees


def _main_text(rng: random.Random, seed: int, parts: dict[str, str]) -> str:
    words, cum = _words(seed)
    sentences = [
        f"Join our {parts['discipline'].lower()} {parts['kind'].lower()} in {parts['city']}, {parts['country']}.",
        f"You will work in the {parts['department']} and {parts['department2']} of a {parts['setting']} hospital.",
        f"{parts['provider']} has placed students in {parts['country']} since {parts['since']}.",
    ]
    for _ in range(rng.randint(3, 7)):
        sentences.append(" ".join(rng.choices(words, cum_weights=cum, k=rng.randint(8, 18))).capitalize() + ".")
    rng.shuffle(sentences)
    return " ".join(sentences)


def item(i: int, *, seed: int = 1) -> dict[str, Any]:
    """Page item number `i` of the generated catalog (a program page with a valid record)."""
    rng = random.Random(seed * 1_000_003 + i)
    code, country, local, towns = COUNTRIES[rng.randrange(len(COUNTRIES))]
    # Providers differ in size: a few run hundreds of programs, most a handful.
    provider = PROVIDERS[min(int((rng.paretovariate(1.2) - 1) * 8), len(PROVIDERS) - 1) if rng.random() < 0.3
                         else rng.randrange(len(PROVIDERS))]
    discipline = list(DISCIPLINES)[min(int(rng.expovariate(0.35)), len(DISCIPLINES) - 1)]
    kind = rng.choice(_PROGRAM_WORDS)
    cities = rng.sample(towns, rng.choice((0, 1, 1, 1, 2, 3)))
    city = cities[0] if cities else towns[0]
    title = rng.choice((
        f"{discipline} {kind} in {city}",
        f"{country} {discipline} {kind}",
        f"{discipline} {kind} - {city}, {country}",
        f"{rng.choice((2, 4, 6, 8))}-Week {discipline} {kind} in {country}",
    ))
    site = f"https://www.{_slug(provider)}.example"
    url = f"{site}/programs/{_slug(country)}/{_slug(discipline)}-{_slug(kind)}-{i}"
    lo = float(rng.choice((1, 1, 2, 2, 3, 4)))
    hi = float(max(lo, rng.choice((4, 6, 8, 12, 16, 24))))
    duration = None if rng.random() < 0.15 else {
        "min_weeks": lo, "max_weeks": hi, "evidence": f"placements of {lo:g} to {hi:g} weeks"}
    fees = [] if rng.random() < 0.07 else _fees(rng, local, (lo, hi))
    claimed = rng.random() < 0.8
    licensed = claimed and rng.random() < 0.6
    flags = [{"code": c, "severity": FLAG_SEVERITY[c], "evidence": f"page check: {c.replace('_', ' ')}"}
             for c in rng.sample(FLAG_CODES, rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4)))]
    includes = rng.sample(_INCLUDABLE, rng.randint(0, 6))
    excludes = [v for v in ("flights", "visa_fees", "personal_expenses") if rng.random() < 0.4]
    evidence = {"title": title, "country": f"placements in {country}", "provider": f"(c) {provider}",
                "discipline": f"{discipline} students",
                "classification": "program page: fees, duration and participation"}
    optional = {"cities": f"hospitals in {', '.join(cities)}" if cities else None,
                "includes": f"price includes {', '.join(includes)}" if includes else None,
                "start_dates": "start any Monday", "participation": "you will observe and assist",
                "min_age": "minimum age 18", "legal_info": "we arrange your visa",
                "safety_info": "24-hour emergency support", "community_benefit": "part of your fee funds the clinic",
                "experience_required": "no experience needed"}
    evidence.update({k: v for k, v in optional.items() if v and rng.random() < 0.6})
    record = {
        "schema_version": SCHEMA_VERSION,
        "url": url,
        "provider": provider,
        "title": title,
        # Some pages never name their field.
        "discipline": DISCIPLINES[discipline] if rng.random() < 0.9 else None,
        "country": code,
        "cities": cities,
        "fees": fees,
        "includes": includes,
        "excludes": excludes,
        "duration": duration,
        "start_dates": rng.choice(("flexible", "fixed", None)),
        "supervision": {"claimed": claimed, "licensed": licensed,
                        "evidence": "supervised by qualified doctors" if claimed else None},
        "participation": rng.choice(("observation", "observation", "hands_on", "mixed", None)),
        "experience_required": rng.choice((True, False, None)),
        "min_age": rng.choice((16, 17, 18, 18, 18, 21, None)),
        "legal_info": rng.random() < 0.7,
        "safety_info": rng.random() < 0.75,
        "community_benefit": rng.random() < 0.5,
        "flags": flags,
        "evidence": evidence,
    }
    parts = {"discipline": discipline, "kind": kind, "city": city, "country": country, "provider": provider,
             "department": rng.choice(_DEPARTMENTS), "department2": rng.choice(_DEPARTMENTS),
             "setting": rng.choice(("district", "regional", "teaching", "mission", "rural", "referral")),
             "since": str(rng.randint(1995, 2022))}
    fetched = f"2026-03-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z"
    return {
        "url": url,
        "fetched_url": url,
        "status": 200,
        "encoding": "utf-8",
        "etag": None,
        "last_modified": None,
        "fetched_at": fetched,
        "depth": 2,
        "site": site,
        "extraction": {"is_program": True, "kind": "program", "why": "fees and duration", "record": record,
                       "error": None, "main_text": _main_text(rng, seed, parts)},
        "record": record,
    }


def generate_items(n: int, *, seed: int = 1, start: int = 0) -> Iterator[dict[str, Any]]:
    """Items `start` .. `start + n - 1`, lazily."""
    for i in range(start, start + n):
        yield item(i, seed=seed)
