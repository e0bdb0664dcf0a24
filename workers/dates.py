"""Publication dates: raw date strings -> timezone-aware UTC, raw kept beside it.

Evidence, best first: htmldate's ranked search (it reads JSON-LD, meta tags, <time>
and URL dates, preferring the original date over updates), and the publisher's own
structured strings (JSON-LD, article:published_time, <time datetime>), then the
dateline's date, then visible date strings and the URL's. When a structured string
names the same day as htmldate, it is kept: it carries the time and the zone. When
more kinds of evidence (JSON-LD, meta tags, the printed date, the URL) agree on
another day than on htmldate's, and at least two do, that day wins. A live blog's
JSON-LD start beats them all (its meta tags move with each update), and a day-only
choice takes the time of day from a string that names the same day.

Each string is read by `workers.date_strings`. Dates more than a day after the
fetch, or before 1990, are refused and reported.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from workers.date_strings import ParsedDate, parse_date

logger = logging.getLogger(__name__)

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
ANCHOR = "htmldate"
LIVE = "json-ld:live"  # a live blog's start, as its JSON-LD declares it
STRUCTURED = ("json-ld", "meta", "time")  # prefixes of candidate sources
KIND = {"json-ld": "json-ld", "meta": "meta", "url": "url"}  # else printed on the page


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
    # htmldate reads a live blog's last update: its JSON-LD start comes first
    chosen = next(iter(found(LIVE)), None) or _pick(anchor, structured, found)
    if chosen is not None:
        chosen = _with_time(chosen, structured, timezone, found)
        choice.published = _localest(chosen, structured, timezone, found)
    return choice


def _pick(
    anchor: ParsedDate | None,
    structured: Sequence[ParsedDate],
    found: Callable[..., list[ParsedDate]],
) -> ParsedDate | None:
    if anchor is not None:
        declared = [*structured, *found("url")]
        chosen = _most_supported(anchor, declared, found)
        if chosen is None:
            chosen = next((p for p in structured if _same_day(p, anchor)), anchor)
        if chosen.tz_source == "none":
            chosen = next((p for p in structured if _online_first(p, chosen)), chosen)
        if chosen is anchor and not any(_same_day(p, anchor) for p in declared):
            # htmldate takes the oldest date it sees ("first published" years
            # ago, a photo caption): a later day the publisher declares wins
            later = (p for p in structured if p.value.date() > anchor.value.date())
            chosen = next(later, anchor)
        return chosen
    if structured:
        return structured[0]
    # the rest, in their order: the dateline, printed dates, the URL
    return next(iter(found("dateline", "visible", "url")), None)


def _online_first(declared: ParsedDate, day: ParsedDate) -> bool:
    """A timed JSON-LD date the day before a day-only one: the story went online
    the evening before the print edition that carries the later day."""
    return (
        declared.source.startswith("json-ld")
        and declared.tz_source != "none"
        and (day.value.date() - declared.value.date()).days == 1
    )


def _with_time(
    chosen: ParsedDate,
    structured: Sequence[ParsedDate],
    timezone: str,
    found: Callable[[str], list[ParsedDate]],
) -> ParsedDate:
    """A day-only choice takes its time of day from a string naming the same day:
    a JSON-LD or <time> instant, else a printed "erstellt: 3. März 2024, 09:10"."""
    if chosen.tz_source != "none":
        return chosen
    zone = ZoneInfo(timezone)
    for other in [*structured, *found("visible")]:
        if other.tz_source != "none" and chosen.day in (
            other.day,
            other.value.astimezone(zone).date().isoformat(),
        ):
            return other
    return chosen


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


def warm() -> None:
    """Load dateparser's language data once, before workers fork."""
    now = datetime.now(UTC)
    parse_date("19 March 2024 10:00", ("en",), "UTC", now)
    parse_date("2 hours ago", ("en",), "UTC", now)
