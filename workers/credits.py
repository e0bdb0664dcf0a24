"""Wire credits: "(Reporting by Jane Doe in Kyiv; Editing by John Roe)" as fields.

Reuters closes a story with its credit line, AP with "Associated Press writers ...
contributed to this report."; desks append contact lines ("((name@...))") that
are not part of the article and are dropped from its text.
"""

from __future__ import annotations

import re

from workers.models import Credits

CREDITS = re.compile(
    r"\(\s*((?:additional\s+)?(?:reporting|writing|editing|compiled|written|"
    r"graphics?|research)\s+by\b[^()]*)\)",
    re.IGNORECASE,
)
ROLE = re.compile(
    r"^(?P<role>(?:additional\s+)?reporting|writing|written|editing|compiled|"
    r"graphics?|research)\s+by\s+",
    re.IGNORECASE,
)
CONTACT = re.compile(r"^\s*\(\((?:[^()]*@[^()]*)\)\)\s*$|^\s*\(\([^()]*\)\)\s*$")
NAME_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)\s*")


def parse_credits(text: str) -> Credits | None:
    """Parse the last wire credit line in `text`, or None."""
    matches = list(CREDITS.finditer(text))
    if not matches:
        return _contributors(text)
    match = matches[-1]
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
            reporters.extend(_reporters(names))
        elif kind.startswith("edit"):
            editors.extend(_names(names))
        else:
            writers.extend(_names(names))
    if not (reporters or writers or editors):
        return None
    return Credits(
        reporters=tuple(reporters),
        writers=tuple(dict.fromkeys(writers)),
        editors=tuple(dict.fromkeys(editors)),
        raw=match.group(0),
        span=match.span(),
    )


# AP style: "Associated Press writers Jane Doe in Kyiv and John Roe contributed to
# this report." as the story's last paragraph.
CONTRIBUTED = re.compile(
    r"(?:^|\n)(?P<line>(?:The )?Associated Press (?:writers?|reporters?|"
    r"correspondents?) (?P<names>[^\n]{3,200}?) contributed(?: to this (?:report|"
    r"story))?(?: from [^\n.]+)?\.)\s*$"
)


def _contributors(text: str) -> Credits | None:
    match = CONTRIBUTED.search(text)
    if not match:
        return None
    return Credits(
        reporters=tuple(_reporters(match.group("names"))),
        writers=(),
        editors=(),
        raw=match.group("line"),
        span=match.span("line"),
    )


def drop_contact_lines(text: str) -> str:
    """Wire desks append '((jane.doe@thomsonreuters.com; +1 202 ...))': not article."""
    return "\n".join(ln for ln in text.split("\n") if not CONTACT.match(ln)).strip()


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
