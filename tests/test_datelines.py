"""Datelines and wire credits: the first parse of leads and credit lines."""

from __future__ import annotations

import pytest

from workers.datelines import parse_credits, parse_dateline


@pytest.mark.parametrize(
    ("lead", "place_raw", "place", "agency"),
    [
        ("KYIV (Reuters) - Ukraine is working", "KYIV", "Kyiv", "Reuters"),
        ("WASHINGTON (AP) — The Senate voted", "WASHINGTON", "Washington", "AP"),
        (
            "ST. PETERSBURG, Fla. (AP) — A man",
            "ST. PETERSBURG, Fla.",
            "St. Petersburg",
            "AP",
        ),
        (
            "WASHINGTON/LONDON (Reuters) - The",
            "WASHINGTON/LONDON",
            "Washington/London",
            "Reuters",
        ),
        ("BEIJING, March 19 (Reuters) - China said", "BEIJING", "Beijing", "Reuters"),
        ("NEW DELHI (PTI) -- The government", "NEW DELHI", "New Delhi", "PTI"),
        ("(Bloomberg) -- Stocks rose", None, None, "Bloomberg"),
        ("KUALA LUMPUR: The government said", "KUALA LUMPUR", "Kuala Lumpur", None),
        ("LONDON — The Bank of England", "LONDON", "London", None),
        ("RIO DE JANEIRO (AFP) - Brazil", "RIO DE JANEIRO", "Rio de Janeiro", "AFP"),
    ],
)
def test_leads(
    lead: str, place_raw: str | None, place: str | None, agency: str | None
) -> None:
    dateline = parse_dateline(lead)
    assert dateline is not None
    assert (dateline.place_raw, dateline.place, dateline.agency) == (
        place_raw,
        place,
        agency,
    )
    assert lead[dateline.span[1] :][0].isupper()


@pytest.mark.parametrize(
    "lead",
    [
        "China Evergrande (3333.HK) said on Monday it would",
        "The North Atlantic Treaty Organization (NATO) - the alliance",
        "Ukraine is working to secure a strong step, officials said.",
        "He told reporters (Reuters) - in a statement",
    ],
)
def test_not_datelines(lead: str) -> None:
    assert parse_dateline(lead) is None


def test_seed_credit_line() -> None:
    text = (
        "...alliance.\n(Reporting by Anastasiia Malenko; editing by Tom Balmforth and "
        "Christina Fincher)"
    )
    credits = parse_credits(text)
    assert credits is not None
    assert credits.reporters == ({"name": "Anastasiia Malenko", "place": None},)
    assert credits.editors == ("Tom Balmforth", "Christina Fincher")
    assert text[credits.span[0] : credits.span[1]] == credits.raw


def test_credit_roles_places_and_case() -> None:
    credits = parse_credits(
        "(Reporting by Jane Doe in Kyiv and John Roe in Paris; "
        "Additional reporting by Ann Lee; Writing by Bo Chan; "
        "Editing by Ed One, Ed Two and Ed Three)"
    )
    assert credits is not None
    assert {"name": "Jane Doe", "place": "Kyiv"} in credits.reporters
    assert {"name": "Ann Lee", "place": None} in credits.reporters
    assert credits.writers == ("Bo Chan",)
    assert credits.editors == ("Ed One", "Ed Two", "Ed Three")


def test_no_credit_line() -> None:
    assert parse_credits("The minister (left) said reporting was accurate.") is None
