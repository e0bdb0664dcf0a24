"""Back-fills from WARC files (warcio): Common Crawl's news archive, a site's own.

Each `response` record with a 200 status and an HTML body becomes a Page, dated by
its WARC-Date (so relative dates and the fetch time are the archive's, not now),
with the charset its HTTP header declared. Other records are counted, not read.

An archive is read whole or record by record, never half a record: a record cut
short (a truncated download) or one that cannot be parsed is skipped and named by
its byte offset, and reading resumes at the next record (the next gzip member of a
`.warc.gz`, the next `WARC/1.` line of a plain `.warc`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from config.source import SourceConfig
from workers.models import Page, charset_of
from workers.urls import page_key


@dataclass
class WarcCounts:
    pages: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    damaged: list[str] = field(default_factory=list)  # "path at byte N: why"
    position: int = 0  # bytes of the current file read so far

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def is_warc(path: str) -> bool:
    return path.endswith((".warc", ".warc.gz"))


def read_warc(
    path: str,
    source_for: Callable[[str], SourceConfig | None],
    counts: WarcCounts,
    max_bytes: int,
) -> Iterator[Page]:
    """Pages of one WARC file, each of the source its URL belongs to; damaged
    records skipped and noted in `counts.damaged`."""
    with open(path, "rb") as stream:
        gzipped = stream.read(2) == b"\x1f\x8b"
        start: int | None = 0
        while start is not None:
            stream.seek(start)
            records = ArchiveIterator(stream, check_digests=True)
            try:
                for record in records:
                    page = _page(record, path, source_for, counts, max_bytes)
                    counts.position = stream.tell()
                    if page is not None:
                        counts.pages += 1
                        yield page
                start = None
            except Exception as exc:  # warcio, zlib, a malformed header, _Damaged
                # the record being read starts where the last one read ended
                at = records.offset
                why = str(exc) if isinstance(exc, _Damaged) else type(exc).__name__
                counts.damaged.append(f"{path} at byte {at}: {why}")
                start = _next_record(stream, at, gzipped)


class _Damaged(Exception):
    """A record cut short, or whose digest does not match its bytes."""


def _page(
    record: Any,
    path: str,
    source_for: Callable[[str], SourceConfig | None],
    counts: WarcCounts,
    max_bytes: int,
) -> Page | None:
    """The record's page, or None for a record that is none (counted); raises
    _Damaged for a record cut short or whose digest fails."""
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    status = record.http_headers.get_statuscode() if record.http_headers else None
    ctype = (
        (record.http_headers and record.http_headers.get_header("Content-Type")) or ""
    ).lower()
    wanted = record.rec_type == "response" and status == "200" and "html" in ctype
    stream = record.content_stream() if wanted else record.raw_stream
    body = stream.read(max_bytes + 1)
    while stream.read(1 << 16):  # to the end: a damaged record shows there
        pass
    if getattr(record.raw_stream, "limit", 0) > 0:
        raise _Damaged("record cut short")
    checker = getattr(record, "digest_checker", None)
    if checker is not None and checker.passed is False:
        raise _Damaged("digest does not match the record's bytes")
    if record.rec_type != "response" or record.http_headers is None:
        counts.skip("not a response")
        return None
    if not wanted:
        counts.skip(f"status {status}" if status != "200" else "not HTML")
        return None
    source = source_for(url)
    if source is None:
        counts.skip("no source for its domain")
        return None
    return Page(
        url=url,
        final_url=url,
        status=200,
        body=body,
        fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
        source_id=source.source_id,
        url_key=page_key(url, source),
        discovered_via=f"warc {path}",
        declared_charset=charset_of(ctype),
        adhoc_source=source.adhoc,
    )


def _next_record(stream: BinaryIO, after: int, gzipped: bool) -> int | None:
    """Where the next record starts after a damaged one at `after`, or None."""
    marker = b"\x1f\x8b\x08" if gzipped else b"WARC/1."
    stream.seek(after + 1)
    position, tail = after + 1, b""
    while chunk := stream.read(1 << 20):
        found = (tail + chunk).find(marker)
        if found != -1:
            return position - len(tail) + found
        position += len(chunk)
        tail = chunk[-(len(marker) - 1) :]
    return None


def _warc_date(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
