"""Money in text: find price mentions, parse amounts (price-parser), name currencies (ISO 4217).

price-parser turns an isolated price string into an amount, but it reads
"2 weeks from $1,050" by its first number and keeps raw symbols ("US$", "Rs",
none for "KSh"), so this module first isolates each mention with one regex,
then hands only the mention to price-parser, and maps the symbol to an ISO
code using the page's context (the country of the placement, a stated
"prices in AUD", ...).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from price_parser import Price

from pipelines.casefold import ihas, isearch

# Symbols and codes, longest first so that "US$" wins over "$".
_SYMBOLS: dict[str, str | None] = {
    "US$": "USD",
    "USD$": "USD",
    "U.S.$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "AUD$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "NZ$": "NZD",
    "S$": "SGD",
    "HK$": "HKD",
    "R$": "BRL",
    "N$": "NAD",
    "GH₵": "GHS",
    "GH¢": "GHS",
    "₵": "GHS",
    "KSh": "KES",
    "Ksh": "KES",
    "KShs": "KES",
    "TSh": "TZS",
    "Tsh": "TZS",
    "USh": "UGX",
    "Ush": "UGX",
    "S/.": "PEN",
    "S/": "PEN",
    "Rp": "IDR",
    "RM": "MYR",
    "Rs.": None,
    "Rs": None,
    "₨": None,
    "₹": "INR",
    "£": "GBP",
    "€": "EUR",
    "₩": "KRW",
    "¥": None,
    "₱": "PHP",
    "₦": "NGN",
    "฿": "THB",
    "₫": "VND",
    "$": None,
    "R": "ZAR",
}
_CODES = [
    "USD",
    "EUR",
    "GBP",
    "AUD",
    "CAD",
    "NZD",
    "CHF",
    "INR",
    "ZAR",
    "KES",
    "TZS",
    "UGX",
    "GHS",
    "NPR",
    "PHP",
    "LKR",
    "PEN",
    "IDR",
    "VND",
    "KHR",
    "THB",
    "MYR",
    "SGD",
    "JPY",
    "CNY",
    "KRW",
    "NGN",
    "MXN",
    "BRL",
    "COP",
    "GTQ",
    "CRC",
    "BOB",
    "ECS",
    "NAD",
    "BWP",
    "RWF",
    "ZMW",
    "TWD",
    "DOP",
    "JMD",
    "TTD",
    "XCD",
    "SZL",
    "HNL",
    "ARS",
    "CLP",
    "MWK",
    "ETB",
    "MAD",
    "EGP",
    "LAK",
    "MMK",
    "BDT",
    "PKR",
]
_WORDS: dict[str, str | None] = {
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "rupee": None,
    "rupees": None,
    "rand": "ZAR",
    "dollar": None,
    "dollars": None,
    "us dollars": "USD",
    "australian dollars": "AUD",
    "canadian dollars": "CAD",
    "new zealand dollars": "NZD",
    "shillings": None,
    "cedis": "GHS",
    "soles": "PEN",
}
# Signs and words of the currencies of host countries beyond the common ones above.
_SYMBOLS.update({"MX$": "MXN", "Mex$": "MXN", "NT$": "TWD", "RD$": "DOP", "J$": "JMD", "TT$": "TTD",
                 "EC$": "XCD", "COL$": "COP"})
_WORDS.update({
    "baht": "THB", "rupiah": "IDR", "ringgit": "MYR", "dong": "VND", "riel": "KHR", "kip": "LAK", "naira": "NGN",
    "pula": "BWP", "birr": "ETB", "quetzales": "GTQ", "colones": "CRC", "lempiras": "HNL", "yuan": "CNY",
    "dirhams": "MAD", "taka": "BDT", "emalangeni": "SZL", "lilangeni": "SZL", "kwacha": None, "pesos": None,
})
# Which dollar, rupee, yen or shilling a bare sign means, by placement country.
_RUPEE_BY_COUNTRY = {"IN": "INR", "LK": "LKR", "NP": "NPR", "PK": "PKR", "MU": "MUR", "SC": "SCR"}
_SHILLING_BY_COUNTRY = {"KE": "KES", "TZ": "TZS", "UG": "UGX", "SO": "SOS"}
_DOLLAR_BY_TLD = {"au": "AUD", "ca": "CAD", "nz": "NZD", "sg": "SGD"}

_NUM = r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?|\d{1,3}(?:[,.\u00a0\u202f' ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_SYM_ALT = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True) if s != "R")
_CODE_ALT = "|".join(_CODES)
_WORD_ALT = "|".join(sorted(_WORDS, key=len, reverse=True))
# A prefix sign or code, or a suffix sign, code or word. "R" (rand) only directly before digits.
_MONEY_RE = re.compile(
    rf"(?P<pre>(?<![A-Za-z])(?:{_SYM_ALT}|(?:{_CODE_ALT})(?![A-Za-z])|R(?=\s?\d)))\s?(?P<num>{_NUM})(?![\d%])"
    rf"(?:\s?(?P<k>[kK])\b)?"
    rf"|(?<![\w.,])(?P<num2>{_NUM})\s?(?P<post>€|£|(?:{_CODE_ALT})\b|(?:{_WORD_ALT})\b|/-)",
)
_RANGE_TAIL = re.compile(
    rf"\s?(?P<conn>-|–|—|to|and|until)\s?(?P<sign>(?:{_SYM_ALT}|{_CODE_ALT}|R(?=\s?\d))\s?)?(?P<num>{_NUM})"
    rf"(?P<code>\s?(?:{_CODE_ALT}|€|£))?",
)
# "the R61", "R61 road": South African route numbers, not rand.
_ROUTE = re.compile(r"\s?(?:road|highway|motorway|route|freeway|towards|to)\b", re.I)

_CODE_AFTER = re.compile(rf"\s?({_CODE_ALT})\b")


@dataclass(frozen=True)
class CurrencyContext:
    """What a bare sign means on this page."""

    dollar: str = "USD"
    rupee: str = "INR"
    shilling: str | None = None
    yen: str = "JPY"
    rand_ok: bool = False  # "R 500" is rand only on pages about South Africa or quoting ZAR
    local: str | None = None  # what "pesos" or "kwacha" means: the placement country's own


@dataclass(frozen=True)
class Money:
    start: int
    end: int
    amount: float
    amount_max: float | None
    currency: str | None
    raw: str


def _money(start: int, end: int, amount: float, amount_max: float | None, currency: str | None, raw: str) -> Money:
    """Money(...) filled in directly: the frozen dataclass __init__ sets each field through object.__setattr__,
    about three times the cost (keep in step with Money's fields; tests/test_page_speed.py checks)."""
    money = _new(Money)
    d = money.__dict__
    d["start"] = start
    d["end"] = end
    d["amount"] = amount
    d["amount_max"] = amount_max
    d["currency"] = currency
    d["raw"] = raw
    return money


_new = object.__new__
_DEFAULT_CONTEXT = CurrencyContext()  # immutable, so one instance serves every call without a context
_CODE_SET = frozenset(_CODES)

_LOCAL_BY_COUNTRY = {"MX": "MXN", "PH": "PHP", "CO": "COP", "AR": "ARS", "CL": "CLP", "DO": "DOP", "ZM": "ZMW",
                     "MW": "MWK", "CU": "CUP", "UY": "UYU"}
_RAND_COUNTRIES = {"ZA", "SZ", "LS", "NA", "BW"}


_STATED_DOLLAR = re.compile(
    r"\b(?:in|are|all prices|prices)\b[^.\n]{0,40}?\b(australian|canadian|new zealand|singapore|us|u\.s\.)"
    r"\s+dollars?"
    r"|\((AUD|CAD|NZD|SGD)\)|\b(?:currency|prices? in)\s*:?\s*(AUD|CAD|NZD|SGD)\b",
    re.I,
)
_DOLLAR_CODES = ("aud", "cad", "nzd", "sgd")


_RAND_WORDS = re.compile(r"\b(ZAR|rands?|south africa)\b", re.I)


def context_for(text: str, country: str | None = None, host: str = "", locale: str = "") -> CurrencyContext:
    """Read the page-level currency hints: an explicit 'prices in AUD', the TLD, the country."""
    dollar = "USD"
    lower = text.lower()
    # Only pages that mention dollars or a dollar code can state which dollar; skip the search otherwise.
    # (str `in` for the codes: an alternation of literals is tried at every position of the page's text.)
    mentions = "dollar" in lower or any(code in lower for code in _DOLLAR_CODES)
    stated = isearch(_STATED_DOLLAR, text, lower) if mentions else None
    if stated:
        word = (stated.group(1) or "").lower()
        dollar = {"australian": "AUD", "canadian": "CAD", "new zealand": "NZD", "singapore": "SGD", "us": "USD",
                  "u.s.": "USD"}.get(
            word, (stated.group(2) or stated.group(3) or "USD").upper()
        )
    else:
        tld = host.rsplit(".", 1)[-1].split(":")[0].lower() if "." in host else ""
        dollar = _DOLLAR_BY_TLD.get(tld, "USD")
    rupee = _RUPEE_BY_COUNTRY.get(country or "", "INR")
    shilling = _SHILLING_BY_COUNTRY.get(country or "")
    yen = "CNY" if country == "CN" else "JPY"
    # Rand circulates with the lilangeni, loti and Namibian dollar, so "R 1 150" is rand there too.
    rand_ok = (
        country in _RAND_COUNTRIES
        or locale.lower().endswith("za")
        or (("zar" in lower or "rand" in lower or "south africa" in lower) and ihas(_RAND_WORDS, text, lower))
    )
    return CurrencyContext(dollar=dollar, rupee=rupee, shilling=shilling, yen=yen, rand_ok=rand_ok,
                           local=_LOCAL_BY_COUNTRY.get(country or ""))


_COMMA_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_SPACED_THOUSANDS = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d{1,2})?")
_INDIAN_GROUPING = re.compile(r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?")


def parse_amount(num: str) -> float | None:
    """A number as written on a price ("1,250", "1.250,00", "18 500") in main units."""
    cleaned = num.replace("\u00a0", " ").replace("\u202f", " ").replace("'", ",").strip()
    # Most prices are plain ASCII digits ("1490") or comma thousands ("1,490"), which price-parser reads as
    # the integer they spell (and neither the spaced nor the Indian grouping below applies to): reading them
    # directly skips its currency and separator guessing, several regex passes per number.
    if cleaned.isascii():
        if cleaned.isdigit():
            return _finite(float(cleaned))
        if _COMMA_THOUSANDS.fullmatch(cleaned):
            return _finite(float(cleaned.replace(",", "")))
    # Spaced thousands ("18 500") are unambiguous; price-parser does not join them.
    if _SPACED_THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(" ", "")
    if " " in cleaned:
        return None
    # Indian grouping ("1,40,000"): commas every two digits before the last three.
    if _INDIAN_GROUPING.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    price = Price.fromstring(cleaned)
    if price.amount is None:
        return None
    try:
        value = float(Decimal(price.amount))
    except (InvalidOperation, ValueError):
        return None
    return _finite(value)


def _finite(value: float) -> float | None:
    """A number past float's range ("10^400" written out in digits) is no amount: as infinity it reached the
    catalog and its exports as JSON's non-standard `Infinity` (found by tests/test_fuzz_extraction.py)."""
    return value if math.isfinite(value) else None


# No price is written with more digits than this (the largest real ones, in dong or rupiah, have about ten);
# a larger number is no price, and one near float's limit became infinite in the derived prices (x 7 for a
# daily rate, x 28 for four weeks).
_MAX_AMOUNT = 1e15


def currency_of(sign: str, ctx: CurrencyContext) -> str | None:
    s = sign.strip()
    if s.isupper() and s.upper() in _CODE_SET:
        return s.upper()
    low = s.lower()
    if low in _WORDS:
        mapped = _WORDS[low]
        if mapped:
            return mapped
        if low.startswith("rupee"):
            return ctx.rupee
        if low.startswith("dollar"):
            return ctx.dollar
        if low.startswith("shilling"):
            return ctx.shilling
        if low in ("kwacha", "pesos"):
            return ctx.local
        return None
    if s == "/-":
        return ctx.rupee
    if s in _SYMBOLS:
        mapped = _SYMBOLS[s]
        if s == "R":
            return "ZAR" if ctx.rand_ok else None
        if mapped:
            return mapped
        if s == "$":
            return ctx.dollar
        if s in ("Rs", "Rs.", "₨"):
            return ctx.rupee
        if s == "¥":
            return ctx.yen
    return None


_BETWEEN_BEFORE = re.compile(r"\bbetween\s*$", re.I)


def _is_range(text: str, start: int, tail: re.Match[str], currency: str, ctx: CurrencyContext) -> bool:
    """'$5 to $15' is one range; '$50 and $300 as a deposit' or 'KES 30,000 and TZS 400,000' are two prices."""
    if tail.group("conn") == "and" and not _BETWEEN_BEFORE.search(text[max(0, start - 12):start]):
        return False
    upper_sign = (tail.group("sign") or tail.group("code") or "").strip()
    return not upper_sign or currency_of(upper_sign, ctx) in (currency, None)


_ANY_DIGIT = re.compile(r"\d")
# How far before its first digit a mention can start: the longest sign or code, then the one space \s? allows.
_LEAD = max(len(sign) for sign in [*_SYMBOLS, *_CODES]) + 1
# The characters a mention can start with besides a digit (\d, str.isdecimal): those of the signs and codes.
_FIRST_CHARS = frozenset(sign[0] for sign in [*_SYMBOLS, *_CODES])


def _money_matches(text: str) -> Iterator[re.Match[str]]:
    """What _MONEY_RE.finditer(text) yields, with the pattern tried only where a mention can start.

    Every mention has a digit at most _LEAD characters after its start, so only the positions up to _LEAD
    before each digit are tried, in order, with match(): the same leftmost matches finditer finds, without
    running the pattern's hundred-odd signs and codes at every character of the sentence (most of the cost
    of a price-free clause).
    """
    pos = 0  # where finditer would resume: the end of the last match
    tried = -1  # the last start position tried
    for digit in _ANY_DIGIT.finditer(text):
        d = digit.start()
        if d < pos:
            continue
        for start in range(max(pos, tried + 1, d - _LEAD), d + 1):
            # A mention starts with a sign, a code or a digit: other characters cannot start one.
            if text[start] not in _FIRST_CHARS and not text[start].isdecimal():
                continue
            m = _MONEY_RE.match(text, start)
            if m is not None:
                yield m
                pos = m.end()
                break
        else:
            tried = d


def find_money(text: str, ctx: CurrencyContext | None = None) -> list[Money]:
    """Every price mention in `text`, ranges folded into one Money with amount_max."""
    ctx = ctx or _DEFAULT_CONTEXT
    out: list[Money] = []
    covered = 0
    for m in _money_matches(text):
        if m.start() < covered:  # the upper end of a range already read
            continue
        sign = m.group("pre") or m.group("post") or ""
        num = m.group("num") or m.group("num2") or ""
        currency = currency_of(sign, ctx)
        if currency is None:
            continue
        amount = parse_amount(num)
        if amount is not None and m.group("k"):
            amount *= 1000
        if amount is None or amount >= _MAX_AMOUNT:
            continue
        end = m.end()
        # "$2,190 AUD": a code written after a bare sign names the currency.
        code_after = _CODE_AFTER.match(text, end)
        if code_after and m.group("pre"):
            currency = code_after.group(1)
            end = code_after.end()
        if sign == "R" and (text[max(0, m.start() - 4):m.start()].lower() == "the " or _ROUTE.match(text, end)):
            continue
        amount_max = None
        tail = _RANGE_TAIL.match(text, end)
        if tail and _is_range(text, m.start(), tail, currency, ctx):
            hi = parse_amount(tail.group("num"))
            if hi is not None and amount < hi < _MAX_AMOUNT:
                amount_max = hi
                end = tail.end()
        covered = end
        out.append(_money(m.start(), end, amount, amount_max, currency, text[m.start() : end]))
    return out
