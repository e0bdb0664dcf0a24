"""Datelines in scripts without capital letters: Arabic, Chinese, Japanese, Korean.

The Latin and Cyrillic grammar (`workers.datelines`) finds a place by its capitals;
these scripts have none, so each agency's house form is read as it is printed:

- Xinhua, China News Service, People's Daily Online: "新华社北京3月5日电（记者 ...）"
- Kyodo and Jiji: "【ワシントン共同】", "【ソウル時事】"
- Yonhap, Newsis, News1: "(서울=연합뉴스) 홍길동 기자 = "
- the Arabic services of Reuters, AFP, dpa and the Gulf and Levant agencies:
  "القاهرة (رويترز) -", "بكين 5 مارس 2024 (شينخوا) -", and the Saudi Press
  Agency's Hijri date before the Gregorian one:
  "الرياض 15 رمضان 1445 هـ الموافق 25 مارس 2024 م واس"
"""

from __future__ import annotations

import re

HAN = r"\u4e00-\u9fff"
ARABIC_WORD = r"[\u0621-\u064a\u0671-\u06d3]+"
ARABIC_PLACE = rf"{ARABIC_WORD}(?: {ARABIC_WORD}){{0,2}}?"
# Gregorian months as the Arabic press writes them, Egyptian and Levantine names
ARABIC_MONTH = (  # the two-word Levantine names first
    "(?:كانون الثاني|تشرين الأول|تشرين الثاني|كانون الأول|يناير|فبراير|شباط|مارس|"
    "آذار|أبريل|ابريل|نيسان|مايو|أيار|يونيو|حزيران|يوليو|تموز|أغسطس|اغسطس|آب|"
    "سبتمبر|أيلول|أكتوبر|اكتوبر|نوفمبر|ديسمبر)"
)
HIJRI_MONTH = (
    r"(?:محرم|صفر|ربيع الأول|ربيع الآخر|ربيع الثاني|جمادى الأولى|جمادى الآخرة|رجب|"
    r"شعبان|رمضان|شوال|ذو القعدة|ذو الحجة)"
)
DASH = r"(?:-{1,2}|–|—)"
PATTERNS = (
    re.compile(  # Xinhua, CNS, People's Daily Online: agency, place, date, "电"
        rf"^(?P<agency>新华社|中新社|中新网|人民网|央视网)(?P<place>[{HAN}]{{2,8}}?)"
        rf"(?P<date>\d{{1,2}}月\d{{1,2}}日)[电讯]"
    ),
    re.compile(r"^【(?P<place>[^【】\s]{1,12}?)(?P<agency>共同|時事)】\s*"),
    re.compile(r"^\((?P<place>[가-힣]{1,10})=(?P<agency>연합뉴스|뉴시스|뉴스1)\)\s*"),
    re.compile(  # the Saudi Press Agency: Hijri date, "corresponding to", Gregorian
        rf"^(?P<place>{ARABIC_PLACE})\s+\d{{1,2}} {HIJRI_MONTH} \d{{4}} ?هـ?\s+"
        rf"الموافق\s+(?P<date>\d{{1,2}} {ARABIC_MONTH} \d{{4}}) ?م?\s+"
        rf"(?P<agency>واس)\s*{DASH}?\s*"
    ),
    re.compile(
        rf"^(?P<place>{ARABIC_PLACE})\s*(?:،\s*)?(?P<date>\d{{1,2}} {ARABIC_MONTH}"
        rf"(?: \d{{4}})?)?\s*(?:{DASH}\s*)?\((?P<agency>[^()]{{1,20}})\)\s*{DASH}?\s*"
    ),
)
# Arabic months -> their number, for the dateline's day
MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        (
            "يناير كانون_الثاني",
            "فبراير شباط",
            "مارس آذار",
            "أبريل ابريل نيسان",
            "مايو أيار",
            "يونيو حزيران",
            "يوليو تموز",
            "أغسطس اغسطس آب",
            "سبتمبر أيلول",
            "أكتوبر اكتوبر تشرين_الأول",
            "نوفمبر تشرين_الثاني",
            "ديسمبر كانون_الأول",
        ),
        start=1,
    )
    for name in names.replace("_", "\u00a0").split(" ")
}


def caseless_dateline(lead: str) -> re.Match[str] | None:
    """The match of a caseless-script dateline opening `lead`, or None."""
    for pattern in PATTERNS:
        if found := pattern.match(lead):
            return found
    return None


def caseless_month_day(date_raw: str) -> tuple[int, int] | None:
    """'3月5日' -> (3, 5); '5 مارس 2024' -> (3, 5); None when neither form."""
    if found := re.match(r"(\d{1,2})月(\d{1,2})日", date_raw):
        month, day = int(found.group(1)), int(found.group(2))
    else:
        # a two-word month ("كانون الثاني") is one key, its space a no-break one
        words = re.sub(r"(كانون|تشرين) ", "\\1\u00a0", date_raw).split(" ")
        month = next((MONTH_NUMBERS[w] for w in words if w in MONTH_NUMBERS), 0)
        day = int(words[0]) if words and words[0].isdigit() else 0
    return (month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None
