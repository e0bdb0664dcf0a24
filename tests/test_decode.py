"""Decoding: trust the bytes where they contradict the declaration.

Each case is a page as servers send them: the WHATWG encoding standard's order
(BOM, HTTP charset, <meta charset>) holds, except where the bytes cannot be what
the declaration says.
"""

from __future__ import annotations

import codecs

import ftfy.bad_codecs  # noqa: F401 (registers sloppy-windows-1252, as browsers decode)
import pytest

from workers.credits import parse_credits
from workers.datelines import parse_dateline
from workers.decode import decode_html, repair_mojibake

FRENCH = (
    "Le président a annoncé jeudi une réforme des retraites à Paris, après des "
    "négociations très difficiles avec les élus de la majorité. « Ce n’est qu’un "
    "début », a déclaré la ministre."
)
POLISH = (
    "Prezydent ogłosił w czwartek reformę emerytalną w Łodzi, po trudnych "
    "negocjacjach z posłami. Źródła mówią, że żaden z nich nie był zadowolony."
)
RUSSIAN = (
    "Президент объявил в четверг о пенсионной реформе в Москве после трудных "
    "переговоров с депутатами. «Это только начало», — заявил министр."
)
CHINESE = "国务院总理周四在北京宣布了养老金改革方案，此前与议员进行了艰难的谈判。"


def page(text: str, head: str = "") -> str:
    script = "<script>var config = {a: 1, b: [2, 3]};</script>" * 20
    return f"<html><head>{head}</head><body>{script}<p>{text}</p></body></html>"


def test_utf8_bytes_under_a_declared_single_byte_charset_are_read_as_utf8() -> None:
    body = page(FRENCH, '<meta charset="iso-8859-1">').encode("utf-8")
    text, encoding = decode_html(body, "iso-8859-1")
    assert FRENCH in text and codecs.lookup(encoding).name == "utf-8"


def test_utf8_bytes_under_a_declared_legacy_cjk_charset_are_read_as_utf8() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    body = page(CHINESE, head)
    text, _ = decode_html(body.encode("utf-8"), None)
    assert CHINESE in text


def test_undeclared_windows_1252_is_read_as_windows_1252() -> None:
    body = page(FRENCH).encode("cp1252")
    text, _ = decode_html(body, None)
    assert FRENCH in text


def test_undeclared_central_european_single_byte_text_keeps_its_codec() -> None:
    body = page(POLISH).encode("cp1250")
    text, _ = decode_html(body, None)
    assert POLISH in text


def test_cyrillic_single_byte_text_declared_utf8_is_read_as_cyrillic() -> None:
    body = page(RUSSIAN, '<meta charset="utf-8">').encode("cp1251")
    text, _ = decode_html(body, "utf-8")
    assert RUSSIAN in text


@pytest.mark.parametrize(
    ("codec", "declared"),
    [
        ("utf-16-le", None),
        ("utf-16-be", None),
        ("utf-16-le", "utf-16"),  # "UTF-16" without a BOM would be read big-endian
    ],
)
def test_utf16_without_a_byte_order_mark_is_read_in_its_byte_order(
    codec: str, declared: str | None
) -> None:
    body = page(FRENCH).encode(codec)
    text, _ = decode_html(body, declared)
    assert FRENCH in text


def test_mojibake_in_a_page_is_repaired_so_the_dateline_parses() -> None:
    # UTF-8 read as Windows-1252 upstream, before the page was served
    lead = "KYIV (Reuters) — Ukraine’s president said on Tuesday it was “strong”."
    garbled = lead.encode("utf-8").decode("sloppy-windows-1252")
    assert "â€" in garbled
    repaired = repair_mojibake(garbled)
    assert repaired == lead
    dateline = parse_dateline(repaired)
    assert dateline is not None and dateline.agency == "Reuters"


def test_only_the_garbled_lines_of_a_page_are_repaired() -> None:
    lead = "KYIV (Reuters) — Ukraine’s president said on Tuesday it was “strong”."
    garbled = lead.encode("utf-8").decode("sloppy-windows-1252")
    clean = ["<p>Â is a letter in Romanian.</p>", f"<p>{RUSSIAN}</p>", "<p>ok</p>"]
    page = "\n".join([clean[0], f"<p>{garbled}</p>", *clean[1:]])
    assert repair_mojibake(page).split("\n") == [clean[0], f"<p>{lead}</p>", *clean[1:]]


def test_repair_leaves_clean_text_alone() -> None:
    for clean in (FRENCH, POLISH, RUSSIAN, CHINESE, "Â is a letter in Romanian."):
        assert repair_mojibake(clean) == clean


def test_credits_read_through_repaired_mojibake() -> None:
    line = "(Reporting by Jörg Müller; Editing by Zoë Ford)"
    garbled = line.encode("utf-8").decode("sloppy-windows-1252")
    credits = parse_credits(repair_mojibake(garbled))
    assert credits is not None and credits.reporters[0]["name"] == "Jörg Müller"
