"""From one page (HTML, URL) to a program record, or to the reason it is not a program.

Pure: no Scrapy, no database. The page is parsed once (`pipelines.page`) and
every field extractor reads the same blocks. `extract_page` never raises on a
page's content: a crash in an extractor becomes `error`, which the validate
pipeline turns into a `rejected` row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from urllib.parse import urlsplit

from pipelines.casefold import ihas
from pipelines.classify import classify
from pipelines.discipline import extract_discipline
from pipelines.disclosures import extract_community, extract_legal, extract_safety
from pipelines.duration import DurationMention, find_durations
from pipelines.fees import extract_fees, tie_fixed_length
from pipelines.flags import judge_flags
from pipelines.inclusions import extract_inclusions
from pipelines.money import Money, context_for, find_money
from pipelines.page import Page, parse_html, sentences_with, snippet
from pipelines.participation import extract_participation
from pipelines.places import extract_cities, extract_country
from pipelines.provider import extract_provider, extract_title
from pipelines.record import SCHEMA_VERSION
from pipelines.requirements import extract_experience, extract_min_age
from pipelines.schedule import extract_start_dates
from pipelines.structured import program_facts, structured_duration, structured_verdict
from pipelines.supervision import extract_supervision


@dataclass
class Extraction:
    is_program: bool
    kind: str
    why: str
    record: dict | None = None
    error: str | None = None
    # The page's main text (boilerplate removed): what the catalog's full-text search indexes.
    main_text: str | None = None

    def as_dict(self) -> dict:
        # Not dataclasses.asdict: that deep-copies the record (~0.35 ms a program page, 9% of an extraction).
        # The record is plain JSON-like data built for this Extraction alone, so its dicts are handed over.
        return {f.name: getattr(self, f.name) for f in _FIELDS}


_FIELDS = fields(Extraction)


def extract_page(html: str | bytes, url: str, encoding: str | None = None) -> Extraction:
    try:
        page = parse_html(html, url, encoding)
    except Exception as exc:  # malformed input must become a rejection, not a crash
        return Extraction(False, "unparsable", f"could not parse: {exc}", error=f"parse error: {exc}")
    try:
        return _extract(page)
    except Exception as exc:  # an extractor bug must not lose the page
        return Extraction(False, "error", "extractor failed", error=f"{type(exc).__name__}: {exc}")


def _extract(page: Page) -> Extraction:
    country, country_ev = extract_country(page)
    ctx = context_for(page.text, country, page.host, page.meta.get("og:locale", "") or page.lang)
    fees = extract_fees(page, ctx)
    duration = extract_duration(page, fees)
    tie_fixed_length(fees, duration)
    participation, participation_ev = extract_participation(page)
    verdict = classify(page, fees, duration is not None, participation is not None)
    if not verdict.is_program:
        return Extraction(False, verdict.kind, verdict.reason)

    facts = program_facts(page)
    text_duration = duration
    # Text first; structured data only fills a length the text leaves unstated (the verdict line says so).
    duration = duration or structured_duration(facts)
    cities, cities_ev = extract_cities(page, country)
    provider, provider_ev = extract_provider(page)
    discipline, discipline_ev = extract_discipline(page)
    includes, excludes, incl_ev = extract_inclusions(page)
    start_dates, start_ev = extract_start_dates(page)
    supervision = extract_supervision(page)
    experience, experience_ev = extract_experience(page)
    min_age, age_ev = extract_min_age(page)
    legal, legal_ev = extract_legal(page)
    safety, safety_ev = extract_safety(page)
    community, community_ev = extract_community(page)
    evidence = {
        k: v for k, v in {
            "title": page.h1 or page.title, "provider": provider_ev, "discipline": discipline_ev,
            "country": country_ev, "cities": cities_ev,
            "includes": incl_ev, "start_dates": start_ev, "participation": participation_ev,
            "experience_required": experience_ev, "min_age": age_ev, "legal_info": legal_ev,
            "safety_info": safety_ev, "community_benefit": community_ev,
            "classification": verdict.reason,
            "structured_data": structured_verdict(facts, fees, text_duration, country),
        }.items() if v
    }
    record = {
        "schema_version": SCHEMA_VERSION,
        "url": page.canonical if _same_site(page.canonical, page.url) else page.url,
        "provider": provider,
        "title": extract_title(page),
        "discipline": discipline,
        "country": country,
        "cities": cities,
        "fees": fees,
        "includes": includes,
        "excludes": excludes,
        "duration": duration,
        "start_dates": start_dates,
        "supervision": supervision,
        "participation": participation,
        "experience_required": experience,
        "min_age": min_age,
        "legal_info": legal,
        "safety_info": safety,
        "community_benefit": community,
        "evidence": evidence,
    }
    record["flags"] = judge_flags(record, page)
    return Extraction(True, "program", verdict.reason, record=record, main_text=page.text)


def _same_site(canonical: str | None, url: str) -> bool:
    return bool(canonical) and urlsplit(canonical).netloc == urlsplit(url).netloc  # type: ignore[arg-type]


_DURATION_LABEL = re.compile(r"duration|length|how long|stay|weeks|period|time", re.I)
_DURATION_CONTEXT = re.compile(
    r"\b(?:stays?|placements?|programs?|programmes?|internships?|electives?|observerships?|rotations?|camps?|"
    r"volunteer\w*|minimum|maximum|min\.|max\.|"
    r"length|duration|between|from|up to|last|lasts|runs? for|join (?:us )?for|commit\w*|spend|choose)\b",
    re.I,
)
# "No maximum", "as long as you like": a range with no upper bound.
_NO_MAXIMUM = re.compile(r"\bno (?:maximum|upper limit|max\b)|\bas long as you (?:like|want)\b", re.I)
# Lengths that are not the stay: lead times, notice periods, ages, years of study, frequencies.
_NOT_DURATION = re.compile(
    r"\bbefore (?:you )?(?:fly|travel|depart|arriv|start|your)|\bin advance\b|\bago\b|\bnotice\b|\brefund|"
    r"\bcancel|\bhours?\b|\bwithin\b|\bafter (?:you|your|booking)|\bdeadline\b|\bbalance\b|\bdue\b|"
    r"\byears? old\b|\bof age\b|\baged\b|\bexperience\b|\bdegree\b|\bstud(?:y|ies|ying)\b|\btraining\b|"
    r"\bqualified\b|\bsince\b|\byears? of\b",
    re.I,
)


def extract_duration(page: Page, fees: list[dict]) -> dict | None:
    """Length of stay: key facts first, then sentences about the stay, then a fee table's tiers."""
    for b in page.blocks:
        if b.is_fact and ihas(_DURATION_LABEL, b.label):
            ds = find_durations(b.cells[-1])
            if ds:
                return _combine(ds, b.text)
    bounded = single = None
    for s in _length_sentences(page):
        prices: list | None = None  # the sentence's prices, read once and only if a length needs checking
        found = []
        for d in find_durations(s.text):
            # ihas: the re.I pattern run case-sensitively on lower-cased text (page.ihas), same answer, less work.
            if ihas(_NOT_DURATION, s.text[max(0, d.start - 40):d.end + 40]):
                continue
            if prices is None:
                prices = find_money(s.text)
            if not _inside_price(d, prices):
                found.append(d)
        if not found:
            continue
        about_stay = ihas(_DURATION_CONTEXT, s.text, s.lower)
        ranged = [d for d in found if d.shape != "single"]
        if ranged and bounded is None and (about_stay or len(s.text) < 40):
            # "a minimum of 10 days, up to 30 days": both bounds from one sentence.
            bounded = _combine(ranged, s.text)
            if ihas(_NO_MAXIMUM, s.text, s.lower):
                bounded["max_weeks"] = None
        if single is None and about_stay:
            single = next((_combine([d], s.text) for d in found if d.shape == "single"), None)
    if bounded:
        return bounded
    tiers = sorted({f["weeks"] for f in fees if f["kind"] == "program" and f.get("weeks")})
    if len(tiers) >= 2:
        return {"min_weeks": tiers[0], "max_weeks": tiers[-1],
                "evidence": f"fee table offers {', '.join(_fmt(t) for t in tiers)} weeks"}
    if single:
        return single
    if tiers:
        return {"min_weeks": tiers[0], "max_weeks": tiers[0], "evidence": f"priced for {_fmt(tiers[0])} weeks"}
    return None


_UNIT_HINT = re.compile(r"week|wk|month|mth|day|fortnight|year")
_UNIT_WORD = re.compile(r"\b(?:weeks?|wks?|months?|mths?|days?|fortnights?|years?)\b", re.I)


def _length_sentences(page: Page) -> list:
    """Sentences that name a unit of time, in page order (the only ones a length can come from)."""
    return sentences_with(page, _UNIT_WORD, _UNIT_HINT)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _inside_price(d: DurationMention, prices: list[Money]) -> bool:
    """'from USD 690 (2 weeks)', '2 weeks: $1,395': a length that labels a price, not the stay."""
    return any(0 <= d.start - m.end <= 4 or 0 <= m.start - d.end <= 4 for m in prices)


def _combine(ds: list, text: str) -> dict:
    lo = next((d.min_weeks for d in ds if d.min_weeks is not None), None)
    first = ds[0]
    # A minimum takes its maximum only from an explicit "up to"/"maximum", not from a typical-stay range.
    pool = ds if first.shape not in ("min",) else [d for d in ds if d.shape in ("max", "minmax")]
    hi = first.max_weeks if first.max_weeks is not None else next(
        (d.max_weeks for d in pool if d.max_weeks is not None), None)
    if lo is not None and hi is not None and hi < lo:
        hi = None
    return {"min_weeks": lo, "max_weeks": hi, "evidence": snippet(text)}
