"""Titles, kind 10 of the unseen-pages issue: what templates put inside and around
the <h1>. Each case is a template convention seen on several news sites' pages
(the markup is written here, not copied)."""

from __future__ import annotations

import lxml.html
import pytest

from workers.headings import headings
from workers.metadata import clean_title


def h1s(body: str) -> list[str]:
    return headings(lxml.html.fromstring(f"<html><body>{body}</body></html>"))


@pytest.mark.parametrize(
    ("convention", "markup", "expected"),
    [
        (
            "roofline (German 'Dachzeile') as a span inside the h1",
            '<h1><span class="article-header__roofline">Bundesliga</span>'
            "Niederlage im Derby</h1>",
            "Niederlage im Derby",
        ),
        (
            "kicker span with its colon, the headline as the h1's own text",
            '<h1 class="entry-title"><span class="sub-heading">Politik:</span> '
            "Neue Regierung vereidigt</h1>",
            "Neue Regierung vereidigt",
        ),
        (
            "kicker and headline as sibling spans with no space between them",
            '<h1><span class="kicker">Bundesliga</span><span class="title">'
            "Niederlage im Derby</span></h1>",
            "Niederlage im Derby",
        ),
        (
            "the separator outside the kicker element goes with it",
            '<h1><span class="headline-kicker">Wirtschaft</span>: '
            "Wie Firmen ihre Leute schützen</h1>",
            "Wie Firmen ihre Leute schützen",
        ),
        (
            "a label for screen readers inside the headline",
            '<h1><div><span class="visuallyhidden">Headline:</span> '
            "Energiewende und Wandel</div></h1>",
            "Energiewende und Wandel",
        ),
        (
            "a date above the headline, in a <time> inside the h1",
            '<h1><span class="supertitle"><time datetime="2022-02-01">1. Februar '
            '2022</time></span> <span class="title">Ministerin stellt Plan vor'
            "</span></h1>",
            "Ministerin stellt Plan vor",
        ),
        (
            "parts of a headline in separate elements keep a space between them",
            "<h1><span>Storm hits coast</span><span>thousands without power</span>"
            "</h1>",
            "Storm hits coast thousands without power",
        ),
        (
            "a kicker class on the whole heading is the headline after all",
            '<h1 class="kicker">Storm hits the coast</h1>',
            "Storm hits the coast",
        ),
    ],
)
def test_the_headline_without_what_the_template_adds(
    convention: str, markup: str, expected: str
) -> None:
    assert h1s(markup) == [expected], convention


@pytest.mark.parametrize(
    ("convention", "markup"),
    [
        ("an h1 hidden for screen readers only", '<h1 class="ls-assistive">Menu</h1>'),
        ("an h1 hidden by the sr-only utility", '<h1 class="sr-only">Site</h1>'),
        ("an h1 with the hidden attribute", "<h1 hidden>Navigation</h1>"),
        (
            "the site's logo as its h1",
            '<h1 class="logo"><a href="/op">Opinion</a></h1>',
        ),
        (
            "a related-stories block's heading",
            '<div class="related-articles"><h1>Other story entirely</h1></div>',
        ),
        ("a heading in an aside", "<aside><h1>Most read today</h1></aside>"),
        ("a heading in the footer", "<footer><h1>About us</h1></footer>"),
    ],
)
def test_headings_that_are_not_the_headline(convention: str, markup: str) -> None:
    assert h1s(markup + "<h1>The real headline</h1>") == ["The real headline"], (
        convention
    )


def test_page_classes_on_body_do_not_hide_the_headline() -> None:
    """WordPress themes put 'wp-custom-logo' and the like on <body>."""
    tree = lxml.html.fromstring(
        '<html><body class="single wp-custom-logo"><h1>Headline here</h1></body></html>'
    )
    assert headings(tree) == ["Headline here"]


@pytest.mark.parametrize(
    ("convention", "heading", "titles", "expected"),
    [
        (
            "section name and bar before the headline in the h1, meta title plain",
            "Local News | Brothel busted in Boston",
            ["Brothel busted in Boston", "Brothel busted in Boston"],
            "Brothel busted in Boston",
        ),
        (
            "a kicker glued without its colon, og:title the headline alone",
            "Bundesliga Niederlage im Derby",
            ["Niederlage im Derby"],
            "Niederlage im Derby",
        ),
        (
            "a meta title cut short: the heading is the whole headline",
            "Ultium Cells raises capacity in Tennessee",
            ["Ultium Cells raises capacity"],
            "Ultium Cells raises capacity in Tennessee",
        ),
        (
            "the heading agrees with a title that carries the site's name",
            "Storm hits the coast",
            ["Storm hits the coast - The Courier"],
            "Storm hits the coast",
        ),
    ],
)
def test_a_meta_title_at_the_end_of_the_heading_drops_its_kicker(
    convention: str, heading: str, titles: list[str], expected: str
) -> None:
    assert clean_title(titles, [heading], [], "courier.example") == expected, convention
