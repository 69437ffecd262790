"""Crawl benchmark: a generated 5,000-page provider site on loopback, crawled bare and with the full pipelines.

The site comes from bench/sitegen.py (deterministic; program pages of 50-70 KB with ~180 links each) and is served
by catalog.siteserver from this process. Each crawl is an ordinary catalog crawl through catalog.crawl.run_crawl,
with the project's settings (same spider, same concurrency: CONCURRENT_REQUESTS_PER_DOMAIN 4, HTTP cache and
JOBDIR on as for `internscope crawl`), except AutoThrottle and download delays, which only measure politeness on
a loopback server, and the page budget (off: the site is larger than the default 500 pages).

* bare: ITEM_PIPELINES = {} - what fetching, parsing links and scheduling cost on their own;
* full: the default pipelines (extract 300, validate 400, catalog store 800) into a fresh catalog.

Bare and full alternate run by run (bare first, then full first, ...) so both see the same machine state; the
ratio of each pair's pages/s is comparable across machines. Pages/s counts the HTML pages handed to the item
pipelines over Scrapy's own elapsed time (engine start to spider close; the worker's start-up is left out, and
reported as wall time). Each crawl runs under a small intermediate process, which reads its CPU time
(getrusage(RUSAGE_CHILDREN): the crawl worker and any extraction workers) and samples its memory: the peak of
the crawl's processes' summed PSS is its memory figure (ru_maxrss, the largest single process, is shown too).
CPU per page is printed beside pages/s because, unlike pages/s, other load on the machine hardly moves it.
The site server runs in this process; its CPU during each crawl is measured too, since it shares the cores.
From the CPU per page the report also works out the full crawl's CPU ceilings (cpu_ceilings): the pages/s its
crawl process allows on one core, or all its processes on every core, whichever is lower, and that ceiling
against the bare crawl's pages/s - the ratio this machine allows at best, apart from run-to-run noise.

Last, the catalog of the last full run is crawled again, the site unchanged: the incremental crawl asks each
page with If-None-Match / If-Modified-Since and should get 304s, so its downloaded bytes (Scrapy's
downloader/response_bytes, counted on the network side of the HTTP cache) are compared with the first crawl's.

Targets: full >= 0.70 x bare pages/s (median of the pairs), peak memory < 400 MB in every crawl, recrawl bytes
<= 10% of the first crawl's. Exits non-zero when one is missed or a crawl did not fetch the whole site.

    python -m bench.crawl [--pages 5000] [--pairs 2] [--seed 1] [--dir DIR] [--extract-processes N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.sitegen import GeneratedSite, generate_site

TARGET_RATIO = 0.70
TARGET_PEAK_MB = 400.0
TARGET_RECRAWL_BYTES = 0.10

# The same for every run: only the pipelines differ between bare and full.
COMMON_SETTINGS: dict[str, Any] = {
    # Politeness is pointless against our own loopback server and would measure sleep, not work.
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "LOG_LEVEL": "WARNING",
}
BARE_SETTINGS: dict[str, Any] = {"ITEM_PIPELINES": {}}
MODES = ("bare", "full", "recrawl")


@dataclass
class CrawlRun:
    """One measured crawl."""

    mode: str  # bare, full or recrawl
    pages: int  # HTML pages handed to the item pipelines (item_scraped_count)
    seconds: float  # Scrapy's elapsed_time_seconds: engine start to spider close
    wall_seconds: float  # run_crawl as a whole, worker start-up and shutdown included
    peak_mb: float  # the crawl's memory: peak of its processes' summed PSS (sampled every 0.5 s)
    peak_rss_sum_mb: float  # the same with RSS: shared pages counted once per process
    largest_rss_mb: float  # ru_maxrss: the largest single process (the crawl worker, or one of its workers)
    cpu_s: float  # CPU time of the crawl worker and its extraction workers
    crawl_cpu_s: float  # CPU time of the crawl worker alone (sampled; the rest is its workers')
    response_bytes: int  # downloader/response_bytes: what came over the network
    requests: int
    not_modified: int  # 304 answers (the incremental recrawl)
    exit_code: int
    reason: str
    programs: int | None = None  # active programs in the catalog afterwards (full and recrawl)
    # CPU time of this process while the crawl ran: the site server's threads. The server shares the machine's
    # cores with the crawl, which a real provider's server does not.
    server_cpu_s: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        """CPU per page (all of the crawl's processes): unlike pages/s, hardly moved by other load on the machine."""
        return 1000 * self.cpu_s / self.pages if self.pages else 0.0

    @property
    def crawl_cpu_ms_per_page(self) -> float:
        return 1000 * self.crawl_cpu_s / self.pages if self.pages else 0.0

    @property
    def worker_cpu_ms_per_page(self) -> float:
        """The extraction workers' share of cpu_ms_per_page. crawl_cpu_s is sampled every 0.5 s, so the crawl
        process's last moments (closing the spider) count here: up to ~0.1 ms a page in a 5,000-page crawl."""
        return max(0.0, self.cpu_ms_per_page - self.crawl_cpu_ms_per_page)

    @property
    def server_cpu_ms_per_page(self) -> float:
        return 1000 * self.server_cpu_s / self.pages if self.pages else 0.0


def cpu_ceilings(run: CrawlRun, cores: int) -> tuple[float, float]:
    """The pages/s a crawl's CPU per page allows on `cores` cores: (one core for the crawl process, which runs
    Scrapy's reactor, the spider and every pipeline but extraction; every core for all the processes together:
    crawl, extraction workers, site server). The lower one binds. CPU per page includes start-up, so both are
    slight underestimates; a crawl reaching ~90% of the lower one is CPU-bound."""
    one_core = 1000 / run.crawl_cpu_ms_per_page if run.crawl_cpu_ms_per_page > 0 else 0.0
    total = run.cpu_ms_per_page + run.server_cpu_ms_per_page
    return one_core, cores * 1000 / total if total > 0 else 0.0


@contextmanager
def serve(site: GeneratedSite) -> Iterator[str]:
    """Serve the generated site on a loopback port; yield its start URL."""
    from catalog.siteserver import serve_sites

    with serve_sites(site.root, only=[site.name]) as origins:
        yield origins[site.name] + "/"


class _TreeSampler(threading.Thread):
    """Samples the memory of this process's descendants (the crawl worker and any extraction workers it starts)
    every `interval` seconds. The peak of their summed PSS (proportional set size: a page shared by two
    processes counts half in each) is the crawl's memory; ru_maxrss, the largest single process, understates it
    once extraction runs in worker processes, and summed RSS counts shared library pages once per process.
    It also keeps the CPU time of the crawl worker itself, to tell its share of the crawl's CPU from its
    workers'."""

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_pss_kb = 0
        self.peak_rss_kb = 0
        self.worker_cpu_s = 0.0
        self._stop_event = threading.Event()
        self._ticks = os.sysconf("SC_CLK_TCK")

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def sample(self) -> None:
        parents: dict[int, int] = {}
        cpu: dict[int, float] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue  # the process ended between listing and reading
            fields = stat[stat.rindex(")") + 2:].split()  # the command name may hold spaces and parentheses
            parents[int(entry.name)] = int(fields[1])
            cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / self._ticks
        me = os.getpid()
        tree, frontier = [], [me]
        while frontier:
            parent = frontier.pop()
            children = [pid for pid, ppid in parents.items() if ppid == parent]
            tree += children
            frontier += children
        pss = rss = 0
        for pid in tree:
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
            except (OSError, IndexError, ValueError):
                continue
        self.peak_pss_kb = max(self.peak_pss_kb, pss)
        self.peak_rss_kb = max(self.peak_rss_kb, rss)
        direct = [pid for pid in tree if parents.get(pid) == me]
        if direct:  # run_crawl's worker is this process's only child
            self.worker_cpu_s = max(self.worker_cpu_s, cpu.get(direct[0], 0.0))


def _child_main(job_path: str) -> int:
    """Intermediate process of one measured crawl: its only child is the crawl worker, so RUSAGE_CHILDREN here
    covers that crawl alone (in the benchmark's own process it would add up every crawl so far)."""
    from catalog.crawl import run_crawl

    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    sampler = _TreeSampler()
    sampler.start()
    t0 = time.perf_counter()
    try:
        result = run_crawl([job["url"]], job["db"], max_pages=0, settings=job["settings"], quiet=True)
    finally:
        sampler.stop()
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the crawl worker and its extraction workers
    out = {"exit_code": result.exit_code, "reason": result.reason, "stats": result.stats, "wall": wall,
           "maxrss_kb": usage.ru_maxrss,  # kilobytes on Linux: the largest single process
           "tree_pss_kb": sampler.peak_pss_kb, "tree_rss_kb": sampler.peak_rss_kb,
           "cpu_s": usage.ru_utime + usage.ru_stime, "worker_cpu_s": sampler.worker_cpu_s}
    Path(job["out"]).write_text(json.dumps(out, default=str), encoding="utf-8")
    return 0


def _active_programs(db: Path) -> int | None:
    if not db.exists():
        return None
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM programs WHERE status = 'active'").fetchone()[0])
    finally:
        conn.close()


def crawl_once(url: str, db: Path, mode: str, extra: dict[str, Any] | None = None) -> CrawlRun:
    """Crawl `url` into the catalog `db` in a fresh worker; `mode` bare (no pipelines), full or recrawl (full,
    into a catalog and HTTP cache an earlier full crawl filled). `extra` settings go on top (experiments)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    settings = {**COMMON_SETTINGS, **(BARE_SETTINGS if mode == "bare" else {}), **(extra or {})}
    with tempfile.TemporaryDirectory(prefix="bench-crawl-job-") as tmp:
        job_path, out_path = Path(tmp, "job.json"), Path(tmp, "out.json")
        job_path.write_text(json.dumps({"url": url, "db": str(db), "settings": settings, "out": str(out_path)}),
                            encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")) if p)}
        server_cpu = _own_cpu_s()
        subprocess.run([sys.executable, "-m", "bench.crawl", "--child", str(job_path)], env=env, check=True,
                       stdin=subprocess.DEVNULL)
        server_cpu = _own_cpu_s() - server_cpu
        out = json.loads(out_path.read_text(encoding="utf-8"))
    stats = out["stats"]
    return CrawlRun(
        mode=mode,
        pages=int(stats.get("item_scraped_count", 0)),
        seconds=float(stats.get("elapsed_time_seconds", 0.0)),
        wall_seconds=float(out["wall"]),
        # At least the largest process: a crawl shorter than one sampling interval is never sampled.
        peak_mb=max(out["tree_pss_kb"], out["maxrss_kb"]) / 1024,
        peak_rss_sum_mb=max(out["tree_rss_kb"], out["maxrss_kb"]) / 1024,
        largest_rss_mb=out["maxrss_kb"] / 1024,
        cpu_s=float(out["cpu_s"]),
        crawl_cpu_s=float(out["worker_cpu_s"]),
        response_bytes=int(stats.get("downloader/response_bytes", 0)),
        requests=int(stats.get("downloader/request_count", 0)),
        not_modified=int(stats.get("downloader/response_status_count/304", 0)),
        exit_code=int(out["exit_code"]),
        reason=str(out["reason"]),
        programs=_active_programs(db) if mode != "bare" else None,
        server_cpu_s=server_cpu,
        stats=stats,
    )


def _own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_bench(pages: int = 5000, pairs: int = 2, seed: int = 1, workdir: Path | None = None,
              recrawl: bool = True, extra: dict[str, Any] | None = None,
              log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Generate the site, crawl it `pairs` times bare and full (order alternating), then recrawl the last full
    catalog; `extra` settings apply to every crawl. Returns the report: the site's summary, every run, and the
    figures against their targets."""
    say = log or (lambda _msg: None)
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        base = workdir or Path(tmp)
        t0 = time.perf_counter()
        site = generate_site(base / "site", pages, seed)
        say(f"generated {len(site.pages)} pages ({site.bytes_html / 1e6:.0f} MB of HTML, "
            f"{len(site.programs)} programs) in {time.perf_counter() - t0:.1f} s")
        runs: list[CrawlRun] = []
        with serve(site) as url:
            last_full: Path | None = None
            for pair in range(pairs):
                order = ("bare", "full") if pair % 2 == 0 else ("full", "bare")
                for mode in order:
                    db = base / f"{mode}-{pair}.db"
                    run = crawl_once(url, db, mode, extra)
                    runs.append(run)
                    if mode == "full":
                        last_full = db
                    say(f"pair {pair + 1} {mode:<5} {run.pages} pages in {run.seconds:.1f} s: "
                        f"{run.pages_per_s:.1f} pages/s, peak {run.peak_mb:.0f} MB ({run.reason})")
            if recrawl and last_full is not None:
                run = crawl_once(url, last_full, "recrawl", extra)
                runs.append(run)
                say(f"recrawl {run.pages} pages in {run.seconds:.1f} s, {run.not_modified} answered 304 "
                    f"({run.reason})")
        return report(site, runs)


def report(site: GeneratedSite, runs: list[CrawlRun]) -> dict[str, Any]:
    """The figures and verdicts of a set of runs (pairs in order, then at most one recrawl)."""
    bare = [r for r in runs if r.mode == "bare"]
    full = [r for r in runs if r.mode == "full"]
    recrawls = [r for r in runs if r.mode == "recrawl"]
    ratios = [f.pages_per_s / b.pages_per_s for b, f in zip(bare, full, strict=False) if b.pages_per_s > 0]
    ratio = statistics.median(ratios) if ratios else 0.0
    peak = max((r.peak_mb for r in runs), default=0.0)
    problems = []
    for r in runs:
        if r.pages != len(site.pages):
            problems.append(f"{r.mode} crawl handed {r.pages} pages to the pipelines, the site has {len(site.pages)}")
        if r.stats.get("finish_reason") != "finished":
            problems.append(f"{r.mode} crawl: {r.reason}")
        if r.mode != "bare" and r.programs != len(site.programs):
            problems.append(f"{r.mode} crawl left {r.programs} active programs, the site has {len(site.programs)}")
    result: dict[str, Any] = {
        "site": site.summary(),
        "runs": [{k: v for k, v in asdict(r).items() if k != "stats"}
                 | {"pages_per_s": round(r.pages_per_s, 1), "cpu_ms_per_page": round(r.cpu_ms_per_page, 2),
                    "crawl_cpu_ms_per_page": round(r.crawl_cpu_ms_per_page, 2),
                    "worker_cpu_ms_per_page": round(r.worker_cpu_ms_per_page, 2),
                    "server_cpu_ms_per_page": round(r.server_cpu_ms_per_page, 2)}
                 for r in runs],
        "bare_pages_per_s": round(statistics.median(r.pages_per_s for r in bare), 1) if bare else None,
        "full_pages_per_s": round(statistics.median(r.pages_per_s for r in full), 1) if full else None,
        "ratios": [round(x, 3) for x in ratios],
        "ratio": round(ratio, 3),
        "ratio_ok": bool(ratios) and ratio >= TARGET_RATIO,
        "peak_mb": round(peak, 1),
        "peak_ok": peak < TARGET_PEAK_MB,
        "problems": problems,
    }
    if bare and full:
        result["cpu"] = _cpu_budget(bare, full, os.cpu_count() or 1)
    if recrawls and full:
        first, again = full[-1], recrawls[-1]
        share = again.response_bytes / first.response_bytes if first.response_bytes else 1.0
        result.update({"first_bytes": first.response_bytes, "recrawl_bytes": again.response_bytes,
                       "recrawl_share": round(share, 4), "recrawl_ok": share <= TARGET_RECRAWL_BYTES})
    result["ok"] = (result["ratio_ok"] and result["peak_ok"] and not problems
                    and result.get("recrawl_ok", True))
    return result


def _cpu_budget(bare: list[CrawlRun], full: list[CrawlRun], cores: int) -> dict[str, Any]:
    """Where the crawls' CPU goes (medians, ms per page) and the full crawl's CPU ceilings against the bare
    crawl's pages/s: the ratio this machine allows at best, whatever the noise of a single run."""
    def med(runs: list[CrawlRun], value: Callable[[CrawlRun], float]) -> float:
        return round(statistics.median(value(r) for r in runs), 2)

    ceilings = [cpu_ceilings(r, cores) for r in full]
    one_core = statistics.median(c[0] for c in ceilings)
    all_cores = statistics.median(c[1] for c in ceilings)
    bare_rate = statistics.median(r.pages_per_s for r in bare)
    return {
        "cores": cores,
        "bare_crawl_ms": med(bare, lambda r: r.crawl_cpu_ms_per_page),
        "bare_server_ms": med(bare, lambda r: r.server_cpu_ms_per_page),
        "full_crawl_ms": med(full, lambda r: r.crawl_cpu_ms_per_page),
        "full_workers_ms": med(full, lambda r: r.worker_cpu_ms_per_page),
        "full_server_ms": med(full, lambda r: r.server_cpu_ms_per_page),
        "full_one_core_pages_per_s": round(one_core, 1),
        "full_all_cores_pages_per_s": round(all_cores, 1),
        "ratio_ceiling": round(min(one_core, all_cores) / bare_rate, 3) if bare_rate > 0 else 0.0,
    }


def _print(result: dict[str, Any]) -> None:
    s = result["site"]
    print(f"site: {s['pages']} pages ({s['kinds'].get('program', 0)} programs, {s['mb_html']} MB of HTML, "
          f"{s['links_per_page_min']}-{s['links_per_page_max']} distinct links per page)")
    print(f"{'run':<9}{'pages':>7}{'seconds':>9}{'pages/s':>9}{'wall s':>8}{'CPU ms/p':>10}{'crawl ms/p':>11}"
          f"{'PSS MB':>9}{'RSS sum':>9}{'largest':>9}{'MB down':>9}{'304s':>7}{'programs':>10}")
    for r in result["runs"]:
        print(f"{r['mode']:<9}{r['pages']:>7}{r['seconds']:>9.1f}{r['pages_per_s']:>9.1f}{r['wall_seconds']:>8.1f}"
              f"{r['cpu_ms_per_page']:>10.1f}{r['crawl_cpu_ms_per_page']:>11.1f}{r['peak_mb']:>9.0f}"
              f"{r['peak_rss_sum_mb']:>9.0f}"
              f"{r['largest_rss_mb']:>9.0f}{r['response_bytes'] / 1e6:>9.1f}{r['not_modified']:>7}"
              f"{'' if r['programs'] is None else r['programs']:>10}")

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    print(f"full / bare pages/s: {result['ratio']:.3f} (pairs: {', '.join(f'{x:.3f}' for x in result['ratios'])};"
          f" medians {result['full_pages_per_s']} / {result['bare_pages_per_s']}); target >= {TARGET_RATIO:g}: "
          f"{verdict(result['ratio_ok'])}")
    if "cpu" in result:
        c = result["cpu"]
        print(f"CPU per page (medians, start-up included): bare: crawl process {c['bare_crawl_ms']:.1f}, site server "
              f"{c['bare_server_ms']:.1f}; full: crawl process {c['full_crawl_ms']:.1f} "
              f"({c['full_crawl_ms'] - c['bare_crawl_ms']:+.1f} for the pipelines), extraction workers "
              f"{c['full_workers_ms']:.1f}, site server {c['full_server_ms']:.1f} ms")
        print(f"full crawl's CPU ceilings: {c['full_one_core_pages_per_s']:.0f} pages/s for its crawl process on one "
              f"core, {c['full_all_cores_pages_per_s']:.0f} for all its processes on this machine's {c['cores']} "
              f"cores; the lower is {c['ratio_ceiling']:.3f} of the bare crawl's pages/s")
    print(f"peak memory of a crawl (PSS of its processes, summed): {result['peak_mb']:.0f} MB; "
          f"target < {TARGET_PEAK_MB:g} MB: "
          f"{verdict(result['peak_ok'])}")
    if "recrawl_share" in result:
        print(f"recrawl of the unchanged site: {result['recrawl_bytes']:,} of {result['first_bytes']:,} bytes "
              f"({result['recrawl_share']:.1%}); target <= {TARGET_RECRAWL_BYTES:.0%}: "
              f"{verdict(result['recrawl_ok'])}")
    for problem in result["problems"]:
        print(f"problem: {problem}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--pairs", type=int, default=2, help="bare/full pairs, order alternating (default 2)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", type=Path, default=None, help="keep the site and catalogs here instead of a temp dir")
    ap.add_argument("--no-recrawl", action="store_true")
    # 1 by default: the benchmark measures the configuration for fast crawls (scrapers/settings.py keeps it off
    # for polite ones); --extract-processes 0 measures extraction in the crawl process.
    ap.add_argument("--extract-processes", type=int, default=1,
                    help="INTERNSCOPE_EXTRACT_PROCESSES for the crawls (default 1)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)  # internal: one measured crawl (see _child_main)
    args = ap.parse_args(argv)
    if args.child:
        return _child_main(args.child)
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
    extra = {"INTERNSCOPE_EXTRACT_PROCESSES": args.extract_processes}
    result = run_bench(args.pages, args.pairs, args.seed, args.dir, recrawl=not args.no_recrawl, extra=extra,
                       log=None if args.json else lambda msg: print(msg, file=sys.stderr, flush=True))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print(result)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
