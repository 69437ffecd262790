"""The `internscope` command line: the group, and the commands that crawl and maintain the catalog.

The analyst commands (programs, search, changes, query, rates, serve, report)
live in `catalog.cli_analyst` and are added to the group here. Every failure a
user can cause ends as one `Error: ...` line on stderr and a non-zero exit (see
`catalog.cli_common.Group`); read commands open the catalog read-only so they
can run while a crawl is writing.
"""

from __future__ import annotations

import csv
import importlib
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import click
import sqlite_utils

from catalog import cli_analyst, cli_fleet
from catalog.cli_common import CliError, Group, db_option, money, one_line, open_read, open_write
from catalog.crawlstats import ProgressLine, log_event
from catalog.db import CatalogError, open_catalog
from catalog.lock import catalog_write_lock
from catalog.providers import PROVIDERS_ENV, Provider, load_registry
from catalog.queries import (
    EXPORT_FIELDS,
    ProgramFilter,
    catalog_summary,
    export_record,
    find_program_row,
    iter_programs,
)

__all__ = ["CliError", "main"]


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """internscope: crawl overseas medical-internship provider sites into a SQLite catalog
    of programs (fees, duration, supervision, red flags, each with its evidence)."""


for _command in (*cli_analyst.COMMANDS, *cli_fleet.COMMANDS):
    main.add_command(_command)


# ---------------------------------------------------------------- crawl


# Exit status of a crawl whose registry had bad entries (the good ones were crawled and finished);
# 1 and 2 are catalog.crawl's (crawl failed, worker failed), 75 a catalog locked by another writer.
EXIT_BAD_REGISTRY = 3


@main.command()
@click.argument("urls", nargs=-1, metavar="[URL]...")
@db_option
@click.option(
    "--providers",
    "providers_file",
    envvar=PROVIDERS_ENV,
    show_envvar=True,
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Crawl the providers of this registry (TOML) instead of start URLs.",
)
@click.option("--only", "only", multiple=True, metavar="NAME", help="Only this provider of the registry (repeatable).")
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help="Page limit per start URL.")
@click.option("--depth", type=click.IntRange(min=0), default=None, help="Link depth limit.")
@click.option("--quiet", is_flag=True, help="No crawl log and no progress line (for cron).")
@click.option(
    "--progress/--no-progress",
    "show_progress",
    default=None,
    help="Live progress line on stderr [default: when stderr is a terminal and not --quiet].",
)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append the crawl's log here as JSON lines (also with --quiet).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue the interrupted crawl of these start URLs or registry (without either: the catalog's only one).",
)
@click.pass_context
def crawl(
    ctx: click.Context,
    urls: tuple[str, ...],
    db_path: Path,
    providers_file: Path | None,
    only: tuple[str, ...],
    max_pages: int | None,
    depth: int | None,
    quiet: bool,
    show_progress: bool | None,
    log_file: Path | None,
    resume: bool,
) -> None:
    """Crawl provider sites into the catalog, from start URLs or from a providers registry."""
    try:
        # importlib (not `from catalog import crawl`) so sys.modules decides, which
        # is also how tests substitute the crawler.
        crawler = importlib.import_module("catalog.crawl")
    except ImportError as e:
        raise CliError(f"the crawler is not available: {e}") from None

    if providers_file is not None and urls:
        if ctx.get_parameter_source("providers_file") == click.core.ParameterSource.ENVIRONMENT:
            providers_file = None  # the variable is only a default: URLs on the command line win
        else:
            raise click.UsageError("give start URLs or --providers FILE, not both")
    if only and providers_file is None:
        raise click.UsageError("--only needs --providers FILE (or the INTERNSCOPE_PROVIDERS variable)")
    if not urls and providers_file is None and not resume:
        raise click.UsageError(f"give start URLs or --providers FILE (or set {PROVIDERS_ENV})")
    if log_file is not None:
        try:
            with open(log_file, "a", encoding="utf-8"):
                pass
        except OSError as e:
            raise CliError(f"cannot write log file {log_file}: {e.strerror or e}") from None

    start_urls: list[str] = []
    extra: dict[str, Any] = {}
    registry_errors = n_providers = 0
    if providers_file is not None:
        selected, registry_errors = _select_providers(providers_file, only, log_file)
        n_providers = len(selected)
        start_urls = [url for p in selected for url in p.start_urls]
        extra["providers"] = {url: p.spider_config() for p in selected for url in p.start_urls}
    for url in urls:
        try:
            start_urls.append(crawler.validate_start_url(url))
        except (crawler.CrawlError, ValueError) as e:
            message = str(e) or "invalid URL"
            raise CliError(message if url in message else f"{url!r}: {message}") from None
    # Before Scrapy starts: an unusable catalog should fail in milliseconds, not
    # after the first page, and migrations should not race the pipeline.
    open_write(db_path).close()
    if show_progress is None:
        show_progress = not quiet and sys.stderr.isatty()
    progress_line = ProgressLine(sys.stderr) if show_progress else None
    if progress_line is not None:
        extra["progress"] = progress_line
        extra["log_lines"] = progress_line.above  # the crawl log scrolls above the progress line
    if log_file is not None:
        extra["log_file"] = str(log_file)
    if resume:
        extra["resume"] = True
    # The write lock is held from here to the end of the crawl (run_crawl takes it again, reentrantly).
    with catalog_write_lock(db_path, "crawl"):
        try:
            result = crawler.run_crawl(start_urls, str(db_path), max_pages=max_pages, depth=depth, quiet=quiet,
                                       **extra)
        except crawler.CrawlError as e:
            raise CliError(str(e)) from None
        finally:
            if progress_line is not None:
                progress_line.finish()
    stats = result.stats or {}
    if resume and "internscope/crawl_run_id" in stats:
        # The whole run, with what its interrupted parts stored: the run row counts it all.
        stats = {"internscope/crawl_run_id": stats["internscope/crawl_run_id"]}
    counts = _run_counts(stats, db_path)
    of = f" of {n_providers} provider{'' if n_providers == 1 else 's'}" if n_providers else ""
    summary_line = (
        f"Crawled {counts['pages']} pages{of} into {db_path}: programs {counts['new']} new, "
        f"{counts['updated']} updated, {counts['unchanged']} unchanged; {counts['rejected']} rejected "
        f"({result.reason})"
    )
    click.echo(summary_line)
    if log_file is not None:
        log_event(log_file, "error" if result.exit_code else "info", summary_line, logger="internscope.cli",
                  exit_code=int(result.exit_code))
    if result.exit_code:
        hint = " (continue it with `internscope crawl --resume`)" if getattr(result, "resumable", False) else ""
        click.echo(f"Error: {one_line(result.reason)}{hint}", err=True)
        ctx.exit(int(result.exit_code))
    if registry_errors:
        click.echo(f"Error: {providers_file} has {registry_errors} bad entr{'y' if registry_errors == 1 else 'ies'} "
                   "(listed above); the other providers were crawled", err=True)
        ctx.exit(EXIT_BAD_REGISTRY)
    ctx.exit(0)


def _select_providers(path: Path, only: tuple[str, ...], log_file: Path | None) -> tuple[list[Provider], int]:
    """The registry's providers to crawl (`only`, else the enabled ones) and the number of its
    errors, each printed as one `Error:` line (and logged) before anything is crawled."""
    registry = load_registry(path)
    for error in registry.errors:
        click.echo(f"Error: {error}", err=True)
        if log_file is not None:
            log_event(log_file, "error", str(error), logger="internscope.providers", file=error.file, line=error.line,
                      key=error.key or None, provider=error.provider)
    if not registry.providers:
        # Nothing usable in the file (missing, a TOML syntax error, only bad entries): the lines above say why.
        raise CliError(f"no valid provider to crawl in {path}")
    if only:
        selected: list[Provider] = []
        for name in only:
            provider = registry.find(name)
            if provider is None:
                bad = any(e.provider and e.provider.casefold() == name.casefold() for e in registry.errors)
                if bad:
                    raise CliError(f"provider {name!r} has errors in {path} (listed above)")
                known = ", ".join(repr(p.name) for p in registry.providers) or "none"
                raise CliError(f"no provider named {name!r} in {path} (known: {known})")
            if provider not in selected:
                selected.append(provider)
        return selected, len(registry.errors)
    selected = registry.enabled
    if not selected:
        raise CliError(f"no enabled provider to crawl in {path}")
    return selected, len(registry.errors)


def _run_counts(stats: Mapping[str, Any], db_path: Path) -> dict[str, int]:
    keys = {
        "pages": "pages_stored",
        "new": "programs_new",
        "updated": "programs_updated",
        "unchanged": "programs_unchanged",
        "rejected": "rejected_stored",
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
    {"cities", "fees", "includes", "excludes", "duration", "supervision", "flags", "evidence", "prices"}
)


def _csv_cell(field: str, value: Any) -> str:
    if field in _JSON_COLUMNS:
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return ""
    if isinstance(value, bool | list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# Gone programs too: an export is the catalog's full record, their status says which is which.
_EVERY_PROGRAM = ProgramFilter(include_gone=True, sort="country")


def _write_export(db: sqlite_utils.Database, fmt: str, out: IO[str]) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(EXPORT_FIELDS)
        for row in iter_programs(db, _EVERY_PROGRAM):
            record = export_record(row)
            writer.writerow([_csv_cell(field, record[field]) for field in EXPORT_FIELDS])
            count += 1
    else:
        for row in iter_programs(db, _EVERY_PROGRAM):
            out.write(json.dumps(export_record(row), ensure_ascii=False) + "\n")
            count += 1
    return count


@main.command()
@db_option
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
    db = open_read(db_path)
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
@db_option
@click.option("--json", "as_json", is_flag=True, help="The export record as JSON.")
def show(url: str, db_path: Path, as_json: bool) -> None:
    """Show one program with all its evidence (URL as crawled or as pasted)."""
    db = open_read(db_path)
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
            out.append(f'  {"":<20}   evidence: "{one_line(snippet)}"')

    for name in ("provider", "title", "discipline", "country", "cities", "includes", "excludes", "start_dates"):
        field(name, rec[name], evidence.get(name))
    prices = rec["prices"]
    if prices["per_week"] is not None:
        field("price per week", money(prices["per_week"], prices["currency"]), prices["per_week_how"])
    if prices["four_weeks"] is not None:
        field("price for 4 weeks", money(prices["four_weeks"], prices["currency"]), prices["four_weeks_how"])
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
        "discipline",
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
        amount = money(fee["amount"], fee["currency"])
        if fee["amount_max"] is not None:
            amount += f" to {money(fee['amount_max'], None)}"
        weeks = f", {fee['weeks']:g} weeks" if fee["weeks"] is not None else ""
        out.append(f"  {i}. {amount} {fee['basis']} ({fee['kind']}{weeks})")
        out.append(f'     evidence: "{one_line(fee["evidence"])}"')
    out.append(f"flags ({len(rec['flags'])})")
    for flag in rec["flags"]:
        out.append(f"  [{flag['severity']}] {flag['code']}")
        out.append(f'     evidence: "{one_line(flag["evidence"])}"')
    status = f"gone since {rec['gone_since']}" if rec["status"] == "gone" else "active"
    out.append(
        f"{status}; first seen {rec['first_seen']}, last seen {rec['last_seen']}, "
        f"last changed {row.get('last_changed')}"
    )
    click.echo("\n".join(out))


# ---------------------------------------------------------------- summary


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="The summary as JSON.")
def summary(db_path: Path, as_json: bool) -> None:
    """What the catalog holds: programs per provider, fees, flags, rejections, last crawl."""
    db = open_read(db_path)
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
@db_option
@click.option("--json", "as_json", is_flag=True, help="Counts and changed programs as JSON.")
def reextract(db_path: Path, as_json: bool) -> None:
    """Re-run the current extractors over the pages stored in the catalog, without recrawling."""
    from catalog.reextract import reextract as run_reextract

    db = open_write(db_path)
    try:
        with catalog_write_lock(db_path, "reextract"):  # its run must not interleave with a crawl's
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
@db_option
@click.pass_context
def demo(ctx: click.Context, sites_dir: Path, db_path: Path) -> None:
    """Serve the bundled demo provider sites on loopback, crawl them into --db, print the summary."""
    from catalog.crawl import CrawlError, run_crawl
    from catalog.siteserver import serve_sites

    if not (sites_dir / "sites").is_dir():
        raise CliError(f"no demo sites under {sites_dir / 'sites'}")
    open_write(db_path).close()
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
