"""Authors, kind 9 of the unseen-pages issue: bylines as news sites print them,
each a convention of many sites (the names are invented)."""

from __future__ import annotations

import pytest

from workers.metadata import clean_authors


@pytest.mark.parametrize(
    ("convention", "byline", "expected"),
    [
        ("German two authors and the agency", "Anna Berg und Max Roth, dpa",
         ["Anna Berg", "Max Roth"]),
        ("a serial list", "Jane Doe, John Roe and Ann Lee",
         ["Jane Doe", "John Roe", "Ann Lee"]),
        ("Norwegian 'og'", "Kari Nordmann og Ola Nordmann",
         ["Kari Nordmann", "Ola Nordmann"]),
        ("last name first", "Doe, Jane", ["Jane Doe"]),
        ("a role and an affiliation after the name",
         "Jane Doe, professor at the University of Oslo", ["Jane Doe"]),
        ("initials in parentheses (German papers' 'Kürzel')", "Jane Doe (jdo)",
         ["Jane Doe"]),
        ("AP's byline with the writer's beat", "GREG BEACH, AP Sports Writer",
         ["Greg Beach"]),
        ("an outlet after a bar", "Amy Kuper | NJ Advance Media for NJ.com",
         ["Amy Kuper"]),
        ("the outlet's domain after a comma", "Troy L. Smith, Cleveland.com",
         ["Troy L. Smith"]),
        ("the agency after a comma", "Colleen Barr, The Associated Press",
         ["Colleen Barr"]),
        ("a place between two names", "Markus M. Haefner, London, Beat Bumm",
         ["Markus M. Haefner", "Beat Bumm"]),
        ("a weekday from the date line beside the byline", "Wednesday", []),
        ("a byline set in capitals", "JANE DOE", ["Jane Doe"]),
        ("a profile slug", "jane-doe", ["Jane Doe"]),
        ("a title stays as printed", "Dr. Jane Doe", ["Dr. Jane Doe"]),
        ("a bio sentence", "Jane Doe is a reporter for the Courier", ["Jane Doe"]),
    ],
)  # fmt: skip
def test_a_byline_names_its_people(
    convention: str, byline: str, expected: list[str]
) -> None:
    assert list(clean_authors([byline], [], ["The Courier"], "courier.example")) == (
        expected
    ), convention


def test_a_handle_beside_a_person_goes_but_a_blogs_only_author_stays() -> None:
    assert clean_authors(["Jane Doe", "jdoe123"], [], [], "x.example") == ("Jane Doe",)
    assert clean_authors(["gnaddrig"], [], [], "gnaddrig.wordpress.com") == (
        "gnaddrig",
    )
