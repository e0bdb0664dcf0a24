"""Crawl runs: each crawl of a source is a row (source, start, end, pages,
listed, enqueued, errors, cause), written by `dateline crawl`, read by
`dateline report`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from workers.models import parse_utc, utc_iso

COLUMNS = (
    "source_id", "started_at", "finished_at", "finish_reason", "pages", "listed",
    "enqueued", "errors", "cause",
)  # fmt: skip


def record_runs(store: Any, runs: Sequence[dict[str, Any]]) -> None:
    """Each run's row (a run recorded twice stays one row)."""
    with store._transaction():
        for run in runs:
            row = {**run}
            for key in ("started_at", "finished_at"):
                if isinstance(row[key], datetime):
                    row[key] = utc_iso(row[key])
            store._execute(
                f"INSERT INTO crawl_runs ({', '.join(COLUMNS)}) VALUES "
                f"({', '.join('?' * len(COLUMNS))}) "
                "ON CONFLICT (source_id, started_at) DO NOTHING",
                tuple(row[c] for c in COLUMNS),
            )


def recent_runs(store: Any, per_source: int = 10) -> dict[str, list[dict[str, Any]]]:
    """The latest runs of each source, newest first."""
    found: dict[str, list[dict[str, Any]]] = {}
    rows = store._execute(
        f"SELECT {', '.join(COLUMNS)} FROM crawl_runs ORDER BY started_at DESC"
    )
    for row in rows:
        run = dict(row)
        for key in ("started_at", "finished_at"):
            value = run[key]
            run[key] = utc_iso(
                value if isinstance(value, datetime) else parse_utc(value)
            )
        runs = found.setdefault(run["source_id"], [])
        if len(runs) < per_source:
            runs.append(run)
    return found
