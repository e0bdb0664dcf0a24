"""Wire credits: "(Reporting by Jane Doe in Kyiv; Editing by John Roe)" as fields.

Reuters closes a story with its credit line, AP with "Associated Press writers ...
contributed to this report."; desks append contact lines ("((name@...))") that
are not part of the article and are dropped from its text.
"""

from __future__ import annotations

import re

from workers.agencies import agencies_named
from workers.models import Credits
from workers.places import is_region

ROLES = r"reporting|writing|written|editing|compiled|graphics?|research"
CREDITS = re.compile(
    rf"\(\s*((?:additional\s+)?(?:{ROLES})\s+by\b[^()]*)\)", re.IGNORECASE
)
ROLE = re.compile(rf"^(?P<role>(?:additional\s+)?reporting|{ROLES})\s+by\s+", re.I)
# The same line without parentheses, as reuters.com prints it: one of the last lines.
CREDIT_LINE = re.compile(
    rf"(?im)^[ \t]*((?:additional\s+)?(?:{ROLES})\s+by\b[^\n()]*?)[ \t]*$"
)
LAST_LINES = 3
CONTACT = re.compile(r"^\s*\(\((?:[^()]*@[^()]*)\)\)\s*$|^\s*\(\([^()]*\)\)\s*$")
NAME_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)\s*")


def parse_credits(text: str) -> Credits | None:
    """Parse the last wire credit line in `text`, or None."""
    tail = text.rstrip().rsplit("\n", LAST_LINES)[0] if "\n" in text else ""
    matches = [
        *CREDITS.finditer(text),
        *(m for m in CREDIT_LINE.finditer(text) if m.start() >= len(tail)),
    ]
    if not matches:
        return _contributors(text)
    match = max(matches, key=lambda m: m.start())
    reporters: list[dict[str, str | None]] = []
    writers: list[str] = []
    editors: list[str] = []
    for part in re.split(r"\s*;\s*", " ".join(match.group(1).split())):
        role = ROLE.match(part.strip())
        if not role:
            continue
        names = part.strip()[role.end() :]
        kind = role.group("role").lower()
        if "reporting" in kind or kind in ("research", "graphic", "graphics"):
            reporters.extend(r for r in _reporters(names) if _person(str(r["name"])))
        elif kind.startswith("edit"):
            editors.extend(n for n in _names(names) if _person(n))
        else:
            writers.extend(n for n in _names(names) if _person(n))
    if not (reporters or writers or editors):
        return None
    return Credits(
        reporters=tuple(reporters),
        writers=tuple(dict.fromkeys(writers)),
        editors=tuple(dict.fromkeys(editors)),
        raw=match.group(0),
        span=match.span(),
    )


# Closing lines that credit contributors: AP's "Associated Press writers Jane Doe
# in Kyiv and John Roe contributed to this report.", a network's "CNN's Ann Lee
# contributed to this report.", a paper's "Jane Doe contributed reporting from
# Kyiv." The names must look like people's.
CONTRIBUTED = re.compile(
    r"(?:^|\n)(?P<line>(?:(?:The )?[A-Z][\w&.]*(?: [A-Z][\w&.]*){0,3}(?:'s|’s| "
    r"(?:staff )?(?:writers?|reporters?|correspondents?)) )?(?P<names>[^\n]{3,200}?) "
    r"contributed(?: reporting| to this (?:report|story))?(?: from (?P<place>[^\n.]+))?"
    r"\.)\s*$"
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
    found = _reporters(match.group("names"))
    if not found or not all(PERSON.match(str(r["name"])) for r in found):
        return None  # "The committee contributed to this report."
    place = match.group("place")
    return Credits(
        reporters=tuple(
            {**r, "place": r["place"] or (place.strip() if place else None)}
            for r in found
        ),
        writers=(),
        editors=(),
        raw=match.group("line"),
        span=match.span("line"),
    )


def _person(name: str) -> bool:
    """A name, not an agency, a desk or a newsroom ("Reuters", "staff")."""
    return bool(name) and not NOT_A_PERSON.search(name) and not agencies_named([name])


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
