"""Normalize: ExtractedArticle -> NormalizedArticle.

Interprets what extraction found, steered by the source's languages, timezone and
date order and by the page's fetch time (the base for relative dates): the
publication date in UTC with its raw string, the dateline and wire credits, the
canonical URL. When the page names no author, the credited reporters are used.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from config.loader import SourceConfig
from workers.datelines import parse_credits, parse_dateline
from workers.dates import choose_published
from workers.dedupe import resolve_canonical
from workers.metadata import clean_authors, clean_title
from workers.models import ExtractedArticle, NormalizedArticle


def normalize_article(
    extracted: ExtractedArticle,
    source: SourceConfig,
    fetched_at: datetime,
    url: str,
) -> NormalizedArticle:
    language = extracted.language or source.languages[0]
    languages = tuple(dict.fromkeys((language, *source.languages)))
    dateline = parse_dateline(extracted.text)
    credits = parse_credits(extracted.text)
    date_candidates = list(extracted.date_candidates)
    dates = choose_published(
        date_candidates, languages, source.timezone, fetched_at, source.date_order
    )
    published = dates.published
    host = urlsplit(url).hostname or ""
    authors = clean_authors(
        extracted.authors, extracted.author_variants, extracted.site_names, host
    )
    if not authors and credits:
        authors = tuple(str(r["name"]) for r in credits.reporters)
    return NormalizedArticle(
        source_id=source.source_id,
        url=url,
        canonical_url=resolve_canonical(url, extracted.canonical_hint, source),
        title=clean_title(
            extracted.title_candidates, extracted.headings, extracted.site_names, host
        ),
        authors=authors,
        text=extracted.text,
        language=language,
        sitename=extracted.site_names[0] if extracted.site_names else None,
        description=extracted.description,
        published_at=published.value if published else None,
        published_local=published.local if published else None,
        published_raw=published.raw if published else None,
        date_source=published.source if published else None,
        tz_source=published.tz_source if published else None,
        date_rejected=tuple(dates.rejected),
        dateline=dateline,
        credits=credits,
        fetched_at=fetched_at,
    )
