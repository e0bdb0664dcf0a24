"""`dateline sources add URL` and `sources check ID`: a new source in a minute.

`add` fetches the site's home page, robots.txt and the usual feed and sitemap
paths, follows the feeds its home page links to (`<link rel=alternate>`, read by
trafilatura's feed finder) and the sitemaps robots.txt names, gathers article
URLs, proposes an `allow` pattern from their shape, guesses the language (the
page's `lang`) and timezone (its country-code domain), and writes the source
file. `check` fetches a source's listings, counts its article URLs and extracts
a few. Every fetch goes through the crawler's guard (no internal address, unless
`--allow-private-hosts` for a local site); robots.txt is read, not obeyed, as a
person trying one site would."""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from config.paths import SOURCE_ID_RE, sources_dir
from config.source import SourceConfig, adhoc_source
from dateline.runtime import UsageError

COMMON = (
    "/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml",
    "/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-news.xml",
)  # fmt: skip
MAX_LISTINGS = 20
MAX_ARTICLES = 500


@dataclass
class Found:
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    language: str | None = None
    home: str = ""
    pages: dict[str, bytes] = field(default_factory=dict)  # sampled articles


def crawl_site(
    urls: list[str],
    guard: SourceConfig,
    samples: int = 0,
    article_ok: Any = None,
) -> Found:
    """One Scrapy process: the listings at `urls` (a home page's own links,
    robots' sitemaps and sitemap indexes followed), then the first `samples`
    article URLs found. The two crawls run one after the other on one reactor,
    as Scrapy documents for sequential crawls (a reactor cannot restart)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy import Request, Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler import listings

    found = Found()
    host = urlsplit(urls[0]).hostname or ""

    def same_site(url: str) -> bool:
        other = urlsplit(url).hostname or ""
        return other == host or other.endswith("." + host.removeprefix("www."))

    class Discovery(Spider):
        name = "discovery"
        cfg = guard
        listed = 0

        async def start(self) -> Any:
            for url in urls:
                yield self.listing(url)

        def listing(self, url: str) -> Any:
            self.listed += 1
            return Request(
                url, self.parse_any, errback=lambda _: None, dont_filter=False
            )

        def parse_any(self, response: Any) -> Any:
            body = response.body
            if response.url.endswith("/robots.txt"):
                for line in response.text.splitlines():
                    if line.lower().startswith("sitemap:"):
                        yield self.listing(line.split(":", 1)[1].strip())
                return
            root = listings.xml_root(listings.gunzip(body, guard.limits.max_page_bytes))
            kind = listings.root_name(root) if root is not None else None
            if kind in ("sitemapindex", "urlset"):
                if response.url not in found.sitemaps:
                    found.sitemaps.append(response.url)
                for loc, _ in listings.sitemap_entries(root)[:MAX_ARTICLES]:
                    if kind == "sitemapindex" and self.listed < MAX_LISTINGS:
                        yield self.listing(loc)
                    elif kind == "urlset":
                        found.articles.append(loc)
                return
            if root is not None and listings.is_feed(root):
                found.feeds.append(response.url)
                found.articles += [u for u, _ in listings.feed_entries(root)]
                return
            if hasattr(response, "text") and not found.home:
                found.home = response.url
                yield from self.home_page(response)

        def home_page(self, response: Any) -> Any:
            from trafilatura.feeds import FeedParameters, determine_feed

            lang = response.xpath("/html/@lang").get() or ""
            found.language = lang[:2].lower() or None
            params = FeedParameters(response.url, host, response.url)
            for feed in determine_feed(response.text, params)[:5]:
                yield self.listing(feed)
            for href in response.xpath("//a/@href").getall():
                url = urljoin(response.url, href).split("#")[0]
                if same_site(url) and url.rstrip("/") != response.url.rstrip("/"):
                    found.articles.append(url)

    class Samples(Spider):
        name = "samples"
        cfg = guard

        async def start(self) -> Any:
            for url in found.articles[:samples]:
                yield Request(url, self.keep, errback=lambda _: None)

        def keep(self, response: Any) -> None:
            found.pages[response.url] = response.body

    settings = get_project_settings()
    for key, value in (
        ("ROBOTSTXT_OBEY", False), ("RETRY_TIMES", 1), ("ITEM_PIPELINES", {}),
        ("EXTENSIONS", {}), ("LOG_INSTALL_ROOT_HANDLER", False),
        ("DOWNLOAD_DELAY", 0), ("AUTOTHROTTLE_ENABLED", False),
        ("DATELINE_INTERNAL_HOSTS",
         sorted(guard.own_hosts()) if guard.allow_private_hosts else []),
    ):  # fmt: skip
        settings.set(key, value)
    process = CrawlerProcess(settings)

    def listed(_: Any) -> Any:
        found.articles = list(dict.fromkeys(u for u in found.articles if same_site(u)))
        if article_ok is not None:
            found.articles = [u for u in found.articles if article_ok(u)]
        return process.crawl(Samples) if samples and found.articles else None

    def stop(_: Any) -> None:
        from twisted.internet import reactor  # the one CrawlerProcess installed

        reactor.stop()  # type: ignore[attr-defined,misc]

    failures: list[Any] = []
    done = process.crawl(Discovery).addCallback(listed)
    done.addErrback(failures.append).addBoth(stop)
    process.start(stop_after_crawl=False)
    if failures:
        failures[0].raiseException()
    return found


def propose_allow(urls: list[str]) -> str | None:
    """A pattern for the article URLs' most common shape: digits (dates, ids)
    become digit classes, a word every URL shares stays literal, slugs become a
    slug class."""
    shapes: dict[int, list[list[str]]] = {}
    for url in urls:
        parts = [p for p in urlsplit(url).path.split("/") if p]
        if len(parts) >= 2 or (parts and "-" in parts[-1]):
            shapes.setdefault(len(parts), []).append(parts)
    if not shapes:
        return None
    group = max(shapes.values(), key=len)
    if len(group) < 2:
        return None
    pattern = []
    for column in zip(*group, strict=True):
        values = set(column)
        if all(v.isdigit() for v in values):  # dates and ids change, even if
            # every sample shares them today
            sizes = {len(v) for v in values}
            pattern.append(rf"\d{{{sizes.pop()}}}" if len(sizes) == 1 else r"\d+")
        elif len(values) == 1:
            pattern.append(re.escape(column[0]))
        elif all(re.fullmatch(r"[a-z-]+", v) for v in values):
            pattern.append("[a-z-]+")
        elif all(re.fullmatch(r"[a-z0-9-]+", v) for v in values):
            pattern.append("[a-z0-9-]+")
        else:
            pattern.append("[^/]+")
    return "/" + "/".join(pattern) + "/?$"


def cmd_sources_add(args: argparse.Namespace) -> int:
    from config.loader import load_source_file
    from workers.gazetteer import timezone_of_host

    url = args.target
    if not url or not url.startswith(("http://", "https://")):
        raise UsageError(
            "sources add: give the site's URL, e.g. https://www.example.com/"
        )
    host = urlsplit(url).hostname or ""
    source_id = args.id or _id_for(url)
    if not SOURCE_ID_RE.fullmatch(source_id) or ".." in source_id:
        raise UsageError(f"sources add: {source_id!r} is not a source id; give --id")
    path = sources_dir() / f"{source_id}.toml"
    if path.exists():
        raise UsageError(f"{path} exists: give another --id, or edit it")
    root = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
    guard = dataclasses.replace(
        adhoc_source(source_id),
        homepage=url,
        allowed_domains=(host,),
        allow_private_hosts=args.allow_private_hosts,
    )
    section = urlsplit(url).path.split("/")[1]  # /courier/world/ -> /courier
    bases = dict.fromkeys([root, *([f"{root}/{section}"] if section else [])])
    found = crawl_site(
        [url, root + "/robots.txt", *(b + p for b in bases for p in COMMON)], guard
    )
    allow = propose_allow(found.articles)
    if not (found.feeds or found.sitemaps or allow):
        raise UsageError(
            f"sources add: no feed, sitemap or article links found at {url}"
        )
    timezone = timezone_of_host(host) or "UTC"
    domain = host.removeprefix("www.")
    lines = [
        f"# Written by `dateline sources add {url}`: check it with "
        f"`dateline sources check {source_id}`.",
        f'name = "{domain}"',
        f'homepage = "{url}"',
        f'allowed_domains = ["{domain}"]',
        f'languages = ["{found.language or "en"}"]',
        f'timezone = "{timezone}"',
        f"feeds = {_toml_list(found.feeds)}",
        f"sitemaps = {_toml_list(found.sitemaps)}",
    ]
    if not (found.feeds or found.sitemaps):
        lines.append(f"sections = {_toml_list([url])}")
    if args.allow_private_hosts:
        lines.append("allow_private_hosts = true")
    if allow:
        lines += ["", "[articles]", f"allow = ['{allow}']"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        load_source_file(path)
    except Exception:
        path.unlink()
        raise
    print(
        f"{source_id}: {len(found.feeds)} feed(s), {len(found.sitemaps)} sitemap(s), "
        f"{len(found.articles)} article link(s); allow {allow or '(none)'}; "
        f"language {found.language or 'en (guessed)'}; timezone {timezone}"
    )
    print(f"wrote {path}; next: dateline sources check {source_id}", file=sys.stderr)
    return 0


def cmd_sources_check(args: argparse.Namespace) -> int:
    from config.loader import load_source
    from dateline import library

    if not args.target:
        raise UsageError("sources check: give a source id, as `dateline sources` lists")
    cfg = load_source(args.target)
    urls = [*cfg.feeds, *cfg.sitemaps, *cfg.sections] or [cfg.homepage]
    listed = crawl_site(urls, cfg, samples=args.samples, article_ok=cfg.is_article_url)
    print(
        f"{cfg.source_id}: {len(listed.feeds)} feed(s) and {len(listed.sitemaps)} "
        f"sitemap(s) read, {len(listed.articles)} article URL(s) listed"
    )
    if not listed.articles:
        print(f"dateline: {cfg.source_id}: no article URL found", file=sys.stderr)
        return 1
    for url, body in listed.pages.items():
        record = library.extract(body, url, source=cfg)
        dateline = record.get("dateline") or {}
        print(
            f"  {url}\n    {record['status']}: title {record.get('title')!r}\n"
            f"    date {record.get('published_at')} ({record.get('date_source')}); "
            f"authors {record.get('authors') or '-'}; dateline "
            f"{dateline.get('place_raw') or '-'} {dateline.get('agency') or ''}; "
            f"text {len(record.get('text') or '')} chars"
        )
    return 0


def _id_for(url: str) -> str:
    from config.source import domain_source_id

    domain = domain_source_id(url) or "site"
    first = domain.split(".")[0]
    return first if not first.isdigit() else domain


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"
