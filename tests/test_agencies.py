"""Wire agencies in bylines and author fields, as outlets print them: the record
says it is wire copy even when no dateline opens the text; authors stay people."""

from __future__ import annotations

import json

import pytest

from tests.harness import prepare_html
from workers.agencies import agencies_named
from workers.stages import PreparedArticle


@pytest.mark.parametrize(
    ("bylines", "expected"),
    [
        (["By REUTERS"], ["Reuters"]),  # the agency alone, in capitals
        (["Reuters staff"], ["Reuters"]),
        (["Jane Doe, dpa"], ["dpa"]),  # German papers: the author, then the wire
        (["Anna Schmidt und Jonas Weber, dpa"], ["dpa"]),
        (["AFP/dpa"], ["AFP", "dpa"]),  # two wires, slash-joined
        (["The Associated Press"], ["AP"]),
        (["Jan Nowak (PAP)"], ["PAP"]),
        (["Ana García"], []),  # a first name is no agency...
        (["Ana"], []),
        (["ANA"], ["ANA-MPA"]),  # ...but the Greek agency's short name is
        (["Jane Doe"], []),
    ],
)
def test_agencies_named_in_bylines(bylines: list[str], expected: list[str]) -> None:
    assert agencies_named(bylines) == expected


def prepared(head: str, lead: str) -> PreparedArticle:
    story = " ".join(["The council met on Tuesday to approve the city budget."] * 8)
    html = (
        f"<html><head>{head}</head><body><article><h1>Budget approved</h1>"
        f"<p>{lead} {story}</p></article></body></html>"
    )
    return prepare_html(html, "https://example.com/news/budget")


def test_a_byline_that_is_only_an_agency_makes_the_record_wire_copy() -> None:
    found = prepared('<meta name="author" content="Reuters">', "The city said")
    record = found.record().to_record()
    assert record["agencies"] == ["Reuters"] and record["authors"] == []


def test_an_organization_author_in_json_ld_that_is_an_agency() -> None:
    ld = {
        "@type": "NewsArticle",
        "headline": "Budget approved",
        "author": {"@type": "Organization", "name": "Associated Press"},
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    found = prepared(head, "The city said")
    assert found.article.agencies == ("AP",) and found.article.authors == ()


def test_dateline_and_byline_agencies_are_one_list_in_order() -> None:
    found = prepared('<meta name="author" content="Jane Doe, dpa">', "BERLIN (AFP) -")
    assert found.article.agencies == ("AFP", "dpa")
    assert found.article.authors == ("Jane Doe",)
