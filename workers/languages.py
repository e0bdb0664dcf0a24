"""Languages: what an article is written in, and what the date parser knows.

Templates declare `lang="en"` on pages in German or Swahili, and many pages
declare nothing: the text decides when the declaration is missing or py3langid
(the identifier trafilatura uses; its model ships in the package) is sure it is
wrong.

Pages declare BCP 47 tags (`pt-BR`, `zh-Hant-TW`, `sr-Latn`), legacy ISO 639
codes (`iw`, `in`, `no`) or anything at all. dateparser knows a fixed set of CLDR
locales and refuses a whole call for a single code it does not know, so every
code is mapped to one it knows (the tag itself, its language with its script, its
language alone, or the current code of a legacy one) or dropped.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# ISO 639 codes since withdrawn or merged, and macrolanguages dateparser knows by
# one member: Hebrew, Indonesian, Yiddish, Javanese, Romanian, Norwegian Bokmål,
# Serbo-Croatian in Latin script.
LEGACY = {
    "iw": "he",
    "in": "id",
    "ji": "yi",
    "jw": "jv",
    "mo": "ro",
    "no": "nb",
    "sh": "sr-Latn",
}
# Chinese regions that write the traditional or the simplified script.
CHINESE_SCRIPT = {
    "tw": "Hant",
    "hk": "Hant",
    "mo": "Hant",
    "cn": "Hans",
    "sg": "Hans",
    "my": "Hans",
}


@lru_cache(maxsize=1)
def _known() -> dict[str, str]:
    """dateparser's locales, by their lower-cased code."""
    from dateparser.data import languages_info

    return {code.lower(): code for code in languages_info.language_order}


def parser_language(tag: str) -> str | None:
    """The locale dateparser knows for a declared language tag, or None."""
    parts = [p for p in tag.strip().replace("_", "-").lower().split("-") if p]
    if not parts or not parts[0].isalpha():
        return None
    language = LEGACY.get(parts[0], parts[0])
    script = next((p for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    if language == "zh" and script is None:
        script = next(
            (CHINESE_SCRIPT[p] for p in parts[1:] if p in CHINESE_SCRIPT), None
        )
    known = _known()
    for candidate in (
        "-".join(parts),
        f"{language}-{script}" if script else None,
        language,
    ):
        if candidate and candidate.lower() in known:
            return known[candidate.lower()]
    return None


@lru_cache(maxsize=1024)
def parser_languages(tags: tuple[str, ...]) -> tuple[str, ...]:
    """The known locales of `tags`, in order, each once; unknown ones dropped."""
    found = (parser_language(t) for t in tags)
    return tuple(dict.fromkeys(code for code in found if code))


MIN_DETECT_CHARS = 100  # shorter texts (captions, teasers) are not judged
SAMPLE_CHARS = 800  # as sure as 1,500 on the eval pages, at half the cost
SURE = 0.9  # normalized probability from which the text overrules a declaration


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid import langid

    return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float] | None:
    """(ISO 639-1 code, probability) of a text, or None when it is too short."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_DETECT_CHARS:
        return None
    code, probability = _identifier().classify(sample)
    return str(code), float(probability)


def article_language(declared: str | None, text: str) -> str | None:
    """The declared language, unless the text is surely in another; the text's
    language when nothing is declared."""
    base = declared.split("-")[0].lower() if declared else None
    found = detect_language(text)
    if found and (base is None or (found[1] >= SURE and found[0] != base)):
        return found[0]
    return base


# Country-code domains whose country code is not the region's ISO code.
TLD_REGION = {"uk": "GB"}
# Country-code domains sold worldwide, which say nothing of the publisher's country.
GENERIC_TLDS = {"io", "co", "me", "tv", "ai", "fm", "ly", "to", "cc", "ws", "gg", "so"}


@lru_cache(maxsize=1024)
def date_order(language: str, declared: str | None, host: str) -> str | None:
    """The order ("DMY", "MDY", "YMD") a page writes numeric dates in: that of its
    language in its region, the region from the declared tag ("en-GB") or else the
    host's country domain (".co.uk", ".com.au", ".in"); None when unknown.

    dateparser takes the order of the first language it is given only when it is
    given one: a German page read as ("de", "en") would be read month-first."""
    from dateparser.data.languages_info import language_locale_dict
    from dateparser.languages.loader import default_loader

    known = parser_language(language)
    if known is None:
        return None
    regions = {code.lower(): code for code in language_locale_dict.get(known, ())}
    tags = []
    if declared and declared.replace("_", "-").split("-")[0].lower() == language:
        tags.append(declared.replace("_", "-"))
    tld = host.rsplit(".", 1)[-1].lower()
    if tld.isalpha() and len(tld) == 2 and tld not in GENERIC_TLDS:
        tags.append(f"{known}-{TLD_REGION.get(tld, tld.upper())}")
    # the language in a region dateparser knows, else the language itself
    code = next((regions[t.lower()] for t in tags if t.lower() in regions), known)
    return default_loader.get_locale(code).info.get("date_order") or None
