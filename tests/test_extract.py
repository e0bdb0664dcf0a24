"""Extract: two templates of one wire story give one text; bad pages are handled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html
from trafilatura.metadata import extract_metadata
from trafilatura.utils import HTML_PARSER, load_html

from dateline.demo.site import Site, courier_url
from dateline.demo.stories import SEED_TITLE, seed_story, windows_1252_story
from workers import extract as extract_module
from workers.decode import UndecodablePage, decode_html
from workers.extract import (
    PRECISE_ENOUGH,
    PRECISE_KEPT,
    date_params,
    extract_article,
    trafilatura_metadata,
)

FIXTURES = Path(__file__).parent / "fixtures"


def seed_pages(site: Site) -> tuple[bytes, bytes]:
    courier = site.pages[courier_url(seed_story())][1]
    ledger = next(
        body
        for path, (_, body) in site.pages.items()
        if path.startswith("/ledger/story/" + seed_story().slug)
    )
    return courier, ledger


def test_both_templates_of_the_seed_give_the_same_text(demo_site: Site) -> None:
    courier, ledger = (
        extract_article(body, "http://x/") for body in seed_pages(demo_site)
    )
    assert courier is not None and ledger is not None
    assert courier.text == ledger.text
    assert courier.title_candidates[0] == ledger.title_candidates[0] == SEED_TITLE
    assert SEED_TITLE in courier.headings


def test_the_seed_text_keeps_dateline_and_credits_and_drops_boilerplate(
    demo_site: Site,
) -> None:
    article = extract_article(seed_pages(demo_site)[0], "http://x/")
    assert article is not None
    assert article.text.startswith("KYIV (Reuters) - Ukraine is working")
    assert article.text.endswith("editing by Tom Balmforth and Christina Fincher)")
    for boilerplate in (
        "Next In World",
        "WhatsApp",
        "Others Also Read",
        "Taiwan rattled",
        "REUTERS/Valentyn Ogirenko",
        "Tuesday, 19 Mar 2024",
    ):
        assert boilerplate not in article.text


def test_declared_dates_come_first(demo_site: Site) -> None:
    article = extract_article(seed_pages(demo_site)[0], "http://x/")
    assert article is not None
    assert article.date_candidates[0] == (
        "meta:article:published_time",
        "2024-03-19T17:42:00+08:00",
    )


@pytest.mark.parametrize(
    ("path", "day"),
    [
        ("/home/2017/7/12/unter-uns", "2017-07-12"),
        ("/20200428/meet-the-swede", "2020-04-28"),
        ("/politics/story/2020/07/08/c3d22ec8_story.html", "2020-07-08"),
        ("/news/2020-04-28-lockdown", "2020-04-28"),
        ("/news/2011/12/no-day/", None),  # a month is not a day
        ("/2019/43/issue", None),
        ("/img/1920x1080/", None),
        ("/2020/13/01/", None),
    ],
)
def test_a_date_in_the_url_path_is_a_candidate(
    demo_site: Site, path: str, day: str | None
) -> None:
    article = extract_article(seed_pages(demo_site)[0], "https://example.com" + path)
    assert article is not None
    found = [raw for source, raw in article.date_candidates if source == "url"]
    assert found == ([day] if day else [])


def test_json_ld_headline_author_and_date(demo_site: Site) -> None:
    article = extract_article(seed_pages(demo_site)[1], "http://x/")
    assert article is not None
    assert article.date_candidates[0][0] == "json-ld"
    assert article.authors == ("Ledger wire desk",)


def test_a_page_without_an_article_says_so_and_keeps_its_title(
    demo_site: Site,
) -> None:
    body = demo_site.pages[demo_site.no_article_path][1]
    article = extract_article(body, "http://x/")
    assert article is not None and not article.has_article
    assert "LIVE: Parliament session" in article.headings


def test_malformed_html_still_yields_its_article(demo_site: Site) -> None:
    article = extract_article(demo_site.pages[demo_site.malformed_path][1], "http://x/")
    assert article is not None
    assert article.text.startswith("CAIRO: ")
    assert len(article.text.split()) > 60


def test_windows_1252_page_with_its_charset_declared(demo_site: Site) -> None:
    ctype, body = demo_site.pages[courier_url(windows_1252_story())]
    article = extract_article(body, "http://x/", "windows-1252")
    assert article is not None
    assert "café owner from São Paulo" in article.text
    assert (
        "“We wanted something that felt like home,” said owner João Araújo"
        in article.text
    )


def test_windows_1252_bytes_declared_as_utf8_are_detected_not_mangled() -> None:
    text = (
        "<html><body><article>" + "<p>Le café de São Paulo a ouvert à Zürich, où "
        "les clients attendent des crèmes brûlées depuis l’été dernier.</p>"
        * 8
        + "</article></body></html>"
    )
    body = text.encode("cp1252")
    decoded, encoding = decode_html(body, "utf-8")
    assert "São Paulo" in decoded and "\ufffd" not in decoded
    assert encoding in ("cp1252", "windows-1252", "latin-1", "iso8859-1", "cp1250")


def test_empty_and_binary_bodies() -> None:
    assert extract_article(b"", "http://x/") is None
    assert extract_article(b"   \n ", "http://x/") is None
    with pytest.raises(UndecodablePage):
        extract_article(b"\x00\x01\x02PNG\x00" * 200, "http://x/")


def test_a_huge_page_is_extracted_not_crashed() -> None:
    paragraph = "<p>" + "A sentence about the budget vote in parliament. " * 40 + "</p>"
    body = (
        "<html><body><article>"
        + paragraph * 800
        + "</article>"
        + "<div>" * 5000
        + "</div>" * 5000
        + "</body></html>"
    ).encode()
    assert len(body) > 1_500_000
    article = extract_article(body, "http://x/")
    assert article is not None and "budget vote" in article.text


# An app shell, after pixable.com's pages in the trafilatura set: the story is
# drawn by script, so the body holds no text for trafilatura to return a document
# with, yet the head names the author and the date.
TEASER = b"""<html><head><title>Vergara and Manganiello are engaged</title>
<meta property="og:site_name" content="Pixable">
<meta property="article:author" content="Sophy Ziss">
<meta property="article:published_time" content="2014-12-29T16:51:17+00:00">
<meta name="author" content="Sophy Ziss"></head>
<body ng-controller="AppCtrl"><noscript><p>JavaScript is disabled on your browser.</p>
</noscript><div id="headerNavBar"><div id="headerNavContent"></div></div>
<div id="content-filler"></div><ul id="sidebar"><li><h4></h4><p></p></li></ul>
</body></html>"""


def test_a_page_too_short_for_trafilatura_keeps_the_metadata_it_finds() -> None:
    article = extract_article(TEASER, "http://www.pixable.com/article/engaged-54364")
    assert article is not None and not article.has_article
    assert article.authors == ("Sophy Ziss",)
    assert ("htmldate", "2014-12-29T16:51:17+0000") in article.date_candidates


@pytest.mark.parametrize(
    "source", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
)
def test_trafilatura_metadata_is_read_as_trafilatura_reads_it(source: str) -> None:
    """The fields Dateline reads from trafilatura's metadata are those its own
    `extract_metadata` gives, on every fixture page and the teaser."""
    for page in (FIXTURES / source / "article.html").read_bytes(), TEASER:
        tree = load_html(page)
        params = date_params(None)
        ours = trafilatura_metadata(
            tree, "http://x.example/a/1", params, need_author=True
        )
        theirs = extract_metadata(tree, "http://x.example/a/1", dict(params))
        for field in ("title", "author", "sitename", "date", "url", "description"):
            assert getattr(ours, field) == getattr(theirs, field), field


FORM_PAGE = (
    "<html><body><form><label>Name</label><input name=q><select><option>a"
    "</option></select><textarea>t</textarea></form><p>Text.</p></body></html>"
)


def _classes(tree: Any) -> dict[str, type]:
    return {node.tag: type(node) for node in tree.iter()}


@pytest.mark.parametrize(
    "source", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
)
def test_the_parse_gives_every_element_lxml_htmls_class(source: str) -> None:
    """The faster class lookup changes no class: a form, an input... keep theirs."""
    text = (FIXTURES / source / "article.html").read_text(encoding="utf-8")
    for page in text, FORM_PAGE:
        theirs = lxml_html.fromstring(page, parser=lxml_html.HTMLParser())
        ours = _classes(extract_module._parse(page))
        assert ours == {t: c for t, c in _classes(theirs).items() if t in ours}
    assert _classes(extract_module._parse(FORM_PAGE))["form"] is lxml_html.FormElement


def test_the_tree_looks_no_element_class_up_in_python(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """lxml.html's own lookup, a Python method, runs for every element Python
    touches: extracting a real (trimmed) page calls it 177 times with it on
    trafilatura's parser, 3 times (trafilatura's own small parses) without."""
    calls = []
    real = lxml_html.HtmlElementClassLookup.lookup

    def counted(self: Any, *args: Any) -> Any:
        calls.append(args)
        return real(self, *args)

    monkeypatch.setattr(lxml_html.HtmlElementClassLookup, "lookup", counted)
    page = (FIXTURES / "reuters" / "article.html").read_bytes()
    counts = []
    for lookup in lxml_html.HtmlElementClassLookup(), extract_module.html_classes():
        HTML_PARSER.set_element_class_lookup(lookup)
        calls.clear()
        assert extract_article(page, "http://x/") is not None
        counts.append(len(calls))
    theirs, ours = counts
    assert theirs > 100 and ours * 10 < theirs


def _runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The modes of trafilatura's runs extract_article makes, in order."""
    runs: list[str] = []
    real = extract_module._trafilatura

    def counted(tree: Any, url: str, **mode: Any) -> Any:
        runs.append("precision" if mode.get("favor_precision") else "balanced")
        return real(tree, url, **mode)

    monkeypatch.setattr(extract_module, "_trafilatura", counted)
    return runs


def test_a_long_story_takes_one_precise_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long story (the seed's paragraphs three times over, as a live page
    repeats its updates) is told long by its paragraphs: one run, precise."""
    body = "".join(f"<p>{p}</p>" for p in seed_story().paragraphs * 3)
    page = (
        "<html><body><nav><a href='/'>Home</a><a href='/world'>World</a></nav>"
        f"<article><h1>{SEED_TITLE}</h1>{body}</article></body></html>"
    ).encode()
    runs = _runs(monkeypatch)
    article = extract_article(page, "http://x/live")
    assert article is not None and len(article.text) >= PRECISE_ENOUGH
    assert runs == ["precision"]


def test_a_short_story_precision_leaves_whole_takes_one_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Paragraphs enough for a long story, but some are the footer's: the
    precise text is short, yet it holds most of the paragraphs' characters, so
    precision cut no story and the balanced run is not made."""
    story = seed_story().paragraphs
    body = "".join(f"<p>{p}</p>" for p in [*story, *story[:3]])
    footer = "".join(
        f"<p>{line}</p>"
        for line in [
            "About us: The Courier is an independent newspaper founded in 1901.",
            "Contact the newsroom, advertise with us, or read our privacy policy.",
            "Sign up for our morning briefing, delivered to your inbox daily.",
            "Copyright 2024 The Courier. All rights reserved. Terms of use apply.",
        ]
        * 2
    )
    page = (
        f"<html><body><article><h1>{SEED_TITLE}</h1>{body}</article>"
        f"<footer>{footer}</footer></body></html>"
    ).encode()
    tree = load_html(page)
    paragraphs = extract_module._paragraph_chars(tree)
    runs = _runs(monkeypatch)
    article = extract_article(page, "http://x/story")
    assert article is not None and paragraphs >= PRECISE_ENOUGH
    assert PRECISE_KEPT * paragraphs <= len(article.text) < PRECISE_ENOUGH
    assert "Copyright" not in article.text
    assert runs == ["precision"]


def test_a_short_story_takes_one_balanced_run(
    demo_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seed as the Courier ran it (1,189 characters): its paragraphs tell it
    short before any extraction, so balanced mode alone decides."""
    runs = _runs(monkeypatch)
    article = extract_article(seed_pages(demo_site)[0], "http://x/")
    assert article is not None and article.has_article
    assert runs == ["balanced"]
    assert article.text.startswith("KYIV (Reuters) -")
    assert len(article.text) < PRECISE_ENOUGH


def test_after_the_warm_up_no_locale_builds_its_patterns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """htmldate hands a date its own rules cannot read to dateparser with every
    locale, and each locale builds (compiles) its word-splitting patterns on
    first use: 4 s in all. Once `warm` has run (in the workers' parent, before
    they fork), asking every locale again builds none. The string mixes
    German and Vietnamese ("Tháng 3": month 3), so every locale is asked."""
    from dateparser.languages.dictionary import Dictionary
    from htmldate.extractors import get_external_parser

    extract_module.warm()
    built: list[str] = []
    for name in (
        "_construct_split_regex",
        "_construct_split_relative_regex",
        "_construct_match_relative_regex",
    ):
        build = getattr(Dictionary, name)
        monkeypatch.setattr(
            Dictionary,
            name,
            lambda self, build=build, name=name: built.append(name) or build(self),
        )
    found = get_external_parser().get_date_data("Veröffentlicht 12 Tháng 3, 2021")
    assert found["date_obj"] is None  # no locale reads both languages
    assert built == []
