"""Titles and authors cleaned of what templates add."""

from __future__ import annotations

import pytest

from workers.metadata import clean_author, clean_authors, clean_title, strip_site_name


@pytest.mark.parametrize(
    ("title", "sites", "host", "expected"),
    [
        (
            "Ukraine eyes NATO step | Reuters",
            ["Reuters"],
            "www.reuters.com",
            "Ukraine eyes NATO step",
        ),
        (
            "Floods hit Kelantan - The Star",
            ["The Star"],
            "www.thestar.com.my",
            "Floods hit Kelantan",
        ),
        ("Warum Wien zu blöd ist - Helge.at", [], "helge.at", "Warum Wien zu blöd ist"),
        (
            "Bondy Blog – A Paris-8, un peu de tension",
            ["Bondy Blog"],
            "www.bondyblog.fr",
            "A Paris-8, un peu de tension",
        ),
        (
            "Covid-19: Lässt sich die Ausbreitung kontrollieren?",
            ["Spektrum"],
            "www.spektrum.de",
            "Covid-19: Lässt sich die Ausbreitung kontrollieren?",
        ),
        (
            "Rise - and fall - of a party",
            [],
            "example.com",
            "Rise - and fall - of a party",
        ),
    ],
)
def test_strip_site_name(
    title: str, sites: list[str], host: str, expected: str
) -> None:
    assert strip_site_name(title, sites, host) == expected


def test_a_heading_that_agrees_with_the_meta_title_wins() -> None:
    assert (
        clean_title(
            ["Storm closes schools | Daily Post"],
            ["Daily Post", "Storm closes schools"],
            ["Daily Post"],
            "dailypost.com",
        )
        == "Storm closes schools"
    )


def test_the_only_heading_wins_over_a_site_wide_title() -> None:
    assert (
        clean_title(
            ["Nalas Löwenseiten » Lexikon"], ["M wie Mähnenlöwe"], [], "nalas.de"
        )
        == "M wie Mähnenlöwe"
    )


def test_no_heading_no_title() -> None:
    assert clean_title([], [], [], "x.com") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe", "Jane Doe"),
        ("Von Anna Weber", "Anna Weber"),
        ("View all posts by Sam Lee", "Sam Lee"),
        ("Zeige alle Beiträge von Petra Ruland", "Petra Ruland"),
        ("Zum Profil von jesusfreak jesusfreak", "jesusfreak"),
        ("Art Edwards says", "Art Edwards"),
        ("Redacci&oacute;n Diario", "Redacción Diario"),
        ("'Luana Patriolino", "Luana Patriolino"),
        ("Jane Doe jane.doe@example.com", "Jane Doe"),
    ],
)
def test_clean_author(raw: str, expected: str) -> None:
    assert clean_author(raw) == expected


def test_publishers_posing_as_authors_are_dropped_beside_a_person() -> None:
    assert clean_authors(["Rob Picheta", "CNN"], [], ["CNN"], "edition.cnn.com") == (
        "Rob Picheta",
    )
    # a one-person blog named after its author keeps its author
    assert clean_authors(["happyface313"], [], [], "happyface313.wordpress.com") == (
        "happyface313",
    )


def test_roles_and_site_suffixes_are_dropped() -> None:
    assert clean_authors(
        ["Adam Aaronson PhillyVoice Staff"], [], ["PhillyVoice"], "phillyvoice.com"
    ) == ("Adam Aaronson",)


def test_the_pages_spelling_is_preferred() -> None:
    assert clean_authors(
        ["Günter W Kienitz"], ["Posted by Günter W. Kienitz"], [], "x.de"
    ) == ("Günter W. Kienitz",)


def test_desks_and_agencies_are_not_authors() -> None:
    assert clean_authors(["Ledger wire desk"], [], [], "ledger.example") == ()
    assert clean_authors(["Reuters"], [], [], "example.com") == ()
    assert clean_authors(["AFP", "Jane Doe"], [], [], "example.com") == ("Jane Doe",)


@pytest.mark.parametrize(
    ("authors", "variants", "expected"),
    [
        # a byline written last name first, split by the extractor at its comma
        (["Doe", "Jane"], ["Doe, Jane"], ["Jane Doe"]),
        (["Doe", "Jane"], ["By Doe, Jane"], ["Jane Doe"]),
        # "and" as Norwegian, Swedish, Polish and Dutch bylines write it
        (["Kari Nordmann og Ola Nordmann"], [], ["Kari Nordmann", "Ola Nordmann"]),
        (["Anna Svensson och Erik Berg"], [], ["Anna Svensson", "Erik Berg"]),
        (["Jan Nowak i Anna Kowalska"], [], ["Jan Nowak", "Anna Kowalska"]),
        (["Piet de Vries en Jan Jansen"], [], ["Piet de Vries", "Jan Jansen"]),
        # ...but only between full names: a desk or a foundation stays whole
        (["Staff and news service reports"], [], ["Staff and news service reports"]),
        (["Hanns-Seidel-Stiftung e V"], [], ["Hanns-Seidel-Stiftung e V"]),
        # a role the extractor split off is no second author
        (["Jane Doe", "Professor"], ["Jane Doe, professor at Yale"], ["Jane Doe"]),
    ],
)
def test_bylines_as_written_in_several_languages(
    authors: list[str], variants: list[str], expected: list[str]
) -> None:
    assert list(clean_authors(authors, variants, [], "example.com")) == expected


def test_an_organization_as_json_ld_author_yields_to_the_printed_byline() -> None:
    import json

    from workers.extract import extract_article

    story = " ".join(["The council met on Tuesday to approve the budget."] * 8)
    ld = {
        "@type": "NewsArticle",
        "headline": "Budget",
        "author": {"@type": "Organization", "name": "Example News"},
    }
    html = (
        f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script>'
        '</head><body><article><h1>Budget</h1><div class="byline">By Jane Doe</div>'
        f"<p>{story}</p></article></body></html>"
    )
    extracted = extract_article(html.encode(), "https://example.com/a")
    assert extracted is not None and extracted.authors == ("Jane Doe",)
