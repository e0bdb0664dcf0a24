"""Normalize: ExtractedArticle -> NormalizedArticle.

Interprets what extraction found, steered by the source's languages, timezone and
date order and by the page's fetch time (the base for relative dates): the
publication date in UTC with its raw string, the dateline and wire credits, the
canonical URL. When the page names no author, the credited reporters are used;
the wire agencies credited by the dateline, the byline or the closing credit are
kept apart from the authors, who are people.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from config.source import AUTO_TIMEZONE, SourceConfig
from workers.agencies import agencies_named
from workers.credits import (
    closing_agencies,
    drop_contact_lines,
    parse_credits,
    with_full_names,
)
from workers.datelines import ParsedDateline, parse_dateline, place_name
from workers.dates import choose_published
from workers.gazetteer import country_of_timezone, timezone_of_host
from workers.languages import article_language, date_order
from workers.metadata import clean_authors, clean_title
from workers.models import Dateline, ExtractedArticle, NormalizedArticle
from workers.months import month_day
from workers.places import is_known, region_country, resolve_place
from workers.urls import resolve_canonical


def normalize_article(
    extracted: ExtractedArticle,
    source: SourceConfig,
    fetched_at: datetime,
    url: str,
) -> NormalizedArticle:
    language = (
        article_language(extracted.language, extracted.text) or (source.languages[0])
    )
    languages = tuple(dict.fromkeys((language, *source.languages)))
    text = drop_contact_lines(extracted.text)
    parsed = parse_dateline(text, is_known)
    credits = parse_credits(text)
    reference = fetched_at.date()
    dateline_day = dateline_date(parsed, reference)
    candidates = list(extracted.date_candidates)
    if dateline_day:  # after the structured strings, before visible text
        at = next(
            (i for i, (s, _) in enumerate(candidates) if s == "visible"),
            len(candidates),
        )
        candidates.insert(at, ("dateline", dateline_day.isoformat()))
    host = urlsplit(url).hostname or ""
    timezone = source.timezone
    if timezone == AUTO_TIMEZONE:
        timezone = timezone_of_host(host) or "UTC"
    order = source.date_order or date_order(language, extracted.language, host)
    dates = choose_published(candidates, languages, timezone, fetched_at, order)
    published = dates.published
    if published is not None and published.source != "dateline":
        dateline_day = dateline_date(
            parsed, min(date.fromisoformat(published.day), reference)
        )
    dateline = resolve_dateline(parsed, dateline_day, source) if parsed else None
    authors = clean_authors(
        extracted.authors, extracted.author_variants, extracted.site_names, host
    )
    agencies = (
        *(dateline.agencies if dateline else ()),
        *agencies_named((*extracted.authors, *extracted.author_variants)),
        *closing_agencies(text),
    )
    credits = with_full_names(credits, authors)
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
        text=text,
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
        agencies=tuple(dict.fromkeys(agencies)),
    )


def dateline_date(parsed: ParsedDateline | None, reference: date) -> date | None:
    """The dateline's month and day in the year that puts it on or before
    `reference` (plus a day of slack): "Dec 31" read on Jan 1 is last year's."""
    found = month_day(parsed.date_raw) if parsed and parsed.date_raw else None
    if found is None:
        return None
    month, day = found
    for year in (reference.year, reference.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= reference + timedelta(days=1):
            return candidate
    return None


def resolve_dateline(
    parsed: ParsedDateline, day: date | None, source: SourceConfig | str | None
) -> Dateline:
    """A parsed dateline with its place resolved; `source` (a source, or the
    country it publishes in) breaks ties between places of one name."""
    place = place_name(parsed.place_raw)
    country = (
        country_of_timezone(source.timezone)
        if isinstance(source, SourceConfig)
        else source
    )
    found = (
        resolve_place(place, parsed.region, parsed.agency_country, country)
        if place
        else None
    )
    return Dateline(
        place_raw=parsed.place_raw,
        place=place,
        place_en=found.name_en if found else None,
        # a place the gazetteer lacks keeps the country its region names
        country=found.country if found else region_country(parsed.region),
        geonameid=found.geonameid if found else None,
        region=parsed.region,
        agency=parsed.agency,
        agencies=parsed.agencies,
        date=day.isoformat() if day else None,
        date_raw=parsed.date_raw,
        span=parsed.span,
    )
