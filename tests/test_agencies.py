"""Wire agencies in bylines and author fields, as outlets print them: the record
says it is wire copy even when no dateline opens the text; authors stay people."""

from __future__ import annotations

import json

import pytest

from tests.harness import prepare_html
from workers.agencies import agencies_named
from workers.credits import closing_agencies
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


@pytest.mark.parametrize(
    ("convention", "closing", "expected"),
    [
        # German papers close wire copy with the agency in parentheses after the
        # last sentence (closing lines of German news pages in ../shared/eval)
        (
            "dpa, alone",
            "Bundeskanzler Olaf Scholz (SPD) hat sich dazu bisher skeptisch "
            "geäußert. (dpa)",
            ["dpa"],
        ),
        (
            "dpa, then the editor's initials; a section heading after it",
            "Später kündigte der Manager dann doch sein Erscheinen an. (dpa/gem)\n"
            "Aus dem Datencenter:",
            ["dpa"],
        ),
        (
            "the paper's own story with the wire's material; a picture credit last",
            "Die Zyste könne sich jederzeit neu bilden, hieß es. (FR mit dpa)\n"
            "*fr.de ist Teil des bundesweiten Ippen-Redaktionsnetzwerks\n"
            "Rubriklistenbild: © KCNA/dpa",
            ["dpa"],
        ),
        ("two wires", "Er sagte das am Abend. (dpa/AFP)", ["dpa", "AFP"]),
        ("APA, Austria", "Es kam zu Verzögerungen. (APA)", ["APA"]),
        # ANSA's and EFE's copy as Italian and Spanish papers print it
        ("ANSA", "Piccinini è stato designato per Torino-Roma. (ANSA).", ["ANSA"]),
        ("EFE", "El partido se jugará el domingo. (EFE)", ["EFE"]),
        # English-language papers in Asia sign wire copy with a dash
        (
            "AFP, dash-signed",
            "The European Athletics Championships are due to take place in "
            "Munich on August 11-21. — AFP",
            ["AFP"],
        ),
        (
            "alone on the last line",
            "The talks resume on Monday.\n(Reuters)",
            ["Reuters"],
        ),
        # no credit: an editor's initials, an agency named in a sentence, a
        # picture credit, Bloomberg's contributors, a desk
        ("initials only", "an klaren Perspektiven für US-Systeme.(wal)", []),
        (
            "named in the sentence",
            "It was first reported by Agence France-Presse (AFP).",
            [],
        ),
        ("inside the sentence", "The minister said so (Reuters).", []),
        ("a picture credit", "Das Bild zeigt den Minister. (Foto: dpa)", []),
        ("a photo caption", "Supporters cheer. (AP Photo/Evan Vucci)", []),
        ("contributors", "He said so.\n—With assistance from Jane Doe.", []),
        ("staff", "The talks resume on Monday.\nStaff and agencies", []),
    ],
)
def test_the_agency_credit_that_closes_wire_copy(
    convention: str, closing: str, expected: list[str]
) -> None:
    assert closing_agencies(closing) == expected, convention


def test_a_closing_credit_makes_the_record_wire_copy() -> None:
    story = " ".join(["Der Rat billigte am Dienstag den Haushalt der Stadt."] * 8)
    html = (
        "<html><head></head><body><article><h1>Haushalt gebilligt</h1>"
        f"<p>{story}</p><p>Die Opposition stimmte dagegen. (dpa)</p>"
        "</article></body></html>"
    )
    found = prepare_html(html, "https://example.de/politik/haushalt")
    assert found.article.agencies == ("dpa",) and found.article.authors == ()
