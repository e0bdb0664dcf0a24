"""The values that travel through the pipeline, one type per stage.

    Page -> ExtractedArticle -> NormalizedArticle -> StoredArticle

A Page crosses Redis as a JSON payload (never pickled) whose body waits beside it
under its own key; the others live inside one job. Datetimes are timezone-aware
UTC; raw strings sit beside them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

PAGE_SCHEMA = 2  # 2: the url key travels with the page


def charset_of(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header value, if any."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"' ")
    return None


def utc_iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a 'Z', or None. Refuses naive datetimes."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: every stored time must be aware")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_utc(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"naive timestamp {value!r}")
    return parsed.astimezone(UTC)


@dataclass(frozen=True)
class Page:
    """One fetched page, as the crawler (or `ingest`) saw it."""

    url: str  # the URL requested
    final_url: str  # after redirects
    status: int
    body: bytes
    fetched_at: datetime
    source_id: str
    url_key: str  # the requested URL's identity (workers.urls.page_key), made once
    discovered_via: str  # "feed", "sitemap", "section", "local" + where from
    declared_charset: str | None = None  # from the Content-Type header
    adhoc_source: bool = False  # its source is made up from its domain (a back-fill)

    def to_payload(self, body_key: str) -> dict[str, Any]:
        """The page as JSON, without its body: that waits in Redis under
        `body_key` (inside an RQ job, RQ would compress it on every save)."""
        return {
            "schema": PAGE_SCHEMA,
            "url": self.url,
            "url_key": self.url_key,
            "final_url": self.final_url,
            "status": self.status,
            "fetched_at": utc_iso(self.fetched_at),
            "source_id": self.source_id,
            "discovered_via": self.discovered_via,
            "declared_charset": self.declared_charset,
            "body_key": body_key,
            **({"adhoc_source": True} if self.adhoc_source else {}),
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any], body: bytes) -> Page:
        """The page back, with the body read from its `body_key`."""
        fetched_at = parse_utc(data["fetched_at"])
        if fetched_at is None:
            raise ValueError("the payload has no fetched_at")
        return cls(
            url=data["url"],
            final_url=data.get("final_url") or data["url"],
            status=int(data.get("status", 200)),
            body=body,
            fetched_at=fetched_at,
            source_id=data["source_id"],
            url_key=data["url_key"],
            discovered_via=data.get("discovered_via", "unknown"),
            declared_charset=data.get("declared_charset"),
            adhoc_source=bool(data.get("adhoc_source")),
        )


@dataclass(frozen=True)
class SkippedPage:
    """A page recorded without an article: `no_article` or `too_large`."""

    url_key: str
    source_id: str
    url: str
    outcome: str
    reason: str
    fetched_at: datetime
    # what the page declares (title, date...) when it was read: `extract` shows it
    declared: NormalizedArticle | None = None


@dataclass(frozen=True)
class ExtractedArticle:
    """What the page says, before any interpretation."""

    url: str
    title_candidates: tuple[str, ...]  # JSON-LD headline, og/twitter, <title>, ...
    headings: tuple[str, ...]  # the page's <h1> texts
    authors: tuple[str, ...]  # as declared (JSON-LD, else trafilatura's byline)
    author_variants: tuple[str, ...]  # author meta tags and byline texts, as written
    text: str
    language: str | None
    site_names: tuple[str, ...]  # og:site_name, JSON-LD publisher, ...
    description: str | None
    canonical_hint: str | None  # rel=canonical or og:url, as found
    date_candidates: tuple[
        tuple[str, str], ...
    ]  # (where found, raw string), best first
    encoding: str
    has_article: bool = True  # False: the body is too short to be an article


@dataclass(frozen=True)
class Dateline:
    place_raw: str | None  # as printed: "ST. PETERSBURG, Fla."
    place: str | None  # case normalized, original script: "St. Petersburg", "Москва"
    place_en: str | None  # the gazetteer's English name, when resolved
    country: str | None  # ISO 3166 alpha-2, when resolved
    geonameid: int | None
    region: str | None  # as printed after the place: "Fla.", "Texas", "India"
    agency: str | None  # canonical house name: "Reuters", "AP", "RIA Novosti"
    agencies: tuple[str, ...]  # all of "(dpa/AFP)"
    date: str | None  # the dateline's own date, its year inferred: "2024-03-19"
    date_raw: str | None
    span: tuple[int, int]  # character offsets of the dateline in `text`


@dataclass(frozen=True)
class Credits:
    reporters: tuple[dict[str, str | None], ...]  # {"name", "place"}
    writers: tuple[str, ...]
    editors: tuple[str, ...]
    raw: str
    span: tuple[int, int]


@dataclass(frozen=True)
class NormalizedArticle:
    """An extracted article with its dates, dateline and credits interpreted."""

    source_id: str
    url: str
    canonical_url: str
    title: str | None
    authors: tuple[str, ...]
    text: str
    language: str | None
    sitename: str | None
    description: str | None
    published_at: datetime | None
    published_local: str | None  # as the publisher's clock read it; a day when no time
    published_raw: str | None
    date_source: str | None  # where the date came from ("json-ld", "meta", ...)
    tz_source: str | None  # "explicit", "assumed" (the source's zone) or "none"
    date_rejected: tuple[dict[str, str], ...]  # implausible dates found, and why
    dateline: Dateline | None
    credits: Credits | None
    fetched_at: datetime
    agencies: tuple[str, ...] = ()  # the wire agencies it credits, house names


@dataclass(frozen=True)
class StoredArticle:
    """The record: a NormalizedArticle with its identity and dedupe decision."""

    article_id: str
    content_hash: str
    duplicate_of: str | None  # the cluster's first-seen original; None for it
    dup_kind: str | None  # None for an original, "exact" or "near" for a copy
    similarity: float | None  # estimated Jaccard with the original (copies only)
    cluster_id: str  # the original's article_id: every copy of a story shares it
    article: NormalizedArticle
    stored_at: datetime
    minhash: str = ""  # the text's signature (hex), kept to re-check and rebuild

    def to_record(self) -> dict[str, Any]:
        a = self.article
        return {
            "article_id": self.article_id,
            "source_id": a.source_id,
            **declared_record(a),
            "text": a.text,
            "dateline": _dateline_record(a.dateline),
            "credits": _credits_record(a.credits),
            "content_hash": self.content_hash,
            "duplicate_of": self.duplicate_of,
            "dup_kind": self.dup_kind,
            "similarity": self.similarity,
            "cluster_id": self.cluster_id,
            "fetched_at": utc_iso(a.fetched_at),
            "stored_at": utc_iso(self.stored_at),
        }


def declared_record(a: NormalizedArticle) -> dict[str, Any]:
    """The record's fields a page declares about itself, article or not."""
    return {
        "url": a.url,
        "canonical_url": a.canonical_url,
        "title": a.title,
        "authors": list(a.authors),
        "agencies": list(a.agencies),
        "published_at": utc_iso(a.published_at),
        "published_local": a.published_local,
        "published_raw": a.published_raw,
        "date_source": a.date_source,
        "tz_source": a.tz_source,
        "date_rejected": [dict(r) for r in a.date_rejected] or None,
        "language": a.language,
        "sitename": a.sitename,
        "description": a.description,
    }


def _dateline_record(d: Dateline | None) -> dict[str, Any] | None:
    if d is None:
        return None
    record = asdict(d)
    record["span"] = list(d.span)
    record["agencies"] = list(d.agencies)
    return record


def _credits_record(c: Credits | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "reporters": [dict(r) for r in c.reporters],
        "writers": list(c.writers),
        "editors": list(c.editors),
        "raw": c.raw,
        "span": list(c.span),
    }
