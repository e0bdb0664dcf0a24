"""`dateline extract` and `dateline ingest`: saved pages (plain, .gz, WARC).

`extract` runs the stage chain in this process and prints one JSON record per
input, with no Redis or database; `ingest` enqueues the pages as if just fetched.
A manifest is JSON lines {"path", "url", "fetched_at"?, "source_id"?}.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config.loader import load_source, load_sources
from config.paths import SOURCE_ID_RE
from config.source import SourceConfig, adhoc_source, domain_source_id
from dateline.runtime import UsageError, check_pair, connect_redis
from workers import settings
from workers.models import Page, parse_utc
from workers.urls import page_key


@dataclass(frozen=True)
class LocalInput:
    path: str
    url: str
    fetched_at: datetime
    source_id: str | None


def cmd_extract(args: argparse.Namespace) -> int:
    """One JSON record per input; exit 1 when no input could be read at all."""
    sources = _Sources(args.source)
    if args.fetch:
        from dateline.fetch import fetch_pages

        results = fetch_pages(args.paths, sources.get(None), args.allow_private_hosts)
        records: Iterable[dict[str, Any]] = (
            extract_page(page, sources.get(None)) if page else failure
            for page, failure in results
        )
    else:
        records = (
            extract_local(item, sources.get(item.source_id)) for item in _inputs(args)
        )
    read = unread = 0  # each record printed as it is made: a batch of thousands
    for record in records:  # streams, and holds no more than one in memory
        print(json.dumps(record, ensure_ascii=False), flush=True)
        read += 1
        unread += record["status"] in ("error", "too_large")
    return 1 if read and unread == read else 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from dateline.warc import WarcCounts, is_warc, read_warc
    from workers.queueing import IngestQueue

    sources = _Sources(args.source)
    queue = IngestQueue.from_settings(connect_redis())
    check_pair(queue.redis)
    batch: list[Page] = []
    count = 0
    warc = WarcCounts()
    configured: list[SourceConfig] = []  # read once, at the first WARC
    unread: list[str] = []  # pages too large or broken: said, and the exit says so
    progress = _Progress()
    for item in _inputs(args):
        try:
            if is_warc(item.path):
                fallback = sources.get(item.source_id) if sources.named(item) else None
                configured = configured or list(load_sources().values())
                pages: Iterator[Page] = read_warc(
                    item.path,
                    _by_domain(configured, fallback, args.any_source),
                    warc,
                    settings.MAX_PAGE_BYTES,
                )
            elif not sources.named(item):
                raise UsageError(
                    f"{item.path}: no source: give --source or a source_id in the "
                    "manifest"
                )
            else:
                try:
                    pages = iter([read_page(item, sources.get(item.source_id))])
                except (PageTooLarge, gzip.BadGzipFile, EOFError) as exc:
                    print(
                        f"dateline: warning: skipped {item.path}: {exc}",
                        file=sys.stderr,
                    )
                    unread.append(item.path)
                    continue
            for page in pages:
                progress.tick(item.path, warc)
                batch.append(page)
                if len(batch) >= 200:
                    count += queue.enqueue(batch, force=True)
                    batch = []
        except OSError as exc:
            raise UsageError(f"{item.path}: {exc.strerror or exc}") from None
    count += queue.enqueue(batch, force=True)
    for damaged in warc.damaged:
        print(
            f"dateline: warning: damaged WARC record skipped: {damaged}",
            file=sys.stderr,
        )
    if warc.pages or warc.skipped or warc.damaged:
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(warc.skipped.items()))
        print(
            f"WARC: {warc.pages} HTML page(s) read; skipped: {skipped or 'none'}"
            + (f"; {len(warc.damaged)} damaged record(s)" if warc.damaged else ""),
            file=sys.stderr,
        )
    print(f"{count} page(s) enqueued on '{settings.QUEUE_NAME}'", file=sys.stderr)
    if unread:
        print(f"dateline: {len(unread)} page(s) not enqueued", file=sys.stderr)
    # the good pages and records are queued; some were not
    return 1 if warc.damaged or unread else 0


def extract_local(item: LocalInput, source: SourceConfig) -> dict[str, Any]:
    """One input -> {"input", "status", ...record fields} or an error message."""
    try:
        page = read_page(item, source)
    except PageTooLarge as exc:
        return failure(item.path, item.url, str(exc), "too_large")
    except Exception as exc:  # one bad file must not stop a batch of thousands
        return failure(item.path, item.url, f"{type(exc).__name__}: {exc}")
    return extract_page(page, source, item.path)


def failure(name: str, url: str, error: str, status: str = "error") -> dict[str, Any]:
    """The record of an input that gave no page or no verdict."""
    return {"input": name, "url": url, "status": status, "error": error}


def extract_page(
    page: Page, source: SourceConfig, name: str | None = None
) -> dict[str, Any]:
    """One page -> {"input", "status", ...record fields} or an error message."""
    from workers.models import SkippedPage, declared_record
    from workers.stages import prepare_article

    name = name or page.url
    try:
        prepared = prepare_article(page, source)
    except Exception as exc:  # one bad file must not stop a batch of thousands
        return failure(name, page.url, f"{type(exc).__name__}: {exc}")
    if isinstance(prepared, SkippedPage):
        found = {"input": name, "url": page.url, "status": prepared.outcome}
        if prepared.declared is not None:  # no article, but a title, a date...
            found |= declared_record(prepared.declared)
        return found
    record = prepared.record().to_record()
    record.pop("stored_at")
    return {"input": name, "status": "ok", **record, "timings": prepared.timings}


class PageTooLarge(ValueError):
    """A local page over the page size budget (a .gz may be a bomb)."""


def read_capped(path: str, limit: int) -> bytes:
    """A file's bytes, inflated when gzipped, never more than `limit` of them
    in memory: a bigger page (or a .gz bomb) raises PageTooLarge."""
    if path == "-":  # standard input
        head = sys.stdin.buffer.read(limit + 1)
        gzipped = head[:2] == b"\x1f\x8b"
        raw = (
            gzip.GzipFile(fileobj=io.BytesIO(head)).read(limit + 1) if gzipped else head
        )
    else:
        with open(path, "rb") as fh:  # peeked, not sought: a pipe reads too
            gzipped = fh.peek(2)[:2] == b"\x1f\x8b"
            stream: Any = gzip.GzipFile(fileobj=fh) if gzipped else fh
            raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise PageTooLarge(
            f"larger than {limit} bytes"
            + (" once decompressed" if gzipped else "")
            + " (DATELINE_MAX_PAGE_BYTES)"
        )
    return bytes(raw)


def read_page(item: LocalInput, source: SourceConfig) -> Page:
    raw = read_capped(item.path, settings.MAX_PAGE_BYTES)
    return Page(
        url=item.url,
        final_url=item.url,
        status=200,
        body=raw,
        fetched_at=item.fetched_at,
        source_id=source.source_id,
        url_key=page_key(item.url, source),
        discovered_via=f"local {item.path}",
    )


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


def _inputs(args: argparse.Namespace) -> list[LocalInput]:
    fetched_at = _fetched_at(getattr(args, "fetched_at", None))
    url = getattr(args, "url", None)
    for path in args.paths:
        if path.startswith(("http://", "https://")) and not Path(path).exists():
            raise UsageError(f"{path} is a URL: `dateline extract --fetch URL`")
    items = [
        LocalInput(
            path,
            url
            or (
                "http://localhost/stdin"
                if path == "-"
                else Path(path).resolve().as_uri()
            ),
            fetched_at,
            None,
        )
        for path in args.paths
    ]
    if args.manifest:
        try:
            items += list(read_manifest(Path(args.manifest)))
        except (OSError, ValueError) as exc:
            raise UsageError(str(exc)) from None
    if not items:
        raise UsageError("give PATHs or --manifest")
    return items


class _Progress:
    """A line every few seconds on a long archive: pages, megabytes, pages/s."""

    def __init__(self, every: float = 5.0) -> None:
        self.every, self.started = every, time.monotonic()
        self.last = self.started

    def tick(self, path: str, warc: Any) -> None:
        now = time.monotonic()
        if now - self.last < self.every:
            return
        self.last = now
        logging.getLogger("dateline.progress").info(
            "%s: %d pages, %.0f MB read, %.0f pages/s",
            path,
            warc.pages,
            warc.position / 1e6,
            warc.pages / max(now - self.started, 1e-9),
        )


def _file_url(path: str) -> str:
    return "http://localhost/stdin" if path == "-" else Path(path).resolve().as_uri()


def _fetched_at(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--fetched-at: expected an ISO time, got {text!r}") from None
    if when.tzinfo is None:
        raise UsageError("--fetched-at: give a timezone, e.g. 2024-03-19T10:00Z")
    return when


class _Sources:
    """Sources by id, loaded once; `--source` for inputs that name none, and
    the ad hoc source when neither does."""

    def __init__(self, default: str | None) -> None:
        self.default = default
        self.loaded: dict[str, SourceConfig] = {}

    def named(self, item: LocalInput) -> bool:
        return bool(item.source_id or self.default)

    def get(self, source_id: str | None) -> SourceConfig:
        key = source_id or self.default or ""
        if key not in self.loaded:
            self.loaded[key] = load_source(key) if key else adhoc_source()
        return self.loaded[key]


def _by_domain(
    configured: list[SourceConfig],
    fallback: SourceConfig | None,
    any_source: bool = False,
) -> Callable[[str], SourceConfig | None]:
    """URL -> the configured source whose domains hold it, else `fallback`, else
    (with `any_source`) a source made up for its registered domain."""
    made: dict[str, SourceConfig] = {}

    def pick(url: str) -> SourceConfig | None:
        found = next(
            (c for c in configured if c.allowed_domains and c.is_on_domain(url)), None
        )
        if found or fallback or not any_source:
            return found or fallback
        source_id = domain_source_id(url)
        if source_id is None or not SOURCE_ID_RE.fullmatch(source_id):
            return None
        if source_id not in made:
            made[source_id] = adhoc_source(source_id)
        return made[source_id]

    return pick
