"""The shared spider: sitemaps plus same-host link following, one page item per HTML page.

Concrete spiders are declarations (All The Places style): a `name`, optionally
`start_urls`, extra `sitemap_urls`, or `follow_links = False`. Everything else lives
here, built on Scrapy's own machinery:

* Sitemaps come from SitemapSpider: the `Sitemap:` lines of each start origin's
  robots.txt and its `/sitemap.xml` (a missing one is a quiet 404), requested once the
  start URL's server has answered.
* Links are read with one raw lxml XPath over the tree parsel has already parsed
  (about 0.2 ms for 266 links versus 12.7 ms for LinkExtractor, see FIELD-NOTES),
  keeping LinkExtractor's deny-extension list.
* robots.txt is obeyed by Scrapy's RobotsTxtMiddleware (ROBOTSTXT_OBEY), duplicates
  are folded by canonicalising every URL before it is requested (scrapers.urls) and by
  the scheduler's dupefilter, depth is tracked in request meta.

Per-provider settings (the providers registry of catalog/providers.py) arrive as the
`providers` spider argument, a JSON object mapping each start URL to its provider's
name, allowed hosts, program-URL patterns, page budget, depth limit, default currency
and crawl delay (see ProviderSpider).

The page item is the plain dict of docs/ARCHITECTURE.md; nothing here imports
pipelines/ or catalog/.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.spiders import SitemapSpider
from scrapy.utils.response import get_base_url
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefusedError
from twisted.internet.error import DNSLookupError
from twisted.internet.error import TimeoutError as TxTimeoutError
from w3lib.html import strip_html5_whitespace

from scrapers.middlewares import META_NOT_MODIFIED
from scrapers.traps import DEFAULT_MAX_PER_PATTERN, TrapGuard
from scrapers.urls import canonicalize, has_denied_extension, is_http_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector
    from twisted.python.failure import Failure

__all__ = ["HTML_CONTENT_TYPES", "STATS_PREFIX", "ProviderSpider", "describe_failure", "error_kind"]

# Only these Content-Types become page items; everything else is counted and dropped.
HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
STATS_PREFIX = "internscope/"

# Request meta keys (prefixed so they cannot collide with Scrapy's or other components').
META_START = "internscope_start"  # canonical start URL the request descends from
META_DEPTH = "internscope_depth"  # link depth from that start URL
META_IS_START = "internscope_is_start"  # the start URL's own request
META_UNFOLDED = "internscope_unfolded"  # URL with index.html kept, tried when the folded one 404s
META_NO_FOLD = "internscope_no_fold"  # this request is that fallback: keep index.html in `url`
META_CANONICAL_OF = "internscope_canonical_of"  # fetched because that page named it rel=canonical
META_FALLBACK_ITEM = "internscope_fallback_item"  # that page's item, emitted if this fetch fails
# Key of the frontier in `self.state`, which Scrapy's SpiderState keeps in the JOBDIR between the
# parts of a paused and resumed crawl.
STATE_FRONTIER = "internscope_frontier"

# Sitemap pages are listed by the site itself, one step from its root, like the home
# page's own links.
SITEMAP_DEPTH = 1
DEFAULT_MAX_PAGES = 500
DEFAULT_DEPTH_LIMIT = 6

# Navigation and footers repeat the same hrefs on every page, so memoising the
# canonical form saves most of the per-link cost.
_canonical = lru_cache(maxsize=65536)(canonicalize)


@lru_cache(maxsize=65536)
def _classify(url: str) -> tuple[str, str, bool] | None:
    """(canonical URL, its netloc, denied by extension) for an absolute http(s) URL, else None."""
    if not is_http_url(url):
        return None
    canon = _canonical(url)
    return canon, urlsplit(canon).netloc, has_denied_extension(canon)

_A_HREFS = "//a/@href | //area/@href"


@dataclass
class _Start:
    """Crawl state of one start URL: its site, the hosts that count as that site, its budget,
    and the settings of its provider when it came from the registry (None: the spider's own)."""

    url: str
    site: str
    hosts: set[str] = field(default_factory=set)  # netlocs (host[:port]) of the site
    pages: int = 0
    sitemaps_requested: bool = False
    unfolded: str | None = None  # the start URL with its index.html, if it had one
    any_port_hosts: set[str] = field(default_factory=set)  # allowed host names given without a port
    provider: str | None = None
    patterns: tuple[re.Pattern[str], ...] = ()  # program-URL patterns; empty = every page is a candidate
    max_pages: int | None = None
    depth: int | None = None
    currency: str | None = None
    crawl_delay: float | None = None

    def allows(self, netloc: str) -> bool:
        """Whether a URL with this netloc belongs to the site (same-site links, sitemaps, canonicals)."""
        if netloc in self.hosts:
            return True
        if not self.any_port_hosts:
            return False
        host = netloc.rsplit(":", 1)[0] if ":" in netloc and not netloc.endswith("]") else netloc
        return host in self.any_port_hosts

    def is_candidate(self, url: str) -> bool:
        """Whether a page at `url` may be a program page, by the provider's program-URL patterns."""
        return not self.patterns or any(p.search(url) for p in self.patterns)


def _provider_settings(value: str | dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The `providers` argument (JSON text or a dict): start URL -> settings, keys canonical."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as e:
            raise ValueError(f"providers must be a JSON object: {e}") from None
    if not isinstance(value, dict):
        raise ValueError("providers must be a JSON object mapping start URLs to settings")
    settings: dict[str, dict[str, Any]] = {}
    for url, config in value.items():
        if not is_http_url(str(url)) or not isinstance(config, dict):
            raise ValueError(f"providers: bad entry for {url!r}: need an http(s) URL and an object of settings")
        try:
            patterns = tuple(re.compile(str(p)) for p in config.get("program_url_patterns") or ())
        except re.error as e:
            raise ValueError(f"providers: {url}: bad program URL pattern: {e}") from None
        delay = config.get("crawl_delay")
        settings[canonicalize(str(url))] = {
            "provider": str(config["provider"]) if config.get("provider") else None,
            "hosts": [str(h).lower() for h in config.get("allowed_hosts") or ()],
            "patterns": patterns,
            "max_pages": _optional_int(config.get("max_pages"), f"providers: {url}: max_pages"),
            "depth": _optional_int(config.get("depth"), f"providers: {url}: depth"),
            "currency": str(config["currency"]).upper() if config.get("currency") else None,
            "crawl_delay": None if delay is None else float(delay),
        }
    return settings


def _split_start_urls(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    raw = value.split(",") if isinstance(value, str) else list(value)
    urls = [str(item).strip() for item in raw]
    for url in urls:
        if url and not is_http_url(url):
            raise ValueError(f"bad start URL {url!r}: need an absolute http(s) URL with a host")
    return [url for url in urls if url]


def _optional_int(value: int | str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must not be negative, got {number}")
    return number


def error_kind(failure: Failure) -> str | None:
    """The kind a failed page fetch is counted under (`internscope/errors/<kind>`), or None when
    it is no error (a request robots.txt or a middleware chose not to make)."""
    exc = failure.value
    if isinstance(exc, IgnoreRequest) and not isinstance(exc, HttpError):
        return None
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, DownloadConnectionRefusedError | TxConnectionRefusedError):
        return "connection_refused"
    if isinstance(exc, CannotResolveHostError | DNSLookupError):
        return "dns"
    if isinstance(exc, DownloadTimeoutError | TxTimeoutError):
        return "timeout"
    return type(exc).__name__


def describe_failure(failure: Failure) -> str:
    """A short one-line reason for a failed request (no traceback)."""
    exc = failure.value
    if isinstance(exc, DownloadConnectionRefusedError | TxConnectionRefusedError):
        return "Connection refused"
    if isinstance(exc, CannotResolveHostError | DNSLookupError):
        return "DNS lookup failed"
    if isinstance(exc, DownloadTimeoutError | TxTimeoutError):
        return "timed out"
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status}"
    if isinstance(exc, IgnoreRequest):
        return str(exc) or "request ignored"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class ProviderSpider(SitemapSpider):
    """Base spider for provider sites. Subclasses set `name` and, optionally:

    * `start_urls`: default start URLs (the `start_urls` spider argument replaces them),
    * `sitemap_urls`: extra absolute sitemap URLs (robots.txt and /sitemap.xml of each
      start origin are always read when `use_sitemaps` is true),
    * `use_sitemaps` / `follow_links`: turn either discovery method off.

    Spider arguments: `start_urls` (comma-separated string or list), `max_pages` (per
    start URL, 0 = unlimited; default INTERNSCOPE_MAX_PAGES), `depth` (link depth, 0 =
    unlimited; default DEPTH_LIMIT) and `providers`: JSON (or a dict) mapping start URLs to
    their provider's settings, each optional: `provider` (name), `allowed_hosts` (host names,
    any port, or host:port; the start URL's own host is always allowed), `program_url_patterns`
    (regexes searched in the canonical URL: a page matching none is still fetched and its
    links followed, but no item is emitted for it), `max_pages` and `depth` (win over the
    arguments above for that start URL), `currency` (put on its items as `default_currency`)
    and `crawl_delay` (seconds between requests to its hosts: a DOWNLOAD_SLOTS delay that
    scrapers.throttle.ProviderAutoThrottle never lowers). Start URLs default to its keys.
    """

    start_urls: list[str] = []
    sitemap_urls: Sequence[str] = ()
    use_sitemaps: bool = True
    follow_links: bool = True

    def __init__(
        self,
        *args: Any,
        start_urls: str | Iterable[str] | None = None,
        max_pages: int | str | None = None,
        depth: int | str | None = None,
        providers: str | dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        provider_settings = _provider_settings(providers)
        if start_urls is None and provider_settings:
            start_urls = list(provider_settings)
        raw_urls = _split_start_urls(start_urls if start_urls is not None else type(self).start_urls)
        if not raw_urls:
            raise ValueError(f"spider {self.name!r} needs start URLs: -a start_urls=http://...")
        self._max_pages_arg = _optional_int(max_pages, "max_pages")
        self._depth_arg = _optional_int(depth, "depth")
        self.max_pages: int = DEFAULT_MAX_PAGES if self._max_pages_arg is None else self._max_pages_arg
        self.depth_limit: int = DEFAULT_DEPTH_LIMIT if self._depth_arg is None else self._depth_arg
        self._starts: dict[str, _Start] = {}
        for raw in raw_urls:
            url = canonicalize(raw)
            if url in self._starts:
                continue
            parts = urlsplit(url)
            unfolded = canonicalize(raw, fold_index=False)
            config = provider_settings.get(url, {})
            hosts = config.get("hosts") or []
            self._starts[url] = _Start(
                url=url,
                site=f"{parts.scheme}://{parts.netloc}",
                hosts={parts.netloc, *(h for h in hosts if ":" in h and not h.endswith("]"))},
                unfolded=unfolded if unfolded != url else None,
                any_port_hosts={h for h in hosts if ":" not in h or h.endswith("]")},
                provider=config.get("provider"),
                patterns=config.get("patterns") or (),
                max_pages=config.get("max_pages"),
                depth=config.get("depth"),
                currency=config.get("currency"),
                crawl_delay=config.get("crawl_delay"),
            )
        self.start_urls = list(self._starts)
        # Canonical URLs already requested: the frontier's own dedupe, so the page budget
        # counts distinct pages (the scheduler's dupefilter stays as the backstop).
        self._seen: set[str] = set(self.start_urls)
        # Endless calendars and relative-link loops (scrapers.traps); limit from settings in _apply_limits.
        self._traps = TrapGuard()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._apply_limits(crawler.settings)
        return spider

    def _apply_limits(self, settings: BaseSettings) -> None:
        # Spider arguments win over settings. DEPTH_LIMIT is also written back so that
        # Scrapy's DepthMiddleware (built after the spider) enforces the same limit.
        # Settings are still mutable here: Crawler freezes them after creating the spider.
        overrides = ((self._depth_arg, "DEPTH_LIMIT"), (self._max_pages_arg, "INTERNSCOPE_MAX_PAGES"))
        for arg, setting in overrides:
            if arg is not None and not settings.frozen:
                priority = max(settings.getpriority(setting) or 0, SETTINGS_PRIORITIES["spider"])
                settings.set(setting, arg, priority=priority)
        self.depth_limit = self._depth_arg if self._depth_arg is not None else settings.getint("DEPTH_LIMIT")
        self.max_pages = (
            self._max_pages_arg
            if self._max_pages_arg is not None
            else settings.getint("INTERNSCOPE_MAX_PAGES", DEFAULT_MAX_PAGES)
        )
        self._traps = TrapGuard(settings.getint("INTERNSCOPE_MAX_PAGES_PER_PATTERN", DEFAULT_MAX_PER_PATTERN))
        if not settings.frozen:
            self._apply_provider_settings(settings)

    def _apply_provider_settings(self, settings: BaseSettings) -> None:
        # DepthMiddleware knows one limit for the whole crawl: it must let through the deepest
        # a provider allows, while this spider applies each start URL's own limit.
        depths = [self.depth_limit, *(s.depth for s in self._starts.values() if s.depth is not None)]
        needed = 0 if 0 in depths else max(depths)
        if needed != settings.getint("DEPTH_LIMIT"):
            priority = max(settings.getpriority("DEPTH_LIMIT") or 0, SETTINGS_PRIORITIES["spider"])
            settings.set("DEPTH_LIMIT", needed, priority=priority)
        # A provider's crawl delay is the delay of the download slots of its hosts (Scrapy keys
        # slots by host name); two providers sharing a host get the larger delay.
        slots = {key: dict(value) for key, value in settings.getdict("DOWNLOAD_SLOTS").items()}
        for start in self._starts.values():
            if start.crawl_delay is None:
                continue
            names = {h.rsplit(":", 1)[0] if not h.endswith("]") else h for h in start.hosts} | start.any_port_hosts
            for name in names:
                name = name.strip("[]")
                slot = slots.setdefault(name, {})
                slot["delay"] = max(float(slot.get("delay", 0.0)), start.crawl_delay)
        if slots != settings.getdict("DOWNLOAD_SLOTS"):
            priority = max(settings.getpriority("DOWNLOAD_SLOTS") or 0, SETTINGS_PRIORITIES["spider"])
            settings.set("DOWNLOAD_SLOTS", slots, priority=priority)

    # -- helpers ---------------------------------------------------------------------

    @property
    def _stats(self) -> StatsCollector:
        # crawler.stats only exists once the crawler has applied its settings, which is
        # after from_crawler, so it is looked up on use.
        return self.crawler.stats

    def _count(self, key: str, n: int = 1) -> None:
        self._stats.inc_value(STATS_PREFIX + key, n)

    def _append_stat(self, key: str, value: str) -> None:
        values = list(self._stats.get_value(STATS_PREFIX + key, []))
        values.append(value)
        self._stats.set_value(STATS_PREFIX + key, values)

    def _incomplete(self, start: _Start, why: str) -> None:
        """Record that this run did not see all of a site, so its unseen programs are not marked gone."""
        sites = dict(self._stats.get_value(STATS_PREFIX + "incomplete_sites", {}))
        sites.setdefault(start.site, why)
        self._stats.set_value(STATS_PREFIX + "incomplete_sites", sites)

    def _start_for(self, response_or_request: Response | Request) -> _Start:
        start = self._starts.get(response_or_request.meta.get(META_START, ""))
        if start is not None:
            return start
        netloc = urlsplit(_canonical(response_or_request.url)).netloc
        owner = next((s for s in self._starts.values() if s.allows(netloc)), None)
        return owner if owner is not None else next(iter(self._starts.values()))

    def _page_request(self, url: str, start: _Start, depth: int, *, via: str = "link") -> Request | None:
        """A request for a page, or None when it is off-host, non-HTML by extension,
        already requested, too deep or over the start URL's page budget."""
        classified = _classify(url)
        if classified is None:
            return None
        canon, netloc, denied = classified
        if canon in self._seen:
            return None  # checked first: on a real site most links are already known
        if not start.allows(netloc):
            self._count(f"{via}s_offsite")
            return None
        if denied:
            self._count("skipped_extension")
            return None
        depth_limit = self._depth_limit(start)
        if depth_limit and depth > depth_limit:
            self._count("depth_limited")
            return None
        max_pages = start.max_pages if start.max_pages is not None else self.max_pages
        if max_pages and start.pages >= max_pages:
            self._count("page_limit_reached")
            self._incomplete(start, "page limit reached")
            return None
        trap = self._traps.check(canon)
        if trap is not None:
            self._count(f"refused_trap_{trap}")
            if trap == "pattern":  # the shape may still hold a real page the run did not see
                self._incomplete(start, "URL pattern limit reached")
            return None
        self._seen.add(canon)
        start.pages += 1
        meta: dict[str, Any] = {META_START: start.url, META_DEPTH: depth}
        unfolded = _canonical(url, fold_index=False)
        if unfolded != canon:
            meta[META_UNFOLDED] = unfolded
        return Request(canon, callback=self.parse, errback=self._page_failed, meta=meta)

    def site_allows(self, netloc: str) -> bool:
        """Whether a netloc (host[:port], canonical) belongs to the site of any start URL; the SSRF
        guard (scrapers.safety) asks it before every download, redirects included."""
        return any(start.allows(netloc) for start in self._starts.values())

    def _depth_limit(self, start: _Start) -> int:
        return start.depth if start.depth is not None else self.depth_limit

    # -- discovery -------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        providers = sorted({s.provider for s in self._starts.values() if s.provider})
        if providers:
            self._stats.set_value(STATS_PREFIX + "providers", providers)
        resumed = self._share_frontier()
        for start in self._starts.values():
            if start.url in resumed:
                continue  # requested by the interrupted part; what it left to do is in the JOBDIR queue
            self._count("start_urls")
            start.pages += 1
            meta: dict[str, Any] = {META_START: start.url, META_DEPTH: 0, META_IS_START: True}
            if start.unfolded:
                meta[META_UNFOLDED] = start.unfolded
            yield Request(start.url, callback=self.parse, errback=self._page_failed, meta=meta)

    def _share_frontier(self) -> set[str]:
        """With a JOBDIR (a resumable crawl), keep the frontier in the spider's state and, when
        resuming, take back what the interrupted part had: the canonical URLs requested, and per
        start URL its pages counted against the budget, its hosts and whether its sitemaps were
        asked for. Returns the start URLs taken back."""
        state = getattr(self, "state", None)  # set by SpiderState at spider_opened, only with a JOBDIR
        if not isinstance(state, dict):
            return set()
        saved = state.get(STATE_FRONTIER)
        resumed: set[str] = set()
        if isinstance(saved, dict):
            self._seen.update(saved.get("seen") or ())
            for url, old in (saved.get("starts") or {}).items():
                start = self._starts.get(url)
                if start is not None:
                    start.pages, start.sitemaps_requested = old.pages, old.sitemaps_requested
                    start.hosts |= old.hosts
                    resumed.add(url)
        # The live objects: SpiderState pickles them as they are when the spider closes.
        state[STATE_FRONTIER] = {"seen": self._seen, "starts": self._starts}
        return resumed

    def _sitemap_requests(self, start: _Start) -> Iterator[Request]:
        """robots.txt (for its Sitemap: lines), /sitemap.xml and declared sitemaps of a
        start URL's site, once. They are asked for only after the start URL's server has
        answered, so an unreachable site fails fast instead of retrying three more URLs."""
        if not self.use_sitemaps or start.sitemaps_requested:
            return
        start.sitemaps_requested = True
        urls = [f"{start.site}/robots.txt", f"{start.site}/sitemap.xml"]
        for url in self.sitemap_urls:
            if is_http_url(url) and start.allows(urlsplit(_canonical(url)).netloc):
                urls.append(_canonical(url))
        for url in urls:
            yield Request(
                url,
                callback=self._parse_sitemap,
                errback=self._sitemap_failed,
                # depth_reset (DepthMiddleware, 2.18+): a sitemap is a listing of the
                # site, not a link hop, so the pages it lists are at SITEMAP_DEPTH.
                meta={META_START: start.url, "depth_reset": True},
            )

    def _parse_sitemap(self, response: Response) -> Iterable[Request]:
        # SitemapSpider reads robots.txt `Sitemap:` lines, sitemap indexes and urlsets;
        # its requests are re-issued here so that page URLs go through the same frontier
        # rules as links (canonical form, same host, budget, depth).
        start = self._start_for(response)
        requests: list[Request] = []
        for request in super()._parse_sitemap(response):
            if request.callback == self._parse_sitemap:
                if is_http_url(request.url) and start.allows(urlsplit(_canonical(request.url)).netloc):
                    # depth_reset: a sitemap is a listing, not a link hop (DepthMiddleware, 2.18+)
                    requests.append(
                        request.replace(
                            errback=self._sitemap_failed,
                            meta={**request.meta, META_START: start.url, "depth_reset": True},
                        )
                    )
                continue
            self._count("sitemap_urls")
            page = self._page_request(request.url, start, SITEMAP_DEPTH, via="sitemap_url")
            if page is not None:
                # Scrapy's own depth for this request becomes sitemap depth (0) + 1 = 1.
                requests.append(page)
        return requests

    def _links(self, response: TextResponse, base: str, start: _Start, depth: int) -> Iterator[Request]:
        depth_limit = self._depth_limit(start)
        if depth_limit and depth >= depth_limit:
            return
        base_parts = urlsplit(base)
        base_origin = f"{base_parts.scheme}://{base_parts.netloc}"
        for href in response.selector.root.xpath(_A_HREFS):
            href = strip_html5_whitespace(str(href))
            if not href or href.startswith("#"):
                continue  # a fragment of this very page
            if href.startswith("/") and not href.startswith("//"):
                url = base_origin + href  # root-relative: no need for a full urljoin
            elif href.startswith(("http://", "https://")):
                url = href
            else:
                url = urljoin(base, href)
            request = self._page_request(url, start, depth + 1)
            if request is not None:
                yield request

    def _rel_canonical(self, response: TextResponse, base: str, start: _Start) -> str | None:
        """The page's rel=canonical URL in canonical form, when it is an HTML URL on this site."""
        for link in response.selector.root.xpath("//link[@rel][@href]"):
            if "canonical" not in str(link.get("rel", "")).lower().split():
                continue
            url = urljoin(base, strip_html5_whitespace(str(link.get("href", ""))))
            if not is_http_url(url):
                return None
            canon = _canonical(url)
            if not start.allows(urlsplit(canon).netloc) or has_denied_extension(canon):
                return None  # cross-site canonicals are syndication hints, not duplicates here
            return canon
        return None

    # -- pages -----------------------------------------------------------------------

    @staticmethod
    def is_html(response: Response) -> bool:
        """True when the response is an HTML document by its Content-Type header (or,
        without one, by the response class Scrapy sniffed from the body)."""
        if not isinstance(response, TextResponse):
            return False
        ctype = response.headers.get(b"Content-Type")
        if ctype:
            mime = ctype.split(b";", 1)[0].strip().lower().decode("latin-1")
            return mime in HTML_CONTENT_TYPES
        return isinstance(response, HtmlResponse)

    def page_item(self, response: TextResponse, url: str, depth: int, start: _Start) -> dict[str, Any]:
        """The page item of docs/ARCHITECTURE.md (`default_currency` only when the provider gives one)."""
        item = {
            "url": url,
            "fetched_url": response.url,
            "status": response.status,
            "html": response.text,
            "encoding": response.encoding,
            "etag": _header(response, b"ETag"),
            "last_modified": _header(response, b"Last-Modified"),
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "depth": depth,
            "site": start.site,
            # The server answered 304 to the HTTP cache's conditional request (scrapers.httpcache):
            # this is the cached copy of a page that has not changed since the last crawl.
            "not_modified": bool(response.meta.get(META_NOT_MODIFIED)) and "cached" in response.flags,
        }
        if start.currency:
            item["default_currency"] = start.currency
        return item

    def _emit(self, item: dict[str, Any], start: _Start) -> Iterator[dict[str, Any]]:
        """Yield the item unless the provider's program-URL patterns rule its page out."""
        if not start.is_candidate(item["url"]):
            self._count("pages_outside_patterns")
            return
        self._count("pages_html")
        yield item

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        start = self._start_for(response)
        depth = int(response.meta.get(META_DEPTH, response.meta.get("depth", 0)))
        netloc = urlsplit(_canonical(response.url)).netloc
        if response.meta.get(META_IS_START):
            self._count("start_urls_ok")
            # A start URL that redirects (http -> https, bare -> www) names the host the
            # site really lives on: its links count as same-site too.
            start.hosts.add(netloc)
            yield from self._sitemap_requests(start)
        elif not start.allows(netloc):
            self._count("offsite_redirects")
            yield from self._fallback(response.request)
            return
        if not isinstance(response, TextResponse) or not self.is_html(response):
            self._count("skipped_non_html")
            yield from self._fallback(response.request)
            return
        base = get_base_url(response)
        own_url = _canonical(response.url, fold_index=not response.meta.get(META_NO_FOLD))
        item = self.page_item(response, own_url, depth, start)
        # A page fetched because another page named it canonical is taken as is: chains
        # and loops of rel=canonical must not make both pages disappear.
        canonical = None if META_CANONICAL_OF in response.meta else self._rel_canonical(response, base, start)
        if canonical is not None and canonical != own_url:
            self._count("canonical_redirects")
            if canonical not in self._seen:
                self._seen.add(canonical)
                meta: dict[str, Any] = {
                    META_START: start.url,
                    META_DEPTH: depth,  # the same page, so the same depth
                    META_CANONICAL_OF: own_url,
                    META_FALLBACK_ITEM: item,
                    # keep DepthMiddleware from dropping it one hop "deeper"; the spider's
                    # own depth check (META_DEPTH) still bounds the pages it links to
                    "depth_reset": True,
                }
                unfolded = _canonical(canonical, fold_index=False)
                if unfolded != canonical:
                    meta[META_UNFOLDED] = unfolded
                yield Request(canonical, callback=self.parse, errback=self._page_failed, meta=meta)
            # else: the canonical page is already fetched or on its way; this copy is dropped
        else:
            yield from self._emit(item, start)
        if self.follow_links:
            # Duplicates are followed too: a region-switcher copy may be the only way in
            # to some pages, and the frontier's dedupe makes repeat links free.
            yield from self._links(response, base, start, depth)

    def _fallback(self, request: Request | None) -> Iterator[dict[str, Any]]:
        """Emit the duplicate page's item when its rel=canonical target cannot be used."""
        if request is not None and META_FALLBACK_ITEM in request.meta:
            self._count("canonical_fallbacks")
            yield from self._emit(request.meta[META_FALLBACK_ITEM], self._start_for(request))

    # -- failures --------------------------------------------------------------------

    def _page_failed(self, failure: Failure) -> Iterator[Any]:
        request: Request = failure.request  # type: ignore[attr-defined]
        meta = request.meta
        if (
            failure.check(HttpError)
            and failure.value.response.status in (404, 410)
            and META_UNFOLDED in meta
        ):
            # The server does not serve the directory form of .../index.html: ask for
            # the file itself and keep index.html in the page's URL.
            self._count("index_fallbacks")
            retry_meta = {k: v for k, v in meta.items() if k.startswith("internscope_")}
            retry_meta.pop(META_UNFOLDED)
            retry_meta[META_NO_FOLD] = True
            yield Request(
                meta[META_UNFOLDED], callback=self.parse, errback=self._page_failed, meta=retry_meta
            )
            return
        reason = describe_failure(failure)
        kind = error_kind(failure)
        if kind is not None:
            self._count(f"errors/{kind}")
        gone_for_good = failure.check(HttpError) and failure.value.response.status in (404, 410)
        if not gone_for_good and not failure.check(IgnoreRequest):
            # A page that could not be fetched may still exist: the run saw less than the whole site.
            self._incomplete(self._start_for(request), f"{request.url}: {reason}")
        if meta.get(META_IS_START):
            if failure.check(HttpError):
                # The start URL answered, just not with a page: the crawl goes on (sitemap
                # pages may still be reachable) and the status is reported.
                self._append_stat("start_url_http_errors", f"{request.url}: {reason}")
                self.logger.warning("start URL %s answered %s", request.url, reason)
                yield from self._sitemap_requests(self._start_for(request))
            else:
                self._count("start_urls_failed")
                self._append_stat("start_url_errors", f"{request.url}: {reason}")
                self.logger.error("start URL unreachable: %s: %s", request.url, reason)
        elif failure.check(HttpError):
            self._count("http_errors")
            self.logger.info("%s: %s", request.url, reason)
        elif failure.check(IgnoreRequest):
            self._count("ignored_requests")  # robots.txt, mostly; Scrapy counts robotstxt/forbidden
        else:
            self._count("page_errors")
            self.logger.warning("could not fetch %s: %s", request.url, reason)
        yield from self._fallback(request)

    def _sitemap_failed(self, failure: Failure) -> None:
        # A missing robots.txt or /sitemap.xml is normal; only count it.
        self._count("sitemap_errors")
        request: Request = failure.request  # type: ignore[attr-defined]
        self.logger.debug("sitemap source %s: %s", request.url, describe_failure(failure))
