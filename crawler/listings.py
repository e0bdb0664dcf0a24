"""Listings: feeds (RSS/Atom), sitemaps (indexes, news sitemaps, .gz) and their dates.

Pure functions over bytes and trees, no network and no Redis: the spider fetches,
these read. XML is parsed without entities or network access, so a hostile feed
cannot read files or make requests; a gzip body inflates no further than a limit.
"""

from __future__ import annotations

import logging
import zlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from lxml import etree

logger = logging.getLogger(__name__)
XML_PARSER = etree.XMLParser(
    recover=True,
    resolve_entities=False,
    no_network=True,
    huge_tree=True,
    remove_comments=True,
)


def is_feed(root: Any) -> bool:
    """An RSS or Atom document (entries or not)."""
    return bool(len(root.xpath("//*[local-name()='channel' or local-name()='feed']")))


def root_name(root: Any) -> str:
    """'urlset', 'sitemapindex', 'rss', ...: the document element's local name."""
    return str(etree.QName(root).localname)


def gunzip(body: bytes, limit: int) -> bytes:
    """A .gz sitemap, decompressed no further than `limit` bytes (a bomb stops)."""
    if body[:2] != b"\x1f\x8b":
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit)
    except zlib.error:
        return b""
    if inflater.unconsumed_tail:
        logger.warning("sitemap larger than %d bytes once decompressed: cut", limit)
    return data


def xml_root(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return etree.fromstring(body, XML_PARSER)
    except etree.XMLSyntaxError:
        return None


def feed_entries(root: Any) -> list[tuple[str, str | None]]:
    """(link, date) of every RSS item or Atom entry."""
    found = []
    for item in root.xpath("//*[local-name()='item']"):
        link = (
            item.xpath("string(*[local-name()='link'])").strip()
            or item.xpath(
                "string(*[local-name()='guid'][not(@isPermaLink='false')])"
            ).strip()
        )
        date = item.xpath("string(*[local-name()='pubDate' or local-name()='date'])")
        if link:
            found.append((link, date.strip() or None))
    for entry in root.xpath("//*[local-name()='entry']"):
        links = entry.xpath(
            "*[local-name()='link'][not(@rel) or @rel='alternate']/@href"
        )
        date = entry.xpath(
            "string(*[local-name()='published' or local-name()='updated'])"
        )
        if links:
            found.append((links[0].strip(), date.strip() or None))
    return found


def sitemap_entries(root: Any) -> list[tuple[str, str | None]]:
    """(loc, date) of every <url> or <sitemap>; news:publication_date before lastmod.

    Walks the tree instead of asking XPath per entry: three `local-name()` queries
    an entry cost 50 µs, a fifth of a second of the reactor for a 5,000-URL index.
    """
    found = []
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        loc = lastmod = published = ""
        for child in node:
            name = _local(child.tag)
            if name == "loc":
                loc = loc or _text(child)
            elif name == "lastmod":
                lastmod = lastmod or _text(child)
            elif not published and len(child):  # <news:news>, other extensions
                published = next(
                    (
                        _text(sub)
                        for sub in child.iter()
                        if _local(sub.tag) == "publication_date"
                    ),
                    "",
                )
        if loc:
            found.append((loc, published or lastmod or None))
    return found


def _local(tag: Any) -> str:
    """An element's name without its namespace ('' for comments and the like)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _text(node: Any) -> str:
    text = "".join(node.itertext()) if len(node) else node.text or ""
    return text.strip()


def listing_date(value: str | None) -> datetime | None:
    """Dates in feeds (RFC 822) and sitemaps (W3C datetime); None when unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
