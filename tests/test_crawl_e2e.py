"""End-to-end crawls through catalog.crawl.run_crawl of sites served on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from catalog.crawl import CrawlError, run_crawl, validate_start_url
from catalog.siteserver import serve_sites

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = REPO.parent / "shared" / "corpus"
# Loopback crawls need no politeness delay; the pipelines of other layers are left out
# so these tests exercise the crawler alone (a JSON-lines feed collects the page items).
FAST: dict[str, Any] = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "ITEM_PIPELINES": {}}
ITEM_KEYS = {
    "url", "fetched_url", "status", "html", "encoding", "etag",
    "last_modified", "fetched_at", "depth", "site", "not_modified",
}


@dataclass
class Crawl:
    origin: str
    exit_code: int
    reason: str
    stats: dict[str, Any]
    items: list[dict[str, Any]]
    requests: list[dict[str, Any]]  # the site server's request log

    @property
    def urls(self) -> list[str]:
        return [item["url"] for item in self.items]

    def paths_requested(self) -> Counter[str]:
        return Counter(entry["path"] for entry in self.requests)


def crawl_site(
    tmp: Path,
    root: Path,
    site: str,
    *,
    path: str = "/",
    settings: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Crawl:
    feed = tmp / f"{site}-items.jsonl"
    log = tmp / f"{site}-requests.jsonl"
    with serve_sites(root, only=[site], log=log) as origins:
        origin = origins[site]
        result = run_crawl(
            [origin + path],
            str(tmp / "catalog.db"),
            settings={**FAST, "FEEDS": {str(feed): {"format": "jsonlines"}}, **(settings or {})},
            quiet=True,
            **kwargs,
        )
    lines = feed.read_text(encoding="utf-8").splitlines() if feed.exists() else []
    items = [json.loads(line) for line in lines]
    requests = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return Crawl(origin, result.exit_code, result.reason, result.stats, items, requests)


@pytest.fixture(scope="module")
def tinyprov(tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    return crawl_site(tmp_path_factory.mktemp("tinyprov"), FIXTURES, "tinyprov")


@pytest.fixture
def closed_port() -> Iterator[int]:
    # Bound but not listening: connections are refused, and no other process can take
    # the port while the test runs.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


# --- the tinyprov fixture site --------------------------------------------------------------


def test_crawl_finishes(tinyprov: Crawl) -> None:
    assert (tinyprov.exit_code, tinyprov.reason) == (0, "finished")
    assert tinyprov.stats["finish_reason"] == "finished"


def test_emitted_canonical_urls_exactly(tinyprov: Crawl) -> None:
    o = tinyprov.origin
    assert sorted(tinyprov.urls) == sorted(
        [
            f"{o}/",
            f"{o}/programs/medical-elective.html",
            f"{o}/programs/nursing-placement.html",
            f"{o}/programs/dental-elective.html",  # only in sitemap.xml
            f"{o}/blog/",  # linked as blog/ and blog/index.html
            f"{o}/blog/first-week.html",
        ]
    )
    assert len(tinyprov.urls) == len(set(tinyprov.urls)), "a page was emitted twice"


def test_robots_txt_is_fetched_and_obeyed(tinyprov: Crawl) -> None:
    paths = tinyprov.paths_requested()
    assert paths["/robots.txt"] >= 1
    assert not [p for p in paths if p.startswith("/private/")]
    assert tinyprov.stats["robotstxt/forbidden"] >= 1


def test_duplicates_are_requested_once_and_never_emitted(tinyprov: Crawl) -> None:
    paths = tinyprov.paths_requested()
    # ?utm_source=x, #fees and ?ref=footer links, plus the sitemap entry: one request
    assert paths["/programs/medical-elective.html"] == 1
    assert not [p for p in paths if "utm_" in p or "ref=" in p or "#" in p]
    assert paths["/blog/"] == 1 and paths["/blog/index.html"] == 0
    assert paths["/"] == 1 and paths["/index.html"] == 0
    # the print copy is fetched (its rel=canonical is only known then) but not emitted
    assert paths["/programs/nursing-placement-print.html"] == 1
    assert tinyprov.stats["internscope/canonical_redirects"] == 1


def test_non_html_is_skipped(tinyprov: Crawl) -> None:
    paths = tinyprov.paths_requested()
    assert paths["/brochure.pdf"] == 0  # by extension, never requested
    assert paths["/fees.txt"] == 1  # text/plain: requested, dropped by Content-Type
    assert tinyprov.stats["internscope/skipped_non_html"] == 1
    assert tinyprov.stats["internscope/skipped_extension"] >= 1


def test_user_agent_names_the_project(tinyprov: Crawl) -> None:
    agents = {entry["ua"] for entry in tinyprov.requests}
    assert agents == {"internscope/0.1 (+https://github.com/internscope/internscope)"}


def test_items_follow_the_page_item_contract(tinyprov: Crawl) -> None:
    o = tinyprov.origin
    depths = {item["url"].removeprefix(o): item["depth"] for item in tinyprov.items}
    assert depths == {
        "/": 0,
        "/programs/medical-elective.html": 1,
        "/programs/nursing-placement.html": 1,
        "/programs/dental-elective.html": 1,
        "/blog/": 1,
        "/blog/first-week.html": 2,
    }
    for item in tinyprov.items:
        assert set(item) == ITEM_KEYS
        assert item["site"] == o
        assert item["status"] == 200
        assert item["fetched_url"] == item["url"]
        assert item["encoding"] == "utf-8"
        assert item["etag"] and item["last_modified"]
        assert "http://SITE_ROOT" not in item["html"] and "<h1>" in item["html"]
    assert tinyprov.stats["internscope/pages_html"] == 6


# --- limits and failures ------------------------------------------------------------------------


def test_depth_limit(tmp_path: Path) -> None:
    crawl = crawl_site(tmp_path, FIXTURES, "tinyprov", depth=1)
    assert crawl.exit_code == 0
    assert f"{crawl.origin}/blog/first-week.html" not in crawl.urls
    assert f"{crawl.origin}/blog/" in crawl.urls


def test_page_limit(tmp_path: Path) -> None:
    crawl = crawl_site(tmp_path, FIXTURES, "tinyprov", max_pages=2)
    assert crawl.exit_code == 0
    assert len(crawl.urls) == 2 and f"{crawl.origin}/" in crawl.urls
    assert crawl.stats["internscope/page_limit_reached"] >= 1


def test_unreachable_start_url(tmp_path: Path, closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/"
    result = run_crawl([url], str(tmp_path / "catalog.db"), settings=FAST, quiet=True)
    assert result.exit_code != 0
    assert result.reason == f"start URL unreachable: {url}: Connection refused"
    assert result.stats["internscope/start_urls_failed"] == 1


def test_unreachable_start_url_logs_one_line_no_traceback(
    tmp_path: Path, closed_port: int, capfd: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{closed_port}/"
    result = run_crawl([url], str(tmp_path / "catalog.db"), settings=FAST, verbose=True)
    err = capfd.readouterr().err
    assert result.exit_code != 0
    assert f"start URL unreachable: {url}: Connection refused" in err
    assert "Traceback" not in err
    assert "Deprecat" not in err  # no deprecation warnings from our use of Scrapy 2.19


def test_one_unreachable_among_several(tmp_path: Path, closed_port: int) -> None:
    bad = f"http://127.0.0.1:{closed_port}/"
    with serve_sites(FIXTURES, only=["tinyprov"]) as origins:
        result = run_crawl(
            [origins["tinyprov"] + "/", bad], str(tmp_path / "c.db"), settings=FAST, quiet=True
        )
    assert result.exit_code != 0
    assert result.reason == f"start URL unreachable: {bad}: Connection refused"
    assert result.stats["internscope/pages_html"] == 6  # the reachable site was still crawled


def test_crawl_that_does_not_finish(tmp_path: Path) -> None:
    crawl = crawl_site(tmp_path, FIXTURES, "tinyprov", settings={"CLOSESPIDER_PAGECOUNT": 1})
    assert crawl.exit_code != 0
    assert crawl.reason == "crawl did not finish: closespider_pagecount"


def test_worker_failure_is_one_line(tmp_path: Path) -> None:
    with serve_sites(FIXTURES, only=["tinyprov"]) as origins:
        result = run_crawl(
            [origins["tinyprov"] + "/"],
            str(tmp_path / "c.db"),
            settings={**FAST, "ITEM_PIPELINES": {"no_such_module.Pipeline": 100}},
            quiet=True,
        )
    assert result.exit_code != 0
    assert result.reason.startswith("crawl failed: ModuleNotFoundError")
    assert "\n" not in result.reason


@pytest.mark.parametrize(
    "url",
    ["ftp://prov.test/", "prov.test/programs", "localhost:8080", "http://", "http:///path",
     "http://exa mple.test/", "http://[::1/", "http://h.test:99999/", "mailto:a@h.test", "", "   "],
)
def test_bad_url_raises_crawl_error(tmp_path: Path, url: str) -> None:
    with pytest.raises(CrawlError, match=r"^bad URL: ") as info:
        run_crawl([url], str(tmp_path / "c.db"), settings=FAST, quiet=True)
    assert "\n" not in str(info.value)


def test_no_start_url_raises(tmp_path: Path) -> None:
    with pytest.raises(CrawlError):
        run_crawl([], str(tmp_path / "c.db"))


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("HTTP://Prov.Test/Programs?b=2&a=1", "http://prov.test/Programs?a=1&b=2"),
        ("  https://prov.test  ", "https://prov.test/"),
        ("http://127.0.0.1:8001/x", "http://127.0.0.1:8001/x"),
        ("http://b\u00fccher.test/", "http://xn--bcher-kva.test/"),
        ("http://[::1]:8080/", "http://[::1]:8080/"),
    ],
)
def test_validate_start_url_normalises(url: str, normalised: str) -> None:
    assert validate_start_url(url) == normalised


# --- the scrapy command line ----------------------------------------------------------------


def test_scrapy_crawl_from_the_repo_root(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}  # scrapy.cfg decides
    feed = tmp_path / "items.jsonl"
    with serve_sites(FIXTURES, only=["tinyprov"]) as origins:
        origin = origins["tinyprov"]
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "programs",
             "-a", f"start_urls={origin}/", "-a", "depth=1",
             "-s", "ITEM_PIPELINES={}", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=WARNING",
             "-O", f"{feed}:jsonlines"],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
        )
    assert proc.returncode == 0, proc.stderr
    urls = {json.loads(line)["url"] for line in feed.read_text(encoding="utf-8").splitlines()}
    assert f"{origin}/programs/dental-elective.html" in urls
    assert f"{origin}/blog/first-week.html" not in urls  # depth=1 reached DepthMiddleware too
    assert "Deprecat" not in proc.stderr


# --- the labelled corpus (optional) ------------------------------------------------------------


def _fold(path: str) -> str:
    head, _, last = path.rpartition("/")
    return head + "/" if last in ("index.html", "index.htm") else path


@pytest.mark.corpus
@pytest.mark.skipif(not (CORPUS / "sites").is_dir(), reason="needs ../shared/corpus")
@pytest.mark.parametrize(
    "site", sorted(p.name for p in (CORPUS / "sites").iterdir()) if (CORPUS / "sites").is_dir() else []
)
def test_corpus_site_pages_are_found_once(tmp_path: Path, site: str) -> None:
    gold = json.loads((CORPUS / "gold" / f"{site}.json").read_text(encoding="utf-8"))
    crawl = crawl_site(tmp_path, CORPUS, site)
    assert crawl.exit_code == 0, crawl.reason
    expected = {
        _fold(page["path"])
        for page in gold["pages"]
        if not page.get("duplicate_of") and not page.get("robots_disallowed")
    }
    found = [url.removeprefix(crawl.origin) for url in crawl.urls]
    assert sorted(found) == sorted(expected)
