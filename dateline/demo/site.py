"""An offline demo news site: two outlets on 127.0.0.1, built from the seed story.

The Kuala Courier (a Malaysian daily: RSS feed, section pages) and The Northern
Ledger (a British paper: news sitemap, front page) each publish 30+ articles:
their own stories and the same wire stories, the seed among them, each in its own
template with its own boilerplate. Among them sit a page with no article, a page of
malformed HTML and a page in Windows-1252. Pages are generated, deterministically,
from sentence patterns: nothing here reaches the public web.
"""

from __future__ import annotations

import html
import json
from dataclasses import replace
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from dateline.demo.stories import (
    LEDGER_NOTE,
    Story,
    build_stories,
    windows_1252_story,
)

NEXT_IN_WORLD = [
    "Taiwan rattled by 5.1 magnitude quake, no immediate reports of damage",
    "Russia is preparing for contacts with the United States on Ukraine, the Kremlin says",
    "Migrants stuck in Mauritania after EU border pact brings crackdown",
    "Three dead, cargo ship catches fire in drone attacks on Russia's Rostov region",
]
PROMO = "Follow us on our official WhatsApp channel for breaking news alerts and key updates!"


def _paras(story: Story) -> str:
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in story.paragraphs)


def courier_url(story: Story) -> str:
    d = story.published.astimezone(_MYT)
    return f"/courier/news/{d:%Y/%m/%d}/{story.slug}"


def ledger_url(story: Story, number: int) -> str:
    return f"/ledger/story/{story.slug}-{number}.html"


_MYT = ZoneInfo("Asia/Kuala_Lumpur")


def courier_page(story: Story, base: str, charset: str = "utf-8") -> str:
    local = story.published.astimezone(_MYT)
    byline = (
        f'<div class="byline">By {html.escape(story.author)}</div>'
        if story.author
        else ""
    )
    photo = (
        f'<figure><img src="/static/photo.jpg" alt=""><figcaption>'
        f"{html.escape(story.photo)}</figcaption></figure>"
        if story.photo
        else ""
    )
    nxt = "".join(
        f'<li><a href="{base}/courier/world/">{html.escape(t)}</a></li>'
        for t in NEXT_IN_WORLD
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}">
<title>{html.escape(story.title)} | The Kuala Courier</title>
<meta property="og:title" content="{html.escape(story.title)}">
<meta property="og:site_name" content="The Kuala Courier">
<meta property="article:published_time" content="{local.isoformat()}">
<link rel="canonical" href="{base}{courier_url(story)}">
</head><body>
<header class="masthead"><a href="{base}/courier/">The Kuala Courier</a>
<nav><ul><li><a href="{base}/courier/nation/">Nation</a></li>
<li><a href="{base}/courier/world/">World</a></li></ul></nav></header>
<main><article class="story">
<ul class="story-meta"><li class="kicker">{story.section.title()}</li>
<li class="date">{local:%A, %d %b %Y}</li></ul>
<h1>{html.escape(story.title)}</h1>{byline}{photo}
<div class="story-body">
{_paras(story)}
</div>
<aside class="promo"><p>{PROMO}</p></aside>
</article>
<section class="related"><h3>Next In World</h3><ul>{nxt}</ul></section>
<section class="related"><h3>Others Also Read</h3></section>
</main><footer><p>&copy; 2024 Courier Media Sdn Bhd. All rights reserved.</p></footer>
</body></html>"""


def ledger_page(story: Story, number: int, base: str, malformed: bool = False) -> str:
    author = story.author or "Ledger wire desk"
    local = story.published.astimezone(ZoneInfo("Europe/London"))
    ld = (
        '{"@context": "https://schema.org", "@type": "NewsArticle", '
        f'"headline": {json.dumps(story.title)}, "datePublished": "{local.isoformat()}", '
        f'"author": {{"@type": "Person", "name": {json.dumps(author)}}}, '
        '"publisher": {"@type": "Organization", "name": "The Northern Ledger"}}'
    )
    body = _paras(story)
    if malformed:
        # Unclosed tags, a stray closing tag and a paragraph inside a span, as
        # broken CMS output looks.
        body = body.replace("</p>", "", 3).replace("<p>", "<p><b>", 1) + "</div></td>"
    return f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{html.escape(story.title)} - The Northern Ledger</title>
<script type="application/ld+json">{ld}</script>
</head><body><div id="page">
<div class="top-bar">Subscribe | Sign in | Newsletters</div>
<div class="content"><div class="story-header">
<h1 class="headline">{html.escape(story.title)}</h1>
<p class="story-byline">{html.escape(author)}</p>
<span class="story-date">{local:%d %B %Y, %H:%M} {local:%Z}</span></div>
<div class="story-text">
{body}
</div>
<div class="share-tools">Share this story: Facebook | X | Email</div>
<div class="most-read"><h2>Most read</h2><ol><li><a href="{base}/ledger/">Back to the front page</a></li></ol></div>
</div></div></body></html>"""


def no_article_page(base: str) -> str:
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>LIVE: Parliament session video | The Kuala Courier</title></head><body>
<header><a href="{base}/courier/">The Kuala Courier</a></header>
<main><h1>LIVE: Parliament session</h1><div class="player">Video player</div>
<p>Watch live.</p></main></body></html>"""


class Site:
    """Every path of the demo site and its bytes, built once."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.port = urlsplit(self.base).port or 80
        self.pages: dict[str, tuple[str, bytes]] = {}
        stories = build_stories()
        self.seed = stories["wire"][0]
        courier = stories["wire"] + stories["courier"]
        # The Ledger runs every other wire story with a note of its own: near copies.
        ledger = [
            replace(s, paragraphs=(*s.paragraphs, LEDGER_NOTE)) if i % 2 else s
            for i, s in enumerate(stories["wire"])
        ] + stories["ledger"]
        for story in courier:
            self._add(courier_url(story), courier_page(story, self.base))
        cp1252 = windows_1252_story()
        self._add(
            courier_url(cp1252),
            courier_page(cp1252, self.base, "windows-1252"),
            charset="windows-1252",
        )
        self.no_article_path = "/courier/news/2024/03/19/live-parliament-session"
        self._add(self.no_article_path, no_article_page(self.base))
        ledger_paths = []
        for number, story in enumerate(ledger, start=1000):
            path = ledger_url(story, number)
            self._add(
                path, ledger_page(story, number, self.base, malformed=number == 1015)
            )
            ledger_paths.append((path, story))
        self.malformed_path = ledger_paths[15][0]
        courier_all = [*courier, cp1252]
        self._courier_index(courier_all)
        self._ledger_index(ledger_paths)
        self.counts = {
            "courier": len(courier_all),
            "ledger": len(ledger_paths),
            "wire": len(stories["wire"]),
        }
        self._add(
            "/robots.txt",
            "User-agent: *\nDisallow: /courier/private/\n",
            ctype="text/plain",
        )

    def _add(
        self, path: str, text: str, ctype: str = "text/html", charset: str = "utf-8"
    ) -> None:
        self.pages[path] = (f"{ctype}; charset={charset}", text.encode(charset))

    def _courier_index(self, stories: list[Story]) -> None:
        items = "".join(
            f"<item><title>{html.escape(s.title)}</title>"
            f"<link>{self.base}{courier_url(s)}</link>"
            f"<pubDate>{s.published:%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>"
            for s in stories[:25]
        ) + (
            f"<item><title>LIVE: Parliament session</title>"
            f"<link>{self.base}{self.no_article_path}</link></item>"
            f"<item><title>Members only</title>"
            f"<link>{self.base}/courier/private/members-briefing</link></item>"
        )
        self._add(
            "/courier/rss.xml",
            '<?xml version="1.0" encoding="utf-8"?>'
            '<rss version="2.0"><channel><title>The Kuala Courier</title>'
            f"<link>{self.base}/courier/</link>{items}</channel></rss>",
            ctype="application/rss+xml",
        )
        for section in ("world", "nation"):
            links = "".join(
                f'<li><a href="{courier_url(s)}">{html.escape(s.title)}</a></li>'
                for s in stories
                if s.section == section or section == "world"
            )
            self._add(
                f"/courier/{section}/",
                f"<html><body><h1>{section.title()}</h1>"
                f'<ul>{links}</ul><a href="/courier/about">About us</a></body></html>',
            )

    def _ledger_index(self, paths: list[tuple[str, Story]]) -> None:
        urls = "".join(
            f"<url><loc>{self.base}{p}</loc><news:news><news:publication>"
            "<news:name>The Northern Ledger</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>{s.published.isoformat()}"
            f"</news:publication_date><news:title>{html.escape(s.title)}</news:title>"
            "</news:news></url>"
            for p, s in paths[:20]
        )
        self._add(
            "/ledger/sitemap.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"{urls}</urlset>",
            ctype="application/xml",
        )
        links = "".join(
            f'<h2><a href="{p}">{html.escape(s.title)}</a></h2>' for p, s in paths
        )
        self._add(
            "/ledger/",
            f"<html><body><h1>The Northern Ledger</h1>{links}"
            '<a href="/ledger/contact.html">Contact</a></body></html>',
        )
