"""Price mentions in text (pipelines.money): table-driven cases and property tests.

Expected values follow the labelling guide (shared corpus LABELS.md): amounts in
the currency's main unit, a range folded into one mention with amount_max, a bare
"$" meaning USD unless the page plainly prices in another dollar, "R" rand only
on South African pages, "Rs" following the site's country.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.money import CurrencyContext, context_for, find_money

DEFAULT = CurrencyContext()
ZA = CurrencyContext(rand_ok=True)
LK = CurrencyContext(rupee="LKR")
NP = CurrencyContext(rupee="NPR")
KE = CurrencyContext(shilling="KES")
CN = CurrencyContext(yen="CNY")
AU = CurrencyContext(dollar="AUD")

Got = list[tuple[float, float | None, str | None]]


def _read(text: str, ctx: CurrencyContext) -> Got:
    return [(m.amount, m.amount_max, m.currency) for m in find_money(text, ctx)]


def _case(text: str, ctx: CurrencyContext, expected: Got, id: str, xfail: str | None = None) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(text, ctx, expected, id=id, marks=marks)


MONEY_CASES = [
    # --- symbols before the number
    _case("Programme fee: $2,195", DEFAULT, [(2195, None, "USD")], "dollar-comma"),
    _case("only $ 1,050 for the fortnight", DEFAULT, [(1050, None, "USD")], "dollar-space"),
    _case("costs $\u00a02,195 in total", DEFAULT, [(2195, None, "USD")], "dollar-nbsp"),
    _case("US$1,200 all inclusive", DEFAULT, [(1200, None, "USD")], "us-dollar"),
    _case("fee US$ 850", DEFAULT, [(850, None, "USD")], "us-dollar-space"),
    _case("A$3,400 for six weeks", DEFAULT, [(3400, None, "AUD")], "aud-sign"),
    _case("C$1,800 per month", DEFAULT, [(1800, None, "CAD")], "cad-sign"),
    _case("NZ$2,000", DEFAULT, [(2000, None, "NZD")], "nzd-sign"),
    _case("The placement is £1,645.", DEFAULT, [(1645, None, "GBP")], "pound"),
    _case("£245 a week", DEFAULT, [(245, None, "GBP")], "pound-small"),
    _case("€980 for two weeks", DEFAULT, [(980, None, "EUR")], "euro-prefix"),
    _case("€1,450.50", DEFAULT, [(1450.5, None, "EUR")], "euro-prefix-cents"),
    _case("₹45,000 per month", DEFAULT, [(45000, None, "INR")], "rupee-sign"),
    _case("₹ 75,000", DEFAULT, [(75000, None, "INR")], "rupee-sign-space"),
    _case("Rs 35,000 for four weeks", DEFAULT, [(35000, None, "INR")], "rs-india-default"),
    _case("Rs. 12,500 per week", LK, [(12500, None, "LKR")], "rs-dot-sri-lanka"),
    _case("Rs 20,000", NP, [(20000, None, "NPR")], "rs-nepal"),
    _case("R 18 500 for two weeks", ZA, [(18500, None, "ZAR")], "rand-spaced"),
    _case("R18500", ZA, [(18500, None, "ZAR")], "rand-tight"),
    _case("R 2,300 per week", ZA, [(2300, None, "ZAR")], "rand-comma"),
    _case("KSh 45,000 a month", DEFAULT, [(45000, None, "KES")], "ksh-space"),
    _case("KSh45,000", DEFAULT, [(45000, None, "KES")], "ksh-tight"),
    _case("GH₵ 2,500", DEFAULT, [(2500, None, "GHS")], "cedi"),
    _case("GH₵900 per week", DEFAULT, [(900, None, "GHS")], "cedi-tight"),
    _case("₱25,000 per month", DEFAULT, [(25000, None, "PHP")], "peso"),
    _case("₩1,500,000", DEFAULT, [(1500000, None, "KRW")], "won"),
    _case("¥150,000", DEFAULT, [(150000, None, "JPY")], "yen-default"),
    _case("¥8,000 per week", CN, [(8000, None, "CNY")], "yuan-china"),
    # --- codes before and after
    _case("USD 1,250 for 4 weeks", DEFAULT, [(1250, None, "USD")], "code-before"),
    _case("1,250 USD for 4 weeks", DEFAULT, [(1250, None, "USD")], "code-after"),
    _case("EUR 900", DEFAULT, [(900, None, "EUR")], "eur-before"),
    _case("900 EUR", DEFAULT, [(900, None, "EUR")], "eur-after"),
    _case("GBP 1,100", DEFAULT, [(1100, None, "GBP")], "gbp-before"),
    _case("2,190 AUD per month", DEFAULT, [(2190, None, "AUD")], "aud-after"),
    _case("$2,190 AUD", DEFAULT, [(2190, None, "AUD")], "sign-then-code"),
    _case("NPR 15,000", DEFAULT, [(15000, None, "NPR")], "npr-code"),
    _case("KES 30,000 and TZS 400,000", DEFAULT, [(30000, None, "KES"), (400000, None, "TZS")], "two-codes"),
    _case("UGX 500,000", DEFAULT, [(500000, None, "UGX")], "ugx-code"),
    _case("CHF 1'200", DEFAULT, [(1200, None, "CHF")], "chf-apostrophe"),
    # --- European formats
    _case("1.450 €", DEFAULT, [(1450, None, "EUR")], "eu-dot-thousands-suffix"),
    _case("€1.450,00", DEFAULT, [(1450, None, "EUR")], "eu-dot-comma-cents"),
    _case("1.200 € für vier Wochen", DEFAULT, [(1200, None, "EUR")], "eu-german-sentence"),
    _case("Weekly rate: €245,00", DEFAULT, [(245, None, "EUR")], "eu-comma-cents"),
    _case("1 450 €", DEFAULT, [(1450, None, "EUR")], "eu-space-thousands"),
    _case("1\u202f450 €", DEFAULT, [(1450, None, "EUR")], "eu-narrow-nbsp-thousands"),
    _case("2.350 EUR", DEFAULT, [(2350, None, "EUR")], "eu-dot-code-after"),
    # --- spaced thousands and lakh grouping
    _case("R 18 500", ZA, [(18500, None, "ZAR")], "spaced-thousands"),
    _case("R 1 250 000", ZA, [(1250000, None, "ZAR")], "spaced-millions"),
    _case("₹1,40,000", DEFAULT, [(140000, None, "INR")], "lakh"),
    _case("Rs. 1,25,000 for eight weeks", DEFAULT, [(125000, None, "INR")], "lakh-rs"),
    _case("₹12,50,000", DEFAULT, [(1250000, None, "INR")], "lakh-twelve"),
    # --- words
    _case("5,000 rupees a month", DEFAULT, [(5000, None, "INR")], "word-rupees"),
    _case("3,000 rand", DEFAULT, [(3000, None, "ZAR")], "word-rand"),
    _case("200 euros", DEFAULT, [(200, None, "EUR")], "word-euros"),
    _case("1,200 pounds", DEFAULT, [(1200, None, "GBP")], "word-pounds"),
    _case("950 dollars", DEFAULT, [(950, None, "USD")], "word-dollars"),
    _case("950 dollars", AU, [(950, None, "AUD")], "word-dollars-au-site"),
    _case("45,000 shillings", KE, [(45000, None, "KES")], "word-shillings-kenya"),
    _case("2,500 cedis", DEFAULT, [(2500, None, "GHS")], "word-cedis"),
    _case("Rs 5000/-", DEFAULT, [(5000, None, "INR")], "indian-slash-dash"),
    # --- ranges
    _case("$5 to $15 per day", DEFAULT, [(5, 15, "USD")], "range-to"),
    _case("€10–20", DEFAULT, [(10, 20, "EUR")], "range-en-dash-bare-upper"),
    _case("$5-$15", DEFAULT, [(5, 15, "USD")], "range-hyphen"),
    _case("£200 - £300", DEFAULT, [(200, 300, "GBP")], "range-spaced-hyphen"),
    _case("USD 300–500", DEFAULT, [(300, 500, "USD")], "range-code"),
    _case("from $1,050 to $2,100", DEFAULT, [(1050, 2100, "USD")], "range-thousands"),
    _case("between £700 and £900", DEFAULT, [(700, 900, "GBP")], "range-between-and"),
    _case("R 150 – R 300 per outreach day", ZA, [(150, 300, "ZAR")], "range-rand"),
    # --- several prices in one sentence
    _case("£1,645 for 2 weeks and £245 each additional week", DEFAULT,
          [(1645, None, "GBP"), (245, None, "GBP")], "two-prices"),
    _case("2 weeks from $1,050", DEFAULT, [(1050, None, "USD")], "weeks-before-price"),
    _case("US$1,200 (about €1,100)", DEFAULT, [(1200, None, "USD"), (1100, None, "EUR")], "conversion"),
    _case("$1,000 - 2 weeks", DEFAULT, [(1000, None, "USD")], "price-dash-weeks-not-range"),
    _case("an application fee of $50 and $300 as a deposit", DEFAULT, [(50, None, "USD"), (300, None, "USD")],
          "and-joins-two-charges"),
    _case("$2k for the month", DEFAULT, [(2000, None, "USD")], "k-suffix"),
    _case("$1,234,567", DEFAULT, [(1234567, None, "USD")], "millions"),
    _case("$2,450.00", DEFAULT, [(2450, None, "USD")], "cents-zero"),
    # --- must NOT produce money
    _case("Groups of four save 10% on the fee", DEFAULT, [], "percentage"),
    _case("15% of the fee goes to the hospital", DEFAULT, [], "percentage-of-fee"),
    _case("Founded in 2009, we have placed 4,000 students", DEFAULT, [], "year-and-count"),
    _case("Call +254 712 345 678 or +44 20 7946 0958", DEFAULT, [], "phone-numbers"),
    _case("Call +27 21 555 0199", ZA, [], "phone-south-africa"),
    _case("2 weeks", DEFAULT, [], "weeks"),
    _case("Our R&D department in Cape Town", ZA, [], "r-and-d"),
    _case("You will share room 12 with another intern", DEFAULT, [], "room-number"),
    _case("Start dates: 12/03/2025 or 01.06.2025", DEFAULT, [], "dates"),
    _case("Fees are quoted in Rs and payable on arrival", DEFAULT, [], "rs-without-number"),
    _case("Prices in $ are indicative", DEFAULT, [], "dollar-without-number"),
    _case("Ward R 12 on the second floor", DEFAULT, [], "r-not-south-africa"),
    _case("Take the R61 road to Mthatha", ZA, [], "south-african-road-number"),
    _case("Ages 18 to 65 welcome", DEFAULT, [], "ages"),
    _case("The USDA guidelines from 2019", DEFAULT, [], "code-inside-word"),
    _case("a level 3 hospital with 250 beds", DEFAULT, [], "counts"),
    _case("COVID-19 vaccination is required", DEFAULT, [], "covid-19"),
    _case("1,000 patients a day", DEFAULT, [], "plain-number"),
    _case("open 24/7", DEFAULT, [], "twenty-four-seven"),
    _case("", DEFAULT, [], "empty"),
]


@pytest.mark.parametrize(("text", "ctx", "expected"), MONEY_CASES)
def test_find_money(text: str, ctx: CurrencyContext, expected: Got) -> None:
    assert _read(text, ctx) == expected


def test_find_money_default_context_is_usd() -> None:
    (m,) = find_money("$300")
    assert (m.amount, m.currency) == (300, "USD")


def test_find_money_span_covers_the_mention() -> None:
    text = "The fee is £1,645 for two weeks."
    (m,) = find_money(text)
    assert text[m.start:m.end].strip() == "£1,645"
    assert m.raw.strip() == "£1,645"


def test_range_span_covers_both_ends() -> None:
    text = "Outreach days cost $5 to $15 each."
    (m,) = find_money(text)
    assert text[m.start:m.end] == "$5 to $15"


# --- context_for: what a bare sign means on the page

CONTEXT_CASES = [
    pytest.param("All prices are in Australian dollars. The fee is $3,200.", None, "", "$3,200", "AUD",
                 id="stated-australian-dollars"),
    pytest.param("Fees (AUD) are listed below: $3,200", None, "", "$3,200", "AUD", id="stated-aud-parenthesis"),
    pytest.param("Prices in NZD. Four weeks $2,800.", None, "", "$2,800", "NZD", id="stated-prices-in-nzd"),
    pytest.param("All prices are in Canadian dollars.", None, "", "$1,900", "CAD", id="stated-canadian"),
    pytest.param("The fee is $2,900.", None, "www.medicalplacements.com.au", "$2,900", "AUD", id="com-au-host"),
    pytest.param("The fee is $2,900.", None, "electives.co.nz:8443", "$2,900", "NZD", id="co-nz-host-port"),
    pytest.param("The fee is $2,900.", None, "www.electives.com", "$2,900", "USD", id="com-host-usd"),
    pytest.param("All our fees are in US dollars.", None, "www.medicalplacements.com.au", "$2,900", "USD",
                 id="us-dollars-on-au-host"),
    pytest.param("Fee Rs 40,000", "IN", "", "Rs 40,000", "INR", id="rs-india"),
    pytest.param("Fee Rs 40,000", "LK", "", "Rs 40,000", "LKR", id="rs-sri-lanka"),
    pytest.param("Fee Rs 40,000", "NP", "", "Rs 40,000", "NPR", id="rs-nepal"),
    pytest.param("Fee 40,000 shillings", "TZ", "", "40,000 shillings", "TZS", id="shillings-tanzania"),
    pytest.param("Hospital placement in Durban", "ZA", "", "R 9 800", "ZAR", id="rand-by-country"),
    pytest.param("Our clinics in South Africa", None, "", "R 9 800", "ZAR", id="rand-by-text"),
    pytest.param("Fees: ¥6,000 a week", "CN", "", "¥6,000", "CNY", id="yuan-in-china"),
]


@pytest.mark.parametrize(("page_text", "country", "host", "price", "currency"), CONTEXT_CASES)
def test_context_for(page_text: str, country: str | None, host: str, price: str, currency: str) -> None:
    ctx = context_for(page_text, country, host)
    found = find_money(price, ctx)
    assert [m.currency for m in found] == [currency]


def test_context_for_defaults() -> None:
    ctx = context_for("Nursing placement in Kathmandu. Fee $1,200.")
    assert ctx.dollar == "USD"
    assert ctx.rand_ok is False
    assert ctx.shilling is None


def test_rand_off_without_south_africa() -> None:
    ctx = context_for("Nursing placement in Kathmandu", "NP", "")
    assert find_money("R 9 800", ctx) == []


# --- properties

@settings(max_examples=200, deadline=None)
@given(st.text())
def test_find_money_never_raises(text: str) -> None:
    for m in find_money(text):
        assert 0 <= m.start <= m.end <= len(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="$£€₹R Rs.,0123456789-–KShUSDEUR k/%'\u00a0"))
def test_find_money_never_raises_on_price_like_noise(text: str) -> None:
    for ctx in (DEFAULT, ZA, LK):
        for m in find_money(text, ctx):
            assert m.amount >= 0
            assert m.amount_max is None or m.amount_max > m.amount


def _comma(n: int) -> str:
    return f"{n:,}"


def _dot(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _space(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _apostrophe(n: int) -> str:
    return f"{n:,}".replace(",", "'")


def _lakh(n: int) -> str:
    s = str(n)
    if len(s) <= 3:
        return s
    head, tail = s[:-3], s[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    groups.insert(0, head)
    return ",".join(groups) + "," + tail


# (how the price is written, context, currency)
STYLES = [
    pytest.param(lambda n: f"${_comma(n)}", DEFAULT, "USD", id="dollar"),
    pytest.param(lambda n: f"US${_comma(n)}", DEFAULT, "USD", id="us-dollar"),
    pytest.param(lambda n: f"A${_comma(n)}", DEFAULT, "AUD", id="a-dollar"),
    pytest.param(lambda n: f"${_comma(n)}", AU, "AUD", id="dollar-au-site"),
    pytest.param(lambda n: f"£{_comma(n)}", DEFAULT, "GBP", id="pound"),
    pytest.param(lambda n: f"€{_comma(n)}", DEFAULT, "EUR", id="euro-prefix"),
    pytest.param(lambda n: f"{_dot(n)} €", DEFAULT, "EUR", id="euro-suffix-dots"),
    pytest.param(lambda n: f"₹{_lakh(n)}", DEFAULT, "INR", id="rupee-lakh"),
    pytest.param(lambda n: f"Rs. {_lakh(n)}", LK, "LKR", id="rs-sri-lanka-lakh"),
    pytest.param(lambda n: f"R {_space(n)}", ZA, "ZAR", id="rand-spaced"),
    pytest.param(lambda n: f"KSh {_comma(n)}", DEFAULT, "KES", id="ksh"),
    pytest.param(lambda n: f"GH₵{_comma(n)}", DEFAULT, "GHS", id="cedi"),
    pytest.param(lambda n: f"₱{_comma(n)}", DEFAULT, "PHP", id="peso"),
    pytest.param(lambda n: f"₩{_comma(n)}", DEFAULT, "KRW", id="won"),
    pytest.param(lambda n: f"¥{_comma(n)}", DEFAULT, "JPY", id="yen"),
    pytest.param(lambda n: f"USD {_comma(n)}", DEFAULT, "USD", id="code-before"),
    pytest.param(lambda n: f"{_comma(n)} EUR", DEFAULT, "EUR", id="code-after"),
    pytest.param(lambda n: f"CHF {_apostrophe(n)}", DEFAULT, "CHF", id="chf-apostrophe"),
]


def test_lakh_formatter() -> None:
    assert [_lakh(n) for n in (7, 999, 1000, 99999, 100000, 140000, 999999)] == [
        "7", "999", "1,000", "99,999", "1,00,000", "1,40,000", "9,99,999"]


@pytest.mark.parametrize(("fmt", "ctx", "currency"), STYLES)
@settings(max_examples=100, deadline=None)
@given(amount=st.integers(min_value=1, max_value=999_999))
def test_round_trip_well_formed_price(fmt: Any, ctx: CurrencyContext, currency: str, amount: int) -> None:
    text = f"The programme fee is {fmt(amount)} for the placement."
    found = find_money(text, ctx)
    assert [(m.amount, m.amount_max, m.currency) for m in found] == [(amount, None, currency)], text
