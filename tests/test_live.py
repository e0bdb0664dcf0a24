"""Live checks of the shipped real-outlet configs. They touch the public web, so they
never run by default or in CI: `pytest -m live` runs them by hand."""

from __future__ import annotations

import urllib.request

import pytest

from config.loader import load_sources
from config.paths import SOURCES_DIR
from crawler.listings import feed_entries, gunzip, sitemap_entries, xml_root

pytestmark = pytest.mark.live
REAL = [c for c in load_sources(SOURCES_DIR).values() if c.enabled]


@pytest.mark.parametrize("cfg", REAL, ids=[c.source_id for c in REAL])
def test_the_first_listing_still_lists_articles(cfg) -> None:  # type: ignore[no-untyped-def]
    url = (cfg.feeds or cfg.sitemaps)[0]
    request = urllib.request.Request(url, headers={"User-Agent": "Dateline live check"})
    with urllib.request.urlopen(request, timeout=30) as response:
        root = xml_root(gunzip(response.read(), cfg.limits.max_page_bytes))
    assert root is not None, f"{url} is not XML any more"
    entries = feed_entries(root) if cfg.feeds else sitemap_entries(root)
    assert entries, f"{url} lists nothing"
    if not cfg.feeds and root.tag.endswith("sitemapindex"):
        return  # an index lists sitemaps, not articles
    assert any(cfg.is_article_url(link) for link, _ in entries), (
        f"no entry of {url} matches the article patterns of {cfg.path}"
    )
