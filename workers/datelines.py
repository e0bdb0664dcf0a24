"""Datelines: "KYIV (Reuters) -" as place, region, date and agency.

A dateline opens a story: a place, sometimes a region and a date, and the agency
in its house style ("PARIS, 19 mars (AFP) -", "(ANSA) - ROMA, 19 MAR -",
"МОСКВА, 19 мар — РИА Новости.", "KUALA LUMPUR:"). Only the lead is read, markup
and entities tolerated, a byline or headline glued before an upper-case place
skipped; a parenthesis holding no known agency (a ticker, an acronym, a photo
credit) is never a dateline, but for a broadcaster's or an outlet's own credit
before a known place ("BOSTON (WHDH) -"), which credits no agency. It stays in the
article text; `span` says where.
Agencies are `workers.agencies`; places are resolved to the gazetteer by
`workers.places`, dates by `workers.dates`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from workers.agencies import PICTURE_CREDIT, agencies_of
from workers.caseless_datelines import caseless_dateline
from workers.months import DATE, HIJRI_DATE, MONTHS

NOT_PLACES = {
    "update", "updated", "breaking", "exclusive", "watch", "analysis", "opinion",
    "photos", "photo", "video", "live", "editor's note", "note", "correction",
    "factbox", "explainer", "fact check", "commentary", "review", "interview",
    "q&a", "sponsored", "advertisement", "warning", "summary", "highlights",
    "updates", "read more", "related", "listen",
}  # fmt: skip
BYLINE_WORDS = {
    "by", "von", "par", "por", "di", "door", "av", "from", "with", "photo",
    "dear",  # an advice column's salutation: "DEAR ABBY:"
}  # fmt: skip
LOWER_WORDS = {
    "of", "de", "la", "le", "les", "du", "des", "al", "el", "upon", "am", "an",
    "der", "den", "sur", "on", "da", "do", "dos", "das", "del", "di", "y", "and",
    "en", "im", "bei", "ob", "the",
}  # fmt: skip

UP = "A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁІЇЄҐ"
LOW = "a-zß-öø-ÿā-žа-яёіїєґ"
DASH = r"(?:-{1,2}|–|—|‒|―|- –|-–|\.-|\.—|\.–)"
UPPER_PLACE = rf"[{UP}][{UP}.'’\-]*(?:[ /][{UP}][{UP}.'’\-]*){{0,4}}"
TITLE_WORD = rf"[{UP}][{LOW}.'’\-]*(?:[{UP}][{LOW}]+)?"
TITLE_PLACE = (
    rf"{TITLE_WORD}(?:[ \-](?:(?:{'|'.join(sorted(LOWER_WORDS))})[ \-])?"
    rf"{TITLE_WORD}){{0,3}}(?:/{TITLE_WORD}(?: {TITLE_WORD})?)?"
)
REGION = (  # "Fla.", "D.C.", "Texas", "[Ecuador]", "(Mozambique)"
    r"(?:\([^()\d]{2,30}\)|[A-Z]\.[A-Z]\.|[A-Z][a-z]{1,3}\.(?: [A-Z][a-z]{1,3}\.)?|"
    r"[A-Z]{2,3}\b|"
    rf"[{UP}][{LOW}]+(?: [{UP}][{LOW}]+){{0,2}}|\[[^\]]{{2,30}}\])"
)
AGENCY_GROUP = r"\((?P<agency>[^()]{1,40})\)"
END = rf"(?:\s*(?:{DASH}|:)\s*|\s+(?=[{UP}\"“‘'«]))"

WIRE = re.compile(  # Europa Press dates by the day alone: "MADRID, 5 (EUROPA PRESS)"
    rf"(?P<place>{UPPER_PLACE}|{TITLE_PLACE})(?:,? (?P<region>{REGION}))??"
    rf"(?:,? (?P<date>{DATE}|\d{{1,2}}(?= \()))?\.?\s*{AGENCY_GROUP}{END}",
)
# The Gulf agencies' English: "RIYADH, Ramadan 15, 1445, March 25, 2024, SPA --"
HIJRI = re.compile(
    rf"(?P<place>{UPPER_PLACE}|{TITLE_PLACE}),? (?P<hijri>{HIJRI_DATE}),? "
    rf"(?:(?:corresponding to|AH) )?(?P<date>{DATE}),? (?P<agency>[A-Z]{{2,5}})\s*"
    rf"(?:{DASH}|:)\s*"
)
# A paper's place and date with no agency: "NEW DELHI, March 5:", "ROMA, 05 MAR -"
DATED = re.compile(
    rf"(?P<place>{UPPER_PLACE}|{TITLE_PLACE}), (?P<date>{DATE})\.?\s*(?::|{DASH})\s+"
    rf"(?=[{UP}\"“‘'«])"
)
ANSA_STYLE = re.compile(
    rf"{AGENCY_GROUP}\s*{DASH}\s*(?P<place>{UPPER_PLACE}|{TITLE_PLACE}),\s*"
    rf"(?P<date>{DATE})\s*{DASH}\s*"
)
AGENCY_ONLY = re.compile(rf"{AGENCY_GROUP}\s*{DASH}\s*")
DATE_ONLY = re.compile(rf"(?P<date>{DATE}){'(?:,? ' + AGENCY_GROUP + ')?'}\s*{DASH}\s*")
RUSSIAN = re.compile(
    rf"(?P<place>{UPPER_PLACE}|{TITLE_PLACE})[.,]\s*(?P<date>{DATE})\.?\s*"
    r"(?:[-—–]\s*)?(?P<agency>РИА Новости|/?ТАСС/?|/?TASS/?|ИТАР-ТАСС|Интерфакс|"
    r"INTERFAX\.RU|"
    r"ПРАЙМ)\.?\s*(?:[-—–]\s*)?",
    re.IGNORECASE,
)
PAPER = re.compile(
    rf"(?P<place>{UPPER_PLACE})(?:, (?P<region>{REGION}))?"
    rf"(?:\s*(?::|{DASH})\s+|\s*[—–]\s*)(?=[{UP}\"“‘'«])"  # "CHICAGO—Admitting"
)
OUTLET = re.compile(r"[A-Za-z][A-Za-z0-9&'’]*(?: [A-Za-z0-9&'’]+){0,3}")
GLUE_LIMIT = 200  # how far into the lead a byline or headline may push the dateline


@dataclass(frozen=True)
class ParsedDateline:
    place_raw: str | None
    region: str | None
    agency: str | None
    agencies: tuple[str, ...]
    agency_country: str | None
    date_raw: str | None
    span: tuple[int, int]


def parse_dateline(
    text: str, is_place: Callable[[str], bool] | None = None
) -> ParsedDateline | None:
    """The dateline at the start of `text`, or None when the story has none.

    `is_place` (a gazetteer lookup) separates a place from the headline glued
    before it ("... towards NATO KYIV (Reuters) -").
    """
    lead, index = _clean_lead(text[:600])
    if caseless := caseless_dateline(lead):
        span = (index[caseless.start()], index[caseless.end()])
        if found := _dateline(caseless, span, is_place):
            return found
    for pattern, anywhere in (
        (ANSA_STYLE, False),
        (RUSSIAN, False),
        (HIJRI, False),
        (WIRE, False),
        (AGENCY_ONLY, False),
        (DATE_ONLY, False),
        (DATED, False),
        (PAPER, False),
        (WIRE, True),
    ):
        match = _find(pattern, lead, anywhere, is_place)
        if match is None:
            continue
        found = _dateline(match, (index[match.start()], index[match.end()]), is_place)
        if found is not None:
            return found
    return None


def _find(
    pattern: re.Pattern[str],
    lead: str,
    anywhere: bool,
    is_place: Callable[[str], bool] | None,
) -> re.Match[str] | None:
    if not anywhere:
        return pattern.match(lead)
    for word in re.finditer(rf"(?<=[ \n])[{UP}][{UP}.'’\-]+\b", lead[:GLUE_LIMIT]):
        match = pattern.match(lead, word.start())
        place = match.group("place") if match else ""
        before = lead[: word.start()]
        # only an upper-case place after a headline or byline, never mid-sentence
        if (
            not match
            or not place.isupper()
            or len(place) < 3
            or re.search(rf"\b[{LOW}]+ $", before)
        ):
            continue
        if is_place is None or is_place(place_name(place) or place):
            return match
    return None


def _dateline(
    match: re.Match[str],
    span: tuple[int, int],
    is_place: Callable[[str], bool] | None = None,
) -> ParsedDateline | None:
    groups = match.groupdict()
    credit = groups.get("agency")
    agencies, country = agencies_of(credit)
    place = (groups.get("place") or "").strip(" .") or None
    if credit is not None and not agencies and not _outlet(credit, place, is_place):
        return None  # "(3333.HK)", "(NATO)", "(AP Photo/Evan Vucci)": not a wire
    if place:
        words = place.split()
        if (
            place.casefold() in NOT_PLACES
            or place.casefold().rstrip(".") in MONTHS  # "March 19 (UPI)": a date
            or len(words) > 5
            or (words[0].casefold() in BYLINE_WORDS)
        ):
            return None
        if match.re is PAPER and (len(words) > 4 or len(place) < 3):
            return None
        named = groups.get("agency") and _spells(place, groups["agency"])
        if named and not (is_place and is_place(place_name(place) or place)):
            return None  # "Press Trust of India (PTI) —": a name and its acronym
        place = _without_kicker(place, is_place)
    region = (groups.get("region") or "").strip("[]() ") or None
    return ParsedDateline(
        place_raw=place,
        region=region,
        agency=agencies[0] if agencies else None,
        agencies=tuple(agencies),
        agency_country=country,
        date_raw=groups.get("date"),
        span=span,
    )


def _outlet(
    credit: str, place: str | None, is_place: Callable[[str], bool] | None
) -> bool:
    """A broadcaster's or an outlet's own credit where a wire's would stand, before
    a place the gazetteer knows: US stations' call signs ("HOUSTON, Texas (KTRK)
    --", "BOSTON (WHDH) -"), a network's or an outlet's name ("(CNN)",
    "(NEWS10)", "(HawaiiNewsNow)"). The dateline stands; it credits no agency."""
    return bool(
        OUTLET.fullmatch(credit.strip())
        and not PICTURE_CREDIT.search(credit)
        and place
        and is_place
        and is_place(place_name(place) or place)
    )


def _without_kicker(place: str, is_place: Callable[[str], bool] | None) -> str:
    """A section kicker before the place dropped ("GRANTS/DONATIONS BEAVERTON"):
    words that hold a slash or are no place, before a place the gazetteer knows."""
    words = place.split()
    if not is_place:
        return place
    for i in range(1, len(words)):
        kicker, rest = words[:i], " ".join(words[i:])
        if not all("/" in w or w.casefold() in NOT_PLACES for w in kicker):
            break
        if is_place(place_name(rest) or rest):
            return rest
    return place


def _spells(words: str, acronym: str) -> bool:
    """Do the words' initials spell the acronym ('Agence France-Presse', 'AFP')?"""
    letters = re.sub(r"[^\w]", "", acronym).casefold()
    parts = [w for w in re.split(r"[\s\-–]+", words) if w]
    content = "".join(w[0] for w in parts if w.casefold() not in LOWER_WORDS)
    every = "".join(w[0] for w in parts)
    return len(letters) >= 2 and letters in (content.casefold(), every.casefold())


def _clean_lead(text: str) -> tuple[str, list[int]]:
    """Text without tags and entities, whitespace single (a line break kept as
    one: a headline's last word is no part of the dateline's line); with each
    char's origin."""
    out: list[str] = []
    index: list[int] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            close = text.find(">", i)
            if close != -1 and re.match(r"</?[a-zA-Z!]", text[i : i + 3]):
                if re.match(r"</?(?:p|br|div|h\d)\b", text[i:]):
                    _space(out, index, "\n", i)
                i = close + 1
                continue
        if char == "&":
            entity = re.match(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);", text[i:])
            if entity:
                char = html.unescape(entity.group(0))
                for c in char:
                    out.append(" " if c.isspace() else c)
                    index.append(i)
                i += len(entity.group(0))
                continue
        if char.isspace():
            _space(out, index, "\n" if char == "\n" else " ", i)
            i += 1
            continue
        out.append(char)
        index.append(i)
        i += 1
    lead = "".join(out)
    stripped = len(lead) - len(lead.lstrip())
    return lead[stripped:], index[stripped:] + [len(text)]


def _space(out: list[str], index: list[int], space: str, at: int) -> None:
    """One space between words; a line break (a newline, a block tag) wins."""
    if out and out[-1] in " \n":
        if space == "\n":
            out[-1] = "\n"
    elif out:
        out.append(space)
        index.append(at)


def place_name(place_raw: str | None) -> str | None:
    """'ST. PETERSBURG' -> 'St. Petersburg', 'RIO DE JANEIRO' -> 'Rio de Janeiro',
    'МОСКВА' -> 'Москва'; a name already in mixed case is kept."""
    if not place_raw:
        return None
    if not place_raw.isupper():
        return place_raw
    parts = re.split(r"([ /\-])", place_raw)
    named = []
    for i, part in enumerate(parts):
        lowered = part.lower()
        if i > 0 and lowered in LOWER_WORDS:
            named.append(lowered)
        elif "'" in part or "’" in part:
            named.append(
                re.sub(
                    r"(?<=['’])(\w)", lambda m: m.group(1).upper(), part.capitalize()
                )
            )
        else:
            named.append(part[:1].upper() + part[1:].lower())
    return "".join(named)
