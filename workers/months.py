"""Dates as datelines print them: month names in the agencies' languages, the
day-and-month forms ("March 19", "19 mars", "19 марта", "5 marca"), and the Hijri
date Gulf agencies print before the Gregorian one ("Ramadan 15, 1445, March 25,
2024").
"""

from __future__ import annotations

import re

from workers.caseless_datelines import caseless_month_day

# Month names and abbreviations: English, French, Spanish, Portuguese, German,
# Italian, Russian (nominative and genitive), Polish (both), Dutch, Indonesian and
# Turkish: the languages of the agencies whose datelines carry a date.
MONTH_WORDS = (
    "jan january janv janvier ene enero janeiro januar gen gennaio янв январь января "
    "styczeń stycznia januari ocak",
    "feb february fév févr février fevr febrero fev fevereiro februar febbraio "
    "фев февраль февраля luty lutego februari şubat",
    "mar march mars marzo março märz mär marz мар март марта marzec marca maart "
    "maret mart",
    "apr april avr avril abr abril aprile апр апрель апреля kwiecień kwietnia nisan",
    "may mai mayo maio maggio mag май мая maj maja mei mayıs",
    "jun june juin junio junho juni giu giugno июн июнь июня czerwiec czerwca haziran",
    "jul july juil juillet julio julho juli lug luglio июл июль июля lipiec lipca "
    "temmuz",
    "aug august août aout ago agosto ag авг август августа sierpień sierpnia "
    "augustus agustus ağustos",
    "sep sept september septembre septiembre set setembro settembre "
    "сен сент сентябрь сентября wrzesień września eylül",
    "oct october octobre octubre out outubro oktober okt ott ottobre "
    "окт октябрь октября październik października ekim",
    "nov november novembre noviembre novembro нояб ноя ноябрь ноября listopad "
    "listopada kasım",
    "dec december déc décembre dic diciembre dez dezembro dezember dicembre "
    "дек декабрь декабря grudzień grudnia desember aralık",
)
MONTHS = {
    word: month
    for month, words in enumerate(MONTH_WORDS, start=1)
    for word in words.split()
}
MONTH_NAME = (
    "(?i:"
    + "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
    + r")\.?"
)
DATE = (
    rf"(?:{MONTH_NAME} \d{{1,2}}(?:, \d{{4}})?|\d{{1,2}}\.? {MONTH_NAME}"
    rf"(?: \d{{4}})?)"
)

# The Hijri months as the Gulf agencies transliterate them (Saudi Press Agency,
# WAM, KUNA): "Sha'ban 29, 1445" before "March 10, 2024".
HIJRI_MONTH = (
    r"(?:Muharram|Safar|Rabi['’]?\s?(?:al-|Al-)?(?:Awwal|Thani|Akhir|I{1,2})|"
    r"Jumad[ao]\s?(?:al-|Al-)?(?:Ula|Oula|Awwal|Akhirah?|Thani|Thaniyah|I{1,2})|"
    r"Rajab|Sha['’]?ban|Ramadan|Ramadhan|Shawwal|Dhu\s?al-|Dhul-?|Zul-?)"
    r"(?:Qa['’]?dah|Qi['’]?dah|Hijjah|Hijja)?"
)
HIJRI_DATE = rf"{HIJRI_MONTH} \d{{1,2}}, \d{{4}}(?: ?(?:AH|H)\b)?"


def month_day(date_raw: str) -> tuple[int, int] | None:
    """'March 19', '19 mars', '19 марта' -> (3, 19)."""
    words = re.findall(r"[^\W\d_]+|\d+", date_raw)
    month = next((MONTHS[w.casefold()] for w in words if w.casefold() in MONTHS), None)
    day = next((int(w) for w in words if w.isdigit() and len(w) <= 2), None)
    if not (month and day and 1 <= day <= 31):
        return caseless_month_day(date_raw)  # "3月5日", "5 مارس 2024"
    return month, day
