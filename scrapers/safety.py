"""What the crawler refuses to fetch, and how it bounds hostile or broken servers.

Provider sites are third-party pages: anything they link to or redirect to is attacker-chosen.
Four downloader middlewares (wired in scrapers/settings.py) keep a crawl on the provider's own
site and inside its size and time limits:

* `RequestGuardMiddleware` (before everything else, robots.txt included) is the SSRF guard. It
  refuses, with IgnoreRequest and a count `internscope/refused_<reason>`:
  - `scheme`: anything but http(s);
  - `offsite`: a host the spider's sites do not include (`ProviderSpider.site_allows`: the start
    URL's host and port and the provider's allowed hosts). Redirects pass through here again:
    RedirectMiddleware returns a new Request, which the engine schedules and downloads through
    every middleware. The one exception is the start URL's own redirect to a related host
    (`http://prov.test/` -> `https://www.prov.test/`), which the spider then adopts as the site;
  - `private_address`: a host that is, or resolves to (socket.getaddrinfo, once per host), a
    loopback, private, link-local, reserved, multicast or unspecified address. The host names of
    the start URLs are exempt: a crawl of a site on loopback (tests, `make demo`) must work.
  It also turns a download cancelled for being larger than DOWNLOAD_MAXSIZE into a refusal
  (`refused_too_large`): a deliberate limit, not an error that makes the site incomplete.
* `RedirectGuardMiddleware` (just before RedirectMiddleware reads a 3xx) refuses a redirect to a
  non-http(s) Location (`file:`, `ftp:`, `javascript:`, `data:`, `gopher:` ...: `refused_scheme`)
  or to one that is not a URL at all (`refused_bad_redirect`).
* `RetryAfterMiddleware` makes the retry of a 429 or 503 wait for the server's Retry-After
  (seconds or an HTTP date) without blocking the reactor, up to INTERNSCOPE_RETRY_AFTER_MAX
  seconds; a longer wait gives the page up (`internscope/retry_after_given_up`).
* `BoundedHttpCompressionMiddleware` is Scrapy's HttpCompressionMiddleware, which already stops
  decompressing at DOWNLOAD_MAXSIZE (a compression bomb), with the refusal counted
  (`refused_decompressed_too_large`).

Known limit: the address check resolves a name once and Twisted resolves it again to connect, so a
DNS server that answers differently the second time (DNS rebinding) is not caught. Only hosts that
are already on the provider's site are resolved, which keeps that window narrow.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import socket
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Self
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, NotConfigured
from scrapy.utils.asyncio import run_in_thread, sleep
from scrapy.utils.httpobj import urlparse_cached
from w3lib.url import safe_url_string

from scrapers.urls import url_netloc

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

__all__ = [
    "REFUSED_PREFIX",
    "BoundedHttpCompressionMiddleware",
    "RedirectGuardMiddleware",
    "RequestGuardMiddleware",
    "RetryAfterMiddleware",
    "is_public_address",
    "parse_retry_after",
    "related_hosts",
]

logger = logging.getLogger(__name__)

REFUSED_PREFIX = "internscope/refused_"
HTTP_SCHEMES = frozenset({"http", "https"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Request meta keys the spider sets (scrapers.spiders.base); repeated here as strings so that this
# module does not import the spider module.
META_IS_START = "internscope_is_start"
META_START = "internscope_start"
# The start of the message of Scrapy's DownloadCancelledError for DOWNLOAD_MAXSIZE
# (scrapy.utils._download_handlers.get_maxsize_msg): "... bytes which is larger than download max size".
_MAXSIZE_MARK = "larger than download max size"
DEFAULT_RETRY_AFTER_MAX = 30.0


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for a globally routable unicast address: not loopback, private, link-local (cloud
    metadata at 169.254.169.254), shared (100.64/10), reserved, multicast or unspecified, also when
    written as an IPv4-mapped or 6to4 IPv6 address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return is_public_address(embedded)
    return address.is_global and not address.is_multicast


def related_hosts(a: str, b: str) -> bool:
    """Whether two host names are one site's variants: equal without a leading `www.`, or one a
    subdomain of the other (`prov.test`, `www.prov.test`, `en.prov.test`). Never true across
    registrable names (`prov.test` and `evil-prov.test`)."""
    a, b = a.lower().removeprefix("www."), b.lower().removeprefix("www.")
    if not a or not b or _ip(a) is not None or _ip(b) is not None:
        return a == b
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def parse_retry_after(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date, RFC 9110 10.2.3),
    or None when it is missing or unreadable. A date in the past is 0."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RequestGuardMiddleware:
    """The SSRF guard (see the module docstring). Works with any spider; with a ProviderSpider (a
    `site_allows(netloc)` method) it also keeps requests on the spider's sites."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats: StatsCollector = crawler.stats  # type: ignore[assignment]
        self._public: dict[str, bool] = {}  # host name -> all its addresses are public
        self._adopted: set[str] = set()  # netlocs a start URL redirected to (related hosts only)
        self._starts: frozenset[str] | None = None  # host names of the start URLs

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def _spider(self) -> Spider | None:
        return self.crawler.spider

    def _start_hostnames(self) -> frozenset[str]:
        # Read once: the spider's start URLs are fixed by the time anything is downloaded.
        if self._starts is None:
            urls: Iterable[str] = getattr(self._spider, "start_urls", None) or ()
            self._starts = frozenset(h for h in (urlsplit(u).hostname for u in urls) if h)
        return self._starts

    def _refuse(self, reason: str, request: Request, why: str, level: int = logging.INFO) -> IgnoreRequest:
        self.stats.inc_value(REFUSED_PREFIX + reason)
        logger.log(level, "Refused %s: %s", request.url, why, extra={"spider": self._spider})
        return IgnoreRequest(f"refused: {why}")

    def _in_scope(self, request: Request, netloc: str, host: str) -> bool:
        site_allows = getattr(self._spider, "site_allows", None)
        if site_allows is None or netloc in self._adopted or site_allows(netloc):
            return True
        # The start URL's own redirect (http -> https, bare -> www): the spider adopts the host it
        # lands on, so the guard lets a related host through for that one request chain.
        start = request.meta.get(META_START)
        if request.meta.get(META_IS_START) and request.meta.get("redirect_urls") and start:
            start_host = urlsplit(start).hostname or ""
            if related_hosts(host, start_host):
                self._adopted.add(netloc)
                return True
        return False

    async def process_request(self, request: Request) -> None:
        parts = urlparse_cached(request)
        scheme = parts.scheme.lower()
        if scheme not in HTTP_SCHEMES:
            raise self._refuse("scheme", request, f"{scheme or 'no'} scheme, only http(s) is fetched")
        host = (parts.hostname or "").lower()
        if not host:
            raise self._refuse("scheme", request, "no host")
        netloc = url_netloc(request.url)
        if not self._in_scope(request, netloc, host):
            raise self._refuse("offsite", request, f"{netloc} is not on the provider's site")
        if host in self._start_hostnames():
            return  # a start URL's own host, loopback or not: the user asked for it
        if not await self._is_public_host(host):
            raise self._refuse(
                "private_address", request, f"{host} is a private, loopback or reserved address", logging.WARNING
            )

    async def _is_public_host(self, host: str) -> bool:
        known = self._public.get(host)
        if known is not None:
            return known
        literal = _ip(host)
        if literal is not None:
            public = is_public_address(literal)
        else:
            try:
                # getaddrinfo blocks: run it in the reactor's thread pool, once per host.
                infos = await run_in_thread(socket.getaddrinfo, host, None, type=socket.SOCK_STREAM)
            except (OSError, UnicodeError):
                # Unresolvable now: the download fails with its own DNS error (and is retried,
                # passing through here again); nothing is cached.
                return True
            addresses = [_ip(str(info[4][0])) for info in infos]
            public = bool(addresses) and all(a is not None and is_public_address(a) for a in addresses)
        self._public[host] = public
        return public

    def process_exception(self, request: Request, exception: Exception) -> None:
        # Scrapy cancels a download for DOWNLOAD_MAXSIZE with its message when Content-Length gave
        # the size away, and with no message when the streamed body went past it (http11's
        # `_finished.cancel()`); it has logged a warning with the sizes either way.
        message = str(exception)
        if isinstance(exception, DownloadCancelledError) and (not message or _MAXSIZE_MARK in message):
            self.stats.inc_value(REFUSED_PREFIX + "too_large")
            raise IgnoreRequest(f"refused: larger than DOWNLOAD_MAXSIZE: {exception}") from exception
        return None


class RedirectGuardMiddleware:
    """Refuse a redirect whose Location is not an http(s) URL, or not a URL at all.

    It sits just on the network side of RedirectMiddleware (600), which would otherwise raise
    ValueError building a Request for `javascript:...` or `http://[::1`, or hand a 3xx to
    `file:`/`ftp:`/`data:` on to the spider as an HTTP error: either way a page error that marks
    the site incomplete. Redirects to http(s) URLs go on to RedirectMiddleware, and the new request
    it makes passes RequestGuardMiddleware like any other."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats: StatsCollector = crawler.stats  # type: ignore[assignment]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in REDIRECT_STATUSES or request.meta.get("dont_redirect"):
            return response
        location = response.headers.get(b"Location")
        if not location:
            return response
        shown = location.decode("latin-1")[:80]
        try:
            target = urlsplit(urljoin(request.url, safe_url_string(location)))
            scheme, host = target.scheme.lower(), target.hostname
        except ValueError:
            raise self._refuse("bad_redirect", request, f"redirect to a malformed URL {shown!r}") from None
        if scheme not in HTTP_SCHEMES:
            raise self._refuse("scheme", request, f"redirect to a non-http(s) URL {shown!r}")
        if not host:
            raise self._refuse("bad_redirect", request, f"redirect to a URL without a host {shown!r}")
        return response

    def _refuse(self, reason: str, request: Request, why: str) -> IgnoreRequest:
        self.stats.inc_value(REFUSED_PREFIX + reason)
        logger.info("Refused %s: %s", request.url, why, extra={"spider": self.crawler.spider})
        return IgnoreRequest(f"refused: {why}")


class RetryAfterMiddleware:
    """Delay the retry of a 429/503 by its Retry-After (between RetryMiddleware, 550, and the
    network, so it sees the response before RetryMiddleware schedules the retry)."""

    STATUSES = frozenset({429, 503})

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        self.crawler = crawler
        self.stats: StatsCollector = crawler.stats  # type: ignore[assignment]
        self.max_delay = settings.getfloat("INTERNSCOPE_RETRY_AFTER_MAX", DEFAULT_RETRY_AFTER_MAX)
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.retry_codes = {int(c) for c in settings.getlist("RETRY_HTTP_CODES")}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Response:
        if (
            response.status not in self.STATUSES
            or response.status not in self.retry_codes
            or request.meta.get("dont_retry")
        ):
            return response
        delay = parse_retry_after(response.headers.get(b"Retry-After"))
        if delay is None or delay <= 0:
            return response  # RetryMiddleware retries at once, as usual
        if request.meta.get("retry_times", 0) >= request.meta.get("max_retry_times", self.max_retry_times):
            return response  # no retry follows: nothing to wait for
        if delay > self.max_delay:
            # Asked to come back much later: give the page up now instead of holding the crawl.
            self.stats.inc_value("internscope/retry_after_given_up")
            logger.warning(
                "%s answered %s with Retry-After %.0f s (more than %.0f s): not retried",
                request.url, response.status, delay, self.max_delay, extra={"spider": self.crawler.spider},
            )
            request.meta["dont_retry"] = True
            return response
        self.stats.inc_value("internscope/retry_after_waits")
        logger.info(
            "%s answered %s: retrying after %.1f s (Retry-After)",
            request.url, response.status, delay, extra={"spider": self.crawler.spider},
        )
        # A timer, not a sleep: the reactor keeps downloading other pages meanwhile.
        await sleep(delay)
        return response


class BoundedHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's HttpCompressionMiddleware (which stops decompressing past DOWNLOAD_MAXSIZE and
    raises IgnoreRequest) with that refusal counted as `internscope/refused_decompressed_too_large`."""

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        try:
            return super().process_response(request, response)
        except IgnoreRequest:
            if self.stats is not None:
                self.stats.inc_value(REFUSED_PREFIX + "decompressed_too_large")
            raise
