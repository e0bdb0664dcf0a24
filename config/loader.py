"""News source definitions: one TOML file per source, validated when loaded.

A source file says WHAT to crawl (feeds, sitemaps, section pages and the URL
patterns of its articles) and how to read it (languages, timezone, date order).
Every key is checked; an error names the file, the key and what was expected.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from config.paths import (
    ConfigError,
    check_source_id,
    sources_dir,
)
from config.source import AUTO_TIMEZONE, Limits, SourceConfig, url_patterns

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
DATE_ORDERS = ("DMY", "MDY", "YMD")


REQUIRED: Any = object()  # a key's default when it has none: it must be given


@dataclass(frozen=True)
class Key:
    """One key of a source file: what it holds, how it is checked, where it goes."""

    name: str
    expected: str  # what the error message says was expected
    check: Callable[[Any], bool]
    default: Any = REQUIRED
    field: str = ""  # the SourceConfig (or Limits) field; the key's own name if ""
    convert: Callable[[Any], Any] = lambda value: value


def strings(
    name: str,
    expected: str,
    item_ok: Callable[[str], Any],
    required: bool = False,
    field: str = "",
) -> Key:
    """A key holding a list of strings (non-empty when required)."""

    def ok(value: Any) -> bool:
        return (
            isinstance(value, list)
            and all(isinstance(i, str) and bool(item_ok(i)) for i in value)
            and (bool(value) or not required)
        )

    wanted = f"a {'non-empty ' if required else ''}list of {expected}"
    default = REQUIRED if required else ()
    return Key(name, wanted, ok, default, field, tuple)


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_regex(value: str) -> bool:
    try:
        url_patterns((value,))
    except Exception:  # re2.error: not RE2 syntax
        return False
    return True


def _is_timezone(value: Any) -> bool:
    if not isinstance(value, str) or not value:
        return False
    if value == AUTO_TIMEZONE:
        return True
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _number(
    kind: type[float],
    minimum: float = 0,
    above: bool = True,
    maximum: float = float("inf"),
) -> Callable[[Any], bool]:
    """A number (an int also passes for a float) above, or at least, `minimum`,
    and at most `maximum` (an absurd value is a mistake, not a wish)."""
    kinds = (kind, int)

    def check(value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, kinds):
            return False
        return bool(value > minimum if above else value >= minimum) and (
            value <= maximum
        )

    return check


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


SOURCE_KEYS = (
    Key("name", "a non-empty string", lambda v: isinstance(v, str) and bool(v.strip())),
    Key("homepage", "an http(s) URL", lambda v: isinstance(v, str) and _is_url(v)),
    strings(
        "allowed_domains",
        "host names such as 'example.com'",
        lambda v: v and "/" not in v,
        required=True,
    ),
    strings("languages", "ISO 639-1 codes such as 'en'", LANGUAGE_RE.match, True),
    Key(
        "timezone",
        "an IANA timezone name such as 'Europe/Kyiv', or 'auto'",
        _is_timezone,
    ),
    strings("feeds", "RSS/Atom feed URLs", _is_url),
    strings("sitemaps", "sitemap URLs", _is_url),
    strings("sections", "section page URLs", _is_url),
    strings("keep_query_params", "query parameter names", bool),
    Key(
        "date_order", "one of " + ", ".join(DATE_ORDERS), DATE_ORDERS.__contains__, None
    ),
    Key(
        "max_age_days",
        "a whole number of days from 1 to 36500",
        _number(int, maximum=36500),
        7,
    ),
    Key(
        "revisit_hours",
        "a whole number of hours from 0 to 87600",
        _number(int, above=False, maximum=87600),
        0,
    ),
    Key(
        "recorded_retention_days",
        "a whole number of days from 1 to 36500",
        _number(int, maximum=36500),
        365,
    ),
    Key("enabled", "true or false", _is_bool, True),
    Key("allow_private_hosts", "true or false", _is_bool, False),
)
RE2_EXPECTED = "regular expressions (RE2 syntax: no lookaround, no backreferences)"
ARTICLE_KEYS = (
    strings("allow", RE2_EXPECTED, _is_regex, field="article_allow"),
    strings("deny", RE2_EXPECTED, _is_regex, field="article_deny"),
)
_LIMITS = Limits()
LIMIT_KEYS = (
    Key(
        "max_pages",
        "a whole number from 1 to 1000000",
        _number(int, maximum=1_000_000),
        _LIMITS.max_pages,
    ),
    Key(
        "concurrency_per_host",
        "a whole number from 1 to 64",
        _number(int, maximum=64),
        _LIMITS.concurrency_per_host,
    ),
    Key(
        "download_delay",
        "a number of seconds from 0 to 3600",
        _number(float, above=False, maximum=3600),
        _LIMITS.download_delay,
        convert=float,
    ),
    Key(
        "download_timeout",
        "a number of seconds above 0, at most 600",
        _number(float, maximum=600),
        _LIMITS.download_timeout,
        convert=float,
    ),
    Key(
        "max_page_bytes",
        "a whole number of bytes from 1 to 536870912 (512 MiB)",
        _number(int, maximum=512 * 1024 * 1024),
        _LIMITS.max_page_bytes,
    ),
    Key(
        "max_listing_requests",
        "a whole number from 1 to 100000",
        _number(int, maximum=100_000),
        _LIMITS.max_listing_requests,
    ),
    Key(
        "max_sitemap_depth",
        "a whole number from 1 to 10",
        _number(int, maximum=10),
        _LIMITS.max_sitemap_depth,
    ),
)
TABLES = {  # sub-tables: (what the error says, their keys)
    "articles": ("a table with 'allow' and 'deny' lists", ARTICLE_KEYS),
    "limits": ("a table", LIMIT_KEYS),
}


def read_table(
    path: Path, table: Mapping[str, Any], keys: tuple[Key, ...], prefix: str = ""
) -> dict[str, Any]:
    """The values of `keys` in `table`, checked, by field name; any other key in
    the table is an error naming it."""

    def fail(key: str, expected: str) -> ConfigError:
        return ConfigError(f"{path}: key '{prefix}{key}': expected {expected}")

    known = {k.name for k in keys} | (set(TABLES) if not prefix else set())
    for name in table:
        if name not in known:
            raise fail(name, f"one of the known keys ({', '.join(sorted(known))})")
    values = {}
    for key in keys:
        if key.name not in table:
            if key.default is REQUIRED:
                raise fail(key.name, key.expected + " (the key is required)")
            values[key.field or key.name] = key.default
            continue
        value = table[key.name]
        if not key.check(value):
            raise fail(key.name, f"{key.expected}, got {value!r}")
        values[key.field or key.name] = key.convert(value)
    return values


def parse_source(path: Path, data: Mapping[str, Any]) -> SourceConfig:
    """Validate the parsed TOML of one source file into a SourceConfig."""
    source_id = check_source_id(path.stem, f"{path}: the file name")
    values = read_table(path, data, SOURCE_KEYS)
    tables: dict[str, dict[str, Any]] = {}
    for name, (expected, keys) in TABLES.items():
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(
                f"{path}: key '{name}': expected {expected}, got {table!r}"
            )
        tables[name] = read_table(path, table, keys, f"{name}.")
    cfg = SourceConfig(
        source_id=source_id,
        **values,
        **tables["articles"],
        limits=Limits(**tables["limits"]),
        path=str(path),
    )
    _check_whole(path, cfg)
    return cfg


def _check_whole(path: Path, cfg: SourceConfig) -> None:
    """What no single key can say: something to crawl, and where it may go."""
    if not (cfg.feeds or cfg.sitemaps or cfg.sections):
        raise ConfigError(
            f"{path}: key 'feeds': expected at least one of 'feeds', "
            "'sitemaps' or 'sections' to crawl from"
        )
    for key in ("homepage", "feeds", "sitemaps", "sections"):
        urls = getattr(cfg, key)
        for url in [urls] if isinstance(urls, str) else urls:
            if not cfg.is_fetchable(url):
                raise ConfigError(
                    f"{path}: key '{key}': expected a public http(s) URL, got {url!r} "
                    "(set allow_private_hosts = true to crawl an internal site)"
                )
    if cfg.sections and not cfg.article_allow:
        raise ConfigError(
            f"{path}: key 'articles.allow': expected article URL patterns "
            "when 'sections' is set (which links on a section are articles?)"
        )


def load_source_file(path: Path) -> SourceConfig:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such source file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_source(path, data)


def load_sources(directory: Path | None = None) -> dict[str, SourceConfig]:
    """Every source in `directory` (default: DATELINE_SOURCES_DIR or config/sources)."""
    directory = directory or sources_dir()
    if not directory.is_dir():
        raise ConfigError(f"{directory}: no such sources directory")
    return {p.stem: load_source_file(p) for p in sorted(directory.glob("*.toml"))}


def load_source(source_id: str, directory: Path | None = None) -> SourceConfig:
    check_source_id(source_id)
    directory = directory or sources_dir()
    path = directory / f"{source_id}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.toml")))
        raise ConfigError(f"{path}: no such source {source_id!r} (known: {known})")
    return load_source_file(path)
