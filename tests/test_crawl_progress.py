"""Crawl-run statistics, the live progress line and the JSON log file (catalog/crawlstats.py), and
end-to-end crawls of a providers registry of the demo sites served on loopback."""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner, Result

from catalog.cli import main
from catalog.crawlstats import (
    JsonLineFormatter,
    ProgressLine,
    errors_by_kind,
    format_progress,
    log_event,
    progress_snapshot,
    run_columns,
)
from catalog.db import open_catalog
from catalog.providers import PROVIDERS_ENV
from catalog.siteserver import serve_sites
from catalog.store import finish_run, start_run

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "demo"
REGISTRY_TEMPLATE = Path(__file__).resolve().parent / "fixtures" / "providers" / "loopback.toml"
PROGRESS = re.compile(
    r"(\d+) pages \| programs (\d+) new, (\d+) updated, (\d+) unchanged \| (\d+) errors? \| [\d.]+ pages/s \| \d+:\d\d"
)


# --- figures from stats ----------------------------------------------------------------------------------


STATS: dict[str, Any] = {
    "downloader/request_count": 57,
    "downloader/response_bytes": 123456,
    "internscope/errors/http_404": 3,
    "internscope/errors/timeout": 1,
    "internscope/errors/http_503": 0,
    "internscope/store_errors": 2,
    "spider_exceptions/KeyError": 1,
    "log_count/ERROR": 9,  # not a kind: the `errors` column keeps it
    "elapsed_time_seconds": 12.3456,
    "internscope/providers": ["Zeta", "Alpha"],
    "internscope/pages_stored": 40,
    "item_scraped_count": 41,
    "internscope/programs_new": 5,
    "internscope/programs_updated": 2,
    "internscope/programs_unchanged": 7,
    "internscope/rejected": 1,
}


def test_errors_by_kind_counts_each_failure_once_by_kind() -> None:
    assert errors_by_kind(STATS) == {"http_404": 3, "spider_exception:KeyError": 1, "store": 2, "timeout": 1}
    assert errors_by_kind({}) == {}


def test_run_columns() -> None:
    assert run_columns(STATS) == {
        "requests": 57,
        "response_bytes": 123456,
        "errors_by_kind": '{"http_404": 3, "spider_exception:KeyError": 1, "store": 2, "timeout": 1}',
        "duration_s": 12.346,
        "providers": '["Alpha", "Zeta"]',
    }
    start = datetime(2026, 3, 1, tzinfo=UTC)
    assert run_columns({"start_time": start, "finish_time": start + timedelta(seconds=4.5)})["duration_s"] == 4.5
    assert run_columns({}) == {"requests": 0, "response_bytes": 0, "errors_by_kind": "{}", "duration_s": None,
                               "providers": "[]"}


def test_progress_snapshot_and_line() -> None:
    snapshot = progress_snapshot(STATS, elapsed=10.0)
    assert snapshot == {"pages": 40, "programs_new": 5, "programs_updated": 2, "programs_unchanged": 7,
                        "rejected": 1, "errors": 7, "requests": 57, "response_bytes": 123456, "elapsed_s": 10.0}
    assert format_progress(snapshot) == (
        "40 pages | programs 5 new, 2 updated, 7 unchanged | 7 errors | 4.0 pages/s | 0:10"
    )
    # Without the store pipeline the items Scrapy passed on are the pages.
    assert progress_snapshot({"item_scraped_count": 3}, 0.0)["pages"] == 3
    assert format_progress(progress_snapshot({}, 0.0)) == (
        "0 pages | programs 0 new, 0 updated, 0 unchanged | 0 errors | 0.0 pages/s | 0:00"
    )
    assert "| 1 error |" in format_progress({"errors": 1, "elapsed_s": 75}) and "1:15" in format_progress(
        {"elapsed_s": 75}
    )


def test_progress_line_is_redrawn_at_most_every_half_second_and_ends_with_the_last() -> None:
    now = [0.0]
    out = io.StringIO()
    line = ProgressLine(out, clock=lambda: now[0])
    for t, pages in [(0.0, 1), (0.2, 2), (0.4, 3), (0.6, 4), (0.9, 5)]:
        now[0] = t
        line({"pages": pages, "elapsed_s": t})
    line.finish()
    draws = [d.removesuffix("\x1b[K") for d in out.getvalue().split("\r") if d]
    assert [int(d.split()[0]) for d in draws] == [1, 4, 5]
    assert out.getvalue().endswith("\x1b[K\n")
    silent = io.StringIO()
    ProgressLine(silent).finish()
    assert silent.getvalue() == ""  # nothing drawn, nothing to end


def test_log_lines_scroll_above_the_progress_line() -> None:
    out = io.StringIO()
    line = ProgressLine(out, clock=lambda: 0.0)
    line.above("before any progress")
    line({"pages": 1, "elapsed_s": 1.0})
    line.above("a warning")
    line.finish()
    drawn = format_progress({"pages": 1, "elapsed_s": 1.0})
    assert out.getvalue() == (
        "before any progress\n"
        f"\r{drawn}\x1b[K"
        f"\r\x1b[Ka warning\n{drawn}\x1b[K"  # the line is erased, the log line printed, the line redrawn
        "\n"
    )


@pytest.mark.e2e
def test_run_crawl_hands_the_crawl_log_to_log_lines(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    import socket

    from catalog.crawl import run_crawl

    with socket.socket() as sock:  # bound, not listening: connection refused
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
        lines: list[str] = []
        snapshots: list[dict[str, Any]] = []
        result = run_crawl([url], str(tmp_path / "c.db"), settings={"AUTOTHROTTLE_ENABLED": False},
                           progress=snapshots.append, log_lines=lines.append)
    assert result.exit_code != 0
    assert any(f"start URL unreachable: {url}: Connection refused" in line for line in lines), lines
    assert "start URL unreachable" not in capfd.readouterr().err  # relayed, not written to stderr
    assert snapshots and snapshots[-1]["errors"] == 1


def _record(msg: str, *args: Any, exc: BaseException | None = None, **extra: Any) -> logging.LogRecord:
    exc_info = (type(exc), exc, None) if exc is not None else None
    record = logging.LogRecord("scrapy.core.engine", logging.WARNING, __file__, 1, msg, args or None, exc_info)
    record.__dict__.update(extra)
    return record


def test_json_log_lines() -> None:
    fmt = JsonLineFormatter()
    entry = json.loads(fmt.format(_record("could not fetch %s: %s", "https://p.test/x", "timed out")))
    assert set(entry) == {"time", "level", "logger", "message", "url"}
    assert (entry["level"], entry["logger"], entry["url"]) == ("WARNING", "scrapy.core.engine", "https://p.test/x")
    assert entry["message"] == "could not fetch https://p.test/x: timed out"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["time"])
    # A Request-like argument (Scrapy's "Crawled (200) <GET url>" records) names the URL too.
    request = SimpleNamespace(url="https://p.test/y")
    assert json.loads(fmt.format(_record("Crawled %(request)s", {"request": request})))["url"] == "https://p.test/y"
    # No URL known: no key; exceptions become one line, never a traceback.
    try:
        raise ValueError("boom\nsecond line")
    except ValueError as e:
        entry = json.loads(fmt.format(_record("store failed", exc=e)))
    assert "url" not in entry
    assert entry["message"] == "store failed (ValueError: boom second line)"
    long = json.loads(fmt.format(_record("Dropped: %s", "x" * 10000)))["message"]
    assert len(long) == 2000 and long.endswith("...")
    assert json.loads(fmt.format(_record("stored", url="https://p.test/z")))["url"] == "https://p.test/z"


def test_log_event_appends_one_json_line(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    log_event(path, "info", "first\nline", logger="internscope.cli", exit_code=0, nothing=None)
    log_event(path, "error", "second")
    first, second = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    assert {k: first[k] for k in ("level", "logger", "message", "exit_code")} == {
        "level": "INFO", "logger": "internscope.cli", "message": "first line", "exit_code": 0}
    assert "nothing" not in first and second["level"] == "ERROR"


def test_finish_run_fills_the_stats_columns(tmp_path: Path) -> None:
    db = open_catalog(tmp_path / "c.db")
    try:
        run_id = start_run(db, ["https://p.test/"])
        finish_run(db, run_id, STATS, "finished")
        row = db.execute("SELECT requests, response_bytes, errors_by_kind, duration_s, providers, errors, "
                         "finish_reason FROM crawl_runs WHERE id = ?", [run_id]).fetchone()
        assert row == (57, 123456, run_columns(STATS)["errors_by_kind"], 12.346, '["Alpha", "Zeta"]', 9, "finished")
        # Stats without a duration (re-extraction): the time since the run started.
        other = start_run(db, ["reextract"])
        finish_run(db, other, {}, "reextracted")
        row = db.execute("SELECT requests, errors_by_kind, duration_s, providers FROM crawl_runs WHERE id = ?",
                         [other]).fetchone()
        assert row[:2] == (0, "{}") and 0 <= row[2] < 60 and row[3] == "[]"
    finally:
        db.close()


# --- crawling a registry of loopback sites -----------------------------------------------------------------


@dataclass
class RegistryCrawl:
    result: Result
    db: Path
    origins: dict[str, str]
    requests: list[dict[str, Any]]  # the site server's log
    log: Path
    wall_s: float

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        db = open_catalog(self.db, readonly=True)
        try:
            return [tuple(r) for r in db.execute(sql, params or []).fetchall()]
        finally:
            db.close()


def crawl_registry(tmp: Path, *args: str) -> RegistryCrawl:
    request_log = tmp / "requests.jsonl"
    with serve_sites(DEMO, log=request_log) as origins:
        text = REGISTRY_TEMPLATE.read_text(encoding="utf-8")
        for name, origin in origins.items():
            text = text.replace("${" + name + "}", origin)
        assert "${" not in text
        registry = tmp / "providers.toml"
        registry.write_text(text, encoding="utf-8")
        started = time.monotonic()
        result = CliRunner().invoke(
            main, ["crawl", "--providers", str(registry), "--db", str(tmp / "c.db"), *args],
            env={PROVIDERS_ENV: None},
        )
        wall = time.monotonic() - started
    requests = [json.loads(line) for line in request_log.read_text(encoding="utf-8").splitlines()]
    return RegistryCrawl(result, tmp / "c.db", origins, requests, tmp / "crawl.jsonl", wall)


@pytest.fixture(scope="module")
def registry_crawl(tmp_path_factory: pytest.TempPathFactory) -> RegistryCrawl:
    tmp = tmp_path_factory.mktemp("registry-crawl")
    return crawl_registry(tmp, "--progress", "--log-file", str(tmp / "crawl.jsonl"))


@pytest.mark.e2e
def test_registry_crawl_finishes_with_one_summary_line(registry_crawl: RegistryCrawl) -> None:
    result = registry_crawl.result
    assert result.exit_code == 0, result.output
    (summary,) = result.stdout.splitlines()
    assert re.fullmatch(rf"Crawled \d+ pages of 3 providers into {re.escape(str(registry_crawl.db))}: "
                        r"programs \d+ new, 0 updated, 0 unchanged; 0 rejected \(finished\)", summary)


@pytest.mark.e2e
def test_the_disabled_provider_is_not_crawled(registry_crawl: RegistryCrawl) -> None:
    sites = Counter(entry["site"] for entry in registry_crawl.requests)
    assert set(sites) == {"kestrel-electives", "protea-health", "wardwander-directory"}


@pytest.mark.e2e
def test_provider_settings_are_honoured(registry_crawl: RegistryCrawl) -> None:
    origins = registry_crawl.origins
    pages = registry_crawl.rows("SELECT url, site, depth FROM pages")
    kestrel = [url for url, site, _ in pages if site == origins["kestrel-electives"]]
    # Only pages matching the program-URL pattern are stored; the others were fetched for links.
    assert kestrel and all(re.search(r"/programmes/[^/]+", url) for url in kestrel)
    fetched = [e for e in registry_crawl.requests if e["site"] == "kestrel-electives" and e["path"].endswith(".html")]
    assert any("/programmes/" not in e["path"] for e in fetched)
    # max_pages = 6: the start URL and five more at most.
    protea_pages = [e for e in registry_crawl.requests if e["site"] == "protea-health"
                    and e["path"] not in ("/robots.txt", "/sitemap.xml")]
    assert len(protea_pages) <= 6
    # depth = 1 for the directory.
    assert max(d for _, site, d in pages if site == origins["wardwander-directory"]) <= 1


@pytest.mark.e2e
def test_crawl_run_row_has_consistent_stats(registry_crawl: RegistryCrawl) -> None:
    ((run_id, pages_seen, new, updated, unchanged, gone, rejected, requests, response_bytes, by_kind, duration,
      providers, reason, errors),) = registry_crawl.rows(
        "SELECT id, pages_seen, programs_new, programs_updated, programs_unchanged, programs_gone, rejected, "
        "requests, response_bytes, errors_by_kind, duration_s, providers, finish_reason, errors FROM crawl_runs"
    )
    assert reason == "finished"
    assert json.loads(providers) == ["Kestrel Electives", "Protea Health", "Wardwander Directory"]
    ((stored,),) = registry_crawl.rows("SELECT count(*) FROM pages WHERE crawl_run_id = ?", [run_id])
    ((programs,),) = registry_crawl.rows("SELECT count(*) FROM programs WHERE last_crawl_run = ?", [run_id])
    assert pages_seen == stored > 0
    assert (new, updated, unchanged, gone, rejected) == (programs, 0, 0, 0, 0)
    assert f"Crawled {pages_seen} pages" in registry_crawl.result.stdout
    # Every request the crawler counted reached the site server, and the other way round.
    assert requests == len(registry_crawl.requests)
    assert response_bytes >= sum(e["bytes"] for e in registry_crawl.requests) > 0  # + status lines, headers
    page_failures = Counter(f"http_{e['status']}" for e in registry_crawl.requests
                            if e["status"] >= 400 and e["path"] not in ("/robots.txt", "/sitemap.xml"))
    assert json.loads(by_kind) == dict(page_failures)
    assert 0 < duration < registry_crawl.wall_s
    assert errors == 0


@pytest.mark.e2e
def test_progress_lines_on_stderr(registry_crawl: RegistryCrawl) -> None:
    drawn = [PROGRESS.search(chunk) for chunk in re.split(r"[\r\n]", registry_crawl.result.stderr)]
    lines = [m for m in drawn if m]
    assert lines, registry_crawl.result.stderr
    last = lines[-1]
    ((pages_seen, new),) = registry_crawl.rows("SELECT pages_seen, programs_new FROM crawl_runs")
    assert (int(last.group(1)), int(last.group(2))) == (pages_seen, new)  # the final line shows the totals
    pages = [int(m.group(1)) for m in lines]
    assert pages == sorted(pages)


@pytest.mark.e2e
def test_log_file_has_json_lines(registry_crawl: RegistryCrawl) -> None:
    entries = [json.loads(line) for line in registry_crawl.log.read_text(encoding="utf-8").splitlines()]
    assert len(entries) > 10
    for entry in entries:
        assert {"time", "level", "logger", "message"} <= set(entry)
        assert "\n" not in entry["message"] and "Traceback" not in entry["message"]
    crawled = {e["url"] for e in entries if e["message"].startswith("Crawled (")}
    assert f"{registry_crawl.origins['kestrel-electives']}/" in crawled  # one line per fetch, with its URL
    assert entries[-1]["logger"] == "internscope.cli" and entries[-1]["message"].startswith("Crawled ")


@pytest.mark.e2e
def test_only_crawls_just_that_provider_quietly(tmp_path: Path) -> None:
    crawl = crawl_registry(tmp_path, "--only", "wardwander directory", "--quiet")
    assert crawl.result.exit_code == 0, crawl.result.output
    assert {e["site"] for e in crawl.requests} == {"wardwander-directory"}
    assert crawl.result.stderr == ""  # --quiet: no log, no progress line
    assert crawl.result.stdout.startswith("Crawled ") and " of 1 provider into " in crawl.result.stdout
    ((providers,),) = crawl.rows("SELECT providers FROM crawl_runs")
    assert json.loads(providers) == ["Wardwander Directory"]


@pytest.mark.e2e
def test_no_progress_line_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    # CliRunner's stderr is not a terminal, so without --progress there is no progress line.
    crawl = crawl_registry(tmp_path, "--only", "Wardwander Directory")
    assert crawl.result.exit_code == 0, crawl.result.output
    assert not PROGRESS.search(crawl.result.stderr)
