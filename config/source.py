"""A news source as the pipeline sees it: what to crawl and how to read it.

`config.loader` makes these from the TOML files in `config/sources/`; everything
else takes a SourceConfig as a plain value. `is_fetchable` keeps a hostile feed
from steering the crawler into the network it runs in.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import re2


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
    adhoc: bool = False  # made up for pages no source file covers (a back-fill)

    def is_article_url(self, url: str) -> bool:
        """True when `url` matches an allow pattern (or there are none) and no deny."""
        if self.is_denied(url):
            return False
        return not self.article_allow or any(
            p.search(url) for p in url_patterns(self.article_allow)
        )

    def is_denied(self, url: str) -> bool:
        return any(p.search(url) for p in url_patterns(self.article_deny))

    def is_fetchable(self, url: str) -> bool:
        """http(s) only, and no internal host (loopback, private, link-local...,
        in any spelling) but, with allow_private_hosts, those this source names
        itself: a feed or a redirect must not steer the crawler into the network
        it runs in."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        if not is_private_host(parts.hostname):
            return True
        return self.allow_private_hosts and parts.hostname in self.own_hosts()

    def own_hosts(self) -> frozenset[str]:
        """The hosts this file names: its home page, listings and domains."""
        return _hosts_named(
            (self.homepage, *self.feeds, *self.sitemaps, *self.sections),
            self.allowed_domains,
        )

    def is_on_domain(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)


def adhoc_source(source_id: str = "local") -> SourceConfig:
    """The source assumed for pages given without one: English, any domain, dates
    read in the zone of each page's country-code domain (UTC for .com)."""
    return SourceConfig(
        source_id=source_id,
        name="Local files" if source_id == "local" else source_id,
        homepage="http://localhost/",
        allowed_domains=(),
        languages=("en",),
        timezone=AUTO_TIMEZONE,
        adhoc=True,
    )


def domain_source_id(url: str) -> str | None:
    """The id an unconfigured site gets: its registered domain (`bbc.co.uk` for
    www.bbc.co.uk, by the public suffix list), or its host when it has none."""
    from tld import get_fld

    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if not host:
        return None
    found = get_fld(url, fail_silently=True) or host
    return found.lower()


@functools.lru_cache(maxsize=256)
def url_patterns(patterns: tuple[str, ...]) -> tuple[Any, ...]:
    """A source's article URL patterns, compiled by RE2: matching takes time
    linear in the URL, whatever the pattern (Python's `re` backtracks: `(a+)+$`
    stalls a crawl on one link). RE2 has no lookaround or backreferences."""
    return tuple(re2.compile(p, _RE2_OPTIONS) for p in patterns)


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a bad pattern is the loader's one-line error


LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa")


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host written as a number names, in every spelling the
    system's resolver accepts (2130706433, 0x7f.1, 0177.0.0.1, 127.1, 0, [::1],
    [::ffff:127.0.0.1], a trailing dot); None for a name."""
    host = host.strip("[]").rstrip(".").lower()
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not host or not all(c in "0123456789abcdefx." for c in host):
        return None
    try:  # inet_aton reads the BSD forms: decimal, hex, octal, short
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def is_internal_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Loopback, private, carrier NAT, link-local, reserved, multicast or
    unspecified: anything but a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


@functools.lru_cache(maxsize=1024)  # asked again for every request to a private host
def _hosts_named(urls: tuple[str, ...], domains: tuple[str, ...]) -> frozenset[str]:
    return frozenset({(urlsplit(u).hostname or "") for u in urls} | set(domains))


@functools.lru_cache(maxsize=4096)  # a crawl asks for each host over and over
def is_private_host(host: str) -> bool:
    """A host that names the network the crawler runs in, by its spelling: an
    internal address in any form, or a local-only name. (A public name that
    resolves inward is caught where the crawler connects: crawler.resolver.)"""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(LOCAL_NAMES):
        return True
    address = literal_address(name)
    return address is not None and is_internal_address(address)
