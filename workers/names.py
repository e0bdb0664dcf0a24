"""One byline string -> the people it names, as they would be printed.

Bylines and author fields carry more than names: "Anna Berg und Max Roth, dpa",
"Jane Doe, John Roe and Ann Lee", "Doe, Jane", "Jane Doe, professor at the
University of Oslo", "Jane Doe (jdo)", "Dr. Jane Doe", "JANE DOE", a profile slug
("jane-doe") or a handle ("@janedoe"). Names come out one by one, first name
first, without roles, affiliations, initials in parentheses or the agency
credited beside them (the record keeps agencies in their own field); titles
("Dr.") stay, as the page prints them.
"""

from __future__ import annotations

import re

from workers.agencies import AGENCIES

# "and" in the languages bylines are written in
AND = r"and|und|y|et|og|och|en|e|i|ja|и|і|та"
JOINED = re.compile(rf"\s+(?:{AND}|&)\s+")
SEPARATORS = re.compile(r"\s+[/·•]\s+|\s*;\s*")
# After a bar comes the outlet or the role: "Jane Doe | The Courier", "| Staff"
BAR = re.compile(r"\s+\|\s+")
# What follows a name after a comma and names no person: a role ("AP Sports
# Writer"), an outlet ("NJ Advance Media for NJ.com", "Cleveland.com"), a place
ROLE_END = re.compile(
    r"\b(?:writer|editor|correspondent|reporter|columnist|contributor|producer|"
    r"photographer|critic|analyst|redakteur(?:in)?|korrespondent(?:in)?)s?$",
    re.IGNORECASE,
)
OUTLET = re.compile(r"\w\.(?:com|net|org|co|de|ch|at|fr|it|es|uk)\b|\s(?:for|für)\s")
WEEKDAYS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
}  # fmt: skip
# "(jdo)", "(@jdoe)", "(dpa)": initials, a handle or an agency after the name
TRAILING_PAREN = re.compile(r"\s*\([^()\s]{1,15}\)$")
# "Jane Doe is a reporter for ...": a bio, not a byline
BIO = re.compile(
    r"\s+(?:is|was|ist|war|est|es|är|er)\s+(?:a|an|the|ein|eine|un|une|una|en|et)\b.*$",
    re.IGNORECASE,
)
SLUG = re.compile(r"^[a-z]+(?:[-_][a-z]+)+$")
HANDLE = re.compile(r"^@?\w*\d\w*$|^@\w+$|^[a-z]+$")  # "@jdoe", "jdoe123", "admin"


def person_names(byline: str) -> list[str]:
    """The people one cleaned byline string names, in order."""
    byline = TRAILING_PAREN.sub("", BIO.sub("", byline)).strip(" ,;")
    names: list[str] = []
    byline = BAR.split(byline)[0]
    for part in SEPARATORS.split(byline):
        for piece in _comma_parts(part):
            names.extend(_joined(piece))
    return [n for n in (_one(name) for name in names) if n]


def is_handle(name: str) -> bool:
    """A username or handle ("@jdoe", "jdoe123", "admin"): a blog's only author
    may sign so, but beside a person's name it is a profile link."""
    return bool(HANDLE.match(name))


def _comma_parts(part: str) -> list[str]:
    """'Doe, Jane' -> ['Jane Doe']; 'Jane Doe, professor at X' -> ['Jane Doe'];
    'A, B and C' -> ['A', 'B and C']; 'Jane Doe, dpa' -> ['Jane Doe', 'dpa']."""
    pieces = [p.strip() for p in part.split(",") if p.strip()]
    if len(pieces) == 2 and all(re.fullmatch(r"[^\W\d_][\w'’-]+", p) for p in pieces):
        return [f"{pieces[1]} {pieces[0]}"]  # last name first
    return pieces[:1] + [p for p in pieces[1:] if _another_name(p)]


def _another_name(piece: str) -> bool:
    """Is this piece after a comma a name ("John Roe and Ann Lee"), not a role,
    an affiliation, an outlet or a place ("London")?"""
    words = piece.split()
    return bool(
        piece[:1].isupper()
        and len(words) >= 2
        and not ROLE_END.search(piece)
        and not OUTLET.search(piece)
        and words[0].casefold() not in AGENCIES
    )


def _joined(piece: str) -> list[str]:
    """'Kari Nordmann og Ola Nordmann' -> both; split only where every side is a
    full name, so that 'Staff and news service reports' stays whole."""
    parts = JOINED.split(piece)
    full = all(len(p.split()) >= 2 and p[:1].isupper() for p in parts)
    return parts if len(parts) > 1 and full else [piece]


def _one(name: str) -> str | None:
    name = name.strip()
    bare = name.casefold().strip(". ")
    if not name or bare in AGENCIES or bare in WEEKDAYS:
        return None
    if SLUG.match(name):  # a profile slug: "jane-doe"
        return " ".join(w.capitalize() for w in re.split(r"[-_]", name))
    if name.isupper() and len(name) > 3:  # a byline set in capitals
        return name.title()
    return name
