"""Pages in the encodings providers actually serve, and structured data markup that must not break a page.

What structured data says about the program is tested in test_structured.py."""

from __future__ import annotations

import json

import pytest

from pipelines.page import parse_html

URL = "https://provider.example/programs/nursing-elective-kathmandu.html"


def _page(body: str, jsonld: dict | None = None, head: str = "") -> str:
    script = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>' if jsonld else ""
    return (f"<html><head><title>Nursing Elective in Kathmandu</title>{head}{script}</head><body><main>"
            f"<h1>Nursing Elective in Kathmandu</h1>{body}</main></body></html>")


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


def test_no_itemscope_no_microdata() -> None:
    assert parse_html(_page("<p>Plain page.</p>"), URL).jsonld == []


@pytest.mark.parametrize(
    ("head", "prefix", "text"),
    [
        # Decoded text, whatever the page declared: the declaration must not make lxml decode it again.
        pytest.param('<meta charset="windows-1252">', "", PRICE_TEXT, id="cp1252-declared-str"),
        pytest.param('<meta charset="iso-8859-1">', "", "Ünterkunft in Łódź, 学生 and ✓ €1.650",
                     id="latin1-declared-str"),
        pytest.param("", '<?xml version="1.0" encoding="iso-8859-1"?>\n', PRICE_TEXT, id="xml-declaration-str"),
        pytest.param("", "", "Fee \udcff £1,490 for four weeks.", id="lone-surrogate-str"),
    ],
)
def test_a_str_page_keeps_its_text(head: str, prefix: str, text: str) -> None:
    page = parse_html(prefix + _page(f"<p>{text}</p>", head=head), URL)
    assert text.replace("\udcff", "") in page.text.replace("\udcff", "").replace("\ufffd", "")
    assert page.title == "Nursing Elective in Kathmandu"
