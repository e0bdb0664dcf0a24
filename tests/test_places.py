"""Places of one name, told apart as the wires' dateline conventions intend.

AP Stylebook, "datelines": about 30 US cities stand alone, every other US place
takes its state; major world cities stand alone, others take their country.
Reuters Handbook: likewise, with the country spelled out. The Canadian Press:
a place takes its province. Each case is (place, region, agency's country,
source's country) -> the country the wire meant.
"""

from __future__ import annotations

import pytest

from workers.places import resolve_place


@pytest.mark.parametrize(
    ("place", "region", "agency", "source", "country"),
    [
        # AP: world capitals and major cities stand alone; the agency's home
        # country does not pull them to a small US town of the same name
        ("Vienna", None, "US", None, "AT"),
        ("Paris", None, "US", None, "FR"),
        ("Moscow", None, "US", None, "RU"),
        ("Athens", None, "US", None, "GR"),
        ("Berlin", None, "US", None, "DE"),
        ("Rome", None, "US", None, "IT"),
        # ...US places other than AP's 30 carry their state
        ("Athens", "Ga.", "US", None, "US"),
        ("Birmingham", "Ala.", "US", None, "US"),
        ("Portland", "Ore.", "US", None, "US"),
        ("Springfield", "Ill.", "US", None, "US"),
        ("Houston", None, "US", None, "US"),  # one of AP's stand-alone cities
        # a country after the place decides
        ("Birmingham", "England", "US", None, "GB"),
        ("Alexandria", "Egypt", "US", None, "EG"),
        ("Quito", "Ecuador", None, None, "EC"),
        # Canada: the province decides the country
        ("London", "Ont.", None, None, "CA"),
        ("Kingston", "Ontario", "CA", None, "CA"),
        ("Victoria", "B.C.", None, None, "CA"),
        # a home hint breaks ties between places of like size...
        ("Hyderabad", None, None, "PK", "PK"),
        ("Hyderabad", None, None, "IN", "IN"),
        # ...and the largest place of the name wins when nothing hints
        ("St. Petersburg", None, None, None, "RU"),
        ("Toronto", None, None, None, "CA"),
    ],
)
def test_a_place_resolves_as_the_wire_meant_it(
    place: str, region: str | None, agency: str | None, source: str | None, country: str
) -> None:
    found = resolve_place(place, region, agency, source)
    assert found is not None and found.country == country


def test_a_pinned_state_or_province_is_kept_as_the_region() -> None:
    florida = resolve_place("St. Petersburg", "Fla.", "US")
    ontario = resolve_place("London", "Ont.")
    assert florida is not None and (florida.country, florida.region) == ("US", "FL")
    assert ontario is not None and (ontario.country, ontario.region) == ("CA", "08")


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        # a name the gazetteer has in its own script
        ("Москва", "RU"),
        ("北京", "CN"),
        # a Latin name without its accents
        ("Zürich", "CH"),
        # unknown in its own script: no place, not the first city with an empty
        # alternate name (every such name resolved to Bao'an, China): Jiji's
        # "【ワシントン時事】", Kazinform's "ПЕТРОПАВЛОВСК. КАЗИНФОРМ –"
        ("ワシントン", None),
        ("Петропавловск. Казинформ", None),
        ("...", None),
    ],
)
def test_a_name_in_any_script_resolves_or_stays_unknown(
    place: str, expected: str | None
) -> None:
    found = resolve_place(place)
    assert (found.country if found else None) == expected
