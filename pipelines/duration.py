"""Lengths of stay in text: weeks, months and days, ranges, minimums and maximums, in weeks.

Conversions follow the labelling guide: days / 7, months x 52 / 12, rounded to
two decimals. A parsed mention keeps its span so callers can cut evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import attrgetter

from pipelines.casefold import case_twin, fold_safe

_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
          "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_WORD_NUMBERS: dict[str, int] = {"a": 1, "an": 1}
_WORD_NUMBERS.update({w: i + 1 for i, w in enumerate(_UNITS)})
_WORD_NUMBERS.update({w: i + 10 for i, w in enumerate(_TEENS)})
for _tens, _value in _TENS.items():
    _WORD_NUMBERS[_tens] = _value
    for _i, _unit in enumerate(_UNITS):
        _WORD_NUMBERS[f"{_tens}-{_unit}"] = _WORD_NUMBERS[f"{_tens} {_unit}"] = _value + _i + 1


def _by_first_letter(words: list[str]) -> str:
    """An alternation of `words` (regexes that start with a letter) grouped by first letter, the order within a
    group kept: the engine then rejects a position after one test per letter instead of one per word, and since
    words with different first letters cannot match at the same place, it matches exactly as the flat list does."""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w[1:])
    return "|".join(first + (f"(?:{'|'.join(rest)})" if len(rest) > 1 else rest[0]) for first, rest in groups.items())


# Number words (tens with an optional unit, then teens, units, articles, in that order: "seventeen" before
# "seven", "an" before "a"): one alternative per spelled number made every pattern below several times slower.
_TENS_UNIT = r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
_NUM = (r"(?:\d{1,3}(?:\.\d+)?|"
        + _by_first_letter([f"{w}{_TENS_UNIT}" for w in _TENS] + _TEENS[1:] + _UNITS + ["ten", "an", "a"]) + ")")
_UNIT = r"(?P<unit>weeks?|wks?|months?|mths?|days?|fortnights?|years?)"
_UNIT2 = r"(?P<unit2>weeks?|wks?|months?|mths?|days?|fortnights?|years?)"
_SEP = r"\s*(?:-|–|—|to|and|or)\s*"

# Ordered: the more specific shape first; each yields (min, max) from its groups.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("minmax", re.compile(
        rf"\bmin(?:imum|\.)?\s*(?:stay|length|duration)?\s*(?:is|of)?\s*:?\s*(?P<a>{_NUM})\s*{_UNIT}"
        rf"[^.;\n]{{0,40}}?\bmax(?:imum|\.)?\s*(?:stay|length|duration)?\s*(?:is|of)?\s*:?\s*"
        rf"(?P<b>{_NUM})\s*{_UNIT2}", re.I)),
    # "a minimum of four and a maximum of eight weeks": one unit for both bounds.
    ("minmax", re.compile(
        rf"\bmin(?:imum|\.)?\s*(?:of\s*)?(?P<a>{_NUM})\s*(?:,\s*)?(?:and|to|-|–)\s*(?:a\s*)?max(?:imum|\.)?\s*"
        rf"(?:of\s*)?(?P<b>{_NUM})\s*{_UNIT2}", re.I)),
    ("list", re.compile(
        rf"(?<![\w$£€])(?P<a>{_NUM})(?:\s*,\s*{_NUM})*\s*(?:,|or|and)\s*(?P<b>{_NUM})\s*{_UNIT}\b", re.I)),
    ("range", re.compile(
        rf"(?<![\w$£€])(?:between\s+)?(?P<a>{_NUM})\s*(?P<unit_a>weeks?|months?|days?)?{_SEP}(?P<b>{_NUM})\s*{_UNIT}\b",
        re.I)),
    ("min", re.compile(
        rf"\b(?:min(?:imum|\.)?(?:\s+(?:stay|length|placement|duration|commitment))?(?:\s+(?:is|of))?|at least|from|"
        rf"no (?:less|fewer) than|starting (?:at|from))\s*:?\s*(?P<a>{_NUM})\s*{_UNIT}\b", re.I)),
    ("min", re.compile(rf"\b(?P<a>{_NUM})\s*{_UNIT}\s*(?:\+|or (?:more|longer)|minimum|min\.?)(?!\w)", re.I)),
    ("min", re.compile(rf"\b(?P<a>{_NUM})\+\s*{_UNIT}\b", re.I)),
    ("max", re.compile(rf"\b(?P<b>{_NUM})\s*{_UNIT}\s*(?:max(?:imum)?\.?|at most)(?!\w)", re.I)),
    ("max", re.compile(
        rf"\b(?:max(?:imum|\.)?(?:\s+(?:stay|length|duration))?(?:\s+(?:is|of))?|up to|no (?:more|longer) than|"
        rf"as long as)\s*:?\s*(?P<b>{_NUM})\s*{_UNIT}\b", re.I)),
    ("single", re.compile(rf"(?<![\w$£€.,])(?P<a>{_NUM})[\s-]*{_UNIT}\b", re.I)),
]


@dataclass(frozen=True)
class DurationMention:
    min_weeks: float | None
    max_weeks: float | None
    shape: str  # minmax | range | min | max | single
    start: int
    end: int


def number(word: str) -> float | None:
    w = word.strip().lower()
    if w in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[w])
    try:
        return float(w)
    except ValueError:
        return None


def to_weeks(value: float, unit: str) -> float:
    u = unit.lower()
    if u.startswith("w"):
        weeks = value
    elif u.startswith("m"):
        weeks = value * 52 / 12
    elif u.startswith("d"):
        weeks = value / 7
    elif u.startswith("f"):
        weeks = value * 2
    else:  # years
        weeks = value * 52
    return round(weeks, 2)


# Literals, one of which every match of the pattern at the same position in _PATTERNS contains (None: no
# literal but the unit, which find_durations checks first). On lower-cased text with case-sensitive patterns
# a missing literal rules the pattern out, so most sentences try three or four patterns instead of ten.
# Keep each in step with its pattern.
_NEEDS: list[tuple[str, ...] | None] = [
    ("max",),  # min ... max, two units
    ("max",),  # a minimum of four and a maximum of eight weeks
    (",", "or", "and"),  # list
    ("-", "–", "—", "to", "and", "or"),  # range
    ("min", "at least", "from", "no less", "no fewer", "starting"),  # min before
    ("+", "or more", "or longer", "min"),  # min after
    ("+",),  # 4+ weeks
    ("max", "at most"),  # max after
    ("max", "up to", "no more", "no longer", "as long as"),  # max before
    None,  # single
]
_PATTERNS_LOWER = [(shape, re.compile(pat.pattern), needs)
                   for (shape, pat), needs in zip(_PATTERNS, _NEEDS, strict=True)]
_UNIT_LITERALS = ("week", "wk", "month", "mth", "day", "fortnight", "year")


# A bare length ("2 weeks", the label of a price row): only the "single" pattern can match it (none of the other
# patterns' required literals is in it), it matches the whole text, and nothing before or after it makes it a
# frequency, an age or a career, so it reads directly as that length.
_BARE_LENGTH = re.compile(r"([0-9]{1,3}) (weeks?|months?|days?|years?)")


def find_durations(text: str) -> list[DurationMention]:
    """All duration mentions, most specific shape first, without overlaps."""
    if bare := _BARE_LENGTH.fullmatch(text):
        weeks = to_weeks(float(bare.group(1)), bare.group(2))
        return [_mention(weeks, weeks, "single", 0, len(text))] if weeks > 0 else []
    lower = text.lower()
    # (map over str.__contains__: the literal tests without a Python frame per literal.)
    if not any(map(lower.__contains__, _UNIT_LITERALS)):
        return []
    # Matching lower-cased text with case-sensitive patterns is about twice as fast as re.I; lower() keeps
    # offsets for all but a few non-ASCII letters, and for those the case-insensitive patterns are used.
    checks = _NOT_A_LENGTH
    if len(lower) == len(text):
        subject = lower
        patterns = [(shape, pat) for shape, pat, needs in _PATTERNS_LOWER
                    if needs is None or any(map(lower.__contains__, needs))]
        if fold_safe(text, lower):
            checks = _NOT_A_LENGTH_TWINS
    else:  # re.I can match letters that lower() does not produce ("ſ" for "s"), so no literal prefilter here
        subject, patterns = text, _PATTERNS
    found: list[DurationMention] = []
    taken: list[tuple[int, int]] = []
    for shape, pat in patterns:
        for m in pat.finditer(subject):
            if any(m.start() < e and s < m.end() for s, e in taken) or _not_a_length(subject, m, checks):
                continue
            mention = _read(shape, m)
            if mention is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(mention)
    found.sort(key=_BY_START)
    return found


_BY_START = attrgetter("start")


# A count of time units that is not a length of stay: a schedule ("5 days a week"), a frequency
# ("every 2 weeks"), an age ("18 years old") or a career ("20 years of experience").
_FREQUENCY_AFTER = re.compile(r"\s*(?:a|per|each|every|/)\s*(?:week|month|day|fortnight)\b", re.I)
_NOT_STAY_AFTER = re.compile(r"\s*(?:old|of age|of (?:\w+ )?(?:experience|training|study|studies|practice|service))\b",
                             re.I)
_NOT_STAY_BEFORE = re.compile(r"\b(?:every|aged|age|over the (?:past|last)|for the (?:past|last))\s*$", re.I)


_NOT_A_LENGTH = (_FREQUENCY_AFTER, _NOT_STAY_AFTER, _NOT_STAY_BEFORE)
# The same three as case-sensitive twins, for lower-cased text that folds safely (pipelines.casefold).
_NOT_A_LENGTH_TWINS = tuple(case_twin(p) or p for p in _NOT_A_LENGTH)


def _not_a_length(text: str, m: re.Match[str], checks: tuple[re.Pattern[str], ...] = _NOT_A_LENGTH) -> bool:
    frequency_after, not_stay_after, not_stay_before = checks
    before = text[max(0, m.start() - 20):m.start()]
    return bool(frequency_after.match(text, m.end()) or not_stay_after.match(text, m.end())
                or not_stay_before.search(before))


def _read(shape: str, m: re.Match[str]) -> DurationMention | None:
    g = m.groupdict()
    unit = g.get("unit") or g.get("unit2") or ""
    a = number(g["a"]) if g.get("a") else None
    b = number(g["b"]) if g.get("b") else None
    if shape == "minmax":
        lo, hi = to_weeks(a or 0, unit), to_weeks(b or 0, g.get("unit2") or unit)
    elif shape == "list":
        if a is None or b is None or b <= a:
            return None
        lo, hi = to_weeks(a, unit), to_weeks(b, unit)
    elif shape == "range":
        unit_a = g.get("unit_a") or unit
        if a is None or b is None or b <= a and unit_a.lower()[0] == unit.lower()[0]:
            return None
        lo, hi = to_weeks(a, unit_a), to_weeks(b, unit)
    elif shape == "min":
        lo, hi = to_weeks(a or 0, unit), None
    elif shape == "max":
        lo, hi = None, to_weeks(b or 0, unit)
    else:
        # "twice a week", "once a month": an article is a frequency, not a length.
        if a is None or g["a"].strip().lower() in ("a", "an"):
            return None
        lo = hi = to_weeks(a, unit)
    if (lo is not None and lo <= 0) or (hi is not None and hi <= 0):
        return None
    if lo is not None and hi is not None and hi < lo:
        return None
    return _mention(lo, hi, shape, m.start(), m.end())


def _mention(lo: float | None, hi: float | None, shape: str, start: int, end: int) -> DurationMention:
    """DurationMention(...) filled in directly: the frozen dataclass __init__ (object.__setattr__ per field) costs
    three times as much (keep in step with its fields; tests/test_page_speed.py checks)."""
    mention = _new(DurationMention)
    d = mention.__dict__
    d["min_weeks"] = lo
    d["max_weeks"] = hi
    d["shape"] = shape
    d["start"] = start
    d["end"] = end
    return mention


_new = object.__new__
