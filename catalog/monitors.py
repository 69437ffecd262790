"""Crawl monitors (spidermon): checks run when a crawl closes, recorded in its crawl_runs row.

A spidermon `MonitorSuite` of four monitors, each a threshold from the Scrapy settings:

* `too_few_programs`: a site gave fewer programs than INTERNSCOPE_MONITOR_MIN_PROGRAM_RATIO
  (0.5) of its last complete run;
* `error_rate`: errors per request above INTERNSCOPE_MONITOR_MAX_ERROR_RATE (0.1);
* `validation_failures`: rejected records per program page above
  INTERNSCOPE_MONITOR_MAX_REJECTED_RATE (0.2);
* `finish_reason`: the finish reason is not in INTERNSCOPE_MONITOR_FINISH_REASONS (`["finished"]`).

It runs in two places with the same monitors and the same recording:

* at the end of every crawl, through the Spidermon extension (scrapers/settings.py names
  `catalog.monitors.Spidermon` and this suite as strings, as it names the store pipeline);
  the crawl's final stats then hold `internscope/monitors` and `internscope/monitors_failed`,
  which `catalog.crawl` turns into a non-zero exit status;
* when `internscope ingest` merges a Scrapyd job's feed (`run_monitors`), because a job on a
  remote node has no catalog to compare with.

Comparing with the last run reads the catalog, which is a catalog concern: that is why the
suite lives here and not in scrapers/. "Programs of a site in a run" are the programs whose
`last_crawl_run` is that run; each monitored run records them per site in
`crawl_runs.site_programs`, which is what the next run of the site is compared with.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils
from spidermon import Monitor, MonitorRunner, MonitorSuite, monitors
from spidermon.contrib.scrapy.extensions import Spidermon as _Spidermon
from spidermon.contrib.scrapy.runners import SpiderMonitorResult, SpiderMonitorRunner
from spidermon.data import Data

from catalog.db import CatalogError, open_catalog

__all__ = [
    "DEFAULT_THRESHOLDS",
    "CrawlFacts",
    "CrawlMonitorSuite",
    "MonitorOutcome",
    "Spidermon",
    "Thresholds",
    "failed_names",
    "gather_facts",
    "record_outcomes",
    "run_monitors",
    "site_program_counts",
]

logger = logging.getLogger(__name__)

STAT_PREFIX = "internscope/"
# Why the spider stopped asking a site for pages, as the spider reports it (incomplete_sites).
_BUDGET_REASON = "page limit reached"


@dataclass(frozen=True)
class Thresholds:
    """The monitors' limits (Scrapy settings INTERNSCOPE_MONITOR_*)."""

    min_program_ratio: float = 0.5
    max_error_rate: float = 0.1
    max_rejected_rate: float = 0.2
    finish_reasons: tuple[str, ...] = ("finished",)

    @classmethod
    def from_settings(cls, settings: Any) -> Thresholds:
        """From Scrapy settings (or any mapping with the same names); a missing name keeps its default."""
        d = cls()
        get = settings.get

        def number(name: str, default: float) -> float:
            value = get(name)
            return default if value is None or value == "" else float(value)

        reasons = get("INTERNSCOPE_MONITOR_FINISH_REASONS")
        if isinstance(reasons, str):  # `-s NAME=a,b` on a command line
            reasons = [r.strip() for r in reasons.split(",") if r.strip()]
        return cls(
            min_program_ratio=number("INTERNSCOPE_MONITOR_MIN_PROGRAM_RATIO", d.min_program_ratio),
            max_error_rate=number("INTERNSCOPE_MONITOR_MAX_ERROR_RATE", d.max_error_rate),
            max_rejected_rate=number("INTERNSCOPE_MONITOR_MAX_REJECTED_RATE", d.max_rejected_rate),
            finish_reasons=tuple(reasons) if reasons else d.finish_reasons,
        )


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Baseline:
    run_id: int
    programs: int


@dataclass
class CrawlFacts:
    """Everything the monitors judge, gathered once per run (from the stats, and the catalog when there is one).

    `site_programs` is None when no catalog could be read (a Scrapyd job writing a feed): the
    program count monitor is then skipped, and runs again when the feed is ingested.
    """

    stats: Mapping[str, Any]
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    run_id: int | None = None
    sites: list[str] = field(default_factory=list)
    site_programs: dict[str, int] | None = None
    baselines: dict[str, Baseline] = field(default_factory=dict)
    rejected: int = 0
    program_pages: int = 0
    no_catalog: str = "no catalog for this crawl"  # why site_programs is None
    # Where the outcomes are recorded: an open catalog (the caller's, inside its transaction), or a path.
    db: sqlite_utils.Database | None = None
    db_path: str | None = None
    # What each monitor measured when it passed (a failure says it in its message): monitor name -> text.
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        # The same count crawl_runs.errors records: error log records (a request given up after its
        # retries, an unreachable start URL, a spider exception) or failed stores, whichever is more.
        return max(_int(self.stats.get("log_count/ERROR")), _int(self.stats.get(STAT_PREFIX + "store_errors")))

    @property
    def requests(self) -> int:
        return _int(self.stats.get("downloader/request_count"))

    @property
    def finish_reason(self) -> str | None:
        reason = self.stats.get("finish_reason")
        return str(reason) if reason else None

    def budget_hit(self, site: str) -> bool:
        incomplete = self.stats.get(STAT_PREFIX + "incomplete_sites") or {}
        return isinstance(incomplete, Mapping) and incomplete.get(site) == _BUDGET_REASON


@dataclass(frozen=True)
class MonitorOutcome:
    """One monitor's verdict: status `passed`, `failed` or `skipped`, and a one-line detail."""

    monitor: str
    status: str
    detail: str


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _site(url: str) -> str:
    # The spider's unit of a site: the origin of the (canonical) start URL.
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def site_program_counts(db: sqlite_utils.Database, run_id: int) -> dict[str, int]:
    """Programs each site gave in run `run_id`: those whose last_crawl_run is the run (unchanged ones included)."""
    rows = db.execute(
        "SELECT site, count(*) FROM programs WHERE last_crawl_run = ? AND site IS NOT NULL GROUP BY site ORDER BY site",
        [run_id],
    ).fetchall()
    return {str(site): int(n) for site, n in rows}


def _baseline(db: sqlite_utils.Database, run_id: int, site: str) -> Baseline | None:
    """The latest earlier run that crawled `site` completely and recorded how many programs it gave."""
    row = db.execute(
        """
        SELECT r.id, sp.value FROM crawl_runs r, json_each(r.site_programs) sp, json_each(r.complete_sites) cs
        WHERE r.id < ? AND r.finished_at IS NOT NULL AND sp.key = ? AND cs.value = ?
        ORDER BY r.id DESC LIMIT 1
        """,
        [run_id, site, site],
    ).fetchone()
    return None if row is None else Baseline(int(row[0]), int(row[1]))


def gather_facts(
    stats: Mapping[str, Any],
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    db: sqlite_utils.Database | None = None,
    run_id: int | None = None,
    start_urls: Sequence[str] = (),
) -> CrawlFacts:
    """The facts of run `run_id` of catalog `db`; without them, of the stats alone."""
    facts = CrawlFacts(stats=dict(stats), thresholds=thresholds, run_id=run_id, db=db,
                       sites=sorted({_site(u) for u in start_urls}))
    if db is None or run_id is None:
        # No catalog rows to count from: the pipelines' own counters (no store pipeline ran, so
        # `rejected` is the validate pipeline's alone).
        facts.rejected = _int(stats.get(STAT_PREFIX + "rejected"))
        facts.program_pages = _int(stats.get(STAT_PREFIX + "validated")) + facts.rejected
        return facts
    row = db.execute(
        "SELECT start_urls, programs_new, programs_updated, programs_unchanged, programs_revived, rejected "
        "FROM crawl_runs WHERE id = ?",
        [run_id],
    ).fetchone()
    if row is None:
        raise CatalogError(f"crawl run {run_id} does not exist in this catalog")
    if not facts.sites:
        facts.sites = sorted({_site(u) for u in json.loads(row[0] or "[]")})
    facts.rejected = int(row[5])
    facts.program_pages = int(row[1]) + int(row[2]) + int(row[3]) + int(row[4]) + facts.rejected
    facts.site_programs = site_program_counts(db, run_id)
    for site in facts.sites:
        base = _baseline(db, run_id, site)
        if base is not None:
            facts.baselines[site] = base
    return facts


def _facts_for_crawl(data: Mapping[str, Any]) -> CrawlFacts:
    """Facts inside a Scrapy crawl: the catalog is the one the store pipeline wrote (its stats say which)."""
    stats = dict(data.get("stats") or {})
    crawler = data.get("crawler")
    thresholds = Thresholds.from_settings(crawler.settings) if crawler is not None else DEFAULT_THRESHOLDS
    spider = data.get("spider")
    start_urls = [str(u) for u in (getattr(spider, "start_urls", None) or [])]
    db_path, run_id = stats.get(STAT_PREFIX + "db"), stats.get(STAT_PREFIX + "crawl_run_id")
    if not db_path or run_id is None:
        facts = gather_facts(stats, thresholds=thresholds, start_urls=start_urls)
        facts.no_catalog = "no catalog in this crawl (its programs are compared when its feed is ingested)"
        return facts
    try:
        db = open_catalog(db_path, create=False)
    except CatalogError as e:
        facts = gather_facts(stats, thresholds=thresholds, start_urls=start_urls)
        facts.no_catalog = f"catalog unreadable: {e}"
        return facts
    try:
        facts = gather_facts(stats, thresholds=thresholds, db=db, run_id=int(run_id), start_urls=start_urls)
    finally:
        db.close()
    facts.db, facts.db_path = None, str(db_path)
    return facts


# ---------------------------------------------------------------- the monitors


class _CrawlMonitor(Monitor):
    longMessage = False

    @property
    def facts(self) -> CrawlFacts:
        return self.data["internscope"]


@monitors.name("too_few_programs")
class ProgramCountMonitor(_CrawlMonitor):
    """Each site gave at least INTERNSCOPE_MONITOR_MIN_PROGRAM_RATIO of the programs of its last complete run."""

    @monitors.name("programs against the last complete run")
    def test_programs(self) -> None:
        f = self.facts
        if f.site_programs is None:
            self.skipTest(f.no_catalog)
        ratio = f.thresholds.min_program_ratio
        low: list[str] = []
        seen: list[str] = []
        for site in f.sites:
            base = f.baselines.get(site)
            # A page budget the user set cuts the count on purpose: nothing to learn from it.
            if base is None or f.budget_hit(site):
                continue
            now = f.site_programs.get(site, 0)
            said = f"{site}: {now} programs, {base.programs} in run #{base.run_id}"
            seen.append(said)
            if now < ratio * base.programs:
                low.append(said)
        if low:
            self.fail("; ".join(low) + f" (below {ratio:g} of the site's last complete run)")
        if not seen:
            self.skipTest("no earlier complete run of these sites to compare with")
        f.notes["too_few_programs"] = "; ".join(seen)


@monitors.name("error_rate")
class ErrorRateMonitor(_CrawlMonitor):
    """Errors per request at most INTERNSCOPE_MONITOR_MAX_ERROR_RATE."""

    @monitors.name("errors per request")
    def test_error_rate(self) -> None:
        f = self.facts
        limit = f.thresholds.max_error_rate
        if f.requests == 0:
            if f.errors:
                self.fail(f"{f.errors} errors and no request")
            f.notes["error_rate"] = "no request"
            return
        rate = f.errors / f.requests
        if rate > limit:
            self.fail(f"{f.errors} errors in {f.requests} requests ({rate:.2f} > {limit:g})")
        f.notes["error_rate"] = f"{f.errors} errors in {f.requests} requests"


@monitors.name("validation_failures")
class ValidationMonitor(_CrawlMonitor):
    """Rejected records per program page at most INTERNSCOPE_MONITOR_MAX_REJECTED_RATE."""

    @monitors.name("rejected records per program page")
    def test_rejected_rate(self) -> None:
        f = self.facts
        limit = f.thresholds.max_rejected_rate
        if f.program_pages == 0:
            f.notes["validation_failures"] = "no program page"
            return
        rate = f.rejected / f.program_pages
        if rate > limit:
            self.fail(f"{f.rejected} of {f.program_pages} program pages rejected ({rate:.2f} > {limit:g})")
        f.notes["validation_failures"] = f"{f.rejected} of {f.program_pages} program pages rejected"


@monitors.name("finish_reason")
class FinishReasonMonitor(_CrawlMonitor):
    """The crawl finished for one of INTERNSCOPE_MONITOR_FINISH_REASONS (by default: finished on its own)."""

    @monitors.name("finish reason")
    def test_finish_reason(self) -> None:
        f = self.facts
        allowed = f.thresholds.finish_reasons
        if f.finish_reason not in allowed:
            self.fail(f"finish reason {f.finish_reason or 'missing'!r}, expected {' or '.join(allowed)}")
        f.notes["finish_reason"] = str(f.finish_reason)


# ---------------------------------------------------------------- outcomes and recording


_STATUS = {"OK": "passed", "SKIPPED": "skipped", "FAIL": "failed", "ERROR": "failed"}


def _outcomes(result: Any, notes: Mapping[str, str]) -> list[MonitorOutcome]:
    out = []
    for item in result.monitor_results:
        monitor = item.item
        status = _STATUS.get(item.status, "failed")
        if item.status == "ERROR":
            # A monitor that raised is a failed check, named by its exception (no traceback).
            lines = [ln for ln in str(item.error or "").strip().splitlines() if ln.strip()]
            detail = f"monitor error: {lines[-1].strip() if lines else 'unknown'}"
        else:
            detail = " ".join(str(item.reason or notes.get(monitor.monitor_name, "")).split())
        out.append(MonitorOutcome(monitor.monitor_name, status, detail))
    return out


def failed_names(outcomes: Sequence[MonitorOutcome] | Sequence[Mapping[str, Any]]) -> list[str]:
    names = []
    for o in outcomes:
        status, name = (o.status, o.monitor) if isinstance(o, MonitorOutcome) else (o.get("status"), o.get("monitor"))
        if status == "failed":
            names.append(str(name))
    return names


def record_outcomes(
    db: sqlite_utils.Database, run_id: int, outcomes: Sequence[MonitorOutcome], site_programs: Mapping[str, int] | None
) -> None:
    """Write the verdicts (and the programs per site, the next run's baseline) into the run's row."""
    status = "failed" if failed_names(outcomes) else "passed"
    with db.atomic():
        db.execute(
            "UPDATE crawl_runs SET monitor_status = ?, monitor_results = ?, "
            "site_programs = coalesce(?, site_programs) WHERE id = ?",
            [status, json.dumps([asdict(o) for o in outcomes], ensure_ascii=False),
             None if site_programs is None else json.dumps(dict(site_programs), sort_keys=True), run_id],
        )


class CrawlMonitorSuite(MonitorSuite):
    """The monitors of a crawl; records their outcomes in the stats and the catalog when they have run."""

    monitors = [FinishReasonMonitor, ErrorRateMonitor, ValidationMonitor, ProgramCountMonitor]

    def init_data(self, data: Any) -> None:
        facts = data.get("internscope")
        if facts is None:
            facts = _facts_for_crawl(data)
        self.facts: CrawlFacts = facts
        self.crawler = data.get("crawler")
        self.outcomes: list[MonitorOutcome] = []
        super().init_data(Data({**data, "internscope": facts}))

    def on_monitors_finished(self, result: Any) -> None:
        self.outcomes = _outcomes(result, self.facts.notes)
        stats = getattr(self.crawler, "stats", None)
        if stats is not None:
            stats.set_value(STAT_PREFIX + "monitors", [asdict(o) for o in self.outcomes])
            stats.set_value(STAT_PREFIX + "monitors_failed", failed_names(self.outcomes))
        facts = self.facts
        if facts.run_id is None:
            return
        try:
            if facts.db is not None:
                record_outcomes(facts.db, facts.run_id, self.outcomes, facts.site_programs)
            elif facts.db_path:
                db = open_catalog(facts.db_path, create=False)
                try:
                    record_outcomes(db, facts.run_id, self.outcomes, facts.site_programs)
                finally:
                    db.close()
        except CatalogError as e:
            # The verdict still reaches the exit status through the stats.
            logger.warning("could not record the monitor results of crawl run %s: %s", facts.run_id, e)


def run_monitors(facts: CrawlFacts) -> list[MonitorOutcome]:
    """Run the suite outside Scrapy (for an ingested feed); records into `facts.db` when it is set."""
    suite = CrawlMonitorSuite()
    MonitorRunner().run(suite, stats=facts.stats, internscope=facts, crawler=None)
    return suite.outcomes


# ---------------------------------------------------------------- the Scrapy extension


class _Result(SpiderMonitorResult):
    def log_error(self, msg: Any) -> None:
        # Spidermon logs a failed monitor at ERROR, which Scrapy would count into the crawl's own
        # errors (crawl_runs.errors). The failure is in the exit status and the run's row instead;
        # the log says it at WARNING.
        self.log(msg, level=logging.WARNING)

    def log(self, msg: Any, level: int = logging.DEBUG) -> None:
        # spidermon 1.27 calls Spider.log(), deprecated since Scrapy 2.13 (a warning per line).
        self.spider.logger.log(level, "[Spidermon] %s", msg)


class _Runner(SpiderMonitorRunner):
    def create_result(self) -> _Result:
        return _Result(self.spider)


class Spidermon(_Spidermon):
    """spidermon's Scrapy extension with failures logged at WARNING (see _Result); otherwise the same."""

    def _run_suites(self, spider: Any, suites: list[Any]) -> None:
        data = self._generate_data_for_spider(spider)
        for suite in suites:
            try:
                _Runner(spider=spider).run(suite, **data)
            except Exception as e:
                # A suite that cannot run is a failed check, not a silent pass.
                reason = "".join(traceback.format_exception_only(type(e), e)).strip()
                spider.logger.warning("monitor suite %s could not run: %s", suite, reason)
                self.crawler.stats.set_value(STAT_PREFIX + "monitors_failed", [f"{suite} ({reason})"])
