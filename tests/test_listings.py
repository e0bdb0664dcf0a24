"""Listings: feeds, sitemaps, their dates, decompression limits."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

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


def test_sitemaps_that_list_themselves_or_nest_without_end_are_bounded(
    run: Any, dateline_env: dict, tmp_path: Path
) -> None:
    """Issue 15, point 3: each listing URL is fetched once a crawl, sitemap
    indexes nest at most `max_sitemap_depth` deep, and a crawl makes at most
    `max_listing_requests` listing requests: a hostile site cannot keep a cron
    crawl (and its lock) alive."""
    from tests.harness import HostileSite, run_dateline

    site = HostileSite()
    site.sitemap_index("/self.xml", "/self.xml", "/a.xml")
    site.sitemap_index("/a.xml", "/b.xml")
    site.sitemap_index("/b.xml", "/a.xml", "/self.xml")  # a loop of two
    for depth in range(1, 30):  # an index whose child is an index, on and on
        site.sitemap_index(f"/deep/{depth}.xml", f"/deep/{depth + 1}.xml")
    server = site.serve()
    try:
        sources = tmp_path / "hostile-sources"
        site.source(sources, "hostile", sitemaps=["/self.xml", "/deep/1.xml"])
        env = {**dateline_env, "DATELINE_SOURCES_DIR": str(sources)}
        crawl = run_dateline(env, "crawl", "hostile", timeout=60)
        assert site.requests.count("/self.xml") == 1
        assert site.requests.count("/a.xml") == 1
        assert site.requests.count("/b.xml") == 1
        deep = [p for p in site.requests if p.startswith("/deep/")]
        assert deep == ["/deep/1.xml", "/deep/2.xml", "/deep/3.xml"]  # depth 3
        assert "not fetched, sitemaps nested deeper than 3" in crawl.stderr
        assert crawl.stderr.count("not fetched") == 1  # said once a crawl

        # the listing budget: a wide index of 40 children, 10 allowed
        site.sitemap_index("/wide.xml", *(f"/w/{i}.xml" for i in range(40)))
        for i in range(40):
            site.sitemap_index(f"/w/{i}.xml")
        path = site.source(sources, "hostile", sitemaps=["/wide.xml"])
        path.write_text(path.read_text() + "[limits]\nmax_listing_requests = 10\n")
        site.requests.clear()
        crawl = run_dateline(env, "crawl", "hostile", timeout=60)
        listed = [p for p in site.requests if p != "/robots.txt"]
        assert len(listed) == 10 and "more than 10 listings" in crawl.stderr
    finally:
        server.shutdown()
