"""Scrapy settings for Dateline's crawler: flat constants, env-overridable.

Per-source limits (concurrency per host, delay, timeout, page size) come from the
source's TOML file and are applied per crawl by `dateline crawl`.
"""

import os

BOT_NAME = "dateline"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = os.environ.get(
    "DATELINE_USER_AGENT",
    "Dateline/0.1 (news ingestion; +https://github.com/dateline/dateline)",
)
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = int(os.environ.get("DATELINE_CONCURRENT_REQUESTS", "32"))
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

HTTPCACHE_ENABLED = False
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening ports from a cron job
LOG_LEVEL = os.environ.get("DATELINE_CRAWL_LOG_LEVEL", "WARNING")

# Each response's output is worked through by this many tasks; the one pipeline
# only buffers, so more buy nothing and cost ~100 asyncio tasks per page (Scrapy's
# default of 100).
CONCURRENT_ITEMS = 4
# Scrapy re-reads each callback's source to warn of `return value` in generators
# (its cache misses on bound methods: a fifth of the crawl). Our callbacks are tested.
WARN_ON_GENERATOR_RETURN_VALUE = False

# Scrapy's default, the asyncio reactor: Scrapy asks for a running asyncio loop
# many times a page, and under another reactor each ask raises and catches.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

ITEM_PIPELINES = {"crawler.pipelines.EnqueuePipeline": 300}
# No fetch inward (crawler/guard.py): each request's host by its spelling, before
# robots.txt and every redirect hop; each name by the address it resolves to.
DOWNLOADER_MIDDLEWARES = {
    "crawler.guard.GuardMiddleware": 50,
    # meta-refresh redirects read from the page's head, not the decoded page
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.refresh.HeadMetaRefreshMiddleware": 580,  # Scrapy's own place
}
# Scrapy's request depth (DEPTH_LIMIT, its stats) is not used: sitemap nesting
# has its own limit (max_sitemap_depth); it wrapped every request a spider yields.
SPIDER_MIDDLEWARES = {"scrapy.spidermiddlewares.depth.DepthMiddleware": None}
TWISTED_DNS_RESOLVER = "crawler.guard.PublicResolver"
DATELINE_INTERNAL_HOSTS: list[str] = []  # set by `dateline crawl` from the sources
EXTENSIONS = {"crawler.extensions.Progress": 500}

# Where pages go: set by `dateline crawl` from DATELINE_REDIS_URL or the private Redis.
# The queue name and job limits are the workers' (workers/settings.py).
DATELINE_REDIS_URL = os.environ.get("DATELINE_REDIS_URL", "")
# Pages per pipelined enqueue: two round trips each, in a thread. Small enough
# that workers start on the first pages within milliseconds of their fetch.
DATELINE_ENQUEUE_BATCH = 16
DATELINE_PROGRESS_INTERVAL = 10.0  # seconds between progress lines
