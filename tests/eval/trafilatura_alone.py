"""trafilatura alone over a manifest, as the reference beside Dateline in `make eval`.

`bare_extraction(html, url=url, with_metadata=True, include_comments=False)` in
its default mode, on the page's bytes as read; one JSON line per input with the
text, title, author and date it found.

    python -m tests.eval.trafilatura_alone MANIFEST.jsonl
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

import trafilatura


def extract(path: str, url: str) -> dict[str, Any]:
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        doc = trafilatura.bare_extraction(
            raw, url=url, with_metadata=True, include_comments=False
        )
    except Exception as exc:  # a reference run reports, it does not stop
        return {"input": path, "status": "error", "error": repr(exc)}
    if doc is None:
        return {"input": path, "status": "no_article"}
    found = doc if isinstance(doc, dict) else doc.as_dict()
    return {
        "input": path,
        "status": "ok",
        "text": found.get("text") or "",
        "title": found.get("title"),
        "authors": [
            a.strip() for a in (found.get("author") or "").split(";") if a.strip()
        ],
        "published_local": found.get("date"),
    }


def main(argv: list[str] | None = None) -> int:
    import logging

    logging.disable(logging.WARNING)  # trafilatura warns of every fallback
    manifest = Path((argv or sys.argv[1:])[0])
    for line in manifest.read_text().splitlines():
        row = json.loads(line)
        print(json.dumps(extract(row["path"], row["url"]), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
