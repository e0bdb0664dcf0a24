"""Listings: feeds, sitemaps, their dates, decompression limits."""

from __future__ import annotations

import gzip

from crawler.listings import (
    feed_entries,
    gunzip,
    listing_date,
    sitemap_entries,
    xml_root,
)


def test_a_gzip_bomb_stops_at_the_limit() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert len(bomb) < 100_000
    assert len(gunzip(bomb, 1_000_000)) == 1_000_000
    assert gunzip(b"<urlset/>", 10) == b"<urlset/>"  # plain bodies pass through
    assert gunzip(b"\x1f\x8bnot gzip", 100) == b""


def test_rss_and_atom_entries() -> None:
    rss = xml_root(
        b"<rss><channel><item><link>https://x.com/a</link><pubDate>Tue, 19 "
        b"Mar 2024 09:42:00 GMT</pubDate></item></channel></rss>"
    )
    atom = xml_root(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link '
        b'href="https://x.com/b"/><updated>2024-03-19T09:42:00Z</updated>'
        b"</entry></feed>"
    )
    assert feed_entries(rss) == [("https://x.com/a", "Tue, 19 Mar 2024 09:42:00 GMT")]
    assert feed_entries(atom) == [("https://x.com/b", "2024-03-19T09:42:00Z")]


def test_news_sitemap_publication_date_before_lastmod() -> None:
    root = xml_root(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http:'
        b'//www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.com/a</loc>'
        b"<lastmod>2024-03-20</lastmod><news:news><news:publication_date>2024-03-19T09:"
        b"42:00Z</news:publication_date></news:news></url></urlset>"
    )
    assert sitemap_entries(root) == [("https://x.com/a", "2024-03-19T09:42:00Z")]


def test_sitemap_entries_take_only_an_entrys_own_loc() -> None:
    root = xml_root(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="'
        b'http://www.google.com/schemas/sitemap-image/1.1"><!-- generated -->'
        b"<url><image:image><image:loc>https://x.com/a.jpg</image:loc></image:image>"
        b"<loc> https://x.com/a </loc></url>"
        b"<url><lastmod>2024-03-20</lastmod></url>"  # no loc: nothing to fetch
        b"<url><loc>https://x.com/b</loc><lastmod>2024-03-21</lastmod></url>"
        b"</urlset>"
    )
    index = xml_root(
        b"<sitemapindex><sitemap><loc>https://x.com/s1.xml</loc></sitemap>"
        b"</sitemapindex>"
    )
    assert sitemap_entries(root) == [
        ("https://x.com/a", None),
        ("https://x.com/b", "2024-03-21"),
    ]
    assert sitemap_entries(index) == [("https://x.com/s1.xml", None)]


def test_listing_dates() -> None:
    assert (
        listing_date("Tue, 19 Mar 2024 09:42:00 GMT").isoformat()
        == "2024-03-19T09:42:00+00:00"
    )
    assert listing_date("2024-03-19").isoformat() == "2024-03-19T00:00:00+00:00"
    assert listing_date("soon") is None
