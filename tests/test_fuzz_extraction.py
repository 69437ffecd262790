"""The whole extraction under fuzzing: generated HTML through `extract_page`, and through the pipelines
into a catalog.

Two kinds of generated page: documents built from scratch (random nesting of real tags, tables, lists,
scripts, comments, CDATA, broken and stray tags, attributes, text from every Unicode plane with RTL,
combining marks and emoji, control characters, huge numbers, currency signs and codes in odd places,
fee and duration words, JSON-LD blobs of random JSON, charset declarations that lie), and the demo
sites' real program pages mutated (fragments spliced in anywhere, mid-tag included; numbers made huge;
signs swapped; spans cut or doubled), which reach the deep paths of the extractors that a page built
from nothing rarely classifies into.

The properties: no exception escapes `extract_page`; a program's record either validates or becomes a
`rejected` row with its reason; every page handed to the store is a `pages` row (never silently
dropped); and a stored program is whole (its fees, flags and search row match its record). Bounded by
example counts sized for CI (the figures go to tests/robustness_figures.py).
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robustness_figures import record_figures

from catalog.db import open_catalog
from catalog.queries import export_record
from catalog.store import _claims, _fee_rows, _flag_rows, content_hash, start_run, store_page
from pipelines.extract import Extraction, extract_page
from pipelines.scrapy_pipelines import ExtractPipeline, ValidatePipeline, validate_record

DEMO = Path(__file__).resolve().parent.parent / "demo" / "sites"
# The demo sites' program pages (and one listing), the seeds the mutation strategy starts from.
SEED_PAGES: list[str] = sorted(
    p.read_text(encoding="utf-8", errors="replace")
    for p in DEMO.rglob("*.html")
    if "program" in str(p.relative_to(DEMO)) and "/print/" not in str(p)
)

# Example counts: sized so the module runs in about 20-40 s on the 2-core CI machine.
DIRECT_EXAMPLES = 350
STORE_EXAMPLES = 200

# ------------------------------------------------------------------ text atoms

CURRENCY_SIGNS = ["$", "US$", "€", "£", "₹", "¥", "₩", "₱", "₦", "฿", "₫", "₵", "GH₵", "KSh", "TSh", "USh", "R",
                  "Rs.", "Rs", "₨", "S/.", "Rp", "RM", "A$", "NZ$", "MX$", "/-", "USD", "EUR", "GBP", "ZAR", "KES",
                  "INR", "XXX", "usd", "Eur", "dollars", "euros", "rand", "pesos", "kwacha", "shillings", "k", "K"]
FEE_WORDS = ["Program fee", "Programme fee:", "Price", "Cost", "per week", "/week", "a week", "per month", "pw",
             "registration fee", "deposit", "donation", "from", "only", "starting at", "total", "including",
             "excluding", "flights not included", "accommodation", "meals", "airport transfer", "insurance",
             "supervised by licensed doctors", "qualified nurses supervise", "you will observe", "hands-on",
             "suturing", "deliver babies", "no experience required", "minimum age 18", "aged 17+", "visa",
             "community benefit", "safety", "emergency", "Nursing", "Medical elective", "Dental", "Midwifery",
             "Ghana", "Kenya", "Nairobi", "Accra", "South Africa", "Cape Town", "Nepal", "Peru", "Cusco"]
DURATION_WORDS = ["weeks", "week", "wks", "months", "mths", "days", "fortnight", "years", "minimum", "maximum",
                  "min.", "max", "up to", "at least", "between", "to", "-", "–", "—", "or", "and", "+",
                  "or more", "no maximum", "as long as you like", "two", "twenty-one", "a", "an", "Duration:",
                  "Length of stay", "How long"]
ODD_TEXT = ["\u202e", "\u200f", "\u200e", "\u202d", "\u2066", "\u2069", "e\u0301\u0301\u0301", "\u0300", "\u200d",
            "\ufeff", "\u00ad", "\u00a0", "\u202f", "\u2028", "\u2029", "🩺", "💉🏥", "👩🏽‍⚕️", "\U0001f1ec\U0001f1ed",
            "رسوم البرنامج ٢٬٥٠٠ دولار لمدة ٤ أسابيع", "שכר לימוד 3,000 ₪ לשבוע", "２，０００円", "१२,३४५ रुपये",
            "٢٠٠٠", "²³", "Ⅻ weeks", "ſ", "K", "İ", "ﬃ", "𝟏𝟐 weeks", "\U00010000", "\U0010fffd", "&amp;", "&#x24;",
            "&#8364;", "&euro;", "&nbsp;", "&#0;", "&#xD800;", "&#1114112;", "&bogus;", "<", ">", "&", "]]>", "-->"]
CONTROL = ["\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\r", "\t", "\x9f"]


def _huge(spec: tuple[int, str]) -> str:
    digits, shape = spec
    return "9" * digits if shape == "9" else "1" + "0" * digits if shape == "1" else f"{10**digits:,}"


def numbers() -> st.SearchStrategy[str]:
    """Numbers as pages write them, and as they never should: grouped, spaced, huge, negative, exponent."""
    plain = st.integers(min_value=0, max_value=10**12).map(str)
    grouped = st.integers(min_value=1000, max_value=10**9).map(lambda n: f"{n:,}")
    european = st.integers(min_value=1000, max_value=10**7).map(lambda n: f"{n:,}".replace(",", ".") + ",00")
    spaced = st.integers(min_value=1000, max_value=10**7).map(lambda n: f"{n:,}".replace(",", " "))
    indian = st.sampled_from(["1,40,000", "12,34,56,789", "1,00,000.50"])
    # Past 308 digits a float is infinite: "10^400" written out, and its neighbours.
    huge = st.tuples(st.one_of(st.integers(min_value=16, max_value=450), st.sampled_from([308, 309, 310, 400, 1000])),
                     st.sampled_from(["9", "1", ","])).map(_huge)
    power = st.sampled_from(["10^400", "1e400", "1E+308", "1.8e308", "-1e400", "NaN", "nan", "Infinity", "inf",
                             "-0", "0", "0.00", "00000", "-5", "−250", "1/2", "½", "3.5", ".5", "5.", "1,2,3,4"])
    decimal = st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: f"{x:.2f}")
    return st.one_of(plain, grouped, european, spaced, indian, huge, power, decimal)


NUMBERS = numbers()


def money_text() -> st.SearchStrategy[str]:
    """A price with its sign before, after, doubled or far away, and ranges."""
    sign = st.sampled_from(CURRENCY_SIGNS)
    sep = st.sampled_from(["", " ", "\u00a0", "  ", "\n", "-", "<b>", "</span><span>"])
    return st.one_of(
        st.tuples(sign, sep, NUMBERS).map("".join),
        st.tuples(NUMBERS, sep, sign).map("".join),
        st.tuples(sign, NUMBERS, st.sampled_from([" - ", " to ", "–", " and "]), sign, NUMBERS).map("".join),
        st.tuples(NUMBERS, sign, NUMBERS, sign).map("".join),
        st.tuples(sign, sign, NUMBERS).map("".join),
    )


def duration_text() -> st.SearchStrategy[str]:
    count = st.one_of(NUMBERS, st.sampled_from(["one", "two", "twelve", "fifty-two", "a", "an", "zero"]))
    return st.lists(st.one_of(count, st.sampled_from(DURATION_WORDS)), min_size=1, max_size=7).map(" ".join)


MONEY = money_text()
unicode_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
atoms = st.one_of(
    unicode_text,
    st.sampled_from(FEE_WORDS),
    MONEY,
    duration_text(),
    st.sampled_from(ODD_TEXT),
    # Control characters (no NUL: the hostile-site suite serves those): lxml refuses them in a str, so a
    # page holding one is `unparsable`, and must still end as a rejected row with its reason.
    st.sampled_from(CONTROL).filter(lambda _: True),
)
text_run = st.lists(atoms, min_size=1, max_size=6).map(" ".join)

# ------------------------------------------------------------------ markup

CONTAINERS = ["div", "p", "span", "section", "article", "main", "header", "footer", "nav", "aside", "h1", "h2",
              "h3", "h4", "h6", "strong", "em", "b", "i", "a", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead",
              "tbody", "tr", "td", "th", "caption", "details", "summary", "blockquote", "pre", "code", "label",
              "button", "form", "select", "option", "figure", "figcaption", "time", "sup", "small", "font",
              "center", "marquee", "svg", "math", "template", "noscript", "iframe", "object", "textarea", "title",
              "body", "html", "head", "frameset", "xmp", "plaintext", "custom-element", "o:p"]
VOIDS = ["br", "hr", "img", "input", "meta", "link", "wbr", "col", "source", "base"]
ATTR_NAMES = ["class", "id", "role", "itemprop", "itemtype", "itemscope", "href", "src", "style", "lang", "dir",
              "hidden", "aria-hidden", "data-price", "content", "property", "name", "rel", "onclick", "x", "ÿ"]
ATTR_VALUES = ["", "price", "fees", "key-facts", "sidebar", "nav", "footer", "cookie-banner", "tabpanel",
               "w-tab-pane", "tab-pane", "offers", "https://schema.org/Course", "rtl", "display:none",
               "javascript:alert(1)", "//evil.test/", "mailto:x@y", "#", "../../../../etc/passwd", "canonical",
               "http://[oops/", "//[::1", "http://x:99999999/", "https://user@:80",
               "og:title", "og:locale", "en_ZA", "\"", "'", "<>", "9" * 60]


def attributes() -> st.SearchStrategy[str]:
    one = st.tuples(st.sampled_from(ATTR_NAMES), st.one_of(st.sampled_from(ATTR_VALUES), unicode_text),
                    st.sampled_from(['"', "'", ""])).map(
        lambda t: f" {t[0]}={t[2]}{t[1].replace(t[2], '') if t[2] else t[1].replace(' ', '')}{t[2]}")
    return st.lists(st.one_of(one, st.sampled_from([" itemscope", " hidden", " =", " a=b=c", " /"])),
                    max_size=3).map("".join)


ATTRIBUTES = attributes()


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
                        st.floats(allow_nan=False, allow_infinity=False), unicode_text, MONEY, NUMBERS)
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["@type", "@context", "@graph", "name", "offers", "price", "priceCurrency",
                                         "duration", "timeRequired", "address", "addressCountry", "description",
                                         "provider", "url", "x"]), inner, max_size=5),
    ), max_leaves=12)


JSON_VALUES = json_values()


def json_ld() -> st.SearchStrategy[str]:
    course = st.fixed_dictionaries({
        "@context": st.sampled_from(["https://schema.org", "http://schema.org/", "", "nope"]),
        "@type": st.sampled_from(["Course", "Product", "Event", "Offer", ["Course", "Thing"], 5, None]),
        "name": st.one_of(unicode_text, st.sampled_from(FEE_WORDS)),
        "offers": st.one_of(JSON_VALUES, st.fixed_dictionaries({
            "@type": st.just("Offer"), "price": st.one_of(NUMBERS, st.integers(), st.floats()),
            "priceCurrency": st.sampled_from(CURRENCY_SIGNS)})),
    })
    body = st.one_of(course.map(lambda d: json.dumps(d, ensure_ascii=False, allow_nan=True)),
                     JSON_VALUES.map(lambda v: json.dumps(v, ensure_ascii=False)),
                     st.sampled_from(["{", "[1,2", "{\"@type\": \"Course\", \"offers\": {\"price\": 1e999}}",
                                      "NaN", "</script><h1>escaped</h1>", "<!--", "{\"a\": \"\\ud800\"}"]))
    return body.map(lambda b: f'<script type="application/ld+json">{b}</script>')


JSON_LD = json_ld()


def nodes() -> st.SearchStrategy[str]:
    def wrap(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        element = st.tuples(st.sampled_from(CONTAINERS), ATTRIBUTES, st.lists(children, max_size=4),
                            st.sampled_from(["close", "close", "close", "open", "mismatched"])).map(_element)
        table = st.lists(st.lists(children, min_size=1, max_size=3), min_size=1, max_size=4).map(
            lambda rows: "<table>" + "".join(
                "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows) + "</table>")
        listing = st.lists(children, min_size=1, max_size=4).map(
            lambda items: "<ul>" + "".join(f"<li>{i}" for i in items) + "</ul>")
        return st.one_of(element, table, listing)

    leaves = st.one_of(
        text_run,
        st.tuples(st.sampled_from(VOIDS), ATTRIBUTES).map(lambda t: f"<{t[0]}{t[1]}>"),
        text_run.map(lambda t: f"<!-- {t} -->"),
        text_run.map(lambda t: f"<![CDATA[{t}]]>"),
        text_run.map(lambda t: f"<script>var price = '{t}'; // {t}</script>"),
        text_run.map(lambda t: f"<style>.x::after {{ content: '{t}' }}</style>"),
        JSON_LD,
        st.sampled_from(["</div>", "</p></p>", "<p", "<div class=", "<<>>", "</>", "<!", "<!-->", "<?php echo 1 ?>",
                         "<![CDATA[", "</html>", "<body>", "<h1>", "</td></tr></table>", "<a href='x", "&", "&#",
                         "<br/>", "<img src=x onerror=alert(1)>", "<svg><foreignObject><p>x</p></svg>",
                         "<math><mi>x</mi></math>", "<frameset>", "<plaintext>"]),
    )
    return st.recursive(leaves, wrap, max_leaves=30)


def _element(parts: tuple[str, str, list[str], str]) -> str:
    tag, attrs, children, ending = parts
    inner = "".join(children)
    if ending == "open":
        return f"<{tag}{attrs}>{inner}"
    if ending == "mismatched":
        return f"<{tag}{attrs}>{inner}</{'div' if tag != 'div' else 'span'}>"
    return f"<{tag}{attrs}>{inner}</{tag}>"


NODES = nodes()


CHARSETS = ["utf-8", "UTF-16", "utf-32", "shift_jis", "iso-8859-1", "windows-1252", "koi8-r", "x-bogus", "",
            "utf-7", "gb18030", "\"utf-8", "utf-8; charset=latin1"]


@st.composite
def built_documents(draw: st.DrawFn) -> str:
    """A document built from nothing: optional doctype, head with charset (maybe a lie), title, meta, JSON-LD."""
    head: list[str] = []
    if draw(st.booleans()):
        head.append(f'<meta charset="{draw(st.sampled_from(CHARSETS))}">')
    if draw(st.booleans()):
        head.append(f'<meta http-equiv="Content-Type" content="text/html; charset={draw(st.sampled_from(CHARSETS))}">')
    if draw(st.booleans()):
        head.append(f"<title>{draw(text_run)}</title>")
    for prop in draw(st.lists(st.sampled_from(["og:title", "og:site_name", "og:locale", "description"]),
                              max_size=3)):
        head.append(f'<meta property="{prop}" content="{draw(text_run).replace(chr(34), "")}">')
    head += draw(st.lists(JSON_LD, max_size=2))
    body = "".join(draw(st.lists(NODES, min_size=1, max_size=6)))
    doctype = draw(st.sampled_from(["<!DOCTYPE html>", "", "<!doctype>", "<?xml version='1.0' encoding='utf-8'?>",
                                    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\">"]))
    shape = draw(st.sampled_from(["full", "full", "no-head", "fragment", "two-bodies"]))
    if shape == "full":
        return f"{doctype}<html><head>{''.join(head)}</head><body>{body}</body></html>"
    if shape == "no-head":
        return f"{doctype}{''.join(head)}{body}"
    if shape == "two-bodies":
        return f"<html><body>{body}</body><body>{''.join(head)}</body></html><html>{body}</html>"
    return body


SPLICE = st.one_of(NODES, text_run)
_NUMBER = re.compile(r"\d+(?:[,.]\d+)*")


@st.composite
def mutated_pages(draw: st.DrawFn) -> str:
    """A real program page of the demo sites, mutated: splices anywhere (mid-tag too), huge numbers, cuts."""
    page = draw(st.sampled_from(SEED_PAGES))
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if not page:
            break
        op = draw(st.sampled_from(["insert", "insert", "digits", "renumber", "renumber", "sign", "cut", "double",
                                   "truncate"]))
        at = draw(st.integers(min_value=0, max_value=len(page)))
        if op == "insert":
            page = page[:at] + draw(SPLICE) + page[at:]
        elif op == "digits":
            # The next run of digits after `at` becomes a huge (or odd) number.
            start = next((i for i in range(at, len(page)) if page[i].isdigit()), None)
            if start is not None:
                end = start
                while end < len(page) and page[end].isdigit():
                    end += 1
                page = page[:start] + draw(NUMBERS) + page[end:]
        elif op == "renumber":
            # One of the page's numbers (a price, a length) becomes another everywhere it is written.
            found = sorted(set(_NUMBER.findall(page)))
            if found:
                page = page.replace(draw(st.sampled_from(found)), draw(NUMBERS))
        elif op == "sign":
            page = page[:at] + draw(st.sampled_from(CURRENCY_SIGNS)) + page[at:]
        elif op == "cut":
            page = page[:at] + page[at + draw(st.integers(min_value=1, max_value=400)):]
        elif op == "double":
            page = page[:at] + page[at:at + 300] + page[at:]
        else:
            page = page[:at]
    return page


documents = st.one_of(built_documents(), mutated_pages())


@st.composite
def encoded(draw: st.DrawFn) -> tuple[str | bytes, str | None]:
    """The page as a str, or as bytes in some encoding with the `encoding` argument telling the truth or not."""
    html = draw(documents)
    how = draw(st.sampled_from(["str", "str", "str", "utf-8", "utf-16", "cp1252", "lie", "bogus"]))
    if how == "str":
        return html, None
    if how == "utf-8":
        return html.encode("utf-8", "surrogatepass"), draw(st.sampled_from([None, "utf-8"]))
    if how == "utf-16":
        return html.encode("utf-16", "surrogatepass"), draw(st.sampled_from([None, "utf-16"]))
    if how == "cp1252":
        return html.encode("cp1252", "replace"), draw(st.sampled_from([None, "cp1252", "latin-1"]))
    if how == "lie":
        return html.encode("utf-8", "surrogatepass"), draw(st.sampled_from(["utf-16", "utf-32", "ascii", "shift_jis"]))
    return html.encode("utf-8", "surrogatepass"), "x-no-such-encoding"


# ------------------------------------------------------------------ checks


def _finite_json(value: Any) -> None:
    """What the catalog stores and exports must be strict JSON: no NaN or Infinity anywhere."""
    json.dumps(value, allow_nan=False)


def _check_extraction(result: Extraction) -> str:
    """Invariants of one extraction; returns its outcome for the figures."""
    assert isinstance(result, Extraction)
    assert isinstance(result.kind, str) and result.kind
    assert isinstance(result.why, str)
    if result.error is not None:
        # A failure (parse or extractor) is never a program, and carries its reason for the rejected row.
        assert not result.is_program and result.error.strip()
        return f"failed:{result.kind}"
    if not result.is_program:
        assert result.record is None
        return f"page:{result.kind}"
    assert result.record is not None and isinstance(result.main_text, str)
    valid, reason = validate_record(result.record)
    if valid is None:
        assert reason and reason.strip()
        return "program:invalid"
    _finite_json(valid)
    for fee in valid["fees"]:
        assert math.isfinite(fee["amount"]) and fee["amount"] >= 0
    if valid["duration"]:
        for bound in (valid["duration"]["min_weeks"], valid["duration"]["max_weeks"]):
            assert bound is None or (math.isfinite(bound) and bound > 0)
    return "program:valid"


class Figures:
    """What the fuzzing ran: examples, time, outcomes (reported, not asserted)."""

    def __init__(self) -> None:
        self.examples: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()


FIGURES = Figures()


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    if FIGURES.examples:
        record_figures("fuzz_extraction", {
            "examples": dict(FIGURES.examples),
            "examples_total": sum(FIGURES.examples.values()),
            "seconds": {k: round(v, 1) for k, v in FIGURES.seconds.items()},
            "seconds_total": round(sum(FIGURES.seconds.values()), 1),
            "outcomes": dict(sorted(FIGURES.outcomes.items())),
        })


@settings(max_examples=DIRECT_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(encoded())
def test_extract_page_never_raises(doc: tuple[str | bytes, str | None]) -> None:
    html, encoding = doc
    started = time.perf_counter()
    result = extract_page(html, "https://fuzz.test/programs/elective-in-ghana", encoding)
    outcome = _check_extraction(result)
    FIGURES.seconds["extract_page"] += time.perf_counter() - started
    FIGURES.examples["extract_page"] += 1
    FIGURES.outcomes[outcome] += 1


# ------------------------------------------------------------------ through the pipelines into a catalog


class Store:
    def __init__(self, path: Path) -> None:
        self.db = open_catalog(path)
        self.run_id = start_run(self.db, ["https://fuzz.test/"])
        self.pages_in = 0


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = Store(tmp_path_factory.mktemp("fuzz-store") / "catalog.db")
    yield s
    s.db.close()


def _count(store: Store, sql: str, params: list[Any]) -> int:
    return int(store.db.execute(sql, params).fetchone()[0])


def _check_program_whole(store: Store, url: str) -> None:
    """The program row and everything derived from its record were written together."""
    pid, raw, digest = store.db.execute("SELECT id, record, content_hash FROM programs WHERE url = ?",
                                        [url]).fetchone()
    record = json.loads(raw)
    assert content_hash(record) == digest
    fees = [tuple(r) for r in store.db.execute(
        "SELECT program_url, position, amount, amount_max, currency, basis, kind, weeks, evidence FROM fees "
        "WHERE program_url = ? ORDER BY position", [url]).fetchall()]
    assert fees == [tuple(r.values()) for r in _fee_rows(url, record)]
    flags = sorted(tuple(r) for r in store.db.execute(
        "SELECT program_url, code, severity, evidence FROM flags WHERE program_url = ?", [url]).fetchall())
    assert flags == sorted(tuple(r.values()) for r in _flag_rows(url, record))
    claims = sorted(tuple(r) for r in store.db.execute(
        "SELECT program_url, field, value, evidence FROM claims WHERE program_url = ?", [url]).fetchall())
    assert claims == sorted(tuple(r.values()) for r in _claims(url, record))
    assert _count(store, "SELECT count(*) FROM programs_fts WHERE rowid = ?", [pid]) == 1
    # The derived prices and the export shape are finite numbers too (a huge daily rate x 7 is not).
    row = next(iter(store.db.query("SELECT * FROM programs WHERE id = ?", [pid])))
    for column in ("price_per_week", "price_per_week_eur", "price_4_weeks", "price_4_weeks_eur"):
        assert row[column] is None or math.isfinite(row[column]), (column, row[column])
    _finite_json(export_record(row))


@settings(max_examples=STORE_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(documents)
def test_every_fuzzed_page_is_stored_never_dropped(store: Store, html: str) -> None:
    started = time.perf_counter()
    store.pages_in += 1
    url = f"https://fuzz.test/programs/p{store.pages_in}"
    item: dict[str, Any] = {"url": url, "fetched_url": url, "status": 200, "html": html, "encoding": "utf-8",
                            "etag": None, "last_modified": None, "fetched_at": "2026-03-01T10:00:00Z", "depth": 1,
                            "site": "https://fuzz.test"}
    for pipeline in (ExtractPipeline(), ValidatePipeline()):
        item = pipeline.process_item(item)
    outcome = store_page(store.db, store.run_id, item)

    # Never silently dropped: one pages row per page handed over, whatever became of it.
    assert _count(store, "SELECT count(*) FROM pages", []) == store.pages_in
    kind = store.db.execute("SELECT kind FROM pages WHERE url = ?", [url]).fetchone()[0]
    assert kind == item["extraction"]["kind"]
    rejected = store.db.execute("SELECT reason FROM rejected WHERE url = ?", [url]).fetchall()
    programs = _count(store, "SELECT count(*) FROM programs WHERE url = ?", [url])
    if "record" in item:
        assert outcome == "new" and programs == 1 and rejected == []
        _check_program_whole(store, url)
    elif "rejected" in item:
        # Every failure (unparsable page, extractor crash, invalid record) is a rejected row with its reason.
        assert outcome == "rejected" and programs == 0
        assert [r[0] for r in rejected] == [item["rejected"]["reason"]] and rejected[0][0].strip()
    else:
        assert outcome == "page" and programs == 0 and rejected == []
    FIGURES.seconds["store"] += time.perf_counter() - started
    FIGURES.examples["store"] += 1
    FIGURES.outcomes[f"stored:{outcome}"] += 1


# ------------------------------------------------------------------ what the fuzzing found, kept as plain cases

FOUND = {
    # A price written with 309+ digits was an infinite amount, stored and exported as JSON's Infinity.
    "infinite price": ("1,490", "9" * 400),
    # One link no URL can be made of made the whole page unparsable, its program a rejection.
    "broken link": ("</h1>", '</h1><a href="http://[oops/">x</a>'),
    "broken canonical": ("</h1>", '</h1><link rel="canonical" href="//[::1">'),
}


@pytest.mark.parametrize("case", list(FOUND))
def test_what_the_fuzzing_found(case: str) -> None:
    old, new = FOUND[case]
    page = (DEMO / "kestrel-electives/programmes/uganda/medical-elective-mbarara.html").read_text(encoding="utf-8")
    assert old in page
    result = extract_page(page.replace(old, new), "https://fuzz.test/programmes/uganda/medical-elective-mbarara.html")
    assert _check_extraction(result) == "program:valid", result.error
