"""The catalog never loses data: a crawl killed with `kill -9` at random moments, again and again.

One crawl of three demo sites (served slowly on loopback, so it is still running when it is killed) is
killed ROUNDS times at seeded-random points and resumed after each kill with `run_crawl(resume=True)`, as
`internscope crawl --resume` does; then resumed once more to its end. The kill lands when the catalog holds
the round's target number of pages (polled from crawl_runs.pages_seen, with a deadline), plus a random jitter
so it also falls between two pages' transactions rather than always just after a commit. Each round kills
either the crawl worker alone (run_crawl survives and marks the run `killed`) or the worker and run_crawl's
process together (nobody closes the run).

After every kill, with nothing running: `PRAGMA integrity_check` is ok, `foreign_key_check` finds nothing,
the full-text index passes its own integrity check, and no program is half-written (its fees, flags, claims,
search row and content hash match its record; its page and the page's HTML are there; the run's counters
match its rows). At the end the catalog equals an uninterrupted crawl's of the same servers (programs, fees,
flags, claims, search rows, providers, pages, HTML, rejections, history and the run's counters; timestamps,
row ids and run ids aside). That comparison is what "nothing lost" means here.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from catalog_checks import catalog_content, check_consistent
from robustness_figures import record_figures

from catalog.crawl import run_crawl
from catalog.siteserver import serve_sites

pytestmark = pytest.mark.e2e

DEMO = Path(__file__).resolve().parent.parent / "demo"
# Three of the demo sites (the fourth's heavy pages only make every round slower).
SITES = ["kestrel-electives", "shoreline-chv", "wardwander-directory"]
# Slow enough that a crawl is still going when its target is reached: pages arrive more slowly than the
# pipelines store them. A resumed crawl asks again for every page it had (each answered 304), so this delay
# also sets how long each round takes to get back to where the last one was killed.
SERVER_DELAY_S = 0.08
ROUNDS = int(os.environ.get("INTERNSCOPE_KILL9_ROUNDS", "6"))
SEED = int(os.environ.get("INTERNSCOPE_KILL9_SEED", "20261122"))
DEADLINE_S = 120
# Loopback servers need no politeness delay; one request at a time per site keeps the crawl order stable.
# The store commits every 2 pages (50 or every second by default): the rounds are synchronised on what the
# catalog holds, and a kill then also lands on an open batch, whose pages the resumed crawl must store again.
FAST: dict[str, Any] = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
                        "INTERNSCOPE_COMMIT_PAGES": 2}
# run_crawl in a process of its own, so it can be killed with its worker.
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
    urls: list[str]
    reference: dict[str, list[tuple[Any, ...]]]  # the catalog of an uninterrupted crawl of the same servers
    total_pages: int


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    """The demo sites, served slowly for the whole module: the port is part of every URL, so the catalogs
    compared here must come from the same servers."""
    tmp = tmp_path_factory.mktemp("kill9")
    with serve_sites(DEMO, SITES, delay=SERVER_DELAY_S) as origins:
        reference = tmp / "reference.db"
        result = run_crawl(list(origins.values()), str(reference), quiet=True, settings=FAST)
        assert (result.exit_code, result.reason) == (0, "finished")
        content = catalog_content(reference)
        check_consistent(reference)
        yield Sites(list(origins.values()), content, int(content["runs"][0][0]))


def _pages_seen(db_path: Path) -> int:
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return 0
    try:
        row = conn.execute("SELECT max(pages_seen) FROM crawl_runs").fetchone()
    except sqlite3.Error:  # the file or the table is not there yet
        return 0
    finally:
        conn.close()
    return int(row[0] or 0)


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for its reaper counts: it holds no file any more)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def _until(condition: Any, what: str, deadline: float) -> None:
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def test_kill9_at_random_moments_loses_nothing(sites: Sites, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    total = sites.total_pages
    assert total > ROUNDS + 12, total
    # Increasing targets: after a kill -9 the resumed crawl starts again from the start URLs, stores only
    # what the run does not have yet, and pages_seen counts each page of the run once.
    # The last ones well before the end: the resumed crawl must still be running when its kill comes.
    targets = sorted(rng.sample(range(2, total - 10), ROUNDS))
    db_path = tmp_path / "catalog.db"
    env = {k: v for k, v in os.environ.items() if k != "INTERNSCOPE_DB"}
    rounds: list[dict[str, Any]] = []
    started = time.monotonic()
    for number, target in enumerate(targets):
        resume = number > 0
        round_started = time.monotonic()
        crawl = subprocess.Popen([*RUN_CRAWL, json.dumps([[] if resume else sites.urls, str(db_path), FAST, resume])],
                                 env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, start_new_session=True)
        deadline = time.monotonic() + DEADLINE_S

        # Past what the catalog already holds (a kill's jitter can let the last round store a page or two more).
        target = max(target, rounds[-1]["pages"] + 1 if rounds else 1)

        def reached(crawl: subprocess.Popen[str] = crawl, target: int = target) -> bool:
            assert crawl.poll() is None, f"the crawl ended before its kill: {crawl.communicate()}"
            # This round's crawler must be running: the count alone may be reached before it starts.
            return bool(_children(crawl.pid)) and _pages_seen(db_path) >= target

        _until(reached, f"{target} pages in the catalog", deadline)
        # Jitter (not synchronisation): the kill lands anywhere in the next page's store, or between two.
        time.sleep(rng.uniform(0, 0.05))
        workers = _children(crawl.pid)
        assert len(workers) == 1, f"round {number}: run_crawl has no worker to kill ({_pages_seen(db_path)} pages)"
        how = rng.choice(["worker", "worker and run_crawl"])
        os.kill(workers[0], signal.SIGKILL)
        if how != "worker":
            os.kill(crawl.pid, signal.SIGKILL)
        crawl.communicate(timeout=DEADLINE_S)
        _until(lambda w=workers[0]: _gone(w), "the killed worker to exit", time.monotonic() + DEADLINE_S)
        held = check_consistent(db_path)
        assert held["pages"] < total, "the kill came after the crawl's last page"
        rounds.append({"target": target, "killed": how, "pages": held["pages"], "programs": held["programs"],
                       "exit": crawl.returncode, "seconds": round(time.monotonic() - round_started, 1)})

    done = subprocess.run([*RUN_CRAWL, json.dumps([[], str(db_path), FAST, True])], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=DEADLINE_S)
    assert done.returncode == 0, done.stderr
    check_consistent(db_path)
    content = catalog_content(db_path)
    for table, rows in sites.reference.items():
        assert content[table] == rows, table
    history = json.loads(sqlite3.connect(db_path).execute("SELECT stats FROM crawl_runs").fetchone()[0])
    assert len(history["internscope/interruptions"]) == ROUNDS
    record_figures("kill9", {
        "rounds": ROUNDS, "seed": SEED, "total_pages": total, "programs": len(sites.reference["programs"]),
        "kills": rounds, "seconds": round(time.monotonic() - started, 1),
        "nothing_lost": True,
    })
