"""Back-fills from WARC files (warcio): Common Crawl's news archive, a site's own.

Each `response` record with a 200 status and an HTML body becomes a Page, dated by
its WARC-Date (so relative dates and the fetch time are the archive's, not now),
with the charset its HTTP header declared. Other records are counted, not read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from warcio.archiveiterator import ArchiveIterator

from config.source import SourceConfig
from workers.models import Page, charset_of
from workers.urls import page_key


@dataclass
class WarcCounts:
    pages: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

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
    """Pages of one WARC file, each of the source its URL belongs to."""
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                counts.skip("not a response")
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            status = record.http_headers.get_statuscode()
            ctype = (record.http_headers.get_header("Content-Type") or "").lower()
            if status != "200" or "html" not in ctype:
                counts.skip(f"status {status}" if status != "200" else "not HTML")
                continue
            source = source_for(url)
            if source is None:
                counts.skip("no source for its domain")
                continue
            body = record.content_stream().read(max_bytes + 1)
            page = Page(
                url=url,
                final_url=url,
                status=200,
                body=body,
                fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
                source_id=source.source_id,
                url_key=page_key(url, source),
                discovered_via=f"warc {path}",
                declared_charset=charset_of(ctype),
            )
            counts.pages += 1
            yield page


def _warc_date(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
