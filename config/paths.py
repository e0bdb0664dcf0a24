"""Where Dateline's files are: its home (var/, config/sources), the sources
directory, and the one pattern a source id (a file name there) must match."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

SOURCES_DIR = Path(__file__).resolve().parent / "sources"  # shipped with the package
# A source id names a file under the sources directory and travels in jobs,
# manifests and archives' mappings: nothing in it may lead out of that directory.
SOURCE_ID_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


class ConfigError(ValueError):
    """A source file, a source id or a setting that cannot be used: the message
    names the file and key (or the id) and what was expected."""


def check_source_id(source_id: Any, where: str = "source id") -> str:
    """The id itself, or a ConfigError saying what an id may hold."""
    if (
        not isinstance(source_id, str)
        or not SOURCE_ID_RE.fullmatch(source_id)
        or ".." in source_id
    ):
        raise ConfigError(
            f"{where}: {source_id!r} is not a source id (lower-case letters, "
            "digits, '.', '_' and '-', starting with a letter or digit, no '..')"
        )
    return source_id


def dateline_home() -> Path:
    """Where var/ (database, private Redis, logs) and config/sources live:
    DATELINE_HOME; else the checkout this code runs from; else, installed as a
    package, the current directory (never site-packages)."""
    if os.environ.get("DATELINE_HOME"):
        return Path(os.environ["DATELINE_HOME"]).expanduser().resolve()
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "scrapy.cfg").is_file() and (checkout / "pyproject.toml").is_file():
        return checkout
    return Path.cwd()


def sources_dir() -> Path:
    """DATELINE_SOURCES_DIR; else config/sources under Dateline's home (the
    checkout, DATELINE_HOME or the current directory: `dateline init` makes
    one); else the sources shipped with the package."""
    if os.environ.get("DATELINE_SOURCES_DIR"):
        return Path(os.environ["DATELINE_SOURCES_DIR"])
    local = dateline_home() / "config" / "sources"
    return local if local.is_dir() else SOURCES_DIR
