"""Structured data (JSON-LD, @graph, microdata) as a second witness to the program on the page.

Each row is a page as a provider's CMS or plugin would mark it up (WordPress with Yoast or WooCommerce, a
course catalogue, an event calendar, a trip operator, a hand-written microdata template) and what a careful
reader of that markup would say it states about *this* program: prices, length in weeks (days / 7, months
x 52 / 12), countries and towns. Rows that expect ``{}`` are markup that describes something else (the
organisation, a listing, a related program, reviews, a FAQ) and must not yield program facts.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from _pytest.mark.structures import ParameterSet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pagekit import TITLE, URL, bug, case, p, raw, render, sec

from pipelines.extract import extract_page
from pipelines.page import parse_html
from pipelines.structured import compare, program_facts, structured_duration, structured_verdict

CTX = "https://schema.org"
BODY = p("You join the surgical and maternity wards of a district hospital, supervised by its nursing staff.")


def ld(*objs: Any) -> str:
    """JSON-LD script tags, one per object (a list becomes one script holding an array)."""
    return "".join(f'<script type="application/ld+json">{json.dumps(o, ensure_ascii=False)}</script>' for o in objs)


def jcase(id: str, objs: Any, expected: dict, *, body: str = BODY, xfail: str | None = None,
          **kw: Any) -> ParameterSet:
    """A row whose structured data is JSON-LD placed in the page body (as page builders do)."""
    objs = objs if isinstance(objs, tuple) else (objs,)
    return case(id, ld(*objs) + body, expected, xfail=xfail, **kw)


def P(amount: float, currency: str, basis: str | None = None, *, hi: float | None = None,  # noqa: N802
      weeks: float | None = None) -> tuple:
    return (float(amount), None if hi is None else float(hi), currency, basis, weeks)


def _ordered(prices: list[tuple]) -> list[tuple]:
    """Prices in a fixed order (their order in the markup is not what a case is about); None sorts first."""
    return sorted(prices, key=lambda t: [(x is not None, str(x)) for x in t])


def summary(html: str, url: str = URL) -> dict:
    """What structured data says about the program, as plain values; {} when nothing describes it."""
    facts = program_facts(parse_html(html, url))
    if facts is None:
        return {}
    out: dict[str, Any] = {}
    if facts.prices:
        out["prices"] = _ordered([(p.amount, p.amount_max, p.currency, p.basis, p.weeks) for p in facts.prices])
    if facts.has_duration:
        out["weeks"] = (facts.min_weeks, facts.max_weeks)
    if facts.countries:
        out["countries"] = sorted(facts.countries)
    if facts.localities:
        out["towns"] = facts.localities
    return out


def offer(price: Any, currency: Any = "GBP", **extra: Any) -> dict:
    return {"@type": "Offer", "price": price, "priceCurrency": currency, **extra}


COURSE = {"@context": CTX, "@type": "Course", "name": "Nursing Elective in Kathmandu",
          "provider": {"@type": "Organization", "name": "Summit Health Placements"}}

YOAST_WOO = f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Nursing Elective in Kathmandu &#8211; Summit Health Placements</title>
<meta property="og:site_name" content="Summit Health Placements">
<script type="application/ld+json" class="yoast-schema-graph">{json.dumps({"@context": CTX, "@graph": [
    {"@type": ["WebPage", "ItemPage"], "@id": URL, "url": URL,
     "name": "Nursing Elective in Kathmandu &ndash; Summit Health Placements", "isPartOf": {"@id": "/#website"},
     "breadcrumb": {"@id": URL + "#breadcrumb"}},
    {"@type": "BreadcrumbList", "@id": URL + "#breadcrumb", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "Home", "item": "http://provider.test/"},
        {"@type": "ListItem", "position": 2, "name": "Nursing Elective in Kathmandu"}]},
    {"@type": "WebSite", "@id": "/#website", "name": "Summit Health Placements",
     "publisher": {"@id": "/#organization"}},
    {"@type": "Organization", "@id": "/#organization", "name": "Summit Health Placements",
     "address": {"@type": "PostalAddress", "addressLocality": "Bristol", "addressCountry": "GB"}},
    {"@type": "Product", "@id": URL + "#product", "name": "Nursing Elective in Kathmandu &ndash; 4 weeks",
     "url": URL, "sku": "NEK-4",
     "offers": [{"@type": "Offer", "price": "1490.00", "priceValidUntil": "2026-12-31",
                 "priceSpecification": {"price": "1490.00", "priceCurrency": "GBP", "valueAddedTaxIncluded": "false"},
                 "priceCurrency": "GBP", "availability": "http://schema.org/InStock",
                 "seller": {"@id": "/#organization"}}]},
]})}</script></head>
<body><header><a href="/">Summit Health Placements</a></header><main><h1>Nursing Elective in Kathmandu</h1>
{BODY}</main><footer>Summit Health Placements, Bristol</footer></body></html>"""

YOAST_MAIN_ENTITY = YOAST_WOO.replace('"@type": "Product"', '"@type": "Course"').replace(
    '"isPartOf"', '"mainEntity": {"@id": "' + URL + '#product"}, "isPartOf"').replace(
    '"url": "' + URL + '", "sku"', '"sku"')

MICRODATA_COURSE = (
    '<div itemscope itemtype="https://schema.org/Course"><h2 itemprop="name">Nursing Elective in Kathmandu</h2>'
    '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
    '<span itemprop="price" content="1490">£1,490</span><meta itemprop="priceCurrency" content="GBP"></div>'
    '<div itemprop="provider" itemscope itemtype="https://schema.org/Organization">'
    '<span itemprop="name">Summit Health Placements</span></div></div>'
)
MICRODATA_EVENT = (
    '<div itemscope itemtype="http://schema.org/EducationEvent">'
    '<span itemprop="name">Maternal Health Outreach in Tamale</span>'
    '<time itemprop="startDate" datetime="2026-07-06">6 July</time> to '
    '<time itemprop="endDate" datetime="2026-07-31">31 July 2026</time>'
    '<div itemprop="location" itemscope itemtype="http://schema.org/Place"><span itemprop="name">Tamale Teaching '
    'Hospital</span><div itemprop="address" itemscope itemtype="http://schema.org/PostalAddress">'
    '<span itemprop="addressLocality">Tamale</span>, <span itemprop="addressCountry">Ghana</span></div></div>'
    '<div itemprop="offers" itemscope itemtype="http://schema.org/AggregateOffer">From '
    '<span itemprop="lowPrice">1,450</span> to <span itemprop="highPrice">2,050</span> '
    '<span itemprop="priceCurrency">USD</span></div></div>'
)
MICRODATA_LISTING = "".join(
    f'<div class="card" itemscope itemtype="https://schema.org/Product"><h3 itemprop="name">{name}</h3>'
    f'<div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price">{price}</span>'
    '<meta itemprop="priceCurrency" content="USD"></div></div>'
    for name, price in (("Dental Outreach in Arusha", "1,200"), ("Midwifery Placement in Moshi", "1,350"),
                        ("Physiotherapy in Zanzibar", "990"))
)
TAMALE = "Maternal Health Outreach in Tamale"


CASES = [
    # ---- syntaxes
    jcase("jsonld-course-offer", {**COURSE, "offers": offer("1490")}, {"prices": [P(1490, "GBP")]}),
    raw("yoast-graph-woocommerce-product", YOAST_WOO, {"prices": [P(1490, "GBP")]}),
    raw("yoast-graph-webpage-main-entity-by-id", YOAST_MAIN_ENTITY, {"prices": [P(1490, "GBP")]}),
    case("microdata-course-offer", MICRODATA_COURSE + BODY, {"prices": [P(1490, "GBP")]}, wrapper="table"),
    case("microdata-education-event-place-aggregate-offer", MICRODATA_EVENT + BODY,
         {"prices": [P(1450, "USD", hi=2050)], "weeks": (4.0, 4.0), "countries": ["GH"], "towns": ["Tamale"]},
         title=TAMALE),
    jcase("jsonld-array-in-one-script", ([{"@context": CTX, "@type": "Organization", "name": "Summit"},
                                          {**COURSE, "offers": offer(1490)}],), {"prices": [P(1490, "GBP")]},
          wrapper="elementor"),
    jcase("type-as-list-and-iri", {**COURSE, "@type": ["http://schema.org/Product", "schema:Course"],
                                   "offers": offer("2,180", "GBP")}, {"prices": [P(2180, "GBP")]}),
    # ---- types and properties
    jcase("woocommerce-variable-product-aggregate-offer",
          {"@context": CTX, "@type": "Product", "name": "Nursing Elective Kathmandu",
           "offers": [{"@type": "AggregateOffer", "lowPrice": "1490.00", "highPrice": "3520.00", "offerCount": 5,
                       "priceCurrency": "GBP"}]},
          {"prices": [P(1490, "GBP", hi=3520)]}),
    jcase("woocommerce-sale-keeps-sale-price-not-list-price",
          {"@context": CTX, "@type": "Product", "name": "Nursing Elective in Kathmandu",
           "offers": [{"@type": "Offer", "price": "1290.00", "priceCurrency": "GBP", "priceSpecification": [
               {"@type": "UnitPriceSpecification", "price": "1290.00", "priceCurrency": "GBP"},
               {"@type": "UnitPriceSpecification", "price": "1490.00", "priceCurrency": "GBP",
                "priceType": "https://schema.org/ListPrice"}]}]},
          {"prices": [P(1290, "GBP")]}),
    jcase("course-instance-schedule-p4w-and-location",
          {**COURSE, "hasCourseInstance": [{"@type": "CourseInstance", "courseMode": "Onsite",
                                            "courseSchedule": {"@type": "Schedule", "duration": "P4W"},
                                            "location": {"@type": "Place", "name": "Bir Hospital", "address": {
                                                "@type": "PostalAddress", "addressLocality": "Kathmandu",
                                                "addressCountry": "NP"}},
                                            "offers": offer("1490")}]},
          {"prices": [P(1490, "GBP")], "weeks": (4.0, 4.0), "countries": ["NP"], "towns": ["Kathmandu"]}),
    jcase("course-schedule-six-weekly-sessions",
          {**COURSE, "hasCourseInstance": {"@type": "CourseInstance", "courseWorkload": "PT180H",
                                           "courseSchedule": {"@type": "Schedule", "duration": "PT30H",
                                                              "repeatFrequency": "Weekly", "repeatCount": 6}}},
          {"weeks": (6.0, 6.0)}, wrapper="dl"),
    jcase("course-time-required-one-month", {**COURSE, "timeRequired": "P1M"}, {"weeks": (4.33, 4.33)}),
    jcase("event-monday-to-friday-four-weeks",
          {"@context": CTX, "@type": "Event", "name": "Community Health Placement Kisumu – June intake",
           "startDate": "2026-06-01", "endDate": "2026-06-26",
           "location": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Kisumu",
                                                      "addressCountry": "KE"}},
           "offers": offer("1,150", "USD")},
          {"prices": [P(1150, "USD")], "weeks": (4.0, 4.0), "countries": ["KE"], "towns": ["Kisumu"]},
          title="Community Health Placement in Kisumu"),
    jcase("event-datetimes-fourteen-days",
          {"@context": CTX, "@type": "Event", "name": "Rural Clinic Volunteer Camp – Cusco",
           "startDate": "2026-03-07T09:00:00-05:00", "endDate": "2026-03-20T17:00:00-05:00",
           "location": "Cusco, Peru"},
          {"weeks": (2.0, 2.0), "countries": ["PE"]}, title="Rural Clinic Volunteer Camp in Cusco"),
    jcase("tourist-trip-itinerary-and-offer",
          {"@context": CTX, "@type": "TouristTrip", "name": "Medical Volunteer Safari Arusha",
           "touristType": "Medical students",
           "itinerary": {"@type": "ItemList", "itemListElement": [
               {"@type": "ListItem", "position": 1, "item": {"@type": "City", "name": "Arusha", "address": {
                   "@type": "PostalAddress", "addressLocality": "Arusha", "addressCountry": "Tanzania"}}},
               {"@type": "ListItem", "position": 2, "item": {"@type": "TouristAttraction", "name": "Serengeti",
                                                             "address": {"addressCountry": "TZ"}}}]},
           "offers": {"@type": "Offer", "price": 2450, "priceCurrency": "USD"}},
          {"prices": [P(2450, "USD")], "countries": ["TZ"], "towns": ["Arusha"]},
          title="Medical Volunteer Safari in Arusha"),
    jcase("educational-program-time-to-complete-p28d",
          {"@context": CTX, "@type": "EducationalOccupationalProgram", "name": "Nursing Elective Kathmandu",
           "timeToComplete": "P28D", "startDate": "2026-09-07", "educationalProgramMode": "in-person",
           "offers": {"@type": "Offer", "category": "Programme fee", "price": "1490", "priceCurrency": "GBP"}},
          {"prices": [P(1490, "GBP")], "weeks": (4.0, 4.0)}),
    jcase("educational-program-lengths-p2w-to-p12w",
          {"@context": CTX, "@type": "EducationalOccupationalProgram", "name": "Nursing Elective in Kathmandu",
           "timeToComplete": ["P2W", "P12W"]}, {"weeks": (2.0, 12.0)}, wrapper="table"),
    jcase("duration-as-quantitative-value-range",
          {**COURSE, "duration": {"@type": "QuantitativeValue", "minValue": 2, "maxValue": 12, "unitCode": "WEE"}},
          {"weeks": (2.0, 12.0)}),
    jcase("service-unit-price-per-week-unitcode",
          {"@context": CTX, "@type": "Service", "name": "Nursing elective – Kathmandu",
           "offers": {"@type": "Offer", "priceSpecification": {
               "@type": "UnitPriceSpecification", "price": 350, "priceCurrency": "USD", "unitCode": "WEE"}}},
          {"prices": [P(350, "USD", "per_week")]}),
    jcase("unit-price-per-month-unit-text",
          {**COURSE, "offers": {"@type": "Offer", "price": "1100", "priceCurrency": "EUR", "priceSpecification": {
              "@type": "UnitPriceSpecification", "price": "1100", "priceCurrency": "EUR", "unitText": "per month"}}},
          {"prices": [P(1100, "EUR", "per_month")]}),
    jcase("unit-price-per-night-is-per-day",
          {**COURSE, "offers": {"@type": "Offer", "priceSpecification": {
              "@type": "UnitPriceSpecification", "price": "22.50", "priceCurrency": "EUR", "unitText": "/night"}}},
          {"prices": [P(22.5, "EUR", "per_day")]}),
    jcase("reference-quantity-four-weeks-is-a-total",
          {**COURSE, "offers": {"@type": "Offer", "priceSpecification": {
              "@type": "UnitPriceSpecification", "price": "2180", "priceCurrency": "GBP",
              "referenceQuantity": {"@type": "QuantitativeValue", "value": 4, "unitCode": "WEE"}}}},
          {"prices": [P(2180, "GBP", "total", weeks=4.0)]}),
    jcase("reference-quantity-one-week-is-weekly",
          {**COURSE, "offers": {"@type": "Offer", "priceSpecification": {
              "@type": "UnitPriceSpecification", "price": "300", "priceCurrency": "GBP",
              "referenceQuantity": {"@type": "QuantitativeValue", "value": "1", "unitText": "week"}}}},
          {"prices": [P(300, "GBP", "per_week")]}),
    jcase("billing-duration-one-month-is-monthly",
          {**COURSE, "offers": {"@type": "Offer", "priceSpecification": {
              "@type": "UnitPriceSpecification", "price": "980", "priceCurrency": "EUR", "billingDuration": "P1M"}}},
          {"prices": [P(980, "EUR", "per_month")]}),
    jcase("placeholder-length-ignored", {**COURSE, "timeToComplete": "P999Y", "offers": offer("1490")},
          {"prices": [P(1490, "GBP")]}),
    jcase("additional-property-duration-and-country",
          {"@context": CTX, "@type": "Product", "name": "Nursing Elective in Kathmandu",
           "additionalProperty": [{"@type": "PropertyValue", "name": "Duration", "value": "2 - 8 weeks"},
                                  {"@type": "PropertyValue", "name": "Country", "value": "Nepal"}]},
          {"weeks": (2.0, 8.0), "countries": ["NP"]}, wrapper="elementor"),
    jcase("address-country-as-name-object-and-alpha3",
          ({**COURSE, "hasCourseInstance": [
              {"@type": "CourseInstance", "location": {"@type": "Place", "address": {
                  "@type": "PostalAddress", "addressCountry": {"@type": "Country", "name": "Nepal"}}}},
              {"@type": "CourseInstance", "location": {"@type": "Place", "address": {"addressCountry": "NPL"}}}]},),
          {"countries": ["NP"]}),
    jcase("aggregate-offer-with-its-tiers",
          {**COURSE, "offers": {"@type": "AggregateOffer", "lowPrice": 1490, "highPrice": 2180,
                                "priceCurrency": "GBP", "offers": [offer("1490"), offer("2180")]}},
          {"prices": [P(1490, "GBP"), P(1490, "GBP", hi=2180), P(2180, "GBP")]}),
    jcase("sessions-of-this-program-both-read",
          tuple({"@context": CTX, "@type": "Event", "name": f"{TAMALE} – Session {n}", "startDate": start,
                 "endDate": end, "offers": offer("1450", "USD")}
                for n, start, end in ((1, "2026-07-06", "2026-07-31"), (2, "2026-08-03", "2026-09-11"))),
          {"prices": [P(1450, "USD")], "weeks": (4.0, 6.0)}, title=TAMALE),
    jcase("product-offer-list-lowercase-code",
          {"@type": "Product", "name": "Nursing Elective", "offers": [{"price": "18.00", "priceCurrency": "eur"}]},
          {"prices": [P(18, "EUR")]}),
    jcase("graph-nameless-product-low-price",
          {"@graph": [{"@type": "WebPage"},
                      {"@type": "Product", "offers": {"lowPrice": "2,190", "priceCurrency": "USD"}}]},
          {"prices": [P(2190, "USD")]}),
    jcase("price-only-in-price-specification",
          {"@type": "Product", "offers": {"priceSpecification": {"price": 22, "priceCurrency": "EUR"}}},
          {"prices": [P(22, "EUR")]}),
    # ---- odd and broken values
    jcase("euro-price-with-comma-decimal-and-sign", {**COURSE, "offers": {"@type": "Offer", "price": "€1.490,00"}},
          {"prices": [P(1490, "EUR")]}),
    case("broken-jsonld-beside-good-microdata",
         '<script type="application/ld+json">{"@type": "Product", "offers": {"price": "99",</script>'
         + MICRODATA_COURSE + BODY, {"prices": [P(1490, "GBP")]}, wrapper="dl"),
    jcase("call-us-is-no-price", {**COURSE, "offers": offer("call us", "USD")}, {}),
    jcase("empty-price-and-currency", {**COURSE, "offers": offer("", "")}, {}),
    jcase("zero-price-placeholder", {**COURSE, "offers": offer("0.00", "GBP")}, {}),
    jcase("offers-in-nested-lists", {**COURSE, "offers": [[offer("1490")], [[offer("2180")]]]},
          {"prices": [P(1490, "GBP"), P(2180, "GBP")]}),
    jcase("unknown-currency-strings-dropped",
          {**COURSE, "offers": [offer("1490", "Dollars"), offer("1500", "$"), offer("1510", "TBC")]}, {}),
    jcase("currency-written-as-word-or-sign",
          {**COURSE, "offers": [offer("1490", "Euro"), offer("1650", "US$"), offer("£1,290", None)]},
          {"prices": [P(1290, "GBP"), P(1490, "EUR"), P(1650, "USD")]}),
    jcase("lowercase-code-and-number-price", {**COURSE, "offers": offer(1490, "gbp")}, {"prices": [P(1490, "GBP")]}),
    jcase("workload-hours-are-not-a-stay", {**COURSE, "timeRequired": "PT40H"}, {}),
    jcase("offer-validity-is-not-a-stay",
          {**COURSE, "offers": offer("1490", validFrom="2026-01-01", validThrough="2026-12-31",
                                     priceValidUntil="2026-12-31")},
          {"prices": [P(1490, "GBP")]}),
    jcase("year-long-dates-are-availability",
          {"@context": CTX, "@type": "EducationalOccupationalProgram", "name": "Nursing Elective in Kathmandu",
           "startDate": "2026-01-01", "endDate": "2026-12-31"}, {}),
    jcase("name-with-html-entities-matches-heading",
          {"@context": CTX, "@type": "Product", "name": "Nursing Elective &ndash; Kathmandu",
           "url": "https://elsewhere.example/book", "offers": offer("1490")}, {"prices": [P(1490, "GBP")]}),
    # ---- markup about something else: no program facts
    jcase("organisation-only-with-office-address",
          {"@context": CTX, "@type": "NGO", "name": "Summit Health Placements",
           "address": {"@type": "PostalAddress", "addressLocality": "Bristol", "addressCountry": "GB"},
           "makesOffer": offer("1490")}, {}),
    jcase("website-and-breadcrumb",
          ({"@context": CTX, "@type": "WebSite", "name": "Summit Health Placements", "url": "http://provider.test/"},
           {"@context": CTX, "@type": "BreadcrumbList", "itemListElement": [
               {"@type": "ListItem", "position": 1, "name": "Nepal", "item": "http://provider.test/nepal/"},
               {"@type": "ListItem", "position": 2, "name": "Nursing Elective in Kathmandu"}]}), {}),
    jcase("faq-answers-quoting-prices",
          {"@context": CTX, "@type": "FAQPage", "mainEntity": [
              {"@type": "Question", "name": "How much does the Kathmandu elective cost?",
               "acceptedAnswer": {"@type": "Answer", "text": "£1,490 for four weeks, including housing."}},
              {"@type": "Question", "name": "Is there a deposit?",
               "acceptedAnswer": {"@type": "Answer", "text": "Yes, £250 on booking."}}]}, {}),
    jcase("reviews-of-a-product-with-a-price",
          ({"@context": CTX, "@type": "Review", "author": {"@type": "Person", "name": "Priya"},
            "reviewBody": "Worth every penny of the £1,490.",
            "itemReviewed": {"@type": "Product", "name": "Nursing Elective in Kathmandu",
                             "offers": offer("1490")}},
           {"@context": CTX, "@type": "AggregateRating", "ratingValue": 4.8, "reviewCount": 31}), {}),
    jcase("listing-page-item-list-of-products",
          {"@context": CTX, "@type": "ItemList", "itemListElement": [
              {"@type": "ListItem", "position": i + 1, "item": {
                  "@type": "Product", "name": name, "url": f"http://provider.test/programs/{slug}.html",
                  "offers": offer(price, "USD")}}
              for i, (name, slug, price) in enumerate((("Dental Outreach in Arusha", "dental-arusha", "1200"),
                                                       ("Midwifery Placement in Moshi", "midwifery-moshi", "1350")))]},
          {}, title="Our programmes in Tanzania"),
    case("listing-page-microdata-products", MICRODATA_LISTING, {}, title="Volunteer in Tanzania"),
    jcase("related-program-product-beside-the-course",
          ({**COURSE, "offers": offer("1490")},
           {"@context": CTX, "@type": "Product", "name": "Nursing Elective in Pokhara", "offers": offer("1290")}),
          {"prices": [P(1490, "GBP")]}),
    jcase("related-program-only",
          {"@context": CTX, "@type": "Course", "name": "Dental Outreach in Manzini, Eswatini",
           "offers": offer("990", "ZAR")}, {}),
    jcase("related-product-nested-in-is-related-to",
          {**COURSE, "offers": offer("1490"), "isRelatedTo": {
              "@type": "Product", "name": "Nursing Elective in Pokhara", "offers": offer("1290")}},
          {"prices": [P(1490, "GBP")]}),
    jcase("info-evening-event-is-another-thing",
          {"@context": CTX, "@type": "Event", "name": "Open evening: volunteering in Ghana",
           "startDate": "2026-02-12T19:00", "endDate": "2026-02-12T21:00", "offers": offer("0", "GBP"),
           "location": {"@type": "VirtualLocation", "url": "https://zoom.example/j/1"}}, {}),
    jcase("add-on-offer-beside-the-course",
          ({**COURSE, "offers": offer("1490")},
           {"@context": CTX, "@type": "Offer", "price": "85", "priceCurrency": "GBP",
            "itemOffered": {"@type": "Service", "name": "Airport transfer from Tribhuvan"}}),
          {"prices": [P(1490, "GBP")]}),
    jcase("nameless-product-of-another-page",
          {"@context": CTX, "@type": "Product", "url": "http://provider.test/programs/dental-arusha.html",
           "offers": offer("1200", "USD")}, {}),
    jcase("generic-name-but-this-page-url",
          {"@context": CTX, "@type": "Product", "name": "Book your place", "url": URL, "offers": offer("1490")},
          {"prices": [P(1490, "GBP")]}),
    jcase("nameless-offer-alone-speaks-for-the-page", offer("1490"), {"prices": [P(1490, "GBP")]}),
    jcase("multi-word-country-left-out-of-the-heading",
          {"@context": CTX, "@type": "Course", "name": "Medical Elective in Galle, Sri Lanka",
           "offers": offer("1750")},
          {"prices": [P(1750, "GBP")]}, title="Medical Elective in Galle",
          body=p("Galle is on the south coast of Sri Lanka, two hours from Colombo.")),
]


@pytest.mark.parametrize(("html", "expected"), CASES)
def test_program_facts(html: str, expected: dict) -> None:
    if "prices" in expected:
        expected = {**expected, "prices": _ordered(expected["prices"])}
    assert summary(html) == expected


def test_enough_cases() -> None:
    assert len(CASES) >= 40


# ---------------------------------------------------------------- agreement and disagreement with the text

FEE_TEXT = p("The programme fee is £1,490 for four weeks, including accommodation and meals.")
ROLE = sec("What you will do", "You shadow the nursing team on the medical and maternity wards, help with "
           "observations under supervision and join community health outreach days.")


def verdict_case(id: str, objs: Any, body: str, expected: dict[str, str], *, xfail: str | None = None,
                 **kw: Any) -> ParameterSet:
    objs = objs if isinstance(objs, tuple) else (objs,)
    marks = [bug(xfail)] if xfail else []
    return pytest.param(render(ld(*objs) + body, **kw), expected, id=id, marks=marks)


VERDICTS = [
    verdict_case("price-agrees", {**COURSE, "offers": offer("1490")}, FEE_TEXT, {"price": "agrees"}),
    verdict_case("stale-price-disagrees", {**COURSE, "offers": offer("1390")}, FEE_TEXT, {"price": "disagrees"}),
    verdict_case("other-currency-disagrees", {**COURSE, "offers": offer("1490", "EUR")}, FEE_TEXT,
                 {"price": "disagrees"}),
    verdict_case("weekly-rate-against-a-total-disagrees",
                 {**COURSE, "offers": {"@type": "Offer", "priceSpecification": {
                     "@type": "UnitPriceSpecification", "price": "1490", "priceCurrency": "GBP", "unitCode": "WEE"}}},
                 FEE_TEXT, {"price": "disagrees"}),
    verdict_case("weekly-rate-agrees",
                 {**COURSE, "offers": {"@type": "Offer", "priceSpecification": {
                     "@type": "UnitPriceSpecification", "price": "300", "priceCurrency": "GBP", "unitText": "week"}}},
                 p("Placements cost £300 per week, with a minimum stay of two weeks."),
                 {"price": "agrees", "duration": None}),
    verdict_case("price-range-agrees-with-fee-table",
                 {**COURSE, "offers": {"@type": "AggregateOffer", "lowPrice": "1490", "highPrice": "2860",
                                       "priceCurrency": "GBP"}},
                 "<h2>Fees</h2><table><tr><th>Length</th><th>Fee</th></tr><tr><td>2 weeks</td><td>£1,490</td></tr>"
                 "<tr><td>4 weeks</td><td>£2,180</td></tr><tr><td>6 weeks</td><td>£2,860</td></tr></table>",
                 {"price": "agrees"}),
    verdict_case("duration-agrees", {**COURSE, "timeToComplete": "P4W", "offers": offer("1490")}, FEE_TEXT,
                 {"price": "agrees", "duration": "agrees"}),
    verdict_case("one-month-agrees-with-four-weeks", {**COURSE, "timeRequired": "P1M"}, FEE_TEXT,
                 {"duration": "agrees"}),
    verdict_case("length-inside-text-range-agrees", {**COURSE, "timeToComplete": "P6W"},
                 p("Electives run from 2 to 12 weeks and start on any Monday."), {"duration": "agrees"}),
    verdict_case("longer-stay-disagrees", {**COURSE, "timeToComplete": "P8W"}, FEE_TEXT,
                 {"duration": "disagrees"}),
    verdict_case("country-agrees",
                 {**COURSE, "location": {"@type": "Place", "address": {"@type": "PostalAddress",
                                                                       "addressCountry": "NP"}}},
                 p("Our elective runs at a teaching hospital in Kathmandu, Nepal.") + FEE_TEXT,
                 {"country": "agrees"}),
    verdict_case("copied-template-country-disagrees",
                 {**COURSE, "location": {"@type": "Place", "address": {"@type": "PostalAddress",
                                                                       "addressLocality": "Jaipur",
                                                                       "addressCountry": "India"}}},
                 p("Our elective runs at a teaching hospital in Kathmandu, Nepal.") + FEE_TEXT,
                 {"country": "disagrees"}),
    verdict_case("dates-fill-a-length-the-text-leaves-out",
                 {**COURSE, "@type": "Event", "startDate": "2026-06-01", "endDate": "2026-06-26",
                  "offers": offer("1490")},
                 p("The programme fee is £1,490, including accommodation and meals."),
                 {"price": "agrees", "duration": "adds"}),
    verdict_case("price-only-in-markup-is-not-a-fee", {**COURSE, "offers": offer("1490")},
                 ROLE + sec("Duration", "Placements last four weeks.") + sec("Fees", "Contact us for a quote."),
                 {"price": "adds"}),
]


@pytest.mark.parametrize(("html", "expected"), VERDICTS)
def test_verdict_against_the_text(html: str, expected: dict[str, str | None]) -> None:
    extraction = extract_page(html, URL)
    assert extraction.is_program, extraction.why
    record = extraction.record
    assert record is not None
    facts = program_facts(parse_html(html, URL))
    assert facts is not None
    filled = bool(record["duration"]) and record["duration"]["evidence"].startswith("structured data")
    text_duration = None if filled else record["duration"]
    statuses = {c.aspect: c.status for c in compare(facts, record["fees"], text_duration, record["country"])}
    assert {k: statuses.get(k) for k in expected} == expected
    line = record["evidence"]["structured_data"]
    assert "\n" not in line and line.startswith("structured data")
    for aspect, status in expected.items():
        if status == "agrees":
            assert f"agrees on {aspect}" in line or f", {aspect} " in line.split("agrees on", 1)[1]
        elif status == "disagrees":
            assert "disagrees on" in line and aspect in line.split("disagrees on", 1)[1]
        elif status == "adds":
            assert aspect in line.split("states what the text does not", 1)[1]


def test_structured_length_fills_only_an_empty_duration() -> None:
    """The text's own length wins; a length from markup is used only when the text states none, and says so."""
    event = {**COURSE, "@type": "Event", "startDate": "2026-06-01", "endDate": "2026-06-26"}
    filled = extract_page(render(ld(event) + p("The programme fee is £1,490, all inclusive.")), URL).record
    assert filled is not None and filled["duration"]["min_weeks"] == filled["duration"]["max_weeks"] == 4
    assert filled["duration"]["evidence"].startswith("structured data")
    kept = extract_page(render(ld({**event, "endDate": "2026-07-10"}) + FEE_TEXT), URL).record
    assert kept is not None and (kept["duration"]["min_weeks"], kept["duration"]["max_weeks"]) == (4, 4)
    assert "structured data" not in kept["duration"]["evidence"]
    assert "disagrees on duration" in kept["evidence"]["structured_data"]


def test_markup_prices_never_become_fees() -> None:
    html = render(ld({**COURSE, "offers": offer("1490")}) + ROLE + sec("Duration", "Placements last four weeks.")
                  + sec("Fees", "Contact us for a quote."))
    record = extract_page(html, URL).record
    assert record is not None and record["fees"] == []


def test_no_structured_data_no_line() -> None:
    record = extract_page(render(FEE_TEXT), URL).record
    assert record is not None and "structured_data" not in record["evidence"]
    assert program_facts(parse_html(render(FEE_TEXT), URL)) is None
    assert TITLE in record["title"]


def test_microdata_reads_like_jsonld() -> None:
    """Microdata arrives in JSON-LD shape: the same reader finds the offer, provider.py the organisation."""
    from pipelines.provider import extract_provider

    page = parse_html(render(MICRODATA_COURSE + p("The fee is £1,490 for four weeks.")), URL)
    facts = program_facts(page)
    assert facts is not None and [(x.amount, x.currency) for x in facts.prices] == [(1490.0, "GBP")]
    assert extract_provider(page)[0] == "Summit Health Placements"


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                     st.sampled_from(["Course", "Event", "Offer", "P4W", "PT3H", "P", "GBP", "€1.490,00", "",
                                      "2026-06-01", "2026-13-45", "WEE", "per week", "Ghana", "GH", "#product",
                                      URL, "Nursing Elective in Kathmandu"]),
                     st.text(max_size=12))
_KEYS = st.sampled_from(["@type", "@id", "@graph", "name", "url", "offers", "price", "lowPrice", "highPrice",
                         "priceCurrency", "priceSpecification", "unitCode", "unitText", "referenceQuantity", "value",
                         "duration", "timeToComplete", "timeRequired", "startDate", "endDate", "location", "address",
                         "addressCountry", "addressLocality", "itinerary", "itemListElement", "item", "itemOffered",
                         "hasCourseInstance", "courseSchedule", "repeatCount", "repeatFrequency", "mainEntity",
                         "additionalProperty", "priceType", "priceComponent", "minValue", "maxValue"])
_JSON = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(_KEYS, inner, max_size=6)), max_leaves=25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(_KEYS, _JSON, max_size=6), max_size=3))
def test_any_markup_shape_is_read_without_raising(items: list[dict]) -> None:
    """A crash here would turn the whole program page into a rejection; odd markup must only mean no facts."""
    page = parse_html(render(BODY), URL)
    page.jsonld = items
    facts = program_facts(page)
    line = structured_verdict(facts, [{"amount": 1490, "amount_max": None, "currency": "GBP", "basis": "total"}],
                              {"min_weeks": 4, "max_weeks": 4}, "NP")
    assert line is None or "\n" not in line
    duration = structured_duration(facts)
    assert duration is None or (duration["min_weeks"] or 0) >= 0
