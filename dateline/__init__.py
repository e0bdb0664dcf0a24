"""Dateline, a news ingestion pipeline: Scrapy crawls, trafilatura extracts, RQ
workers normalize, deduplicate and store one record per article.

As a library: `dateline.extract(html, url)`, `dateline.parse_dateline(text)`,
`dateline.parse_credits(text)` and `dateline.resolve_place(name)`
(`dateline.library`). The package is also the command line (`dateline.cli`) and
what each command runs. Importing it is light: nothing heavy (trafilatura, the
gazetteer, Scrapy, a database driver) loads until a function or command needs it.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

__all__ = ["extract", "parse_credits", "parse_dateline", "resolve_place"]

try:
    __version__ = version("dateline")
except PackageNotFoundError:  # a checkout run without installing
    __version__ = "0+unknown"


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module("dateline.library"), name)
    raise AttributeError(f"module 'dateline' has no attribute {name!r}")
