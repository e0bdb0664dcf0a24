"""Datelines in scripts without capitals, kind 5 of the unseen-pages issue: each
agency's house form as its own services print it (the stories are invented)."""

from __future__ import annotations

from datetime import date

import pytest

from config.source import adhoc_source
from workers.datelines import parse_dateline
from workers.normalize import dateline_date, resolve_dateline
from workers.places import is_known

REFERENCE = date(2024, 3, 20)


@pytest.mark.parametrize(
    ("convention", "lead", "place_en", "country", "agency", "day", "rest"),
    [
        ("Xinhua: agency, place, date, 电",
         "新华社北京3月19日电（记者张三）国务院总理19日主持会议。",
         "Beijing", "CN", "Xinhua", "2024-03-19", "（记者"),
        ("China News Service online",
         "中新网上海3月19日电 据上海市气象局消息，今天本市气温回升。",
         "Shanghai", "CN", "CNS", "2024-03-19", " 据上海"),
        ("Jiji: place and agency in lenticular brackets",
         "【ソウル時事】韓国政府は19日、新たな方針を発表した。",
         "Seoul", "KR", "Jiji", None, "韓国政府"),
        ("Yonhap: (place=agency) before the reporter",
         "(서울=연합뉴스) 홍길동 기자 = 정부는 19일 새로운 정책을 발표했다.",
         "Seoul", "KR", "Yonhap", None, "홍길동"),
        ("Reuters' Arabic service",
         "القاهرة (رويترز) - قال مسؤولون يوم الثلاثاء إن المحادثات ستستمر.",
         "Cairo", "EG", "Reuters", None, "قال"),
        ("AFP's Arabic service, the agency's initials spaced",
         "بيروت (أ ف ب) - أعلن الجيش يوم الثلاثاء عن عملية جديدة.",
         "Beirut", "LB", "AFP", None, "أعلن"),
        ("Xinhua's Arabic service, with the date",
         "بكين 19 مارس 2024 (شينخوا) - قال وزير الخارجية إن المحادثات ستستمر.",
         "Beijing", "CN", "Xinhua", "2024-03-19", "قال"),
        ("SANA: Levantine month name after a comma",
         "دمشق، 19 آذار (سانا) - أكد وزير الخارجية أن المحادثات ستستمر.",
         "Damascus", "SY", "SANA", "2024-03-19", "أكد"),
        ("the Saudi Press Agency: the Hijri date, then the Gregorian",
         "الرياض 9 رمضان 1445 هـ الموافق 19 مارس 2024 م واس - رأس الملك جلسة المجلس.",
         "Riyadh", "SA", "SPA", "2024-03-19", "رأس"),
    ],
)  # fmt: skip
def test_a_caseless_dateline(
    convention: str,
    lead: str,
    place_en: str,
    country: str,
    agency: str,
    day: str | None,
    rest: str,
) -> None:
    parsed = parse_dateline(lead, is_known)
    assert parsed is not None, convention
    dateline = resolve_dateline(
        parsed, dateline_date(parsed, REFERENCE), adhoc_source()
    )
    assert (dateline.place_en, dateline.country, dateline.agency, dateline.date) == (
        place_en,
        country,
        agency,
        day,
    ), convention
    assert lead[parsed.span[1] :].startswith(rest), convention


@pytest.mark.parametrize(
    "lead",
    [
        "قال الرئيس يوم الثلاثاء إن المحادثات ستستمر في القاهرة.",
        "国务院总理19日主持召开国务院常务会议。",
        "정부는 19일 새로운 정책을 발표했다.",
    ],
)
def test_a_lead_without_a_dateline_has_none(lead: str) -> None:
    assert parse_dateline(lead, is_known) is None
