"""What the publisher declares about a page: JSON-LD, meta tags, <time>, bylines.

Read from the parsed tree before trafilatura's own metadata, which fills what is
missing: titles, authors as declared and as printed, site names, description,
the canonical URL, the language and every date candidate with where it was found.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from workers.headings import headings

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "blogposting",
    "report",
    "liveblogposting",
    "webpage",
}
DATE_META = (  # (attribute value, label), most specific first
    ("article:published_time", "meta:article:published_time"),
    ("og:article:published_time", "meta:article:published_time"),
    ("datepublished", "meta:datePublished"),
    ("publishdate", "meta:publishdate"),
    ("pubdate", "meta:pubdate"),
    ("parsely-pub-date", "meta:parsely-pub-date"),
    ("sailthru.date", "meta:sailthru.date"),
    ("dc.date.issued", "meta:dc.date.issued"),
    ("dcterms.created", "meta:dcterms.created"),
    ("dc.date", "meta:dc.date"),
    ("date", "meta:date"),
)

# Leaf elements whose class says they hold the date, as most templates mark it
# (a substring of the class, as XPath's contains() reads it)
DATE_CLASS = re.compile("date|publish|timestamp|posted")
AUTHOR_META = ("author", "dc.creator", "parsely-author", "sailthru.author", "byl")
# Elements that name the author, by the class or rel most templates use.
BYLINE_CLASS = re.compile("author|byline")
MARKED = "//*[@class or @rel or @itemprop]"
TAGGED = ("meta", "script", "time", "link", "h1")


def declared_metadata(tree: Any) -> dict[str, Any]:
    """What the publisher declares about the page: JSON-LD, meta tags, <time>."""
    tags = _tagged(tree)
    meta = _meta_tags(tags["meta"])
    ld = next(_json_ld_articles(tags["script"]), {})
    dates: list[tuple[str, str]] = []
    if isinstance(ld.get("datePublished"), str):
        # a live blog's meta tags move with each update; its JSON-LD start does not
        label = "json-ld:live" if _is_live(ld) else "json-ld"
        dates.append((label, ld["datePublished"]))
    for name, label in DATE_META:
        if meta.get(name):
            dates.append((label, meta[name]))
    for node in [n for n in tags["time"] if n.get("datetime") is not None][:3]:
        dates.append(("time", node.get("datetime")))
    visible, bylines = _marked(tree)
    for raw in visible:
        if 6 <= len(raw.strip()) <= 80:
            dates.append(("visible", raw.strip()))
    canonical = [
        n.get("href")
        for n in tags["link"]
        if n.get("rel") == "canonical" and n.get("href") is not None
    ] or [meta.get("og:url")]
    lang = (tree.get("lang") or meta.get("og:locale") or "").replace("_", "-")
    return {
        "titles": present(
            ld.get("headline"),
            meta.get("og:title"),
            meta.get("twitter:title"),
            tree.findtext(".//head/title"),
        ),
        "headings": headings(tree, tags["h1"]),
        # every <h1> as its text runs, kicker and all: lines the body may repeat
        "heading_lines": [
            h for h in (clean_text(n.text_content()) for n in tags["h1"][:5]) if h
        ],
        "authors": _json_ld_authors(ld.get("author")),
        "author_organizations": _json_ld_authors(ld.get("author"), "Organization"),
        "author_variants": [
            *(v for k in AUTHOR_META if (v := meta.get(k)) and "://" not in v),
            *(clean_text(n.text_content()) or "" for n in bylines),
        ],
        "site_names": present(
            meta.get("og:site_name"), _publisher(ld), meta.get("application-name")
        ),
        "description": clean_text(
            meta.get("og:description") or meta.get("description")
        ),
        "canonical": canonical[0] if canonical and canonical[0] else None,
        "language": lang.split("-")[0].lower() or None,
        "dates": dates,
    }


def _marked(tree: Any) -> tuple[list[str], list[Any]]:
    """The texts of the first leaf elements a date class marks (4) and the
    first elements marked as a byline (6), in one pass over the elements that
    carry a class, rel or itemprop: two XPath contains() scans of every element
    cost a page 1-3 ms."""
    visible: list[str] = []
    bylines: list[Any] = []
    for node in tree.xpath(MARKED):
        cls = node.get("class") or ""
        if len(bylines) < 6 and (
            BYLINE_CLASS.search(cls)
            or node.get("rel") == "author"
            or "author" in (node.get("itemprop") or "")
        ):
            bylines.append(node)
        if (
            len(visible) < 4
            and DATE_CLASS.search(cls)
            and node.tag not in ("script", "style")
            and not any(isinstance(child.tag, str) for child in node)
        ):
            # its text nodes: the text, and the tails of any comment inside
            texts = [node.text, *(child.tail for child in node)]
            visible += [t for t in texts if t][: 4 - len(visible)]
        if len(bylines) == 6 and len(visible) == 4:
            break
    return visible, bylines


def _tagged(tree: Any) -> dict[str, list[Any]]:
    """The page's <meta>, <script>, <time>, <link> and <h1> elements, in one
    walk of the tree rather than one XPath scan each."""
    found: dict[str, list[Any]] = {t: [] for t in TAGGED}
    for node in tree.iter(*TAGGED):
        found[node.tag].append(node)
    return found


def _meta_tags(nodes: list[Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in (n for n in nodes if n.get("content") is not None):
        key = node.get("property") or node.get("name") or node.get("itemprop")
        if key:
            found.setdefault(key.strip().lower(), node.get("content").strip())
    return found


def _json_ld_articles(scripts: list[Any]) -> Iterator[dict[str, Any]]:
    for node in scripts:
        if node.get("type") != "application/ld+json" or node.text is None:
            continue
        script = node.text
        try:
            data = json.loads(script)
        except ValueError:
            continue  # broken JSON-LD is common; the meta tags remain
        yield from (o for o in _walk(data) if _is_article(o))


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk(data["@graph"])


def _is_article(obj: dict[str, Any]) -> bool:
    kinds = obj.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.lower() in ARTICLE_TYPES for k in kinds) and (
        "headline" in obj or "datePublished" in obj
    )


def _is_live(obj: dict[str, Any]) -> bool:
    kinds = obj.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.lower() == "liveblogposting" for k in kinds)


def _json_ld_authors(value: Any, kind: str = "Person") -> list[str]:
    """The names of JSON-LD authors: people (and untyped ones), or organizations."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        typed = item.get("@type") if isinstance(item, dict) else None
        if (typed == "Organization") != (kind == "Organization"):
            continue
        name = item.get("name") if isinstance(item, dict) else item
        cleaned = clean_text(name)
        if cleaned:
            names.append(cleaned)
    return names


def _publisher(ld: dict[str, Any]) -> str | None:
    pub = ld.get("publisher")
    return clean_text(pub.get("name")) if isinstance(pub, dict) else None


def present(*values: Any) -> list[str]:
    """The non-empty strings among `values`, whitespace collapsed."""
    return [c for c in (clean_text(v) for v in values) if c]


def split_authors(value: str | None) -> list[str]:
    if not value:
        return []
    return [a.strip() for a in value.split(";") if a.strip()]


def clean_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = re.sub(r"\s+", " ", value).strip()
    return value or None
