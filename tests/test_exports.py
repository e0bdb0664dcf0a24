"""Issue 16, point 7: exports for analysis: JSON lines, CSV and Parquet (nested
fields typed), chosen fields, time windows, a language, originals only."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from dateline.demo.site import Site


def store_demo_pages(demo_site: Site, tmp_path: Path, run: Any) -> list[dict]:
    """Twelve demo pages of both outlets (so wire copies), stored by a worker."""
    paths = [
        p
        for p in demo_site.pages
        if p.startswith(("/courier/news/2024/03/1", "/ledger/story/"))
    ][:12]
    for i, path in enumerate(paths):
        page = tmp_path / f"p{i}.html"
        page.write_bytes(demo_site.pages[path][1])
        source = "demo-courier" if path.startswith("/courier") else "demo-ledger"
        run("ingest", str(page), "--source", source)
    run("work", "-n", "1", "--burst")
    return [json.loads(line) for line in run("export").stdout.splitlines()]


def test_csv_parquet_fields_and_filters(
    demo_site: Site, tmp_path: Path, run: Any
) -> None:
    records = store_demo_pages(demo_site, tmp_path, run)
    assert len(records) >= 10 and any(r["dup_kind"] for r in records)

    out = run("export", "--format", "csv", "--fields", "title,dateline,authors").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(records) and list(rows[0]) == [
        "title",
        "dateline",
        "authors",
    ]
    with_dateline = next(r for r in rows if r["dateline"])
    assert json.loads(with_dateline["dateline"])["place"]  # nested: JSON in its cell

    parquet = tmp_path / "records.parquet"
    run("export", "-o", str(parquet))  # the format from the suffix
    table = pq.read_table(parquet)
    assert table.num_rows == len(records)
    assert str(table.schema.field("dateline").type).startswith("struct<place_raw")
    assert str(table.schema.field("published_at").type) == "timestamp[us, tz=UTC]"
    assert str(table.schema.field("credits").type).startswith("struct<reporters: list")
    by_id = {r["article_id"]: r for r in records}
    for row in table.to_pylist():
        original = by_id[row["article_id"]]
        assert row["title"] == original["title"]
        if original["dateline"]:
            assert row["dateline"]["place_en"] == original["dateline"]["place_en"]

    originals = run("export", "--originals-only").stdout.splitlines()
    assert len(originals) == sum(1 for r in records if r["dup_kind"] is None)
    assert run("export", "--language", "de").stdout == ""
    assert len(run("export", "--language", "en").stdout.splitlines()) == len(records)
    assert run("export", "--until", "1h").stdout == ""  # all stored just now
    assert len(run("export", "--until", "0s").stdout.splitlines()) == len(records)

    bad = run("export", "--fields", "title,nope", check=False)
    assert bad.returncode == 1 and "--fields: no field nope" in bad.stderr
    assert run("export", "--format", "parquet", check=False).returncode == 1
