"""The page's headline elements, read as a reader sees them.

An <h1> often holds more than the headline: a kicker or roofline above it
("<span class=kicker>Bundesliga</span> Niederlage im Derby"), a date, or a label
only screen readers announce ("<span class=visually-hidden>Headline:</span>").
Those parts are dropped, and the parts that remain are joined with a space, so a
kicker is never glued to the headline. An <h1> that is the site's logo, or sits
in a related-stories block, a navigation bar or a footer, is no headline at all.
"""

from __future__ import annotations

import re
from typing import Any

MAX_HEADINGS = 5
# Class names that hide an element from sight but not from screen readers.
HIDDEN = re.compile(
    r"^(?:hidden|is-hidden|u-hidden|hide|invisible)$|"
    r"(?:^|[-_])(?:sr-only|visually-?hidden|screen-?reader[\w-]*|a11y[\w-]*|"
    r"offscreen|assistive[\w-]*)$",
    re.IGNORECASE,
)
# Class names of the short line set above or before a headline inside its element.
KICKER = re.compile(
    r"kicker|roofline|dachzeile|spitzmarke|overline|over-?title|super-?title|"
    r"top-?line|eyebrow|pre-?title|pre-?headline|sub-?heading|flag|rubric",
    re.IGNORECASE,
)
# Containers whose headings belong to other stories or to the site's chrome.
ELSEWHERE = re.compile(
    r"related|teaser|recommend|popular|trending|more-stories|most-read|"
    r"logo|branding|masthead|site-?title|site-?name",
    re.IGNORECASE,
)
NOT_IN = {"aside", "nav", "footer"}
# Inline formatting inside a word ("<em>Wo</em>rd") joins without a space.
INLINE = {"b", "i", "em", "strong", "u", "sup", "sub", "mark", "abbr"}


def _classes(node: Any) -> list[str]:
    return (node.get("class") or "").split()


def _hidden(node: Any) -> bool:
    style = (node.get("style") or "").replace(" ", "").lower()
    return bool(
        node.get("hidden") is not None
        or node.get("aria-hidden") == "true"
        or "display:none" in style
        or any(HIDDEN.search(c) for c in _classes(node))
    )


def _kicker(node: Any) -> bool:
    return node.tag == "time" or any(KICKER.search(c) for c in _classes(node))


def _elsewhere(node: Any) -> bool:
    for up in [node, *node.iterancestors()]:
        if up.tag in ("body", "html"):  # their classes describe the whole page
            break
        if up.tag in NOT_IN or any(ELSEWHERE.search(c) for c in _classes(up)):
            return True
    return False


def _text(node: Any, skip: Any) -> list[str]:
    """The visible text of a node, parts of child elements kept apart."""
    parts: list[str] = [node.text or ""]
    for child in node:
        if isinstance(child.tag, str) and not skip(child):
            inner = " ".join(_text(child, skip))
            parts.append(inner if child.tag in INLINE else f" {inner} ")
        parts.append(child.tail or "")
    return parts


def _clean(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


def heading_text(node: Any) -> str | None:
    """An <h1>'s headline: no hidden labels, no kicker, parts apart."""
    shown = _clean(_text(node, _hidden))
    bare = _clean(_text(node, lambda n: _hidden(n) or _kicker(n)))
    bare = bare.lstrip(":|-–—•·/ ")  # the kicker's separator goes with it
    # a "kicker" that holds the whole heading was the headline after all
    return (bare if len(bare) >= 4 else shown) or None


def headings(tree: Any, h1s: list[Any] | None = None) -> list[str]:
    """The texts of the page's <h1> elements (`h1s`, when the caller has them)
    that may be its headline."""
    found = []
    for node in (tree.xpath("//h1") if h1s is None else h1s)[: MAX_HEADINGS * 2]:
        if _hidden(node) or _elsewhere(node):
            continue
        if text := heading_text(node):
            found.append(text)
    return found[:MAX_HEADINGS]
