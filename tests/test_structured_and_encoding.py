"""Structured data as a second witness, and pages in the encodings providers actually serve."""

from __future__ import annotations

import json

import pytest

from pipelines.page import parse_html
from pipelines.structured import compare_offers, structured_offers

URL = "https://provider.example/programs/nursing-elective-kathmandu.html"


def _page(body: str, jsonld: dict | None = None, head: str = "") -> str:
    script = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>' if jsonld else ""
    return (f"<html><head><title>Nursing Elective in Kathmandu</title>{head}{script}</head><body><main>"
            f"<h1>Nursing Elective in Kathmandu</h1>{body}</main></body></html>")


OFFER = {"@context": "https://schema.org", "@type": "Course", "name": "Nursing Elective",
         "offers": {"@type": "Offer", "price": "1490", "priceCurrency": "GBP"}}


@pytest.mark.parametrize(
    ("jsonld", "expected"),
    [
        pytest.param(OFFER, [(1490.0, "GBP")], id="course-offer"),
        pytest.param({"@type": "Product", "offers": [{"price": "18.00", "priceCurrency": "eur"}]},
                     [(18.0, "EUR")], id="product-offer-list-lowercase-code"),
        pytest.param({"@graph": [{"@type": "WebPage"}, {"@type": "Product", "offers": {"lowPrice": "2,190",
                      "priceCurrency": "USD"}}]}, [(2190.0, "USD")], id="graph-low-price"),
        pytest.param({"@type": "Product", "offers": {"priceSpecification": {"price": 22, "priceCurrency": "EUR"}}},
                     [(22.0, "EUR")], id="price-specification"),
        pytest.param({"@type": "Organization", "name": "X"}, [], id="organisation-no-offer"),
        pytest.param({"@type": "Product", "offers": {"price": "call us", "priceCurrency": "USD"}}, [],
                     id="non-numeric-price"),
    ],
)
def test_structured_offers(jsonld: dict, expected: list) -> None:
    assert structured_offers(parse_html(_page("<p>x</p>", jsonld), URL)) == expected


def test_agreement_and_disagreement_are_recorded() -> None:
    page = parse_html(_page("<p>x</p>", OFFER), URL)
    assert "agrees" in (compare_offers(page, [{"amount": 1490, "currency": "GBP"}]) or "")
    verdict = compare_offers(page, [{"amount": 1390, "currency": "GBP"}])
    assert verdict is not None and "disagrees" in verdict and "1490 GBP" in verdict
    assert compare_offers(parse_html(_page("<p>x</p>"), URL), []) is None


def test_broken_jsonld_does_not_break_the_page() -> None:
    html = _page("<p>Our programme fee is £1,490 for four weeks.</p>").replace(
        "</head>", '<script type="application/ld+json">{"@type": "Product", "offers": {</script></head>')
    assert parse_html(html, URL).jsonld == []


PRICE_TEXT = "The programme fee is £1,490 (or €1.650) for four weeks – “all inclusive”."
LATIN1_TEXT = "The programme fee is £1,490 for four weeks, see the café’s notice.".replace("’", "'")


@pytest.mark.parametrize(
    ("encoding", "declare", "text"),
    [
        pytest.param("windows-1252", "meta-charset", PRICE_TEXT, id="cp1252-meta-charset"),
        pytest.param("windows-1252", "http-equiv", PRICE_TEXT, id="cp1252-http-equiv"),
        pytest.param("iso-8859-1", "meta-charset", LATIN1_TEXT, id="latin1-meta"),
        pytest.param("iso-8859-1", "header", LATIN1_TEXT, id="latin1-by-header-only"),
        pytest.param("utf-8", "meta-charset", PRICE_TEXT, id="utf8-meta"),
        pytest.param("windows-1252", "header", PRICE_TEXT, id="cp1252-by-header-only"),
        pytest.param("utf-8", "header", PRICE_TEXT, id="utf8-by-header-only"),
    ],
)
def test_declared_encodings_decode_symbols_and_quotes(encoding: str, declare: str, text: str) -> None:
    head = {"meta-charset": f'<meta charset="{encoding}">',
            "http-equiv": f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">',
            "header": ""}[declare]
    raw = _page(f"<p>{text}</p>", head=head).encode(encoding)
    page = parse_html(raw, URL, encoding=encoding if declare == "header" else None)
    assert text in page.text


def test_a_cp1252_page_yields_its_pound_fee() -> None:
    from pipelines.fees import extract_fees
    from pipelines.money import context_for

    raw = _page("<h2>Fees</h2><p>The programme fee is £1,490 for four weeks.</p>",
                head='<meta charset="windows-1252">').encode("cp1252")
    page = parse_html(raw, URL)
    fees = extract_fees(page, context_for(page.text, "NP", page.host))
    assert [(f["amount"], f["currency"], f["weeks"]) for f in fees] == [(1490, "GBP", 4)]


MICRODATA = (
    '<div itemscope itemtype="https://schema.org/Course"><span itemprop="name">Nursing Elective</span>'
    '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price" content="1490">'
    '£1,490</span><meta itemprop="priceCurrency" content="GBP"></div>'
    '<div itemprop="provider" itemscope itemtype="https://schema.org/Organization">'
    '<span itemprop="name">Blue Ridge Placements</span></div></div>'
)


def test_microdata_reads_like_jsonld() -> None:
    from pipelines.provider import extract_provider

    page = parse_html(_page(MICRODATA + "<p>The fee is £1,490 for four weeks.</p>"), URL)
    assert structured_offers(page) == [(1490.0, "GBP")]
    assert extract_provider(page)[0] == "Blue Ridge Placements"


def test_no_itemscope_no_microdata() -> None:
    assert parse_html(_page("<p>Plain page.</p>"), URL).jsonld == []
