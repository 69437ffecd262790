"""Unit tests of the shared spider with responses built in the test (no network, no reactor)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadConnectionRefusedError, IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.settings import Settings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from scrapers.spiders.base import META_CANONICAL_OF, META_DEPTH, META_UNFOLDED, ProviderSpider
from scrapers.spiders.programs import ProgramsSpider

# Scrapy 2.19 deprecations (spider arguments of middleware methods, start_requests, ...)
# must not be triggered by our spider.
pytestmark = pytest.mark.filterwarnings("error::scrapy.exceptions.ScrapyDeprecationWarning")

SITE = "http://prov.test:8001"
ITEM_KEYS = {
    "url", "fetched_url", "status", "html", "encoding", "etag",
    "last_modified", "fetched_at", "depth", "site", "not_modified",
}


def make_spider(settings: dict[str, Any] | None = None, **kwargs: Any) -> ProgramsSpider:
    crawler = get_crawler(ProgramsSpider, settings or {})
    kwargs.setdefault("start_urls", SITE + "/")
    spider = ProgramsSpider.from_crawler(crawler, **kwargs)
    crawler.spider = spider
    return spider


def start_requests(spider: ProviderSpider) -> list[Request]:
    async def collect() -> list[Request]:
        return [r async for r in spider.start()]

    return asyncio.run(collect())


def html(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head><title>t</title>{head}</head><body>{body}</body></html>"


def respond(
    request: Request,
    body: str,
    *,
    url: str | None = None,
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
    status: int = 200,
    cls: type[TextResponse] = HtmlResponse,
) -> TextResponse:
    all_headers = {"Content-Type": content_type, **(headers or {})}
    return cls(
        url=url or request.url, body=body.encode("utf-8"), headers=all_headers, status=status, request=request
    )


def run(spider: ProviderSpider, response: Response) -> tuple[list[dict[str, Any]], list[Request]]:
    out = list(spider.parse(response))
    items = [o for o in out if isinstance(o, dict)]
    requests = [o for o in out if isinstance(o, Request)]
    assert len(items) + len(requests) == len(out)
    return items, requests


def page_requests(requests: list[Request]) -> list[Request]:
    """Requests for pages (not the robots.txt / sitemap.xml ones)."""
    return [r for r in requests if r.callback == r.callback.__self__.parse]  # type: ignore[union-attr]


def stat(spider: ProviderSpider, key: str) -> Any:
    return spider.crawler.stats.get_value("internscope/" + key)


def home(spider: ProviderSpider) -> Request:
    (request,) = start_requests(spider)
    return request


# --- arguments and start --------------------------------------------------------------


def test_start_urls_argument_comma_separated_canonical_and_deduplicated() -> None:
    spider = make_spider(start_urls=f"{SITE}/?utm_source=x, {SITE}/ ,http://Other.test/index.html")
    assert spider.start_urls == [f"{SITE}/", "http://other.test/"]
    requests = start_requests(spider)
    assert [r.url for r in requests] == [f"{SITE}/", "http://other.test/"]
    assert all(r.meta[META_DEPTH] == 0 for r in requests)
    assert requests[1].meta[META_UNFOLDED] == "http://other.test/index.html"


def test_start_urls_argument_as_list() -> None:
    spider = make_spider(start_urls=[f"{SITE}/a.html", f"{SITE}/b.html"])
    assert spider.start_urls == [f"{SITE}/a.html", f"{SITE}/b.html"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start_urls": "ftp://prov.test/"},
        {"start_urls": "prov.test"},
        {"start_urls": ""},
        {"max_pages": "lots"},
        {"depth": "-1"},
    ],
)
def test_bad_arguments_raise(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        make_spider(**kwargs)


def test_limit_arguments_reach_settings_for_depth_middleware() -> None:
    crawler = Crawler(ProgramsSpider, Settings({"DEPTH_LIMIT": 6, "INTERNSCOPE_MAX_PAGES": 500}))
    spider = ProgramsSpider.from_crawler(crawler, start_urls=SITE + "/", depth="2", max_pages="7")
    assert (spider.depth_limit, spider.max_pages) == (2, 7)
    assert crawler.settings.getint("DEPTH_LIMIT") == 2
    assert crawler.settings.getint("INTERNSCOPE_MAX_PAGES") == 7


def test_limits_default_to_settings() -> None:
    spider = make_spider({"DEPTH_LIMIT": 3, "INTERNSCOPE_MAX_PAGES": 40})
    assert (spider.depth_limit, spider.max_pages) == (3, 40)


# --- link following ---------------------------------------------------------------------


def test_links_stay_on_the_start_host_including_port() -> None:
    spider = make_spider()
    body = html(
        """
        <a href="programs/a.html">relative</a>
        <a href="/programs/b.html">root-relative</a>
        <a href="http://prov.test:8001/programs/c.html">absolute, same host and port</a>
        <a href="http://PROV.test:8001/programs/d.html">host case differs</a>
        <a href="http://prov.test:8002/programs/e.html">same host, other port</a>
        <a href="http://prov.test/programs/f.html">same host, default port</a>
        <a href="http://other.test:8001/programs/g.html">other host</a>
        <a href="//cdn.test/x.html">protocol-relative other host</a>
        <a href="mailto:info@prov.test">mail</a> <a href="javascript:void(0)">js</a>
        <a href="tel:+100">tel</a> <a href="#top">fragment</a> <a href="">empty</a>
        <map><area href="programs/h.html"></map>
        """
    )
    _, requests = run(spider, respond(home(spider), body))
    assert sorted(r.url for r in page_requests(requests)) == [
        f"{SITE}/programs/{name}.html" for name in "abcdh"
    ]
    assert stat(spider, "links_offsite") == 4


def test_links_resolve_against_base_href() -> None:
    spider = make_spider()
    body = html('<a href="x.html">x</a>', head=f'<base href="{SITE}/programs/">')
    _, requests = run(spider, respond(home(spider), body))
    assert [r.url for r in page_requests(requests)] == [f"{SITE}/programs/x.html"]


def test_non_html_extensions_are_not_requested() -> None:
    spider = make_spider()
    body = html(
        """
        <a href="brochure.pdf">pdf</a> <a href="Brochure.PDF">PDF</a> <a href="team.jpg">jpg</a>
        <a href="site.css">css</a> <a href="files.zip">zip</a> <a href="app.js">js</a>
        <a href="slides.pptx?v=2">pptx</a> <a href="fees.txt">txt: decided by Content-Type</a>
        <a href="page.html">html</a>
        """
    )
    _, requests = run(spider, respond(home(spider), body))
    assert sorted(r.url for r in page_requests(requests)) == [f"{SITE}/fees.txt", f"{SITE}/page.html"]
    assert stat(spider, "skipped_extension") == 7


def test_tracking_parameters_fragments_and_index_files_fold_to_one_request() -> None:
    spider = make_spider()
    body = html(
        """
        <a href="p.html?utm_source=x">a</a> <a href="p.html#fees">b</a> <a href="p.html?ref=footer">c</a>
        <a href="P.html">other page: path case matters</a>
        <a href="blog/">blog</a> <a href="blog/index.html">blog index</a> <a href="/">home again</a>
        <a href="/index.html">home as index.html</a>
        """
    )
    _, requests = run(spider, respond(home(spider), body))
    urls = [r.url for r in page_requests(requests)]
    assert urls == [f"{SITE}/p.html", f"{SITE}/P.html", f"{SITE}/blog/"]


def test_folded_index_falls_back_to_the_file_when_the_directory_is_not_served() -> None:
    spider = make_spider()
    _, requests = run(spider, respond(home(spider), html('<a href="dir/index.html">d</a>')))
    (folded,) = page_requests(requests)
    assert folded.url == f"{SITE}/dir/"
    assert folded.meta[META_UNFOLDED] == f"{SITE}/dir/index.html"
    not_found = respond(folded, "nope", status=404)
    failure = Failure(HttpError(not_found, "Ignoring non-200 response"))
    failure.request = folded  # type: ignore[attr-defined]
    (retry,) = list(spider._page_failed(failure))
    assert isinstance(retry, Request) and retry.url == f"{SITE}/dir/index.html"
    items, _ = run(spider, respond(retry, html("<h1>dir</h1>")))
    assert [i["url"] for i in items] == [f"{SITE}/dir/index.html"]
    assert stat(spider, "index_fallbacks") == 1


def test_depth_limit_stops_link_following() -> None:
    spider = make_spider(depth=1)
    _, requests = run(spider, respond(home(spider), html('<a href="a.html">a</a>')))
    (level1,) = page_requests(requests)
    assert level1.meta[META_DEPTH] == 1
    items, deeper = run(spider, respond(level1, html('<a href="b.html">b</a>')))
    assert [i["depth"] for i in items] == [1]
    assert page_requests(deeper) == []


def test_page_budget_per_start_url() -> None:
    spider = make_spider(max_pages=3)
    body = html("".join(f'<a href="p{n}.html">{n}</a>' for n in range(10)))
    _, requests = run(spider, respond(home(spider), body))
    assert [r.url for r in page_requests(requests)] == [f"{SITE}/p0.html", f"{SITE}/p1.html"]
    assert stat(spider, "page_limit_reached") == 8


# --- content types and items --------------------------------------------------------------


def test_item_matches_the_page_item_contract() -> None:
    spider = make_spider()
    request = home(spider)
    response = respond(
        request,
        html("<h1>Medical elective</h1>"),
        url=f"{SITE}/?utm_source=mail",
        headers={"ETag": '"abc123"', "Last-Modified": "Sat, 21 Nov 2026 10:00:00 GMT"},
    )
    items, _ = run(spider, response)
    (item,) = items
    assert set(item) == ITEM_KEYS
    assert item["url"] == f"{SITE}/"
    assert item["fetched_url"] == f"{SITE}/?utm_source=mail"
    assert item["status"] == 200
    assert "<h1>Medical elective</h1>" in item["html"] and isinstance(item["html"], str)
    assert item["encoding"] == "utf-8"
    assert item["etag"] == '"abc123"'
    assert item["last_modified"] == "Sat, 21 Nov 2026 10:00:00 GMT"
    fetched_at = datetime.fromisoformat(item["fetched_at"])
    assert fetched_at.utcoffset() is not None and fetched_at.utcoffset().total_seconds() == 0
    assert item["depth"] == 0
    assert item["site"] == SITE
    assert stat(spider, "pages_html") == 1


def test_item_validators_absent_are_none_and_encoding_is_the_decoding_one() -> None:
    spider = make_spider()
    body = '<html><head><meta charset="windows-1252"></head><body>\u20ac 1.250,00</body></html>'
    response = HtmlResponse(
        url=f"{SITE}/", body=body.encode("cp1252"), headers={"Content-Type": "text/html"},
        request=home(spider),
    )
    (item,), _ = run(spider, response)
    assert item["etag"] is None and item["last_modified"] is None
    assert item["encoding"] == "cp1252"
    assert "\u20ac 1.250,00" in item["html"]


@pytest.mark.parametrize(
    ("content_type", "cls", "is_item"),
    [
        ("text/html", HtmlResponse, True),
        ("text/html; charset=utf-8", HtmlResponse, True),
        ("application/xhtml+xml", HtmlResponse, True),
        ("TEXT/HTML", HtmlResponse, True),
        ("text/plain", TextResponse, False),
        ("application/json", TextResponse, False),
        ("application/xml", XmlResponse, False),
        ("text/html-sandboxed", HtmlResponse, False),
    ],
)
def test_only_html_content_types_become_items(
    content_type: str, cls: type[TextResponse], is_item: bool
) -> None:
    spider = make_spider()
    body = html('<a href="next.html">next</a>')
    items, requests = run(spider, respond(home(spider), body, content_type=content_type, cls=cls))
    assert bool(items) is is_item
    assert bool(page_requests(requests)) is is_item  # no link following from non-HTML
    assert stat(spider, "skipped_non_html") == (None if is_item else 1)


def test_binary_response_is_skipped() -> None:
    spider = make_spider()
    request = home(spider)
    response = Response(url=request.url, body=b"%PDF-1.4", headers={"Content-Type": "application/pdf"},
                        request=request)
    items, requests = run(spider, response)
    assert items == [] and page_requests(requests) == []
    assert stat(spider, "skipped_non_html") == 1


# --- rel=canonical --------------------------------------------------------------------------


def _canonical_page(target: str) -> str:
    return html('<a href="other.html">o</a>', head=f'<link rel="canonical" href="{target}">')


def test_rel_canonical_to_another_same_host_page_requests_it_and_emits_nothing() -> None:
    spider = make_spider()
    _, requests = run(spider, respond(home(spider), html('<a href="print.html">print</a>')))
    (dup_request,) = page_requests(requests)
    items, requests = run(spider, respond(dup_request, _canonical_page("/nursing.html?utm_source=x")))
    assert items == []
    canonical = [r for r in requests if META_CANONICAL_OF in r.meta]
    assert [r.url for r in canonical] == [f"{SITE}/nursing.html"]
    assert canonical[0].meta[META_DEPTH] == dup_request.meta[META_DEPTH]  # same page, same depth
    assert f"{SITE}/other.html" in [r.url for r in requests]  # links of the duplicate still followed
    assert stat(spider, "canonical_redirects") == 1

    # The canonical page is taken as is, even if it points back (no disappearing loop).
    items, _ = run(spider, respond(canonical[0], _canonical_page("/print.html")))
    assert [i["url"] for i in items] == [f"{SITE}/nursing.html"]


def test_rel_canonical_already_requested_is_just_a_duplicate() -> None:
    spider = make_spider()
    _, requests = run(spider, respond(home(spider), html('<a href="a.html">a</a><a href="b.html">b</a>')))
    a_request, b_request = page_requests(requests)
    items, requests = run(spider, respond(b_request, _canonical_page("a.html")))
    assert items == []
    assert not [r for r in requests if META_CANONICAL_OF in r.meta]


@pytest.mark.parametrize(
    "target",
    [
        "",  # self, written as an empty href
        "/start.html?ref=nav#x",  # self, with tracking noise
        "http://elsewhere.test/start.html",  # another site: syndication, not a duplicate here
        "brochure.pdf",  # not an HTML page
        "mailto:x@prov.test",
    ],
)
def test_rel_canonical_that_is_self_or_unusable_keeps_the_page(target: str) -> None:
    spider = make_spider(start_urls=f"{SITE}/start.html")
    items, requests = run(spider, respond(home(spider), _canonical_page(target)))
    assert [i["url"] for i in items] == [f"{SITE}/start.html"]
    assert not [r for r in requests if META_CANONICAL_OF in r.meta]


def test_rel_canonical_target_that_fails_emits_the_duplicate_instead() -> None:
    spider = make_spider()
    items, requests = run(spider, respond(home(spider), _canonical_page("/gone.html")))
    (canonical,) = [r for r in requests if META_CANONICAL_OF in r.meta]
    failure = Failure(HttpError(respond(canonical, "gone", status=404), "Ignoring non-200 response"))
    failure.request = canonical  # type: ignore[attr-defined]
    fallback = list(spider._page_failed(failure))
    assert [i["url"] for i in fallback] == [f"{SITE}/"]
    assert stat(spider, "canonical_fallbacks") == 1


# --- sitemaps -----------------------------------------------------------------------------


def test_sitemaps_are_requested_once_the_start_url_answers() -> None:
    spider = make_spider()
    request = home(spider)
    _, requests = run(spider, respond(request, html("")))
    sitemap_sources = [r.url for r in requests if r.callback == spider._parse_sitemap]
    assert sitemap_sources == [f"{SITE}/robots.txt", f"{SITE}/sitemap.xml"]
    _, again = run(spider, respond(request, html("")))
    assert [r for r in again if r.callback == spider._parse_sitemap] == []


def test_robots_txt_sitemap_lines_and_urlset_entries() -> None:
    spider = make_spider()
    _, requests = run(spider, respond(home(spider), html('<a href="linked.html">l</a>')))
    robots_request = next(r for r in requests if r.url.endswith("/robots.txt"))
    robots = respond(
        robots_request,
        f"User-agent: *\nDisallow: /private/\nSitemap: {SITE}/sitemap-a.xml\n"
        "Sitemap: http://elsewhere.test/sitemap.xml\n",
        content_type="text/plain",
        cls=TextResponse,
    )
    nested = list(spider._parse_sitemap(robots))
    assert [r.url for r in nested] == [f"{SITE}/sitemap-a.xml"]
    assert nested[0].meta["depth_reset"] is True

    urlset = f"""<?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>{SITE}/</loc></url>
      <url><loc>{SITE}/linked.html</loc></url>
      <url><loc>{SITE}/only-in-sitemap.html?utm_source=sitemap</loc></url>
      <url><loc>{SITE}/brochure.pdf</loc></url>
      <url><loc>http://elsewhere.test/page.html</loc></url>
    </urlset>"""
    sitemap = respond(nested[0], urlset, content_type="application/xml", cls=XmlResponse)
    pages = list(spider._parse_sitemap(sitemap))
    assert [r.url for r in pages] == [f"{SITE}/only-in-sitemap.html"]
    assert pages[0].meta[META_DEPTH] == 1
    assert stat(spider, "sitemap_urls") == 5


# --- failures -------------------------------------------------------------------------------


def _fail(request: Request, exc: Exception) -> Failure:
    failure = Failure(exc)
    failure.request = request  # type: ignore[attr-defined]
    return failure


def test_unreachable_start_url_is_recorded() -> None:
    spider = make_spider()
    request = home(spider)
    out = list(spider._page_failed(_fail(request, DownloadConnectionRefusedError("111: refused"))))
    assert out == []  # nothing else to do for this site: no sitemap requests either
    assert stat(spider, "start_urls_failed") == 1
    assert stat(spider, "start_url_errors") == [f"{SITE}/: Connection refused"]


def test_start_url_forbidden_by_robots_is_a_start_failure() -> None:
    spider = make_spider()
    list(spider._page_failed(_fail(home(spider), IgnoreRequest("Forbidden by robots.txt"))))
    assert stat(spider, "start_url_errors") == [f"{SITE}/: Forbidden by robots.txt"]


def test_start_url_http_error_is_reported_but_the_site_is_still_crawled() -> None:
    spider = make_spider()
    request = home(spider)
    out = list(spider._page_failed(_fail(request, HttpError(respond(request, "x", status=500), "no"))))
    assert stat(spider, "start_urls_failed") is None
    assert stat(spider, "start_url_http_errors") == [f"{SITE}/: HTTP 500"]
    assert [r.url for r in out] == [f"{SITE}/robots.txt", f"{SITE}/sitemap.xml"]


def test_start_url_redirect_to_another_host_adopts_that_host() -> None:
    spider = make_spider(start_urls="http://prov.test/")
    request = home(spider)
    response = respond(request, html('<a href="/a.html">a</a>'), url="https://www.prov.test/")
    items, requests = run(spider, response)
    assert items[0]["site"] == "http://prov.test"
    assert [r.url for r in page_requests(requests)] == ["https://www.prov.test/a.html"]
