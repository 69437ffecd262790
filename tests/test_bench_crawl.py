"""The crawl benchmark (bench/crawl.py) on a small generated site, so the benchmark does not rot: the generator
writes a connected, deterministic site; a bare and a full crawl each fetch all of it; the full one stores every
program; the report's figures come from the runs. (The recrawl's bytes are measured by the incremental crawl's
own tests; one more crawl here would double this file's time.)"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bench.crawl import TARGET_RECRAWL_BYTES, CrawlRun, cpu_ceilings, crawl_once, report, serve
from bench.sitegen import GeneratedSite, generate_site

PAGES = 60


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSite:
    return generate_site(tmp_path_factory.mktemp("bench-site"), PAGES, seed=3)


@pytest.fixture(scope="module")
def runs(site: GeneratedSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, CrawlRun]:
    """One bare and one full crawl, as the benchmark runs them."""
    work = tmp_path_factory.mktemp("bench-crawls")
    with serve(site) as url:
        return {"bare": crawl_once(url, work / "bare.db", "bare"), "full": crawl_once(url, work / "full.db", "full")}


def test_generated_site_is_connected_and_deterministic(site: GeneratedSite, tmp_path: Path) -> None:
    assert len(site.pages) == PAGES
    kinds = site.summary()["kinds"]
    assert kinds["program"] > PAGES / 2 and kinds["home"] == 1
    assert {"listing", "blog", "faq", "info"} <= set(kinds)
    depths = site.depths()
    assert len(depths) == PAGES, "every page is reachable from the home page by links"
    assert max(depths.values()) <= 4
    files = sorted(p.relative_to(site.site_dir) for p in site.site_dir.rglob("*") if p.is_file())
    assert Path("sitemap.xml") in files and Path("robots.txt") in files
    again = generate_site(tmp_path, PAGES, seed=3)
    for path in files:
        assert (again.site_dir / path).read_bytes() == (site.site_dir / path).read_bytes(), path


def test_program_pages_weigh_like_production_pages() -> None:
    # In memory: enough pages for most of the destinations menu, which with the footer and related cards is
    # what makes a program page weigh 50-70 KB on the 5,000-page site.
    plan = generate_site("unused", 800, seed=1, write=False)
    sizes = sorted(plan.sizes[p] for p in plan.programs)
    assert 40_000 <= sizes[len(sizes) // 2] <= 70_000
    links = sorted(len(plan.links[p]) for p in plan.pages)
    assert links[len(links) // 2] >= 30
    assert plan.summary()["max_urls_per_shape"] < 100  # under the crawler's trap guard (scrapers.traps)


def test_bare_and_full_crawls_fetch_the_whole_site(site: GeneratedSite, runs: dict[str, CrawlRun]) -> None:
    for run in runs.values():
        assert run.stats["finish_reason"] == "finished", run.reason
        assert run.pages == PAGES, run.mode
        assert run.seconds > 0 and run.pages_per_s > 0 and run.cpu_s > 0
        assert 50 < run.peak_mb <= run.peak_rss_sum_mb < 2000
        assert run.largest_rss_mb <= run.peak_rss_sum_mb
    bare, full = runs["bare"], runs["full"]
    assert bare.programs is None  # no store pipeline
    assert full.programs == len(site.programs)
    assert full.response_bytes > site.bytes_html * 0.9


def test_report_figures_come_from_the_runs(site: GeneratedSite, runs: dict[str, CrawlRun]) -> None:
    bare, full = runs["bare"], runs["full"]
    # A recrawl answered with 304s, as bench/crawl.py's last run is.
    again = dataclasses.replace(full, mode="recrawl", response_bytes=full.response_bytes // 50, peak_mb=1.0)
    result = report(site, [bare, full, again])
    assert result["problems"] == []
    assert result["ratio"] == pytest.approx(full.pages_per_s / bare.pages_per_s, abs=1e-3)
    assert result["peak_mb"] == pytest.approx(max(bare.peak_mb, full.peak_mb), abs=0.1)
    assert result["recrawl_share"] == pytest.approx(0.02, abs=1e-3)
    assert result["recrawl_share"] <= TARGET_RECRAWL_BYTES
    assert result["recrawl_ok"] is True
    assert result["ok"] == (result["ratio_ok"] and result["peak_ok"])
    # A crawl that missed a page is a problem, whatever its speed.
    short = dataclasses.replace(bare, pages=PAGES - 1)
    missed = report(site, [short, full])
    assert missed["ok"] is False and any("59 pages" in p for p in missed["problems"])


def _run(crawl_ms: float, worker_ms: float, server_ms: float, pages: int = 1000) -> CrawlRun:
    """A run with the given CPU per page (only the CPU fields matter to cpu_ceilings)."""
    return CrawlRun(mode="full", pages=pages, seconds=10.0, wall_seconds=11.0, peak_mb=100.0, peak_rss_sum_mb=100.0,
                    largest_rss_mb=90.0, cpu_s=(crawl_ms + worker_ms) * pages / 1000,
                    crawl_cpu_s=crawl_ms * pages / 1000, response_bytes=1, requests=1, not_modified=0, exit_code=0,
                    reason="finished", server_cpu_s=server_ms * pages / 1000)


@pytest.mark.parametrize(
    ("crawl_ms", "worker_ms", "server_ms", "cores", "one_core", "all_cores"),
    [
        # 8 ms a page on the crawl process's core is 125 pages/s; the 2 cores could do 2000 / 13 ms.
        (8.0, 4.0, 1.0, 2, 125.0, 2000 / 13),
        # All the processes together bind: 2000 / (5 + 8 + 2) ms against 200 on one core.
        (5.0, 8.0, 2.0, 2, 200.0, 2000 / 15),
        # One core: everything shares it.
        (5.0, 0.0, 1.0, 1, 200.0, 1000 / 6),
        # More cores lift only the all-process ceiling.
        (8.0, 4.0, 1.0, 4, 125.0, 4000 / 13),
    ],
)
def test_cpu_ceilings(crawl_ms: float, worker_ms: float, server_ms: float, cores: int, one_core: float,
                      all_cores: float) -> None:
    got = cpu_ceilings(_run(crawl_ms, worker_ms, server_ms), cores)
    assert got == pytest.approx((one_core, all_cores), rel=1e-6)


def test_report_cpu_budget_comes_from_the_runs(site: GeneratedSite, runs: dict[str, CrawlRun]) -> None:
    bare, full = runs["bare"], runs["full"]
    assert bare.server_cpu_s > 0 and full.server_cpu_s > 0  # the site server answered every request
    cpu = report(site, [bare, full])["cpu"]
    assert cpu["full_crawl_ms"] == pytest.approx(full.crawl_cpu_ms_per_page, abs=0.01)
    assert cpu["bare_server_ms"] == pytest.approx(bare.server_cpu_ms_per_page, abs=0.01)
    one_core, all_cores = cpu_ceilings(full, cpu["cores"])
    assert cpu["full_one_core_pages_per_s"] == pytest.approx(one_core, abs=0.1)
    assert cpu["full_all_cores_pages_per_s"] == pytest.approx(all_cores, abs=0.1)
    assert cpu["ratio_ceiling"] == pytest.approx(min(one_core, all_cores) / bare.pages_per_s, abs=1e-3)
