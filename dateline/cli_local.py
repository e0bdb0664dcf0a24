"""Commands on local pages: extract (no Redis, no database) and ingest."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from config.loader import SourceConfig, load_source, load_sources
from dateline.context import (
    UsageError,
    connect_redis,
)
from workers import settings


def _local_inputs(args: argparse.Namespace) -> list[Any]:
    from dateline.local import inputs_from_args, read_manifest

    fetched_at = None
    if getattr(args, "fetched_at", None):
        try:
            fetched_at = datetime.fromisoformat(args.fetched_at.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(
                f"--fetched-at: expected an ISO time, got {args.fetched_at!r}"
            ) from None
        if fetched_at.tzinfo is None:
            raise UsageError("--fetched-at: give a timezone, e.g. 2024-03-19T10:00Z")
    items = list(inputs_from_args(args.paths, getattr(args, "url", None), fetched_at))
    if args.manifest:
        try:
            items += list(read_manifest(Path(args.manifest)))
        except (OSError, ValueError) as exc:
            raise UsageError(str(exc)) from None
    if not items:
        raise UsageError("give PATHs or --manifest")
    return items


def _source_for(source_id: str | None, cache: dict[str, SourceConfig]) -> SourceConfig:
    from dateline.local import adhoc_source

    key = source_id or ""
    if key not in cache:
        cache[key] = load_source(source_id) if source_id else adhoc_source()
    return cache[key]


def cmd_extract(args: argparse.Namespace) -> int:
    from dateline.local import extract_local

    items = _local_inputs(args)
    sources: dict[str, SourceConfig] = {}
    for item in items:
        source = _source_for(item.source_id or args.source, sources)
        print(json.dumps(extract_local(item, source), ensure_ascii=False), flush=False)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from dateline.local import read_page
    from dateline.warc import WarcCounts, is_warc, read_warc
    from workers.dedupe import page_key
    from workers.queueing import IngestQueue

    items = _local_inputs(args)
    sources: dict[str, SourceConfig] = {}
    queue = IngestQueue.from_settings(connect_redis())
    batch: list[Any] = []
    count = 0
    warc = WarcCounts()

    def add(page: Any, source: SourceConfig) -> None:
        nonlocal count, batch
        batch.append((page, page_key(page.url, source)))
        if len(batch) >= 200:
            count += queue.enqueue(batch, force=True)
            batch = []

    for item in items:
        if is_warc(item.path):
            fallback = (
                _source_for(item.source_id or args.source, sources)
                if (item.source_id or args.source)
                else None
            )
            by_domain = _source_by_domain(fallback)
            try:
                for page, source in read_warc(
                    item.path, by_domain, warc, settings.MAX_PAGE_BYTES
                ):
                    add(page, source)
            except OSError as exc:
                raise UsageError(f"{item.path}: {exc.strerror or exc}") from None
            continue
        sid = item.source_id or args.source
        if not sid:
            raise UsageError(
                f"{item.path}: no source: give --source or a source_id in the manifest"
            )
        source = _source_for(sid, sources)
        try:
            add(read_page(item, source.source_id), source)
        except OSError as exc:
            raise UsageError(f"{item.path}: {exc.strerror or exc}") from None
    count += queue.enqueue(batch, force=True)
    if warc.pages or warc.skipped:
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(warc.skipped.items()))
        print(
            f"WARC: {warc.pages} HTML page(s) read; skipped: {skipped or 'none'}",
            file=sys.stderr,
        )
    print(f"{count} page(s) enqueued on '{settings.QUEUE_NAME}'", file=sys.stderr)
    return 0


def _source_by_domain(fallback: SourceConfig | None) -> Any:
    """URL -> the configured source whose domains hold it, else `fallback`."""
    configured = list(load_sources().values())

    def pick(url: str) -> SourceConfig | None:
        found = next(
            (c for c in configured if c.allowed_domains and c.is_on_domain(url)), None
        )
        return found or fallback

    return pick
