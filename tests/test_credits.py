"""Credit lines as the wires and networks close their stories.

Reuters Handbook: "(Reporting by ...; Writing by ...; Editing by ...)" in
parentheses, and on reuters.com the same line without them; a reporter's place
may carry its region or country. AP: "Associated Press writers ... contributed".
US papers and networks: "X contributed reporting from Y." A parenthesis naming no
person is no credit line.
"""

from __future__ import annotations

import pytest

from workers.credits import parse_credits

STORY = "The minister said the talks would resume next week.\n"


def reporters(line: str) -> list[tuple[str, str | None]]:
    credits = parse_credits(STORY + line)
    assert credits is not None, line
    return [(str(r["name"]), r["place"]) for r in credits.reporters]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # a place with its country or region is one place, not a second reporter
        (
            "(Reporting by Jane Doe in Kyiv, Ukraine, and John Roe in Paris; "
            "Editing by Ed One)",
            [("Jane Doe", "Kyiv, Ukraine"), ("John Roe", "Paris")],
        ),
        (
            "(Reporting by Ann Lee in Washington, D.C.; Editing by Ed One)",
            [("Ann Lee", "Washington, D.C.")],
        ),
        (
            "(Reporting by Bo Chan in Toronto, Ontario and Cy Dee; Editing by Ed One)",
            [("Bo Chan", "Toronto, Ontario"), ("Cy Dee", None)],
        ),
    ],
)
def test_a_reporters_place_keeps_its_region(
    line: str, expected: list[tuple[str, str | None]]
) -> None:
    assert reporters(line) == expected


def test_the_credit_line_without_parentheses_as_reuters_com_prints_it() -> None:
    text = STORY + "Reporting by Jane Doe; Editing by John Roe and Ann Lee"
    credits = parse_credits(text)
    assert credits is not None
    assert [r["name"] for r in credits.reporters] == ["Jane Doe"]
    assert list(credits.editors) == ["John Roe", "Ann Lee"]
    assert text[credits.span[0] : credits.span[1]] == credits.raw


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Jane Doe contributed reporting.", [("Jane Doe", None)]),
        (
            "Jane Doe contributed reporting from Kyiv.",
            [("Jane Doe", "Kyiv")],
        ),
        (
            "Jane Doe and John Roe contributed reporting from Moscow.",
            [("Jane Doe", "Moscow"), ("John Roe", "Moscow")],
        ),
        ("CNN's Ann Lee contributed to this report.", [("Ann Lee", None)]),
        # an outlet's possessive after an s (a page of ../shared/eval)
        (
            "Fox News’ Jessica Napoli contributed to this report.",
            [("Jessica Napoli", None)],
        ),
        (
            "Reuters reporters Bo Chan in Beijing and Cy Dee contributed to this "
            "report.",
            [("Bo Chan", "Beijing"), ("Cy Dee", None)],
        ),
    ],
)
def test_closing_contributor_lines(
    line: str, expected: list[tuple[str, str | None]]
) -> None:
    assert reporters(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "(Reporting by Reuters; Editing by the Reuters newsroom)",
        "(Writing by staff)",
        "The committee contributed to this report.",
    ],
)
def test_a_credit_naming_no_person_is_no_credit(line: str) -> None:
    assert parse_credits(STORY + line) is None


def fields(line: str) -> tuple[list[tuple[str, str | None]], list[str], list[str]]:
    credits = parse_credits(STORY + line)
    assert credits is not None, line
    return (
        [(str(r["name"]), r["place"]) for r in credits.reporters],
        list(credits.writers),
        list(credits.editors),
    )


@pytest.mark.parametrize(
    ("convention", "line", "expected"),
    [
        (
            "Reuters' credit line set in capitals, as some clients print it",
            "(REPORTING BY JANE MCNEIL; EDITING BY JOHN ROE)",
            ([("Jane McNeil", None)], [], ["John Roe"]),
        ),
        (
            "Reuters in Spanish: 'Reporte de ... Editado por ...'",
            "(Reporte de Ursula Diaz. Editado por Marta Ruiz)",
            ([("Ursula Diaz", None)], [], ["Marta Ruiz"]),
        ),
        (
            "Reuters in Spanish, with the Spanish desk's editor",
            "(Reporte adicional de Ana Gil; Editado en español por Luis Mora)",
            ([("Ana Gil", None)], [], ["Luis Mora"]),
        ),
        (
            "Reuters in German: 'Bericht von ..., geschrieben von ..., redigiert von'",
            "(Bericht von Anna Berg, geschrieben von Max Roth, redigiert von Eva Lang)",
            ([("Anna Berg", None)], ["Max Roth"], ["Eva Lang"]),
        ),
        (
            "Reuters in Portuguese: 'Reportagem de ...; Edição de ...'",
            "(Reportagem de Ana Souza; Edição de Rui Lima)",
            ([("Ana Souza", None)], [], ["Rui Lima"]),
        ),
        (
            "the credit on two lines, as reuters.com prints a long one",
            "Reporting by Jane Doe and John Roe in Washington\nEditing by Ann Lee",
            (
                [("Jane Doe", "Washington"), ("John Roe", "Washington")],
                [],
                ["Ann Lee"],
            ),
        ),
        (
            "roles joined by a comma",
            "Written by Jane Doe, edited by John Roe",
            ([], ["Jane Doe"], ["John Roe"]),
        ),
        (
            "'Compiled by' names the writer; 'for Reuters' is no part of the name",
            "(Compiled by Jane Doe for Reuters; Editing by John Roe)",
            ([], ["Jane Doe"], ["John Roe"]),
        ),
        (
            "Bloomberg's closing line",
            "--With assistance from Jane Doe and John Roe.",
            ([("Jane Doe", None), ("John Roe", None)], [], []),
        ),
        (
            "Reuters' credit with 'with reporting by' for the added reporters (the "
            "closing line of a reuters.com page in ../shared/eval)",
            "(Reporting by Greg Roumeliotis, Joshua Franklin, Koh Gui Qing, with "
            "reporting by Herb Lash and Megan Davies, editing by Martin Howell.)",
            (
                [
                    ("Greg Roumeliotis", None),
                    ("Joshua Franklin", None),
                    ("Koh Gui Qing", None),
                    ("Herb Lash", None),
                    ("Megan Davies", None),
                ],
                [],
                ["Martin Howell"],
            ),
        ),
        (
            "AP's contributor line with the role capitalized (a page in "
            "../shared/eval)",
            "Associated Press Writer Krysta Fauria contributed to this report.",
            ([("Krysta Fauria", None)], [], []),
        ),
        (
            "AP's contributor sentence after the story's last sentence",
            "Doe reported from Paris. Associated Press writer John Roe in London "
            "contributed to this report.",
            ([("John Roe", "London"), ("Doe", "Paris")], [], []),
        ),
    ],
)
def test_credit_line_conventions(
    convention: str,
    line: str,
    expected: tuple[list[tuple[str, str | None]], list[str], list[str]],
) -> None:
    assert fields(line) == expected, convention


@pytest.mark.parametrize(
    "line",
    [
        "The Associated Press contributed to this report.",  # an agency, no person
        "(Reporting by Reuters staff)",
        "(This story has been refiled to fix a typo in paragraph 3)",
    ],
)
def test_a_credit_naming_no_person_is_none(line: str) -> None:
    assert parse_credits(STORY + line) is None


def test_where_the_bylines_writers_reported_from() -> None:
    """AP closes with "Lozano reported from Houston.": the byline's writer, by
    surname; a surname no byline carries names nobody."""
    from workers.credits import with_full_names

    text = (
        STORY
        + "Lozano reported from Houston. Doe and Roe reported from Washington, D.C."
    )
    credits = with_full_names(parse_credits(text), ["Juan A. Lozano", "Ann Roe"])
    assert credits is not None
    assert [(r["name"], r["place"]) for r in credits.reporters] == [
        ("Juan A. Lozano", "Houston"),
        ("Ann Roe", "Washington, D.C."),
    ]
    assert (
        with_full_names(parse_credits(STORY + "Police reported from Paris."), [])
        is None
    )
