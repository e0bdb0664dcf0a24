"""Publication dates: raw date strings -> timezone-aware UTC, raw kept beside it.

Candidates arrive best first (structured data, meta tags, <time>, visible text).
ISO strings are read by `fromisoformat`; anything else by dateparser, always
with the page's languages, the source's timezone and date order, and the fetch
time as the base for relative dates ("2 hours ago"). A naive time is read in the
source's timezone. Dates after the fetch (plus a day) or before 1990 are refused.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

logger = logging.getLogger(__name__)

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
MAX_DATE_STRING = 80
ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
HAS_TIME = re.compile(r"\d{1,2}[:.h]\d{2}|\d\s*[ap]\.?m\b", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedDate:
    value: datetime  # aware, UTC
    raw: str
    source: str  # where the raw string was found
    tz_source: (
        str  # "explicit" (the string says), "assumed" (source's zone), "none" (a day)
    )


def parse_published(
    candidates: tuple[tuple[str, str], ...] | list[tuple[str, str]],
    languages: tuple[str, ...],
    timezone: str,
    fetched_at: datetime,
    date_order: str | None = None,
) -> ParsedDate | None:
    """The first candidate that reads as a plausible publication date."""
    for source, raw in candidates:
        raw = (raw or "").strip()
        parsed = parse_date(raw, languages, timezone, fetched_at, date_order)
        if parsed is None:
            continue
        value, tz_source = parsed
        if not EARLIEST <= value <= fetched_at + FUTURE_SLACK:
            logger.debug(
                "date %r from %s is outside 1990..fetch+1d, skipped", raw, source
            )
            continue
        return ParsedDate(value=value, raw=raw, source=source, tz_source=tz_source)
    return None


def parse_date(
    raw: str,
    languages: tuple[str, ...],
    timezone: str,
    fetched_at: datetime,
    date_order: str | None = None,
) -> tuple[datetime, str] | None:
    """One raw string -> (aware UTC datetime, tz_source), or None."""
    odd = not raw or len(raw) > MAX_DATE_STRING or not any(c.isdigit() for c in raw)
    if odd and not _is_relative(raw):
        return None  # never feed dateparser junk: it is slow on it and guesses
    zone = ZoneInfo(timezone)
    if ISO_DATE.match(raw):
        try:
            value = datetime.fromisoformat(
                raw.replace("Z", "+00:00").replace(" ", "T", 1)
            )
        except ValueError:
            value = None
        if value is not None:
            if len(raw) == 10:
                return _day_only(value), "none"
            if value.tzinfo is None:
                return value.replace(tzinfo=zone).astimezone(UTC), "assumed"
            return value.astimezone(UTC), "explicit"
    settings = {
        "TIMEZONE": timezone,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": fetched_at.astimezone(zone).replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
    }
    if date_order:
        settings["DATE_ORDER"] = date_order
    value = dateparser.parse(
        raw, languages=list(languages) or ["en"], settings=settings
    )
    if value is None:
        return None
    if not HAS_TIME.search(raw) and not _is_relative(raw):
        return _day_only(value), "none"
    explicit = _has_explicit_zone(raw)
    return value.astimezone(UTC), "explicit" if explicit else "assumed"


def _day_only(value: datetime) -> datetime:
    # A date without a time names a calendar day, not an instant: converting its
    # local midnight to UTC would move it to the day before east of Greenwich.
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _is_relative(raw: str) -> bool:
    return (
        bool(raw)
        and len(raw) <= MAX_DATE_STRING
        and bool(
            re.search(r"\b(ago|yesterday|today|hours?|minutes?)\b", raw, re.IGNORECASE)
        )
    )


def _has_explicit_zone(raw: str) -> bool:
    return bool(
        re.search(r"(?:\b(?:UTC|GMT|Z)\b|[+-]\d{2}:?\d{2}\b|\b[A-Z]{2,4}T\b)", raw)
    )


def warm() -> None:
    """Load dateparser's language data once, before workers fork."""
    parse_date("19 March 2024 10:00", ("en",), "UTC", datetime.now(UTC))
    parse_date("2 hours ago", ("en",), "UTC", datetime.now(UTC))
