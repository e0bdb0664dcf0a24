"""A news source as the pipeline sees it: what to crawl and how to read it.

`config.loader` makes these from the TOML files in `config/sources/`; everything
else takes a SourceConfig as a plain value. `is_fetchable` keeps a hostile feed
from steering the crawler into the network it runs in.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Limits:
    max_pages: int = 1000
    concurrency_per_host: int = 4
    download_delay: float = 0.25
    download_timeout: float = 30.0
    max_page_bytes: int = 10 * 1024 * 1024
    # listings (feeds, sitemaps and their children, sections) fetched per crawl,
    # each URL once: a sitemap index that lists itself cannot loop
    max_listing_requests: int = 500
    max_sitemap_depth: int = 3  # an index's children are depth 2, theirs 3


# A source whose timezone is "auto" is read in the zone of its pages' country-code
# domain (.de: Europe/Berlin), or UTC where the domain names no country.
AUTO_TIMEZONE = "auto"


@dataclass(frozen=True)
class SourceConfig:
    source_id: str
    name: str
    homepage: str
    allowed_domains: tuple[str, ...]
    languages: tuple[str, ...]
    timezone: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    article_allow: tuple[str, ...] = ()
    article_deny: tuple[str, ...] = ()
    keep_query_params: tuple[str, ...] = ()
    date_order: str | None = None
    max_age_days: int = 7
    revisit_hours: int = 0  # re-fetch a still-listed article this long after; 0: never
    recorded_retention_days: int = 365  # how long Redis remembers a recorded URL
    enabled: bool = True
    allow_private_hosts: bool = False  # crawl loopback/private addresses (the demo)
    limits: Limits = field(default_factory=Limits)
    path: str = ""

    def is_article_url(self, url: str) -> bool:
        """True when `url` matches an allow pattern (or there are none) and no deny."""
        if any(re.search(p, url) for p in self.article_deny):
            return False
        return not self.article_allow or any(
            re.search(p, url) for p in self.article_allow
        )

    def is_fetchable(self, url: str) -> bool:
        """http(s) only, and no loopback, private or link-local host unless allowed:
        a feed must not steer the crawler into the network it runs in."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        return self.allow_private_hosts or not is_private_host(parts.hostname)

    def is_on_domain(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)


def adhoc_source(source_id: str = "local") -> SourceConfig:
    """The source assumed for pages given without one: English, any domain, dates
    read in the zone of each page's country-code domain (UTC for .com)."""
    return SourceConfig(
        source_id=source_id,
        name="Local files",
        homepage="http://localhost/",
        allowed_domains=(),
        languages=("en",),
        timezone=AUTO_TIMEZONE,
    )


def is_private_host(host: str) -> bool:
    """Loopback, private, link-local or reserved addresses, and local-only names.
    (Names are not resolved here: a public name pointing inward is not caught.)"""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
        or address.is_multicast
    )
