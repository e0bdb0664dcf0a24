"""Places: a dateline's place name -> a gazetteer entry (`workers.gazetteer`).

The wires' dateline conventions decide between places of one name:

- a region after the place pins it: a US state in AP style (`Fla.`), a Canadian
  province (`Ont.`, `B.C.`: the province decides the country), or a country
  (`QUITO, Ecuador`);
- AP writes about 30 US cities alone and every other US place with its state, so
  an AP dateline of one word names a US place only when it is one of those;
- Reuters and AP write major world cities alone: a capital or the largest city
  of the name wins, and a home-country hint (the agency's, the source's) only
  breaks ties between places of like size, never a capital or a city ten times
  larger.

A few places that are not cities, or whose old name the gazetteer lacks, are
kept in a small table. An unknown place keeps its raw string and gets no id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workers.gazetteer import ascii_name, countries, index, is_capital, key

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
# Canadian provinces and territories, as CP and AP write them -> GeoNames admin1.
CA_PROVINCES = {
    "alta": "01", "alberta": "01", "b.c": "02", "british columbia": "02",
    "man": "03", "manitoba": "03", "n.b": "04", "new brunswick": "04",
    "nfld": "05", "n.l": "05", "newfoundland": "05",
    "newfoundland and labrador": "05", "n.s": "07", "nova scotia": "07",
    "ont": "08", "ontario": "08", "p.e.i": "09", "prince edward island": "09",
    "que": "10", "quebec": "10", "québec": "10", "sask": "11",
    "saskatchewan": "11", "yukon": "12", "n.w.t": "13",
    "northwest territories": "13", "nunavut": "14",
}  # fmt: skip
# The US cities AP's stylebook lets stand alone in a dateline.
AP_US_CITIES = {
    "atlanta", "baltimore", "boston", "chicago", "cincinnati", "cleveland",
    "dallas", "denver", "detroit", "honolulu", "houston", "indianapolis",
    "las vegas", "los angeles", "miami", "milwaukee", "minneapolis",
    "new orleans", "new york", "oklahoma city", "philadelphia", "phoenix",
    "pittsburgh", "st. louis", "salt lake city", "san antonio", "san diego",
    "san francisco", "seattle", "washington",
}  # fmt: skip
MUCH_LARGER = 10  # a hint never beats a city this many times larger
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
    region: str | None  # admin1 code (a US state, a province) when known


def resolve_place(
    name: str,
    region: str | None = None,
    agency_country: str | None = None,
    source_country: str | None = None,
) -> Place | None:
    """The gazetteer entry `name` most likely means, or None when unknown."""
    first = name.split("/")[0].strip()
    folded = key(first)
    admin1 = _admin1(region)
    if folded in OVERRIDES and not (admin1 and folded == "washington"):
        en, country, geonameid = OVERRIDES[folded]
        return Place(en, country, geonameid, None)
    candidates = index().get(folded)
    # "Zurich" as "Zürich"; a name in another script has no ASCII form to try
    if not candidates and (plain := key(ascii_name(first))):
        candidates = index().get(plain)
    if not candidates:
        return None
    pool = _pinned(candidates, region, admin1)
    if agency_country == "US" and not region and folded not in AP_US_CITIES:
        # AP would have named the state of any other US place
        pool = [c for c in pool if c["countrycode"] != "US"] or pool
    best = _choose(pool, folded, [c for c in (agency_country, source_country) if c])
    pinned = admin1 and best["admin1code"] == admin1[1]
    return Place(
        best["name"],
        best["countrycode"],
        best["geonameid"],
        admin1[1] if pinned and admin1 else None,
    )


def _pinned(
    candidates: list[dict[str, Any]], region: str | None, admin1: tuple[str, str] | None
) -> list[dict[str, Any]]:
    """The candidates the region allows (all of them when it names none)."""
    if admin1:
        country, code = admin1
        found = [c for c in candidates if (c["countrycode"], c["admin1code"]) == admin1]
        return (
            found
            or [c for c in candidates if c["countrycode"] == country]
            or candidates
        )
    country_code = countries().get(key(region or ""))
    if country_code:
        return [c for c in candidates if c["countrycode"] == country_code] or candidates
    return candidates


def _choose(
    pool: list[dict[str, Any]], folded: str, hints: list[str]
) -> dict[str, Any]:
    """A capital or the largest place wins. A place under the name itself (not
    an alternate name: "New Delhi" is also Delhi's) and then a hinted one may
    beat it, unless it is a capital or MUCH_LARGER times their size."""

    def size(city: dict[str, Any]) -> tuple[bool, int]:
        return (is_capital(city), city["population"])

    def beats(small: dict[str, Any], large: dict[str, Any]) -> bool:
        too_large = large["population"] >= MUCH_LARGER * max(small["population"], 1)
        return small is large or not (is_capital(large) or too_large)

    best = max(pool, key=size)
    own = [c for c in pool if key(c["name"]) in (folded, key(ascii_name(folded)))]
    if own and beats(max(own, key=size), best):
        best = max(own, key=size)
    for country in hints:
        hinted = [c for c in pool if c["countrycode"] == country]
        if hinted:
            local = max(hinted, key=size)
            return local if beats(local, best) else best
    return best


def _admin1(region: str | None) -> tuple[str, str] | None:
    """(country, admin1 code) of a US state or Canadian province, as written."""
    folded = key(region or "").rstrip(".")
    if folded in US_STATES:
        return ("US", US_STATES[folded])
    if folded in CA_PROVINCES:
        return ("CA", CA_PROVINCES[folded])
    return None


def region_country(region: str | None) -> str | None:
    """The country a dateline's region names ("Ill." -> US, "Ont." -> CA,
    "Jamaica" -> JM), for a place the gazetteer lacks: "TAYLORVILLE, Ill."."""
    admin1 = _admin1(region)
    return admin1[0] if admin1 else countries().get(key(region or ""))


def is_region(text: str) -> bool:
    """A US state, a Canadian province or a country, as a dateline or credit
    line writes it after a place ("Fla.", "Ontario", "Ukraine")."""
    return region_country(text) is not None


def is_known(name: str) -> bool:
    folded = key(name.split("/")[0])
    return folded in OVERRIDES or folded in index()
