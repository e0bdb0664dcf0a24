"""`dateline extract --fetch URL`: fetch pages with the crawler's rules (its
User-Agent, size and time limits, decompression, and no fetch inward: every
hop's host checked, every name by the address it resolves to; robots.txt
aside, as for a page a person asks for) and hand them to extraction."""

from __future__ import annotations

import dataclasses
import logging
import os
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from config.source import SourceConfig
from dateline.local import failure
from workers.models import Page, charset_of
from workers.urls import page_key

logger = logging.getLogger(__name__)


def fetch_pages(
    urls: list[str], source: SourceConfig, allow_private_hosts: bool = False
) -> list[tuple[Page | None, dict[str, Any]]]:
    """Each URL's page, or None with the record saying why, in order."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy import Request, Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    hosts = {urlsplit(u).hostname or "" for u in urls}
    guard = dataclasses.replace(
        source,
        allow_private_hosts=allow_private_hosts or source.allow_private_hosts,
        allowed_domains=tuple({*source.allowed_domains, *hosts})
        if allow_private_hosts
        else source.allowed_domains,
    )
    results: dict[str, tuple[Page | None, dict[str, Any]]] = {}

    def failed(url: str, why: str) -> None:
        results[url] = (None, failure(url, url, why))

    class FetchSpider(Spider):
        name = "fetch"
        cfg = guard  # what crawler.guard checks every request against

        async def start(self) -> Any:
            for url in urls:
                if not url.startswith(("http://", "https://")):
                    failed(url, "not an http(s) URL")
                    continue
                yield Request(
                    url,
                    self.fetched,
                    errback=self.broken,
                    dont_filter=True,
                    cb_kwargs={"asked": url},
                )

        def fetched(self, response: Any, asked: str) -> None:
            if response.status >= 400:
                failed(asked, f"HTTP {response.status}")
                return
            ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
            results[asked] = (
                Page(
                    url=asked,
                    final_url=response.url,
                    status=response.status,
                    body=response.body,
                    fetched_at=datetime.now(UTC),
                    source_id=source.source_id,
                    url_key=page_key(asked, source),
                    discovered_via="fetch",
                    declared_charset=charset_of(ctype.lower()),
                ),
                {},
            )

        def broken(self, failure: Any) -> None:
            failed(failure.request.cb_kwargs["asked"], failure.getErrorMessage())

    settings = get_project_settings()
    settings.set("ROBOTSTXT_OBEY", False)
    settings.set("RETRY_TIMES", 1)
    settings.set("LOG_INSTALL_ROOT_HANDLER", False)
    settings.set("ITEM_PIPELINES", {})
    settings.set("EXTENSIONS", {})
    settings.set("DOWNLOAD_MAXSIZE", source.limits.max_page_bytes)
    settings.set("DOWNLOAD_TIMEOUT", source.limits.download_timeout)
    settings.set(
        "DATELINE_INTERNAL_HOSTS",
        sorted(hosts | set(source.own_hosts())) if guard.allow_private_hosts else [],
    )
    process = CrawlerProcess(settings)
    logging.getLogger("scrapy").setLevel(logging.getLogger().getEffectiveLevel())
    process.crawl(FetchSpider)
    process.start()
    return [results.get(u) or (None, failure(u, u, "not fetched")) for u in urls]
