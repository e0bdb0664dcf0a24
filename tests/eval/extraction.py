"""`make eval`: Dateline and trafilatura alone on the shared evaluation sets, each
set split in two halves by a hash of the URL, scored by the sets' own scorer
(`shared/eval/score.py`), with the CPU each costs a page.

Tune on the `tune` half; a change is kept only when the `check` half does not get
worse. The pages are read where they lie, never copied; manifests, predictions
and the truth of each half go to var/eval/.

CPU per page is `(CPU of a run over all pages - CPU of a run over the first
WARM_PAGES pages) / (pages - WARM_PAGES)`, for `dateline extract --manifest` and
for trafilatura alone (`tests.eval.trafilatura_alone`): start-up is left out of
both, and with it what each loads on its first pages (dateparser's languages,
jusText's stop lists, compiled patterns), which a worker pays once in its life.
The two systems run at the same time, one on each core, so a busy spell on a
shared machine falls on both alike instead of on whichever ran then; twice, the
cores swapped, so a slower core weighs on both alike too (the CPU is the mean of
the two rounds).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workers import settings

HALVES = ("tune", "check")
WARM_PAGES = 100  # a run over the first pages, left out of the CPU per page
SYSTEMS = ("dateline", "trafilatura")


@dataclass
class EvalSet:
    name: str
    mode: str  # score.py's mode for its body text: aeb or traf
    truth: dict[str, Any]  # the scorer's truth, by key
    rows: list[dict[str, str]]  # {"path", "url", "key"}


def half_of(url: str) -> str:
    """'tune' or 'check', by a hash of the URL: stable across runs and machines."""
    return HALVES[hashlib.blake2b(url.encode(), digest_size=1).digest()[0] % 2]


def page_path(folder: Path, name: str) -> Path:
    plain = folder / name
    return plain if plain.exists() else folder / f"{name}.gz"


def eval_sets(shared: Path) -> list[EvalSet]:
    eval_dir = shared / "eval"
    sets = []
    for name in ("aeb", "newspaper"):
        truth = json.loads((eval_dir / name / "ground-truth.json").read_text())
        rows = [
            {
                "path": str(eval_dir / name / "html" / f"{key}.html.gz"),
                "url": row["url"],
                "key": key,
            }
            for key, row in truth.items()
        ]
        sets.append(EvalSet(name, "aeb", truth, rows))
    for name in ("trafilatura", "dates"):
        truth = json.loads((eval_dir / name / "truth.json").read_text())
        rows = [
            {
                "path": str(page_path(eval_dir / name / "pages", row["file"])),
                "url": url,
                "key": url,
            }
            for url, row in truth.items()
        ]
        sets.append(EvalSet(name, "traf", truth, rows))
    return sets


def run_side_by_side(
    commands: dict[str, list[str]], manifest: Path, out: Path, cores: list[int]
) -> dict[str, tuple[list[dict[str, Any]], float]]:
    """Each command over a manifest, all at once: {name: (the JSON lines it
    printed, its CPU seconds)}. When one ends first, a filler (its command
    again, not counted) takes its core, so the other's last pages do not run
    on a quieter machine than the rest. Each runs on the core `cores` names in
    its turn, and so does its filler."""
    running = {}
    core = dict(zip(commands, cores, strict=True))
    for name, command in commands.items():
        sink = (out / f"{name}.{manifest.stem}.out").open("w+")
        proc = _launch(command, manifest, core[name], sink)
        running[proc.pid] = (name, proc, sink)
    done = {}
    fillers: list[subprocess.Popen[Any]] = []
    done_last = ""
    try:
        while running:
            pid, status, usage = os.wait4(-1, 0)
            if pid not in running:  # a filler that ran out: its core needs another
                fillers.append(_launch(commands[done_last], manifest, core[done_last]))
                continue
            name, proc, sink = running.pop(pid)
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode:
                raise subprocess.CalledProcessError(proc.returncode, proc.args)
            sink.seek(0)
            done[name] = (
                [json.loads(line) for line in sink],
                usage.ru_utime + usage.ru_stime,
            )
            sink.close()
            done_last = name
            if running:
                fillers.append(_launch(commands[name], manifest, core[name]))
    finally:  # a system that fails leaves nothing running behind it
        for other in [*fillers, *(proc for _, proc, _ in running.values())]:
            if other.poll() is None:
                other.kill()
                os.wait4(other.pid, 0)
    return done


def _on(core: int, argv: list[str]) -> list[str]:
    """argv to run on one core only (when this machine has it)."""
    if core in os.sched_getaffinity(0) and shutil.which("taskset"):
        return ["taskset", "-c", str(core), *argv]
    return argv


def _launch(
    command: list[str], manifest: Path, core: int, sink: Any = subprocess.DEVNULL
) -> subprocess.Popen[Any]:
    """A system over a manifest on one core, its output to `sink` (a filler's
    is not read)."""
    return subprocess.Popen(
        _on(core, [*command, str(manifest)]), stdout=sink, stderr=subprocess.DEVNULL
    )


def write_manifest(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text(
        "".join(json.dumps({"path": r["path"], "url": r["url"]}) + "\n" for r in rows)
    )
    return path


def predictions(
    eval_set: EvalSet, records: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Per scorer mode, {key: prediction} for the set's pages."""
    text = {
        r["key"]: records.get(r["path"], {}).get("text") or "" for r in eval_set.rows
    }
    found: dict[str, dict[str, Any]] = {eval_set.mode: text}

    def day(rec: dict[str, Any]) -> str | None:
        # the day as the publisher dated it, which is what the truths record
        return (rec.get("published_local") or "")[:10] or None

    if eval_set.name == "trafilatura":
        found["meta"] = {
            r["key"]: {
                "title": (rec := records.get(r["path"], {})).get("title"),
                "author": rec.get("authors") or None,
                "date": day(rec),
            }
            for r in eval_set.rows
        }
    if eval_set.name == "dates":
        found = {
            "date": {r["key"]: day(records.get(r["path"], {})) for r in eval_set.rows}
        }
    return found


FIGURES = {  # score.py mode -> [(label, key in its JSON)]
    "aeb": [("body F1", "f1")],
    "traf": [("body F1", "f1")],
    "meta": [("title", "title"), ("author", "author"), ("date", "date")],
    "date": [("date accuracy", "accuracy")],
}


def score(
    shared: Path, out: Path, eval_set: EvalSet, half: str, by_system: dict[str, Any]
) -> list[tuple[str, dict[str, float]]]:
    """[(label, {system: figure})] for one half of one set."""
    keys = {r["key"] for r in eval_set.rows if half_of(r["url"]) == half}
    truth_file = out / f"{eval_set.name}.{half}.truth.json"
    truth_file.write_text(
        json.dumps({k: v for k, v in eval_set.truth.items() if k in keys})
    )
    rows = []
    for mode in by_system["dateline"]:
        files = []
        for system in SYSTEMS:
            path = out / f"{eval_set.name}.{half}.{mode}.{system}.json"
            preds = by_system[system][mode]
            path.write_text(json.dumps({k: preds[k] for k in keys}, ensure_ascii=False))
            files.append(str(path))
        proc = subprocess.run(
            [sys.executable, str(shared / "eval" / "score.py"), mode, *files,
             "--truth", str(truth_file), "--json", "--n-bootstrap", "0"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        results = [json.loads(line) for line in proc.stdout.splitlines()]
        for label, key in FIGURES[mode]:
            rows.append(
                (
                    label,
                    {s: float(r[key]) for s, r in zip(SYSTEMS, results, strict=True)},
                )
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", default=str(settings.HOME.parent / "shared"))
    args = parser.parse_args(argv)
    shared = Path(args.shared).resolve()
    out = settings.VAR_DIR / "eval"
    out.mkdir(parents=True, exist_ok=True)
    bin_dir = Path(sys.executable).parent
    commands = {
        "dateline": [str(bin_dir / "dateline"), "extract", "--manifest"],
        "trafilatura": [sys.executable, "-m", "tests.eval.trafilatura_alone"],
    }
    sets = eval_sets(shared)
    every = [r for s in sets for r in s.rows]
    manifest = write_manifest(out / "all.manifest.jsonl", every)
    first = write_manifest(out / "first.manifest.jsonl", every[:WARM_PAGES])
    records: dict[str, dict[str, dict[str, Any]]] = {}
    cpu_ms: dict[str, float] = {}
    # twice, the cores swapped: a virtual core slower than the other (a busy
    # host's steal) weighs on both systems alike
    rounds = [[0, 1], [1, 0]]
    runs = [run_side_by_side(commands, manifest, out, c) for c in rounds]
    warm = [run_side_by_side(commands, first, out, c) for c in rounds]
    for system in commands:
        found = runs[0][system][0]
        cpu_all = sum(r[system][1] for r in runs) / len(rounds)
        cpu_first = sum(w[system][1] for w in warm) / len(rounds)
        with (out / f"{system}.records.jsonl").open("w") as fh:  # to read by hand
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in found)
        records[system] = {r["input"]: r for r in found}
        cpu_ms[system] = (cpu_all - cpu_first) / (len(every) - WARM_PAGES) * 1000
        statuses: dict[str, int] = {}
        for rec in found:
            statuses[rec.get("status", "?")] = (
                statuses.get(rec.get("status", "?"), 0) + 1
            )
        print(
            f"{system}: {len(found)} pages, "
            + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())),
            file=sys.stderr,
        )
    print(f"{'set':<12} {'measure':<14} {'tune half':>22} {'check half':>22}")
    print(
        f"{'':<12} {'':<14} {'dateline  trafilatura':>22} {'dateline  trafilatura':>22}"
    )
    for eval_set in sets:
        by_system = {s: predictions(eval_set, records[s]) for s in SYSTEMS}
        halves = {h: score(shared, out, eval_set, h, by_system) for h in HALVES}
        sizes = {h: sum(half_of(r["url"]) == h for r in eval_set.rows) for h in HALVES}
        for i, (label, _) in enumerate(halves["tune"]):
            cells = "".join(
                f"{halves[h][i][1]['dateline']:>12.3f}{halves[h][i][1]['trafilatura']:>11.3f}"
                for h in HALVES
            )
            print(f"{eval_set.name if not i else '':<12} {label:<14}{cells}")
        print(f"{'':<12} {'pages':<14}{sizes['tune']:>12}{sizes['check']:>23}")
    ratio = cpu_ms["dateline"] / cpu_ms["trafilatura"]
    print(
        f"CPU per page, start-up and the first {WARM_PAGES} pages excluded, side by "
        f"side: dateline {cpu_ms['dateline']:.1f} ms, "
        f"trafilatura alone {cpu_ms['trafilatura']:.1f} ms, ratio {ratio:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
