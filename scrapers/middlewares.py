"""Downloader middlewares of the project.

`RevalidationMiddleware` sits on the network side of HttpCacheMiddleware (priority above its 900), so
it sees what the server really sent before the cache swaps a 304 for the stored page. It records a
304 in the request's meta (`META_NOT_MODIFIED`): the spider could not tell otherwise, since the
response it gets is the cached 200 with the flag `cached`, the same flag a copy served in place of a
failed download (5xx, connection error) carries. Only a recorded 304 means "the server says this page
has not changed".

The bytes that came over the network are Scrapy's own `downloader/response_bytes`: scrapers/settings.py
moves DownloaderStats to the same side of the cache.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

__all__ = ["META_NOT_MODIFIED", "RevalidationMiddleware"]

META_NOT_MODIFIED = "internscope_not_modified"


class RevalidationMiddleware:
    """Record the server's 304 answers in request meta (and count them: `internscope/not_modified`)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        # "cached": served by HttpCacheMiddleware without a download, never the server's answer.
        if response.status == 304 and "cached" not in response.flags:
            self.stats.inc_value("internscope/not_modified")
            request.meta[META_NOT_MODIFIED] = True
        return response
