"""What the tests, benches, chaos scenarios and evaluations share: the one
redis-server starter, a process's children, the demo sources on a given port and
demo pages as the crawler would hand them over.

Nothing here ships: it is the harness around the product.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path

from redis import Redis

from config.loader import load_source
from config.paths import SOURCES_DIR
from config.source import adhoc_source
from dateline.demo.server import SiteHandler, serve
from dateline.demo.site import Site
from dateline.private_redis import free_port, ping, server_args
from workers.models import Page, charset_of
from workers.stages import PreparedArticle, prepare_article
from workers.urls import page_key

DEMO_SOURCES = ("demo-courier", "demo-ledger")
REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the virtualenv's: `dateline` as installed


@dataclass
class RedisServer:
    """A private redis-server in the foreground (append-only, as in production)."""

    directory: Path
    port: int = field(default_factory=free_port)
    extra_args: tuple[str, ...] = ()  # e.g. ("--appendonly", "no") for a bench
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 20) -> RedisServer:
        """Start (or restart, on the same port and files) and wait until it answers."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [*server_args(self.directory, self.port), *self.extra_args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while not ping(self.url, 0.2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.05)
        return self

    def stop(self, save: bool = False) -> None:
        """Shut down; with `save`, as an operator would (the append-only file kept)."""
        if self.proc is None:
            return
        if save:
            with suppress(Exception):  # the connection drops as the server goes
                Redis.from_url(self.url).shutdown(nosave=False)
        else:
            self.proc.terminate()
        self.proc.wait(timeout=30)
        self.proc = None


def start_redis(directory: Path) -> RedisServer:
    return RedisServer(directory).start()


class WatchedSite(Site):
    """The demo site as tests serve it: the paths it answered, in order, and a
    delay before each answer (a slow site)."""

    def __init__(self, base: str) -> None:
        super().__init__(base)
        self.requests: list[str] = []
        self.delay = 0.0


class _WatchedHandler(SiteHandler):
    site: WatchedSite

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.site.requests.append(self.path)
        if self.site.delay:
            time.sleep(self.site.delay)
        super().do_GET()


def serve_watched(site: WatchedSite, port: int) -> ThreadingHTTPServer:
    """Serve the demo site on 127.0.0.1:`port`, watched."""
    return serve(site, "127.0.0.1", port, _WatchedHandler)


def children(pid: int) -> list[int]:
    """The process ids whose parent is `pid`."""
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout
    return [int(p) for p in out.split()]


def demo_sources(directory: Path, port: int) -> Path:
    """The shipped demo source files, pointed at a demo site on `port`."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in DEMO_SOURCES:
        text = (SOURCES_DIR / f"{name}.toml").read_text()
        text = text.replace("127.0.0.1:8765", f"127.0.0.1:{port}")
        (directory / f"{name}.toml").write_text(text)
    return directory


def demo_page(
    site: Site,
    path: str,
    source_id: str | None = None,
    fetched_at: datetime | None = None,
) -> Page:
    """A page of the demo site as the crawler hands it over, its url key made
    with the shipped demo source (the port does not change a key's path)."""
    source_id = source_id or ("demo-ledger" if "/ledger/" in path else "demo-courier")
    url = site.base + path
    known = source_id if source_id in DEMO_SOURCES else "demo-courier"
    ctype, body = site.pages[path]
    return Page(
        url=url,
        final_url=url,
        status=200,
        body=body,
        fetched_at=fetched_at or datetime.now(UTC),
        source_id=source_id,
        url_key=page_key(url, load_source(known, SOURCES_DIR)),
        discovered_via="test",
        declared_charset=charset_of(ctype),
    )


def demo_article_pages(site: Site, count: int) -> list[Page]:
    """The first `count` article pages of both demo outlets."""
    paths = sorted(p for p in site.pages if "/news/" in p or "/story/" in p)
    now = datetime.now(UTC)
    return [demo_page(site, p, fetched_at=now) for p in paths[:count]]


def run_dateline(
    env: dict[str, str], *args: str, timeout: float = 120, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the installed `dateline` command as a user would."""
    exe = shutil.which("dateline", path=str(BIN)) or "dateline"
    proc = subprocess.run(
        [exe, *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=REPO
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"dateline {' '.join(args)} exited {proc.returncode}:\n"
            f"{proc.stdout}\n{proc.stderr}"
        )
    return proc


def prepare_html(
    html: str,
    url: str = "https://example.com/news/story",
    fetched_at: datetime | None = None,
) -> PreparedArticle:
    """One page of HTML through the stage chain with the ad hoc source, as
    `dateline extract` runs it; it must yield an article."""
    source = adhoc_source()
    page = Page(
        url=url,
        final_url=url,
        status=200,
        body=html.encode(),
        fetched_at=fetched_at or datetime(2024, 3, 20, tzinfo=UTC),
        source_id=source.source_id,
        url_key=page_key(url, source),
        discovered_via="test",
    )
    prepared = prepare_article(page, source)
    assert isinstance(prepared, PreparedArticle), prepared
    return prepared


def huge_page(page: Page) -> Page:
    """`page` under another URL with a body of 200,000 <p> elements: more than a
    page's element budget, and busy past a job's timeout without one."""
    return replace(
        page,
        url=page.url + "-huge",
        final_url=page.url + "-huge",
        url_key=page.url_key + "-huge",
        body=b"<html><body>" + b"<p>x</p>" * 200_000 + b"</body></html>",
    )


class HostileSite:
    """A site that attacks its crawler, for the security tests (issue 15):
    sitemaps that list themselves or each other or nest without end, redirects
    to internal addresses, compressed bombs. `pages` answers 200 as the demo
    site does; `redirects` answers 302 to a Location; `requests` logs paths."""

    def __init__(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.pages: dict[str, tuple[str, bytes]] = {}
        self.redirects: dict[str, str] = {}
        self.requests: list[str] = []

    def sitemap_index(self, path: str, *children: str) -> None:
        locs = "".join(
            f"<sitemap><loc>{self.base}{c}</loc></sitemap>" for c in children
        )
        self.pages[path] = (
            "application/xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns='
                f'"http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</sitemapindex>'
            ).encode(),
        )

    def feed(self, path: str, *links: str) -> None:
        """An RSS feed listing `links` (paths on this site, or whole URLs)."""
        items = "".join(
            f"<item><title>t</title><link>{link if '://' in link else self.base + link}"
            "</link></item>"
            for link in links
        )
        self.pages[path] = (
            "application/rss+xml",
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>h</title>'
            f"{items}</channel></rss>".encode(),
        )

    def source(self, directory: Path, source_id: str, **lists: list[str]) -> Path:
        """A source file for this site (private hosts allowed: it is local)."""
        directory.mkdir(parents=True, exist_ok=True)
        entries = "".join(
            f"{key} = [{', '.join(repr(self.base + p) for p in paths)}]\n"
            for key, paths in lists.items()
        )
        path = directory / f"{source_id}.toml"
        path.write_text(
            f'name = "Hostile"\nhomepage = "{self.base}/"\n'
            'allowed_domains = ["127.0.0.1"]\nlanguages = ["en"]\n'
            'timezone = "UTC"\nallow_private_hosts = true\n' + entries
        )
        return path

    def serve(self) -> ThreadingHTTPServer:
        return serve(self, "127.0.0.1", self.port, _HostileHandler)


class _HostileHandler(SiteHandler):
    site: HostileSite  # type: ignore[assignment]

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.site.requests.append(self.path)
        target = self.site.redirects.get(self.path)
        if target is not None:
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()


def robots_only_site() -> HostileSite:
    """A site whose only listing is the sitemap its robots.txt names: no home
    page, no feed (what `dateline sources add` must still find)."""
    from dateline.demo.site import Site

    site = HostileSite()
    demo = Site(site.base)
    articles = [p for p in demo.pages if p.startswith("/courier/news/2024/03/1")][:4]
    locs = "".join(f"<url><loc>{site.base}/{p.split('/news/')[1]}</loc></url>"
                   for p in articles)  # fmt: skip
    for path in articles:  # /2024/03/19/slug: the site's own URL scheme
        site.pages["/" + path.split("/news/")[1]] = demo.pages[path]
    site.pages["/robots.txt"] = (
        "text/plain",
        f"User-agent: *\nSitemap: {site.base}/maps/news.xml\n".encode(),
    )
    site.pages["/maps/news.xml"] = (
        "application/xml",
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
        f'sitemap/0.9">{locs}</urlset>'.encode(),
    )
    return site
