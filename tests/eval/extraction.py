"""`make eval`: `dateline extract` over the shared evaluation sets, scored by their
own scorer (`shared/eval/score.py`). The pages are read where they lie, never
copied; manifests and predictions go to var/eval/.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from workers import settings


def page_path(folder: Path, name: str) -> Path:
    plain = folder / name
    return plain if plain.exists() else folder / f"{name}.gz"


def manifests(shared: Path) -> dict[str, list[dict[str, Any]]]:
    """{set: manifest rows}; each row's `key` is what the scorer keys predictions by."""
    eval_dir = shared / "eval"
    sets: dict[str, list[dict[str, Any]]] = {}
    aeb = json.loads((eval_dir / "aeb" / "ground-truth.json").read_text())
    sets["aeb"] = [
        {
            "path": str(eval_dir / "aeb" / "html" / f"{key}.html.gz"),
            "url": row["url"],
            "key": key,
        }
        for key, row in aeb.items()
    ]
    for name in ("trafilatura", "dates"):
        truth = json.loads((eval_dir / name / "truth.json").read_text())
        sets[name] = [
            {
                "path": str(page_path(eval_dir / name / "pages", row["file"])),
                "url": url,
                "key": url,
            }
            for url, row in truth.items()
        ]
    return sets


def run_extract(rows: list[dict[str, Any]], out_dir: Path, name: str) -> list[dict]:
    manifest = out_dir / f"{name}.manifest.jsonl"
    manifest.write_text(
        "".join(json.dumps({"path": r["path"], "url": r["url"]}) + "\n" for r in rows)
    )
    exe = Path(sys.executable).parent / "dateline"
    proc = subprocess.run(
        [str(exe), "extract", "--manifest", str(manifest)],
        capture_output=True,
        text=True,
        check=True,
    )
    (out_dir / f"{name}.records.jsonl").write_text(proc.stdout)
    by_path = {
        json.loads(line)["input"]: json.loads(line) for line in proc.stdout.splitlines()
    }
    return [by_path.get(r["path"], {"status": "missing"}) for r in rows]


def score(
    shared: Path, mode: str, predictions: dict[str, Any], out_dir: Path, truth: Path
) -> str:
    path = out_dir / f"{mode}.predictions.json"
    path.write_text(json.dumps(predictions, ensure_ascii=False))
    proc = subprocess.run(
        [
            sys.executable,
            str(shared / "eval" / "score.py"),
            mode,
            str(path),
            "--truth",
            str(truth),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", default=str(settings.HOME.parent / "shared"))
    args = parser.parse_args(argv)
    shared = Path(args.shared).resolve()
    out_dir = settings.VAR_DIR / "eval"
    out_dir.mkdir(parents=True, exist_ok=True)
    sets = manifests(shared)
    eval_dir = shared / "eval"
    results = {name: run_extract(rows, out_dir, name) for name, rows in sets.items()}

    def texts(name: str) -> dict[str, str]:
        return {
            row["key"]: rec.get("text") or ""
            for row, rec in zip(sets[name], results[name], strict=True)
        }

    def day(rec: dict[str, Any]) -> str | None:
        # the day as the publisher dated it, which is what the truth records
        return (rec.get("published_local") or "")[:10] or None

    meta = {
        row["key"]: {
            "title": rec.get("title"),
            "author": rec.get("authors") or None,
            "date": day(rec),
        }
        for row, rec in zip(sets["trafilatura"], results["trafilatura"], strict=True)
    }
    dates = {
        row["key"]: day(rec)
        for row, rec in zip(sets["dates"], results["dates"], strict=True)
    }
    lines = [
        score(
            shared, "aeb", texts("aeb"), out_dir, eval_dir / "aeb" / "ground-truth.json"
        ),
        score(
            shared,
            "traf",
            texts("trafilatura"),
            out_dir,
            eval_dir / "trafilatura" / "truth.json",
        ),
        score(shared, "meta", meta, out_dir, eval_dir / "trafilatura" / "truth.json"),
        score(shared, "date", dates, out_dir, eval_dir / "dates" / "truth.json"),
    ]
    for name, recs in results.items():
        statuses: dict[str, int] = {}
        for rec in recs:
            statuses[rec.get("status", "?")] = (
                statuses.get(rec.get("status", "?"), 0) + 1
            )
        print(
            f"{name}: {len(recs)} pages, "
            + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
        )
    print("\n".join(lines))
    for stage in ("extract_ms", "normalize_ms"):
        values = sorted(
            rec["timings"][stage]
            for recs in results.values()
            for rec in recs
            if stage in rec.get("timings", {})
        )
        if values:
            print(
                f"{stage[:-3]}: median {statistics.median(values):.2f} ms per page, "
                f"p90 {values[int(len(values) * 0.9)]:.2f} ms ({len(values)} pages)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
