"""`dateline export` formats: JSON lines (the record as is), CSV (nested fields
as JSON text in their cells) and Parquet (pyarrow; nested fields typed: the
dateline and credits as structs, lists as lists, instants as UTC timestamps).
Records arrive as an iterator and leave in batches: memory stays flat."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import islice
from typing import Any

from dateline.runtime import UsageError

FORMATS = ("jsonl", "csv", "parquet")
FIELDS = (  # the record, in export's order: a contract with users
    "article_id", "source_id", "url", "canonical_url", "title", "authors",
    "agencies", "published_at", "published_local", "published_raw", "date_source",
    "tz_source", "date_rejected", "language", "sitename", "description", "text",
    "dateline", "credits", "content_hash", "duplicate_of", "dup_kind",
    "similarity", "cluster_id", "fetched_at", "stored_at",
)  # fmt: skip
BATCH = 2000  # records per Parquet row group


def fields(text: str | None) -> tuple[str, ...]:
    """`--fields a,b,c`: known names only, in the order given."""
    if not text:
        return FIELDS
    chosen = tuple(f.strip() for f in text.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FIELDS]
    if unknown or not chosen:
        raise UsageError(
            f"--fields: no field {', '.join(unknown) or '(none given)'}; the "
            f"record's fields are {', '.join(FIELDS)}"
        )
    return chosen


def write(
    records: Iterable[dict[str, Any]], fmt: str, out: Any, chosen: tuple[str, ...]
) -> int:
    """Write `records` (their `chosen` fields) to the open file `out`."""
    rows = ({k: r.get(k) for k in chosen} for r in records)
    if fmt == "csv":
        return _csv(rows, out, chosen)
    if fmt == "parquet":
        return _parquet(rows, out, chosen)
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _csv(rows: Iterator[dict[str, Any]], out: Any, chosen: tuple[str, ...]) -> int:
    writer = csv.DictWriter(out, fieldnames=chosen, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False)
                if isinstance(v, dict | list)
                else ("" if v is None else v)
                for k, v in row.items()
            }
        )
        count += 1
    return count


def schema(chosen: tuple[str, ...]) -> Any:
    import pyarrow as pa

    text, when = pa.string(), pa.timestamp("us", tz="UTC")
    texts, span = pa.list_(pa.string()), pa.list_(pa.int32())
    types = {
        "authors": texts,
        "agencies": texts,
        "published_at": when,
        "fetched_at": when,
        "stored_at": when,
        "similarity": pa.float64(),
        "date_rejected": pa.list_(
            pa.struct([("raw", text), ("source", text), ("reason", text)])
        ),
        "dateline": pa.struct(
            [
                ("place_raw", text),
                ("place", text),
                ("place_en", text),
                ("country", text),
                ("geonameid", pa.int64()),
                ("region", text),
                ("agency", text),
                ("agencies", texts),
                ("date", pa.date32()),
                ("date_raw", text),
                ("span", span),
            ]  # fmt: skip
        ),
        "credits": pa.struct(
            [
                ("reporters", pa.list_(pa.struct([("name", text), ("place", text)]))),
                ("writers", texts),
                ("editors", texts),
                ("raw", text),
                ("span", span),
            ]
        ),
    }
    return pa.schema([(name, types.get(name, text)) for name in chosen])


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    """JSON values as Parquet takes them: instants and dates parsed."""
    for key in ("published_at", "fetched_at", "stored_at"):
        if row.get(key):
            row[key] = datetime.fromisoformat(row[key].replace("Z", "+00:00"))
    if row.get("dateline") and row["dateline"].get("date"):
        row["dateline"] = {
            **row["dateline"],
            "date": date.fromisoformat(row["dateline"]["date"]),
        }
    return row


def _parquet(rows: Iterator[dict[str, Any]], out: Any, chosen: tuple[str, ...]) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError(  # noqa: B904 (the ImportError adds nothing)
            "--format parquet needs pyarrow: pip install 'dateline[parquet]'"
        )
    shape = schema(chosen)
    count = 0
    with pq.ParquetWriter(out, shape, compression="zstd") as writer:
        while batch := [_typed(r) for r in islice(rows, BATCH)]:
            writer.write_table(pa.Table.from_pylist(batch, schema=shape))
            count += len(batch)
    return count
