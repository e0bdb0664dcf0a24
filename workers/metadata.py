"""Titles and authors: what a page declares, cleaned of what templates add.

Titles: publishers' meta titles carry the site name ("... | Reuters", "... - The
Star"); the page's own <h1> usually does not. An <h1> that agrees with a meta title
(or is the page's only heading) wins; otherwise the first meta title loses its
site-name segments. Authors: JSON-LD first, then trafilatura's byline, cleaned of
"By"/"Von" prefixes, roles, comment markers and publishers posing as people, with
the spelling found on the page (initials, accents) preferred over a normalized one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from workers.agencies import AGENCIES
from workers.names import AND, is_handle, person_names

SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|»|«|·|•|/|~)\s+|\s*\|\s*")
BYLINE_PREFIX = re.compile(
    r"^(?:(?:zeige\s+)?alle\s+beiträge\s+von|zum\s+profil\s+von|artikel\s+von|"
    r"beitrag\s+von|rezept\s+von|posted\s+by|written\s+by|geschrieben\s+von|"
    r"verfasst\s+von|publié\s+par|escrito\s+por|text\s+und\s+interview|"
    r"text\s*&\s*fotos?|view\s+all\s+posts\s+by|more\s+from|by|von|vom|from|par|por|"
    r"door|av|af|autor(?:in)?|auteur|author|interview|text|texte|escribe|redaktion)"
    r"\s*:?\s+",
    re.IGNORECASE,
)
COMMENT_SUFFIX = re.compile(r"\s+(?:says|sagt|schreibt|dice|dit)\s*:?$", re.IGNORECASE)
ROLE_SUFFIX = re.compile(
    r"\s*,?\s*\b(?:staff(?:\s+writer|\s+reporter)?|correspondent|contributor|"
    r"editor|redakteur(?:in)?|reporter)\s*$",
    re.IGNORECASE,
)
EMAIL = re.compile(r"\S+@\S+")
# Bylines that name a desk, not a person: the credit line then names the reporters.
NOT_A_PERSON = re.compile(
    r"\b(?:wire|news|web|digital|online|city|metro|foreign|sports?)\s+desk\b|"
    r"^(?:agencies|staff|newsroom|wires?|wire services?|news agencies)$",
    re.IGNORECASE,
)
NAME_SPLIT = re.compile(rf"\s*(?:,|;|&|\b(?:{AND})\b)\s*")
# One-word parts of a byline that are a role, not a name ("Jane Doe, professor").
ROLES = re.compile(
    r"^(?:professor|prof|dr|correspondent|editor|reporter|writer|columnist|"
    r"contributor|analyst|director|researcher|author|photographer|journalist|"
    r"student|lecturer|redakteur(?:in)?|korrespondent(?:in)?|autor(?:in)?)\b",
    re.IGNORECASE,
)
# "Doe, Jane" as a byline writes a name last name first.
LAST_FIRST = re.compile(r"^(?:by\s+)?([^\W\d_][\w'’-]+),\s*([^\W\d_][\w'’-]+)$", re.I)
TRIM = " '\"“”‘’,;:-|"


def _fold(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


def _key(value: str | None) -> str:
    return re.sub(r"\W+", "", (value or "").casefold())


def _is_site(segment: str, site_names: Sequence[str], host: str) -> bool:
    """Does this title segment (or heading, or author) name the site itself?"""
    seg = _key(segment)
    if not seg:
        return True
    for site in site_names:
        name = _key(site)
        if name and (
            seg == name
            or (len(name) >= 4 and name in seg and len(seg) <= len(name) + 12)
            or (len(seg) >= 4 and seg in name)
        ):
            return True
    bare = host.removeprefix("www.")
    full, label = _key(bare), _key(bare.split(".")[0])
    return bool(
        seg in (full, label)
        or (len(label) >= 4 and label in seg and len(seg) <= len(label) + 10)
        or (len(seg) >= 5 and seg in full)
    )


def strip_site_name(title: str, site_names: Sequence[str], host: str) -> str:
    """'Story | Site' -> 'Story': drop leading and trailing site-name segments."""
    parts = SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    while len(parts) > 1 and _is_site(parts[-1], site_names, host):
        parts.pop()
    while len(parts) > 1 and _is_site(parts[0], site_names, host):
        parts.pop(0)
    start, end = title.find(parts[0]), title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if 0 <= start < end else " - ".join(parts)


def _without_kicker(heading: str, titles: Sequence[str]) -> str:
    """'Local News | Brothel busted' -> 'Brothel busted' when a meta title is the
    heading's tail: the words before it are a kicker the template put in the <h1>."""
    folded = _fold(heading)
    for title in titles:
        tail = _fold(title)
        if len(tail) >= 12 and folded.endswith(tail) and len(folded) > len(tail):
            kicker = folded[: -len(tail)]
            if len(kicker.split()) <= 6 and len(folded) == len(heading):
                return heading[len(kicker) :].strip()  # the heading's own spelling
    return heading


def clean_title(
    candidates: Sequence[str],
    headings: Sequence[str],
    site_names: Sequence[str],
    host: str,
) -> str | None:
    """The article's headline from its meta titles and <h1> headings."""
    titles = [" ".join(html.unescape(c).split()) for c in candidates if c and c.strip()]
    h1s = [
        h for h in headings if 4 <= len(h) < 300 and not _is_site(h, site_names, host)
    ]
    if h1s:
        agreeing = [
            h
            for h in h1s
            if any(_fold(h) in _fold(t) or _fold(t) in _fold(h) for t in titles)
        ]
        if agreeing:
            return _without_kicker(agreeing[0], titles)
        if not titles or len(h1s) == 1:
            return h1s[0]
    return strip_site_name(titles[0], site_names, host) if titles else None


def clean_author(name: str) -> str:
    name = EMAIL.sub("", html.unescape(" ".join(name.split()))).strip(TRIM)
    for _ in range(2):
        name = BYLINE_PREFIX.sub("", name).strip(TRIM)
    name = COMMENT_SUFFIX.sub("", name)
    words = name.split()
    half = len(words) // 2
    if words and len(words) % 2 == 0 and words[:half] == words[half:]:
        name = " ".join(words[:half])  # "jesusfreak jesusfreak": a profile link twice
    return name.strip(TRIM)


def clean_authors(
    authors: Sequence[str],
    variants: Sequence[str],
    site_names: Sequence[str],
    host: str,
) -> tuple[str, ...]:
    """Cleaned author names; publishers dropped when a person is also named."""
    authors = _last_first(authors, variants)
    names = [
        n
        for n in (p for a in authors for p in person_names(clean_author(a)))
        if n
        and not NOT_A_PERSON.search(n)
        and n.casefold() not in AGENCIES
        and not (ROLES.match(n) and not re.match(r"^\S+\s+[A-Z]", n))  # "Dr. Jane"
    ]
    if any(" " in n and not is_handle(n) for n in names):
        names = [n for n in names if not is_handle(n)]  # a profile link beside
    people = [n for n in names if not _is_site(n, site_names, host)]
    if people and len(people) < len(names):
        names = people
    cleaned = []
    for name in names:
        name = ROLE_SUFFIX.sub("", name).strip(TRIM)
        if not name:
            continue  # "Staff Writer" beside a name
        for site in site_names:
            if site and name.casefold().endswith(" " + site.casefold()):
                name = name[: -len(site) - 1].strip(TRIM)
        cleaned.append(_page_spelling(name, variants))
    return tuple(dict.fromkeys(n for n in cleaned if n))


def _last_first(authors: Sequence[str], variants: Sequence[str]) -> Sequence[str]:
    """["Doe", "Jane"] split from a byline "Doe, Jane": one name, first name first."""
    if len(authors) != 2:
        return authors
    for variant in variants:
        found = LAST_FIRST.match(" ".join(variant.split()))
        if found and [a.casefold() for a in authors] == [
            found.group(1).casefold(),
            found.group(2).casefold(),
        ]:
            return [f"{found.group(2)} {found.group(1)}"]
    return authors


def _page_spelling(name: str, variants: Sequence[str]) -> str:
    """trafilatura drops initials' dots and accents; prefer the page's own spelling."""
    wanted = _key(name)
    for variant in variants:
        for part in NAME_SPLIT.split(variant):
            part = clean_author(part)
            if part != name and _key(part) == wanted:
                return part
    return name
