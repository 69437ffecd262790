"""The properties the money and duration parsers keep on any text, shared by the two fuzz targets.

`tests/fuzz_parsers_atheris.py` (coverage-guided, atheris/libFuzzer) and the hypothesis target in
`tests/test_fuzz_parsers.py` both call `check_text`: no exception; every amount finite and >= 0 (an upper
end above its lower one); every length in weeks finite and > 0 (a maximum not below its minimum); every
mention a span inside the input whose text is what it says it read; mentions in order, never overlapping.
An AssertionError (or any other exception) is a finding.
"""

from __future__ import annotations

import math
import re

from pipelines.duration import find_durations
from pipelines.money import CurrencyContext, context_for, find_money, parse_amount

# What the parsers look for, so a fuzzer that builds text from tokens reaches their branches quickly.
TOKENS: tuple[str, ...] = (
    "$", "US$", "A$", "NZ$", "R$", "MX$", "€", "£", "₹", "¥", "₩", "₱", "₦", "฿", "₫", "₵", "GH₵", "KSh", "TSh",
    "USh", "R", "Rs.", "Rs", "₨", "S/.", "S/", "Rp", "RM", "/-", "USD", "EUR", "GBP", "ZAR", "KES", "INR", "NPR",
    "euros", "pounds", "rand", "rupees", "dollars", "US dollars", "shillings", "pesos", "kwacha", "k", "K",
    "0", "1", "4", "12", "250", "1490", "1,490", "2,450.50", "1.250,00", "18 500", "1,40,000", "0.5", "999",
    "9" * 20, "9" * 320, "1" + "0" * 400, " ", "\u00a0", "\u202f", "'", ",", ".", "-", "–", "—", " to ", " and ",
    " or ", " until ", "between ", "from ", "up to ", "at least ", "minimum ", "maximum ", "min. ", "max ",
    "no maximum", "as long as you like", "no less than ", "starting at ", "+", " or more", " or longer",
    "week", "weeks", "wk", "wks", "month", "months", "mth", "day", "days", "fortnight", "fortnights", "year",
    "years", "a", "an", "one", "two", "twelve", "twenty-one", "fifty nine", " per week", " a week", " every ",
    " old", " of experience", "aged ", "the ", " road", "(", ")", ":", ";", "\n", "İ", "ſ", "K", "ﬃ", "٢٠٠٠",
    "१२", "𝟏𝟐", "e\u0301", "\u202e", "🩺",
)
CONTEXTS: tuple[CurrencyContext, ...] = (
    CurrencyContext(),
    CurrencyContext(dollar="AUD", rupee="LKR", shilling="KES", yen="CNY", rand_ok=True, local="MXN"),
    CurrencyContext(dollar="NZD", rupee="NPR", shilling="UGX", rand_ok=True, local="ZMW"),
)
_CURRENCY = re.compile(r"[A-Z]{3}")
_SHAPES = frozenset({"minmax", "list", "range", "min", "max", "single"})


def check_amount(num: str) -> None:
    amount = parse_amount(num)
    assert amount is None or (math.isfinite(amount) and amount >= 0), (num, amount)


def check_money(text: str, ctx: CurrencyContext | None) -> int:
    mentions = find_money(text, ctx)
    end = 0
    for m in mentions:
        assert end <= m.start < m.end <= len(text), (m, end, len(text))
        assert text[m.start:m.end] == m.raw, m
        assert math.isfinite(m.amount) and m.amount >= 0, m
        assert m.amount_max is None or (math.isfinite(m.amount_max) and m.amount_max > m.amount), m
        assert m.currency is None or _CURRENCY.fullmatch(m.currency), m
        end = m.end
    return len(mentions)


def check_durations(text: str) -> int:
    mentions = find_durations(text)
    end = 0
    for d in mentions:
        assert end <= d.start < d.end <= len(text), (d, end, len(text))
        assert d.shape in _SHAPES, d
        assert d.min_weeks is not None or d.max_weeks is not None, d
        for bound in (d.min_weeks, d.max_weeks):
            assert bound is None or (math.isfinite(bound) and bound > 0), d
        if d.min_weeks is not None and d.max_weeks is not None:
            assert d.max_weeks >= d.min_weeks, d
        end = d.end
    return len(mentions)


def check_text(text: str, selector: int = 0) -> int:
    """Every property on `text`; `selector` picks the currency context (and the page hints for
    context_for). Returns the number of mentions found, for the figures."""
    found = check_durations(text)
    ctx = CONTEXTS[selector % len(CONTEXTS)]
    found += check_money(text, ctx)
    if selector % 4 == 3:
        # The page-level hints read from the text itself, as the extractors do.
        found += check_money(text, context_for(text, ("ZA", "IN", "KE", None)[selector % 3], "x.co.za", "en_ZA"))
    for token in re.findall(r"\d[\d.,\u00a0\u202f' ]*", text)[:8]:
        check_amount(token)
    return found


def text_from_tokens(choices: bytes) -> str:
    """Text built from TOKENS, one per byte: the structure-aware input of both targets."""
    return "".join(TOKENS[b % len(TOKENS)] for b in choices)
