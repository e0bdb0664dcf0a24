"""Dateline as a library: the stage chain the workers run, on one page or one
string, with no Redis, database or crawl.

    >>> import dateline
    >>> record = dateline.extract(html, "https://example.com/news/1")
    >>> dateline.parse_dateline("KYIV, March 19 (Reuters) - Ukraine said ...")

Results are plain dicts and lists, shaped as the fields of `dateline export`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from config.source import SourceConfig

STORAGE_FIELDS = ("stored_at", "duplicate_of", "dup_kind", "similarity", "cluster_id")


def extract(
    html: str | bytes,
    url: str | None = None,
    *,
    source: str | SourceConfig | None = None,
    fetched_at: datetime | None = None,
) -> dict[str, Any]:
    """One page through extraction and normalization, as a worker runs it.

    `html` is the page (bytes as fetched: their charset is detected; or text);
    `url` where it was found (canonical URLs and page keys derive from it);
    `source` a configured source id or a SourceConfig, for its languages,
    timezone and patterns (default: English, the timezone of the URL's
    country-code domain); `fetched_at` when it was fetched (default: now).

    Returns the record `dateline export` writes, less the fields only storage
    decides (`stored_at`, the dedupe fields), with `status` "ok"; or, for a page
    with no article, `status` "no_article" (or "too_large") with what the page
    declares (title, authors, date, language).
    """
    from config.loader import load_source
    from config.source import adhoc_source
    from workers.models import Page, SkippedPage, declared_record
    from workers.stages import prepare_article
    from workers.urls import page_key

    cfg = (
        source
        if isinstance(source, SourceConfig)
        else load_source(source)
        if source
        else adhoc_source()
    )
    url = url or "http://localhost/page"
    body = html.encode("utf-8") if isinstance(html, str) else bytes(html)
    page = Page(
        url=url,
        final_url=url,
        status=200,
        body=body,
        fetched_at=fetched_at or datetime.now(UTC),
        source_id=cfg.source_id,
        url_key=page_key(url, cfg),
        discovered_via="library",
        declared_charset="utf-8" if isinstance(html, str) else None,
    )
    prepared = prepare_article(page, cfg)
    if isinstance(prepared, SkippedPage):
        found: dict[str, Any] = {"status": prepared.outcome, "url": url}
        if prepared.declared is not None:
            found |= declared_record(prepared.declared)
        return found
    record = prepared.record().to_record()
    for key in STORAGE_FIELDS:
        record.pop(key, None)
    return {"status": "ok", **record}


def parse_dateline(
    text: str,
    *,
    language: str | None = None,
    country: str | None = None,
    reference: date | None = None,
) -> dict[str, Any] | None:
    """The dateline that opens a story (`KYIV, March 19 (Reuters) -`), its place
    resolved in the gazetteer, or None when the text opens with none.

    `country` (ISO 3166 alpha-2) is where the story is published: it breaks ties
    between places of one name (Paris, Texas and Paris, France). `language` is
    accepted for symmetry with `extract` and reserved: datelines are found in
    every supported language. A dateline's date has no year: it is the latest
    one on or before `reference` (default: today).
    """
    from workers.datelines import parse_dateline as parse
    from workers.models import _dateline_record
    from workers.normalize import dateline_date, resolve_dateline
    from workers.places import is_known

    del language  # reserved
    parsed = parse(text, is_place=is_known)
    if parsed is None:
        return None
    day = dateline_date(parsed, reference or date.today())
    return _dateline_record(resolve_dateline(parsed, day, country))


def parse_credits(text: str) -> dict[str, Any] | None:
    """The wire credits closing a story (`Reporting by Tom Balmforth; Editing by
    Peter Graff`, AP's contributors' sentence, where reporters reported from),
    or None."""
    from workers.credits import parse_credits as parse
    from workers.models import _credits_record

    return _credits_record(parse(text))


def resolve_place(
    name: str, *, country: str | None = None, region: str | None = None
) -> dict[str, Any] | None:
    """A place name as a dateline prints it (`KYIV`, `Москва`, `ST. PETERSBURG`)
    resolved in the gazetteer: its English name, ISO country code, GeoNames id
    and region code; or None when unknown. `region` is what the dateline prints
    after the place (`Fla.`, `Texas`); `country` where the story is published."""
    from workers.datelines import place_name
    from workers.places import resolve_place as resolve

    found = resolve(place_name(name) or name, region, None, country)
    if found is None:
        return None
    return {
        "name_en": found.name_en,
        "country": found.country,
        "geonameid": found.geonameid,
        "region": found.region,
    }
