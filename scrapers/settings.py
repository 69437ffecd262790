"""Scrapy settings of the internscope project.

Loaded by `scrapy crawl` through scrapy.cfg and by `catalog.crawl` (which sets
SCRAPY_SETTINGS_MODULE=scrapers.settings in its worker). Anything a single run needs
to change (limits, the catalog path, a feed for tests) is passed as an override
there, not edited here.
"""

from __future__ import annotations

import os
from pathlib import Path

BOT_NAME = "internscope"

SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

# --- Politeness -------------------------------------------------------------------
# Provider sites are small businesses; we identify ourselves with a URL a webmaster
# can follow, obey robots.txt, and let AutoThrottle back off when a site is slow.
USER_AGENT = "internscope/0.1 (+https://github.com/internscope/internscope)"
ROBOTSTXT_OBEY = True

AUTOTHROTTLE_ENABLED = True
# First delay before AutoThrottle has any latency measurement: polite for an unknown
# site, and adapted away within a few responses.
AUTOTHROTTLE_START_DELAY = 1.0
# Cap on the delay for a struggling site, so one slow site cannot stall a crawl forever.
AUTOTHROTTLE_MAX_DELAY = 30.0
# About two requests in flight per site on average: a site crawl of 500 pages still
# takes minutes rather than hours, without hammering small shared hosts.
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
# Hard ceiling per site; Scrapy's default (8) is more than a small provider needs and the
# field notes show one-site crawls are capped by this value anyway.
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# A provider's crawl_delay (providers registry) is a DOWNLOAD_SLOTS delay; Scrapy's
# AutoThrottle would lower it on a fast site, this subclass keeps it as the slot's floor.
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "scrapers.throttle.ProviderAutoThrottle": 0,
}

# --- Robustness ---------------------------------------------------------------------
# Scrapy's default 180 s lets one dead server hold a slot for three minutes.
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
# One initial try and two retries: enough for a transient 503/timeout, not enough to
# keep knocking on a server that is down.
RETRY_TIMES = 2
# Program pages are a few hundred KB at most; anything larger is a media file or a
# trap, so cap the download (and warn well before the cap).
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# Scrapy's own list (500, 502, 503, 504, 522, 524, 408, 429), written out because the hostile-site
# tests rely on 500 and 429 being retried.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# A 429/503 Retry-After is waited for (scrapers.safety.RetryAfterMiddleware) up to this many
# seconds; a server asking for longer loses that page for this run instead of stalling it.
INTERNSCOPE_RETRY_AFTER_MAX = 30.0
# Real sites redirect once or twice (http -> https -> www); Scrapy's default 20 lets a redirect
# chain or loop cost twenty requests per link.
REDIRECT_MAX_TIMES = 5

# --- Scope --------------------------------------------------------------------------
# Program pages sit within a few clicks of the home page (home > destinations >
# country > program); deeper links are mostly calendars, tag archives and pagination.
DEPTH_LIMIT = 6
# Per start URL page budget (the spider enforces it; 0 means no limit). A provider site
# rarely has more than a few hundred pages, so 500 bounds runaway crawls of CMS traps.
INTERNSCOPE_MAX_PAGES = 500
# Crawler traps (scrapers.traps): at most this many URLs of one shape (digits folded, query values
# dropped) per host, so an endless calendar cannot spend the page budget; 0 = no limit.
INTERNSCOPE_MAX_PAGES_PER_PATTERN = 100

# The telnet console and the remote-control HTTP server each open a TCP port per crawl
# process; the catalog runs crawls in child processes and uses neither.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- Pipelines ----------------------------------------------------------------------
# Named as strings only: scrapers/ must not import pipelines/ or catalog/ (see
# docs/ARCHITECTURE.md). Extract, then validate, then store.
ITEM_PIPELINES = {
    # ExtractPipeline, optionally with its extraction in worker processes (INTERNSCOPE_EXTRACT_PROCESSES).
    "pipelines.parallel.ParallelExtractPipeline": 300,
    "pipelines.scrapy_pipelines.ValidatePipeline": 400,
    "catalog.store.CatalogPipeline": 800,
}
# Worker processes that extract pages beside the crawl process (pipelines/parallel.py); 0 extracts in the crawl
# process. Off by default: a polite crawl (seconds between requests to a site) leaves the crawl process idle most
# of the time, and a worker costs ~75 MB. Turn it on (1) for crawls that go as fast as the sites allow: on a
# generated 5,000-page site it took the full crawl from 0.41-0.43 to 0.54-0.73 of a bare crawl's pages/s, as fast
# as the crawl process's own core allows (bench/crawl.py, README "Measured figures").
INTERNSCOPE_EXTRACT_PROCESSES = 0
# Catalog path read by catalog.store.CatalogPipeline (relative to the working directory).
# Empty turns the store pipeline off: a Scrapyd job writes a feed instead (see below).
INTERNSCOPE_DB = "internscope.db"
# The store commits pages in batches: a transaction holds at most this many pages and is committed at most
# this many seconds after its first page (readers see whole pages, at most that late). One commit per page
# cost 0.3-0.4 ms more per page in the crawl process (catalog/store.py, bench/crawl.py).
INTERNSCOPE_COMMIT_PAGES = 50
INTERNSCOPE_COMMIT_SECONDS = 1.0

# --- Feeds (Scrapyd jobs) -------------------------------------------------------------
# `-o job.jl:internscope` (or FEEDS with format "internscope") writes the page items between a
# start and a finish line, for `internscope ingest` (catalog/feed.py).
FEED_EXPORTERS = {"internscope": "catalog.feed.FeedItemExporter"}

# --- Monitors ---------------------------------------------------------------------------
# spidermon runs catalog.monitors.CrawlMonitorSuite when the spider closes; a failed monitor
# makes `internscope crawl` exit non-zero and is recorded in the run's crawl_runs row. The
# extension is spidermon's own, with failures logged as warnings rather than crawl errors
# (added to the EXTENSIONS set above, if any).
EXTENSIONS = {**globals().get("EXTENSIONS", {}), "catalog.monitors.Spidermon": 500}
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["catalog.monitors.CrawlMonitorSuite"]
# A site that gives fewer programs than this share of its last complete run (a redesign the
# crawler no longer follows, pages gone missing) fails the crawl.
INTERNSCOPE_MONITOR_MIN_PROGRAM_RATIO = 0.5
# Error log records (requests given up after retries, unreachable start URLs) per request.
INTERNSCOPE_MONITOR_MAX_ERROR_RATE = 0.1
# Program pages whose record failed validation, per program page.
INTERNSCOPE_MONITOR_MAX_REJECTED_RATE = 0.2
# Finish reasons that count as a good crawl (a page budget or a shutdown is not one).
INTERNSCOPE_MONITOR_FINISH_REASONS = ["finished"]

# --- HTTP cache (off here; on for every catalog crawl) ---------------------------------
# catalog.crawl.run_crawl turns it on with a cache directory next to the catalog
# (`<db>.httpcache/`), which makes re-crawls incremental; a bare `scrapy crawl` has it off
# unless `-s HTTPCACHE_ENABLED=1`.
HTTPCACHE_ENABLED = False
# RFC2616Policy's revalidation (If-None-Match / If-Modified-Since) without its heuristic
# freshness, so every page is asked about: an unchanged one costs a 304 instead of the page,
# a changed one is fetched again (scrapers/httpcache.py).
HTTPCACHE_POLICY = "scrapers.httpcache.RevalidatingPolicy"
# One SQLite file: an entry is written whole or not at all, even by a crawl killed mid-write.
HTTPCACHE_STORAGE = "scrapers.httpcache.SqliteCacheStorage"
# Scrapy's scheduler, except that a JOBDIR queue a full disk cannot store stops the crawl (finish reason
# disk_full) instead of failing on every request for ever (scrapers/diskfull.py).
SCHEDULER = "scrapers.diskfull.DiskFullScheduler"
# On the network side of HttpCacheMiddleware (900): RevalidationMiddleware tells the spider
# which cached pages the server answered 304 for, and DownloaderStats counts what came over
# the network (at its default 850 it counts the cached body of every 304 as downloaded).
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.stats.DownloaderStats": 950,
    "scrapers.middlewares.RevalidationMiddleware": 960,
}
# An absolute path: a relative HTTPCACHE_DIR is resolved against the project's .scrapy
# directory, which Scrapy cannot find when the crawl worker runs outside the repo.
# Override with the INTERNSCOPE_HTTPCACHE_DIR environment variable or -s HTTPCACHE_DIR=...
_cache_home = Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"))
HTTPCACHE_DIR = os.environ.get("INTERNSCOPE_HTTPCACHE_DIR", str(_cache_home / "internscope" / "httpcache"))
# 0 = entries never expire on their own; the RFC 2616 policy decides freshness.
HTTPCACHE_EXPIRATION_SECS = 0
# Never cache server errors: a site that was down yesterday should be asked again.
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# --- Safety ---------------------------------------------------------------------------------
# scrapers.safety and scrapers.robots (README "Safety"): the SSRF guard runs first, before even
# robots.txt is fetched for a host, so nothing off the provider's site is ever asked for; robots.txt
# follows RFC 9309 (a 5xx or unreachable robots.txt disallows the site); Retry-After is waited for
# between RetryMiddleware (550) and the network; decompression bombs are refused and counted.
DOWNLOADER_MIDDLEWARES = {
    **globals().get("DOWNLOADER_MIDDLEWARES", {}),
    "scrapers.safety.RequestGuardMiddleware": 40,
    "scrapers.safety.RedirectGuardMiddleware": 610,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scrapers.robots.Rfc9309RobotsTxtMiddleware": 100,
    "scrapers.safety.RetryAfterMiddleware": 560,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "scrapers.safety.BoundedHttpCompressionMiddleware": 590,
}

# --- Output and logging ---------------------------------------------------------------
# Program pages are multilingual (₹, €, accented city names): keep feeds readable UTF-8
# instead of \u escapes.
FEED_EXPORT_ENCODING = "utf-8"
# INFO shows progress and the final stats; DEBUG logs every request. catalog.crawl shows
# only WARNING and above unless asked to be verbose.
LOG_LEVEL = "INFO"
