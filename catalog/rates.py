"""The dated exchange-rate table: reading a rates CSV, storing it, converting between currencies.

Rates are stored as units of a currency per 1 EUR on a date (the convention of the
ECB's reference rates), so any pair converts through the euro with the rates of one
date. The project ships `catalog/data/rates.csv`; a maintainer replaces or extends
it with `internscope rates import FILE`. A CSV row is `date,currency,per_eur[,source]`;
a file quoting rates against another base says so with `--base` and is converted
on import through that base's own rate on the same date.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlite_utils

from catalog.db import CatalogError

__all__ = [
    "BUNDLED_RATES",
    "INDEX_CURRENCY",
    "Rate",
    "RateTable",
    "import_rates",
    "load_rate_table",
    "parse_rates_csv",
]

BUNDLED_RATES = Path(__file__).with_name("data") / "rates.csv"
# The currency the catalog's indexed price columns (price_per_week_eur, ...) are kept in.
INDEX_CURRENCY = "EUR"
_CODE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Rate:
    day: str  # ISO date the rate was published for
    currency: str
    per_eur: float
    source: str


def _fail(where: str, why: str) -> CatalogError:
    return CatalogError(f"{where}: {why}")


def parse_rates_csv(text: str, *, name: str = "rates", base: str = INDEX_CURRENCY) -> list[Rate]:
    """Rows of a rates CSV, checked; any bad row raises CatalogError naming the file and line."""
    base = base.strip().upper()
    if not _CODE.match(base):
        raise CatalogError(f"--base {base!r} is not an ISO 4217 currency code")
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    rate_column = "per_eur" if base == INDEX_CURRENCY else f"per_{base.lower()}"
    alternatives = {rate_column, "rate"}
    if "date" not in fields or "currency" not in fields or not alternatives & set(fields):
        raise _fail(name, f"line 1: expected a header with date,currency,{rate_column} (or rate); got {fields}")
    reader.fieldnames = fields
    column = rate_column if rate_column in fields else "rate"
    rows: list[Rate] = []
    for row in reader:
        where = f"{name}, line {reader.line_num}"
        day = (row.get("date") or "").strip()
        code = (row.get("currency") or "").strip().upper()
        raw = (row.get(column) or "").strip()
        try:
            date.fromisoformat(day)
        except ValueError:
            raise _fail(where, f"date {day!r} is not YYYY-MM-DD") from None
        if not _CODE.match(code):
            raise _fail(where, f"currency {code!r} is not an ISO 4217 code")
        try:
            value = float(raw)
        except ValueError:
            raise _fail(where, f"rate {raw!r} is not a number") from None
        if not math.isfinite(value) or value <= 0:
            raise _fail(where, f"rate {raw!r} must be a positive number")
        rows.append(Rate(day, code, value, (row.get("source") or "").strip() or name))
    if not rows:
        raise _fail(name, "no rates in the file")
    return rows if base == INDEX_CURRENCY else _rebase(rows, base, name)


def _rebase(rows: list[Rate], base: str, name: str) -> list[Rate]:
    # A row holds units of its currency per 1 base (read into per_eur above). The EUR row
    # of the same date says e EUR per 1 base, so units per 1 EUR = units per base / e.
    eur = {r.day: r.per_eur for r in rows if r.currency == INDEX_CURRENCY}
    out: list[Rate] = []
    for r in rows:
        if r.day not in eur:
            raise _fail(name, f"rates against {base} on {r.day} need a EUR row on that date to convert")
        out.append(Rate(r.day, r.currency, r.per_eur / eur[r.day], r.source))
    days = {r.day for r in rows}
    # The base itself is 1 per base; add it when the file leaves it implicit.
    present = {(r.day, r.currency) for r in rows}
    out += [Rate(d, base, 1 / eur[d], f"{name} (base)") for d in sorted(days) if (d, base) not in present]
    return out


def import_rates(db: sqlite_utils.Database, rates: Iterable[Rate]) -> int:
    """Upsert rates (one row per date and currency); returns the number of rows written."""
    rows = [(r.day, r.currency, r.per_eur, r.source) for r in rates]
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO exchange_rates (date, currency, per_eur, source) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(date, currency) DO UPDATE SET per_eur = excluded.per_eur, source = excluded.source",
            rows,
        )
    return len(rows)


def bundled_rates() -> list[Rate]:
    return parse_rates_csv(BUNDLED_RATES.read_text(encoding="utf-8"), name=BUNDLED_RATES.name)


@dataclass(frozen=True)
class RateTable:
    """The latest rate of each currency in a catalog; converts amounts and says how."""

    latest: dict[str, Rate]

    def has(self, currency: str) -> bool:
        return currency.upper() in self.latest

    def convert(self, amount: float, source: str, target: str) -> float | None:
        a, b = self.latest.get(source.upper()), self.latest.get(target.upper())
        if a is None or b is None:
            return None
        return amount / a.per_eur * b.per_eur

    def how(self, source: str, target: str) -> str:
        """'at 1 EUR = 1.172 USD, 151.4 KES (2025-06-30)': the rates behind a conversion."""
        source, target = source.upper(), target.upper()
        if source == target:
            return "no conversion"
        rates = [self.latest[c] for c in dict.fromkeys((source, target)) if c in self.latest and c != "EUR"]
        days = sorted({r.day for r in rates}) or ["-"]
        quoted = ", ".join(f"{r.per_eur:g} {r.currency}" for r in rates)
        return f"at 1 EUR = {quoted} ({', '.join(days)})"


def load_rate_table(db: sqlite_utils.Database) -> RateTable:
    """The latest rate per currency (a currency missing from a newer file keeps its older rate)."""
    rows = db.execute(
        "SELECT r.date, r.currency, r.per_eur, r.source FROM exchange_rates r "
        "JOIN (SELECT currency, max(date) AS date FROM exchange_rates GROUP BY currency) m "
        "ON m.currency = r.currency AND m.date = r.date"
    ).fetchall()
    return RateTable({c: Rate(d, c, float(v), s) for d, c, v, s in rows})
