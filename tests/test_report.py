"""Issue 16, point 6: each crawl run is remembered; `dateline report` writes one
self-contained page whose numbers are the ones `status` gives, and flags a
share that falls suddenly (a template change)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from dateline.report import drops
from tests.test_store import stored
from workers.store import open_store
from workers.store.runs import recent_runs


class Rows(HTMLParser):
    """The report's per-source rows (their data-* attributes), its flags, and
    every URL it would load (there must be none)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}
        self.flags = 0
        self.loads: list[str] = []
        self._flag = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "tr" and "data-source" in found:
            self.rows[found["data-source"]] = found
        if found.get("class") == "flag":
            self.flags += 1
        for key in ("src", "href"):
            if key in found:
                self.loads.append(found[key])


def test_the_report_agrees_with_status_and_shows_the_crawls(
    run: Any, tmp_path: Path
) -> None:
    run("crawl", "demo-courier", "demo-ledger")
    run("work", "-n", "2", "--burst", timeout=300)
    status = json.loads(run("status", "--json").stdout)
    page = tmp_path / "report.html"
    run("report", "-o", str(page))
    parsed = Rows()
    parsed.feed(page.read_text())
    assert parsed.loads == []  # self-contained: opens without a network
    assert set(parsed.rows) == set(status["per_source"])
    for source, counts in status["per_source"].items():
        row = parsed.rows[source]
        assert int(row["data-articles"]) == counts["articles"]
        assert int(row["data-no-article"]) == counts["no_article"]
        assert row["data-failed"] == "0"
    text = page.read_text()
    assert text.count("<td>finished</td>") == 2  # one crawl run per source


def test_crawl_runs_are_rows(store_url: str) -> None:
    from workers.store.runs import record_runs

    store = open_store(store_url)
    start = datetime(2024, 3, 19, 10, tzinfo=UTC)
    runs = [
        {"source_id": "s1", "started_at": start + timedelta(hours=h),
         "finished_at": start + timedelta(hours=h, minutes=2), "finish_reason":
         "finished", "pages": 10 + h, "listed": 5, "enqueued": 3, "errors": 0,
         "cause": None}
        for h in range(3)
    ]  # fmt: skip
    record_runs(store, runs)
    record_runs(store, runs[:1])  # recorded twice: one row
    found = recent_runs(store, per_source=2)["s1"]
    assert [r["pages"] for r in found] == [12, 11]  # newest first
    assert found[0]["started_at"] == "2024-03-19T12:00:00Z"
    store.close()


def test_a_share_that_falls_suddenly_is_flagged(
    tmp_path: Path, dateline_env: dict
) -> None:
    db = tmp_path / "flags.sqlite3"
    store = open_store(str(db))
    now = datetime.now(UTC)
    articles = []
    for day in range(6, 0, -1):  # a dateline in every record for five days
        for i in range(6):
            record = stored(f"d{day}-{i}", f"text {day} {i}")
            articles.append(
                dataclasses.replace(record, stored_at=now - timedelta(days=day))
            )
    for i in range(6):  # then, today, none
        record = stored(f"t-{i}", f"today {i}")
        articles.append(
            dataclasses.replace(
                record, article=dataclasses.replace(record.article, dateline=None)
            )
        )
    store.write(articles, [])
    store.close()
    from dateline.report import daily

    days = daily(open_store(str(db)).iter_records())
    (flag,) = [f for f in drops(days["s1"]) if "dateline" in f]
    assert "fell from 100% to 0%" in flag and "template change" in flag
    assert all("author" not in f for f in drops(days["s1"]))
    page = tmp_path / "flags.html"
    from tests.harness import run_dateline

    env = {**dateline_env, "DATELINE_DATABASE_URL": str(db)}
    said = run_dateline(env, "report", "-o", str(page)).stderr
    assert "1 flagged" in said
    parsed = Rows()
    parsed.feed(page.read_text())
    assert parsed.flags >= 1


CHROMIUM = next(
    (
        shutil.which(name)
        for name in ("chromium", "chromium-browser", "google-chrome", "chrome")
        if shutil.which(name)
    ),
    None,
)


@pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium installed")
def test_the_report_opens_in_a_headless_browser(run: Any, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    run("report", "-o", str(page))
    shot = tmp_path / "report.png"
    subprocess.run(
        [str(CHROMIUM), "--headless", "--disable-gpu", "--no-sandbox",
         f"--screenshot={shot}", "--window-size=1200,800", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert shot.stat().st_size > 1000
