"""The spider's per-provider settings (`providers` argument), error kinds, and the provider-aware
AutoThrottle, without a network: responses are built by hand as in tests/test_spider.py."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadConnectionRefusedError, IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.settings import Settings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from scrapers.spiders.base import ProviderSpider, error_kind
from scrapers.spiders.programs import ProgramsSpider
from scrapers.throttle import ProviderAutoThrottle

pytestmark = pytest.mark.filterwarnings("error::scrapy.exceptions.ScrapyDeprecationWarning")

A = "http://a.test:8001"
B = "http://b.test:8002"


def make_spider(providers: dict[str, Any] | str, settings: dict[str, Any] | None = None,
                **kwargs: Any) -> ProgramsSpider:
    crawler = get_crawler(ProgramsSpider, settings or {})
    spider = ProgramsSpider.from_crawler(crawler, providers=providers, **kwargs)
    crawler.spider = spider
    return spider


def start_requests(spider: ProviderSpider) -> list[Request]:
    async def collect() -> list[Request]:
        return [r async for r in spider.start()]

    return asyncio.run(collect())


def respond(request: Request, links: list[str], url: str | None = None) -> TextResponse:
    body = "<html><head><title>t</title></head><body>" + "".join(f'<a href="{h}">x</a>' for h in links)
    return HtmlResponse(url=url or request.url, body=(body + "</body></html>").encode(),
                        headers={"Content-Type": "text/html; charset=utf-8"}, request=request)


def parse(spider: ProviderSpider, response: TextResponse) -> tuple[list[dict[str, Any]], list[Request]]:
    out = list(spider.parse(response))
    items = [o for o in out if isinstance(o, dict)]
    pages = [o for o in out if isinstance(o, Request) and o.callback == spider.parse]
    return items, pages


def stat(spider: ProviderSpider, key: str) -> Any:
    return spider.crawler.stats.get_value("internscope/" + key)


def test_start_urls_default_to_the_providers_keys_and_json_is_accepted() -> None:
    spider = make_spider(json.dumps({A + "/": {"provider": "A"}, B + "/x": {"provider": "B"}}))
    assert spider.start_urls == [A + "/", B + "/x"]
    start_requests(spider)
    assert stat(spider, "providers") == ["A", "B"]


@pytest.mark.parametrize(
    ("providers", "message"),
    [
        ("{not json", "providers must be a JSON object"),
        ("[1, 2]", "providers must be a JSON object"),
        ({"ftp://x.test/": {}}, "bad entry"),
        ({A + "/": {"program_url_patterns": ["(x"]}}, "bad program URL pattern"),
        ({A + "/": {"max_pages": -1}}, "must not be negative"),
    ],
)
def test_bad_providers_argument(providers: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_spider(providers)


def test_allowed_hosts_bare_host_any_port_and_host_with_port_only_that_one() -> None:
    spider = make_spider({A + "/": {"allowed_hosts": ["a.test", "www.a.test", "cdn.a.test:9000"]}})
    (home,) = start_requests(spider)
    links = [
        "/same.html",
        "http://a.test:9999/other-port.html",  # bare host: any port
        "http://www.a.test/www.html",
        "http://cdn.a.test:9000/cdn.html",
        "http://cdn.a.test:9001/wrong-port.html",
        "http://b.test:8002/offsite.html",
    ]
    _, pages = parse(spider, respond(home, links))
    assert sorted(r.url for r in pages) == sorted([
        A + "/same.html", "http://a.test:9999/other-port.html", "http://www.a.test/www.html",
        "http://cdn.a.test:9000/cdn.html",
    ])
    assert stat(spider, "links_offsite") == 2


def test_without_allowed_hosts_the_start_host_and_port_only() -> None:
    spider = make_spider({A + "/": {"provider": "A"}})
    (home,) = start_requests(spider)
    _, pages = parse(spider, respond(home, ["/x.html", "http://a.test:9999/y.html"]))
    assert [r.url for r in pages] == [A + "/x.html"]


def test_program_url_patterns_keep_other_pages_out_but_follow_their_links() -> None:
    spider = make_spider({A + "/": {"program_url_patterns": ["/programs/[^/]+"]}})
    (home,) = start_requests(spider)
    items, pages = parse(spider, respond(home, ["/programs/", "/programs/ghana.html", "/about.html"]))
    assert items == []  # the home page is no candidate
    assert sorted(r.url for r in pages) == [A + "/about.html", A + "/programs/", A + "/programs/ghana.html"]
    listing = next(r for r in pages if r.url == A + "/programs/")
    items, more = parse(spider, respond(listing, ["/programs/kenya.html"]))
    assert items == [] and [r.url for r in more] == [A + "/programs/kenya.html"]
    program = next(r for r in pages if r.url.endswith("ghana.html"))
    items, _ = parse(spider, respond(program, []))
    assert [i["url"] for i in items] == [A + "/programs/ghana.html"]
    assert stat(spider, "pages_outside_patterns") == 2
    assert stat(spider, "pages_html") == 1


def test_page_budget_and_depth_per_provider() -> None:
    spider = make_spider(
        {A + "/": {"max_pages": 3, "depth": 1}, B + "/": {}},
        settings={"INTERNSCOPE_MAX_PAGES": 5, "DEPTH_LIMIT": 3},
    )
    home_a, home_b = start_requests(spider)
    _, pages_a = parse(spider, respond(home_a, [f"/p{n}.html" for n in range(10)]))
    _, pages_b = parse(spider, respond(home_b, [f"/p{n}.html" for n in range(3)]))
    assert len(pages_a) == 2 and len(pages_b) == 3  # the start URL counts against its budget
    # A's pages are at its depth limit: their links are not followed; B's are.
    _, deeper_a = parse(spider, respond(pages_a[0], ["/deeper.html"]))
    _, deeper_b = parse(spider, respond(pages_b[0], ["/deeper.html"]))
    assert deeper_a == [] and [r.url for r in deeper_b] == [B + "/deeper.html"]


@pytest.mark.parametrize(
    ("global_depth", "provider_depths", "depth_limit"),
    [(3, [1], 3), (3, [5, 2], 5), (3, [0], 0), (0, [4], 0)],
)
def test_depth_middleware_limit_lets_the_deepest_provider_through(
    global_depth: int, provider_depths: list[int], depth_limit: int
) -> None:
    providers = {f"http://h{n}.test/": {"depth": d} for n, d in enumerate(provider_depths)}
    providers["http://other.test/"] = {}
    # A bare Crawler: its settings are still open to the spider, as in a real crawl (get_crawler freezes them).
    crawler = Crawler(ProgramsSpider, Settings({"DEPTH_LIMIT": global_depth}))
    spider = ProgramsSpider.from_crawler(crawler, providers=providers)
    assert crawler.settings.getint("DEPTH_LIMIT") == depth_limit
    assert spider.depth_limit == global_depth  # the limit of providers without their own


def test_default_currency_rides_on_that_providers_items_only() -> None:
    spider = make_spider({A + "/": {"currency": "gbp"}, B + "/": {}})
    home_a, home_b = start_requests(spider)
    (item_a,), _ = parse(spider, respond(home_a, []))
    (item_b,), _ = parse(spider, respond(home_b, []))
    assert item_a["default_currency"] == "GBP"
    assert "default_currency" not in item_b  # the page item contract is unchanged without a registry


def test_crawl_delay_becomes_the_download_slot_delay_of_the_providers_hosts() -> None:
    crawler = Crawler(ProgramsSpider, Settings({"DOWNLOAD_SLOTS": {"keep.test": {"concurrency": 1}}}))
    ProgramsSpider.from_crawler(
        crawler,
        providers={
            A + "/": {"crawl_delay": 2.0, "allowed_hosts": ["a.test", "www.a.test"]},
            "http://www.a.test/other": {"crawl_delay": 3.5},  # shares a host: the larger delay
            B + "/": {},
        },
    )
    assert crawler.settings.getdict("DOWNLOAD_SLOTS") == {
        "keep.test": {"concurrency": 1},
        "a.test": {"delay": 2.0},
        "www.a.test": {"delay": 3.5},
    }


def _failure(exc: Exception, url: str) -> Failure:
    failure = Failure(exc)
    failure.request = Request(url)  # type: ignore[attr-defined]
    return failure


def _http_error(status: int, url: str) -> HttpError:
    request = Request(url)
    return HttpError(TextResponse(url, status=status, request=request), "not ok")


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (_http_error(404, A + "/x"), "http_404"),
        (_http_error(503, A + "/x"), "http_503"),
        (DownloadConnectionRefusedError("refused"), "connection_refused"),
        (IgnoreRequest("robots.txt"), None),
        (ValueError("odd"), "ValueError"),
    ],
)
def test_error_kinds(exc: Exception, kind: str | None) -> None:
    assert error_kind(_failure(exc, A + "/x")) == kind


def test_failed_pages_are_counted_by_kind() -> None:
    spider = make_spider({A + "/": {}})
    start_requests(spider)
    for exc in (_http_error(404, A + "/x"), _http_error(404, A + "/y"), IgnoreRequest("robots")):
        list(spider._page_failed(_failure(exc, A + "/x")))
    assert stat(spider, "errors/http_404") == 2
    assert not any(k.startswith("internscope/errors/") and "404" not in k
                   for k in spider.crawler.stats.get_stats())


# --- ProviderAutoThrottle -------------------------------------------------------------------------------


def _throttle(slots: dict[str, Any]) -> tuple[ProviderAutoThrottle, dict[str, SimpleNamespace]]:
    crawler = get_crawler(ProgramsSpider, {"AUTOTHROTTLE_ENABLED": True, "DOWNLOAD_SLOTS": slots})
    throttle = ProviderAutoThrottle(crawler)
    throttle.mindelay, throttle.maxdelay = 0.0, 60.0  # set by spider_opened in a crawl
    live = {key: SimpleNamespace(delay=float(value.get("delay", 0.0)), transferring=set())
            for key, value in slots.items()}
    live["free.test"] = SimpleNamespace(delay=1.0, transferring=set())
    crawler.engine = SimpleNamespace(downloader=SimpleNamespace(slots=live))  # type: ignore[assignment]
    return throttle, live


def _downloaded(throttle: ProviderAutoThrottle, slot: str, latency: float) -> None:
    request = Request(f"http://{slot}/", meta={"download_slot": slot, "download_latency": latency})
    throttle._response_downloaded(TextResponse(request.url, status=200, request=request), request, None)


def test_autothrottle_never_lowers_a_configured_slot_delay() -> None:
    throttle, live = _throttle({"slow.test": {"delay": 2.0}})
    for _ in range(5):
        _downloaded(throttle, "slow.test", 0.01)  # a fast server: plain AutoThrottle would go to ~0
        _downloaded(throttle, "free.test", 0.01)
    assert live["slow.test"].delay == 2.0
    assert live["free.test"].delay < 0.1
    _downloaded(throttle, "slow.test", 20.0)  # a struggling server: backing off above it still works
    assert live["slow.test"].delay > 2.0
