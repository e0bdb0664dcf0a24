"""The crawler never fetches inward: every request (listings, articles, robots.txt
and every redirect hop) is checked by its URL's spelling, and every host name by
the address it resolves to, at the resolver the connection then uses (no second
lookup). Internal means loopback, private, carrier NAT, link-local, reserved,
multicast or unspecified, in any spelling (`config.source.is_private_host`).

A source with `allow_private_hosts = true` may reach the internal hosts it names
itself (its home page, listings and `allowed_domains`), and no others.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from config.source import is_internal_address, is_private_host

logger = logging.getLogger(__name__)


class InternalAddressRefused(IgnoreRequest):
    pass


class GuardMiddleware:
    """Downloader middleware: a request whose host is internal, and not one its
    source names and allows, is refused before any connection."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> GuardMiddleware:
        return cls(crawler)

    def process_request(self, request: Any) -> None:
        cfg = getattr(self.crawler.spider, "cfg", None)
        if cfg is None or cfg.is_fetchable(request.url):
            return
        if self.crawler.stats:
            self.crawler.stats.inc_value("dateline/urls_refused")
        hop = " (a redirect)" if request.meta.get("redirect_urls") else ""
        raise InternalAddressRefused(f"refused {request.url}{hop}: an internal address")


class PublicResolver(CachingThreadedResolver):
    """Scrapy's resolver, refusing a name that resolves to an internal address
    (but the hosts that sources allowing private hosts name, in
    DATELINE_INTERNAL_HOSTS)."""

    allowed: frozenset[str] = frozenset()
    said: set[str] = set()  # names refused, each said once

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PublicResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allowed = frozenset(
            crawler.settings.getlist("DATELINE_INTERNAL_HOSTS")
        )
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Any:  # noqa: N802
        found = super().getHostByName(name, timeout)
        found.addCallback(self._checked, name)
        return found

    def _checked(self, address: str, name: str) -> str:
        if name in self.allowed or not (
            is_private_host(address)
            or is_internal_address(ipaddress.ip_address(address))
        ):
            return address
        why = f"{name} resolves to {address}, an internal address"
        if name not in self.said:  # Twisted reports only "no results" for it
            self.said.add(name)
            logger.warning("refused %s", why)
        raise DNSLookupError(why)
