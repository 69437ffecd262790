"""The extraction's shortcuts give exactly what the plain code they replace gives.

Each speed-up (case-sensitive twins of re.I patterns, literal prefilters by str.find, the money scan tried only
near digits, the sentence split from the end mark, direct construction of frozen dataclasses, plain-integer
amounts) is checked here against the straightforward version on demo pages and on generated strings.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import random
import re
from bisect import bisect_right
from pathlib import Path

import pytest
from price_parser import Price

import pipelines
from pipelines import money, page
from pipelines.casefold import case_twin, fold_safe, ifinditer, ihas, isearch
from pipelines.duration import DurationMention, find_durations

ROOT = Path(__file__).resolve().parent.parent
DEMO_PAGES = sorted((ROOT / "demo" / "sites").rglob("*.html"))


def _demo_texts() -> list[str]:
    texts: set[str] = set()
    for path in DEMO_PAGES[:40]:
        p = page.parse_html(path.read_bytes(), "http://127.0.0.1:8001/" + path.name)
        texts.update(s.text for s in page.sentences(p))
        texts.update(b.text for b in p.blocks)
        texts.update(b.heading for b in p.blocks)
    return sorted(texts)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    base = _demo_texts()
    rnd = random.Random(7)
    out = set(base)
    for t in base[:400]:
        out.add(t.upper())
        out.add(t.swapcase())
        out.add("".join(c.upper() if rnd.random() < 0.3 else c for c in t))
    out.update(_FOLDING)
    return sorted(out)


# Letters re.I folds onto ASCII ones, and one whose lower() is longer: the twins must step aside for them.
_FOLDING = ["Long ſtay: 4 weeks", "ınternship ın Accra", "İstanbul elective, 2 weeks", "KELVIN K (Kelvin sign)"]


def _ignorecase_patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for info in pkgutil.iter_modules(pipelines.__path__):
        mod = importlib.import_module(f"pipelines.{info.name}")
        for name, value in vars(mod).items():
            candidates = [value] if isinstance(value, re.Pattern) else []
            if isinstance(value, list | tuple):
                candidates = [x[1] for x in value if isinstance(x, tuple) and len(x) > 1
                              and isinstance(x[1], re.Pattern)]
            for i, pat in enumerate(candidates):
                if pat.flags & re.IGNORECASE and isinstance(pat.pattern, str):
                    found[f"{info.name}.{name}[{i}]"] = pat
    return found


def test_twins_match_as_re_i_does(texts: list[str]) -> None:
    patterns = _ignorecase_patterns()
    assert len(patterns) > 50
    sample = random.Random(1).sample(texts, min(len(texts), 150)) + _FOLDING
    for name, pat in patterns.items():
        for text in sample:
            want = [(m.span(), m.groups()) for m in pat.finditer(text)]
            assert [(m.span(), m.groups()) for m in ifinditer(pat, text)] == want, (name, text)
            first = pat.search(text)
            got = isearch(pat, text)
            assert (got and (got.span(), got.groups())) == (first and (first.span(), first.groups())), (name, text)
            assert ihas(pat, text) == (first is not None), (name, text)


def test_twins_step_aside_when_folding_is_unsafe() -> None:
    assert not fold_safe("ſtay", "ſtay")
    assert not fold_safe("İstanbul", "İstanbul".lower())
    assert fold_safe("Kelvin £ – ’", "kelvin £ – ’")
    assert case_twin(re.compile(r"(?-i:A)b", re.I)) is None
    assert case_twin(re.compile(r"[A-z]", re.I)) is None
    assert case_twin(re.compile(r"\x41", re.I)) is None
    twin = case_twin(re.compile(r"(?P<Unit>Weeks?)\b[^A-Z]\S", re.I))
    assert twin is not None and twin.pattern == r"(?P<Unit>weeks?)\b[^a-z]\S" and not twin.flags & re.I


def test_scan_and_sentences_with_equal_the_plain_scan() -> None:
    def plain(p: page.Page, pattern: re.Pattern[str], prefilter: re.Pattern[str]) -> list:
        sents = page.sentences(p)
        starts, pos = [], 0
        for s in sents:
            starts.append(pos)
            pos += len(s.text) + 1
        lower = "\n".join(s.text for s in sents).lower()
        idx = sorted({bisect_right(starts, h.start()) - 1 for h in prefilter.finditer(lower)})
        return [(i, m.span()) for i in idx for m in pattern.finditer(sents[i].text)]

    pattern = re.compile(r"\b(?:weeks?|months?|days?|supervis\w+|fees?)\b", re.I)
    prefilter = page.hint("week", "month", "day", "supervis", "fee")
    flat = re.compile("week|month|day|supervis|fee")
    for path in DEMO_PAGES[:25]:
        p = page.parse_html(path.read_bytes(), "http://127.0.0.1:8001/" + path.name)
        index = {id(s): i for i, s in enumerate(page.sentences(p))}
        want = plain(p, pattern, flat)
        assert [(index[id(s)], m.span()) for s, m in page.scan(p, pattern, prefilter)] == want
        assert [(index[id(s)], m.span()) for s, m in page.scan(p, pattern, flat)] == want
        assert [index[id(s)] for s in page.sentences_with(p, pattern, prefilter)] == sorted({i for i, _ in want})


def test_money_scan_equals_finditer(texts: list[str]) -> None:
    rnd = random.Random(3)
    pieces = [*money._SYMBOLS, *money._CODES, *money._WORDS, "R", " ", "-", " to ", " and ", "1", "12", "1,200",
              "1.200,50", "18 500", "3k", "%", "/-", "the R61 road", "x", "\u00a0", "250", "٣", ".", ","]
    samples = texts + ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 8))) for _ in range(3000)]
    for text in samples:
        want = [(m.span(), m.groups()) for m in money._MONEY_RE.finditer(text)]
        assert [(m.span(), m.groups()) for m in money._money_matches(text)] == want, text


def test_plain_amounts_read_as_price_parser_reads_them() -> None:
    def reference(num: str) -> float | None:
        amount = Price.fromstring(num).amount
        return None if amount is None else float(amount)

    for num in ["0", "7", "250", "1490", "0100", "9" * 20, "1,490", "12,345", "1,234,567", "999,999,999"]:
        assert money.parse_amount(num) == reference(num), num


def test_sentence_split_equals_the_look_behind_split(texts: list[str]) -> None:
    split = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘(])")

    def reference(text: str) -> list[str]:
        out: list[str] = []
        for part in split.split(text):
            if out and page._ABBREVIATION_END.search(out[-1]):
                out[-1] = f"{out[-1]} {part}"
            else:
                out.append(part)
        return [p.strip() for p in out if p.strip()]

    rnd = random.Random(5)
    pieces = ["Dr.", "approx.", "e.g.", "No.", "Rs.", "min.", "x.", ".", "!", "?", " ", "  ", "\n", "A", "a", "1",
              "(", "\"", "“", "word", "St.", "incl."]
    samples = texts + ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10))) for _ in range(5000)]
    for text in samples:
        assert page.split_sentences(text) == reference(text), text


def test_direct_construction_equals_the_dataclass_constructors() -> None:
    block = page._block("2 weeks | £1,490", "tr", "Prices", ("2 weeks", "£1,490"), "row", "2 weeks", 4)
    assert block == page.Block("2 weeks | £1,490", "tr", "Prices", ("2 weeks", "£1,490"), "row", "2 weeks", 4)
    assert block.lower == "2 weeks | £1,490" and block.is_fact
    assert {f.name for f in dataclasses.fields(page.Block)} <= set(vars(block))
    sentence = page._sentence("You stay 4 weeks.", block)
    assert sentence == page.Sentence("You stay 4 weeks.", block) and sentence.lower == "you stay 4 weeks."
    assert {f.name for f in dataclasses.fields(page.Sentence)} <= set(vars(sentence))
    m = money._money(3, 9, 1490.0, None, "GBP", "£1,490")
    assert m == money.Money(3, 9, 1490.0, None, "GBP", "£1,490")
    assert {f.name for f in dataclasses.fields(money.Money)} == set(vars(m))
    (d,) = find_durations("a stay of 4 weeks")
    assert d == DurationMention(4.0, 4.0, "single", 10, 17)
    assert {f.name for f in dataclasses.fields(DurationMention)} == set(vars(d))


def test_boiler_tokens_joined_equal_token_by_token() -> None:
    rnd = random.Random(11)
    words = ["cookie", "nav", "menu", "main", "card", "price", "site-header", "top-bar", "header", "mc_embed_signup",
             "you-may", "recently", "viewed", "search", "elementor", "widget", "x", "NAV", "Header"]
    seps = ["-", "_", "--", "__", ""]
    for _ in range(3000):
        toks = ["".join(rnd.choice(words) + rnd.choice(seps) for _ in range(rnd.randint(1, 3))).strip("-_") or "x"
                for _ in range(rnd.randint(1, 3))]
        low = " ".join(toks).lower()
        assert bool(page._BOILER_IN_TOKENS.search(low)) == any(page._BOILER_TOKEN.search(t) for t in toks), toks
        assert bool(page._HEADER_IN_TOKENS.search(low)) == any(page._HEADER_TOKEN.search(t) for t in toks), toks
