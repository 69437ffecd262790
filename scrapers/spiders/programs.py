"""`programs`: the generic spider for any ordinary provider site.

    scrapy crawl programs -a start_urls=https://provider.example/ [-a max_pages=200] [-a depth=4]

No site-specific configuration: everything (sitemaps, same-host links, robots.txt,
canonical URLs, page items) comes from ProviderSpider.
"""

from __future__ import annotations

from scrapers.spiders.base import ProviderSpider


class ProgramsSpider(ProviderSpider):
    """Crawl the sites named by the `start_urls` argument and emit one item per HTML page."""

    name = "programs"
