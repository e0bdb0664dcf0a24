"""Extract: page bytes -> ExtractedArticle (body text and metadata), or None.

Decoding is `workers.decode`'s (the browser's order, the bytes trusted where
they contradict the declaration, mojibake repaired). The body comes from
trafilatura (comments off); titles, authors, dates and the canonical URL come
from what the publisher declares (`workers.declared`: JSON-LD, meta tags, <time>)
first and trafilatura's metadata second. A page whose body is too short to be an
article still yields what it declares, with `has_article` False: the caller
records it as `no_article`. Bytes that hold no HTML at all return None.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from htmldate import find_date
from lxml import etree
from lxml import html as lxml_html
from trafilatura import metadata as meta
from trafilatura.settings import Document
from trafilatura.utils import HTML_PARSER, load_html

from workers.boilerplate import clean_tree, drop_boilerplate_lines
from workers.budget import check_elements
from workers.byline import printed_author
from workers.declared import declared_metadata, present, split_authors
from workers.decode import decode_html, repair_mojibake
from workers.models import ExtractedArticle

logger = logging.getLogger(__name__)

MIN_ARTICLE_CHARS = 200  # shorter bodies are captions, teasers or players, not articles
# A full date in the URL path: /2017/7/12/, /2020-04-28-, /20200428/
URL_DATE = re.compile(
    r"/((?:19|20)\d{2})(?:([/-])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])|"
    r"(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]))(?=[/_.-]|$)"
)
PRECISE_ENOUGH = 2000  # characters: see _body_text
PRECISE_KEPT = 0.6  # share of the paragraphs' characters: see _body_text


def extract_article(
    body: bytes,
    url: str,
    declared_charset: str | None = None,
    fetched_at: datetime | None = None,
    max_elements: int | None = None,
) -> ExtractedArticle | None:
    """Extract the article of one page; None when the page holds no article.
    Raises OverBudget for a page of more than `max_elements` elements."""
    text, encoding = decode_html(body, declared_charset)
    text = repair_mojibake(text)
    tree = _parse(text)
    if tree is None:
        return None
    check_elements(body, tree, max_elements)
    declared = declared_metadata(tree)
    clean_tree(tree, text)  # after the metadata
    doc = trafilatura_metadata(
        tree, url, date_params(fetched_at), not declared["authors"]
    )
    main_text = _body_text(tree, url)
    titles = [*declared["titles"], *present(getattr(doc, "title", None))]
    sites = [*declared["site_names"], *present(getattr(doc, "sitename", None))]
    # an outlet named as the JSON-LD author yields to a person's printed byline
    authors = (
        declared["authors"]
        or split_authors(getattr(doc, "author", None))
        or declared["author_organizations"]
    )
    header = [
        *titles,
        *declared["headings"],
        *declared["heading_lines"],
        *authors,
        *(raw for where, raw in declared["dates"] if where == "visible"),
    ]
    body_text = _drop_header_lines(drop_boilerplate_lines(main_text), header)
    # whether the page holds an article is the extractor's call, not the line
    # filter's: a short story keeps its closing "Share this" out, but stays a story
    story_chars = len(_drop_header_lines(main_text, header)) if body_text else 0
    dates = list(declared["dates"])
    if found := URL_DATE.search(urlsplit(url).path):
        year, _, month, day, month8, day8 = found.groups()
        month, day = month or month8, day or day8
        dates.append(("url", f"{year}-{int(month):02d}-{int(day):02d}"))
    if getattr(doc, "date", None):
        dates.append(("htmldate", doc.date))
    return ExtractedArticle(
        url=url,
        title_candidates=tuple(dict.fromkeys(titles)),
        headings=tuple(declared["headings"]),
        authors=tuple(authors),
        author_variants=tuple(declared["author_variants"]),
        text=body_text,
        language=declared["language"] or getattr(doc, "language", None),
        site_names=tuple(dict.fromkeys(sites)),
        description=declared["description"] or getattr(doc, "description", None),
        canonical_hint=declared["canonical"],
        date_candidates=tuple(dates),
        encoding=encoding,
        has_article=story_chars >= MIN_ARTICLE_CHARS,
    )


def _body_text(tree: Any, url: str) -> str:
    """The body as trafilatura finds it: in precision mode, which trims trailing
    boilerplate from long stories but can cut a short one; below PRECISE_ENOUGH
    characters, in its balanced mode. A page whose paragraphs hold fewer
    characters than that is nearly always a short story: the balanced run goes
    first, and the precise one only if the balanced text turns out long after
    all (1 of the 1,296 shared pages reads otherwise: precise 2,020 characters,
    balanced 1,742, which this keeps). A precise text shorter than PRECISE_ENOUGH
    still stands when it holds PRECISE_KEPT of the paragraphs' characters: the
    cut precision mode makes takes most of a story (260 of 3,217, 276 of 4,332
    on the shared pages), while a story it left whole only lacks the chrome the
    balanced run would add (13 of those pages change, each by less than 10%;
    49 fewer runs, make eval the same on both halves)."""
    balanced = None
    paragraphs = _paragraph_chars(tree)
    if paragraphs < PRECISE_ENOUGH:
        balanced = _text_of(_trafilatura(tree, url))
        if 0 < len(balanced) < PRECISE_ENOUGH:
            return balanced
    precise = _text_of(_trafilatura(tree, url, favor_precision=True))
    if len(precise) >= PRECISE_ENOUGH:
        return precise
    if balanced is None:
        if len(precise) >= PRECISE_KEPT * paragraphs:
            return precise  # the story was not cut: the balanced run adds only chrome
        balanced = _text_of(_trafilatura(tree, url))
    return balanced or precise


def _paragraph_chars(tree: Any) -> int:
    return sum(len(" ".join(p.text_content().split())) for p in tree.iter("p"))


def _trafilatura(tree: Any, url: str, **mode: Any) -> Any:
    """trafilatura as Dateline runs it: comments off, tables in, no dedup cache."""
    return trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        **mode,
    )


def trafilatura_metadata(
    tree: Any, url: str, dates: dict[str, Any], need_author: bool
) -> Document:
    """trafilatura's metadata, the fields Dateline reads: what its
    `extract_metadata` finds for them, in its order, less the categories, tags
    and licence (never read) and the byline search when the page declares its
    authors (which then win). Categories, tags and licence alone were 5% of
    the extraction's CPU on the shared pages."""
    found = meta.examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None
    try:
        found = meta.extract_meta_json(tree, found)
    except Exception as exc:  # trafilatura's JSON-LD reader, as it guards it
        logger.debug("trafilatura's JSON-LD reader failed: %s", exc)
    found.title = found.title or meta.extract_title(tree)
    if need_author and not found.author:
        found.author = printed_author(tree)
    found.url = found.url or meta.extract_url(tree, url)
    found.date = find_date(tree, **dates, url=found.url)
    found.sitename = found.sitename or meta.extract_sitename(tree)
    if found.sitename:
        found.sitename = found.sitename.lstrip("@")
        name = found.sitename
        if name and "." not in name and not name[0].isupper():
            found.sitename = name.title()
    elif found.url and (host := meta.META_URL.match(found.url)):
        found.sitename = host[1]
    found.clean_and_trim()
    return found


def warm() -> None:
    """Compile what htmldate's date parser compiles on first use, before workers
    fork: a date string no rule of its own reads goes to dateparser with every
    locale, and each of the 205 locales compiles its patterns the first time
    (3-4 s of the `regex` compiler in all). Loaded once in the parent, every worker
    shares it instead of paying it again on its first foreign date."""
    from htmldate.extractors import get_external_parser

    # letters no locale knows: every locale is asked, none matches
    get_external_parser().get_date_data("xqzv 5 wzq 2020")


def _text_of(doc: Any) -> str:
    return (getattr(doc, "text", None) or "") if doc else ""


def date_params(fetched_at: datetime | None) -> dict[str, Any]:
    """htmldate, as trafilatura runs it: the original date, not the last update, no
    later than the fetch, with the time of day when the page gives one."""
    latest = (fetched_at or datetime.now(UTC)) + timedelta(days=1)
    return {
        "original_date": True,
        "extensive_search": True,
        "max_date": latest.strftime("%Y-%m-%d"),
        "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    }


def _drop_header_lines(text: str, header: list[str | None]) -> str:
    """Drop leading lines that repeat the headline, a byline or the visible date.

    Templates often put them inside the article element; they are not body, and
    left in place they hide the dateline that opens the story.
    """
    known = {_fold(h) for h in header if h}
    known |= {"by " + k for k in known}
    lines = text.strip().split("\n")
    while lines and _fold(lines[0]) in known:
        lines.pop(0)
    return "\n".join(lines).strip()


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


def _parse(text: str) -> Any:
    """Parse once, the way trafilatura would (its parser drops comments and repairs
    common breakage; a tree parsed otherwise measurably loses body text)."""
    if not text.strip():
        return None
    return load_html(text)


def html_classes() -> etree.ElementNamespaceClassLookup:
    """lxml.html's element classes (HtmlElement; a form, an input, a select, a
    textarea and a label their own), looked up in C. lxml.html's lookup is a
    Python method, called whenever Python touches an element it has not held
    since: 6,000 times a page as trafilatura, readability and htmldate walk the
    tree, 4-5% of a page's CPU on the shared pages."""
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement,
            comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction,
            entity=lxml_html.HtmlEntity,
        )
    )
    lookup.get_namespace(None).update(
        {
            "form": lxml_html.FormElement,
            "input": lxml_html.InputElement,
            "select": lxml_html.SelectElement,
            "textarea": lxml_html.TextareaElement,
            "label": lxml_html.LabelElement,
        }
    )
    return lookup


# trafilatura's parser (the one load_html uses) with the same classes, found
# faster; every copy of a tree it parsed keeps the parser, and so the lookup
HTML_PARSER.set_element_class_lookup(html_classes())
