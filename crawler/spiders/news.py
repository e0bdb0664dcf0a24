"""One generic news spider, built from a source's TOML file (`-a source=<id>`).

Discovers article URLs from the source's feeds (RSS/Atom), sitemaps (indexes and
news sitemaps) and section pages (links matching its article patterns), skips
URLs whose page is already recorded or queued, fetches the rest and yields each
as a `Page`. Nothing is parsed here beyond discovery: extraction is the workers'.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from config.loader import load_source
from config.source import SourceConfig
from crawler import listings
from crawler.frontier import Frontier
from workers.models import Page, charset_of
from workers.queueing import connect
from workers.urls import page_key

logger = logging.getLogger(__name__)


class NewsSpider(Spider):
    name = "news"

    def __init__(self, source: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not source:
            raise ValueError("the news spider needs a source: -a source=<source_id>")
        self.cfg: SourceConfig = load_source(source)
        self.allowed_domains = list(self.cfg.allowed_domains)
        # patterns are matched by RE2 (config.source.url_patterns), not by the
        # extractor's backtracking `re`
        self.article_links = LinkExtractor()
        self.requested = 0  # article requests issued, against limits.max_pages
        self.listed: set[str] = set()  # page keys met in this crawl's listings
        self.frontier: Frontier | None = None  # none: every listed URL is fetched
        self.listings: set[str] = set()  # listing URLs requested in this crawl

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        url = crawler.settings.get("DATELINE_REDIS_URL")
        if url:
            cfg = spider.cfg
            spider.frontier = Frontier(connect(url), cfg.source_id, cfg.revisit_hours)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        listings = [*self.cfg.feeds, *self.cfg.sitemaps]
        validators = await self._validators(listings)
        requests = [
            *(self._listing(u, self._parse_feed, 10, validators.get(u)) for u in
              self.cfg.feeds),
            *(self._listing(u, self._parse_sitemap, 10, validators.get(u)) for u in
              self.cfg.sitemaps),
            *(self._listing(u, self._parse_section, 5) for u in self.cfg.sections),
        ]  # fmt: skip
        for request in requests:
            if request is not None:
                yield request

    def _listing(
        self,
        url: str,
        callback: Any,
        priority: int,
        validator: tuple[str, str] | None = None,
        depth: int = 1,
    ) -> Request | None:
        """A feed, sitemap or section request: fetched once a crawl, within the
        source's listing limits, failures counted; conditional (If-None-Match,
        If-Modified-Since) when we saw it before. None: not to be fetched."""
        key = page_key(url, self.cfg)
        if key in self.listings:
            self._inc("listings_repeated")  # a sitemap index listing itself
            return None
        limits = self.cfg.limits
        if depth > limits.max_sitemap_depth:
            self._over_limit(url, f"sitemaps nested deeper than {depth - 1}")
            return None
        if len(self.listings) >= limits.max_listing_requests:
            self._over_limit(url, f"more than {limits.max_listing_requests} listings")
            return None
        self.listings.add(key)
        headers = {}
        if validator:
            etag, modified = validator
            if etag:
                headers["If-None-Match"] = etag
            if modified:
                headers["If-Modified-Since"] = modified
        return Request(
            url,
            callback,
            headers=headers,
            errback=self._listing_failed,
            dont_filter=True,  # fetched each crawl; `self.listings` stops repeats
            priority=priority,
            meta={"handle_httpstatus_list": [304], "depth_in_sitemaps": depth},
        )

    def _over_limit(self, url: str, what: str) -> None:
        """A listing past the source's [limits]: skipped, said once a crawl."""
        if not self._inc("listings_over_limit"):
            logger.warning(
                "%s %s: not fetched, %s (raise [limits] max_listing_requests or "
                "max_sitemap_depth if this source needs it)",
                self.cfg.source_id,
                url,
                what,
            )

    def _unchanged(self, response: Response) -> bool:
        """A 304 for a conditional listing request; otherwise remember validators."""
        if response.status == 304:
            self._inc("listings_unchanged")
            return True
        etag = (response.headers.get(b"ETag") or b"").decode("latin-1")
        modified = (response.headers.get(b"Last-Modified") or b"").decode("latin-1")
        if (etag or modified) and self.frontier is not None:
            deferToThread(self.frontier.remember, response.url, etag, modified)
        return False

    async def _validators(self, urls: list[str]) -> dict[str, tuple[str, str]]:
        if self.frontier is None:
            return {}
        found: dict[str, tuple[str, str]] = await maybe_deferred_to_future(
            deferToThread(self.frontier.validators, urls)
        )
        return found

    def _listing_failed(self, failure: Any) -> None:
        logger.warning(
            "%s %s: could not fetch listing page: %s",
            self.cfg.source_id,
            failure.request.url,
            failure.getErrorMessage(),
        )
        self._inc("listing_errors")
        self._cause(
            f"could not fetch {failure.request.url}: {failure.getErrorMessage()}"
        )

    def _cause(self, why: str) -> None:
        """The first thing that went wrong, for the crawl's one-line summary."""
        stats = self.crawler.stats if self.crawler else None
        if stats is not None and not stats.get_value("dateline/cause"):
            stats.set_value("dateline/cause", why)

    async def _parse_feed(self, response: Response) -> AsyncIterator[Request]:
        if self._unchanged(response):
            return
        root = listings.xml_root(response.body)
        entries = [] if root is None else listings.feed_entries(root)
        if root is None or not entries and not listings.is_feed(root):
            logger.warning(
                "%s %s: not an RSS/Atom feed", self.cfg.source_id, response.url
            )
            self._inc("listing_errors")
            self._cause(f"{response.url} is not an RSS/Atom feed")
            return
        urls = [u for u, when in entries if self._fresh(when)]
        for request in await self._article_requests(urls, f"feed {response.url}"):
            yield request

    async def _parse_sitemap(self, response: Response) -> AsyncIterator[Request]:
        if self._unchanged(response):
            return
        root = listings.xml_root(
            listings.gunzip(response.body, self.cfg.limits.max_page_bytes)
        )
        if root is None:
            logger.warning("%s %s: not a sitemap", self.cfg.source_id, response.url)
            self._inc("listing_errors")
            self._cause(f"{response.url} is not a sitemap")
            return
        kind = listings.root_name(root)
        entries = [
            (loc, when)
            for loc, when in listings.sitemap_entries(root)
            if self._fresh(when)
        ]
        if kind == "sitemapindex":
            children = [
                loc
                for loc, _ in entries
                if self.cfg.is_fetchable(loc) and self.cfg.is_on_domain(loc)
            ]
            self._inc("urls_refused", len(entries) - len(children))
            validators = await self._validators(children)
            depth = response.meta.get("depth_in_sitemaps", 1) + 1
            for loc in children:
                request = self._listing(
                    loc, self._parse_sitemap, 8, validators.get(loc), depth
                )
                if request is not None:
                    yield request
            return
        urls = [loc for loc, _ in entries]
        for request in await self._article_requests(urls, f"sitemap {response.url}"):
            yield request

    async def _parse_section(self, response: Response) -> AsyncIterator[Request]:
        if not isinstance(response, TextResponse):
            logger.warning(
                "%s %s: section page is not text", self.cfg.source_id, response.url
            )
            return
        urls = [
            link.url
            for link in self.article_links.extract_links(response)
            if self.cfg.is_article_url(link.url)
        ]
        for request in await self._article_requests(urls, f"section {response.url}"):
            yield request

    def _parse_article(self, response: Response) -> Iterable[Page]:
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if ctype and "html" not in ctype:
            logger.info(
                "%s %s: skipped, not HTML (%s)", self.cfg.source_id, response.url, ctype
            )
            self._inc("not_html")
            return
        self._inc("articles_fetched")
        yield Page(
            url=response.meta.get("redirect_urls", [response.url])[0],
            final_url=response.url,
            status=response.status,
            body=response.body,
            fetched_at=datetime.now(UTC),
            source_id=self.cfg.source_id,
            url_key=response.meta["url_key"],
            discovered_via=response.meta["discovered_via"],
            declared_charset=charset_of(ctype),
        )

    async def _article_requests(self, urls: list[str], via: str) -> list[Request]:
        """Requests for the article URLs not yet recorded or queued, within limits."""
        candidates: dict[str, str] = {}
        for url in urls:
            if not self.cfg.is_fetchable(url):
                self._inc("urls_refused")  # non-HTTP, or an internal address
                continue
            if not self.cfg.is_on_domain(url) or self.cfg.is_denied(url):
                continue
            key = page_key(url, self.cfg)
            if key not in self.listed:  # a feed and a section may list one article
                candidates.setdefault(key, url)
        self.listed.update(candidates)
        self._inc("articles_listed", len(candidates))
        known: set[str] = set()
        if self.frontier is not None and candidates:
            known, revisited = await maybe_deferred_to_future(
                deferToThread(self.frontier.known, list(candidates))
            )
            self._inc("articles_revisited", revisited)
        self._inc("articles_known", len(known))
        requests = []
        for key, url in candidates.items():
            if key in known:
                continue
            if self.requested >= self.cfg.limits.max_pages:
                self._inc("articles_over_limit")
                continue
            self.requested += 1
            requests.append(
                Request(
                    url,
                    self._parse_article,
                    meta={"discovered_via": via, "url_key": key},
                )
            )
        return requests

    def _fresh(self, when: str | None) -> bool:
        """Listed with a date older than max_age_days? Then it is not fetched."""
        parsed = listings.listing_date(when)
        if parsed is None:
            return True
        fresh = parsed >= datetime.now(UTC) - timedelta(days=self.cfg.max_age_days)
        if not fresh:
            self._inc("articles_too_old")
        return fresh

    def _inc(self, key: str, count: int = 1) -> int:
        """Add to a crawl statistic; returns its value before."""
        if self.crawler and self.crawler.stats:
            before = int(self.crawler.stats.get_value(f"dateline/{key}", 0))
            self.crawler.stats.inc_value(f"dateline/{key}", count)
            return before
        return 0
