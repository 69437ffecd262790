"""`internscope ingest`: job feeds (catalog/feed.py) merged into the catalog (catalog/ingest.py).

Feeds are written with the project's own FeedItemExporter (a stand-in crawler gives it the job id,
start URLs and final stats), except where a test needs a broken one. One test writes a feed with a
real `scrapy crawl` and compares the result with the crawl's own catalog.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlite_utils
from catalog_factories import make_item, make_record
from click.testing import CliRunner

from catalog.cli import main
from catalog.db import open_catalog
from catalog.feed import FeedItemExporter, read_feed
from catalog.ingest import IngestError, ingest_feed
from catalog.siteserver import serve_sites
from catalog.store import complete_sites, finish_run, mark_gone, start_run, store_page

REPO = Path(__file__).resolve().parent.parent
SITE = "https://provider.test"
STATS: dict[str, Any] = {"finish_reason": "finished", "downloader/request_count": 20, "log_count/ERROR": 0}


def program(n: int, **record: Any) -> dict[str, Any]:
    return make_item(make_record(f"{SITE}/programs/p{n}", title=f"Program {n}", **record), site=SITE,
                     fetched_at=f"2026-03-01T10:00:{n:02d}Z")


def pages() -> list[dict[str, Any]]:
    """A small site's crawl: programs, a blog page, a rejected program page."""
    return [
        program(1), program(2, fees=[]), program(3, country="KE", cities=["Nairobi"]), program(4), program(5),
        make_item(url=f"{SITE}/blog", is_program=False, site=SITE),
        make_item(url=f"{SITE}/bad", rejected={"reason": "title: missing", "record": {"url": f"{SITE}/bad"}},
                  site=SITE),
    ]


def write_feed(
    path: Path, items: list[dict[str, Any]], *, job: str, stats: dict[str, Any] | None = None, finish: bool = True,
    compress: bool = False,
) -> Path:
    """A feed as a Scrapyd job writes it, through FeedItemExporter."""
    stats = {**STATS, **(stats or {})}
    crawler = SimpleNamespace(spider=SimpleNamespace(_job=job, name="programs", start_urls=[f"{SITE}/"]),
                              stats=SimpleNamespace(get_stats=lambda: stats))
    buffer = io.BytesIO()
    exporter = FeedItemExporter.from_crawler(crawler, buffer, encoding="utf-8")  # type: ignore[arg-type]
    exporter.start_exporting()
    for item in items:
        exporter.export_item(item)
    if finish:
        exporter.finish_exporting()
    data = buffer.getvalue()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def catalog_content(db: sqlite_utils.Database) -> dict[str, list[tuple[Any, ...]]]:
    """What a catalog says about programs and pages, without ids, timestamps or run ids."""
    skip = {"id", "provider_id", "first_seen", "last_seen", "last_changed", "last_crawl_run", "gone_since"}
    columns = [c for c in db["programs"].columns_dict if c not in skip]

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return sorted(db.execute(sql).fetchall(), key=repr)

    return {
        "programs": rows(f"SELECT {', '.join(columns)} FROM programs"),
        "fees": rows("SELECT program_url, position, amount, amount_max, currency, basis, kind, weeks, evidence "
                     "FROM fees"),
        "flags": rows("SELECT * FROM flags"),
        "claims": rows("SELECT * FROM claims"),
        "providers": rows("SELECT name, name_key FROM providers"),
        # Not `depth`: a page both linked and in the sitemap gets the depth of whichever reached the
        # scheduler first, which differs between two crawls of one site too.
        "pages": rows("SELECT url, fetched_url, status, kind, is_program, why, extract_error, etag, last_modified, "
                      "site FROM pages"),
        "page_html": rows("SELECT url, sha1 FROM page_html"),
        "search": rows("SELECT p.url, f.title, f.provider, f.places, f.main_text FROM programs_fts f "
                       "JOIN programs p ON p.id = f.rowid"),
        "rejected": rows("SELECT url, reason, record FROM rejected"),
        "changes": rows("SELECT program_url, field, old_value, new_value FROM program_changes"),
    }


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    open_catalog(path).close()
    return path


def ingest(db_path: Path, feed: Path) -> Any:
    db = open_catalog(db_path)
    try:
        return ingest_feed(db, feed)
    finally:
        db.close()


def run_row(db_path: Path, run_id: int) -> dict[str, Any]:
    db = open_catalog(db_path, readonly=True)
    try:
        return dict(next(iter(db.query("SELECT * FROM crawl_runs WHERE id = ?", [run_id]))))
    finally:
        db.close()


# ---------------------------------------------------------------- the feed itself


def test_the_feed_format(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "f.jl", pages(), job="job-1")
    lines = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["internscope_feed"] == 1 and lines[0]["kind"] == "start"
    assert (lines[0]["job"], lines[0]["start_urls"]) == ("job-1", [f"{SITE}/"])
    assert lines[-1]["kind"] == "finish" and lines[-1]["finish_reason"] == "finished"
    assert lines[-1]["stats"]["downloader/request_count"] == 20
    assert lines[1:-1] == json.loads(json.dumps(pages()))  # page items exactly as the pipelines left them
    read = read_feed(feed)
    assert read.job == "job-1" and list(read.items()) == lines[1:-1]
    assert read.complete and read.sites == {SITE} and not read.errors


# ---------------------------------------------------------------- merging


def test_ingest_stores_what_the_store_pipeline_stores(tmp_path: Path, db_path: Path) -> None:
    result = ingest(db_path, write_feed(tmp_path / "f.jl", pages(), job="job-1"))
    assert result.counts == {"new": 5, "updated": 0, "unchanged": 0, "revived": 0, "rejected": 1, "page": 1}
    assert (result.finish_reason, result.complete_sites, result.gone, result.errors) == ("finished", [SITE], 0, [])
    assert result.monitors_failed == []

    # The same items through the crawl's path: store_page per item, then the spider-close steps.
    direct = open_catalog(tmp_path / "direct.db")
    run_id = start_run(direct, [f"{SITE}/"])
    for item in pages():
        store_page(direct, run_id, item)
    mark_gone(direct, run_id, complete_sites({SITE}, STATS, "finished"))
    finish_run(direct, run_id, STATS, "finished")
    fleet = open_catalog(db_path, readonly=True)
    try:
        assert catalog_content(fleet) == catalog_content(direct)
    finally:
        fleet.close()
        direct.close()

    row = run_row(db_path, result.run_id)
    assert (row["job"], row["feed"], row["finish_reason"], row["monitor_status"]) == (
        "job-1", str(tmp_path / "f.jl"), "finished", "passed")
    assert (row["programs_new"], row["rejected"], row["pages_seen"]) == (5, 1, 7)
    assert json.loads(row["complete_sites"]) == [SITE] and json.loads(row["site_programs"]) == {SITE: 5}
    assert json.loads(row["stats"])["downloader/request_count"] == 20


def test_ingesting_a_feed_twice_changes_nothing(tmp_path: Path, db_path: Path) -> None:
    feed = write_feed(tmp_path / "f.jl", pages(), job="job-1")
    first = ingest(db_path, feed)
    before = dump(db_path)
    again = ingest(db_path, feed)
    assert (again.already, again.run_id) == (True, first.run_id)
    assert dump(db_path) == before
    # A copy under another name is the same job.
    shutil.copy(feed, tmp_path / "copy.jl")
    assert ingest(db_path, tmp_path / "copy.jl").already
    assert dump(db_path) == before


def test_the_same_pages_in_a_later_job_are_unchanged(tmp_path: Path, db_path: Path) -> None:
    ingest(db_path, write_feed(tmp_path / "a.jl", pages(), job="a"))
    later = ingest(db_path, write_feed(tmp_path / "b.jl", pages(), job="b"))
    assert later.counts["unchanged"] == 5 and later.counts["new"] == 0
    assert later.run_id == 2 and not later.monitors_failed


def test_gone_only_after_a_complete_job(tmp_path: Path, db_path: Path) -> None:
    ingest(db_path, write_feed(tmp_path / "1.jl", [program(1), program(2)], job="1"))
    # A job cut short (no finish line): its site is not complete, nothing is marked gone.
    cut = ingest(db_path, write_feed(tmp_path / "2.jl", [program(1)], job="2", finish=False))
    assert (cut.finish_reason, cut.complete_sites, cut.gone) == ("no finish line", [], 0)
    assert "finish_reason" in cut.monitors_failed
    # A job that finished but reported a failed fetch for the site.
    failed = ingest(db_path, write_feed(tmp_path / "3.jl", [program(1)], job="3",
                                        stats={"internscope/incomplete_sites": {SITE: "x: Connection refused"}}))
    assert (failed.complete_sites, failed.gone) == ([], 0)
    done = ingest(db_path, write_feed(tmp_path / "4.jl", [program(1)], job="4"))
    assert (done.complete_sites, done.gone) == ([SITE], 1)
    db = open_catalog(db_path, readonly=True)
    try:
        assert dict(db.execute("SELECT url, status FROM programs").fetchall()) == {
            f"{SITE}/programs/p1": "active", f"{SITE}/programs/p2": "gone"}
    finally:
        db.close()


def test_a_malformed_line_is_reported_and_the_rest_is_stored(tmp_path: Path, db_path: Path) -> None:
    feed = write_feed(tmp_path / "f.jl", [program(1), program(2), program(3)], job="j")
    lines = feed.read_bytes().splitlines(keepends=True)
    lines[2] = b'{"url": "https://provider.test/programs/p2", "cut short\n'
    lines.insert(3, b"[1, 2]\n")
    lines.insert(4, b'{"status": 200}\n')
    lines.insert(5, b"\xff\xfe not utf-8\n")
    feed.write_bytes(b"".join(lines))
    result = ingest(db_path, feed)
    messages = [str(e) for e in result.errors]
    assert [m.split(" (")[0] for m in messages] == [
        f"{feed}:3: not JSON", f"{feed}:4: not a JSON object", f"{feed}:5: page item without a url",
        f"{feed}:6: not UTF-8",
    ]
    assert result.counts["new"] == 2
    # A lost line may have been a program of the site: nothing is marked gone.
    assert (result.complete_sites, result.gone) == ([], 0)


def test_a_compressed_feed(tmp_path: Path, db_path: Path) -> None:
    plain = ingest(db_path, write_feed(tmp_path / "f.jl", pages(), job="plain"))
    packed = write_feed(tmp_path / "f.jl.gz", pages(), job="packed", compress=True)
    result = ingest(db_path, packed)
    assert result.counts["unchanged"] == plain.counts["new"] and not result.errors
    cut = tmp_path / "cut.jl.gz"
    cut.write_bytes(write_feed(tmp_path / "x.jl.gz", pages(), job="cut", compress=True).read_bytes()[:-30])
    cut_short = ingest(db_path, cut)
    assert cut_short.errors and "compressed feed is cut short" in str(cut_short.errors[-1])
    assert cut_short.complete_sites == []


def test_a_feed_without_start_and_finish_lines(tmp_path: Path, db_path: Path) -> None:
    # What Scrapy's plain jsonlines exporter writes: items only. The file's digest is its job.
    feed = tmp_path / "plain.jl"
    feed.write_text("".join(json.dumps(item) + "\n" for item in pages()), encoding="utf-8")
    result = ingest(db_path, feed)
    assert result.job.startswith("sha256:") and result.counts["new"] == 5
    assert (result.finish_reason, result.gone) == ("no finish line", 0)
    assert json.loads(run_row(db_path, result.run_id)["start_urls"]) == [SITE]
    assert ingest(db_path, feed).already


def test_unreadable_feeds(tmp_path: Path, db_path: Path) -> None:
    with pytest.raises(IngestError, match=r"nope\.jl: cannot read: No such file or directory"):
        ingest(db_path, tmp_path / "nope.jl")
    with pytest.raises(IngestError, match="cannot read: Is a directory"):
        ingest(db_path, tmp_path)


# ---------------------------------------------------------------- the command


def test_cli_ingests_the_good_feeds_and_reports_the_bad_ones(tmp_path: Path, db_path: Path) -> None:
    good = write_feed(tmp_path / "good.jl", pages(), job="good")
    broken = write_feed(tmp_path / "broken.jl", [program(7)], job="broken")
    broken.write_bytes(broken.read_bytes() + b"not json\n")
    missing = tmp_path / "missing.jl"
    result = CliRunner().invoke(main, ["ingest", str(missing), str(broken), str(good), "--db", str(db_path)])
    assert result.exit_code == 1
    out = result.output.splitlines()
    assert f"Error: {missing}: cannot read: No such file or directory" in out
    assert any(line.startswith(f"Error: {broken}:4: not JSON") for line in out)
    # broken.jl went in (its good lines) as run #1, but as an incomplete job; good.jl is complete and its
    # site no longer has broken.jl's program.
    assert f"Ingested {good} as run #2: 7 pages, programs 5 new, 0 updated, 0 unchanged, 0 revived; 1 rejected; " \
           "1 gone (finished)" in out
    again = CliRunner().invoke(main, ["ingest", str(good), "--db", str(db_path), "--json"])
    assert again.exit_code == 0, again.output
    report = json.loads(again.output)
    assert report == [{**report[0], "feed": str(good), "job": "good", "run_id": 2, "already_ingested": True}]


def test_cli_exits_non_zero_when_a_monitor_fails(tmp_path: Path, db_path: Path) -> None:
    runner = CliRunner()
    first = write_feed(tmp_path / "1.jl", [program(i) for i in range(10)], job="1")
    assert runner.invoke(main, ["ingest", str(first), "--db", str(db_path)]).exit_code == 0
    second = write_feed(tmp_path / "2.jl", [program(0), program(1)], job="2")
    result = runner.invoke(main, ["ingest", str(second), "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: {second}: monitors failed: too_few_programs: {SITE}: 2 programs, 10 in run #1 "
        "(below 0.5 of the site's last complete run)")
    assert run_row(db_path, 2)["monitor_status"] == "failed"


def test_cli_fetches_a_feed_from_a_url(tmp_path: Path, db_path: Path) -> None:
    # A node's items URL, played by the loopback site server.
    served = tmp_path / "web" / "sites" / "node"
    served.mkdir(parents=True)
    write_feed(served / "job.jl", pages(), job="served")
    with serve_sites(tmp_path / "web") as origins:
        url = origins["node"] + "/job.jl"
        result = CliRunner().invoke(main, ["ingest", url, url.replace("job.jl", "gone.jl"), "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Ingested {url} as run #1: 7 pages, programs 5 new, 0 updated, 0 unchanged, 0 revived; 1 rejected; 0 gone "
        "(finished)",
        f"Error: {url.replace('job.jl', 'gone.jl')}: HTTP 404 Not Found",
    ]


# ---------------------------------------------------------------- a real job without a catalog


@pytest.mark.e2e
def test_a_scrapy_job_without_catalog_ingests_into_what_the_crawl_stores(tmp_path: Path) -> None:
    from catalog.crawl import run_crawl

    feed = tmp_path / "job.jl.gz"
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "scrapers.settings"}
    with serve_sites(REPO / "demo", ["protea-health"]) as origins:
        origin = origins["protea-health"]
        job = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "programs", "-a", f"start_urls={origin}/", "-a", "_job=j1",
             "-s", "INTERNSCOPE_DB=", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=WARNING",
             "-s", "FEEDS=" + json.dumps({feed.as_uri(): {
                 "format": "internscope", "postprocessing": ["scrapy.extensions.postprocessing.GzipPlugin"]}})],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
        )
        assert job.returncode == 0, job.stderr[-2000:]
        assert "Disabled catalog.store.CatalogPipeline" in job.stderr
        assert not (tmp_path / "internscope.db").exists()  # the job needed no catalog
        single = tmp_path / "single.db"
        assert run_crawl([origin + "/"], str(single), quiet=True,
                         settings={"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}).exit_code == 0
    fleet = tmp_path / "fleet.db"
    result = ingest(_created(fleet), feed)
    assert (result.job, result.finish_reason, result.errors, result.monitors_failed) == ("j1", "finished", [], [])
    a, b = open_catalog(fleet, readonly=True), open_catalog(single, readonly=True)
    try:
        assert catalog_content(a) == catalog_content(b)
        assert a.execute("SELECT count(*) FROM programs").fetchone()[0] > 0
    finally:
        a.close()
        b.close()


def _created(path: Path) -> Path:
    open_catalog(path).close()
    return path
