"""Publication dates: raw date strings -> timezone-aware UTC, raw kept beside it.

Evidence, best first: htmldate's ranked search (it reads JSON-LD, meta tags, <time>
and URL dates, preferring the original date over updates), and the publisher's own
structured strings (JSON-LD, article:published_time, <time datetime>), then the
dateline's date, then visible date strings and the URL's. When a structured string
names the same day as htmldate, it is kept: it carries the time and the zone. When
more kinds of evidence (JSON-LD, meta tags, the printed date, the URL) agree on
another day than on htmldate's, and at least two do, that day wins.

ISO strings are read by `fromisoformat`; anything else by dateparser, always with
the page's languages, the source's timezone and date order, and the fetch time as
the base for relative dates ("2 hours ago"). A naive time is read in the source's
timezone; a date without a time names a day, not an instant. Dates more than a day
after the fetch, or before 1990, are refused and reported.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

from workers.languages import parser_languages

logger = logging.getLogger(__name__)

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
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
HAS_TIME = re.compile(r"\d{1,2}[:.h]\d{2}|\d\s*[ap]\.?m\b", re.IGNORECASE)
ANCHOR = "htmldate"
STRUCTURED = ("json-ld", "meta", "time")  # prefixes of candidate sources
KIND = {"json-ld": "json-ld", "meta": "meta", "url": "url"}  # else printed on the page


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


@dataclass
class DateChoice:
    published: ParsedDate | None
    rejected: list[dict[str, str]] = field(default_factory=list)


def choose_published(
    candidates: Sequence[tuple[str, str]],
    languages: tuple[str, ...],
    timezone: str,
    fetched_at: datetime,
    date_order: str | None = None,
) -> DateChoice:
    """The publication date from (source, raw) candidates, and what was refused.

    Strings are read as needed: the printed ones (dateparser, about a millisecond
    each) only when they could change the choice."""
    choice = DateChoice(None)
    seen: dict[tuple[str, str], ParsedDate | None] = {}

    def read(source: str, raw: str) -> ParsedDate | None:
        if (source, raw) not in seen:
            seen[source, raw] = _checked(
                parse_date(raw, languages, timezone, fetched_at, date_order, source),
                fetched_at,
                choice.rejected,
            )
        return seen[source, raw]

    def found(*sources: str) -> list[ParsedDate]:
        return [
            p
            for s, r in candidates
            if s.startswith(sources)
            if (p := read(s, r)) is not None
        ]

    structured = found(*STRUCTURED)
    anchor = next(iter(found(ANCHOR)), None)
    chosen = None
    if anchor is not None:
        chosen = _most_supported(anchor, [*structured, *found("url")], found)
        if chosen is None:
            chosen = next((p for p in structured if _same_day(p, anchor)), anchor)
    elif structured:
        chosen = structured[0]
    else:  # the rest, in their order: the dateline, printed dates, the URL
        chosen = next(iter(found("dateline", "visible", "url")), None)
    if chosen is not None:
        choice.published = _localest(chosen, structured, timezone, found)
    return choice


def _checked(
    parsed: ParsedDate | None, fetched_at: datetime, rejected: list[dict[str, str]]
) -> ParsedDate | None:
    """None for a date after the fetch (plus a day) or before 1990, noted."""
    if parsed is None:
        return None
    if parsed.value > fetched_at + FUTURE_SLACK:
        reason = "more than a day after the fetch"
    elif parsed.value < EARLIEST:
        reason = "before 1990"
    else:
        return parsed
    rejected.append({"raw": parsed.raw, "source": parsed.source, "reason": reason})
    return None


def _most_supported(
    anchor: ParsedDate,
    declared: Sequence[ParsedDate],
    found: Callable[[str], list[ParsedDate]],
) -> ParsedDate | None:
    """A day that more kinds of evidence name than name htmldate's: JSON-LD, meta
    tags, the page's printed date and its URL each count once, so a CMS that writes
    one field in three places does not outvote the rest. htmldate's day stands when
    the URL names it: URLs are minted at first publication."""
    kinds = _kinds(declared)
    held = kinds.get(anchor.day, set())
    if "url" in held or not any(
        len(k | {"page"}) >= 2 and len(k | {"page"}) > len(held)
        for day, k in kinds.items()
        if day != anchor.day
    ):
        return None  # no printed date could tip the count
    evidence = [*declared, *found("visible")]
    kinds = _kinds(evidence)
    held = kinds.get(anchor.day, set())
    return next(
        (
            p
            for p in evidence
            if p.source != "url"
            if len(kinds[p.day]) >= 2 and len(kinds[p.day]) > len(held)
        ),
        None,
    )


def _kinds(evidence: Sequence[ParsedDate]) -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = {}
    for p in evidence:
        kinds.setdefault(p.day, set()).add(KIND.get(p.source.split(":")[0], "page"))
    return kinds


def _same_day(parsed: ParsedDate, anchor: ParsedDate) -> bool:
    """htmldate writes the day as the string states it; the string may be in UTC."""
    return anchor.day in (parsed.day, parsed.value.date().isoformat())


def _localest(
    chosen: ParsedDate,
    structured: Sequence[ParsedDate],
    timezone: str,
    found: Callable[[str], list[ParsedDate]],
) -> ParsedDate:
    """The same instant written on the publisher's clock: '2023-11-09T02:11:03Z' in
    JSON-LD and '2023-11-08T21:11:03-05:00' in <time>; failing such a string, the
    instant in the source's timezone, unless the page prints the UTC day."""
    if chosen.tz_source != "explicit" or not chosen.local.endswith("+00:00"):
        return chosen
    for other in structured:
        if (
            other.tz_source == "explicit"
            and other.value == chosen.value
            and not other.local.endswith("+00:00")
        ):
            return other
    local = chosen.value.astimezone(ZoneInfo(timezone)).isoformat()
    if local[:10] == chosen.day or any(p.day == chosen.day for p in found("visible")):
        return chosen
    return replace(chosen, local=local)


def parse_published(
    candidates: Sequence[tuple[str, str]],
    languages: tuple[str, ...],
    timezone: str,
    fetched_at: datetime,
    date_order: str | None = None,
) -> ParsedDate | None:
    return choose_published(
        candidates, languages, timezone, fetched_at, date_order
    ).published


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
    odd = not raw or len(raw) > MAX_DATE_STRING or not any(c.isdigit() for c in raw)
    if odd and not _is_relative(raw) or TIME_ONLY.match(raw):
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
        value = dateparser.parse(raw, languages=list(known), settings=settings)
        if value is None:
            return None
        if not HAS_TIME.search(raw) and not _is_relative(raw):
            return _day(value, raw, source)
        tz_source = "explicit" if _has_explicit_zone(raw) else "assumed"
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


def warm() -> None:
    """Load dateparser's language data once, before workers fork."""
    now = datetime.now(UTC)
    parse_date("19 March 2024 10:00", ("en",), "UTC", now)
    parse_date("2 hours ago", ("en",), "UTC", now)
