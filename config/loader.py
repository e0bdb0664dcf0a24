"""News source definitions: one TOML file per source, validated when loaded.

A source file says WHAT to crawl (feeds, sitemaps, section pages and the URL
patterns of its articles) and how to read it (languages, timezone, date order).
Every key is checked; an error names the file, the key and what was expected.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SOURCES_DIR = Path(__file__).resolve().parent / "sources"
SOURCE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
DATE_ORDERS = ("DMY", "MDY", "YMD")


class ConfigError(ValueError):
    """A source file is missing, unreadable or holds a bad value."""


@dataclass(frozen=True)
class Limits:
    max_pages: int = 1000
    concurrency_per_host: int = 4
    download_delay: float = 0.25
    download_timeout: float = 30.0
    max_page_bytes: int = 10 * 1024 * 1024


# A source whose timezone is "auto" is read in the zone of its pages' country-code
# domain (.de: Europe/Berlin), or UTC where the domain names no country.
AUTO_TIMEZONE = "auto"


@dataclass(frozen=True)
class SourceConfig:
    source_id: str
    name: str
    homepage: str
    allowed_domains: tuple[str, ...]
    languages: tuple[str, ...]
    timezone: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    article_allow: tuple[str, ...] = ()
    article_deny: tuple[str, ...] = ()
    keep_query_params: tuple[str, ...] = ()
    date_order: str | None = None
    max_age_days: int = 7
    revisit_hours: int = 0  # re-fetch a still-listed article this long after; 0: never
    enabled: bool = True
    allow_private_hosts: bool = False  # crawl loopback/private addresses (the demo)
    limits: Limits = field(default_factory=Limits)
    path: str = ""

    def is_article_url(self, url: str) -> bool:
        """True when `url` matches an allow pattern (or there are none) and no deny."""
        if any(re.search(p, url) for p in self.article_deny):
            return False
        return not self.article_allow or any(
            re.search(p, url) for p in self.article_allow
        )

    def is_fetchable(self, url: str) -> bool:
        """http(s) only, and no loopback, private or link-local host unless allowed:
        a feed must not steer the crawler into the network it runs in."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        return self.allow_private_hosts or not is_private_host(parts.hostname)

    def is_on_domain(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)


def adhoc_source(source_id: str = "local") -> SourceConfig:
    """The source assumed for pages given without one: English, any domain, dates
    read in the zone of each page's country-code domain (UTC for .com)."""
    return SourceConfig(
        source_id=source_id,
        name="Local files",
        homepage="http://localhost/",
        allowed_domains=(),
        languages=("en",),
        timezone=AUTO_TIMEZONE,
    )


def is_private_host(host: str) -> bool:
    """Loopback, private, link-local or reserved addresses, and local-only names.
    (Names are not resolved here: a public name pointing inward is not caught.)"""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
        or address.is_multicast
    )


class _Reader:
    """Pulls typed values out of one table of one file, naming both on error."""

    def __init__(self, path: Path, table: Mapping[str, Any], prefix: str = "") -> None:
        self.path, self.table, self.prefix = path, table, prefix
        self.used: set[str] = set()

    def fail(self, key: str, expected: str, got: Any = None) -> ConfigError:
        shown = "" if got is None else f", got {got!r}"
        return ConfigError(
            f"{self.path}: key '{self.prefix}{key}': expected {expected}{shown}"
        )

    def get(
        self,
        key: str,
        expected: str,
        check: Callable[[Any], bool],
        default: Any = ...,
        required: bool = False,
    ) -> Any:
        self.used.add(key)
        if key not in self.table:
            if required or default is ...:
                raise self.fail(key, expected + " (the key is required)")
            return default
        value = self.table[key]
        if not check(value):
            raise self.fail(key, expected, value)
        return value

    def strings(
        self,
        key: str,
        expected: str,
        item_ok: Callable[[str], bool],
        required: bool = False,
    ) -> tuple[str, ...]:
        def ok(v: Any) -> bool:
            return isinstance(v, list) and all(
                isinstance(i, str) and item_ok(i) for i in v
            )

        values = self.get(
            key, f"a list of {expected}", ok, default=[], required=required
        )
        if required and not values:
            raise self.fail(key, f"a non-empty list of {expected}")
        return tuple(values)

    def reject_unknown(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            raise self.fail(
                unknown[0],
                "one of the known keys (" + ", ".join(sorted(self.used)) + ")",
            )


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_regex(value: str) -> bool:
    try:
        re.compile(value)
    except re.error:
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


def _positive(kind: type) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        number = isinstance(value, kind | int) and not isinstance(value, bool)
        return number and bool(value > 0)

    return check


def _read_limits(path: Path, table: Any) -> Limits:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: key 'limits': expected a table, got {table!r}")
    r, d = _Reader(path, table, "limits."), Limits()
    limits = Limits(
        max_pages=r.get("max_pages", "a positive integer", _positive(int), d.max_pages),
        concurrency_per_host=r.get(
            "concurrency_per_host",
            "a positive integer",
            _positive(int),
            d.concurrency_per_host,
        ),
        download_delay=float(
            r.get(
                "download_delay",
                "a number of seconds >= 0",
                lambda v: isinstance(v, int | float) and v >= 0,
                d.download_delay,
            )
        ),
        download_timeout=float(
            r.get(
                "download_timeout",
                "a positive number of seconds",
                _positive(float),
                d.download_timeout,
            )
        ),
        max_page_bytes=r.get(
            "max_page_bytes", "a positive integer", _positive(int), d.max_page_bytes
        ),
    )
    r.reject_unknown()
    return limits


def parse_source(path: Path, data: Mapping[str, Any]) -> SourceConfig:
    """Validate the parsed TOML of one source file into a SourceConfig."""
    source_id = path.stem
    if not SOURCE_ID_RE.match(source_id):
        raise ConfigError(
            f"{path}: file name: expected a source id of lower-case "
            f"letters, digits, '-' or '_', got {source_id!r}"
        )
    r = _Reader(path, data)
    url = "an http(s) URL"
    articles = r.get(
        "articles",
        "a table with 'allow' and 'deny' lists",
        lambda v: isinstance(v, dict),
        {},
    )
    ar = _Reader(path, articles, "articles.")
    cfg = SourceConfig(
        source_id=source_id,
        name=r.get(
            "name",
            "a non-empty string",
            lambda v: isinstance(v, str) and bool(v.strip()),
            required=True,
        ),
        homepage=r.get(
            "homepage", url, lambda v: isinstance(v, str) and _is_url(v), required=True
        ),
        allowed_domains=r.strings(
            "allowed_domains",
            "host names such as 'example.com'",
            lambda v: bool(v) and "/" not in v,
            required=True,
        ),
        languages=r.strings(
            "languages",
            "ISO 639-1 codes such as 'en'",
            lambda v: bool(LANGUAGE_RE.match(v)),
            required=True,
        ),
        timezone=r.get(
            "timezone",
            "an IANA timezone name such as 'Europe/Kyiv', or 'auto'",
            _is_timezone,
            required=True,
        ),
        feeds=r.strings("feeds", "RSS/Atom feed URLs", _is_url),
        sitemaps=r.strings("sitemaps", "sitemap URLs", _is_url),
        sections=r.strings("sections", "section page URLs", _is_url),
        article_allow=ar.strings("allow", "regular expressions", _is_regex),
        article_deny=ar.strings("deny", "regular expressions", _is_regex),
        keep_query_params=r.strings(
            "keep_query_params", "query parameter names", lambda v: bool(v)
        ),
        date_order=r.get(
            "date_order",
            "one of " + ", ".join(DATE_ORDERS),
            lambda v: v in DATE_ORDERS,
            None,
        ),
        max_age_days=r.get(
            "max_age_days", "a positive integer (days)", _positive(int), 7
        ),
        revisit_hours=r.get(
            "revisit_hours",
            "an integer >= 0 (hours)",
            lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
            0,
        ),
        enabled=r.get("enabled", "true or false", lambda v: isinstance(v, bool), True),
        allow_private_hosts=r.get(
            "allow_private_hosts", "true or false", lambda v: isinstance(v, bool), False
        ),
        limits=_read_limits(path, r.get("limits", "a table", lambda v: True, {})),
        path=str(path),
    )
    ar.reject_unknown()
    r.reject_unknown()
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
    return cfg


def load_source_file(path: Path) -> SourceConfig:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such source file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_source(path, data)


def sources_dir() -> Path:
    return Path(os.environ.get("DATELINE_SOURCES_DIR") or SOURCES_DIR)


def load_sources(directory: Path | None = None) -> dict[str, SourceConfig]:
    """Every source in `directory` (default: DATELINE_SOURCES_DIR or config/sources)."""
    directory = directory or sources_dir()
    if not directory.is_dir():
        raise ConfigError(f"{directory}: no such sources directory")
    return {p.stem: load_source_file(p) for p in sorted(directory.glob("*.toml"))}


def load_source(source_id: str, directory: Path | None = None) -> SourceConfig:
    directory = directory or sources_dir()
    path = directory / f"{source_id}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.toml")))
        raise ConfigError(f"{path}: no such source {source_id!r} (known: {known})")
    return load_source_file(path)
