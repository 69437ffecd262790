"""The analyst commands: programs, search, changes, query, rates.

They read the catalog through read-only connections (a crawl may be writing) and
pass every user value to SQLite as a parameter. Prices are compared in a
reference currency the analyst picks (`--currency`, default EUR) with the
catalog's dated exchange rates; each converted figure can say how it was derived.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click
import sqlite_utils

from catalog.cli_common import CliError, db_option, money, one_line, open_read, open_write, table, truncate
from catalog.lock import catalog_write_lock
from catalog.queries import (
    SORTS,
    ProgramFilter,
    changes_since,
    iter_programs,
    readonly_query,
    search_programs,
)
from catalog.rates import INDEX_CURRENCY, RateTable, import_rates, load_rate_table, parse_rates_csv
from catalog.regions import match_region
from catalog.report import report
from catalog.serve import serve
from pipelines.record import FLAG_CODES

__all__ = ["COMMANDS"]

_PARTICIPATION = ("observation", "hands_on", "mixed")
# The columns `programs --json/--csv` publish, in order.
LISTING_FIELDS: tuple[str, ...] = (
    "url", "title", "provider", "discipline", "country", "region", "cities", "status",
    "duration_min_weeks", "duration_max_weeks", "price_currency", "price_per_week", "price_4_weeks",
    "reference_currency", "price_per_week_ref", "price_4_weeks_ref", "price_per_week_how", "price_4_weeks_how",
    "rates", "supervision_claimed", "supervision_licensed", "participation", "flags", "max_severity",
    "first_seen", "last_seen",
)


def _currency(db: sqlite_utils.Database, code: str) -> tuple[str, RateTable]:
    rates = load_rate_table(db)
    code = code.strip().upper()
    if not rates.has(code):
        known = ", ".join(sorted(rates.latest)[:12])
        raise CliError(f"no exchange rate for {code!r} in this catalog (known: {known}, ...); "
                       "see `internscope rates import`")
    return code, rates


def _listing(row: Mapping[str, Any], ref: str, rates: RateTable) -> dict[str, Any]:
    cur = row.get("price_currency")

    def convert(amount: float | None) -> float | None:
        if amount is None or cur is None:
            return None
        value = rates.convert(amount, cur, ref)
        return None if value is None else round(value, 2)

    return {
        "url": row["url"],
        "title": row["title"],
        "provider": row["provider"],
        "discipline": row["discipline"],
        "country": row["country"],
        "region": row["region"],
        "cities": json.loads(row["cities"] or "[]"),
        "status": row["status"],
        "duration_min_weeks": row["duration_min_weeks"],
        "duration_max_weeks": row["duration_max_weeks"],
        "price_currency": cur,
        "price_per_week": row["price_per_week"],
        "price_4_weeks": row["price_4_weeks"],
        "reference_currency": ref,
        "price_per_week_ref": convert(row["price_per_week"]),
        "price_4_weeks_ref": convert(row["price_4_weeks"]),
        "price_per_week_how": row["price_per_week_how"],
        "price_4_weeks_how": row["price_4_weeks_how"],
        "rates": rates.how(cur, ref) if cur else None,
        "supervision_claimed": bool(row["supervision_claimed"]),
        "supervision_licensed": bool(row["supervision_licensed"]),
        "participation": row["participation"],
        "flags": row["flag_codes"],
        "max_severity": row["max_severity"],
        "first_seen": row["first_seen"],
        "last_seen": row["last_seen"],
    }


def _weeks_label(lo: float | None, hi: float | None) -> str:
    if lo is None and hi is None:
        return "-"
    if lo == hi:
        return f"{lo:g}"
    return f"{'' if lo is None else f'{lo:g}'}-{'' if hi is None else f'{hi:g}'}"


def _supervision_label(row: Mapping[str, Any]) -> str:
    return "licensed" if row["supervision_licensed"] else "claimed" if row["supervision_claimed"] else "none"


def _regions(names: Sequence[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        found = match_region(name)
        if not found:
            raise CliError(f"unknown region {name!r} (try a UN sub-region such as 'Eastern Africa', "
                           "a continent, or 'Latin America')")
        out += found
    return list(dict.fromkeys(out))


def _flag_codes(codes: Sequence[str], option: str) -> list[str]:
    for code in codes:
        if code not in FLAG_CODES:
            raise CliError(f"{option} {code!r} is not a flag code (one of {', '.join(FLAG_CODES)})")
    return list(codes)


@click.command()
@db_option
@click.option("--country", "countries", multiple=True, metavar="CC",
              help="ISO 3166-1 alpha-2 placement country, e.g. KE (repeatable).")
@click.option("--region", "regions", multiple=True, metavar="NAME",
              help="UN sub-region or continent, e.g. 'East Africa', 'South-eastern Asia', 'Latin America'.")
@click.option("--field", "discipline", metavar="NAME", help="Discipline: medicine, nursing, dentistry, midwifery, ...")
@click.option("--max-per-week", type=click.FloatRange(min=0), metavar="N",
              help="Lowest price per week at most N in --currency (programs without one are left out).")
@click.option("--currency", default=INDEX_CURRENCY, show_default=True, metavar="CUR",
              help="Reference currency for --max-per-week and the converted prices.")
@click.option("--weeks", type=click.FloatRange(min=0, min_open=True), metavar="N",
              help="Only programs that can run N weeks.")
@click.option("--supervised/--unsupervised", default=None, help="Supervision claimed, or not.")
@click.option("--licensed", is_flag=True, default=None, help="Supervised by licensed or regulated professionals.")
@click.option("--participation", type=click.Choice(_PARTICIPATION), help="What the participant does.")
@click.option("--flag", "flags", multiple=True, metavar="CODE", help="Carries this red flag (repeatable: all of them).")
@click.option("--without-flag", "without_flags", multiple=True, metavar="CODE",
              help="Does not carry this red flag (repeatable).")
@click.option("--provider", metavar="NAME", help="Provider name contains NAME (case-insensitive).")
@click.option("--include-gone", is_flag=True, help="Also programs a complete crawl no longer found.")
@click.option("--sort", type=click.Choice(list(SORTS)), default="price", show_default=True,
              help="price: lowest price per week first; price4: price for 4 weeks.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, help="At most N rows (0: all).")
@click.option("--json", "as_json", is_flag=True, help="A JSON list instead of a table.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of a table.")
def programs(
    db_path: Path,
    countries: tuple[str, ...],
    regions: tuple[str, ...],
    discipline: str | None,
    max_per_week: float | None,
    currency: str,
    weeks: float | None,
    supervised: bool | None,
    licensed: bool | None,
    participation: str | None,
    flags: tuple[str, ...],
    without_flags: tuple[str, ...],
    provider: str | None,
    include_gone: bool,
    sort: str,
    limit: int,
    as_json: bool,
    as_csv: bool,
) -> None:
    """List and compare programs: filter by place, field, price per week, length, supervision, flags."""
    if as_json and as_csv:
        raise CliError("choose one of --json and --csv")
    db = open_read(db_path)
    try:
        ref, rates = _currency(db, currency)
        max_eur = None
        if max_per_week is not None:
            max_eur = rates.convert(max_per_week, ref, INDEX_CURRENCY)
        spec = ProgramFilter(
            countries=countries, regions=_regions(regions), discipline=discipline, max_per_week_eur=max_eur,
            weeks=weeks, supervised=supervised, licensed=licensed, participation=participation,
            flags=_flag_codes(flags, "--flag"), without_flags=_flag_codes(without_flags, "--without-flag"),
            provider=provider, include_gone=include_gone, sort=sort, limit=limit or None,
        )
        rows = [_listing(r, ref, rates) for r in iter_programs(db, spec)]
    finally:
        db.close()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(LISTING_FIELDS)
        for r in rows:
            writer.writerow(["" if r[k] is None else json.dumps(r[k]) if isinstance(r[k], list | bool) else r[k]
                             for k in LISTING_FIELDS])
        return
    if not rows:
        click.echo("No programs match.", err=True)
        return
    body = [
        [
            truncate(r["provider"] or "-", 24),
            truncate(r["title"], 40),
            r["country"] or "-",
            _weeks_label(r["duration_min_weeks"], r["duration_max_weeks"]),
            money(r["price_per_week_ref"], ref) if r["price_per_week_ref"] is not None else "-",
            money(r["price_4_weeks_ref"], ref) if r["price_4_weeks_ref"] is not None else "-",
            _supervision_label(r),
            ",".join(r["flags"]) or "-",
            r["url"] + (" (gone)" if r["status"] == "gone" else ""),
        ]
        for r in rows
    ]
    click.echo(table(["PROVIDER", "TITLE", "CC", "WEEKS", f"PER WEEK ({ref})", f"4 WEEKS ({ref})",
                      "SUPERVISION", "FLAGS", "URL"], body))
    more = f" (first {limit}; --limit 0 for all)" if limit and len(rows) == limit else ""
    click.echo(f"{len(rows)} program{'s' if len(rows) != 1 else ''}{more}")


@click.command()
@click.argument("text")
@db_option
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most N results.")
@click.option("--include-gone", is_flag=True, help="Also programs a complete crawl no longer found.")
@click.option("--raw", is_flag=True, help="TEXT is an FTS5 query (AND, OR, NOT, \"phrases\", prefix*).")
@click.option("--json", "as_json", is_flag=True, help="A JSON list instead of text.")
def search(text: str, db_path: Path, limit: int, include_gone: bool, raw: bool, as_json: bool) -> None:
    """Full-text search over titles, providers, places and page text, best match first, with snippets."""
    db = open_read(db_path)
    try:
        try:
            hits = search_programs(db, text, limit=limit, include_gone=include_gone, raw=raw)
        except ValueError as e:
            raise CliError(str(e)) from None
        except sqlite_utils.db.sqlite3.OperationalError as e:
            raise CliError(f"bad search query {text!r}: {e}") from None
    finally:
        db.close()
    if as_json:
        click.echo(json.dumps(hits, ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("No programs match.", err=True)
        return
    for i, hit in enumerate(hits, 1):
        where = hit["country"] or "-"
        price = f", {money(hit['price_per_week'], hit['price_currency'])}/week" if hit["price_per_week"] else ""
        gone = " (gone)" if hit["status"] == "gone" else ""
        click.echo(f"{i}. {hit['title']} - {hit['provider'] or '?'} [{where}{price}]{gone}")
        click.echo(f"   {hit['url']}")
        click.echo(f"   {one_line(hit['snippet'] or '')}")


def _change_value(value: Any) -> str:
    if isinstance(value, list):
        return f"{len(value)} fees"
    return "-" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


@click.command()
@db_option
@click.option("--since", required=True, metavar="DATE", help="ISO date (or timestamp), e.g. 2026-03-01.")
@click.option("--json", "as_json", is_flag=True, help="The changes as JSON.")
def changes(db_path: Path, since: str, as_json: bool) -> None:
    """What changed since DATE: price changes, new programs, programs gone and revived."""
    from datetime import datetime

    try:
        datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"--since {since!r} is not an ISO date such as 2026-03-01") from None
    db = open_read(db_path)
    try:
        found = changes_since(db, since)
    finally:
        db.close()
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    prices = [c for c in found["price_changes"] if c["field"] != "fees"]
    lines = [f"Since {since}: {len(prices)} price changes, {len(found['new'])} new, "
             f"{len(found['gone'])} gone, {len(found['revived'])} revived"]
    if prices:
        lines.append("Price changes:")
        for c in prices:
            label = "per week" if c["field"] == "price_per_week" else "4 weeks" if c["field"] == "price_4_weeks" \
                else "currency"
            lines.append(f"  {c['changed_at'][:10]}  {truncate(c['provider'] or '-', 24)}  {truncate(c['title'], 40)}"
                         f"  {label}: {_change_value(c['old_value'])} -> {_change_value(c['new_value'])}"
                         f" {c['currency'] or ''}".rstrip())
    for key, label in (("new", "New"), ("gone", "Gone"), ("revived", "Revived")):
        if found[key]:
            lines.append(f"{label}:")
            for r in found[key]:
                when = r.get("first_seen") or r.get("changed_at") or ""
                lines.append(f"  {when[:10]}  {truncate(r['provider'] or '-', 24)}  {truncate(r['title'], 40)}  "
                             f"{r['url']}")
    click.echo("\n".join(lines))


@click.command()
@click.argument("sql")
@db_option
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A named parameter for :NAME in SQL (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Rows as a JSON list of objects.")
@click.option("--csv", "as_csv", is_flag=True, help="Rows as CSV.")
def query(sql: str, db_path: Path, params: tuple[str, ...], as_json: bool, as_csv: bool) -> None:
    """Run one read-only SQL statement; any write is refused."""
    bound: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise CliError(f"--param {item!r} is not NAME=VALUE")
        bound[name] = value
    db = open_read(db_path)
    try:
        try:
            columns, rows = readonly_query(db, sql, bound)
        except PermissionError as e:
            raise CliError(str(e)) from None
        except sqlite_utils.db.sqlite3.Error as e:
            raise CliError(f"query failed: {e}") from None
    finally:
        db.close()
    if as_json:
        click.echo(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False, indent=2,
                              default=lambda b: b.hex() if isinstance(b, bytes) else str(b)))
    elif as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        click.echo(table(columns, [[truncate("" if v is None else str(v), 60) for v in r] for r in rows])
                   if columns else "(no columns)")
        click.echo(f"{len(rows)} row{'s' if len(rows) != 1 else ''}")


@click.group()
def rates() -> None:
    """The exchange-rate table prices are compared with."""


@rates.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option("--base", default=INDEX_CURRENCY, show_default=True, metavar="CUR",
              help="The currency the file's rates are quoted against (units of each currency per 1 CUR).")
def rates_import(file: Path, db_path: Path, base: str) -> None:
    """Import a CSV of dated rates (date,currency,per_eur[,source]) and re-derive every converted price."""
    from catalog.store import refresh_prices

    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CliError(f"rates file {file} does not exist") from None
    except (OSError, UnicodeDecodeError) as e:
        raise CliError(f"cannot read rates file {file}: {e}") from None
    parsed = parse_rates_csv(text, name=str(file), base=base)
    db = open_write(db_path)
    try:
        # One transaction for the rates and the prices derived from them: a failure half-way (a full disk)
        # leaves the catalog as it was, never new rates beside prices converted with the old ones.
        with catalog_write_lock(db_path, "rates import"), db.atomic():  # never while a crawl stores prices
            written = import_rates(db, parsed)
            refreshed = refresh_prices(db)
    finally:
        db.close()
    days = sorted({r.day for r in parsed})
    click.echo(f"Imported {written} rates ({len({r.currency for r in parsed})} currencies, "
               f"{days[0]} to {days[-1]}); re-derived prices of {refreshed} programs")


@rates.command("list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def rates_list(db_path: Path, as_json: bool) -> None:
    """The latest rate of each currency."""
    db = open_read(db_path)
    try:
        table_ = load_rate_table(db)
    finally:
        db.close()
    latest = sorted(table_.latest.values(), key=lambda r: r.currency)
    if as_json:
        click.echo(json.dumps([{"currency": r.currency, "per_eur": r.per_eur, "date": r.day, "source": r.source}
                               for r in latest], indent=2))
        return
    click.echo(table(["CURRENCY", "PER EUR", "DATE", "SOURCE"],
                     [[r.currency, f"{r.per_eur:g}", r.day, r.source] for r in latest]))


COMMANDS: tuple[click.Command, ...] = (programs, search, changes, query, rates, serve, report)
