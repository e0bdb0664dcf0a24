"""Issue 16: the README's examples are copy-paste true. Every command line in
its `sh` blocks either runs here, as written, against local data (exit 0), or
is listed below with the reason it cannot (the public web, a package Dateline
does not install, a process that runs until stopped). The Python block runs
too. A new README line must be one or the other."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dateline.demo.site import Site, courier_url
from dateline.demo.stories import seed_story
from tests.harness import BIN, REPO
from tests.test_usage import write_warc

NOT_HERE = {  # README line (its start) -> why the test cannot run it
    "make ": "the Makefile's targets: CI and the developer run them",
    ".venv/bin/dateline crawl ": "the public web (real outlets' configs)",
    "*/10 * * * *": "a crontab line",
    "17 * * * *": "a crontab line",
    "export DATELINE_": "an environment example naming other hosts",
    ".venv/bin/dateline work -n 4": "runs until stopped (the supervisor's command)",
    ".venv/bin/dateline status --watch": "runs until Ctrl-C",
    'python -c "import duckdb': "duckdb: a package Dateline does not install",
    'python -c "import pandas': "pandas: a package Dateline does not install",
    "datasette ": "datasette: a package Dateline does not install",
    ".venv/bin/dateline sources add https://www.example.com/": "the public web",
    ".venv/bin/dateline sources check example": "the public web (after `add`)",
    ".venv/bin/pytest -m live": "the public web, by hand only",
}


def readme_blocks(kind: str) -> list[str]:
    text = (REPO / "README.md").read_text()
    return re.findall(rf"```{kind}\n(.*?)```", text, re.S)


def command_lines() -> list[str]:
    return [
        line.strip()
        for block in readme_blocks("(?:sh|cron)")
        for line in block.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def workspace(tmp_path: Path, demo_site: Site) -> Path:
    """A directory holding what the examples name: page.html, other.html.gz,
    pages.jsonl, two WARC files, and .venv/bin/ (the installed command)."""
    home = tmp_path / "user"
    (home / ".venv").mkdir(parents=True)
    (home / ".venv" / "bin").symlink_to(BIN)
    seed = demo_site.pages[courier_url(seed_story())][1]
    (home / "page.html").write_bytes(seed)
    other = next(
        body for path, (_, body) in demo_site.pages.items()
        if path.startswith("/courier/news/2024/03/2")
    )  # fmt: skip
    (home / "other.html.gz").write_bytes(gzip.compress(other))
    (home / "pages.jsonl").write_text(
        json.dumps({"path": "page.html", "url": "https://www.thestar.com.my/news/a"})
        + "\n"
    )
    pages = [
        (f"https://www.thestar.com.my/news/world/2024/03/{19 + i}/story-{i}", body)
        for i, (path, (_, body)) in enumerate(
            p
            for p in demo_site.pages.items()
            if p[0].startswith("/courier/news/2024/02")
        )
        if i < 3
    ]
    write_warc(home / "CC-NEWS-20240319.warc.gz", pages)
    write_warc(home / "site-archive.warc.gz", pages[:1])
    return home


@pytest.mark.slow
def test_the_readme_examples_run_as_written(
    demo_site: Site, tmp_path: Path, dateline_env: dict, sources_dir: Path
) -> None:
    for shipped in (REPO / "config" / "sources").glob("*.toml"):
        if not (sources_dir / shipped.name).exists():  # the demo's: this test's port
            shutil.copy(shipped, sources_dir)  # the README names real outlets' ids
    home = workspace(tmp_path, demo_site)
    ran, skipped, failed = [], [], []
    for line in command_lines():
        if any(line.startswith(prefix) for prefix in NOT_HERE):
            skipped.append(line)
            continue
        proc = subprocess.run(
            ["bash", "-o", "pipefail", "-c", line], cwd=home, env=dateline_env,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        (ran if proc.returncode == 0 else failed).append((line, proc.stderr[-300:]))
        if line.startswith(".venv/bin/dateline ingest"):  # let the pages land
            subprocess.run([str(BIN / "dateline"), "work", "-n", "1", "--burst"],
                           cwd=home, env=dateline_env, capture_output=True)  # fmt: skip
    assert failed == []
    assert len(ran) >= 20 and skipped  # most examples run here
    assert (home / "records.parquet").exists() and (home / "report.html").exists()
    # the library example, as written (its page.html is the workspace's)
    (python,) = readme_blocks("python")
    proc = subprocess.run(
        [str(BIN / "python"), "-c", python + "\nprint(record['status'])"],
        cwd=home, env=dateline_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("ok")
