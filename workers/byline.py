"""The byline printed on a page, as trafilatura's `extract_author` finds it, at
less cost.

trafilatura copies the whole tree, prunes from the copy what cannot hold the
author (comment threads, sidebars, <time>, <figure>: AUTHOR_DISCARD_XPATHS),
then takes the first element its AUTHOR_XPATHS select whose text is 3-119
characters. The copy and the pruning scan of every element cost a page about
3 ms, half of the search. Both sets of XPaths test an element's own tag and
attributes only, so the same answer comes without them: each candidate, in
trafilatura's order, is kept when neither it nor an ancestor would be pruned
(tested on a copy of that chain alone), and its text is read from a pruned copy
of its own subtree. `tests/test_byline.py` holds the two equal on real pages.
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

from lxml import etree
from trafilatura import metadata as meta
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

MAX_CHARS = 120  # trafilatura's length limit for an author's text
# A name the XPaths can test: an HTML parser keeps "fb:like" or "@click",
# which lxml refuses to build and no XPath above names
XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")


def printed_author(tree: Any) -> str | None:
    """trafilatura's `extract_author(tree)`, without copying and pruning the tree."""
    try:
        for expression in AUTHOR_XPATHS:
            for node in expression(tree):
                if _pruned(node):
                    continue
                own = prune_unwanted_nodes(deepcopy(node), AUTHOR_DISCARD_XPATHS)
                text = trim(" ".join(own.itertext()))
                if text and 2 < len(text) < MAX_CHARS:
                    return normalize_authors(None, text)
    except ValueError:  # an attribute value lxml will not copy (a control character)
        return meta.extract_author(tree)
    return None


def _pruned(node: Any) -> bool:
    """Whether trafilatura's pruning removes this element: it or an ancestor
    matches AUTHOR_DISCARD_XPATHS, tested on a copy of the chain alone."""
    root = parent = etree.Element("chain")
    for element in reversed([node, *node.iterancestors()]):
        tag = element.tag if XML_NAME.match(element.tag) else "unknown"
        names = {k: v for k, v in element.attrib.items() if XML_NAME.match(k)}
        parent = etree.SubElement(parent, tag, names)
    return any(expression(root) for expression in AUTHOR_DISCARD_XPATHS)
