"""Decode: page bytes -> text, as a browser would, trusting the bytes where they
contradict the declaration.

The WHATWG order holds (BOM, HTTP charset, <meta charset>, then detection by
charset-normalizer on the page's text without its markup), with these checks:

- bytes that are valid UTF-8, with non-ASCII sequences, under a declared legacy
  charset are UTF-8 (a single-byte codec accepts any byte, so nothing else fails);
- a declaration that turns bytes into U+FFFD is wrong: detection decides;
- UTF-16 without a byte order mark is read in the order its NUL bytes show;
- undeclared single-byte Latin text is Windows-1252, the web's default, unless
  the detected codec reads more of its non-ASCII bytes as letters;
- text already garbled upstream (UTF-8 read as Windows-1252: `â€”`) is repaired
  by ftfy, but only where such sequences occur.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer
from w3lib.encoding import html_to_unicode, resolve_encoding

UNICODE = ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le")
# Single-byte codecs of Latin-script languages: detection confuses them easily.
LATIN_SINGLE_BYTE = {
    "cp1250", "cp1254", "cp1257", "iso8859-1", "iso8859-2", "iso8859-3",
    "iso8859-4", "iso8859-9", "iso8859-10", "iso8859-13", "iso8859-14",
    "iso8859-15", "iso8859-16", "mac-roman", "mac-latin2", "cp850", "cp437",
}  # fmt: skip
MARKUP = re.compile(rb"(?is)<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>|&\w+;")
# UTF-8 sequences as Windows-1252 shows them: a lead byte (Â Ã Ð Ñ â) followed by
# what a continuation byte becomes.
CONTINUATION = "\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
MOJIBAKE = re.compile(f"[ÂÃÐÑ][{CONTINUATION}]|â€[{CONTINUATION}]")
MOJIBAKE_LEADS = "ÂÃÐÑâ"  # the regex costs 1-2 ms a page; `in` tells most pages off


class UndecodablePage(ValueError):
    """The bytes are not text in any encoding we can find."""


def decode_html(body: bytes, declared_charset: str | None) -> tuple[str, str]:
    """Decode page bytes; return (text, encoding used)."""
    order = _utf16_order(body)
    if order:
        return body.decode(order, errors="replace"), order
    header = f"text/html; charset={declared_charset}" if declared_charset else None
    encoding, text = html_to_unicode(header, body, auto_detect_fun=_detect)
    if _name(encoding) not in UNICODE and _is_utf8(body):
        return body.decode("utf-8"), "utf-8"
    if "\ufffd" in text and "\ufffd".encode() not in body:
        detected = _detect(body)
        if detected and detected != encoding:
            try:
                return body.decode(detected), detected
            except (UnicodeDecodeError, LookupError):
                pass
    if "\x00" in text[:2048]:
        raise UndecodablePage("binary content (NUL bytes), not an HTML page")
    return text, encoding


def repair_mojibake(text: str) -> str:
    """Text garbled upstream (UTF-8 read as Windows-1252) put right; clean text
    is returned as it is. ftfy runs only on the lines where garbled sequences
    occur: on a whole page it cost up to 280 ms, and gave the same text on every
    shared page that has them."""
    if not any(lead in text for lead in MOJIBAKE_LEADS) or not MOJIBAKE.search(text):
        return text
    import ftfy

    return "\n".join(
        ftfy.fix_encoding(line) if MOJIBAKE.search(line) else line
        for line in text.split("\n")
    )


def _name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def _is_utf8(body: bytes) -> bool:
    """Valid UTF-8 with at least one non-ASCII sequence."""
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf16_order(body: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for UTF-16 without a byte order mark: ASCII
    markup leaves a NUL byte beside every character."""
    if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None  # a BOM: the standard order reads it
    sample = body[:2048]  # the head: markup, so mostly ASCII
    pairs = len(sample) // 2
    if pairs < 16:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.6 * pairs and even < 0.05 * pairs:
        return "utf-16-le"
    if even > 0.6 * pairs and odd < 0.05 * pairs:
        return "utf-16-be"
    return None  # binary data has NULs too, but not beside most bytes


def _detect(body: bytes) -> str | None:
    """The encoding of the page's text: its markup, scripts and styles left out,
    so that a few words of text are not outweighed by ASCII markup."""
    sample = MARKUP.sub(b" ", body[:400_000])
    if sample.isascii():
        sample = body[:200_000]
    matches = charset_normalizer.from_bytes(sample)
    best = matches.best()
    if best is None:
        return None
    found = resolve_encoding(best.encoding) or best.encoding
    if _name(found) not in LATIN_SINGLE_BYTE:
        return found
    # Latin codecs read most bytes alike and detection often ties between them:
    # the one that reads the most letters wins, Windows-1252 on a tie.
    rivals = [
        resolve_encoding(m.encoding) or m.encoding
        for m in matches
        if m.chaos <= best.chaos + 0.05
    ]
    latin = [e for e in rivals if _name(e) in LATIN_SINGLE_BYTE]
    return max(["cp1252", *latin], key=lambda e: (_letters(sample, e), e == "cp1252"))


def _letters(sample: bytes, encoding: str) -> int:
    """How many of the sample's non-ASCII bytes read as letters in `encoding`."""
    high = bytes(b for b in sample if b >= 0x80)
    return sum(c.isalpha() for c in high.decode(encoding, errors="replace"))
