"""Resumable crawls: `internscope crawl` stopped half-way (SIGTERM, Ctrl-C, kill -9) and continued
with `internscope crawl --resume` leaves the catalog an uninterrupted crawl would have: no page or
program lost or counted twice, one crawl run that says it was interrupted."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from catalog_checks import catalog_content
from scrapy.settings import Settings
from terminal import terminal_sigint

from catalog.crawl import run_crawl, validate_start_url
from catalog.db import open_catalog
from catalog.jobs import discard_queue, job_dir, jobs_root, read_marker, resumable_jobs, write_marker
from catalog.siteserver import serve_sites

pytestmark = pytest.mark.e2e

DEMO = Path(__file__).resolve().parent.parent / "demo"
# Three of the demo sites (the fourth has the heaviest pages: it would only make the crawls slower),
# served slowly enough that a crawl is still going when it is stopped: pages must arrive more slowly
# than the pipelines store them, or a clean stop would still store every page already downloaded.
SITES = ["kestrel-electives", "shoreline-chv", "wardwander-directory"]
SERVER_DELAY_S = 0.1
# Stop once the catalog holds this many pages of the crawl: under way, and early enough that the
# pages already downloaded by then (a clean stop still stores them) are not the whole crawl.
STOP_AFTER_PAGES = 3
DEADLINE_S = 120
CLI = [sys.executable, "-m", "catalog.cli"]
# Loopback servers need no politeness delay: the crawls that need not go through the CLI (whose
# settings are the polite defaults) go through catalog.crawl.run_crawl in a process of their own.
# A clean stop still downloads and stores every request the engine has handed to the downloader (up to
# CONCURRENT_REQUESTS, 16 by default: half the crawl here) and every page waiting for the pipelines, so both
# are kept small: 4 requests, and a small scraper slot that makes Scrapy stop downloading while a few pages
# wait. The store commits every 2 pages (50, or every second, by default): the catalog the test watches keeps
# up with the crawl.
FAST: dict[str, Any] = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 4,
                        "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "SCRAPER_SLOT_MAX_ACTIVE_SIZE": 50_000,
                        "INTERNSCOPE_COMMIT_PAGES": 2}
RUN_CRAWL = [sys.executable, "-c", (
    "import json, sys\n"
    "from catalog.crawl import run_crawl\n"
    "urls, db, settings, resume = json.loads(sys.argv[1])\n"
    "result = run_crawl(urls, db, settings=settings, quiet=True, resume=resume)\n"
    "print(result.reason, file=sys.stderr)\n"
    "sys.exit(result.exit_code)\n"
)]


@dataclass
class Sites:
    origins: dict[str, str]
    log: Path
    reference: dict[str, Any]  # the catalog of an uninterrupted crawl of the same servers

    def log_lines(self) -> int:
        return len(self.log.read_text(encoding="utf-8").splitlines()) if self.log.exists() else 0

    def requests_since(self, line: int) -> list[dict[str, Any]]:
        return [json.loads(entry) for entry in self.log.read_text(encoding="utf-8").splitlines()[line:]]


def _concurrency(stop: str) -> int:
    """CONCURRENT_REQUESTS of the crawl stopped by `stop`: FAST's, or the project's for the crawls through the
    CLI (Scrapy's default unless the project sets it)."""
    if stop not in THROUGH_CLI:
        return int(FAST["CONCURRENT_REQUESTS"])
    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    return settings.getint("CONCURRENT_REQUESTS")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    """The demo sites, served (slowly) for the whole module: the port is part of every URL, so
    every catalog compared here must come from the same servers."""
    tmp = tmp_path_factory.mktemp("resume")
    log = tmp / "requests.jsonl"
    with serve_sites(DEMO, SITES, log=log, delay=SERVER_DELAY_S) as origins:
        reference = tmp / "reference.db"
        result = run_crawl(list(origins.values()), str(reference), quiet=True, settings=FAST)
        assert (result.exit_code, result.reason) == (0, "finished")
        yield Sites(dict(origins), log, catalog_content(reference))


def _pages_seen(db_path: Path) -> int:
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return 0
    try:
        row = conn.execute("SELECT max(pages_seen) FROM crawl_runs").fetchone()
    except sqlite3.Error:  # not created yet
        return 0
    finally:
        conn.close()
    return int(row[0] or 0)


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _run_row(db_path: Path) -> dict[str, Any]:
    db = open_catalog(db_path, create=False, readonly=True)
    try:
        rows = list(db.query("SELECT * FROM crawl_runs"))
    finally:
        db.close()
    assert len(rows) == 1, rows
    return rows[0]


# How each way of stopping a crawl leaves its crawl run, and the exit status of the process that ran it.
STOPS = {
    "SIGTERM": ("shutdown", 1),  # `kill PID` of `internscope crawl`: passed on, Scrapy closes the spider cleanly
    # SIGINT to the terminal's process group: a KeyboardInterrupt in run_crawl, which stops the worker
    # cleanly and is raised again (the process then dies of SIGINT, as Python does)
    "Ctrl-C": ("shutdown", -signal.SIGINT),
    "kill -9": (None, -signal.SIGKILL),  # `internscope crawl` and its worker killed: nobody closes the run
    "kill -9 worker": ("killed", 2),  # the worker killed: run_crawl records it
}
# The two the issue names run through the CLI, `internscope crawl` and `internscope crawl --resume`;
# the others through run_crawl without politeness delays, which is quicker.
THROUGH_CLI = ("SIGTERM", "kill -9")


def _command(stop: str, urls: list[str], db_path: Path, *, resume: bool) -> list[str]:
    if stop in THROUGH_CLI:
        return [*CLI, "crawl", *([] if resume else urls), "--db", str(db_path), "--quiet",
                *(["--resume"] if resume else [])]
    return [*RUN_CRAWL, json.dumps([[] if resume else urls, str(db_path), FAST, resume])]


@pytest.mark.parametrize("stop", list(STOPS))
def test_stopped_crawl_resumes_to_the_catalog_of_an_uninterrupted_one(
    sites: Sites, tmp_path: Path, stop: str
) -> None:
    db_path = tmp_path / "catalog.db"
    urls = list(sites.origins.values())
    first_line = sites.log_lines()
    env = {k: v for k, v in os.environ.items() if k != "INTERNSCOPE_DB"}
    # Its own session: the signals of this test reach the crawl, never pytest.
    crawl = subprocess.Popen(_command(stop, urls, db_path, resume=False), env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                             preexec_fn=terminal_sigint)
    deadline = time.monotonic() + DEADLINE_S
    # Synchronised on the catalog itself: the crawl is stopped once it has stored this many pages.
    while _pages_seen(db_path) < STOP_AFTER_PAGES:
        assert crawl.poll() is None, f"the crawl ended before it could be stopped: {crawl.communicate()}"
        assert time.monotonic() < deadline, "the crawl stored no pages"
        time.sleep(0.01)
    workers = _children(crawl.pid)
    assert len(workers) == 1
    if stop == "SIGTERM":
        crawl.send_signal(signal.SIGTERM)
    elif stop == "Ctrl-C":
        os.killpg(crawl.pid, signal.SIGINT)
    elif stop == "kill -9":
        os.kill(workers[0], signal.SIGKILL)
        crawl.kill()
    else:
        os.kill(workers[0], signal.SIGKILL)
    out, err = crawl.communicate(timeout=DEADLINE_S)
    reason, code = STOPS[stop]
    assert crawl.returncode == code, (out, err)
    if stop == "SIGTERM":
        assert err.count("\n") == 1 and err.startswith("Error: ") and "--resume" in err, err
    interrupted = _run_row(db_path)
    assert interrupted["finish_reason"] == reason
    total = sites.reference["runs"][0][0]
    assert STOP_AFTER_PAGES <= interrupted["pages_seen"] < total  # stopped half-way, not at the end
    marker = read_marker(job_dir(db_path, [validate_start_url(u) for u in urls]))
    assert marker is not None and marker["run_id"] == interrupted["id"]

    resumed_from = sites.log_lines()
    resume = subprocess.run(_command(stop, urls, db_path, resume=True), env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=DEADLINE_S)
    assert resume.returncode == 0, resume.stderr
    if stop in THROUGH_CLI:  # the summary line counts the whole run, both parts
        assert f"Crawled {total} pages into" in resume.stdout

    content = catalog_content(db_path)
    for table, rows in sites.reference.items():
        assert content[table] == rows, table
    run = _run_row(db_path)
    assert run["id"] == interrupted["id"]  # the same run, continued
    history = json.loads(run["stats"])["internscope/interruptions"]
    assert [h["finish_reason"] for h in history] == [reason or "killed"]
    assert not jobs_root(db_path).exists() or not any(jobs_root(db_path).iterdir())

    # From where it stopped: what the first part had fetched is not downloaded again in full
    # (after kill -9, the pages it was downloading when it died may be: at most its concurrency).
    # That is CONCURRENT_REQUESTS, not CONCURRENT_REQUESTS_PER_DOMAIN per site: with no download delay,
    # Scrapy 2.19's downloader starts every queued request of a slot at once (_process_queue schedules them
    # before any counts as transferring); measured, 11-15 requests in flight to one site with
    # CONCURRENT_REQUESTS_PER_DOMAIN = 1. A delay, as in the polite defaults, keeps the limit.
    before = Counter((e["site"], e["path"]) for e in sites.requests_since(first_line)[: resumed_from - first_line]
                     if e["status"] == 200)
    again = [e for e in sites.requests_since(resumed_from) if e["status"] == 200 and (e["site"], e["path"]) in before]
    if stop in ("SIGTERM", "Ctrl-C"):
        assert again == []
    else:
        assert len(again) <= _concurrency(stop), again


def test_resume_without_an_interrupted_crawl_is_one_error_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "INTERNSCOPE_DB"}
    db_path = tmp_path / "catalog.db"
    for args in (["--resume"], ["http://127.0.0.1:9/", "--resume"]):
        done = subprocess.run([*CLI, "crawl", *args, "--db", str(db_path)], env=env, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode != 0
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("Error: nothing to resume: "), done.stderr


def test_job_markers(tmp_path: Path) -> None:
    db_path = tmp_path / "catalog.db"
    urls = ["http://a.test/", "http://b.test/"]
    # One JOBDIR per catalog and set of start URLs, whatever their order.
    assert job_dir(db_path, urls) == job_dir(str(db_path), list(reversed(urls)))
    assert job_dir(db_path, urls) != job_dir(db_path, urls[:1])
    assert job_dir(db_path, urls).parent == jobs_root(db_path) == tmp_path / "catalog.db.jobs"
    jobdir = job_dir(db_path, urls)
    write_marker(jobdir, start_urls=urls, max_pages=None, depth=2)
    assert resumable_jobs(db_path) == []  # no crawl run yet: nothing to resume
    write_marker(jobdir, run_id=7, state="running")
    assert resumable_jobs(db_path) == [(jobdir, {"start_urls": urls, "max_pages": None, "depth": 2, "run_id": 7,
                                                 "state": "running"})]
    (jobdir / "requests.queue").mkdir()
    (jobdir / "requests.seen").write_text("ab\n")
    discard_queue(jobdir)
    assert sorted(p.name for p in jobdir.iterdir()) == ["job.json"]
