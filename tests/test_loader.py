"""Source files: all shipped ones load; a bad value names file, key, expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.loader import (
    ConfigError,
    load_source,
    load_source_file,
    load_sources,
)
from config.paths import SOURCES_DIR

GOOD = """
name = "Example"
homepage = "https://example.com/"
allowed_domains = ["example.com"]
languages = ["en"]
timezone = "Europe/London"
feeds = ["https://example.com/rss.xml"]
"""


def write(tmp_path: Path, text: str, name: str = "example") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


def test_every_shipped_source_loads() -> None:
    sources = load_sources(SOURCES_DIR)
    assert {"reuters", "apnews", "thestar", "demo-courier", "demo-ledger"} <= set(
        sources
    )
    for source_id, cfg in sources.items():
        assert cfg.source_id == source_id
        assert cfg.languages and cfg.timezone


def test_real_outlets_are_in_crawl_all_and_demo_sources_are_not() -> None:
    sources = load_sources(SOURCES_DIR)
    assert sources["reuters"].enabled and sources["thestar"].enabled
    assert not sources["demo-courier"].enabled


def test_a_good_file_loads_with_defaults(tmp_path: Path) -> None:
    cfg = load_source_file(write(tmp_path, GOOD))
    assert cfg.name == "Example"
    assert cfg.limits.max_pages == 1000
    assert cfg.is_article_url("https://example.com/anything")


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        (
            ('timezone = "Europe/London"', 'timezone = "Mars/Olympus"'),
            "timezone",
            "IANA timezone",
        ),
        (('languages = ["en"]', 'languages = "en"'), "languages", "list of ISO 639-1"),
        (('languages = ["en"]', 'languages = ["english"]'), "languages", "ISO 639-1"),
        (
            ('homepage = "https://example.com/"', 'homepage = "example.com"'),
            "homepage",
            "http(s) URL",
        ),
        (('name = "Example"\n', ""), "name", "required"),
        (
            ('feeds = ["https://example.com/rss.xml"]', 'feeds = ["ftp://x/rss"]'),
            "feeds",
            "feed URLs",
        ),
        (
            (
                'feeds = ["https://example.com/rss.xml"]',
                'feeds = ["https://example.com/rss.xml"]\nmax_age_days = -1',
            ),
            "max_age_days",
            "whole number of days from 1",
        ),
        (
            (
                'feeds = ["https://example.com/rss.xml"]',
                'feeds = ["https://example.com/rss.xml"]\nfeed = []',
            ),
            "feed",
            "known keys",
        ),
        (
            (
                'feeds = ["https://example.com/rss.xml"]',
                'feeds = ["https://example.com/rss.xml"]\n'
                '[articles]\nallow = ["(unclosed"]',
            ),
            "articles.allow",
            "regular expressions",
        ),
        (
            (
                'feeds = ["https://example.com/rss.xml"]',
                'feeds = ["https://example.com/rss.xml"]\n[limits]\nmax_pages = "many"',
            ),
            "limits.max_pages",
            "whole number from 1 to 1000000",
        ),
        (
            (
                'feeds = ["https://example.com/rss.xml"]',
                'sections = ["https://example.com/world"]',
            ),
            "articles.allow",
            "article URL patterns",
        ),
        (('feeds = ["https://example.com/rss.xml"]', ""), "feeds", "at least one of"),
    ],
)
def test_a_bad_value_names_file_key_and_expectation(
    tmp_path: Path, change: tuple[str, str], key: str, expected: str
) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as raised:
        load_source_file(path)
    message = str(raised.value)
    assert str(path) in message
    assert f"'{key}'" in message
    assert expected in message


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "\nname = ")
    with pytest.raises(ConfigError, match=f"{path}: not valid TOML"):
        load_source_file(path)


def test_unknown_source_lists_the_known_ones(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    with pytest.raises(ConfigError, match="no such source 'nope' .*known: example"):
        load_source("nope", tmp_path)


def test_article_patterns_allow_and_deny(tmp_path: Path) -> None:
    cfg = load_source_file(
        write(tmp_path, GOOD + '[articles]\nallow = ["/news/"]\ndeny = ["/video/"]\n')
    )
    assert cfg.is_article_url("https://example.com/news/a-story")
    assert not cfg.is_article_url("https://example.com/news/video/a-clip")
    assert not cfg.is_article_url("https://example.com/about")


def test_an_internal_feed_needs_allow_private_hosts(tmp_path: Path) -> None:
    text = GOOD.replace("https://example.com/rss.xml", "http://169.254.169.254/feed")
    with pytest.raises(ConfigError, match="key 'feeds': expected a public http"):
        load_source_file(write(tmp_path, text))
    cfg = load_source_file(write(tmp_path, text + "allow_private_hosts = true\n"))
    assert cfg.is_fetchable("http://169.254.169.254/feed")


@pytest.mark.parametrize(
    ("url", "fetchable"),
    [
        ("https://www.reuters.com/world/a-story-2024-03-19/", True),
        ("http://93.184.216.34/news", True),
        ("http://127.0.0.1:8765/courier/", False),
        ("http://localhost/admin", False),
        ("http://10.1.2.3/", False),
        ("http://192.168.0.1/", False),
        ("http://169.254.169.254/latest/meta-data/", False),
        ("http://[::1]/", False),
        ("http://printer.local/", False),
        ("file:///etc/passwd", False),
        ("ftp://example.com/a", False),
        ("javascript:alert(1)", False),
    ],
)
def test_crawled_links_to_internal_hosts_are_refused(
    tmp_path: Path, url: str, fetchable: bool
) -> None:
    cfg = load_source_file(write(tmp_path, GOOD))
    assert cfg.is_fetchable(url) is fetchable


def test_an_auto_timezone_is_the_page_domains_country(tmp_path: Path) -> None:
    from workers.gazetteer import timezone_of_host

    cfg = load_source_file(
        write(tmp_path, GOOD.replace('timezone = "Europe/London"', 'timezone = "auto"'))
    )
    assert cfg.timezone == "auto"
    assert timezone_of_host("eldeber.com.bo") == "America/La_Paz"
    assert timezone_of_host("www.bbc.co.uk") == "Europe/London"
    assert timezone_of_host("ici.radio-canada.ca") == "America/Toronto"
    assert timezone_of_host("www.reuters.com") is None


@pytest.mark.parametrize(
    ("line", "key", "expected"),
    [  # issue 15, point 6: absurd values are mistakes, refused with the key named
        ("max_page_bytes = 99999999999999", "limits.max_page_bytes", "512 MiB"),
        ("download_timeout = 1e308", "limits.download_timeout", "at most 600"),
        ("concurrency_per_host = 100000", "limits.concurrency_per_host", "1 to 64"),
        ("download_delay = -1", "limits.download_delay", "from 0 to 3600"),
        ("max_sitemap_depth = 0", "limits.max_sitemap_depth", "from 1 to 10"),
        ("max_listing_requests = 10000000", "limits.max_listing_requests", "1 to"),
    ],
)
def test_limits_have_sane_ranges(
    tmp_path: Path, line: str, key: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load_source_file(write(tmp_path, GOOD + f"[limits]\n{line}\n"))
    assert f"key '{key}'" in str(raised.value) and expected in str(raised.value)


@pytest.mark.parametrize(
    "source_id",
    ["../evil", "../../../../x/evil", "a/b", "Evil", ".hidden", "a..b", "", "é"],
)
def test_a_source_id_that_could_leave_the_directory_is_refused(
    tmp_path: Path, source_id: str
) -> None:
    """Issue 15, point 5 (jobs carry source ids too: a worker loads through here)."""
    sources = tmp_path / "sources"
    sources.mkdir()
    write(tmp_path, GOOD, "evil")  # ../evil.toml exists, outside
    with pytest.raises(ConfigError, match="is not a source id"):
        load_source(source_id, sources)


def test_ids_with_dots_and_underscores_are_fine(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "news.example_1-de")
    assert load_source("news.example_1-de", tmp_path).source_id == "news.example_1-de"


def test_article_patterns_cannot_stall_a_crawl(tmp_path: Path) -> None:
    """Issue 15, point 6: `(a+)+$` backtracks for minutes in Python's `re` on
    a 40-character link; patterns run on RE2, in time linear in the URL. (The
    bound checked is a liveness margin of 10 s for what takes microseconds.)"""
    import threading

    path = write(
        tmp_path,
        GOOD + 'sections = ["https://example.com/news"]\n'
        '[articles]\nallow = ["(a+)+$"]\ndeny = ["(x|x)*y"]\n',
    )
    cfg = load_source_file(path)
    verdicts: list[bool] = []
    links = ["https://example.com/" + "a" * 40 + "!", "https://example.com/" + "x" * 40]
    worker = threading.Thread(
        target=lambda: verdicts.extend(cfg.is_article_url(u) for u in links),
        daemon=True,
    )
    worker.start()
    worker.join(timeout=10)
    assert verdicts == [False, False]


def test_a_pattern_re2_cannot_run_is_refused_with_the_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        GOOD + '[articles]\nallow = ["/(?=news)news/"]\n',
    )
    with pytest.raises(ConfigError, match="key 'articles.allow'.*RE2 syntax"):
        load_source_file(path)
