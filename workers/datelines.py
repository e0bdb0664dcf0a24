"""Datelines and wire credits: the lead "KYIV (Reuters) -" and the tail
"(Reporting by ...; editing by ...)" parsed into fields.

Both stay in the article text (they are part of it); the parse records where
they sit (`span`). Steered by the table of agency house names below.
"""

from __future__ import annotations

import re

from workers.models import Credits, Dateline

# House names as they appear in parentheses, mapped to one canonical name.
AGENCIES = {
    "reuters": "Reuters",
    "ap": "AP",
    "associated press": "AP",
    "afp": "AFP",
    "bloomberg": "Bloomberg",
    "dpa": "dpa",
    "xinhua": "Xinhua",
    "efe": "EFE",
    "ansa": "ANSA",
    "kyodo": "Kyodo",
    "yonhap": "Yonhap",
    "bernama": "Bernama",
    "pti": "PTI",
    "ani": "ANI",
    "ians": "IANS",
    "upi": "UPI",
    "tass": "TASS",
    "ria novosti": "RIA Novosti",
    "interfax": "Interfax",
    "anadolu": "Anadolu",
    "aa": "Anadolu",
    "aap": "AAP",
    "cp": "CP",
    "the canadian press": "CP",
    "pa": "PA",
    "pa media": "PA",
    "cna": "CNA",
    "antara": "Antara",
    "pna": "PNA",
    "ips": "IPS",
    "apa": "APA",
    "ana": "ANA",
    "ctk": "CTK",
    "pap": "PAP",
    "bna": "BNA",
    "wam": "WAM",
    "spa": "SPA",
    "irna": "IRNA",
    "mena": "MENA",
    "kuna": "KUNA",
    "qna": "QNA",
    "xinhua news agency": "Xinhua",
    "cnn": "CNN",
    "ap photo": None,
    "reuters photo": None,
}
DASH = r"(?:-{1,2}|–|—|- –)"
PLACE = r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ.'’\- ]*?(?:/[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ.'’\- ]*?)*"
REGION = r"[A-Z][A-Za-z.]+\.?(?: [A-Z][A-Za-z.]+\.?)?"
MONTH_DAY = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}"
WIRE_LEAD = re.compile(
    rf"^(?P<place>{PLACE})(?:,\s*(?P<region>{REGION}))??(?:,\s*(?P<date>{MONTH_DAY}))?"
    rf"\s*\((?P<agency>[A-Za-z][A-Za-z .&]{{0,30}})\)\s*{DASH}\s*"
)
AGENCY_ONLY_LEAD = re.compile(
    rf"^\((?P<agency>[A-Za-z][A-Za-z .&]{{0,30}})\)\s*{DASH}\s*"
)
PAPER_LEAD = re.compile(
    rf"^(?P<place>[A-Z][A-Z.'’\- ]{{1,40}}?)(?:,\s*(?P<region>{REGION}))?"
    rf"\s*(?::|{DASH})\s+(?=[A-Z\"“‘'])"
)
LOWER_WORDS = {
    "of",
    "de",
    "la",
    "le",
    "du",
    "des",
    "al",
    "el",
    "upon",
    "am",
    "an",
    "der",
}

CREDITS = re.compile(
    r"\(\s*((?:additional\s+)?(?:reporting|writing|editing|compiled|written)\s+by\b[^()]*)\)",
    re.IGNORECASE,
)
ROLE = re.compile(
    r"^(?P<role>(?:additional\s+)?reporting|writing|written|editing|compiled)\s+by\s+",
    re.IGNORECASE,
)
NAME_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)\s*")


def parse_dateline(text: str) -> Dateline | None:
    """Parse the dateline at the start of `text`, or None when there is none."""
    match = WIRE_LEAD.match(text) or AGENCY_ONLY_LEAD.match(text)
    if match:
        agency = AGENCIES.get(match.group("agency").strip().lower())
        if agency is None:
            return None  # an acronym or a photo credit in parentheses, not a wire
        place_raw = (match.groupdict().get("place") or "").strip() or None
        if place_raw and match.groupdict().get("region"):
            place_raw = f"{place_raw}, {match.group('region')}"
        return Dateline(
            place_raw=place_raw,
            place=_place_name(place_raw),
            agency=agency,
            date_raw=match.groupdict().get("date"),
            span=(0, match.end()),
        )
    match = PAPER_LEAD.match(text)
    if match and len(match.group("place").split()) <= 4:
        place_raw = match.group("place").strip()
        if match.group("region"):
            place_raw = f"{place_raw}, {match.group('region')}"
        return Dateline(
            place_raw=place_raw,
            place=_place_name(place_raw),
            agency=None,
            date_raw=None,
            span=(0, match.end()),
        )
    return None


def _place_name(place_raw: str | None) -> str | None:
    """'ST. PETERSBURG, Fla.' -> 'St. Petersburg'; keeps names already in mixed case."""
    if not place_raw:
        return None
    name = place_raw.split(",")[0].strip()
    if not name.isupper():
        return name
    words = []
    for i, word in enumerate(re.split(r"(\s+|/|-)", name)):
        lowered = word.lower()
        keep_lower = i > 0 and lowered in LOWER_WORDS
        words.append(lowered if keep_lower else lowered[:1].upper() + lowered[1:])
    return "".join(words)


def parse_credits(text: str) -> Credits | None:
    """Parse the last wire credit line in `text`, or None."""
    matches = list(CREDITS.finditer(text))
    if not matches:
        return None
    match = matches[-1]
    reporters: list[dict[str, str | None]] = []
    writers: list[str] = []
    editors: list[str] = []
    for part in re.split(r"\s*;\s*", match.group(1)):
        role = ROLE.match(part.strip())
        if not role:
            continue
        names = part.strip()[role.end() :]
        kind = role.group("role").lower()
        if "reporting" in kind:
            reporters.extend(_reporters(names))
        elif kind.startswith("edit"):
            editors.extend(_names(names))
        else:
            writers.extend(_names(names))
    if not (reporters or writers or editors):
        return None
    return Credits(
        reporters=tuple(reporters),
        writers=tuple(writers),
        editors=tuple(editors),
        raw=match.group(0),
        span=match.span(),
    )


def _reporters(names: str) -> list[dict[str, str | None]]:
    """ "A and B in Kyiv, C in Paris, D" -> each name with the place that follows it."""
    found: list[dict[str, str | None]] = []
    pending: list[str] = []
    for part in _names(names):
        name, sep, place = part.partition(" in ")
        pending.append(name.strip())
        if sep:
            found.extend({"name": n, "place": place.strip()} for n in pending)
            pending = []
    found.extend({"name": n, "place": None} for n in pending)
    return found


def _names(names: str) -> list[str]:
    return [n.strip(" .") for n in NAME_SPLIT.split(names.strip()) if n.strip(" .")]
