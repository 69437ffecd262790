"""One writer per catalog (catalog/lock.py): crawls, reextract and rates import refuse to run while
another process writes; readers never wait. Synchronisation with the other process is by reading
its output and polling the lock file with a deadline, never by sleeping a fixed time."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from catalog.cli import main
from catalog.db import open_catalog
from catalog.lock import LOCKED_EXIT_CODE, CatalogLocked, catalog_write_lock, lock_path
from catalog.siteserver import serve_sites

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEADLINE_S = 60.0

_HOLDER = """
import sys
from catalog.lock import catalog_write_lock
with catalog_write_lock(sys.argv[1], "crawl"):
    print("locked", flush=True)
    sys.stdin.readline()  # hold until the test writes a line (or closes stdin)
"""


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    open_catalog(path).close()
    return path


@pytest.fixture
def other_process(db: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the catalog's write lock until the test ends."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(db)], cwd=REPO, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    try:
        yield proc
    finally:
        if proc.poll() is None:
            assert proc.stdin is not None
            proc.stdin.close()
        proc.wait(timeout=DEADLINE_S)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_lock_file_names_the_holder_and_is_emptied_on_release(db: Path) -> None:
    path = lock_path(db)
    assert path == db.with_name("c.db.lock")
    with catalog_write_lock(db, "reextract"):
        info = json.loads(path.read_text(encoding="utf-8"))
        assert info["pid"] == os.getpid() and info["what"] == "reextract"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", info["started"])
    assert path.read_text(encoding="utf-8") == ""


def test_reentrant_within_a_process_and_released_after_the_outer_block(db: Path) -> None:
    with catalog_write_lock(db) as outer, catalog_write_lock(db) as inner:
        assert inner is outer and outer.depth == 2
    with catalog_write_lock(db):  # free again: a fresh acquisition works
        pass


def test_another_process_holding_it_is_refused_at_once(db: Path, other_process: subprocess.Popen[str]) -> None:
    started = time.monotonic()
    with pytest.raises(CatalogLocked) as info, catalog_write_lock(db):
        pass
    assert time.monotonic() - started < 5  # no waiting for the holder
    assert re.fullmatch(
        rf"another crawl \(pid {other_process.pid}, started [0-9T:Z-]+\) is writing to {re.escape(str(db))}",
        str(info.value),
    )


def test_a_stale_lock_file_of_a_dead_process_does_not_block(db: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(db)], cwd=REPO, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    proc.kill()  # dies holding the lock: no cleanup, the file keeps its pid
    proc.wait(timeout=DEADLINE_S)
    assert json.loads(lock_path(db).read_text(encoding="utf-8"))["pid"] == proc.pid
    with catalog_write_lock(db):
        assert json.loads(lock_path(db).read_text(encoding="utf-8"))["pid"] == os.getpid()


def test_symlinked_spellings_share_one_lock(db: Path, tmp_path: Path, other_process: subprocess.Popen[str]) -> None:
    alias = tmp_path / "alias.db"
    alias.symlink_to(db)
    with pytest.raises(CatalogLocked), catalog_write_lock(alias):
        pass


@pytest.mark.parametrize(
    "args",
    [
        ["crawl", "http://127.0.0.1:9/"],
        ["reextract"],
        ["rates", "import", str(REPO / "catalog" / "data" / "rates.csv")],
    ],
    ids=["crawl", "reextract", "rates-import"],
)
def test_writers_refuse_with_one_line_and_exit_75(
    db: Path, other_process: subprocess.Popen[str], args: list[str]
) -> None:
    result = invoke(*args, "--db", str(db))
    assert result.exit_code == LOCKED_EXIT_CODE
    assert re.fullmatch(
        rf"Error: another crawl \(pid {other_process.pid}, started [0-9T:Z-]+\) is writing to {re.escape(str(db))}\n",
        result.stderr,
    )
    assert result.stdout == ""


@pytest.mark.parametrize("args", [["summary"], ["programs"], ["query", "SELECT count(*) FROM crawl_runs"]])
def test_readers_never_take_the_lock(db: Path, other_process: subprocess.Popen[str], args: list[str]) -> None:
    result = invoke(*args, "--db", str(db))
    assert result.exit_code == 0, result.output


def test_run_crawl_raises_crawl_locked(db: Path, other_process: subprocess.Popen[str]) -> None:
    from catalog.crawl import CrawlError, CrawlLocked, run_crawl

    with pytest.raises(CrawlLocked, match=rf"pid {other_process.pid}") as info:
        run_crawl(["http://127.0.0.1:9/"], str(db), quiet=True)
    assert isinstance(info.value, CrawlError)  # callers that catch CrawlError still see it


@pytest.mark.e2e
def test_a_second_crawl_while_a_real_one_runs(tmp_path: Path) -> None:
    """Two `internscope crawl` processes on one catalog: the second says who holds it and exits 75,
    the first finishes untouched."""
    db = tmp_path / "c.db"
    env = {**os.environ, "INTERNSCOPE_PROVIDERS": ""}
    with serve_sites(FIXTURES, only=["tinyprov"]) as origins:
        # AutoThrottle's 1 s start delay (the CLI's politeness defaults) keeps the first crawl
        # running for several seconds: long enough for the second to meet its lock.
        first = subprocess.Popen(
            [sys.executable, "-m", "catalog.cli", "crawl", origins["tinyprov"] + "/", "--db", str(db), "--quiet"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            def holds() -> bool:
                try:
                    return json.loads(lock_path(db).read_text(encoding="utf-8"))["pid"] == first.pid
                except (OSError, ValueError, KeyError):
                    assert first.poll() is None, "the first crawl ended before it was seen holding the lock"
                    return False

            _until(holds, "the first crawl to take the lock")
            second = subprocess.run(
                [sys.executable, "-m", "catalog.cli", "crawl", origins["tinyprov"] + "/", "--db", str(db), "--quiet"],
                cwd=REPO, env=env, capture_output=True, text=True, timeout=DEADLINE_S,
            )
            still_running = first.poll() is None
            out, err = first.communicate(timeout=120)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
    assert still_running, "the first crawl finished before the second one ran: the test proved nothing"
    assert second.returncode == LOCKED_EXIT_CODE
    assert re.fullmatch(
        rf"Error: another crawl \(pid {first.pid}, started [0-9T:Z-]+\) is writing to {re.escape(str(db))}\n",
        second.stderr,
    )
    assert second.stdout == ""
    assert first.returncode == 0, err
    assert out.startswith("Crawled 6 pages")
    db_rows = open_catalog(db, readonly=True)
    try:
        assert db_rows.execute("SELECT count(*) FROM crawl_runs").fetchone()[0] == 1  # the second never started one
    finally:
        db_rows.close()
