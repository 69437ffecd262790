"""Comparable prices: lowest price per week and the price of 4 weeks, from the fees a page states."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.prices import normalise_prices


def fee(amount: float, basis: str, kind: str = "program", currency: str = "USD", weeks: float | None = None) -> dict:
    return {"amount": amount, "amount_max": None, "currency": currency, "basis": basis, "kind": kind,
            "weeks": weeks, "evidence": "x"}


def rec(*fees: dict, weeks: tuple[float | None, float | None] | None = None) -> dict[str, Any]:
    duration = None if weeks is None else {"min_weeks": weeks[0], "max_weeks": weeks[1], "evidence": "x"}
    return {"fees": list(fees), "duration": duration}


M = 52 / 12  # weeks in a month, as the labels convert

CASES = [
    # (record, per week, 4 weeks, words the per-week derivation shows)
    pytest.param(rec(fee(300, "per_week")), 300, 1200, "per week", id="weekly-rate"),
    pytest.param(rec(fee(300, "per_week"), fee(250, "one_time", "registration")), 300, 1450, "per week",
                 id="weekly-plus-registration"),
    pytest.param(rec(fee(1300, "per_month")), 1300 / M, 1300 * 4 / M, "per month", id="monthly-rate"),
    pytest.param(rec(fee(50, "per_day")), 350, 1400, "per day", id="daily-rate"),
    pytest.param(rec(fee(2400, "total", weeks=4), fee(1500, "total", weeks=2)), 600, 2400, "for 4 weeks",
                 id="tiers-4-week-tier-is-the-4-week-price"),
    pytest.param(rec(fee(2400, "total", weeks=4), fee(4000, "total", weeks=8)), 500, 2400, "for 8 weeks",
                 id="tiers-lowest-per-week-is-the-longest"),
    pytest.param(rec(fee(1650, "total", weeks=M)), round(1650 / M, 2), 1650, "weeks", id="one-month-tier-is-4-weeks"),
    pytest.param(rec(fee(1350, "total", weeks=2), fee(575, "per_week"), weeks=(2, 12)),
                 round((1350 + 10 * 575) / 12, 2), 1350 + 2 * 575, "per extra week",
                 id="tier-plus-extra-weeks"),
    pytest.param(rec(fee(24900, "total", weeks=2, currency="ZAR"), fee(3750, "per_week", currency="ZAR"),
                     weeks=(2, 6)), round((24900 + 4 * 3750) / 6, 2), 24900 + 2 * 3750, "per extra week",
                 id="extra-week-rate-is-not-a-weekly-price"),
    pytest.param(rec(fee(1295, "total", weeks=3), fee(310, "per_week"), weeks=(3, None)), round(1295 / 3, 2),
                 1295 + 310, "for 3 weeks", id="open-ended-extra-weeks-not-extrapolated"),
    pytest.param(rec(fee(2000, "total"), weeks=(4, 4)), 500, 2000, "fixed", id="total-for-fixed-length"),
    pytest.param(rec(fee(2000, "total"), weeks=(2, 8)), None, None, None, id="total-without-length-not-derivable"),
    pytest.param(rec(fee(3000, "total"), weeks=(6, 6)), 500, None, "fixed", id="fixed-6-weeks-no-4-week-price"),
    pytest.param(rec(fee(300, "per_week"), weeks=(8, 12)), 300, None, "per week", id="minimum-8-weeks-no-4-week-price"),
    pytest.param(rec(fee(300, "per_week"), weeks=(1, 2)), 300, None, "per week", id="at-most-2-weeks-no-4-week-price"),
    pytest.param(rec(fee(6450, "per_week", currency="ZAR"), fee(3500, "one_time", currency="ZAR")), 6450,
                 6450 * 4 + 3500, "per week", id="one-time-program-fee-added-to-4-weeks"),
    pytest.param(rec(fee(300, "per_week"), fee(500, "one_time", "deposit")), 300, 1200, "per week",
                 id="deposit-is-part-of-the-price"),
    pytest.param(rec(fee(300, "per_week"), fee(100, "one_time", "donation")), 300, 1200, "per week",
                 id="donation-not-added"),
    pytest.param(rec(fee(300, "per_week"), fee(150, "per_day", "extra")), 300, 1200, "per week",
                 id="extras-not-added"),
    pytest.param(rec(fee(300, "per_week"), fee(280, "per_week", currency="EUR")), 300, 1200, "USD",
                 id="second-currency-ignored"),
    pytest.param(rec(fee(95, "one_time", "registration")), None, None, None, id="registration-only"),
    pytest.param(rec(), None, None, None, id="no-fees"),
    pytest.param(rec(fee(1200, "one_time")), None, None, None, id="one-time-program-fee-only-no-length"),
    pytest.param(rec(fee(1200, "one_time"), weeks=(4, 4)), None, 1200, None, id="one-time-fee-fixed-4-weeks"),
    pytest.param(rec(fee(2195, "total", weeks=4), fee(250, "one_time", "registration"),
                     fee(150, "one_time", "registration")), 548.75, 2595, "for 4 weeks",
                 id="two-registration-fees-both-added"),
    pytest.param(rec(fee(900, "total", weeks=2), fee(600, "per_week")), 450, 2100, "for 2 weeks",
                 id="tier-plus-weekly-no-max-uses-tier"),
]


@pytest.mark.parametrize(("record", "per_week", "four_weeks", "how"), CASES)
def test_normalised_prices(record: dict, per_week: float | None, four_weeks: float | None, how: str | None) -> None:
    prices = normalise_prices(record)
    assert prices.per_week == (None if per_week is None else pytest.approx(per_week, abs=0.01))
    assert prices.four_weeks == (None if four_weeks is None else pytest.approx(four_weeks, abs=0.01))
    if how is not None:
        assert how in (prices.per_week_how or "") + (prices.four_weeks_how or "")
    # Every figure says how it was derived; no figure, no sentence.
    assert (prices.per_week is None) == (prices.per_week_how is None)
    assert (prices.four_weeks is None) == (prices.four_weeks_how is None)
    if record["fees"] and any(f["kind"] == "program" for f in record["fees"]):
        assert prices.currency == next(f["currency"] for f in record["fees"] if f["kind"] == "program")


def test_four_week_price_never_below_four_times_the_lowest_weekly_rate_of_a_stay() -> None:
    # A 4-week tier beside a cheaper long stay: 4 weeks cost the tier, not 4 x the long-stay rate.
    prices = normalise_prices(rec(fee(2400, "total", weeks=4), fee(4000, "total", weeks=12)))
    assert prices.four_weeks == 2400 and prices.per_week == pytest.approx(4000 / 12, abs=0.01)
