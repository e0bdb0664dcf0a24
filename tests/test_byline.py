"""The printed byline: the same answer as trafilatura's `extract_author`."""

from __future__ import annotations

from pathlib import Path

import pytest
from trafilatura.metadata import extract_author
from trafilatura.utils import load_html

from workers.byline import printed_author

FIXTURES = Path(__file__).parent / "fixtures"

# Each page puts a byline where trafilatura's pruning decides the answer.
PAGES = {
    # a sidebar's author box is pruned with the sidebar; the story's byline counts
    "pruned ancestor": """<div class="sidebar"><span class="author">Ann Sidebar</span>
        </div><article><p class="byline">By Jane Reporter</p><p>Text.</p></article>""",
    # the date inside the byline goes, its tail stays
    "time inside": """<div class="byline">By <time>May 5, 2024</time>Jane Reporter
        </div><p>Text.</p>""",
    # a figure's caption credit goes; a comment's author too
    "figure and comments": """<figure><span class="author">Photo Desk</span></figure>
        <div id="comments"><span class="author">A Reader</span></div>
        <span class="author-name">Omar Writer</span>""",
    # an author box too long to be a name, then the name further down
    "too long first": """<div class="author-bio">"""
    + "A long biography of the writer. " * 8
    + """</div><a rel="author" href="/p/1">Li Wei</a>""",
    # names an HTML parser keeps and lxml's API refuses (Vue, Facebook, Word)
    "odd names": """<div :class="x" @click="y"><fb:like class="author">Eve Odd
        </fb:like><o:p class="byline">Bo Odd</o:p></div>""",
    # a control character in an attribute: the chain cannot be copied
    "control character": """<div title="a\x01b"><span class="byline">Ida Control</span>
        </div>""",
    "no byline": "<article><p>Text only.</p></article>",
}


@pytest.mark.parametrize("case", sorted(PAGES))
def test_a_byline_reads_as_trafilatura_reads_it(case: str) -> None:
    tree = load_html(f"<html><body>{PAGES[case]}</body></html>")
    assert printed_author(tree) == extract_author(tree)


@pytest.mark.parametrize(
    "source", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
)
def test_every_fixture_page_reads_as_trafilatura_reads_it(source: str) -> None:
    tree = load_html((FIXTURES / source / "article.html").read_bytes())
    assert printed_author(tree) == extract_author(tree)


def test_the_cases_are_not_all_empty() -> None:
    """The cases above must exercise names, not only agree on None."""
    found = {
        case: printed_author(load_html(f"<html><body>{page}</body></html>"))
        for case, page in PAGES.items()
    }
    assert found["pruned ancestor"] == "Jane Reporter"
    assert found["time inside"] == "Jane Reporter"
    assert found["figure and comments"] == "Omar Writer"
    assert found["too long first"] == "Li Wei"
    assert found["no byline"] is None
