"""Dates: aware UTC from ISO, meta and visible strings; raw kept; absurd refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workers.dates import parse_date, parse_published

FETCHED = datetime(2024, 3, 19, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "timezone", "order", "expected", "tz_source"),
    [
        (
            "2024-03-19T17:42:00+08:00",
            "UTC",
            None,
            datetime(2024, 3, 19, 9, 42),
            "explicit",
        ),
        (
            "2024-03-19T09:42:00Z",
            "Asia/Tokyo",
            None,
            datetime(2024, 3, 19, 9, 42),
            "explicit",
        ),
        (
            "2024-03-19T17:42:00",
            "Asia/Kuala_Lumpur",
            None,
            datetime(2024, 3, 19, 9, 42),
            "assumed",
        ),
        (
            "2024-03-19 17:42",
            "Asia/Kuala_Lumpur",
            None,
            datetime(2024, 3, 19, 9, 42),
            "assumed",
        ),
        # A bare day stays that day in UTC: not yesterday 16:00 east of Greenwich.
        ("2024-03-19", "Asia/Kuala_Lumpur", None, datetime(2024, 3, 19), "none"),
        (
            "Tuesday, 19 Mar 2024",
            "Asia/Kuala_Lumpur",
            "DMY",
            datetime(2024, 3, 19),
            "none",
        ),
        (
            "19 March 2024, 09:42 GMT",
            "Europe/London",
            "DMY",
            datetime(2024, 3, 19, 9, 42),
            "explicit",
        ),
        (
            "March 19, 2024 5:42 PM",
            "Asia/Kuala_Lumpur",
            "MDY",
            datetime(2024, 3, 19, 9, 42),
            "assumed",
        ),
        ("03/04/2024 10:00", "UTC", "DMY", datetime(2024, 4, 3, 10, 0), "assumed"),
        ("03/04/2024 10:00", "UTC", "MDY", datetime(2024, 3, 4, 10, 0), "assumed"),
        ("2 hours ago", "UTC", None, datetime(2024, 3, 19, 10, 0), "assumed"),
        (
            "19. März 2024, 10:42 Uhr",
            "Europe/Berlin",
            "DMY",
            datetime(2024, 3, 19, 9, 42),
            "assumed",
        ),
    ],
)
def test_parse_date(
    raw: str, timezone: str, order: str | None, expected: datetime, tz_source: str
) -> None:
    parsed = parse_date(raw, ("en", "de"), timezone, FETCHED, order)
    assert parsed is not None
    value, source = parsed
    assert value == expected.replace(tzinfo=UTC)
    assert value.tzinfo is not None
    assert source == tz_source


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "© 2024 Example Media. All rights reserved.",
        "Share this story",
        "x" * 200,
        "Photo: Reuters",
    ],
)
def test_junk_is_not_a_date(raw: str) -> None:
    assert parse_date(raw, ("en",), "UTC", FETCHED) is None


def test_the_first_plausible_candidate_wins_and_keeps_its_raw_string() -> None:
    parsed = parse_published(
        [
            ("json-ld", "not a date"),
            ("meta", "2031-01-01T00:00:00Z"),
            ("meta:pubdate", "1970-01-01"),
            ("visible", "19 March 2024 09:42 GMT"),
        ],
        ("en",),
        "Europe/London",
        FETCHED,
    )
    assert parsed is not None
    assert parsed.raw == "19 March 2024 09:42 GMT"
    assert parsed.source == "visible"
    assert parsed.value == datetime(2024, 3, 19, 9, 42, tzinfo=UTC)


def test_a_date_just_after_the_fetch_is_accepted_a_later_one_is_not() -> None:
    assert parse_published([("meta", "2024-03-20T06:00:00Z")], ("en",), "UTC", FETCHED)
    assert (
        parse_published([("meta", "2024-03-21T06:00:00Z")], ("en",), "UTC", FETCHED)
        is None
    )
