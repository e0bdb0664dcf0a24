"""Dates: aware UTC from ISO, meta and visible strings; raw kept; absurd refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workers.dates import choose_published, parse_date, parse_published
from workers.languages import date_order

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
    assert parsed.value == expected.replace(tzinfo=UTC)
    assert parsed.value.tzinfo is not None
    assert parsed.tz_source == tz_source
    assert parsed.raw == raw


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


def test_local_time_keeps_the_publishers_clock() -> None:
    parsed = parse_date("2023-11-08T21:11:03-05:00", ("en",), "UTC", FETCHED)
    assert parsed is not None
    assert parsed.local == "2023-11-08T21:11:03-05:00" and parsed.day == "2023-11-08"
    assert parsed.value.isoformat() == "2023-11-09T02:11:03+00:00"
    assumed = parse_date("2024-03-19 17:42", ("en",), "Asia/Kuala_Lumpur", FETCHED)
    assert assumed is not None and assumed.local == "2024-03-19T17:42:00+08:00"


def test_htmldate_day_picks_the_agreeing_structured_string() -> None:
    choice = choose_published(
        [
            ("meta:article:modified_time", "2024-03-20T08:00:00+01:00"),
            ("json-ld", "2024-03-19T10:42:00+01:00"),
            ("htmldate", "2024-03-19T00:00:00"),
        ],
        ("en",),
        "UTC",
        FETCHED,
    )
    assert choice.published is not None
    assert choice.published.source == "json-ld"
    assert choice.published.raw == "2024-03-19T10:42:00+01:00"


def test_htmldate_alone_gives_a_day() -> None:
    choice = choose_published(
        [("htmldate", "2024-03-18T00:00:00")], ("en",), "UTC", FETCHED
    )
    assert choice.published is not None
    assert choice.published.tz_source == "none"
    assert choice.published.local == "2024-03-18"


def test_rejected_dates_are_reported() -> None:
    choice = choose_published(
        [
            ("json-ld", "2031-01-01T00:00:00Z"),
            ("meta:date", "1970-01-01T00:00:00Z"),
            ("visible", "19 March 2024 09:42 GMT"),
        ],
        ("en",),
        "UTC",
        FETCHED,
    )
    assert choice.published is not None and choice.published.source == "visible"
    assert [r["reason"] for r in choice.rejected] == [
        "more than a day after the fetch",
        "before 1990",
    ]


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


def test_the_same_instant_on_the_publishers_clock_is_preferred() -> None:
    choice = choose_published(
        [
            ("json-ld", "2023-11-09T02:11:03Z"),
            ("time", "2023-11-08T21:11:03-05:00"),
            ("htmldate", "2023-11-09T02:11:03+0000"),
        ],
        ("en",),
        "UTC",
        datetime(2023, 11, 10, tzinfo=UTC),
    )
    assert choice.published is not None
    assert choice.published.local == "2023-11-08T21:11:03-05:00"
    assert choice.published.value == datetime(2023, 11, 9, 2, 11, 3, tzinfo=UTC)


def test_two_kinds_of_evidence_outvote_htmldates_day() -> None:
    # htmldate took a later meta date; JSON-LD and the published_time tag agree on
    # the day before (one real outlet's "sailthru.date" is its last update).
    choice = choose_published(
        [
            ("json-ld", "2020-01-19T12:25:36Z"),
            ("meta:article:published_time", "2020-01-19T12:25:36Z"),
            ("meta:sailthru.date", "2020-01-20T09:49:32Z"),
            ("htmldate", "2020-01-20T09:49:32+0000"),
        ],
        ("en",),
        "UTC",
        FETCHED,
    )
    assert choice.published is not None
    assert (choice.published.source, choice.published.day) == ("json-ld", "2020-01-19")


def test_a_printed_date_counts_as_one_kind_of_evidence() -> None:
    candidates = [
        ("json-ld", "2022-12-21T05:49:28+00:00"),
        ("visible", "21.12.2022"),
        ("htmldate", "2022-12-20T16:55:21+0000"),
    ]
    published = parse_published(candidates, ("de",), "Europe/Zurich", FETCHED)
    assert published is not None and published.day == "2022-12-21"
    # the same element as <time> and as printed text is one kind, not two
    alone = parse_published(
        [("time", "2022-12-19"), ("visible", "19.12.2022"), candidates[-1]],
        ("de",),
        "Europe/Zurich",
        FETCHED,
    )
    assert alone is not None and alone.day == "2022-12-20"


def test_a_url_naming_htmldates_day_keeps_it() -> None:
    published = parse_published(
        [
            ("json-ld", "2019-06-17T18:28:00+0200"),
            ("meta:datePublished", "2019-06-17T18:28:00+0200"),
            ("url", "2017-07-12"),
            ("htmldate", "2017-07-12T00:00:00"),
        ],
        ("de",),
        "Europe/Berlin",
        FETCHED,
    )
    assert published is not None and published.day == "2017-07-12"


def test_a_utc_instant_is_dated_on_the_publishers_clock() -> None:
    candidates = [
        ("json-ld", "2020-08-25T00:23:33.312Z"),
        ("htmldate", "2020-08-25T00:00:00"),
    ]
    fetched = datetime(2020, 9, 1, tzinfo=UTC)
    toronto = parse_published(candidates, ("fr",), "America/Toronto", fetched)
    assert toronto is not None and toronto.local == "2020-08-24T20:23:33.312000-04:00"
    assert toronto.value == datetime(2020, 8, 25, 0, 23, 33, 312000, tzinfo=UTC)
    utc = parse_published(candidates, ("fr",), "UTC", fetched)
    assert utc is not None and utc.day == "2020-08-25"
    # ...unless the page itself prints the UTC day
    printed = parse_published(
        [*candidates, ("visible", "25/08/2020")], ("fr",), "America/Toronto", fetched
    )
    assert printed is not None and printed.day == "2020-08-25"


def test_an_auto_source_dates_a_page_on_its_countrys_clock() -> None:
    from config.source import adhoc_source
    from workers.extract import extract_article
    from workers.normalize import normalize_article

    story = " ".join(["The school buses will run again from mid-September."] * 8)
    page = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "Buses", "datePublished": "2020-08-25T00:23:33Z"}</script>'
        f"</head><body><article><h1>Buses</h1><p>{story}</p></article></body></html>"
    ).encode()
    fetched = datetime(2020, 9, 1, tzinfo=UTC)
    local = {}
    for url in ("https://ici.radio-canada.ca/nouvelle/1", "https://example.com/1"):
        extracted = extract_article(page, url, None, fetched)
        assert extracted is not None
        article = normalize_article(extracted, adhoc_source(), fetched, url)
        assert article.published_at == datetime(2020, 8, 25, 0, 23, 33, tzinfo=UTC)
        local[url] = article.published_local
    assert (
        local["https://ici.radio-canada.ca/nouvelle/1"] == "2020-08-24T20:23:33-04:00"
    )
    assert local["https://example.com/1"] == "2020-08-25T00:23:33+00:00"


@pytest.mark.parametrize(
    "raw", ["9:05 PM", "21:05", "09:05 Uhr", "9 a.m.", "12:30 CET"]
)
def test_a_time_of_day_alone_is_no_date(raw: str) -> None:
    # live blogs and "updated" stamps print the time alone: dateparser would date
    # it on the day of the fetch
    fetched = datetime(2024, 3, 20, 12, tzinfo=UTC)
    assert parse_date(raw, ("en", "de"), "UTC", fetched) is None


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("19 March 2024 9:05 PM", "2024-03-19"),
        ("yesterday 9:05", "2024-03-19"),
        ("19.03.", "2024-03-19"),  # German day and month, not 19:03
    ],
)
def test_a_date_with_a_time_is_still_a_date(raw: str, day: str) -> None:
    fetched = datetime(2024, 3, 20, 12, tzinfo=UTC)
    parsed = parse_date(raw, ("en", "de"), "UTC", fetched)
    assert parsed is not None and parsed.day == day


# Kind 11 of the unseen-pages issue: dates that held the wrong day or lost their time.


def test_a_later_declared_day_beats_the_oldest_date_htmldate_found() -> None:
    """htmldate's original-date search takes the oldest date it sees: a "first
    published" note years back, a photo caption. When no declared string or URL
    names that day and the publisher declares a later one, the declared day wins."""
    published = parse_published(
        [
            ("time", "2022-01-25T09:00:00+01:00"),
            ("htmldate", "2022-01-21T00:00:00"),
        ],
        ("de",),
        "Europe/Berlin",
        FETCHED,
    )
    assert published is not None and published.day == "2022-01-25"
    # ...but a URL minted on htmldate's day keeps it
    kept = parse_published(
        [
            ("time", "2022-01-25T09:00:00+01:00"),
            ("url", "2022-01-21"),
            ("htmldate", "2022-01-21T00:00:00"),
        ],
        ("de",),
        "Europe/Berlin",
        FETCHED,
    )
    assert kept is not None and kept.day == "2022-01-21"


def test_a_live_blogs_json_ld_start_beats_its_last_update() -> None:
    """LiveBlogPosting: og/article times move with every update, htmldate reads
    them; the JSON-LD datePublished is when coverage began."""
    published = parse_published(
        [
            ("json-ld:live", "2024-03-18T06:00:00+00:00"),
            ("meta:article:published_time", "2024-03-19T21:40:00+00:00"),
            ("htmldate", "2024-03-19T21:40:00+0000"),
        ],
        ("en",),
        "UTC",
        FETCHED,
    )
    assert published is not None and published.raw == "2024-03-18T06:00:00+00:00"


def test_a_print_editions_day_yields_to_the_timed_online_date_before_it() -> None:
    """Newspapers date a story's print edition the day after it went online."""
    published = parse_published(
        [
            ("json-ld", "2024-03-18T19:30:00+01:00"),
            ("htmldate", "2024-03-19T00:00:00"),
        ],
        ("de",),
        "Europe/Berlin",
        FETCHED,
    )
    assert published is not None
    assert published.local == "2024-03-18T19:30:00+01:00"


@pytest.mark.parametrize(
    ("candidates", "local"),
    [
        (  # a printed German timestamp behind a label
            [
                ("htmldate", "2024-03-03T00:00:00"),
                ("visible", "erstellt: 3. März 2024, 09:10"),
            ],
            "2024-03-03T09:10:00+01:00",
        ),
        (  # a <time> with a day only, and the JSON-LD instant in UTC
            [
                ("json-ld", "2024-03-02T23:30:00Z"),
                ("time", "2024-03-03"),
            ],
            "2024-03-03T00:30:00+01:00",
        ),
    ],
)
def test_a_day_takes_its_time_from_a_string_naming_the_same_day(
    candidates: list[tuple[str, str]], local: str
) -> None:
    published = parse_published(candidates, ("de",), "Europe/Berlin", FETCHED)
    assert published is not None and published.local == local


def test_a_label_before_a_printed_date_is_read_past_and_kept() -> None:
    parsed = parse_date("Published: March 3, 2024 9:10 am", ("en",), "UTC", FETCHED)
    assert parsed is not None and parsed.local == "2024-03-03T09:10:00+00:00"
    assert parsed.raw == "Published: March 3, 2024 9:10 am"


@pytest.mark.parametrize(
    ("language", "declared", "host", "order"),
    [
        ("de", "en", "www.spiegel.de", "DMY"),  # a German page, English template
        ("en", "en-GB", "example.com", "DMY"),
        ("en", None, "www.bbc.co.uk", "DMY"),
        ("en", None, "www.abc.net.au", "DMY"),
        ("en", "en-US", "example.com", "MDY"),
        ("en", None, "example.com", "MDY"),
        ("en", None, "startup.io", "MDY"),  # a domain sold worldwide says nothing
        ("zh", None, "news.example.cn", "YMD"),
        ("xx", None, "example.com", None),
    ],
)
def test_numeric_dates_follow_the_pages_language_and_region(
    language: str, declared: str | None, host: str, order: str | None
) -> None:
    assert date_order(language, declared, host) == order


def test_a_german_page_read_with_an_english_source_is_read_day_first() -> None:
    order = date_order("de", None, "example.de")
    parsed = parse_date("03.04.2024 10:00", ("de", "en"), "UTC", FETCHED, order)
    assert parsed is not None and parsed.day == "2024-04-03"
