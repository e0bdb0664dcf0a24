"""Wire agencies: their house names as printed, canonical names and home countries.

A dateline's parenthesis counts as a wire credit only when every name in it is a
known agency ("(dpa/AFP)"); its country steers place resolution ("(AP)": a US
place first). Russian agencies sign without parentheses ("— РИА Новости.").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# House names -> (canonical name, country whose language and places it writes from)
AGENCIES: dict[str, tuple[str, str | None]] = {
    "reuters": ("Reuters", None),
    "thomson reuters": ("Reuters", None),
    "ap": ("AP", "US"),
    "associated press": ("AP", "US"),
    "the associated press": ("AP", "US"),
    "afp": ("AFP", "FR"),
    "agence france-presse": ("AFP", "FR"),
    "bloomberg": ("Bloomberg", None),
    "dow jones": ("Dow Jones", "US"),
    "dpa": ("dpa", "DE"),
    "dpa-afx": ("dpa-AFX", "DE"),
    "epd": ("epd", "DE"),
    "kna": ("KNA", "DE"),
    "xinhua": ("Xinhua", "CN"),
    "efe": ("EFE", "ES"),
    "europa press": ("Europa Press", "ES"),
    "ansa": ("ANSA", "IT"),
    "adnkronos": ("Adnkronos", "IT"),
    "agi": ("AGI", "IT"),
    "kyodo": ("Kyodo", "JP"),
    "jiji": ("Jiji", "JP"),
    "jiji press": ("Jiji", "JP"),
    "yonhap": ("Yonhap", "KR"),
    "bernama": ("Bernama", "MY"),
    "pti": ("PTI", "IN"),
    "ani": ("ANI", "IN"),
    "ians": ("IANS", "IN"),
    "upi": ("UPI", "US"),
    "tass": ("TASS", "RU"),
    "itar-tass": ("TASS", "RU"),
    "ria novosti": ("RIA Novosti", "RU"),
    "ria": ("RIA Novosti", "RU"),
    "interfax": ("Interfax", "RU"),
    "interfax-ukraine": ("Interfax-Ukraine", "UA"),
    "ukrinform": ("Ukrinform", "UA"),
    "unian": ("UNIAN", "UA"),
    "anadolu": ("Anadolu", "TR"),
    "aa": ("Anadolu", "TR"),
    "anadolu agency": ("Anadolu", "TR"),
    "aap": ("AAP", "AU"),
    "cp": ("CP", "CA"),
    "the canadian press": ("CP", "CA"),
    "canadian press": ("CP", "CA"),
    "pa": ("PA", "GB"),
    "pa media": ("PA", "GB"),
    "lusa": ("Lusa", "PT"),
    "agência brasil": ("Agência Brasil", "BR"),
    "antara": ("Antara", "ID"),
    "pna": ("PNA", "PH"),
    "cna": ("CNA", "TW"),
    "vna": ("VNA", "VN"),
    "apa": ("APA", "AT"),
    "sid": ("SID", "DE"),  # Sport-Informations-Dienst, Germany's sports wire
    "awp": ("AWP", "CH"),  # AWP Finanznachrichten, Switzerland's financial wire
    "sport-informations-dienst": ("SID", "DE"),
    "sda": ("Keystone-SDA", "CH"),
    "keystone-sda": ("Keystone-SDA", "CH"),
    "ctk": ("ČTK", "CZ"),
    "čtk": ("ČTK", "CZ"),
    "pap": ("PAP", "PL"),
    "mti": ("MTI", "HU"),
    "belga": ("Belga", "BE"),
    "anp": ("ANP", "NL"),
    "ntb": ("NTB", "NO"),
    "tt": ("TT", "SE"),
    "stt": ("STT", "FI"),
    "ritzau": ("Ritzau", "DK"),
    "wafa": ("WAFA", "PS"),
    "wam": ("WAM", "AE"),
    "spa": ("SPA", "SA"),
    "irna": ("IRNA", "IR"),
    "mena": ("MENA", "EG"),
    "kuna": ("KUNA", "KW"),
    "qna": ("QNA", "QA"),
    "bna": ("BNA", "BH"),
    "ips": ("IPS", None),
    "sana": ("SANA", "SY"),
    "apn": ("APN", None),
    "notimex": ("Notimex", "MX"),
    "telam": ("Télam", "AR"),
    "télam": ("Télam", "AR"),
    "prensa latina": ("Prensa Latina", "CU"),
    "hina": ("HINA", "HR"),
    "tanjug": ("Tanjug", "RS"),
    "bta": ("BTA", "BG"),
    "agerpres": ("Agerpres", "RO"),
    "ana-mpa": ("ANA-MPA", "GR"),
    "ana": ("ANA-MPA", "GR"),
    "cyprus news agency": ("CNA", "CY"),
    "ukrinform.net": ("Ukrinform", "UA"),
    "app": ("APP", "PK"),
    "unb": ("UNB", "BD"),
    "bss": ("BSS", "BD"),
    "askanews": ("askanews", "IT"),
    "nna": ("NNA", "LB"),
    "petra": ("Petra", "JO"),
    "map": ("MAP", "MA"),
    "aps": ("APS", "DZ"),
    "tap": ("TAP", "TN"),
    "nan": ("NAN", "NG"),
    "tasr": ("TASR", "SK"),
    "sta": ("STA", "SI"),
    "leta": ("LETA", "LV"),
    "elta": ("ELTA", "LT"),
    "bns": ("BNS", None),
    "ona": ("ONA", "OM"),
    "ena": ("ENA", "ET"),
    "tasnim": ("Tasnim", "IR"),
    "isna": ("ISNA", "IR"),
    "rss": ("RSS", "NP"),
    "xinhua news agency": ("Xinhua", "CN"),
    "yonhap news agency": ("Yonhap", "KR"),
    "kyodo news": ("Kyodo", "JP"),
    # the agencies' names in Arabic, Chinese, Japanese and Korean datelines
    "رويترز": ("Reuters", None),
    "أ ف ب": ("AFP", "FR"),
    "ا ف ب": ("AFP", "FR"),
    "أ.ف.ب": ("AFP", "FR"),
    "د ب أ": ("dpa", "DE"),
    "د.ب.أ": ("dpa", "DE"),
    "أ ب": ("AP", "US"),
    "أسوشيتد برس": ("AP", "US"),
    "شينخوا": ("Xinhua", "CN"),
    "وام": ("WAM", "AE"),
    "واس": ("SPA", "SA"),
    "كونا": ("KUNA", "KW"),
    "قنا": ("QNA", "QA"),
    "بنا": ("BNA", "BH"),
    "سانا": ("SANA", "SY"),
    "الأناضول": ("Anadolu", "TR"),
    "إرنا": ("IRNA", "IR"),
    "وفا": ("WAFA", "PS"),
    "أ ش أ": ("MENA", "EG"),
    "بترا": ("Petra", "JO"),
    "新华社": ("Xinhua", "CN"),
    "中新社": ("CNS", "CN"),
    "中新网": ("CNS", "CN"),
    "人民网": ("People's Daily Online", "CN"),
    "央视网": ("CCTV", "CN"),
    "共同": ("Kyodo", "JP"),
    "時事": ("Jiji", "JP"),
    "연합뉴스": ("Yonhap", "KR"),
    "뉴시스": ("Newsis", "KR"),
    "뉴스1": ("News1", "KR"),
}
# Words an agency appends for a product or desk: "(Reuters Breakingviews)",
# "(AFP Sport)". A photo or video credit ("(AP Photo)") is no dateline.
DESKS = re.compile(
    r"^(?:breakingviews|sports?|health|business|economy|world|news|markets?|"
    r"finance|tech|politics|international|english|online|today)$",
    re.IGNORECASE,
)
# Agencies signed without parentheses, in Russian house style.
RU_SIGNATURES = {
    "риа новости": "RIA Novosti",
    "тасс": "TASS",
    "/тасс/": "TASS",
    "итар-тасс": "TASS",
    "интерфакс": "Interfax",
    "interfax.ru": "Interfax",
    "interfax": "Interfax",
    "прайм": "PRIME",
    "tass": "TASS",
    "/tass/": "TASS",
}


# A picture's credit, not the text's: "(AP Photo/Evan Vucci)", "(Foto: dpa)"
PICTURE_CREDIT = re.compile(
    r"photo|foto|bild|image|picture|video|grafik|graphic|illustration|screenshot",
    re.IGNORECASE,
)
# After a wire's name, its service or desk code in lower case: dpa's regional
# services ("Hamburg (dpa/lno) –", "Hannover (dpa/lni) –", "München (dpa/lby) –"),
# its features desk ("(dpa/tmn)"), an editor's initials ("(AFP/ab)")
SERVICE = re.compile(r"[a-z]{2,4}")


def agencies_of(raw: str | None) -> tuple[list[str], str | None]:
    """'dpa/AFP' -> (['dpa', 'AFP'], 'DE'); ([], None) when any part is unknown."""
    if raw is None:
        return [], None
    folded = raw.casefold()
    if folded.strip("/. ") in RU_SIGNATURES or folded in RU_SIGNATURES:
        name = RU_SIGNATURES.get(
            folded.strip(". "), RU_SIGNATURES.get(folded.strip("/. "), "TASS")
        )
        return [name], "RU"
    names: list[str] = []
    country: str | None = None
    for part in re.split(r"\s*(?:/|,|;| and | - |&)\s*", raw.strip()):
        known = AGENCIES.get(part.casefold().strip(" .")) or _with_desk(part)
        if known is None and names and SERVICE.fullmatch(part):
            continue  # "(dpa/lno)": the wire's regional service or editor, after it
        if known is None:
            return [], None  # one unknown part: a credit or acronym, not a wire
        names.append(known[0])
        country = country or known[1]
    return list(dict.fromkeys(names)), country


def _with_desk(part: str) -> tuple[str, str | None] | None:
    """'Reuters Breakingviews' -> Reuters' entry: an agency and a desk after it."""
    words = part.strip(" .").split()
    for cut in (1, 2):
        if len(words) > cut and all(DESKS.match(w) for w in words[cut:]):
            return AGENCIES.get(" ".join(words[:cut]).casefold())
    return None


# How bylines join names: "Jane Doe, dpa", "AFP/dpa", "A und B (Reuters)", "By AP".
BYLINE_PARTS = re.compile(
    r"\s*(?:[,;/|&()]|\s(?:and|und|et|y|og|e|i)\s|\s[-–—]\s)\s*", re.IGNORECASE
)
STAFF = re.compile(r"\s+(?:staff|staff writers?|newsroom)$", re.IGNORECASE)
BYLINE_LEAD = re.compile(
    r"^\s*(?:by|von|par|por|de|di|da|av|af|door)\s+", re.IGNORECASE
)


def agencies_named(bylines: Iterable[str]) -> list[str]:
    """House names of the agencies that bylines or author fields credit.

    A short name (four letters or fewer: `AP`, `dpa`, `ANA`) counts only as the
    agency writes it, in capitals or in its own spelling, so that a person's
    first name ("Ana") is not taken for a wire.
    """
    found = []
    for byline in bylines:
        for part in BYLINE_PARTS.split(BYLINE_LEAD.sub("", byline)):
            part = STAFF.sub("", part.strip(" .:"))
            known = AGENCIES.get(part.casefold())
            if known is None:
                continue
            short = len(part) <= 4
            if short and not (part.isupper() or part == known[0]):
                continue
            found.append(known[0])
    return list(dict.fromkeys(found))
