"""The `internscope` command line: crawl, export, programs, show, summary, eval.

Every failure a user can cause ends as one `Error: ...` line on stderr and a
non-zero exit (see `_Group.main`); read commands open the catalog read-only so
they can run while a crawl is writing.
"""

from __future__ import annotations

import csv
import errno
import importlib
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any, NoReturn, TypeVar

import click
import sqlite_utils

from catalog.db import CatalogError, open_catalog
from catalog.queries import EXPORT_FIELDS, catalog_summary, export_record, find_program_row, iter_programs

__all__ = ["CliError", "main"]

F = TypeVar("F", bound=Callable[..., Any])

DEBUG_ENV = "INTERNSCOPE_DEBUG"


class CliError(click.ClickException):
    """A user-facing failure: printed as one `Error: ...` line, exit status 1."""


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"Error: {_one_line(message)}", err=True)
    sys.exit(code)


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def _silence_stdout() -> None:
    # After EPIPE (`internscope export | head`) the interpreter would complain
    # again while flushing stdout at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class _Group(click.Group):
    """A click group whose errors are always a single `Error:` line, never a traceback."""

    def main(  # type: ignore[override]
        self,
        args: Iterable[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as e:
            e.show()
            sys.exit(e.exit_code)
        except click.UsageError as e:
            hint = f" (see '{e.ctx.command_path} --help')" if e.ctx is not None else ""
            _fail(e.format_message() + hint, e.exit_code)
        except click.ClickException as e:
            _fail(e.format_message(), e.exit_code)
        except click.Abort:
            _fail("aborted", 1)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except CatalogError as e:
            _fail(str(e))
        except sqlite3.DatabaseError as e:
            _fail(f"catalog error: {e}")
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(1)
        except OSError as e:
            if e.errno == errno.EPIPE:
                _silence_stdout()
                sys.exit(1)
            _fail(f"{e.strerror or e}: {e.filename}" if e.filename else str(e))
        except Exception as e:
            if os.environ.get(DEBUG_ENV):
                raise
            _fail(f"unexpected {type(e).__name__}: {e} (set {DEBUG_ENV}=1 for a traceback)")
        sys.exit(rv if isinstance(rv, int) else 0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """internscope: crawl overseas medical-internship provider sites into a SQLite catalog
    of programs (fees, duration, supervision, red flags, each with its evidence)."""


def _db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_path",
        required=True,
        envvar="INTERNSCOPE_DB",
        show_envvar=True,
        metavar="PATH",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Catalog file (SQLite).",
    )(func)


def _open_read(db_path: Path) -> sqlite_utils.Database:
    try:
        return open_catalog(db_path, create=False, readonly=True)
    except CatalogError as e:
        raise CliError(str(e)) from None


def _open_write(db_path: Path) -> sqlite_utils.Database:
    try:
        return open_catalog(db_path, create=True)
    except CatalogError as e:
        raise CliError(str(e)) from None


# ---------------------------------------------------------------- crawl


@main.command()
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@_db_option
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help="Page limit per start URL.")
@click.option("--depth", type=click.IntRange(min=0), default=None, help="Link depth limit.")
@click.option("--quiet", is_flag=True, help="Only warnings and errors from the crawler.")
@click.pass_context
def crawl(
    ctx: click.Context,
    urls: tuple[str, ...],
    db_path: Path,
    max_pages: int | None,
    depth: int | None,
    quiet: bool,
) -> None:
    """Crawl provider sites from their start URLs into the catalog."""
    try:
        # importlib (not `from catalog import crawl`) so sys.modules decides, which
        # is also how tests substitute the crawler.
        crawler = importlib.import_module("catalog.crawl")
    except ImportError as e:
        raise CliError(f"the crawler is not available: {e}") from None

    start_urls: list[str] = []
    for url in urls:
        try:
            start_urls.append(crawler.validate_start_url(url))
        except (crawler.CrawlError, ValueError) as e:
            message = str(e) or "invalid URL"
            raise CliError(message if url in message else f"{url!r}: {message}") from None
    # Before Scrapy starts: an unusable catalog should fail in milliseconds, not
    # after the first page, and migrations should not race the pipeline.
    _open_write(db_path).close()
    try:
        result = crawler.run_crawl(start_urls, str(db_path), max_pages=max_pages, depth=depth, quiet=quiet)
    except crawler.CrawlError as e:
        raise CliError(str(e)) from None
    counts = _run_counts(result.stats or {}, db_path)
    click.echo(
        f"Crawled {counts['pages']} pages into {db_path}: programs {counts['new']} new, "
        f"{counts['updated']} updated, {counts['unchanged']} unchanged; {counts['rejected']} rejected "
        f"({result.reason})"
    )
    if result.exit_code:
        click.echo(f"Error: {_one_line(result.reason)}", err=True)
    ctx.exit(int(result.exit_code))


def _run_counts(stats: Mapping[str, Any], db_path: Path) -> dict[str, int]:
    keys = {
        "pages": "pages_stored",
        "new": "programs_new",
        "updated": "programs_updated",
        "unchanged": "programs_unchanged",
        "rejected": "rejected",
    }
    if "internscope/pages_stored" in stats or "internscope/crawl_run_id" not in stats:
        return {name: int(stats.get(f"internscope/{key}", 0) or 0) for name, key in keys.items()}
    # A crawl that stored nothing has no pages_stored stat; the run row is authoritative.
    try:
        db = open_catalog(db_path, create=False, readonly=True)
    except CatalogError:
        return dict.fromkeys(keys, 0)
    try:
        row = db.execute(
            "SELECT pages_seen, programs_new, programs_updated, programs_unchanged, rejected "
            "FROM crawl_runs WHERE id = ?",
            [stats["internscope/crawl_run_id"]],
        ).fetchone()
    finally:
        db.close()
    return dict(zip(keys, row or (0, 0, 0, 0, 0), strict=True))


# ---------------------------------------------------------------- export


# Always JSON in CSV, null included, so a column holds one type a reader can parse.
_JSON_COLUMNS = frozenset(
    {"cities", "fees", "includes", "excludes", "duration", "supervision", "flags", "evidence"}
)


def _csv_cell(field: str, value: Any) -> str:
    if field in _JSON_COLUMNS:
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return ""
    if isinstance(value, bool | list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _write_export(db: sqlite_utils.Database, fmt: str, out: IO[str]) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(EXPORT_FIELDS)
        for row in iter_programs(db):
            record = export_record(row)
            writer.writerow([_csv_cell(field, record[field]) for field in EXPORT_FIELDS])
            count += 1
    else:
        for row in iter_programs(db):
            out.write(json.dumps(export_record(row), ensure_ascii=False) + "\n")
            count += 1
    return count


@main.command()
@_db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"], case_sensitive=False),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON record per line; csv: nested fields as JSON text.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write here instead of stdout.",
)
def export(db_path: Path, fmt: str, output: Path | None) -> None:
    """Export every program, one per line (JSONL) or row (CSV)."""
    fmt = fmt.lower()
    db = _open_read(db_path)
    try:
        if output is None:
            _write_export(db, fmt, sys.stdout)
            return
        # Written beside the target and renamed, so a failed export never leaves
        # a truncated file where a good one was.
        tmp = output.with_name(f".{output.name}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                count = _write_export(db, fmt, fh)
            os.replace(tmp, output)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise CliError(f"cannot write {output}: {e.strerror or e}") from None
        click.echo(f"Exported {count} programs to {output}", err=True)
    finally:
        db.close()


# ---------------------------------------------------------------- programs

_BASIS_LABEL = {
    "total": "total",
    "per_week": "/week",
    "per_month": "/month",
    "per_day": "/day",
    "one_time": "one-time",
}


def _money(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return "-"
    text = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return f"{currency or ''} {text}".strip()


def _fee_label(row: Mapping[str, Any]) -> str:
    if row.get("min_program_fee") is None:
        return "-"
    basis = _BASIS_LABEL.get(row.get("min_fee_basis") or "", "")
    return f"{_money(row['min_program_fee'], row.get('min_fee_currency'))} {basis}".strip()


def _truncate(text: str | None, width: int) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 3] + "..."


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


@main.command()
@_db_option
@click.option("--country", metavar="CC", help="ISO 3166-1 alpha-2 placement country, e.g. GH.")
@click.option("--flag", metavar="CODE", help="Only programs carrying this red flag, e.g. no_supervision.")
@click.option(
    "--max-fee",
    type=click.FloatRange(min=0),
    metavar="N",
    help="Cheapest program fee at most N (programs without a stated fee are left out).",
)
@click.option("--currency", metavar="CUR", help="Cheapest program fee in this ISO 4217 currency.")
@click.option("--provider", metavar="NAME", help="Provider name contains NAME (case-insensitive).")
@click.option("--json", "as_json", is_flag=True, help="A JSON list instead of a table.")
def programs(
    db_path: Path,
    country: str | None,
    flag: str | None,
    max_fee: float | None,
    currency: str | None,
    provider: str | None,
    as_json: bool,
) -> None:
    """List programs, optionally filtered."""
    db = _open_read(db_path)
    try:
        rows = list(
            iter_programs(
                db, country=country, flag=flag, max_fee=max_fee, currency=currency, provider=provider
            )
        )
    finally:
        db.close()
    if as_json:
        listing = [
            {
                "url": r["url"],
                "title": r["title"],
                "provider": r["provider"],
                "country": r["country"],
                "min_program_fee": r["min_program_fee"],
                "min_fee_currency": r["min_fee_currency"],
                "min_fee_basis": r["min_fee_basis"],
                "flags": r["flag_codes"],
                "first_seen": r["first_seen"],
                "last_seen": r["last_seen"],
            }
            for r in rows
        ]
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No programs match.", err=True)
        return
    table_rows = [
        [
            r["url"],
            _truncate(r["title"], 48),
            r["country"] or "-",
            _fee_label(r),
            ",".join(r["flag_codes"]) or "-",
        ]
        for r in rows
    ]
    click.echo(_table(["URL", "TITLE", "COUNTRY", "FROM", "FLAGS"], table_rows))
    click.echo(f"{len(rows)} program{'s' if len(rows) != 1 else ''}")


# ---------------------------------------------------------------- show


def _show_value(value: Any) -> str:
    if value is None:
        return "(not stated)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "(none)"
    return str(value)


def _weeks(value: Any) -> str:
    return "?" if value is None else f"{value:g}"


@main.command()
@click.argument("url")
@_db_option
@click.option("--json", "as_json", is_flag=True, help="The export record as JSON.")
def show(url: str, db_path: Path, as_json: bool) -> None:
    """Show one program with all its evidence (URL as crawled or as pasted)."""
    db = _open_read(db_path)
    try:
        row = find_program_row(db, url)
    finally:
        db.close()
    if row is None:
        raise CliError(f"no program with URL {url} in {db_path}")
    rec = export_record(row)
    if as_json:
        click.echo(json.dumps(rec, ensure_ascii=False, indent=2))
        return
    evidence: dict[str, str] = rec["evidence"]
    out: list[str] = [rec["title"] or "(untitled)", f"  {'url':<20} {rec['url']}"]

    def field(label: str, value: Any, snippet: str | None) -> None:
        out.append(f"  {label:<20} {_show_value(value)}")
        if snippet:
            out.append(f'  {"":<20}   evidence: "{_one_line(snippet)}"')

    for name in ("provider", "title", "country", "cities", "includes", "excludes", "start_dates"):
        field(name, rec[name], evidence.get(name))
    duration = rec["duration"]
    if duration is None:
        field("duration", None, evidence.get("duration"))
    else:
        field(
            "duration",
            f"{_weeks(duration['min_weeks'])} to {_weeks(duration['max_weeks'])} weeks",
            duration["evidence"],
        )
    sup = rec["supervision"]
    field(
        "supervision",
        f"claimed: {_show_value(sup['claimed'])}, licensed: {_show_value(sup['licensed'])}",
        sup["evidence"] or evidence.get("supervision"),
    )
    for name in (
        "participation",
        "experience_required",
        "min_age",
        "legal_info",
        "safety_info",
        "community_benefit",
    ):
        field(name, rec[name], evidence.get(name))
    shown = {
        "provider",
        "title",
        "country",
        "cities",
        "includes",
        "excludes",
        "start_dates",
        "duration",
        "supervision",
        "participation",
        "experience_required",
        "min_age",
        "legal_info",
        "safety_info",
        "community_benefit",
    }
    for name in sorted(set(evidence) - shown):
        field(f"evidence[{name}]", "", evidence[name])

    out.append(f"fees ({len(rec['fees'])})")
    for i, fee in enumerate(rec["fees"], 1):
        amount = _money(fee["amount"], fee["currency"])
        if fee["amount_max"] is not None:
            amount += f" to {_money(fee['amount_max'], None)}"
        weeks = f", {fee['weeks']:g} weeks" if fee["weeks"] is not None else ""
        out.append(f"  {i}. {amount} {fee['basis']} ({fee['kind']}{weeks})")
        out.append(f'     evidence: "{_one_line(fee["evidence"])}"')
    out.append(f"flags ({len(rec['flags'])})")
    for flag in rec["flags"]:
        out.append(f"  [{flag['severity']}] {flag['code']}")
        out.append(f'     evidence: "{_one_line(flag["evidence"])}"')
    out.append(
        f"first seen {rec['first_seen']}, last seen {rec['last_seen']}, "
        f"last changed {row.get('last_changed')}"
    )
    click.echo("\n".join(out))


# ---------------------------------------------------------------- summary


@main.command()
@_db_option
@click.option("--json", "as_json", is_flag=True, help="The summary as JSON.")
def summary(db_path: Path, as_json: bool) -> None:
    """What the catalog holds: programs per provider, fees, flags, rejections, last crawl."""
    db = _open_read(db_path)
    try:
        info = catalog_summary(db)
    finally:
        db.close()
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    lines = [
        f"Catalog {db_path}",
        f"Programs: {info['programs']} from {len(info['providers'])} provider"
        f"{'' if len(info['providers']) == 1 else 's'} "
        f"({info['programs_with_program_fee']} with a stated program fee); pages stored: {info['pages']}",
    ]
    lines += [f"  {count:>5}  {provider}" for provider, count in info["providers"]]
    lines.append(f"Fees: {info['fees']}")
    lines.append(f"Flags: {sum(n for _, n in info['flags'])}")
    lines += [f"  {count:>5}  {code}" for code, count in info["flags"]]
    lines.append(f"Rejected records: {info['rejected']} ({info['rejected_urls']} URLs)")
    run = info["last_run"]
    if run is None:
        lines.append("Last crawl run: none yet")
    else:
        finished = run["finished_at"] or "(running or interrupted)"
        lines.append(
            f"Last crawl run #{run['id']} ({info['crawl_runs']} in all): started {run['started_at']}, "
            f"finished {finished}, reason {run['finish_reason'] or '-'}; {run['pages_seen']} pages, "
            f"programs {run['programs_new']} new / {run['programs_updated']} updated / "
            f"{run['programs_unchanged']} unchanged, {run['rejected']} rejected, {run['errors']} errors"
        )
    click.echo("\n".join(lines))


# ---------------------------------------------------------------- eval


@main.command("eval")
@click.argument("corpus_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable results.")
@click.option("--direct", is_flag=True, help="Run the extractors over the files without crawling.")
@click.pass_context
def eval_command(ctx: click.Context, corpus_dir: Path, as_json: bool, direct: bool) -> None:
    """Measure crawler and extractors against a labelled corpus (sites/ and gold/)."""
    from catalog.crawl import CrawlError
    from catalog.evaluate import EvalError, run_eval

    try:
        code = run_eval(corpus_dir, out=click.echo, as_json=as_json, direct=direct)
    except (EvalError, CrawlError) as e:
        raise CliError(str(e)) from None
    ctx.exit(int(code))


# ---------------------------------------------------------------- reextract


@main.command()
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Counts and changed programs as JSON.")
def reextract(db_path: Path, as_json: bool) -> None:
    """Re-run the current extractors over the pages stored in the catalog, without recrawling."""
    from catalog.reextract import reextract as run_reextract

    db = _open_write(db_path)
    try:
        result = run_reextract(db)
    finally:
        db.close()
    if as_json:
        click.echo(json.dumps({"run_id": result.run_id, "counts": dict(result.counts), "changed": result.changed},
                              indent=2))
        return
    c = result.counts
    click.echo(f"Re-extracted {c['pages']} stored pages (run #{result.run_id}): programs {c['new']} new, "
               f"{c['updated']} changed, {c['unchanged']} unchanged; {c['rejected']} rejected; "
               f"{c['no_longer_program']} no longer read as programs")
    for url, fields in sorted(result.changed.items()):
        click.echo(f"  {url}: {', '.join(fields)}")


# ---------------------------------------------------------------- demo

DEMO_SITES = Path(__file__).resolve().parent.parent / "demo"


@main.command()
@click.option("--sites", "sites_dir", type=click.Path(path_type=Path), default=DEMO_SITES, show_default=True,
              help="A directory with sites/<name>/ web roots to serve.")
@_db_option
@click.pass_context
def demo(ctx: click.Context, sites_dir: Path, db_path: Path) -> None:
    """Serve the bundled demo provider sites on loopback, crawl them into --db, print the summary."""
    from catalog.crawl import CrawlError, run_crawl
    from catalog.siteserver import serve_sites

    if not (sites_dir / "sites").is_dir():
        raise CliError(f"no demo sites under {sites_dir / 'sites'}")
    _open_write(db_path).close()
    with serve_sites(sites_dir) as origins:
        for name, origin in origins.items():
            click.echo(f"serving {name} at {origin}")
        try:
            # Loopback sites: no need to throttle, the politeness defaults are for real providers.
            result = run_crawl(list(origins.values()), str(db_path), quiet=True,
                               settings={"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0})
        except CrawlError as e:
            raise CliError(str(e)) from None
    if result.exit_code != 0:
        raise CliError(f"demo crawl failed: {result.reason}")
    ctx.invoke(summary, db_path=db_path, as_json=False)


if __name__ == "__main__":  # pragma: no cover
    main()
