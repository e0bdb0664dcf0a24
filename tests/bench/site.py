"""`make bench`'s corpus: 2,000+ article pages shaped like real news pages.

Real article pages are mostly not article: 100-200 KB of navigation, inline
scripts and styles, related-story cards, comments and footers around 600 words of
text, and that is what trafilatura's time goes on. The generated pages are built
that way, from the demo site's sentence patterns (nothing here reaches the public
web); one in ten is a syndicated copy of an earlier story, so deduplication does
real work. Or the pages come from a folder (`PAGES=DIR`, `.html` or `.html.gz`
files, such as ../shared/eval/aeb/html), repeated under distinct URLs.

Listed by news sitemaps of 500 URLs under one sitemap index, as large outlets do.
"""

from __future__ import annotations

import asyncio
import gzip
import html
import json
import multiprocessing
import random
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from dateline.demo.site import NEXT_IN_WORLD
from dateline.demo.stories import (
    LEDGER_NOTE,
    PEOPLE,
    QUOTES,
    SEED_PARAGRAPHS,
    TOPICS,
    Story,
    make_story,
)

SITEMAP_SIZE = 500
SECTIONS = [
    "world", "nation", "business", "markets", "tech", "science", "health",
    "sport", "culture", "opinion", "travel", "lifestyle",
]  # fmt: skip


class BenchSite:
    """Paths -> (content type, bytes), like the demo's `Site`, so `serve` serves it."""

    def __init__(
        self, base: str, count: int = 2000, pages_dir: Path | list[Path] | None = None
    ) -> None:
        self.base = base.rstrip("/")
        self.pages: dict[str, tuple[str, bytes]] = {}
        self.articles: list[str] = []  # article paths, in sitemap order
        if pages_dir is not None:
            self._from_folder(pages_dir, count)
        else:
            self._generate(count)
        self._sitemaps()

    def _add(self, path: str, body: bytes, ctype: str = "text/html") -> None:
        self.pages[path] = (f"{ctype}; charset=utf-8", body)

    def _generate(self, count: int) -> None:
        rng = random.Random(7)
        vocabulary = _vocabulary(rng)
        now = datetime.now(UTC).replace(microsecond=0)
        stories: list[Story] = []
        for i in range(count):
            if i % 10 == 9:  # a copy of an earlier story, a note added
                original = rng.choice(stories[-50:])
                story = replace(
                    original,
                    slug=f"{original.slug}-copy-{i}",
                    paragraphs=(*original.paragraphs, LEDGER_NOTE),
                )
            else:
                story = make_story(rng, i, i % 3 == 0, now)
                story = replace(
                    story,
                    paragraphs=(story.paragraphs[0], *_prose(rng, vocabulary)),
                    published=now - timedelta(minutes=3 * i + 1),
                )
            stories.append(story)
            path = f"/bench/{rng.choice(SECTIONS)}/{story.slug}"
            self._add(path, article_page(story, self.base, path, rng).encode())
            self.articles.append(path)

    def _from_folder(self, folders: Path | list[Path], count: int) -> None:
        """The pages of one folder or several, in the order they are named."""
        files = []
        for folder in folders if isinstance(folders, list) else [folders]:
            found = sorted(
                p for p in folder.iterdir() if p.name.endswith((".html", ".html.gz"))
            )
            if not found:
                raise SystemExit(f"PAGES={folder}: no .html or .html.gz files there")
            files += found
        bodies = [
            gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
            for p in files
        ]
        if 0 < count < len(bodies):  # every n-th page: each folder's share kept
            bodies = bodies[:: len(bodies) // count][:count]
        rounds = -(-max(count, len(bodies)) // len(bodies))
        for r in range(rounds):
            for i, body in enumerate(bodies):
                path = f"/bench/r{r}/page-{i}"
                self.pages[path] = ("text/html", body)  # charset: the page says
                self.articles.append(path)

    def _sitemaps(self) -> None:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        chunks = [
            self.articles[i : i + SITEMAP_SIZE]
            for i in range(0, len(self.articles), SITEMAP_SIZE)
        ]
        for n, chunk in enumerate(chunks):
            urls = "".join(
                f"<url><loc>{self.base}{p}</loc><lastmod>{now}</lastmod></url>"
                for p in chunk
            )
            self._add(
                f"/bench/sitemap-{n}.xml",
                (
                    '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                    f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
                ).encode(),
                "application/xml",
            )
        index = "".join(
            f"<sitemap><loc>{self.base}/bench/sitemap-{n}.xml</loc>"
            f"<lastmod>{now}</lastmod></sitemap>"
            for n in range(len(chunks))
        )
        self._add(
            "/bench/sitemap.xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns='
                f'"http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>'
            ).encode(),
            "application/xml",
        )
        self._add("/robots.txt", b"User-agent: *\nDisallow:\n", "text/plain")


def serve_fast(site: BenchSite, host: str, port: int) -> tuple[Any, Any]:
    """Serve `site` from a process of its own: a bare HTTP/1.1 keep-alive server
    (http.server parses every request's headers with the email package, a third
    of a millisecond a page that the benchmark would charge to Dateline). Returns
    (process, shared time of the first request: 0.0 until one comes)."""
    ctx = multiprocessing.get_context("fork")
    first = ctx.Value("d", 0.0)
    answers = {
        path.encode(): (
            f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        + body
        for path, (ctype, body) in site.pages.items()
    }
    proc = ctx.Process(
        target=_serve_forever, args=(answers, host, port, first), daemon=True
    )
    proc.start()
    return proc, first


def _serve_forever(
    answers: dict[bytes, bytes], host: str, port: int, first: Any
) -> None:
    missing = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"

    async def answer(reader: Any, writer: Any) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if not first.value:
                    first.value = time.monotonic()
                path = head.split(b" ", 2)[1].split(b"?")[0]
                writer.write(answers.get(path, missing))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(answer, host, port, backlog=256)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def article_page(story: Story, base: str, path: str, rng: random.Random) -> str:
    """One story in a heavy template: what a news page weighs around its text."""
    title = html.escape(story.title)
    author = story.author or "Wire desk"
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": story.published.isoformat(),
        "author": {"@type": "Person", "name": author},
        "publisher": {"@type": "Organization", "name": "The Bench Times"},
    }
    state = {  # the hydration blob most front-end frameworks inline
        "route": path,
        "related": [
            {
                "id": rng.randrange(10**9),
                "title": _headline(rng),
                "url": _link(base, rng),
            }
            for _ in range(60)
        ],
        "ads": {f"slot{i}": {"sizes": [[300, 250], [728, 90]]} for i in range(20)},
    }
    paragraphs = []
    for i, text in enumerate(story.paragraphs):
        paragraphs.append(f"<p>{html.escape(text, quote=False)}</p>")
        if i % 3 == 2:
            paragraphs.append(
                f'<div class="ad-slot" id="ad-{i}"><span>Advertisement</span></div>'
                f'<p class="read-more">Read more: <a href="{_link(base, rng)}">'
                f"{html.escape(_headline(rng))}</a></p>"
            )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | The Bench Times</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="The Bench Times">
<meta property="og:type" content="article">
<meta name="author" content="{html.escape(author)}">
<meta property="article:published_time" content="{story.published.isoformat()}">
<link rel="canonical" href="{base}{path}">
<style>{_css(rng)}</style>
<script type="application/ld+json">{json.dumps(ld)}</script>
<script>window.__STATE__ = {json.dumps(state)};</script>
<script>{_script(rng)}</script>
</head><body>
<div class="top-bar">Subscribe | Sign in | Newsletters | Today's paper</div>
<header class="masthead"><a href="{base}/">The Bench Times</a>
<nav class="mega-menu">{_menu(base, rng)}</nav></header>
<div class="ticker"><ul>{_cards(base, rng, 10, brief=True)}</ul></div>
<main><article class="story">
<ul class="story-meta"><li class="kicker">{story.section.title()}</li>
<li class="date"><time datetime="{story.published.isoformat()}">
{story.published:%d %B %Y, %H:%M} UTC</time></li></ul>
<h1>{title}</h1><div class="byline">By {html.escape(author)}</div>
<figure><img src="/static/{rng.randrange(10**6)}.jpg" alt=""><figcaption>
{html.escape(_headline(rng))}. Photo: {
        html.escape(rng.choice(PEOPLE))
    }</figcaption></figure>
<div class="story-body">
{"".join(paragraphs)}
</div>
<div class="share-tools">Share this story: Facebook | X | LinkedIn | Email | Print</div>
<ul class="tags">{
        "".join(
            f"<li><a href='{_link(base, rng)}'>{t}</a></li>"
            for t in rng.sample(TOPICS, 5)
        )
    }</ul>
</article>
<aside class="sidebar"><h2>Most read</h2><ol>{_cards(base, rng, 10)}</ol>
<form class="newsletter"><label>Get the morning briefing</label><input type="email">
<button>Sign up</button></form></aside>
<section class="related"><h3>Next In World</h3><ul>{
        "".join(
            f"<li><a href='{_link(base, rng)}'>{html.escape(t)}</a></li>"
            for t in NEXT_IN_WORLD
        )
    }</ul></section>
<section class="more"><h3>More from The Bench Times</h3><ul>{
        _cards(base, rng, 24)
    }</ul></section>
<section class="comments"><h3>Comments</h3>{_comments(rng)}</section>
</main><footer>{_menu(base, rng, columns=6, links=12)}
<p>&copy; {
        story.published:%Y} Bench Media Ltd. All rights reserved. Registered in England.</p>
</footer></body></html>"""


def _vocabulary(rng: random.Random) -> list[str]:
    """Some 3,000 words: the demo's and the seed story's, and made-up ones, so
    that unrelated stories share no more 4-word runs than real ones do."""
    known = " ".join([*SEED_PARAGRAPHS, *QUOTES, *TOPICS, *PEOPLE]).split()
    syllables = ["ka", "lo", "ven", "tor", "mi", "sa", "dre", "pol", "un", "ex",
                 "ra", "tin", "bur", "cho", "del", "fi", "gan", "hu", "jor", "mes"]  # fmt: skip
    made = {
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3)))
        for _ in range(4000)
    }
    return sorted({w.strip('.,"()') for w in known} | made)


def _prose(rng: random.Random, words: list[str]) -> list[str]:
    """Eight to fourteen paragraphs of sentences: a 600-900 word story."""
    paragraphs = []
    for _ in range(rng.randint(8, 14)):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            sentence = " ".join(rng.choices(words, k=rng.randint(10, 24)))
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        if rng.random() < 0.3:
            sentences.append(f'"{rng.choice(QUOTES)}," said {rng.choice(PEOPLE)}.')
        paragraphs.append(" ".join(sentences))
    return paragraphs


def _headline(rng: random.Random) -> str:
    return f"{rng.choice(PEOPLE)} on {rng.choice(TOPICS)}: what comes next"


def _link(base: str, rng: random.Random) -> str:
    return f"{base}/bench/{rng.choice(SECTIONS)}/story-{rng.randrange(10**7)}"


def _menu(base: str, rng: random.Random, columns: int = 12, links: int = 15) -> str:
    return "".join(
        f'<div class="col"><h4>{s.title()}</h4><ul>'
        + "".join(
            f'<li><a href="{base}/bench/{s}/topic-{rng.randrange(10**5)}">'
            f"{rng.choice(TOPICS).title()}</a></li>"
            for _ in range(links)
        )
        + "</ul></div>"
        for s in SECTIONS[:columns]
    )


def _cards(base: str, rng: random.Random, count: int, brief: bool = False) -> str:
    cards = []
    for _ in range(count):
        link = f'<a href="{_link(base, rng)}">{html.escape(_headline(rng))}</a>'
        if brief:
            cards.append(f"<li>{link}</li>")
            continue
        cards.append(
            f'<li class="card"><img src="/static/{rng.randrange(10**6)}.jpg" alt="">'
            f"<h3>{link}</h3><p>{html.escape(rng.choice(PEOPLE))} reports on "
            f"{html.escape(rng.choice(TOPICS))}.</p>"
            f"<time>{rng.randint(1, 23)} hours ago</time></li>"
        )
    return "".join(cards)


def _comments(rng: random.Random) -> str:
    return "".join(
        f'<div class="comment"><b>{html.escape(rng.choice(PEOPLE))}</b>'
        f"<p>I doubt {html.escape(rng.choice(TOPICS))} will change much.</p></div>"
        for _ in range(rng.randint(3, 8))
    )


def _css(rng: random.Random) -> str:
    return "".join(
        f".c{i}{{margin:{rng.randint(0, 24)}px;padding:{rng.randint(0, 16)}px;"
        f"color:#{rng.randrange(16**6):06x};font-size:{rng.randint(10, 32)}px}}"
        for i in range(300)
    )


def _script(rng: random.Random) -> str:
    return "".join(
        f"function f{i}(a,b){{return a*{rng.randint(1, 99)}+b-{rng.randint(1, 99)};}}"
        for i in range(400)
    )
