"""Lengths of stay in text (pipelines.duration): table-driven cases and property tests.

Expected values follow the labelling guide (shared corpus LABELS.md): weeks as a
number, days / 7, months x 52 / 12, rounded to two decimals; "from 2 weeks" is
min 2, max null; "up to 6 months" is min null, max 26.0; a single length is
min = max. Frequencies ("twice a week", "5 days a week", "every 2 weeks") and
other numbers of time that are not a stay (ages, years of experience) are not
lengths.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.duration import find_durations, to_weeks

Span = tuple[float | None, float | None]


def _spans(text: str) -> list[Span]:
    return [(d.min_weeks, d.max_weeks) for d in find_durations(text)]


def _case(text: str, expected: list[Span], id: str, xfail: str | None = None) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(text, expected, id=id, marks=marks)


DURATION_CASES = [
    # --- single lengths
    _case("The placement lasts 4 weeks.", [(4, 4)], "weeks"),
    _case("1 week", [(1, 1)], "one-week"),
    _case("a 6-week elective", [(6, 6)], "hyphenated-week"),
    _case("our four-week nursing programme", [(4, 4)], "word-hyphenated"),
    _case("6 months", [(26.0, 26.0)], "six-months"),
    _case("1 month", [(4.33, 4.33)], "one-month"),
    _case("2 months", [(8.67, 8.67)], "two-months"),
    _case("3 months", [(13.0, 13.0)], "three-months"),
    _case("10 days", [(1.43, 1.43)], "ten-days-digits"),
    _case("14 days", [(2.0, 2.0)], "fourteen-days-digits"),
    _case("21 days", [(3.0, 3.0)], "twenty-one-days"),
    _case("a gap-year stay of one year", [(52, 52)], "one-year"),
    _case("8 wks", [(8, 8)], "wks-abbreviation"),
    # --- number words
    _case("two weeks", [(2, 2)], "word-two"),
    _case("three weeks in the maternity ward", [(3, 3)], "word-three"),
    _case("twelve weeks", [(12, 12)], "word-twelve"),
    _case("six months", [(26.0, 26.0)], "word-six-months"),
    _case("ten days", [(1.43, 1.43)], "word-ten-days"),
    _case("fourteen days", [(2.0, 2.0)], "word-fourteen-days"),
    _case("twenty-four weeks", [(24, 24)], "word-twenty-four"),
    _case("twenty-six weeks", [(26, 26)], "word-twenty-six"),
    _case("nineteen days", [(2.71, 2.71)], "word-nineteen"),
    # --- ranges
    _case("2 to 12 weeks", [(2, 12)], "range-to"),
    _case("2-12 weeks", [(2, 12)], "range-hyphen"),
    _case("2 – 12 weeks", [(2, 12)], "range-en-dash"),
    _case("between 4 and 8 weeks", [(4, 8)], "range-between"),
    _case("1 to 3 months", [(4.33, 13.0)], "range-months"),
    _case("3 to 6 months", [(13.0, 26.0)], "range-three-six-months"),
    _case("1–6 months", [(4.33, 26.0)], "range-dash-months"),
    _case("10 to 30 days", [(1.43, 4.29)], "range-days"),
    _case("two to four weeks", [(2, 4)], "range-words"),
    _case("four to twelve weeks", [(4, 12)], "range-words-twelve"),
    _case("between one and three months", [(4.33, 13.0)], "range-between-words-months"),
    _case("4 to 6 wks", [(4, 6)], "range-wks"),
    _case("2 weeks to 3 months", [(2, 13.0)], "range-mixed-units"),
    _case("10 days to 4 weeks", [(1.43, 4)], "range-days-to-weeks"),
    _case("Duration: 1 week to 6 months", [(1, 26.0)], "range-week-to-months"),
    _case("from 2 to 8 weeks", [(2, 8)], "range-from-to"),
    _case("8-12 week placements", [(8, 12)], "range-singular-unit"),
    # --- lists
    _case("2, 3 or 4 weeks", [(2, 4)], "list-three"),
    _case("choose 2, 4, 6 or 8 weeks", [(2, 8)], "list-four"),
    _case("4 or 8 weeks", [(4, 8)], "list-two"),
    _case("1, 2 or 3 months", [(4.33, 13.0)], "list-months"),
    # --- minimum / maximum phrasings
    _case("a minimum of 10 days", [(1.43, None)], "minimum-of-days"),
    _case("min. 2 weeks – max. 24 weeks", [(2, 24)], "min-max-abbreviated"),
    _case("minimum 2 weeks, maximum 12 weeks", [(2, 12)], "min-max-words"),
    _case("a minimum of one week and a maximum of twelve weeks", [(1, 12)], "min-max-number-words"),
    _case("up to 6 months", [(None, 26.0)], "up-to-months"),
    _case("up to 24 weeks", [(None, 24)], "up-to-weeks"),
    _case("at least three weeks", [(3, None)], "at-least-word"),
    _case("at least 1 month", [(4.33, None)], "at-least-month"),
    _case("8 weeks or longer", [(8, None)], "or-longer"),
    _case("2 weeks or more", [(2, None)], "or-more"),
    _case("from 2 weeks", [(2, None)], "from"),
    _case("starting from 1 week", [(1, None)], "starting-from"),
    _case("2 weeks minimum", [(2, None)], "trailing-minimum"),
    _case("4+ weeks", [(4, None)], "plus-sign-before-unit"),
    _case("4 weeks+", [(4, None)], "plus-sign-after-unit"),
    _case("no less than 3 weeks", [(3, None)], "no-less-than"),
    _case("The minimum stay is 4 weeks.", [(4, None)], "minimum-stay-is"),
    _case("Minimum duration: 2 weeks", [(2, None)], "minimum-duration-colon"),
    _case("Minimum two weeks, no maximum.", [(2, None)], "minimum-no-maximum"),
    _case("a maximum stay of 12 weeks", [(None, 12)], "maximum-stay-of"),
    _case("maximum of 3 months", [(None, 13.0)], "maximum-months"),
    _case("no longer than 8 weeks", [(None, 8)], "no-longer-than"),
    _case("stay as long as 6 months", [(None, 26.0)], "as-long-as"),
    _case("12 weeks max", [(None, 12)], "trailing-max"),
    # --- several mentions in running text
    _case("Stay from 2 weeks; most interns book 4 weeks.", [(2, None), (4, 4)], "two-mentions"),
    # --- must NOT match: frequencies, schedules, ages, ordinals
    _case("Ward rounds happen twice a week.", [], "twice-a-week"),
    _case("Teaching sessions run once a month.", [], "once-a-month"),
    _case("three times a week", [], "three-times-a-week"),
    _case("You work 5 days a week, Monday to Friday.", [], "days-a-week-schedule"),
    _case("Outreach trips leave every 2 weeks.", [], "every-two-weeks"),
    _case("24 hours a day", [], "hours"),
    _case("Monday to Friday", [], "weekdays"),
    _case("$250 per week", [], "per-week-price"),
    _case("weekly", [], "weekly"),
    _case("Week 1: orientation", [], "week-label"),
    _case("in your 2nd week", [], "ordinal-week"),
    _case("open to 3rd-year medical students", [], "ordinal-year"),
    _case("Participants must be at least 18 years old.", [], "minimum-age"),
    _case("Our coordinator has 20 years of experience.", [], "years-of-experience"),
    _case("support 24/7", [], "twenty-four-seven"),
    _case("", [], "empty"),
]


@pytest.mark.parametrize(("text", "expected"), DURATION_CASES)
def test_find_durations(text: str, expected: list[Span]) -> None:
    assert _spans(text) == expected


TO_WEEKS_CASES = [
    pytest.param(4, "weeks", 4, id="weeks"),
    pytest.param(1, "month", 4.33, id="one-month"),
    pytest.param(6, "months", 26.0, id="six-months"),
    pytest.param(5, "months", 21.67, id="five-months"),
    pytest.param(10, "days", 1.43, id="ten-days"),
    pytest.param(3, "days", 0.43, id="three-days"),
    pytest.param(2, "fortnights", 4, id="fortnights"),
    pytest.param(1, "year", 52, id="year"),
]


@pytest.mark.parametrize(("value", "unit", "weeks"), TO_WEEKS_CASES)
def test_to_weeks(value: float, unit: str, weeks: float) -> None:
    assert to_weeks(value, unit) == weeks


def test_mention_span_points_at_text() -> None:
    text = "Placements run between 4 and 8 weeks, year-round."
    (d,) = find_durations(text)
    assert text[d.start:d.end].startswith(("between 4", "4"))
    assert text[d.start:d.end].endswith("8 weeks")


# --- properties

@settings(max_examples=200, deadline=None)
@given(st.text())
def test_find_durations_never_raises(text: str) -> None:
    for d in find_durations(text):
        assert 0 <= d.start <= d.end <= len(text)
        if d.min_weeks is not None and d.max_weeks is not None:
            assert d.min_weeks <= d.max_weeks


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789 weksmonthdayfrom-–toandormin.ax,+"))
def test_find_durations_never_raises_on_duration_like_noise(text: str) -> None:
    for d in find_durations(text):
        assert d.min_weeks is None or d.min_weeks > 0
        assert d.max_weeks is None or d.max_weeks > 0


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=1, max_value=104))
def test_round_trip_n_weeks(n: int) -> None:
    unit = "week" if n == 1 else "weeks"
    assert _spans(f"The placement lasts {n} {unit}.") == [(n, n)]


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=1, max_value=51), extra=st.integers(min_value=1, max_value=52))
def test_round_trip_n_to_m_weeks(n: int, extra: int) -> None:
    m = n + extra
    assert _spans(f"Placements run {n} to {m} weeks.") == [(n, m)]


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=1, max_value=24))
def test_round_trip_n_months(n: int) -> None:
    unit = "month" if n == 1 else "months"
    weeks = round(n * 52 / 12, 2)
    assert _spans(f"Stay for {n} {unit}.") == [(weeks, weeks)]
