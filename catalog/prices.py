"""Comparable prices: the lowest price per week and the price of 4 weeks, derived from a record's fees.

Providers price by the week, the month, the day, by tiers of weeks, or as one
total, with registration fees on top. Analysts compare programs on two figures,
each in the program's own currency and with a sentence saying how it was derived:

* `per_week`: the lowest weekly price the page's program fees imply. A weekly
  rate counts as is; a monthly rate is x 12 / 52; a daily rate x 7; a total for
  N weeks (a tier, or the whole stay when the program has one fixed length) / N.
  A weekly price beside tiers is the price of extra weeks, so it counts only as
  the longest allowed stay (a tier plus extra weeks) / its weeks. One-time
  charges are left out (they are in the 4-week price).
* `four_weeks`: what 4 weeks cost in all: a 4-week (or one-month) tier, a shorter
  tier plus extra weeks at the weekly rate, or a rate x 4 weeks; plus the
  one-time program and registration fees. A deposit is part of the price, a
  donation or an optional extra is not, so neither is added. Not derivable when
  the program cannot run 4 weeks.

Only program fees in the page's first program currency are used: a page quoting
the same price in two currencies would otherwise count it twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Prices", "normalise_prices"]

WEEKS_PER_MONTH = 52 / 12
# A tier of "1 month" is 4.33 weeks; both it and a 4-week tier answer "what do 4 weeks cost".
_FOUR_WEEK_TIER = (3.9, 4.4)


@dataclass(frozen=True)
class Prices:
    currency: str | None = None
    per_week: float | None = None
    per_week_how: str | None = None
    four_weeks: float | None = None
    four_weeks_how: str | None = None


def _money(amount: float, currency: str) -> str:
    return f"{amount:,.2f}".rstrip("0").rstrip(".") + f" {currency}"


def _weeks(n: float) -> str:
    return f"{n:g} week" + ("" if n == 1 else "s")


def _fixed_length(duration: Mapping[str, Any] | None) -> float | None:
    if not duration:
        return None
    lo, hi = duration.get("min_weeks"), duration.get("max_weeks")
    return float(lo) if lo and hi and lo == hi else None


def _weekly_rates(
    fees: Sequence[Mapping[str, Any]], cur: str, fixed: float | None, longest: float | None
) -> list[tuple[float, str]]:
    """(price per week, how) for every program fee that implies one."""
    out: list[tuple[float, str]] = []
    tiers = [f for f in fees if f["basis"] == "total" and f.get("weeks")]
    for fee in fees:
        amount, basis, weeks = float(fee["amount"]), fee["basis"], fee.get("weeks")
        stated = _money(amount, cur)
        if basis == "per_week" and tiers:
            # Beside tiers a weekly price is the rate for extra weeks, not a stay of its own: it
            # counts only as the longest stay the program allows, a tier plus extra weeks.
            base = max((t for t in tiers if longest is None or float(t["weeks"]) <= longest),
                       key=lambda t: float(t["weeks"]), default=None)
            if base is not None and longest is not None and longest > float(base["weeks"]):
                extra = longest - float(base["weeks"])
                total = float(base["amount"]) + extra * amount
                out.append((total / longest, f"({_money(float(base['amount']), cur)} for "
                                             f"{_weeks(float(base['weeks']))} + {extra:g} x {stated} per extra week)"
                                             f" / {longest:g}"))
        elif basis == "per_week":
            out.append((amount, f"{stated} per week"))
        elif basis == "per_month":
            out.append((amount / WEEKS_PER_MONTH, f"{stated} per month x 12 / 52"))
        elif basis == "per_day":
            out.append((amount * 7, f"{stated} per day x 7"))
        elif basis == "total" and weeks:
            out.append((amount / float(weeks), f"{stated} for {_weeks(float(weeks))} / {float(weeks):g}"))
        elif basis == "total" and fixed:
            out.append((amount / fixed, f"{stated} for the program's fixed {_weeks(fixed)} / {fixed:g}"))
    return out


def _four_week_options(
    fees: Sequence[Mapping[str, Any]], cur: str, fixed: float | None
) -> list[tuple[float, str]]:
    """(cost of 4 weeks before one-time fees, how), best-founded first."""
    tiers = [f for f in fees if f["basis"] == "total" and f.get("weeks")]
    weekly = [f for f in fees if f["basis"] == "per_week"]
    exact = [f for f in tiers if _FOUR_WEEK_TIER[0] <= float(f["weeks"]) <= _FOUR_WEEK_TIER[1]]
    if exact:
        fee = min(exact, key=lambda f: float(f["amount"]))
        return [(float(fee["amount"]), f"{_money(float(fee['amount']), cur)} for {_weeks(float(fee['weeks']))}")]
    options: list[tuple[float, str]] = []
    if fixed and _FOUR_WEEK_TIER[0] <= fixed <= _FOUR_WEEK_TIER[1]:
        for fee in fees:
            if fee["basis"] == "total" and not fee.get("weeks"):
                amount = float(fee["amount"])
                options.append((amount, f"{_money(amount, cur)} for the program's fixed {_weeks(fixed)}"))
    shorter = [f for f in tiers if float(f["weeks"]) < _FOUR_WEEK_TIER[0]]
    if shorter and weekly:
        tier = max(shorter, key=lambda f: float(f["weeks"]))
        rate = min(float(f["amount"]) for f in weekly)
        extra = 4 - float(tier["weeks"])
        amount = float(tier["amount"]) + extra * rate
        options.append((amount, f"{_money(float(tier['amount']), cur)} for {_weeks(float(tier['weeks']))}"
                                f" + {extra:g} x {_money(rate, cur)} per extra week"))
    if not tiers:
        for fee in fees:
            amount, basis = float(fee["amount"]), fee["basis"]
            if basis == "per_week":
                options.append((amount * 4, f"{_money(amount, cur)} per week x 4"))
            elif basis == "per_month":
                options.append((amount * 4 / WEEKS_PER_MONTH, f"{_money(amount, cur)} per month x 4 x 12 / 52"))
            elif basis == "per_day":
                options.append((amount * 28, f"{_money(amount, cur)} per day x 28"))
    return options


def _runs_four_weeks(duration: Mapping[str, Any] | None) -> bool:
    if not duration:
        return True
    lo, hi = duration.get("min_weeks"), duration.get("max_weeks")
    return not ((lo is not None and lo > _FOUR_WEEK_TIER[1]) or (hi is not None and hi < _FOUR_WEEK_TIER[0]))


def normalise_prices(record: Mapping[str, Any]) -> Prices:
    """The comparable price figures of one record (see the module docstring)."""
    fees = record.get("fees") or []
    program = [f for f in fees if f.get("kind") == "program"]
    if not program:
        return Prices()
    cur = str(program[0]["currency"])
    same = [f for f in fees if f.get("currency") == cur]
    recurring = [f for f in same if f.get("kind") == "program" and f["basis"] != "one_time"]
    one_time = [f for f in same if f["basis"] == "one_time" and f.get("kind") in ("program", "registration")]
    duration = record.get("duration")
    fixed = _fixed_length(duration)

    longest = float(duration["max_weeks"]) if duration and duration.get("max_weeks") else None
    weekly = _weekly_rates(recurring, cur, fixed, longest)
    per_week, per_week_how = min(weekly, key=lambda o: o[0]) if weekly else (None, None)

    four_weeks = four_weeks_how = None
    options = _four_week_options(recurring, cur, fixed) if _runs_four_weeks(duration) else []
    if options:
        # A stated 4-week tier comes back alone; otherwise the cheapest way to buy 4 weeks, as a
        # student choosing between a fixed total and weekly rates would.
        four_weeks, four_weeks_how = min(options, key=lambda o: o[0])
        for fee in one_time:
            four_weeks += float(fee["amount"])
            four_weeks_how += f" + {_money(float(fee['amount']), cur)} {fee['kind']} fee"
    elif recurring == [] and one_time and fixed and _FOUR_WEEK_TIER[0] <= fixed <= _FOUR_WEEK_TIER[1]:
        # Only one-time program charges on a program of exactly 4 weeks: they are the price.
        four_weeks = sum(float(f["amount"]) for f in one_time)
        four_weeks_how = " + ".join(f"{_money(float(f['amount']), cur)} {f['kind']} fee" for f in one_time)
    return Prices(
        currency=cur,
        per_week=None if per_week is None else round(per_week, 2),
        per_week_how=per_week_how,
        four_weeks=None if four_weeks is None else round(four_weeks, 2),
        four_weeks_how=four_weeks_how,
    )
