"""robots.txt as RFC 9309 (section 2.3.1) says, on top of Scrapy's RobotsTxtMiddleware and Protego.

Scrapy parses whatever body the robots.txt request returned, whatever its status, and treats a
failed download as "no robots.txt": a server error page usually parses as "allow everything", so
a site whose robots.txt is down would be crawled in full. RFC 9309 says:

* 2xx: the file's rules (malformed lines are ignored, which Protego already does);
* 3xx: followed (RedirectMiddleware, at most REDIRECT_MAX_TIMES hops); a redirect that cannot be
  followed (too many hops, or one the SSRF guard refuses) leaves the file "unavailable";
* 4xx, "unavailable": the crawler MAY access any resource, as if there were no robots.txt;
* 5xx, "unreachable": the crawler MUST assume complete disallow. So must it when the server
  cannot be reached at all (connection refused, timeout, reset).

This middleware does exactly that. A 429 (too many requests) is taken as a server error too: the
RFC allows access for 4xx (a MAY), and a server that is already asking for less traffic should
not get a full crawl. For an unreachable robots.txt each page request fails with the very error
the robots.txt request met, so a dead site is still reported as "Connection refused" or "timed
out" rather than as a robots.txt refusal. Counted: `internscope/robots_disallow_all` per site
whose robots.txt answered with a server error, `internscope/robots_unreachable` per site that
could not be reached.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.robotstxt import RobotParser

__all__ = ["DISALLOW_ALL", "Rfc9309RobotsTxtMiddleware"]

logger = logging.getLogger(__name__)

# A robots.txt that disallows everything for every user agent ("complete disallow").
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class Rfc9309RobotsTxtMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware with RFC 9309's status handling (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        # netloc -> the exception its robots.txt download failed with
        self._unreachable: dict[str, Exception] = {}

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        status = response.status
        if status >= 500 or status == 429:
            self._stats.inc_value("internscope/robots_disallow_all")
            logger.warning(
                "robots.txt of %s answered HTTP %s: complete disallow for that site (RFC 9309)",
                netloc, status, extra={"spider": self.crawler.spider},
            )
            response = response.replace(body=DISALLOW_ALL)
        elif status >= 300:
            # 4xx "unavailable" (or a redirect that was not followed): no rules at all, rather
            # than the rules an HTML error page happens to parse into.
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if not isinstance(exc, IgnoreRequest):
            # Recorded before the parent resolves the waiting requests' Deferred, which resumes them.
            self._unreachable[netloc] = exc
            self._stats.inc_value("internscope/robots_unreachable")
            logger.warning(
                "robots.txt of %s could not be fetched (%s): complete disallow for that site (RFC 9309)",
                netloc, type(exc).__name__, extra={"spider": self.crawler.spider},
            )
        super()._robots_error(exc, netloc)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        failed = self._unreachable.get(urlparse_cached(request).netloc)
        if failed is not None:
            # The same error the robots.txt request met (RetryMiddleware retries it like a failed
            # download, without touching the network: this check runs again first).
            raise failed
        super().process_request_2(rp, request)
