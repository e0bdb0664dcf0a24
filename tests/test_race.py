"""Race-free at any scale: 4 worker processes, 200 pages holding 40 stories in 5
copies each, in random order, always give 40 originals and 160 linked copies."""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from redis import Redis

from dateline.demo.site import courier_page, courier_url, ledger_page
from dateline.demo.stories import Story, make_story
from tests.harness import run_dateline
from workers.models import Page
from workers.queueing import IngestQueue

pytestmark = pytest.mark.slow
STORIES, COPIES, TRIALS = 40, 5, 10


def copies_of(story: Story) -> list[Story]:
    """Five outlets' versions: as sent, trimmed, with a note, retyped, re-led."""
    paras = list(story.paragraphs)
    note = "Editor's note: this story has been updated with reaction from officials."
    retyped = [p.replace('"', "“", 1).replace(" - ", " — ") for p in paras]
    versions = (
        paras,
        paras[:-1],
        [*paras, note],
        retyped,
        [paras[0], *paras[2:], "Reporting from the regional bureau."],
    )
    return [
        replace(story, paragraphs=tuple(v), slug=f"{story.slug}-{c}")
        for c, v in enumerate(versions)
    ]


def pages(base: str) -> list[tuple[Page, str, int]]:
    rng = random.Random(7)
    base_time = datetime(2024, 3, 22, 8, tzinfo=UTC)
    found = []
    for s in range(STORIES):
        story = make_story(rng, 500 + s, True, base_time)
        for c, copy in enumerate(copies_of(story)):
            path = courier_url(copy)
            html = courier_page(copy, base) if c % 2 else ledger_page(copy, c, base)
            page = Page(
                url=base + path,
                final_url=base + path,
                status=200,
                body=html.encode(),
                fetched_at=datetime.now(UTC),
                source_id="demo-courier",
                url_key=path,
                discovered_via="test",
            )
            found.append((page, path, s))
    return found


def test_four_workers_two_hundred_pages_forty_stories(
    dateline_env: dict[str, str], redis: Redis, tmp_path: Path, demo_site: Any
) -> None:
    all_pages = pages(demo_site.base)
    story_of = {path: s for _, path, s in all_pages}
    for trial in range(TRIALS):
        redis.flushdb()
        db = tmp_path / f"trial-{trial}.sqlite3"
        env = {**dateline_env, "DATELINE_DATABASE_URL": str(db)}
        order = all_pages[:]
        random.Random(trial).shuffle(order)
        IngestQueue(redis).enqueue([p for p, _, _ in order])
        run_dateline(env, "work", "-n", "4", "--burst", timeout=600)
        status = json.loads(run_dateline(env, "status", "--json").stdout)
        assert status["failed"] == 0, run_dateline(env, "failed").stdout
        rows = (
            sqlite3.connect(db)
            .execute("SELECT url, duplicate_of, cluster_id FROM articles")
            .fetchall()
        )
        assert len(rows) == STORIES * COPIES
        originals = [r for r in rows if r[1] is None]
        assert len(originals) == STORIES, f"trial {trial}"
        clusters: dict[int, set[str]] = {}
        for url, _, cluster in rows:
            clusters.setdefault(story_of[url.removeprefix(demo_site.base)], set()).add(
                cluster
            )
        assert all(len(c) == 1 for c in clusters.values()), f"trial {trial}"
        assert len({next(iter(c)) for c in clusters.values()}) == STORIES
