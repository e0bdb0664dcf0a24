"""One date string -> ParsedDate: an aware UTC instant, or a calendar day.

ISO strings are read by `fromisoformat`; anything else by dateparser, always with
the page's languages, the source's timezone and date order, and the fetch time as
the base for relative dates ("2 hours ago"). A naive time is read in the source's
timezone; a date without a time names a day, not an instant. A label before a
printed date ("Published:", "erstellt:") is not read, but the raw string is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import dateparser

from workers.languages import parser_languages

MAX_DATE_STRING = 80
ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
HTMLDATE_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$")
# A time of day and nothing else ("9:05 PM", "21:05 Uhr"): dateparser would date it
# today, which is no publication date.
TIME_ONLY = re.compile(
    r"^\W*(?:\d{1,2}(?:[:h]\d{2}|\.\d{2}(?=\s*(?:[ap]\.?\s?m\b|uhr)))(?::\d{2})?"
    r"\s*(?:[ap]\.?\s?m\b\.?)?|\d{1,2}\s*[ap]\.?\s?m\b\.?)"
    r"\s*(?:uhr|h|utc|gmt|[a-z]{1,4}t)?\W*$",
    re.IGNORECASE,
)
# "Published:", "erstellt:" before a printed date: dateparser reads no such words
LABEL = re.compile(r"^[^\W\d][^\d:]{0,30}:\s+(?=\S)")
HAS_TIME = re.compile(r"\d{1,2}[:.h]\d{2}|\d\s*[ap]\.?m\b", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedDate:
    value: datetime  # aware, UTC
    local: str  # ISO in the zone it was stated or assumed in; a bare date for a day
    raw: str
    source: str  # where the raw string was found
    tz_source: str  # "explicit" (the string says), "assumed" (source's zone), "none"

    @property
    def day(self) -> str:
        return self.local[:10]


def parse_date(
    raw: str,
    languages: tuple[str, ...],
    timezone: str,
    fetched_at: datetime,
    date_order: str | None = None,
    source: str = "",
) -> ParsedDate | None:
    """One raw string -> ParsedDate, or None when it is not a date."""
    raw = " ".join((raw or "").split())
    text = LABEL.sub("", raw)  # the date as dateparser reads it; raw is kept
    odd = not text or len(text) > MAX_DATE_STRING or not any(c.isdigit() for c in text)
    if odd and not _is_relative(text) or TIME_ONLY.match(text):
        return None  # never feed dateparser junk: it is slow on it and guesses
    zone = ZoneInfo(timezone)
    value = _iso(raw)
    if value is None:
        settings = {
            "TIMEZONE": timezone,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "RELATIVE_BASE": fetched_at.astimezone(zone).replace(tzinfo=None),
            "PREFER_DATES_FROM": "past",
        }
        if date_order:
            settings["DATE_ORDER"] = date_order
        # a code the parser does not know would fail the whole call
        known = parser_languages(tuple(languages)) or ("en",)
        value = dateparser.parse(text, languages=list(known), settings=settings)
        if value is None:
            return None
        if not HAS_TIME.search(text) and not _is_relative(text):
            return _day(value, raw, source)
        tz_source = "explicit" if _has_explicit_zone(text) else "assumed"
        return _instant(value, raw, source, tz_source)
    if len(raw) == 10 or (
        value.tzinfo is None
        and value.time() == datetime.min.time()
        and "T00:00:00" in raw
    ):
        return _day(value, raw, source)  # htmldate writes a bare day as midnight
    if value.tzinfo is None:
        return _instant(value.replace(tzinfo=zone), raw, source, "assumed")
    return _instant(value, raw, source, "explicit")


def _iso(raw: str) -> datetime | None:
    text = raw.replace("Z", "+00:00")
    # htmldate's %z has no colon: 2024-03-19T09:42:00+0000
    if not ISO_DATE.match(raw) and not HTMLDATE_ISO.match(raw):
        return None
    try:
        return datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None


def _instant(value: datetime, raw: str, source: str, tz_source: str) -> ParsedDate:
    return ParsedDate(
        value=value.astimezone(UTC),
        local=value.isoformat(),
        raw=raw,
        source=source,
        tz_source=tz_source,
    )


def _day(value: datetime, raw: str, source: str) -> ParsedDate:
    # A date without a time names a calendar day, not an instant: converting its
    # local midnight to UTC would move it to the day before east of Greenwich.
    day = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return ParsedDate(
        value=day,
        local=day.date().isoformat(),
        raw=raw,
        source=source,
        tz_source="none",
    )


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
