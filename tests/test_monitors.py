"""Crawl monitors (catalog/monitors.py): each passing and failing on crafted stats and catalogs, their
recording in crawl_runs, and a real crawl whose site lost most of its programs failing with a one-line reason."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from catalog_factories import make_item, make_record
from scrapy.settings import Settings

from catalog.crawl import run_crawl
from catalog.db import open_catalog
from catalog.monitors import (
    CrawlFacts,
    MonitorOutcome,
    Thresholds,
    failed_names,
    gather_facts,
    run_monitors,
)
from catalog.siteserver import serve_sites
from catalog.store import complete_sites, finish_run, mark_gone, start_run, store_page

SITE = "https://provider.test"
OTHER = "https://other.test"
GOOD_STATS: dict[str, Any] = {"finish_reason": "finished", "downloader/request_count": 100, "log_count/ERROR": 0}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    catalog = open_catalog(tmp_path / "c.db")
    yield catalog
    catalog.close()


def _program(n: int, site: str = SITE) -> dict[str, Any]:
    return make_item(make_record(f"{site}/programs/p{n}", title=f"Program {n}"), site=site)


def crawl(
    db: sqlite_utils.Database,
    items: list[dict[str, Any]],
    *,
    sites: tuple[str, ...] = (SITE,),
    stats: dict[str, Any] | None = None,
    thresholds: Thresholds | None = None,
) -> tuple[int, list[MonitorOutcome]]:
    """A crawl run as the store pipeline and the monitors make it: store, monitor, mark gone, close."""
    stats = {**GOOD_STATS, **(stats or {})}
    run_id = start_run(db, [f"{s}/" for s in sites])
    for item in items:
        store_page(db, run_id, item)
    outcomes = run_monitors(gather_facts(stats, thresholds=thresholds or Thresholds(), db=db, run_id=run_id))
    reason = str(stats.get("finish_reason"))
    mark_gone(db, run_id, complete_sites({i["site"] for i in items}, stats, reason))
    finish_run(db, run_id, stats, reason)
    return run_id, outcomes


def by_name(outcomes: list[MonitorOutcome]) -> dict[str, MonitorOutcome]:
    return {o.monitor: o for o in outcomes}


# ---------------------------------------------------------------- each monitor, table-driven


@dataclass
class Case:
    id: str
    stats: dict[str, Any]
    monitor: str
    status: str
    detail: str = ""  # a part of the one-line detail
    history: list[int] = field(default_factory=list)  # programs of the earlier complete runs of SITE
    programs: int = 10  # programs this run finds
    rejected: int = 0  # rejected program pages this run
    thresholds: Thresholds = Thresholds()


CASES = [
    Case("finish ok", {}, "finish_reason", "passed", "finished"),
    Case("finish: page budget of Scrapy", {"finish_reason": "closespider_pagecount"}, "finish_reason", "failed",
         "'closespider_pagecount', expected finished"),
    Case("finish: shutdown", {"finish_reason": "shutdown"}, "finish_reason", "failed", "'shutdown'"),
    Case("finish: missing", {"finish_reason": None}, "finish_reason", "failed", "'missing'"),
    Case("finish: allowed by setting", {"finish_reason": "closespider_pagecount"}, "finish_reason", "passed",
         thresholds=Thresholds(finish_reasons=("finished", "closespider_pagecount"))),
    Case("errors: none", {}, "error_rate", "passed", "0 errors in 100 requests"),
    Case("errors: at the limit", {"log_count/ERROR": 10}, "error_rate", "passed", "10 errors in 100 requests"),
    Case("errors: above", {"log_count/ERROR": 11}, "error_rate", "failed", "11 errors in 100 requests (0.11 > 0.1)"),
    Case("errors: store errors count", {"internscope/store_errors": 30}, "error_rate", "failed", "30 errors"),
    Case("errors: stricter setting", {"log_count/ERROR": 2}, "error_rate", "failed",
         thresholds=Thresholds(max_error_rate=0.01)),
    Case("errors: no request at all", {"downloader/request_count": 0, "log_count/ERROR": 1}, "error_rate", "failed",
         "no request"),
    Case("validation: none rejected", {}, "validation_failures", "passed", "0 of 10 program pages rejected"),
    Case("validation: at the limit", {}, "validation_failures", "passed", programs=8, rejected=2),
    Case("validation: above", {}, "validation_failures", "failed", "3 of 10 program pages rejected (0.30 > 0.2)",
         programs=7, rejected=3),
    Case("programs: first run, nothing to compare", {}, "too_few_programs", "skipped", "no earlier complete run"),
    Case("programs: as many as last run", {}, "too_few_programs", "passed", "10 programs, 10 in run #", history=[10]),
    Case("programs: half of last run", {}, "too_few_programs", "passed", history=[10], programs=5),
    Case("programs: fewer than half", {}, "too_few_programs", "failed",
         "4 programs, 10 in run #2 (below 0.5 of the site's last complete run)", history=[3, 10], programs=4),
    Case("programs: the latest complete run counts", {}, "too_few_programs", "passed", history=[40, 10], programs=6),
    Case("programs: stricter setting", {}, "too_few_programs", "failed", history=[10], programs=8,
         thresholds=Thresholds(min_program_ratio=0.9)),
    Case("programs: the user's page budget cut the crawl",
         {"internscope/incomplete_sites": {SITE: "page limit reached"}}, "too_few_programs", "skipped",
         history=[10], programs=1),
    Case("programs: a failed fetch cut the crawl",
         {"internscope/incomplete_sites": {SITE: f"{SITE}/x: Connection refused"}}, "too_few_programs", "failed",
         history=[10], programs=1),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_monitor(db: sqlite_utils.Database, case: Case) -> None:
    for n in case.history:  # earlier complete runs, each seeing programs 0..n-1
        crawl(db, [_program(i) for i in range(n)])
    items = [_program(i) for i in range(case.programs)]
    items += [make_item(url=f"{SITE}/bad/{i}", rejected={"reason": "invalid", "record": {}}, site=SITE)
              for i in range(case.rejected)]
    run_id, outcomes = crawl(db, items, stats=case.stats, thresholds=case.thresholds)
    outcome = by_name(outcomes)[case.monitor]
    assert (outcome.status, case.detail in outcome.detail) == (case.status, True), outcome
    # Every verdict is recorded in the run's row, and so are the programs per site.
    row = db.execute("SELECT monitor_status, monitor_results, site_programs FROM crawl_runs WHERE id = ?",
                     [run_id]).fetchone()
    assert row[0] == ("failed" if failed_names(outcomes) else "passed")
    assert {r["monitor"]: r["status"] for r in json.loads(row[1])}[case.monitor] == case.status
    assert json.loads(row[2]) == ({SITE: case.programs} if case.programs else {})


def test_programs_are_compared_per_site(db: sqlite_utils.Database) -> None:
    both = (SITE, OTHER)
    crawl(db, [_program(i) for i in range(4)] + [_program(i, OTHER) for i in range(4)], sites=both)
    _, outcomes = crawl(db, [_program(i) for i in range(4)] + [_program(0, OTHER)], sites=both)
    outcome = by_name(outcomes)["too_few_programs"]
    assert outcome.status == "failed"
    assert outcome.detail.startswith(f"{OTHER}: 1 programs, 4 in run #1") and SITE not in outcome.detail


def test_an_incomplete_run_is_no_baseline(db: sqlite_utils.Database) -> None:
    crawl(db, [_program(i) for i in range(10)])
    crawl(db, [_program(0)], stats={"finish_reason": "shutdown"})  # interrupted: not complete, no baseline
    _, outcomes = crawl(db, [_program(i) for i in range(6)])
    assert by_name(outcomes)["too_few_programs"].detail == f"{SITE}: 6 programs, 10 in run #1"


def test_without_a_catalog_the_pipelines_counters_are_judged() -> None:
    # A Scrapyd job writing a feed: no store pipeline, so `rejected` is the validate pipeline's alone.
    stats = {**GOOD_STATS, "internscope/validated": 6, "internscope/rejected": 4}
    outcomes = by_name(run_monitors(gather_facts(stats, start_urls=[f"{SITE}/"])))
    assert outcomes["validation_failures"].status == "failed"
    assert outcomes["validation_failures"].detail.startswith("4 of 10 program pages rejected")
    assert outcomes["too_few_programs"].status == "skipped"


def test_thresholds_come_from_the_settings() -> None:
    settings = Settings()
    settings.setmodule("scrapers.settings")
    assert Thresholds.from_settings(settings) == Thresholds()
    assert settings.getlist("SPIDERMON_SPIDER_CLOSE_MONITORS") == ["catalog.monitors.CrawlMonitorSuite"]
    settings.setdict({"INTERNSCOPE_MONITOR_MIN_PROGRAM_RATIO": "0.8", "INTERNSCOPE_MONITOR_MAX_ERROR_RATE": "0",
                      "INTERNSCOPE_MONITOR_MAX_REJECTED_RATE": 0.5,
                      "INTERNSCOPE_MONITOR_FINISH_REASONS": "finished,closespider_timeout"}, priority="cmdline")
    assert Thresholds.from_settings(settings) == Thresholds(0.8, 0.0, 0.5, ("finished", "closespider_timeout"))


def test_a_monitor_that_raises_is_a_failure() -> None:
    facts = CrawlFacts(stats={**GOOD_STATS, "downloader/request_count": "many"})
    outcome = by_name(run_monitors(facts))["error_rate"]
    assert outcome.status == "passed"  # an unreadable count is 0, not a crash
    broken = CrawlFacts(stats=GOOD_STATS, site_programs={}, sites=[SITE])
    broken.baselines = {SITE: "10 programs"}  # type: ignore[dict-item]
    outcome = by_name(run_monitors(broken))["too_few_programs"]
    assert outcome.status == "failed" and outcome.detail.startswith("monitor error: AttributeError")


# ---------------------------------------------------------------- end to end


@pytest.mark.e2e
def test_a_crawl_of_a_site_that_lost_most_programs_fails_and_is_recorded(tmp_path: Path) -> None:
    demo = Path(__file__).resolve().parent.parent / "demo" / "sites" / "kestrel-electives"
    root = tmp_path / "web"
    shutil.copytree(demo, root / "sites" / "kestrel-electives")
    db_path = str(tmp_path / "c.db")
    fast = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}
    with serve_sites(root) as origins:
        origin = origins["kestrel-electives"]
        first = run_crawl([origin + "/"], db_path, quiet=True, settings=fast)
        assert (first.exit_code, first.reason) == (0, "finished")
        db = open_catalog(db_path)
        programs = [r[0] for r in db.execute("SELECT url FROM programs ORDER BY url")]
        db.close()
        assert len(programs) >= 4
        for url in programs[1:]:  # the provider's site keeps one program page of all
            (root / "sites" / "kestrel-electives" / url.removeprefix(origin + "/")).unlink()
        second = run_crawl([origin + "/"], db_path, quiet=True, settings=fast)
    assert second.exit_code == 1
    assert second.reason == (f"monitors failed: too_few_programs: {origin}: 1 programs, {len(programs)} in run #1 "
                             "(below 0.5 of the site's last complete run)")
    assert second.stats["internscope/monitors_failed"] == ["too_few_programs"]
    db = open_catalog(db_path, readonly=True)
    try:
        runs = db.execute("SELECT monitor_status, monitor_results, site_programs, errors FROM crawl_runs "
                          "ORDER BY id").fetchall()
    finally:
        db.close()
    assert [r[0] for r in runs] == ["passed", "failed"]
    assert {r["monitor"]: r["status"] for r in json.loads(runs[1][1])} == {
        "finish_reason": "passed", "error_rate": "passed", "validation_failures": "passed",
        "too_few_programs": "failed",
    }
    assert json.loads(runs[1][2]) == {origin: 1}
    assert runs[1][3] == 0  # a failed monitor is not a crawl error
