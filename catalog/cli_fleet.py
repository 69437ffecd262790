"""The fleet commands: `schedule` (providers spread over Scrapyd nodes) and `ingest` (job feeds into the catalog).

    internscope schedule --nodes http://a:6800,http://b:6800 --providers providers.toml --feeds /shared/feeds
    internscope ingest /shared/feeds/*.jl --db internscope.db

Both end every failure a user can cause as `Error:` lines and a non-zero exit (catalog.cli_common.Group).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import click

from catalog.cli_common import CliError, db_option, one_line, open_write
from catalog.providers import PROVIDERS_ENV, Provider, load_registry

__all__ = ["COMMANDS"]

# As `crawl --providers`: the registry had bad entries, the good providers were handled.
EXIT_BAD_REGISTRY = 3


def _select(path: Path, only: tuple[str, ...]) -> tuple[list[Provider], int]:
    """The providers to schedule (`only`, else the enabled ones) and the number of registry errors, each
    printed as an `Error:` line first."""
    registry = load_registry(path)
    for error in registry.errors:
        click.echo(f"Error: {error}", err=True)
    if not registry.providers:
        raise CliError(f"no valid provider to schedule in {path}")
    if not only:
        if not registry.enabled:
            raise CliError(f"no enabled provider to schedule in {path}")
        return registry.enabled, len(registry.errors)
    selected: list[Provider] = []
    for name in only:
        provider = registry.find(name)
        if provider is None:
            known = ", ".join(repr(p.name) for p in registry.providers)
            raise CliError(f"no valid provider named {name!r} in {path} (known: {known})")
        if provider not in selected:
            selected.append(provider)
    return selected, len(registry.errors)


def _settings(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="'-s'")
        out[name.strip()] = value
    return out


def _ingest_line(result: Any) -> str:
    if result.already:
        return f"Skipped {result.source}: job {result.job} is already in the catalog (run #{result.run_id})"
    c = result.counts
    pages = sum(c.get(k, 0) for k in ("new", "updated", "unchanged", "revived", "rejected", "page"))
    return (f"Ingested {result.source} as run #{result.run_id}: {pages} pages, programs {c.get('new', 0)} new, "
            f"{c.get('updated', 0)} updated, {c.get('unchanged', 0)} unchanged, {c.get('revived', 0)} revived; "
            f"{c.get('rejected', 0)} rejected; {result.gone} gone ({result.finish_reason})")


def _ingest_sources(sources: list[str], db_path: Path, *, as_json: bool) -> int:
    """Ingest each feed (a path, or an http(s) URL fetched first); print a line each; the number of failures."""
    from catalog.db import CatalogError
    from catalog.fleet import display
    from catalog.ingest import IngestError, fetch_feed, ingest_feed, project_thresholds
    from catalog.lock import catalog_write_lock

    db = open_write(db_path)
    failures = 0
    reports: list[dict[str, Any]] = []
    thresholds = project_thresholds()
    try:
        with catalog_write_lock(db_path, "ingest"), tempfile.TemporaryDirectory(prefix="internscope-ingest-") as tmp:
            for source in sources:
                remote = source.startswith(("http://", "https://"))
                name = display(source) if remote else source  # never a node's password in output or catalog
                try:
                    path = fetch_feed(source, Path(tmp)) if remote else source
                    result = ingest_feed(db, path, source=name, thresholds=thresholds)
                except IngestError as e:
                    click.echo(f"Error: {e}", err=True)
                    failures += 1
                    reports.append({"feed": name, "error": str(e)})
                    continue
                if not as_json:
                    click.echo(_ingest_line(result))
                for error in result.errors:
                    click.echo(f"Error: {error}", err=True)
                if result.monitors_failed:
                    details = {o.monitor: o.detail for o in result.monitors}
                    named = "; ".join(f"{m}: {details[m]}" if details.get(m) else m for m in result.monitors_failed)
                    click.echo(f"Error: {name}: monitors failed: {one_line(named)}", err=True)
                failures += bool(result.errors or result.monitors_failed)
                reports.append({
                    "feed": name, "job": result.job, "run_id": result.run_id, "already_ingested": result.already,
                    "counts": result.counts, "gone": result.gone, "finish_reason": result.finish_reason,
                    "complete_sites": result.complete_sites, "errors": [str(e) for e in result.errors],
                    "monitors": [o.__dict__ for o in result.monitors], "monitors_failed": result.monitors_failed,
                })
    except CatalogError as e:
        raise CliError(str(e)) from None
    finally:
        db.close()
    if as_json:
        click.echo(json.dumps(reports, ensure_ascii=False, indent=2))
    return failures


@click.command()
@click.argument("feeds", nargs=-1, required=True, metavar="FEED...")
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON report per feed.")
@click.pass_context
def ingest(ctx: click.Context, feeds: tuple[str, ...], db_path: Path, as_json: bool) -> None:
    """Merge Scrapyd job feeds (files or http(s) URLs) into the catalog; a feed already ingested is skipped."""
    failures = _ingest_sources(list(feeds), db_path, as_json=as_json)
    ctx.exit(1 if failures else 0)


@click.command()
@click.option("--nodes", required=True, metavar="URL,URL", help="Scrapyd nodes (comma-separated base URLs).")
@click.option("--providers", "providers_file", required=True, envvar=PROVIDERS_ENV, show_envvar=True,
              metavar="FILE", type=click.Path(dir_okay=False, path_type=Path), help="The providers registry (TOML).")
@click.option("--only", multiple=True, metavar="NAME", help="Only this provider of the registry (repeatable).")
@click.option("--project", default="internscope", show_default=True, help="The Scrapyd project deployed on the nodes.")
@click.option("--feeds", metavar="DIR|URI", default=None,
              help="Where jobs write their feeds: a directory shared with the nodes, or s3://... "
                   "[default: each node's items_dir, fetched from its items URL].")
@click.option("--gzip", is_flag=True, help="Compress the feeds (.jl.gz).")
@click.option("-s", "--set", "set_settings", multiple=True, metavar="NAME=VALUE",
              help="A Scrapy setting for every job (repeatable).")
@click.option("--wait", is_flag=True, help="Wait until every job has finished.")
@click.option("--timeout", type=click.FloatRange(min=1), default=3600.0, show_default=True,
              help="Seconds --wait waits at most.")
@click.option("--ingest", "do_ingest", is_flag=True, help="With --wait: ingest the feeds into --db.")
@click.option("--db", "db_path", envvar="INTERNSCOPE_DB", metavar="PATH", default=None,
              type=click.Path(dir_okay=False, path_type=Path), help="Catalog for --ingest.")
@click.pass_context
def schedule(
    ctx: click.Context, nodes: str, providers_file: Path, only: tuple[str, ...], project: str, feeds: str | None,
    gzip: bool, set_settings: tuple[str, ...], wait: bool, timeout: float, do_ingest: bool, db_path: Path | None,
) -> None:
    """Spread the registry's providers over Scrapyd nodes and schedule one crawl job each."""
    from catalog.fleet import FleetError, assign, display, feed_source, parse_nodes, schedule_jobs, wait_for_jobs

    if do_ingest and not wait:
        raise click.UsageError("--ingest needs --wait")
    if gzip and feeds is None:
        raise click.UsageError("--gzip needs --feeds (a node's items_dir feed is Scrapyd's, uncompressed)")
    if do_ingest and db_path is None:
        raise click.UsageError("--ingest needs --db PATH (or INTERNSCOPE_DB)")
    extra = _settings(set_settings)
    try:
        node_urls = parse_nodes(nodes)
    except FleetError as e:
        raise CliError(str(e)) from None
    if do_ingest and db_path is not None:
        open_write(db_path).close()  # an unusable catalog fails before any job runs
    selected, registry_errors = _select(providers_file, only)
    plan = assign(selected, node_urls)

    def scheduled(job: Any) -> None:
        click.echo(f"Scheduled {job.provider} on {display(job.node)}: job {job.job}"
                   + (f" -> {job.feed}" if job.feed else " (feed in the node's items_dir)"))

    try:
        jobs = schedule_jobs(plan, project=project, feeds=feeds, gzip=gzip, settings=extra, on_job=scheduled)
        if not wait:
            ctx.exit(EXIT_BAD_REGISTRY if registry_errors else 0)
        finished = wait_for_jobs(jobs, project=project, timeout=timeout, on_finish=lambda job, entry: click.echo(
            f"Finished {job.provider}: job {job.job} (feed: {display(feed_source(job, entry) or 'none')})"))
    except FleetError as e:
        raise CliError(str(e)) from None
    failures = 0
    if do_ingest and db_path is not None:
        sources: list[str] = []
        for job in jobs:
            entry = finished.get(job.job) or {}
            source = feed_source(job, entry)
            local = source is not None and "://" not in source
            if source is None or (local and not Path(source).exists()):
                # The job ended without writing its feed: it could not start, or crashed at once.
                node = display(job.node)
                log = f"; its log: {urljoin(node, str(entry['log_url']))}" if entry.get("log_url") else ""
                click.echo(f"Error: job {job.job} ({job.provider}) on {node} left no feed{log}", err=True)
                failures += 1
            elif not local and not source.startswith(("http://", "https://")):
                click.echo(f"Error: job {job.job} ({job.provider}): its feed {source} is not on this machine; "
                           "copy it here and run `internscope ingest`", err=True)
                failures += 1
            else:
                sources.append(source)
        failures += _ingest_sources(sources, db_path, as_json=False)
    if failures:
        ctx.exit(1)
    ctx.exit(EXIT_BAD_REGISTRY if registry_errors else 0)


COMMANDS: tuple[click.Command, ...] = (schedule, ingest)
