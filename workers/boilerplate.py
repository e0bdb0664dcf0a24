"""What templates leave inside the article element that is no part of the story.

Two passes. Before extraction, on the parsed tree, a drop cap's letter is joined
to the word it begins ("<span class=dropcap>D</span> er" read "D er"), and an
empty element that text follows goes, its text kept (WordPress's "more" anchor,
an icon): trafilatura's precision mode prunes such an element with its text.
After extraction, line by line: photo credits and metadata lines; calls to read
more, sign up, follow, share or comment; paywall and log-in prompts; a video's
duration or a live blog's time stamp alone on a line; soft hyphens. Each line
pattern is a convention of many sites and languages, and only short lines are
judged: a paragraph of the story is never dropped for its first words.

Embedded posts (tweets and the like) stay: every shared evaluation set counts
them as part of the story.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

MAX_LINE = 160  # characters: longer lines are prose, whatever their first words
CREDIT_LINE = re.compile(
    r"^(?:photos?|fotos?|images?|bild(?:er)?|cr[ée]dits?(?: photos?)?|credit|"
    r"titelbild|beitragsbild|abbildung(?: \d+)?|illustration|quelle|source)\s*[:©]|"
    r"^©|^\(?(?:photo|foto|image|bild)\s*:|"
    # "Photo by Jane Doe/Getty Images", "(EPA)", "(AP Photo/Jane Doe)"
    r"^\(?(?:photo(?:graph)?|picture|image|foto|bild)s?\s+(?:by|von|de|di)\s+\S|"
    r"^\((?:AP|AFP|EPA|Getty|Reuters|dpa|PA)(?:\s+Photo)?(?:/[^()]{1,60})?\)$",
    re.IGNORECASE,
)
META_LINE = re.compile(
    r"^(?:last modified|last updated|letzte änderung|zuletzt aktualisiert|kategorie|"
    r"category|categories|tags?|schlagw[öo]rter|stichw[öo]rter|mots-clés|themen?)\s*:",
    re.IGNORECASE,
)
PROMPT_LINE = re.compile(
    "|".join(
        (
            # links to other stories, by their label: alone, or before a colon
            r"(?:(?:read|see) (?:more|also)|also read|related(?: articles?| stories"
            r"| coverage| content| posts?)?|more on this(?: story)?|"
            r"lesen sie (?:auch|mehr)|auch lesen|mehr zum thema|weiterlesen|"
            r"das (?:thema )?könnte (?:dich|sie) auch interessieren|les (?:også|mer)|"
            r"läs (?:också|mer)|læs (?:også|mere)|lees (?:ook|meer)|(?:à )?lire aussi|"
            r"lee (?:también|más)|leia (?:também|mais)|leggi anche|"
            r"czytaj (?:też|także|więcej))\s*(?::|$)|trending on \w+$|"
            r"most (?:read|popular)$",
            # sign-up, follow, share and support calls
            r"sign up (?:for|to)\b|subscribe to (?:our|the)\b|follow (?:us|@?\w+ on)\b|"
            r"get (?:our|the) \w+ newsletter|join our\b|newsletter$|"
            r"folgen sie uns\b|abonnieren sie\b|"
            r"melden sie sich (?:hier )?(?:für|zum)\b|"
            r"suivez-nous\b|abonnez-vous\b|inscrivez-vous\b|síguenos\b|suscríbete\b|"
            r"unterstütze[n]? (?:uns|\w+)$|support (?:us|our journalism)\b|"
            r"share this(?: article| story)?\b|(?:[-•·]\s*)?(?:tweet|share|e-?mail|"
            r"print|link|digg|pin|reprints?)(?: this)?$",
            # comment prompts
            r"leave a (?:comment|reply)\b|(?:no|\d+|keine|aucun) (?:comments?|"
            r"kommentare?|commentaires?)$|kommentare(?: insgesamt)?:|"
            r"join the (?:discussion|conversation)\b|share your thoughts\b|"
            r"what do you think\?$",
            # paywall and log-in prompts
            r"already a subscriber\b|to continue reading\b|subscribe (?:now|today)\b|"
            r"you are not logged in\b|sie sind (?:aktuell |derzeit )?nicht "
            r"(?:eingeloggt|angemeldet)\b|jetzt (?:abonnieren|weiterlesen)\b|"
            r"(?:mit|als) (?:\w+\+|\w+ plus) weiterlesen",
            # a video's duration or a live blog's stamp alone
            r"(?:video\s*)?\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*min)?$",
        )
    ),
    re.IGNORECASE,
)
# Empty elements with text after them: WordPress's <span id="more-123"> where a
# teaser ends, an icon's <i></i>, an anchor's <span></span>. trafilatura's
# precision mode prunes empty elements without their tails, and the text goes.
PRUNED_EMPTY = {
    "span",
    "i",
    "b",
    "em",
    "strong",
    "q",
    "div",
    "section",
    "article",
    "main",
}
DROP_CAPS = etree.XPath(
    "//*[contains(@class, 'dropcap') or contains(@class, 'drop-cap') or "
    "contains(@class, 'initial') or contains(@class, 'first-letter') or "
    "contains(@class, 'firstLetter')]"
)
# class names of drop caps, as they occur in a page's source (a substring test:
# a regex over the whole page would cost more than the search it spares)
DROP_CAP_MARKS = (
    "dropcap",
    "drop-cap",
    "first-letter",
    "firstLetter",
    'class="initial',
)
INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")  # soft hyphen, ...


def clean_tree(tree: Any, html: str = "") -> None:
    """Join drop caps to the word they begin; drop empty elements that text
    follows, keeping the text (in place). `html`, the page's source, lets the
    drop-cap search run only where a drop cap's class name occurs."""
    for node in list(tree.iter(*PRUNED_EMPTY)):  # an empty one that text follows
        if not node.text and not len(node) and node.tail and node.tail.strip():
            node.drop_tree()  # its tail stays in place
    if html and not any(mark in html for mark in DROP_CAP_MARKS):
        return
    for node in DROP_CAPS(tree):
        letter = "".join(node.itertext()).strip()
        if len(letter) == 1 and letter.isalpha() and node.tail:
            node.tail = node.tail.lstrip()


def drop_boilerplate_lines(text: str) -> str:
    """The text without credit, metadata and prompt lines, and invisible marks."""
    kept = []
    for line in INVISIBLE.sub("", text).split("\n"):
        bare = line.strip()
        if CREDIT_LINE.search(bare) or META_LINE.search(bare):
            continue
        if len(bare) <= MAX_LINE and PROMPT_LINE.match(bare):
            continue
        kept.append(line)
    return "\n".join(kept)
