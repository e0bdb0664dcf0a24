"""Wire credits: "(Reporting by Jane Doe in Kyiv; Editing by John Roe)" as fields.

Reuters closes a story with its credit line, AP with "Associated Press writers ...
contributed to this report."; desks append contact lines ("((name@...))") that
are not part of the article and are dropped from its text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from workers.agencies import PICTURE_CREDIT, agencies_named
from workers.models import Credits
from workers.places import is_region

# Role phrases of credit lines, by the field their names go to: Reuters' English
# "(Reporting by A in Kyiv; Editing by B)", its Spanish "(Reporte de A. Editado
# por B)", Portuguese "(Reportagem de A; Edição de B)", German "(Bericht von A,
# geschrieben von B, redigiert von C)" and French "(Reportage A, édité par B)".
REPORTING = (
    r"(?:with\s+)?(?:additional\s+)?reporting|research|graphics?|"
    r"reporte(?:\s+adicional)?|"
    r"información|reportagem(?:\s+adicional)?|bericht|mitarbeit|reportage"
)
WRITING = r"writing|written|compiled|escrito|redacción|texto|geschrieben|rédigé"
EDITING = (
    r"editing|edited|editado(?:\s+en\s+español)?|edición|edição|redigiert|"
    r"bearbeitet|édité"
)
ROLES = rf"{REPORTING}|{WRITING}|{EDITING}"
BY = r"(?:\s+(?:by|de|por|von|par)\b|\s*:)\s*"
CREDITS = re.compile(rf"\(\s*((?:{ROLES}){BY}[^()]*)\)", re.IGNORECASE)
ROLE = re.compile(
    rf"^(?:(?P<reporting>{REPORTING})|(?P<writing>{WRITING})|(?P<editing>{EDITING}))"
    rf"{BY}",
    re.IGNORECASE,
)
# The parts of one line: "A in Kyiv; Editing by B", "A. Editado por B",
# "A, edited by B", "A and editing by B"
PART = re.compile(rf"\s*;\s*|(?:\.\s+|,\s*|\s+and\s+)(?=(?:{ROLES}){BY})", re.I)
# The same lines without parentheses, as reuters.com prints them: the last lines.
CREDIT_LINE = re.compile(rf"(?im)^[ \t]*((?:{ROLES}){BY}[^\n()]*?)[ \t]*$")
LAST_LINES = 3
# AP's closing line says where the byline's writers worked: "Lozano reported from
# Houston.", "Doe and Roe reported from Paris."
REPORTED_FROM = re.compile(
    r"(?:^|\n|(?<=\. ))(?P<line>(?P<names>[A-Z][\w'’-]+(?:(?:, | and )[A-Z][\w'’-]+)*)"
    r" reported from (?P<place>[A-Z][^\n.]{1,60}?(?:\.[A-Z][^\n.]{0,20}?)*)\.)(?=\s|$)"
)
CONTACT = re.compile(r"^\s*\(\((?:[^()]*@[^()]*)\)\)\s*$|^\s*\(\([^()]*\)\)\s*$")
NAME_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+(?:and|y|e|und|et)\s+|\s*&\s*)\s*")
# "Jane Doe for Reuters", "Jane Doe for The Kuala Courier": the outlet is no name
FOR_OUTLET = re.compile(r"\s+(?:for|para|für|pour)\s+[A-Z].*$")


def parse_credits(text: str) -> Credits | None:
    """The wire credits that close `text`: the credit line or the contributors'
    sentence, and where the byline's writers reported from; or None."""
    found = _credit_lines(text)
    tail = text.rstrip()[-600:]
    offset = len(text.rstrip()) - len(tail)
    places = list(REPORTED_FROM.finditer(tail))
    if not places:
        return found
    known = {str(r["name"]) for r in found.reporters} if found else set()
    extra: list[dict[str, str | None]] = [
        {"name": name, "place": re.sub(r"\b([A-Z]\.[A-Z])$", r"\1.", m.group("place"))}
        for m in places
        for name in _names(m.group("names"))
        if name not in known
    ]
    start = min([offset + places[0].start("line"), *([found.span[0]] if found else [])])
    end = max([offset + places[-1].end("line"), *([found.span[1]] if found else [])])
    return Credits(
        reporters=(*(found.reporters if found else ()), *extra),
        writers=found.writers if found else (),
        editors=found.editors if found else (),
        raw=text[start:end],
        span=(start, end),
    )


def with_full_names(credits: Credits | None, authors: Sequence[str]) -> Credits | None:
    """'Lozano reported from Houston': the byline's 'Juan A. Lozano' by his
    surname. A surname no byline author carries ("The team reported from ...")
    names nobody and goes."""
    if credits is None:
        return None
    by_surname = {a.split()[-1].casefold(): a for a in authors if len(a.split()) > 1}
    reporters = tuple(
        {**r, "name": by_surname.get(str(r["name"]).casefold(), r["name"])}
        for r in credits.reporters
        if " " in str(r["name"]) or str(r["name"]).casefold() in by_surname
    )
    if not (reporters or credits.writers or credits.editors):
        return None
    return replace(credits, reporters=reporters)


def _credit_lines(text: str) -> Credits | None:
    """Parse the wire credit lines that close `text`, or None."""
    tail = text.rstrip().rsplit("\n", LAST_LINES)[0] if "\n" in text else ""
    boxed = list(CREDITS.finditer(text))
    lines = [m for m in CREDIT_LINE.finditer(text) if m.start() >= len(tail)]
    if not boxed and not lines:
        return _contributors(text)
    last = max([*boxed, *lines], key=lambda m: m.start())
    # credit lines that close the text are one credit ("Reporting by A\nEditing by B")
    chosen = [m for m in lines if last in lines and m.start() >= len(tail)] or [last]
    reporters: list[dict[str, str | None]] = []
    writers: list[str] = []
    editors: list[str] = []
    for match in chosen:
        for part in PART.split(" ".join(match.group(1).split()).rstrip(".")):
            role = ROLE.match(part.strip())
            if not role:
                continue
            names = FOR_OUTLET.sub("", part.strip()[role.end() :])
            if role.group("reporting"):
                found = [r for r in _reporters(names) if _person(str(r["name"]))]
                reporters.extend({**r, "name": _cased(str(r["name"]))} for r in found)
            else:
                kept = [_cased(n) for n in _names(names) if _person(n)]
                (editors if role.group("editing") else writers).extend(kept)
    if not (reporters or writers or editors):
        return None
    start, end = chosen[0].start(), chosen[-1].end()
    return Credits(
        reporters=tuple(reporters),
        writers=tuple(dict.fromkeys(writers)),
        editors=tuple(dict.fromkeys(editors)),
        raw=text[start:end],
        span=(start, end),
    )


def _cased(name: str) -> str:
    """'JANE DOE' in a credit line in capitals -> 'Jane Doe' ('MCNEIL' -> 'McNeil')."""
    if not name.isupper() or len(name) <= 3:
        return name
    return re.sub(r"\bMc([a-z])", lambda m: "Mc" + m.group(1).upper(), name.title())


# Closing lines that credit contributors: AP's "Associated Press writers Jane Doe
# in Kyiv and John Roe contributed to this report.", a network's "CNN's Ann Lee
# contributed to this report." ("Fox News' Ann Lee ..."), a paper's "Jane Doe
# contributed reporting from Kyiv.", each a line or the last sentence of one;
# Bloomberg's "--With assistance from Jane Doe." The names must look like people's.
SENTENCE = r"(?:(?!(?<![A-Z])\.\s)[^\n])"  # no sentence break ("J. Doe" is none)
CONTRIBUTED = re.compile(
    r"(?:^|\n|(?<=\. ))(?P<line>(?:(?:The )?[A-Z][\w&.]*(?: [A-Z][\w&.]*){0,3}"
    r"(?:'s|’s|(?<=s)['’]| (?:[Ss]taff )?(?:[Ww]riters?|[Rr]eporters?|"
    r"[Cc]orrespondents?)) )?"
    rf"(?P<names>{SENTENCE}{{3,200}}?) contributed(?: reporting| to this "
    r"(?:report|story))?(?: from (?P<place>[^\n.]+))?\.)\s*$|"
    r"(?:^|\n)(?P<assisted>[ \t]*(?:—|–|--?)?\s*With assistance from "
    r"(?P<helpers>[^\n]{3,200}?)\.?)\s*$"
)
PARTICLES = "de|da|del|der|di|du|van|von|al|bin|el|la|le"
PERSON = re.compile(
    rf"^[A-Z][\w'’.-]*(?: (?:[A-Z][\w'’.-]*|{PARTICLES}))* [A-Z][\w'’-]*$"
)
NOT_A_PERSON = re.compile(
    r"\b(?:staff|newsroom|desk|bureau|team|agencies|wires?)\b|^the ", re.IGNORECASE
)


def _contributors(text: str) -> Credits | None:
    match = CONTRIBUTED.search(text)
    if not match:
        return None
    names = match.group("names") or match.group("helpers")
    found = _reporters(names)
    if not found or not all(_is_name(str(r["name"])) for r in found):
        return None  # "The committee contributed to this report."
    place = match.group("place")
    line = "line" if match.group("line") else "assisted"
    return Credits(
        reporters=tuple(
            {**r, "place": r["place"] or (place.strip() if place else None)}
            for r in found
        ),
        writers=(),
        editors=(),
        raw=match.group(line).strip(),
        span=(match.end(line) - len(match.group(line).strip()), match.end(line)),
    )


def _is_name(name: str) -> bool:
    return bool(PERSON.match(name)) and _person(name)


def _person(name: str) -> bool:
    """A name, not an agency, a desk or a newsroom ("Reuters", "staff")."""
    return bool(name) and not NOT_A_PERSON.search(name) and not agencies_named([name])


# The agency credit that closes wire copy after its last sentence: German, Austrian
# and Swiss papers' "... hieß es. (dpa)", "(dpa/gem)" (the wire, then the editor's
# initials), "(FR mit dpa)" (the paper's own story with the wire's material), and
# the French, Spanish and Italian "(AFP)", "(EFE)", "(ANSA)"; English-language
# papers in Asia and the Gulf sign it with a dash: "... next year. — AFP". Only
# after a sentence's end (or alone on its line), so that "first reported by
# Agence France-Presse (AFP)." credits no one; picture credits are no credit.
CLOSING_AGENCY = re.compile(
    r"(?:^|(?<=[.!?»“”\"'’)])\s*)(?:\((?P<boxed>[^()\n]{2,40})\)"
    r"|(?:—|–|--?)[ \t]*(?P<signed>[^\s—–()][^\n—–()]{1,40}?))[ \t]*\.?[ \t]*$"
)
CLOSING_PARTS = re.compile(
    r"\s*(?:[/,;:&+]|\s(?:mit|with|avec|con|and|und|et|y|e)\s)\s*", re.IGNORECASE
)


def closing_agencies(text: str) -> list[str]:
    """The agencies a closing credit names, in house short names, or []."""
    found: list[str] = []
    for line in text.rstrip().rsplit("\n", LAST_LINES)[-LAST_LINES:]:
        match = CLOSING_AGENCY.search(line.strip()[-200:])  # a credit is short
        if not match:
            continue
        credit = match.group("boxed") or match.group("signed")
        if PICTURE_CREDIT.search(credit):
            continue
        found += agencies_named(CLOSING_PARTS.split(credit))
    return list(dict.fromkeys(found))


def drop_contact_lines(text: str) -> str:
    """Wire desks append '((jane.doe@thomsonreuters.com; +1 202 ...))': not article."""
    return "\n".join(ln for ln in text.split("\n") if not CONTACT.match(ln)).strip()


def _reporters(names: str) -> list[dict[str, str | None]]:
    """ "A and B in Kyiv, C in Paris, D" -> each name with the place that follows it."""
    found: list[dict[str, str | None]] = []
    pending: list[str] = []
    for part in _names(names, keep_dots=True):
        if found and not pending and found[-1]["place"] and is_region(part):
            # "in Kyiv, Ukraine": the place's country, not another reporter
            for reporter in found:
                if reporter["place"] == found[-1]["place"]:
                    reporter["place"] = f"{reporter['place']}, {part}"
            continue
        name, sep, place = part.rstrip(".").partition(" in ")
        pending.append(name.strip())
        if sep:
            found.extend({"name": n, "place": place.strip()} for n in pending)
            pending = []
    found.extend({"name": n, "place": None} for n in pending)
    return found


def _names(names: str, keep_dots: bool = False) -> list[str]:
    strip = " " if keep_dots else " ."
    return [n.strip(strip) for n in NAME_SPLIT.split(names.strip()) if n.strip(" .")]
