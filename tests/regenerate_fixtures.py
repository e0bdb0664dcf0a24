"""`make fixtures`: regenerate tests/fixtures/<source_id>/article.json from the code.

Each source's fixture page goes through extract and normalize, as `dateline extract`
runs them, at a fixed fetch time; the record is written next to the page, without
what changes per run. Review the diff by hand: it is what the change did.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config.loader import load_sources
from config.paths import SOURCES_DIR
from dateline.demo.site import Site, courier_url
from dateline.demo.stories import seed_story
from dateline.local import LocalInput, extract_local

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FETCHED_AT = datetime(2024, 3, 20, 0, 0, tzinfo=UTC)
FIRST_URLS = {  # where each page was (or would have been) fetched from
    "reuters": "https://www.reuters.com/world/europe/ukraine-eyes-strong-far-reaching"
    "-step-towards-nato-membership-july-summit-2024-03-19/",
    "apnews": "https://apnews.com/article/texas-flood-fund-legislature-0123456789abcdef"
    "0123456789abcdef",
    "thestar": "https://www.thestar.com.my/news/nation/2024/03/19/flood-victims-in-"
    "kelantan-receive-aid-as-waters-recede",
    "bernama": "https://www.bernama.com/en/general/news.php?id=2281234",
}
VOLATILE = ("input", "timings", "status")


def record_for(source_id: str, directory: Path = FIXTURES) -> dict[str, Any]:
    """The record the current code makes of a source's fixture page."""
    folder = directory / source_id
    expected = folder / "article.json"
    url = (
        json.loads(expected.read_text())["url"]
        if expected.exists()
        else FIRST_URLS[source_id]
    )
    source = load_sources(SOURCES_DIR)[source_id]
    record = extract_local(
        LocalInput(str(folder / "article.html"), url, FETCHED_AT, source_id), source
    )
    if record["status"] != "ok":
        raise RuntimeError(f"{folder}: {record['status']} {record.get('error', '')}")
    return {k: v for k, v in record.items() if k not in VOLATILE}


def write_demo_pages(directory: Path = FIXTURES) -> None:
    site = Site("http://127.0.0.1:8765")
    (directory / "demo-courier" / "article.html").write_bytes(
        site.pages[courier_url(seed_story())][1]
    )
    ledger = next(
        p for p in site.pages if p.startswith("/ledger/story/" + seed_story().slug)
    )
    (directory / "demo-ledger" / "article.html").write_bytes(site.pages[ledger][1])
    FIRST_URLS["demo-courier"] = site.base + courier_url(seed_story())
    FIRST_URLS["demo-ledger"] = site.base + ledger


def main() -> int:
    write_demo_pages()
    for source_id in sorted(load_sources(SOURCES_DIR)):
        record = record_for(source_id)
        path = FIXTURES / source_id / "article.json"
        path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
        print(f"{path}: {record['title']!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
