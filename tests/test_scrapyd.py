"""A real Scrapyd fleet on loopback: two nodes, a scrapyd-deploy, jobs spread over both, their feeds ingested.

The catalog the fleet builds must equal a single-node `run_crawl` of the same sites (served once,
so both see the same URLs), ignoring ids, timestamps and run ids; and ingesting the feeds again
must change nothing at all.

Each node is `python -m scrapyd` in its own directory (its scrapyd.conf, eggs, logs and dbs there),
waited for by polling daemonstatus.json against a deadline. The project is deployed the way a
maintainer does: `scrapyd-deploy --build-egg` in a copy of the project (so the checkout gets no
build/ directory), then `scrapyd-deploy TARGET --egg` for each node, the targets in a scrapy.cfg
of XDG_CONFIG_HOME (scrapyd-deploy reads it beside the project's own).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_ingest import catalog_content

from catalog.cli import main
from catalog.crawl import run_crawl
from catalog.db import open_catalog
from catalog.fleet import FleetError, Job, assign, call, credentials, display, feed_source, parse_nodes
from catalog.providers import Provider
from catalog.siteserver import serve_sites


def _need_scrapyd() -> None:
    pytest.importorskip("scrapyd", reason="scrapyd is not installed (pip install -e '.[dev]'); the fleet test needs it")
    pytest.importorskip("scrapyd_client", reason="scrapyd-client is not installed (pip install -e '.[dev]')")


REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "demo"
PROJECT_FILES = ("scrapers", "pipelines", "catalog", "pyproject.toml", "README.md", "scrapy.cfg", "setup.py")
# Loopback sites need no politeness delay.
FAST = {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0"}
READY_DEADLINE_S = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@dataclass
class Node:
    url: str
    directory: Path
    proc: subprocess.Popen[bytes]

    def log_tail(self) -> str:
        path = self.directory / "scrapyd.out"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


@contextmanager
def scrapyd_node(directory: Path, *, items_dir: bool = False) -> Iterator[Node]:
    """A Scrapyd node on a free loopback port; with `items_dir` it keeps job feeds itself (and serves them)."""
    directory.mkdir(parents=True)
    port = _free_port()
    (directory / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {directory / 'eggs'}\n"
        f"logs_dir = {directory / 'logs'}\n"
        f"dbs_dir = {directory / 'dbs'}\n"
        f"items_dir = {directory / 'items' if items_dir else ''}\n"
        "max_proc = 2\n"
        # The queue poller's period: how soon a scheduled job starts.
        "poll_interval = 0.2\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    with open(directory / "scrapyd.out", "wb") as out:
        # cwd: Scrapyd reads ./scrapyd.conf; --pidfile= keeps twistd from writing one.
        proc = subprocess.Popen([sys.executable, "-m", "scrapyd", "--pidfile="], cwd=directory, env=env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    node = Node(f"http://127.0.0.1:{port}/", directory, proc)
    try:
        deadline = time.monotonic() + READY_DEADLINE_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"scrapyd exited with {proc.returncode}: {node.log_tail()}")
            try:
                if _get(node.url + "daemonstatus.json").get("status") == "ok":
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"scrapyd on {node.url} not ready after {READY_DEADLINE_S:g} s: {node.log_tail()}")
            time.sleep(0.1)  # the poll period; readiness itself is the daemonstatus answer
        yield node
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _scrapyd_deploy() -> list[str]:
    script = Path(sys.executable).with_name("scrapyd-deploy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "scrapyd_client.deploy"]


def deploy(tmp: Path, nodes: list[Node]) -> None:
    """scrapyd-deploy the project to every node, as a maintainer would (see the module docstring)."""
    project = tmp / "project"
    project.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=ignore)
        else:
            shutil.copy2(source, project / name)
    xdg = tmp / "xdg"
    xdg.mkdir()
    (xdg / "scrapy.cfg").write_text(
        "".join(f"[deploy:node-{i}]\nurl = {node.url}\nproject = internscope\n\n" for i, node in enumerate(nodes)),
        encoding="utf-8",
    )
    env = {**{k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}, "XDG_CONFIG_HOME": str(xdg)}
    egg = tmp / "internscope.egg"
    built = subprocess.run([*_scrapyd_deploy(), "--build-egg", str(egg)], cwd=project, env=env,
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0 and egg.is_file(), built.stderr[-2000:]
    for i in range(len(nodes)):
        done = subprocess.run([*_scrapyd_deploy(), f"node-{i}", "--egg", str(egg), "--version", "1"], cwd=project,
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:] + done.stdout[-2000:]
        assert json.loads(done.stdout)["status"] == "ok", done.stdout
        assert json.loads(done.stdout)["spiders"] == 1


# ---------------------------------------------------------------- catalog content


def _content(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    db = open_catalog(path, readonly=True)
    try:
        return catalog_content(db)
    finally:
        db.close()


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.mark.e2e
def test_two_scrapyd_nodes_crawl_into_the_same_catalog_as_one_crawl(tmp_path: Path) -> None:
    _need_scrapyd()
    started = time.monotonic()
    feeds = tmp_path / "feeds"  # the "shared" directory: both nodes and the scheduler see it
    feeds.mkdir()
    with ExitStack() as stack:
        origins = stack.enter_context(serve_sites(DEMO))
        # Node 0 keeps feeds in its own items_dir (Scrapyd's FEEDS then wins over the shared directory, and
        # ingest fetches them from its items URL); node 1 writes them to the shared directory.
        nodes = [stack.enter_context(scrapyd_node(tmp_path / f"node-{i}", items_dir=i == 0)) for i in range(2)]
        t_nodes = time.monotonic()
        deploy(tmp_path, nodes)
        t_deploy = time.monotonic()

        registry = tmp_path / "providers.toml"
        registry.write_text("".join(f'[[provider]]\nname = "{name}"\nstart_urls = ["{origin}/"]\n\n'
                                    for name, origin in sorted(origins.items())), encoding="utf-8")
        fleet_db = tmp_path / "fleet.db"
        settings = [arg for name, value in FAST.items() for arg in ("-s", f"{name}={value}")]
        scheduled = CliRunner().invoke(main, [
            "schedule", "--nodes", ",".join(n.url for n in nodes), "--providers", str(registry),
            "--feeds", str(feeds), *settings, "--wait", "--timeout", "240", "--ingest", "--db", str(fleet_db),
        ])
        assert scheduled.exit_code == 0, scheduled.output
        lines = scheduled.output.splitlines()
        placed = [ln for ln in lines if ln.startswith("Scheduled ")]
        assert len(placed) == len(origins)
        # Spread: two providers per node.
        for node in nodes:
            assert sum(f"on {node.url}:" in ln for ln in placed) == 2, placed
            assert len(_get(node.url + "listjobs.json?project=internscope")["finished"]) == 2
        assert sum(ln.startswith("Ingested ") for ln in lines) == len(origins), scheduled.output

        t_fleet = time.monotonic()
        single_db = tmp_path / "single.db"
        single = run_crawl([o + "/" for o in origins.values()], str(single_db), quiet=True,
                           settings={k: int(v) for k, v in FAST.items()})
        assert single.exit_code == 0, single.reason

    fleet, one = _content(fleet_db), _content(single_db)
    assert fleet["programs"], "the fleet stored no program"
    for table in one:
        assert fleet[table] == one[table], f"{table} differs between the fleet and the single crawl"

    db = open_catalog(fleet_db, readonly=True)
    try:
        runs = db.execute("SELECT job, feed, finish_reason, monitor_status, complete_sites, finished_at "
                          "FROM crawl_runs ORDER BY id").fetchall()
    finally:
        db.close()
    assert len(runs) == len(origins)  # one run per job
    on_node = {m.group(2): m.group(1) for m in (re.match(r"^Scheduled .+ on (\S+): job (\w+)", ln) for ln in placed)
               if m}
    assert len(on_node) == len(origins), placed
    for job, feed, reason, monitor_status, complete, finished_at in runs:
        if on_node[job] == nodes[0].url:
            assert feed == f"{nodes[0].url}items/internscope/programs/{job}.jl"
        else:
            assert feed == str(feeds / f"{job}.jl")
        assert (reason, monitor_status, finished_at is not None) == ("finished", "passed", True)
        assert len(json.loads(complete)) == 1

    # Ingesting the same feeds again changes nothing, not even a timestamp.
    before = _dump(fleet_db)
    kept = [str(p) for p in sorted((tmp_path / "node-0" / "items").rglob("*.jl")) + sorted(feeds.glob("*.jl"))]
    assert len(kept) == len(origins)
    again = CliRunner().invoke(main, ["ingest", *kept, "--db", str(fleet_db)])
    assert again.exit_code == 0, again.output
    assert again.output.count("Skipped ") == len(origins)
    assert _dump(fleet_db) == before
    print(f"two-node Scrapyd fleet test: {time.monotonic() - started:.1f} s (nodes up {t_nodes - started:.1f} s, "
          f"deploy {t_deploy - t_nodes:.1f} s, schedule+wait+ingest {t_fleet - t_deploy:.1f} s)")


def test_schedule_reports_an_unreachable_node_in_one_line(tmp_path: Path) -> None:
    registry = tmp_path / "providers.toml"
    registry.write_text('[[provider]]\nname = "x"\nstart_urls = ["http://127.0.0.1:9/"]\n', encoding="utf-8")
    node = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    result = CliRunner().invoke(main, ["schedule", "--nodes", node, "--providers", str(registry)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: node {node}/ unreachable:") and result.output.count("\n") == 1


# ---------------------------------------------------------------- schedule without a node


def _provider(name: str, max_pages: int | None = None, urls: int = 1) -> Provider:
    return Provider(name=name, start_urls=[f"https://{name}.test/{i}" for i in range(urls)], max_pages=max_pages)


def test_node_urls() -> None:
    assert parse_nodes(" http://a:6800, http://b:6800/ ,http://a:6800/") == ["http://a:6800/", "http://b:6800/"]
    assert parse_nodes("https://fleet.example/scrapyd") == ["https://fleet.example/scrapyd/"]
    for bad, why in [("ftp://a:6800", "need http(s)"), ("a:6800", "need http(s)"), ("http://", "need http(s)"),
                     ("http://a:99999", "out of range"), ("http://a:6800/?x=1", "no query"),
                     (" , ", "no Scrapyd node")]:
        with pytest.raises(FleetError, match=re.escape(why)):
            parse_nodes(bad)


def test_providers_are_spread_by_budget_largest_first_and_deterministically() -> None:
    nodes = ["http://a/", "http://b/"]
    same = [_provider(n) for n in "pqrst"]
    plan = assign(same, nodes)
    assert [node for _, node in plan] == ["http://a/", "http://b/", "http://a/", "http://b/", "http://a/"]
    assert assign(same, nodes) == plan
    mixed = [_provider("small", 100), _provider("big", 1000), _provider("x", 300), _provider("y", 300),
             _provider("z", 300), _provider("two", 200, urls=2)]
    placed = {p.name: node[-2] for p, node in assign(mixed, nodes)}
    # Largest first, each to the least loaded node (a tie to the earlier node): big 1000 -> a; two 400 -> b;
    # x 300 -> b (700); y 300 -> b (1000); z 300 -> a (tie 1000, 1000); small 100 -> b: 1300 and 1100.
    assert placed == {"big": "a", "two": "b", "x": "b", "y": "b", "z": "a", "small": "b"}


def test_feed_locations(tmp_path: Path) -> None:
    shared = Job("p", "http://a:6800/", "j1", ("https://p.test/",), str(tmp_path / "j1.jl"))
    items = {"items_url": "/items/internscope/programs/j1.jl"}
    assert feed_source(shared, items) == "http://a:6800/items/internscope/programs/j1.jl"  # Scrapyd's FEEDS won
    (tmp_path / "j1.jl").write_text("")
    assert feed_source(shared, items) == str(tmp_path / "j1.jl")
    assert feed_source(Job("p", "http://a:6800/", "j2", (), None), {}) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--nodes", "ftp://a:6800"], "Error: bad node URL 'ftp://a:6800': need http(s)://HOST:PORT of a Scrapyd node"),
        (["--nodes", "http://a:6800", "--ingest", "--db", "x.db"], "Error: --ingest needs --wait"),
        (["--nodes", "http://a:6800", "--gzip"], "Error: --gzip needs --feeds"),
        (["--nodes", "http://a:6800", "--wait", "--ingest"], "Error: --ingest needs --db PATH"),
        (["--nodes", "http://a:6800", "--only", "nobody"], "Error: no valid provider named 'nobody'"),
        (["--nodes", "http://a:6800", "-s", "NOEQUALS"], "Error: Invalid value for '-s': 'NOEQUALS' is not NAME=VALUE"),
    ],
)
def test_schedule_refuses_bad_input_in_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    registry = tmp_path / "providers.toml"
    registry.write_text('[[provider]]\nname = "x"\nstart_urls = ["http://127.0.0.1:9/"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["schedule", "--providers", str(registry), *args],
                                env={"INTERNSCOPE_DB": None})
    assert result.exit_code != 0
    assert result.output.startswith(message) and result.output.count("\n") == 1, result.output


def test_schedule_refuses_a_feed_directory_that_is_not_there(tmp_path: Path) -> None:
    registry = tmp_path / "providers.toml"
    registry.write_text('[[provider]]\nname = "x"\nstart_urls = ["http://127.0.0.1:9/"]\n', encoding="utf-8")
    # A node that answers daemonstatus.json: the loopback site server with that file.
    site = tmp_path / "web" / "sites" / "node"
    site.mkdir(parents=True)
    (site / "daemonstatus.json").write_text('{"status": "ok", "running": 0}')
    with serve_sites(tmp_path / "web") as origins:
        result = CliRunner().invoke(main, ["schedule", "--nodes", origins["node"], "--providers", str(registry),
                                           "--feeds", str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert result.output == (f"Error: feed directory {tmp_path / 'missing'} does not exist (it must be shared with "
                             "the nodes)\n")


def test_node_credentials_are_sent_and_never_shown() -> None:
    node = "http://internscope:s%40cret@crawl1:6800/"
    plain, auth = credentials(node)
    assert plain == "http://crawl1:6800/"
    assert auth == "Basic " + base64.b64encode(b"internscope:s@cret").decode()
    assert display(node) == "http://internscope:***@crawl1:6800/"
    assert display(node + "items/internscope/programs/j.jl").endswith("***@crawl1:6800/items/internscope/programs/j.jl")
    assert credentials("http://crawl1:6800/") == ("http://crawl1:6800/", None)
    unreachable = f"http://u:pw@127.0.0.1:{_free_port()}/"
    with pytest.raises(FleetError, match=r"^node http://u:\*\*\*@127\.0\.0\.1:\d+/ unreachable"):
        call(unreachable, "daemonstatus.json")
