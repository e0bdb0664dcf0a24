"""Local pages: saved HTML files (plain or .gz) run through the stages or enqueued.

`extract` runs extract and normalize in this process, one JSON record per input,
no Redis or storage; `ingest` enqueues the files as if just fetched. A manifest is
JSON lines {"path", "url", "fetched_at"?, "source_id"?}.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config.loader import AUTO_TIMEZONE, SourceConfig
from workers.models import Page, parse_utc


@dataclass(frozen=True)
class LocalInput:
    path: str
    url: str
    fetched_at: datetime
    source_id: str | None


def read_manifest(path: Path) -> Iterator[LocalInput]:
    base = path.parent
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            page_path = Path(row["path"])
            if not page_path.is_absolute():
                page_path = base / page_path
            yield LocalInput(
                str(page_path),
                row.get("url") or page_path.as_uri(),
                parse_utc(row.get("fetched_at")) or datetime.now(UTC),
                row.get("source_id"),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(
                f"{path}: line {number}: expected a JSON object with "
                f"'path' and 'url' ({exc})"
            ) from None


def inputs_from_args(
    paths: list[str], url: str | None, fetched_at: datetime | None
) -> Iterator[LocalInput]:
    when = fetched_at or datetime.now(UTC)
    for path in paths:
        yield LocalInput(path, url or Path(path).resolve().as_uri(), when, None)


def read_page(item: LocalInput, source_id: str) -> Page:
    raw = Path(item.path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return Page(
        url=item.url,
        final_url=item.url,
        status=200,
        body=raw,
        fetched_at=item.fetched_at,
        source_id=source_id,
        discovered_via=f"local {item.path}",
    )


def extract_local(item: LocalInput, source: SourceConfig) -> dict[str, Any]:
    """One input -> {"input", "status", ...record fields} or an error message."""
    from workers.dedupe import fingerprint
    from workers.extract import extract_article
    from workers.models import StoredArticle
    from workers.normalize import normalize_article

    timings: dict[str, float] = {}
    try:
        page = read_page(item, source.source_id)
        started = time.perf_counter()
        extracted = extract_article(
            page.body, page.url, page.declared_charset, page.fetched_at
        )
        timings["extract_ms"] = _ms_since(started)
        if extracted is None:
            return {
                "input": item.path,
                "url": item.url,
                "status": "no_article",
                "timings": timings,
            }
        started = time.perf_counter()
        article = normalize_article(extracted, source, page.fetched_at, page.url)
        timings["normalize_ms"] = _ms_since(started)
    except Exception as exc:  # one bad file must not stop a batch of thousands
        return {
            "input": item.path,
            "url": item.url,
            "status": "error",
            "error": f"{type(exc).__name__}: {exc}",
        }
    found = fingerprint(article)
    record = StoredArticle(
        article_id=found.article_id,
        content_hash=found.content_hash,
        similarity=None,
        cluster_id=found.article_id,
        duplicate_of=None,
        dup_kind=None,
        article=article,
        stored_at=datetime.now(UTC),
    ).to_record()
    record.pop("stored_at")
    return {"input": item.path, "status": "ok", **record, "timings": timings}


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


def adhoc_source(source_id: str = "local") -> SourceConfig:
    """The source assumed for files given without one: English, any domain, dates
    read in the zone of each page's country-code domain (UTC for .com)."""
    return SourceConfig(
        source_id=source_id,
        name="Local files",
        homepage="http://localhost/",
        allowed_domains=(),
        languages=("en",),
        timezone=AUTO_TIMEZONE,
        sections=(),
        feeds=(),
    )
