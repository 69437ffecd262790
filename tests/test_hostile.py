"""The crawler against a hostile provider site (tests/hostile/): SSRF through links and redirects,
redirect loops and chains, crawler traps, oversized pages and compression bombs, slow and hung
servers, 500s and 429s, content that is not HTML or not well-formed, and robots.txt files that
disallow everything, are malformed or fail (RFC 9309).

Two real crawls through catalog.crawl.run_crawl (module fixtures, a few seconds each) are read by
one test per case; the guards themselves are also tested directly, without a network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hostile.server import HostileServer
from hostile.site import GOOD, ROBOTS_CASES, SCHEME_TARGETS, TIMEOUT_S, HostileSite, robots_site
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

import scrapers.safety as safety
from catalog.crawl import run_crawl
from scrapers import settings as project_settings
from scrapers.safety import (
    RedirectGuardMiddleware,
    RequestGuardMiddleware,
    RetryAfterMiddleware,
    is_public_address,
    parse_retry_after,
    related_hosts,
)
from scrapers.spiders.base import META_IS_START, META_START
from scrapers.spiders.programs import ProgramsSpider
from scrapers.traps import MAX_URL_LENGTH, TrapGuard, url_shape

# Loopback crawls: no politeness delay, and enough concurrency that the three stalled routes do
# not hold every slot of the site while they time out. Retries and sizes stay the project's own.
CRAWL_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_TIMEOUT": TIMEOUT_S,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}
RETRY_TIMES = project_settings.RETRY_TIMES
MAX_PER_PATTERN = project_settings.INTERNSCOPE_MAX_PAGES_PER_PATTERN


@dataclass
class Crawl:
    exit_code: int
    reason: str
    stats: dict[str, Any]
    log: list[dict[str, Any]]
    db: Path
    seconds: float

    def stat(self, key: str) -> Any:
        return self.stats.get("internscope/" + key, 0)

    def messages(self, level: str | None = None) -> list[str]:
        return [str(r.get("message", "")) for r in self.log if level is None or r.get("level") == level]

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()

    def programs(self) -> set[str]:
        return {url for (url,) in self.query("SELECT url FROM programs")}

    def pages(self) -> dict[str, str]:
        return dict(self.query("SELECT url, kind FROM pages"))


def _crawl(tmp: Path, start_urls: list[str], **kwargs: Any) -> Crawl:
    log = tmp / "crawl.jsonl"
    began = time.monotonic()
    result = run_crawl(start_urls, str(tmp / "catalog.db"), settings=CRAWL_SETTINGS, quiet=True, log_file=log,
                       **kwargs)
    seconds = time.monotonic() - began
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    return Crawl(result.exit_code, result.reason, result.stats, records, tmp / "catalog.db", seconds)


@dataclass
class HostileCrawl:
    site: HostileSite
    crawl: Crawl

    def url(self, path: str) -> str:
        return self.site.main.url(path)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileCrawl]:
    site = HostileSite()
    with site:
        origin = site.origin
        # The provider's allowed hosts name 127.0.0.2 and localhost: the spider follows links to them,
        # so they reach the SSRF guard's address check (the other targets are off the site).
        providers = {origin + "/": {"allowed_hosts": [site.main.netloc, "127.0.0.2", "localhost"]}}
        crawl = _crawl(tmp_path_factory.mktemp("hostile"), [origin + "/"], providers=providers)
    yield HostileCrawl(site, crawl)


@dataclass
class RobotsCrawl:
    sites: dict[str, HostileServer]
    other_host: HostileServer
    crawl: Crawl


@pytest.fixture(scope="module")
def robots(tmp_path_factory: pytest.TempPathFactory) -> RobotsCrawl:
    other = HostileServer("127.0.0.2", "robots-other-host")
    sites = {kind: robots_site(kind, other) for kind in ROBOTS_CASES}
    servers = [other, *sites.values()]
    for server in servers:
        server.start()
    try:
        crawl = _crawl(tmp_path_factory.mktemp("robots"), [s.origin + "/" for s in sites.values()])
    finally:
        for server in servers:
            server.stop()
    return RobotsCrawl(sites, other, crawl)


# --- the whole site --------------------------------------------------------------------------------


@pytest.mark.e2e
def test_whole_hostile_site_crawl_finishes(hostile: HostileCrawl) -> None:
    crawl = hostile.crawl
    assert (crawl.exit_code, crawl.reason) == (0, "finished")
    assert crawl.stats["finish_reason"] == "finished"
    # Bounded by the stalled routes: RETRY_TIMES + 1 timeouts in a row, plus one Retry-After wait.
    assert crawl.stats["elapsed_time_seconds"] < (RETRY_TIMES + 1) * TIMEOUT_S + 20


@pytest.mark.e2e
@pytest.mark.parametrize("path", list(GOOD))
def test_every_good_page_is_cataloged(hostile: HostileCrawl, path: str) -> None:
    assert hostile.url(path) in hostile.crawl.programs(), GOOD[path]


@pytest.mark.e2e
def test_nothing_but_the_good_pages_of_the_provider_is_a_program_from_elsewhere(hostile: HostileCrawl) -> None:
    # The forbidden servers serve a program page on every path: none may be in the catalog.
    assert all(url.startswith(hostile.site.origin + "/") for url in hostile.crawl.programs())


@pytest.mark.e2e
def test_no_request_reached_a_forbidden_target(hostile: HostileCrawl) -> None:
    site = hostile.site
    assert {s.name: s.hits for s in site.forbidden} == {s.name: [] for s in site.forbidden}
    # localhost:PORT and 0.0.0.0:PORT would reach the main server under another Host header
    assert site.main.foreign_hits() == []


def _refusals(crawl: Crawl) -> dict[str, str]:
    """URL -> why, from the guard's "Refused URL: why" log lines."""
    found = {}
    for message in crawl.messages():
        if message.startswith("Refused "):
            url, _, why = message.removeprefix("Refused ").partition(": ")
            found[url] = why
    return found


# target name -> the guard's reason: off the site, or on it (an allowed host) but private
OFFSITE_REASONS = {
    "metadata": "is not on the provider's site",
    "private-10": "is not on the provider's site",
    "private-192": "is not on the provider's site",
    "unspecified": "is not on the provider's site",
    "decimal-ip": "is not on the provider's site",
    "invalid-name": "is not on the provider's site",
    "other-port": "is not on the provider's site",
    "ipv6": "is not on the provider's site",
    "other-host": "is a private, loopback or reserved address",
    "localhost": "is a private, loopback or reserved address",
}


@pytest.mark.e2e
@pytest.mark.parametrize("name", list(OFFSITE_REASONS))
def test_redirect_off_the_site_or_to_a_private_address_is_refused(hostile: HostileCrawl, name: str) -> None:
    targets = hostile.site.offsite_targets()
    if name not in targets:
        pytest.skip("no IPv6 loopback on this machine")
    # The redirect itself was answered (once) and the request RedirectMiddleware made from it went
    # through the guard again, which refused it.
    assert hostile.site.main.count(f"/redirect/to/{name}") == 1
    refusals = _refusals(hostile.crawl)
    assert OFFSITE_REASONS[name] in refusals.get(targets[name], ""), refusals


@pytest.mark.e2e
def test_links_to_private_allowed_hosts_are_refused_too(hostile: HostileCrawl) -> None:
    refusals = _refusals(hostile.crawl)
    # linked from the home page, the robots.txt and sitemap.xml (127.0.0.2 is an allowed host)
    for url in (f"http://{hostile.site.other_host.netloc}/proto-relative",
                hostile.site.other_host.url("/sitemap.xml"), hostile.site.other_host.url("/from-sitemap")):
        assert "private" in refusals.get(url, ""), url
    assert hostile.crawl.stat("refused_private_address") >= 5
    # links to hosts that are not on the site are dropped by the spider before any request
    assert hostile.crawl.stat("links_offsite") >= 6


@pytest.mark.e2e
@pytest.mark.parametrize("name", [*SCHEME_TARGETS, "malformed"])
def test_redirect_to_a_non_http_or_malformed_url_is_refused(hostile: HostileCrawl, name: str) -> None:
    url = hostile.url(f"/redirect/to/{name}")
    assert hostile.site.main.count(f"/redirect/to/{name}") == 1
    why = _refusals(hostile.crawl).get(url, "")
    assert ("malformed" if name == "malformed" else "non-http(s)") in why
    assert hostile.crawl.stat("refused_scheme") == len(SCHEME_TARGETS)
    assert hostile.crawl.stat("refused_bad_redirect") == 1
    # a refused redirect is no page error: it does not make the site incomplete
    assert not any(url in str(v) for v in (hostile.crawl.stat("incomplete_sites") or {}).values())


@pytest.mark.e2e
def test_redirect_loops_end(hostile: HostileCrawl) -> None:
    main = hostile.site.main
    # a -> b -> a: the second request for a is a duplicate the scheduler drops; a -> a likewise
    assert (main.count("/redirect/loop-a"), main.count("/redirect/loop-b")) == (1, 1)
    assert main.count("/redirect/self") == 1


@pytest.mark.e2e
def test_long_redirect_chain_stops_at_redirect_max_times(hostile: HostileCrawl) -> None:
    # the first request and REDIRECT_MAX_TIMES redirects, then "max redirections reached"
    assert hostile.site.main.count_prefix("/redirect/chain/") == project_settings.REDIRECT_MAX_TIMES + 1


@pytest.mark.e2e
def test_endless_calendar_is_bounded_by_the_url_pattern_limit(hostile: HostileCrawl) -> None:
    calendar = hostile.site.main.count_prefix("/calendar/")
    # two shapes (months, days), each at most MAX_PER_PATTERN pages, the depth limit stops sooner
    assert 10 < calendar <= 2 * MAX_PER_PATTERN
    assert hostile.crawl.stat("refused_trap_pattern") > 0
    assert hostile.crawl.stat("page_limit_reached") == 0  # the budget was not spent on the trap


@pytest.mark.e2e
def test_session_id_urls_fold_to_a_few_pages(hostile: HostileCrawl) -> None:
    session = [p for p in hostile.site.main.paths() if p.startswith("/session")]
    # every answer links three fresh session-id URLs; canonically they are /session/, /session/list
    # and /session/item?n=0..2
    assert len(session) == len(set(session)) <= 5
    assert not [p for p in session if "sid" in p.lower()]


@pytest.mark.e2e
def test_relative_link_loop_stops_at_repeated_segments(hostile: HostileCrawl) -> None:
    loop = [p for p in hostile.site.main.paths() if p.startswith("/loop/")]
    assert loop == ["/loop/", "/loop/again/", "/loop/again/again/", "/loop/again/again/again/"]
    assert hostile.crawl.stat("refused_trap_repeated_segment") >= 1


@pytest.mark.e2e
@pytest.mark.parametrize("path", ["/huge", "/huge-stream"])
def test_page_larger_than_download_maxsize_is_refused(hostile: HostileCrawl, path: str) -> None:
    crawl = hostile.crawl
    # not retried (a busy machine may time the first try out, hence <=)
    assert 1 <= hostile.site.main.count(path) <= RETRY_TIMES + 1
    assert hostile.url(path) not in crawl.pages()
    assert any("larger than download max size" in m and f"{hostile.url(path)}>" in m for m in crawl.messages("WARNING"))
    assert crawl.stat("refused_too_large") >= 1


@pytest.mark.e2e
def test_compression_bomb_is_refused(hostile: HostileCrawl) -> None:
    crawl = hostile.crawl
    assert hostile.site.main.count("/bomb") == 1
    assert crawl.stat("refused_decompressed_too_large") == 1
    assert any("exceeded DOWNLOAD_MAXSIZE" in m and "/bomb" in m for m in crawl.messages("WARNING"))
    assert hostile.url("/bomb") not in crawl.pages()


@pytest.mark.e2e
@pytest.mark.parametrize("path", ["/slow", "/hung", "/stall-body"])
def test_slow_and_hung_servers_time_out(hostile: HostileCrawl, path: str) -> None:
    assert hostile.site.main.count(path) == RETRY_TIMES + 1
    assert any(hostile.url(path) in m and "timed out" in m for m in hostile.crawl.messages("WARNING"))
    assert hostile.crawl.stat("errors/timeout") == 3


@pytest.mark.e2e
def test_500_that_succeeds_on_retry_is_cataloged(hostile: HostileCrawl) -> None:
    assert hostile.site.main.count("/programs/peru-dental-elective.html") == 2
    assert hostile.url("/programs/peru-dental-elective.html") in hostile.crawl.programs()


@pytest.mark.e2e
def test_500_for_ever_is_given_up_after_the_retries(hostile: HostileCrawl) -> None:
    assert hostile.site.main.count("/always-500") == RETRY_TIMES + 1
    assert hostile.crawl.stat("errors/http_500") == 1


@pytest.mark.e2e
def test_429_retry_after_is_waited_for(hostile: HostileCrawl) -> None:
    path = "/programs/cambodia-physiotherapy.html"
    hits = [h for h in hostile.site.main.hits if h.path == path]
    assert len(hits) == 2
    assert hits[1].at - hits[0].at >= 1.0  # Retry-After: 1
    assert hostile.crawl.stat("retry_after_waits") == 1
    assert hostile.url(path) in hostile.crawl.programs()


@pytest.mark.e2e
def test_429_asking_for_too_long_a_wait_is_given_up(hostile: HostileCrawl) -> None:
    assert hostile.site.main.count("/rate-limited-long") == 1
    assert hostile.crawl.stat("retry_after_given_up") == 1
    assert hostile.crawl.stat("errors/http_429") == 1


@pytest.mark.e2e
def test_truncated_transfer_is_an_error_not_a_crash(hostile: HostileCrawl) -> None:
    assert hostile.site.main.count("/truncated-transfer") == RETRY_TIMES + 1
    assert hostile.crawl.stat("errors/ResponseDataLossError") == 1


@pytest.mark.e2e
def test_non_html_is_skipped(hostile: HostileCrawl) -> None:
    main, pages = hostile.site.main, hostile.crawl.pages()
    assert main.count("/brochure.pdf") == 0  # by extension: never requested
    for path in ("/brochure", "/photo"):  # by Content-Type, once fetched
        assert main.count(path) == 1
        assert hostile.url(path) not in pages
    assert hostile.crawl.stat("skipped_non_html") == 2


HOSTILE_HTML = ["/binary-as-html", "/nul-page", "/deep", "/malformed", "/truncated-html", "/empty", "/utf16",
                "/programs/bolivia-medical-elective.html", "/programs/kenya-public-health.html", "/about.html"]


@pytest.mark.e2e
@pytest.mark.parametrize("path", HOSTILE_HTML)
def test_hostile_html_is_stored_without_a_crash(hostile: HostileCrawl, path: str) -> None:
    pages = hostile.crawl.pages()
    assert hostile.url(path) in pages
    if path == "/binary-as-html":
        assert pages[hostile.url(path)] == "unparsable"  # extraction failed into a rejection


@pytest.mark.e2e
def test_no_spider_or_pipeline_exception(hostile: HostileCrawl) -> None:
    crawl = hostile.crawl
    assert not [k for k in crawl.stats if k.startswith("spider_exceptions/")]
    assert not [m for m in crawl.messages() if m.startswith(("Spider error", "Error processing", "Error caught"))]
    # the only errors logged: requests given up after their retries
    assert all(m.startswith("Gave up retrying") for m in crawl.messages("ERROR"))


@pytest.mark.e2e
def test_robots_txt_of_the_site_is_obeyed(hostile: HostileCrawl) -> None:
    assert hostile.site.main.count_prefix("/private/") == 0
    assert hostile.crawl.stats["robotstxt/forbidden"] == 1


@pytest.mark.e2e
def test_limits_are_counted_in_the_stats(hostile: HostileCrawl) -> None:
    refused = {k: v for k, v in hostile.crawl.stats.items() if k.startswith("internscope/refused_")}
    assert set(refused) >= {
        "internscope/refused_offsite", "internscope/refused_private_address", "internscope/refused_scheme",
        "internscope/refused_bad_redirect", "internscope/refused_too_large",
        "internscope/refused_decompressed_too_large", "internscope/refused_trap_pattern",
        "internscope/refused_trap_repeated_segment",
    }


# --- robots.txt (RFC 9309 2.3.1) -----------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("kind", list(ROBOTS_CASES))
def test_robots_txt_case(robots: RobotsCrawl, kind: str) -> None:
    server, crawl = robots.sites[kind], robots.crawl
    pages = [p for p in server.paths() if p != "/robots.txt"]
    start_failed = [e for e in crawl.stat("start_url_errors") or [] if e.startswith(server.origin + "/")]
    if ROBOTS_CASES[kind]:
        assert server.url("/program.html") in crawl.programs()
        assert not start_failed
    else:
        assert pages == []  # not even the start URL
        assert len(start_failed) == 1
    if kind == "malformed":  # the one rule that parses still applies
        assert "/secret/plans.html" not in pages


@pytest.mark.e2e
def test_robots_txt_status_handling_is_counted(robots: RobotsCrawl) -> None:
    crawl = robots.crawl
    assert crawl.stat("robots_disallow_all") == 2  # the 500 and the 429
    assert crawl.stat("robots_unreachable") == 1
    # the 500 is retried like any request before it counts as a server error
    assert robots.sites["server-error"].count("/robots.txt") == RETRY_TIMES + 1


@pytest.mark.e2e
def test_robots_txt_redirect_off_the_site_is_not_followed(robots: RobotsCrawl) -> None:
    assert robots.other_host.hits == []


@pytest.mark.e2e
def test_robots_crawl_reports_the_disallowed_start_urls(robots: RobotsCrawl) -> None:
    crawl = robots.crawl
    assert crawl.exit_code == 1 and crawl.reason.startswith("start URL unreachable: ")
    failed = crawl.stat("start_url_errors")
    assert len(failed) == sum(1 for allowed in ROBOTS_CASES.values() if not allowed)
    unreachable = robots.sites["unreachable"].origin
    # an unreachable robots.txt fails the site with the network error itself, not "Forbidden"
    assert [e for e in failed if e.startswith(unreachable)] != [f"{unreachable}/: Forbidden by robots.txt"]


# --- the guards, without a network ------------------------------------------------------------------------

START = "http://127.0.0.1:8001/"


def _guard(providers: dict[str, Any] | None = None, start: str = START) -> RequestGuardMiddleware:
    crawler = get_crawler(ProgramsSpider, {})
    kwargs: dict[str, Any] = {"start_urls": start}
    if providers:
        kwargs["providers"] = {start: providers}
    crawler.spider = ProgramsSpider.from_crawler(crawler, **kwargs)
    crawler.stats.open_spider()
    return RequestGuardMiddleware.from_crawler(crawler)


def _check(guard: RequestGuardMiddleware, request: Request) -> str | None:
    """None when the guard lets the request through, else its refusal message."""
    try:
        asyncio.run(guard.process_request(request))
    except IgnoreRequest as e:
        return str(e)
    return None


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Host name -> addresses for socket.getaddrinfo as the guard calls it (unknown names fail)."""
    table: dict[str, list[str]] = {}

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0)) for a in table[host]]

    monkeypatch.setattr(safety.socket, "getaddrinfo", getaddrinfo)
    return table


@pytest.mark.parametrize(
    ("url", "allowed_hosts", "refused"),
    [
        (START + "programs/x.html", None, None),  # the start URL's own host, loopback or not
        ("http://127.0.0.1:9/x", None, "not on the provider's site"),  # another port: another site
        ("http://localhost:8001/x", None, "not on the provider's site"),
        ("http://169.254.169.254/latest/meta-data/", None, "not on the provider's site"),
        ("http://[::1]:8001/", None, "not on the provider's site"),
        ("ftp://127.0.0.1:8001/", None, "ftp scheme"),
        ("file:///etc/passwd", None, "file scheme"),
        ("http://169.254.169.254/latest/meta-data/", ["169.254.169.254"], "private"),
        ("http://10.0.0.1/", ["10.0.0.1"], "private"),
        ("http://[::1]:8001/", ["[::1]"], "private"),
        ("http://[::ffff:7f00:1]/", ["[::ffff:7f00:1]"], "private"),  # 127.0.0.1, IPv4-mapped
        ("http://0.0.0.0:8001/", ["0.0.0.0"], "private"),
        ("http://224.0.0.1/", ["224.0.0.1"], "private"),
        ("http://127.0.0.1:9/x", ["127.0.0.1"], None),  # the start host on another allowed port
        ("http://intranet.test/", ["intranet.test"], "private"),  # resolves to 10.1.2.3
        ("http://half.test/", ["half.test"], "private"),  # one public, one private address
        ("http://cdn.test/a.html", ["cdn.test"], None),  # resolves to a public address
        ("http://nowhere.test/", ["nowhere.test"], None),  # unresolvable: the download fails on its own
    ],
)
def test_request_guard(
    fake_dns: dict[str, list[str]], url: str, allowed_hosts: list[str] | None, refused: str | None
) -> None:
    fake_dns.update({"intranet.test": ["10.1.2.3"], "half.test": ["93.184.216.34", "192.168.0.9"],
                     "cdn.test": ["93.184.216.34"]})
    guard = _guard({"allowed_hosts": allowed_hosts} if allowed_hosts else None)
    why = _check(guard, Request(url))
    if refused is None:
        assert why is None
    else:
        assert why is not None and refused in why


def test_request_guard_counts_refusals_by_reason() -> None:
    guard = _guard()
    for url in ("ftp://127.0.0.1:8001/", "http://10.0.0.1/", "http://10.0.0.2/"):
        _check(guard, Request(url))
    stats = guard.crawler.stats
    assert stats.get_value("internscope/refused_scheme") == 1
    assert stats.get_value("internscope/refused_offsite") == 2


def test_resolution_is_cached_per_host(fake_dns: dict[str, list[str]]) -> None:
    fake_dns["cdn.test"] = ["93.184.216.34"]
    guard = _guard({"allowed_hosts": ["cdn.test"]})
    assert _check(guard, Request("http://cdn.test/a")) is None
    fake_dns["cdn.test"] = ["10.0.0.1"]  # a later answer is not asked for
    assert _check(guard, Request("http://cdn.test/b")) is None


def _start_redirect(url: str, start: str) -> Request:
    return Request(url, meta={META_IS_START: True, META_START: start, "redirect_urls": [start]})


def test_start_url_redirect_to_a_related_host_is_adopted(fake_dns: dict[str, list[str]]) -> None:
    fake_dns["www.prov.test"] = ["93.184.216.34"]
    guard = _guard(start="http://prov.test/")
    assert _check(guard, _start_redirect("https://www.prov.test/", "http://prov.test/")) is None
    # robots.txt of the adopted host is then fetched like the site's own
    assert _check(guard, Request("https://www.prov.test/robots.txt")) is None


@pytest.mark.parametrize(
    "target",
    ["https://evil-prov.test/", "http://169.254.169.254/", "http://www.prov.test.evil.test/"],
)
def test_start_url_redirect_elsewhere_is_refused(target: str) -> None:
    guard = _guard(start="http://prov.test/")
    assert "not on the provider's site" in (_check(guard, _start_redirect(target, "http://prov.test/")) or "")


def test_only_the_start_request_adopts_a_related_host(fake_dns: dict[str, list[str]]) -> None:
    fake_dns["www.prov.test"] = ["93.184.216.34"]
    guard = _guard(start="http://prov.test/")
    redirected = Request("https://www.prov.test/x", meta={META_START: "http://prov.test/", "redirect_urls": ["u"]})
    assert _check(guard, redirected) is not None


def test_start_url_redirect_to_a_related_private_host_is_refused(fake_dns: dict[str, list[str]]) -> None:
    fake_dns["www.prov.test"] = ["127.0.0.1"]
    guard = _guard(start="http://prov.test/")
    assert "private" in (_check(guard, _start_redirect("http://www.prov.test/", "http://prov.test/")) or "")


@pytest.mark.parametrize(
    ("address", "public"),
    [("93.184.216.34", True), ("2606:2800:220:1::1", True), ("127.0.0.1", False), ("10.1.1.1", False),
     ("172.16.0.1", False), ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
     ("0.0.0.0", False), ("224.0.0.251", False), ("255.255.255.255", False), ("::1", False), ("fe80::1", False),
     ("fc00::1", False), ("::ffff:10.0.0.1", False), ("::ffff:93.184.216.34", True), ("2002:0a00:0001::", False)],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    ("a", "b", "related"),
    [("prov.test", "www.prov.test", True), ("www.prov.test", "prov.test", True), ("prov.test", "en.prov.test", True),
     ("prov.test", "evil-prov.test", False), ("prov.test", "prov.test.evil.test", False),
     ("127.0.0.1", "127.0.0.2", False), ("PROV.test", "prov.TEST", True)],
)
def test_related_hosts(a: str, b: str, related: bool) -> None:
    assert related_hosts(a, b) is related


def _redirect_response(location: str, url: str = START + "a") -> Response:
    return Response(url, status=302, headers={"Location": location}, request=Request(url))


@pytest.mark.parametrize(
    ("location", "refused"),
    [("file:///etc/passwd", "non-http(s)"), ("javascript:alert(1)", "non-http(s)"), ("ftp://h/", "non-http(s)"),
     ("data:text/html,x", "non-http(s)"), ("mailto:a@b.test", "non-http(s)"), ("http://[::1", "malformed"),
     ("https://", "without a host"), ("http:///same-host", None), ("/b", None), ("https://other.test/", None),
     ("//other.test/x", None)],
)
def test_redirect_guard(location: str, refused: str | None) -> None:
    crawler = get_crawler(ProgramsSpider, {})
    crawler.stats.open_spider()
    guard = RedirectGuardMiddleware.from_crawler(crawler)
    response = _redirect_response(location)
    try:
        out = guard.process_response(response.request, response)  # type: ignore[arg-type]
    except IgnoreRequest as e:
        assert refused is not None and refused in str(e)
    else:
        assert refused is None and out is response  # RedirectMiddleware and the request guard take it from here


@pytest.mark.parametrize(
    ("exception", "refused"),
    [
        (DownloadCancelledError("Expected to receive 20971520 bytes which is larger than download max size (10)"),
         True),
        (DownloadCancelledError(""), True),  # the streamed body went past the limit
        (DownloadTimeoutError("took longer than 1.5 seconds"), False),
    ],
)
def test_oversized_download_becomes_a_refusal(exception: Exception, refused: bool) -> None:
    guard = _guard()
    if refused:
        with pytest.raises(IgnoreRequest, match="DOWNLOAD_MAXSIZE"):
            guard.process_exception(Request(START), exception)
        assert guard.crawler.stats.get_value("internscope/refused_too_large") == 1
    else:
        assert guard.process_exception(Request(START), exception) is None


# --- Retry-After -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(b"120", 120.0), ("0", 0.0), (b"Wed, 21 Oct 2015 07:28:00 GMT", 0.0), (b"soon", None), (None, None),
     (b"", None), (b"-5", None)],
)
def test_parse_retry_after(value: bytes | str | None, seconds: float | None) -> None:
    assert parse_retry_after(value) == seconds


def test_parse_retry_after_http_date_in_the_future() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30.0


def _retry_after(max_delay: float = 30.0) -> RetryAfterMiddleware:
    crawler = get_crawler(ProgramsSpider, {"INTERNSCOPE_RETRY_AFTER_MAX": max_delay})
    crawler.stats.open_spider()
    return RetryAfterMiddleware.from_crawler(crawler)


def _answer(status: int, retry_after: str | None, **meta: Any) -> tuple[Request, Response]:
    request = Request(START, meta=meta)
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return request, HtmlResponse(START, status=status, headers=headers, body=b"", request=request)


def test_retry_after_delays_the_retry_without_blocking() -> None:
    mw = _retry_after()
    request, response = _answer(429, "1")
    ticks: list[float] = []

    async def both() -> Response:
        async def ticker() -> None:  # runs while the middleware waits: the loop is not blocked
            for _ in range(5):
                ticks.append(time.monotonic())
                await asyncio.sleep(0.1)

        task = asyncio.ensure_future(ticker())
        out = await mw.process_response(request, response)
        await task
        return out

    began = time.monotonic()
    assert asyncio.run(both()) is response  # RetryMiddleware retries it next
    assert time.monotonic() - began >= 1.0
    assert len(ticks) == 5 and ticks[-1] - began < 1.0
    assert mw.stats.get_value("internscope/retry_after_waits") == 1
    assert not request.meta.get("dont_retry")


def test_retry_after_longer_than_the_maximum_gives_the_page_up() -> None:
    mw = _retry_after(max_delay=30)
    request, response = _answer(429, "3600")
    began = time.monotonic()
    assert asyncio.run(mw.process_response(request, response)) is response
    assert time.monotonic() - began < 0.5
    assert request.meta["dont_retry"] is True
    assert mw.stats.get_value("internscope/retry_after_given_up") == 1


@pytest.mark.parametrize(
    ("status", "retry_after", "meta"),
    [(429, None, {}), (500, "5", {}), (503, "bogus", {}), (429, "5", {"dont_retry": True}),
     (429, "5", {"retry_times": RETRY_TIMES})],
)
def test_retry_after_not_applicable_returns_at_once(status: int, retry_after: str | None, meta: dict[str, Any]) -> None:
    mw = _retry_after()
    request, response = _answer(status, retry_after, **meta)
    began = time.monotonic()
    assert asyncio.run(mw.process_response(request, response)) is response
    assert time.monotonic() - began < 0.5
    assert mw.stats.get_value("internscope/retry_after_waits") is None


# --- traps ---------------------------------------------------------------------------------------------------------


def test_trap_guard_caps_each_url_shape() -> None:
    guard = TrapGuard(max_per_pattern=3)
    days = [f"http://h.test/calendar/2026/01/{d:02d}/" for d in range(1, 6)]
    assert [guard.check(u) for u in days] == [None, None, None, "pattern", "pattern"]
    # another shape, and the same shape on another host, have their own counts
    assert guard.check("http://h.test/calendar/2026/01/") is None
    assert guard.check("http://other.test/calendar/2026/01/01/") is None
    assert [guard.check(f"http://h.test/events?month={m}") for m in range(1, 5)] == [None, None, None, "pattern"]


def test_url_shape_folds_digits_and_query_values() -> None:
    assert url_shape("http://h.test/cal/2026/03/14/?view=day&d=2026-03-14") == ("h.test", "/cal/0/0/0/?d&view")
    assert url_shape("http://h.test/programs/ghana.html") == ("h.test", "/programs/ghana.html")


@pytest.mark.parametrize(
    ("url", "rule"),
    [("http://h.test/en/en/en/en/", "repeated_segment"), ("http://h.test/a/b/a/b/a/b/a/b/", "repeated_segment"),
     ("http://h.test/en/en/en/", None), ("http://h.test/p?x=" + "a" * MAX_URL_LENGTH, "long_url"),
     ("http://h.test/programs/2026/nepal-4-weeks.html", None)],
)
def test_trap_guard_rules(url: str, rule: str | None) -> None:
    assert TrapGuard().check(url) == rule


def test_spider_does_not_spend_its_budget_on_a_trap() -> None:
    crawler = get_crawler(ProgramsSpider, {"INTERNSCOPE_MAX_PAGES_PER_PATTERN": 3})
    spider = ProgramsSpider.from_crawler(crawler, start_urls=START, max_pages=6)
    crawler.spider = spider
    crawler.stats.open_spider()
    links = "".join(f'<a href="/calendar/2026/01/{d:02d}/">{d}</a>' for d in range(1, 29))
    body = f"<html><body>{links}<a href='/programs/nepal.html'>Nepal</a></body></html>".encode()
    response = HtmlResponse(START, body=body, headers={"Content-Type": "text/html"},
                            request=Request(START, meta={META_START: START, META_IS_START: True}))
    requested = [r.url for r in spider.parse(response) if isinstance(r, Request)]
    assert START + "programs/nepal.html" in requested
    assert len([u for u in requested if "/calendar/" in u]) == 3
    assert crawler.stats.get_value("internscope/refused_trap_pattern") == 25


# --- settings ---------------------------------------------------------------------------------------------------


def test_limits_in_the_project_settings() -> None:
    s = project_settings
    assert s.DOWNLOAD_MAXSIZE == 10 * 1024 * 1024 and s.DOWNLOAD_WARNSIZE < s.DOWNLOAD_MAXSIZE
    assert 0 < s.DOWNLOAD_TIMEOUT <= 60
    assert 0 < s.REDIRECT_MAX_TIMES <= 10
    assert {500, 429, 503} <= set(s.RETRY_HTTP_CODES) and s.RETRY_TIMES >= 1
    mws = s.DOWNLOADER_MIDDLEWARES
    # the guard before robots.txt (100), Retry-After between Retry (550) and the network, the
    # redirect guard on the network side of RedirectMiddleware (600)
    assert mws["scrapers.safety.RequestGuardMiddleware"] < mws["scrapers.robots.Rfc9309RobotsTxtMiddleware"] == 100
    assert 550 < mws["scrapers.safety.RetryAfterMiddleware"] < 580
    assert 600 < mws["scrapers.safety.RedirectGuardMiddleware"] < 700
    assert mws["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None
    assert mws["scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware"] is None
