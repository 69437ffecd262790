"""AutoThrottle that keeps each download slot's configured delay as a floor.

Scrapy's AutoThrottle moves a slot's delay toward latency / AUTOTHROTTLE_TARGET_CONCURRENCY,
bounded below only by the global DOWNLOAD_DELAY: on a fast site it would shrink a
provider's `crawl_delay` (a DOWNLOAD_SLOTS delay, see scrapers.spiders.base) to almost
nothing. This subclass lets it back off above that delay, as usual, but never go under it,
so a registry's crawl delay means what robots.txt's Crawl-delay means: at least this long
between requests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.extensions.throttle import AutoThrottle

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["ProviderAutoThrottle"]


class ProviderAutoThrottle(AutoThrottle):
    """AutoThrottle with the `delay` of each DOWNLOAD_SLOTS entry as that slot's minimum delay."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)  # raises NotConfigured when AUTOTHROTTLE_ENABLED is off
        self.floors: dict[str, float] = {
            key: float(value["delay"])
            for key, value in crawler.settings.getdict("DOWNLOAD_SLOTS").items()
            if isinstance(value, dict) and value.get("delay") is not None
        }

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key = request.meta.get("download_slot")
        floor = self.floors.get(key) if key is not None else None
        if floor is None:
            return
        slot = self.crawler.engine.downloader.slots.get(key) if self.crawler.engine else None
        if slot is not None and slot.delay < floor:
            slot.delay = floor
