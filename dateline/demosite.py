"""An offline demo news site: two outlets on 127.0.0.1, built from the seed story.

The Kuala Courier (a Malaysian daily: RSS feed, section pages) and The Northern
Ledger (a British paper: news sitemap, front page) each publish 30+ articles:
their own stories and the same wire stories, the seed among them, each in its own
template with its own boilerplate. Among them sit a page with no article, a page of
malformed HTML and a page in Windows-1252. Pages are generated, deterministically,
from sentence patterns: nothing here reaches the public web.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import random
import re
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

SEED_TITLE = (
    "Ukraine eyes 'strong and far-reaching step' towards NATO membership at July summit"
)
SEED_SLUG = "ukraine-eyes-strong-and-far-reaching-step-towards-nato-membership"
SEED_PUBLISHED = datetime(2024, 3, 19, 9, 42, tzinfo=UTC)
SEED_PHOTO = (
    "A Ukrainian national flag rises in front of the NATO emblem, amid Russia's "
    "attack on Ukraine, in central Kyiv, Ukraine July 11, 2023. "
    "REUTERS/Valentyn Ogirenko/File Photo"
)
NEXT_IN_WORLD = [
    "Taiwan rattled by 5.1 magnitude quake, no immediate reports of damage",
    "Russia is preparing for contacts with the United States on Ukraine, the Kremlin says",
    "Migrants stuck in Mauritania after EU border pact brings crackdown",
    "Three dead, cargo ship catches fire in drone attacks on Russia's Rostov region",
]
PROMO = "Follow us on our official WhatsApp channel for breaking news alerts and key updates!"
WIRE_COUNT, OWN_COUNT = 12, 20
LEDGER_NOTE = (
    "The Ledger's correspondent added that officials were expected to "
    "comment further later in the week."
)

PLACES = [
    ("KUALA LUMPUR", "Asia/Kuala_Lumpur"),
    ("SINGAPORE", ""),
    ("JAKARTA", ""),
    ("BANGKOK", ""),
    ("TOKYO", ""),
    ("BEIJING", ""),
    ("NEW DELHI", ""),
    ("BRUSSELS", ""),
    ("PARIS", ""),
    ("BERLIN", ""),
    ("LONDON", ""),
    ("WASHINGTON", ""),
    ("GENEVA", ""),
    ("NAIROBI", ""),
    ("CAIRO", ""),
    ("SYDNEY", ""),
    ("OTTAWA", ""),
    ("MANILA", ""),
    ("HANOI", ""),
    ("SEOUL", ""),
]
AGENCIES = ["Reuters", "AFP", "AP", "Bernama"]
SUBJECTS = [
    "the central bank",
    "the health ministry",
    "opposition lawmakers",
    "the transport authority",
    "farmers' groups",
    "the electoral commission",
    "port operators",
    "the energy regulator",
    "teachers' unions",
    "the coast guard",
    "city planners",
    "the finance ministry",
    "wildlife officials",
    "the national airline",
    "water utilities",
]
ACTIONS = [
    "announced a review of",
    "warned of delays to",
    "approved new rules on",
    "called for an inquiry into",
    "unveiled a plan to expand",
    "postponed a decision on",
    "raised concerns about",
    "agreed to fund",
    "rejected proposals to cut",
    "published figures on",
]
TOPICS = [
    "rice imports",
    "flood defences",
    "rail links",
    "fuel subsidies",
    "school meals",
    "coastal fisheries",
    "hospital waiting lists",
    "solar power tariffs",
    "bus fares",
    "housing permits",
    "vaccine supplies",
    "data privacy",
    "port congestion",
    "forest reserves",
    "minimum wages",
]
QUOTES = [
    "We have listened to the concerns raised and we will act on them",
    "This is a matter of public trust and it cannot wait",
    "The numbers speak for themselves and the trend is clear",
    "Nobody expects a quick fix, but the direction is right",
    "We need more time to study the evidence before committing",
    "Families want certainty, and that is what we intend to give them",
]
PEOPLE = [
    "Aminah Rahman",
    "David Okafor",
    "Mei Lin Tan",
    "Jonas Weber",
    "Priya Nair",
    "Carlos Mendes",
    "Sarah Whitfield",
    "Hiroshi Sato",
    "Fatima Zahra",
    "Tom Eriksen",
    "Nur Aisyah",
    "Grace Mwangi",
]
ROLES = [
    "a senior official",
    "the minister",
    "a spokesperson",
    "an economist",
    "the agency's director",
    "a local councillor",
]
EDITORS = ["Tom Balmforth", "Christina Fincher", "Alex Richardson", "Kim Coghill"]


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    paragraphs: tuple[str, ...]  # the body, dateline and credit line included
    published: datetime
    author: str | None  # the outlet's byline; None for wire copy
    section: str  # "world" or "nation"
    photo: str | None = None


# The seed story's wire copy (shared/seed/seed-article.txt), body and credit line.
SEED_PARAGRAPHS = (
    "KYIV (Reuters) - Ukraine is working to secure \"a strong and far-reaching step\" towards membership of NATO at the military alliance's Washington summit in July, Ukraine's foreign minister said on Tuesday.",
    "The U.S. ambassador to NATO, Julianne Smith, said last month that she does not expect the alliance to issue a membership invitation to Ukraine at the upcoming summit.",
    "Asked about Ukraine's goals for the Washington summit during an online news conference, top diplomat Dmytro Kuleba said he would not go into detail about the deliberations, but that there was \"very active engagement\" with NATO's leadership and allies.",
    '"We think that Ukraine meets the main criteria of membership, which is the capacity to defend NATO borders. That\'s what we are doing by defending Ukraine," he told reporters.',
    '"...let me say this, we are working hard to make a strong and far-reaching step towards Ukrainian membership in NATO at the Washington summit."',
    "Russia, which launched a full-scale invasion of Ukraine in February 2022, fiercely opposes Kyiv's long-term strategic ambition of joining the NATO military alliance.",
    "(Reporting by Anastasiia Malenko; editing by Tom Balmforth and Christina Fincher)",
)


def seed_story() -> Story:
    return Story(
        SEED_SLUG,
        SEED_TITLE,
        SEED_PARAGRAPHS,
        SEED_PUBLISHED,
        None,
        "world",
        SEED_PHOTO,
    )


def _story(rng: random.Random, index: int, wire: bool, base: datetime) -> Story:
    place = rng.choice(PLACES)[0]
    subject, action, topic = (
        rng.choice(SUBJECTS),
        rng.choice(ACTIONS),
        rng.choice(TOPICS),
    )
    agency = rng.choice(AGENCIES) if wire else None
    title = f"{subject[0].upper() + subject[1:]} {action} {topic} in {place.title()}"
    lead = (f"{place} ({agency}) - " if agency else f"{place}: ") + (
        f"{subject[0].upper() + subject[1:]} {action} {topic} on "
        f"{rng.choice(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'])}, "
        f"a move that {rng.choice(['surprised', 'pleased', 'angered', 'divided'])} "
        f"{rng.choice(SUBJECTS)} and {rng.choice(SUBJECTS)}."
    )
    body = [lead]
    for _ in range(rng.randint(4, 7)):
        person, role = rng.choice(PEOPLE), rng.choice(ROLES)
        body.append(
            rng.choice(
                [
                    f'"{rng.choice(QUOTES)}," {person}, {role}, told reporters on the sidelines '
                    f"of a briefing about {rng.choice(TOPICS)}.",
                    f"The decision follows months of debate over {rng.choice(TOPICS)}, which "
                    f"{rng.choice(SUBJECTS)} have linked to rising costs for households and "
                    f"small businesses across the region.",
                    f"According to figures released last week, spending on {topic} rose by "
                    f"{rng.randint(3, 40)} percent over {rng.randint(2, 9)} years, while "
                    f"{rng.choice(TOPICS)} fell by {rng.randint(2, 15)} percent.",
                    f"{person}, {role}, said a final decision on {topic} would be taken after "
                    f"consultations with {rng.choice(SUBJECTS)} in the coming weeks.",
                    f"Critics argue that {rng.choice(SUBJECTS)} have yet to explain how the "
                    f"changes to {rng.choice(TOPICS)} will be paid for, or who will oversee them.",
                ]
            )
        )
    if agency == "Reuters":
        body.append(
            f"(Reporting by {rng.choice(PEOPLE)}; editing by "
            f"{' and '.join(rng.sample(EDITORS, 2))})"
        )
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:70] + f"-{index}"
    published = base - timedelta(
        hours=7 * index + rng.randint(0, 5), minutes=rng.randint(0, 59)
    )
    return Story(
        slug,
        title,
        tuple(body),
        published,
        None if wire else rng.choice(PEOPLE),
        rng.choice(["world", "nation"]),
    )


def build_stories() -> dict[str, list[Story]]:
    """{"wire": [...], "courier": [...], "ledger": [...]}, the same on every run."""
    rng = random.Random(20240319)
    base = datetime(2024, 3, 22, 8, 0, tzinfo=UTC)
    wire = [seed_story()] + [_story(rng, i, True, base) for i in range(1, WIRE_COUNT)]
    courier = [_story(rng, 100 + i, False, base) for i in range(OWN_COUNT)]
    ledger = [_story(rng, 200 + i, False, base) for i in range(OWN_COUNT)]
    return {"wire": wire, "courier": courier, "ledger": ledger}


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


def windows_1252_story() -> Story:
    paragraphs = (
        "KUALA LUMPUR: A Portuguese café owner from São Paulo and a Zürich-trained chef "
        "opened a bakery in Bangsar on Sunday, serving crème brûlée and pão de queijo "
        "to a queue that stretched past the façade of the old cinema.",
        "“We wanted something that felt like home,” said owner João Araújo, who moved "
        "to Malaysia in 2019 and spent four years learning how humidity changes dough.",
        "Neighbours said the smell of baking had drawn crowds since the soft opening, "
        "and the shop’s first batch of 300 pastries sold out before noon.",
        "The owners plan a second branch in Penang next year, with a menu of "
        "pastéis de nata and a Malaysian twist on the Swiss Zopf loaf.",
    )
    return Story(
        "sao-paulo-cafe-owner-opens-bakery-in-bangsar",
        "São Paulo café owner opens bakery in Bangsar",
        paragraphs,
        datetime(2024, 3, 17, 4, 15, tzinfo=UTC),
        "Nur Aisyah",
        "nation",
    )


class Site:
    """Every path of the demo site and its bytes, built once."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.port = urlsplit(self.base).port or 80
        self.pages: dict[str, tuple[str, bytes]] = {}
        self.requests: list[str] = []  # paths served, in order
        self.delay = 0.0  # seconds before each answer: a slow site, for tests
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


class Served(Protocol):
    pages: dict[str, tuple[str, bytes]]
    requests: list[str]
    delay: float


@functools.lru_cache(maxsize=4096)
def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def serve(site: Served, host: str, port: int) -> ThreadingHTTPServer:
    """Serve `site` from a daemon thread; returns the running server."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as news sites serve crawlers

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            site.requests.append(self.path)
            if site.delay:
                time.sleep(site.delay)
            found = site.pages.get(self.path.split("?")[0])
            if found is None:
                self.send_error(404)
                return
            ctype, body = found
            etag = _etag(body)
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)  # feeds and sitemaps: unchanged since asked
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
