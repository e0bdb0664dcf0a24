"""Issue 15, point 2: the crawler never fetches inward, whatever the spelling of
the address, whether a listing, an article or a redirect hop leads there, and
whether a name resolves there."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from config.source import SourceConfig, is_private_host
from crawler.refresh import HEAD_BYTES
from dateline.private_redis import free_port
from tests.harness import HostileSite, WatchedSite, run_dateline, serve_watched

# Every spelling of an internal address a resolver accepts (and the forms the
# issue found crawled), each with the port of a server that must see nothing.
FORMS = [
    "127.0.0.1",
    "127.1",  # short form
    "2130706433",  # decimal
    "0x7f000001",  # hex
    "0x7f.1",  # hex, short
    "0177.0.0.1",  # octal
    "0",  # 0.0.0.0, unspecified
    "127.0.0.1.",  # trailing dot
    "localhost",
    "[::1]",
    "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
    "10.0.0.1",
    "100.64.0.1",  # carrier NAT
    "169.254.169.254",  # link-local: cloud metadata
    "224.0.0.1",  # multicast
]


@pytest.mark.parametrize("host", FORMS)
def test_every_spelling_of_an_internal_address_is_internal(host: str) -> None:
    assert is_private_host(host.strip("[]")) and is_private_host(host)


@pytest.mark.parametrize(
    "host", ["example.com", "8.8.8.8", "1.1.1.1.", "[2606:4700::1111]"]
)
def test_public_hosts_are_not(host: str) -> None:
    assert not is_private_host(host)


def test_a_source_allowing_private_hosts_reaches_only_its_own() -> None:
    cfg = SourceConfig(
        source_id="intranet",
        name="Intranet",
        homepage="http://10.1.2.3/",
        allowed_domains=("10.1.2.3",),
        languages=("en",),
        timezone="UTC",
        feeds=("http://10.1.2.3/rss",),
        allow_private_hosts=True,
    )
    assert cfg.is_fetchable("http://10.1.2.3/story")
    for host in FORMS:
        assert not cfg.is_fetchable(f"http://{host}/x"), host
    public = SourceConfig(**{**cfg.__dict__, "allow_private_hosts": False})
    assert not public.is_fetchable("http://10.1.2.3/story")


def test_redirects_and_links_to_internal_addresses_are_never_followed(
    dateline_env: dict, tmp_path: Path
) -> None:
    """A local hostile site (allowed: it is the source's own host) whose feed
    links to, and whose pages and sitemap redirect to, another local server by
    every spelling: that server must see no request at all."""
    inward = WatchedSite("http://127.0.0.1")
    port = free_port()
    inner = serve_watched(inward, port)
    site = HostileSite()
    name = socket.gethostname()  # resolves inward here (/etc/hosts)
    assert is_private_host(socket.gethostbyname(name)), "the test needs a local name"
    targets = [f"http://{host}:{port}/secret" for host in [*FORMS, name]]
    targets = [t for t in targets if "127.0.0.1:" not in t or "127.0.0.1." in t]
    for i, target in enumerate(targets):
        site.redirects[f"/r/{i}"] = target
    site.redirects["/redirected-feed.xml"] = targets[1]
    site.feed("/feed.xml", *(f"/r/{i}" for i in range(len(targets))), *targets)
    server = site.serve()
    try:
        sources = tmp_path / "hostile-sources"
        site.source(sources, "hostile", feeds=["/feed.xml", "/redirected-feed.xml"])
        env = {**dateline_env, "DATELINE_SOURCES_DIR": str(sources)}
        crawl = run_dateline(env, "crawl", "hostile", "--json", check=False, timeout=60)
        assert inward.requests == []
        assert crawl.returncode == 1  # the redirected feed could not be fetched
        assert "an internal address" in crawl.stderr
        assert all(f"/r/{i}" in site.requests for i in range(len(targets)))

        # a source that allows no private host, whose feed's name resolves inward
        public = tmp_path / "public-sources"
        public.mkdir()
        (public / "public.toml").write_text(
            f'name = "P"\nhomepage = "http://{name}:{port}/"\n'
            f'allowed_domains = ["{name}"]\nlanguages = ["en"]\ntimezone = "UTC"\n'
            f'feeds = ["http://{name}:{port}/feed.xml"]\n'
        )
        env = {**dateline_env, "DATELINE_SOURCES_DIR": str(public)}
        crawl = run_dateline(env, "crawl", "public", check=False, timeout=60)
        assert crawl.returncode == 1 and inward.requests == []
        assert f"refused {name} resolves to 127.0.0.1, an internal address" in (
            crawl.stderr
        )
        assert "py.warnings" not in crawl.stderr
    finally:
        server.shutdown()
        inner.shutdown()


def test_a_meta_refresh_is_followed_within_the_site_never_inward(
    dateline_env: dict, tmp_path: Path
) -> None:
    """A page that moved says so in its head (`<meta http-equiv="refresh">`),
    as old article URLs of many outlets do. The crawler reads it from the head of
    a page longer than the part it scans (crawler/refresh.py) and fetches the
    page it names; one that names an internal address is refused like any hop."""
    inward = WatchedSite("http://127.0.0.1")
    port = free_port()
    inner = serve_watched(inward, port)
    site = HostileSite()
    story = "<p>" + "A story that moved to its new address. " * 40 + "</p>"
    for path, target, spelled, encoding in (
        ("/old/story", "/news/story", "Refresh", "utf-8"),  # as many outlets spell it
        ("/old/wide", "/news/wide", "refresh", "utf-16"),  # the word in other bytes
        ("/old/secret", f"http://127.0.0.1.:{port}/secret", "refresh", "utf-8"),
    ):
        site.pages[path] = (
            "text/html",
            f'<html><head><meta http-equiv="{spelled}" content="0; url={target}">'
            f"</head><body>{story * 12}</body></html>".encode(encoding),
        )
        assert len(site.pages[path][1]) > HEAD_BYTES
    for path in ("/news/story", "/news/wide"):
        site.pages[path] = ("text/html", f"<html><body>{story}</body></html>".encode())
    site.feed("/feed.xml", "/old/story", "/old/wide", "/old/secret")
    server = site.serve()
    try:
        sources = tmp_path / "moved-sources"
        site.source(sources, "moved", feeds=["/feed.xml"])
        env = {**dateline_env, "DATELINE_SOURCES_DIR": str(sources)}
        run_dateline(env, "crawl", "moved", "--json", check=False, timeout=60)
        assert "/news/story" in site.requests
        assert "/news/wide" in site.requests
        assert inward.requests == []
    finally:
        server.shutdown()
        inner.shutdown()
