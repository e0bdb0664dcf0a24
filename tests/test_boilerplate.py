"""Body, kind 12 of the unseen-pages issue: lines templates leave inside the article
element. Each case names the convention it follows; the lines are written here in
the forms many sites use, none copied from an evaluation page."""

from __future__ import annotations

import pytest

from tests.harness import prepare_html
from workers.boilerplate import drop_boilerplate_lines

STORY = "The council voted on Tuesday to reopen the bridge after repairs."


@pytest.mark.parametrize(
    ("convention", "line"),
    [
        ("a link to another story, labelled", "Read more: Bridge closed after storm"),
        ("the label of a related-stories block", "Related Articles:"),
        ("a related link, labelled", "Related: Ten bridges that changed cities"),
        ("the same in capitals", "SEE MORE: Floods hit the coast again"),
        ("German 'read also'", "Lesen Sie auch: Die Brücke bleibt gesperrt"),
        ("German teaser label", "Das Thema könnte dich auch interessieren:"),
        ("Norwegian 'read also'", "Les også: Brua stengt etter uvær"),
        ("Swedish 'read also'", "Läs också: Bron stängd efter stormen"),
        ("French 'read also'", "À lire aussi : le pont rouvre"),
        ("Italian 'read also'", "Leggi anche"),
        ("Spanish 'read also'", "Lee también: El puente reabre"),
        ("a newsletter sign-up", "Sign up for our morning newsletter"),
        ("a follow call", "Follow us on Twitter & Instagram"),
        ("a follow call for a writer", "Follow Lena on Twitter: @lena"),
        ("German follow call", "Folgen Sie uns auf Facebook"),
        ("a support call", "Unterstütze RosaMag"),
        ("a share call", "Share this with your friends by clicking the button below."),
        ("share buttons as a list", "- Tweet this"),
        ("share buttons as a list", "- Reprints"),
        ("a comment prompt", "Leave a comment"),
        ("a comment count", "Keine Kommentare"),
        ("a comment count", "12 comments"),
        ("a paywall prompt", "Already a subscriber? Log in"),
        ("a paywall prompt", "Subscribe now to continue reading"),
        ("a log-in prompt", "Sie sind aktuell nicht eingeloggt."),
        ("a video's duration", "2:34"),
        ("a live blog's stamp", "4:14 p.m."),
        ("a wire photo credit", "Photo by Jane Doe/Getty Images"),
        ("an agency credit under a photo", "(EPA)"),
        ("an agency credit under a photo", "(AP Photo/Jane Doe)"),
        ("a photo credit with a colon", "Foto: dpa"),
        ("a metadata line", "Tags: bridges, council"),
    ],
)
def test_a_template_line_is_dropped(convention: str, line: str) -> None:
    text = f"{STORY}\n{line}\nThe bridge carries 40,000 cars a day."
    assert line not in drop_boilerplate_lines(text).split("\n"), convention


@pytest.mark.parametrize(
    "line",
    [
        # prose that opens with the same words is the story's
        "Read more than 300 pages of the report and you find the council knew of "
        "the cracks in the bridge's main span as early as 2019, officials said.",
        "Related companies were not named in the filing.",
        "Follow-up inspections are due in March.",
        "Share prices of the builder rose 4% on Tuesday.",
        "The vote was 12 to 3.",
        "Photographers lined the bridge at dawn.",
        "No comment was made by the ministry.",
    ],
)
def test_prose_is_kept(line: str) -> None:
    text = f"{STORY}\n{line}"
    assert line in drop_boilerplate_lines(text).split("\n")


def test_soft_hyphens_and_invisible_marks_go() -> None:
    text = "Die Bundes\u00adregierung\u200b beschließt"
    assert drop_boilerplate_lines(text) == "Die Bundesregierung beschließt"


def test_a_drop_cap_joins_the_word_it_begins() -> None:
    """Magazines set the first letter in its own element; a newline after it in
    the markup read as "D er Minister"."""
    paragraph = (
        "er Minister kündigte am Dienstag neue Regeln für den Bahnverkehr an. " * 4
    )
    article = prepare_html(
        '<html><body><article><h1>Neue Regeln</h1><p><span class="dropcap">D</span>'
        f"\n{paragraph}</p><p>{paragraph}</p></article></body></html>"
    )
    assert article.article.text.startswith("Der Minister kündigte")


@pytest.mark.parametrize(
    "empty",
    ['<span id="more-265087"></span>', '<i class="icon-clock"></i>', "<span></span>"],
)
def test_text_after_an_empty_element_is_kept(empty: str) -> None:
    """WordPress leaves an empty <span id="more-N"> where a post's teaser ends,
    templates an icon's <i>: trafilatura's precision mode pruned the element with
    the text after it."""
    # long enough for precision mode to decide (short stories go to balanced mode)
    lead = "The council voted on Tuesday to reopen the bridge after repairs. " * 20
    after = "The new policy also widens who may apply for the repair fund this year."
    closing = "Officials said the bridge would carry traffic again by summer. " * 20
    article = prepare_html(
        f"<html><body><article><h1>Bridge</h1><p>{lead}</p>"
        f"<p>{empty}{after} {after}</p><p>{closing}</p>"
        "</article></body></html>"
    )
    assert after in article.article.text
