"""Language codes as pages declare them (BCP 47 tags, ISO 639 legacy codes): none
may fail a record."""

from __future__ import annotations

import pytest

from tests.harness import prepare_html
from workers.languages import parser_language, parser_languages


@pytest.mark.parametrize(
    ("declared", "known"),
    [
        ("en", "en"),
        ("EN-us", "en"),  # case and region, as templates write them
        ("pt-BR", "pt"),
        ("de_DE", "de"),  # the POSIX form og:locale uses
        ("sr-Latn-RS", "sr-Latn"),  # a script subtag the parser knows is kept
        ("zh-Hant-TW", "zh-Hant"),
        ("zh-TW", "zh-Hant"),  # Taiwan and Hong Kong write traditional characters
        ("zh-CN", "zh-Hans"),
        ("iw", "he"),  # ISO 639 codes withdrawn in 1989, still served
        ("in", "id"),
        ("no", "nb"),  # the Norwegian macrolanguage: Bokmål, as most sites write
        ("fil", "fil"),
        ("xx", None),
        ("x-klingon", None),
        ("", None),
        ("1234", None),
    ],
)
def test_a_declared_tag_maps_to_what_the_parser_knows(
    declared: str, known: str | None
) -> None:
    assert parser_language(declared) == known


def test_unknown_codes_are_dropped_and_the_rest_kept_in_order() -> None:
    assert parser_languages(("xx", "iw", "en", "he")) == ("he", "en")


@pytest.mark.parametrize("declared", ["iw", "no", "xx", "zh-TW", "tlh"])
def test_no_declared_language_fails_a_record(declared: str) -> None:
    story = " ".join(["The council met on Tuesday to approve the budget."] * 8)
    html = (
        f'<html lang="{declared}"><body><article><h1>Budget approved</h1>'
        '<p class="date">19 March 2024</p>'
        f"<p>{story}</p></article></body></html>"
    )
    prepared = prepare_html(html, "https://example.com/news/budget")
    assert prepared.article.published_local == "2024-03-19"


GERMAN = (
    "Die Digitalisierung als Wachstums- und Entwicklungsmotor für Unternehmen ist in "
    "aller Munde. Doch viele Betriebe wissen nicht, wo sie anfangen sollen, und die "
    "Kammern bieten deshalb Beratungen an, die in diesem Jahr stark nachgefragt "
    "wurden. Der Verband rechnet mit weiteren Anfragen im Herbst."
)
SWAHILI = (
    "Rais amesema serikali itaendelea kuboresha huduma za afya nchini, hasa katika "
    "maeneo ya vijijini ambako wananchi wengi hukosa hospitali. Waziri wa Afya "
    "ameongeza kuwa vituo vipya vya afya vitajengwa mwaka huu katika mikoa yote."
)
CHINESE = (
    "国务院总理周四在北京宣布了养老金改革方案，此前与各方进行了艰难的谈判。"
    "他表示，改革将分阶段实施，首先在部分省份试点，然后推广到全国。"
) * 5
ENGLISH = (
    "The council met on Tuesday to approve the city budget after weeks of debate. "
    "Members said the spending plan would fund new schools and repair roads, and "
    "the mayor promised to publish the figures before the next meeting in May."
)


def language_of(lang_attribute: str, text: str) -> str | None:
    lang = f' lang="{lang_attribute}"' if lang_attribute else ""
    html = (
        f"<html{lang}><body><article><h1>News</h1><p>{text}</p></article></body></html>"
    )
    prepared = prepare_html(html)
    return prepared.article.language


@pytest.mark.parametrize(
    ("lang_attribute", "text", "language"),
    [
        ("en", GERMAN, "de"),  # a template's lang="en" on a German page
        ("en", SWAHILI, "sw"),  # ...and on an African-language page
        ("", CHINESE, "zh"),  # no declaration at all: not the source's default
        ("en", ENGLISH, "en"),  # a right declaration stands
        ("en-GB", ENGLISH, "en"),
    ],
)
def test_the_text_decides_when_the_declaration_is_missing_or_wrong(
    lang_attribute: str, text: str, language: str
) -> None:
    assert language_of(lang_attribute, text) == language
