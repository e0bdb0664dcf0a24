"""The counts `status` and `clusters` read are kept as records are written
(workers.store.tallies): they must equal a full count after any mix of writes,
on both backends, with workers writing at once, and after a migration."""

from __future__ import annotations

import dataclasses
import random
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.test_store import FETCHED, stored
from workers.models import SkippedPage, StoredArticle
from workers.store import open_store


def full_counts(store: Any) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """What the counts must be, counted the slow way from the records."""
    kinds: dict[tuple[str, str], int] = {}
    for row in store._execute(
        "SELECT source_id, COALESCE(dup_kind, 'original') AS kind, COUNT(*) AS n "
        "FROM articles GROUP BY 1, 2 UNION ALL "
        "SELECT source_id, outcome, COUNT(*) FROM pages GROUP BY 1, 2"
    ):
        kinds[(row["source_id"], row["kind"])] = row["n"]
    sizes = {
        row["cluster_id"]: row["n"]
        for row in store._execute(
            "SELECT cluster_id, COUNT(*) AS n FROM articles GROUP BY 1"
        )
    }
    return kinds, sizes


def kept_counts(store: Any) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    kinds = {
        (row["source_id"], row["kind"]): row["n"]
        for row in store._execute("SELECT source_id, kind, n FROM tallies WHERE n != 0")
    }
    sizes = {
        row["cluster_id"]: row["size"]
        for row in store._execute(
            "SELECT cluster_id, size FROM cluster_sizes WHERE size != 0"
        )
    }
    return kinds, sizes


def copy_of(article_id: str, original: str, source_id: str) -> StoredArticle:
    return stored(article_id, f"copy {article_id}", original, source_id)


def page(key: str, outcome: str, source_id: str = "s1") -> SkippedPage:
    return SkippedPage(key, source_id, f"https://x.com/{key}", outcome, "r", FETCHED)


def test_counts_follow_inserts_revisions_and_moves(store_url: str) -> None:
    store = open_store(store_url)
    store.write([stored("a1"), stored("a2", "Other."), copy_of("b1", "a1", "s2")], [])
    store.write(
        [copy_of("b2", "a1", "s3"), stored("a3", "Third.")], [page("p", "no_article")]
    )
    # a revision that turns an original into a copy of another cluster, and a
    # page whose outcome changes
    moved = dataclasses.replace(copy_of("a3", "a2", "s1"), dup_kind="near")
    store.write([moved], [page("p", "too_large"), page("q", "no_article", "s2")])
    assert kept_counts(store) == full_counts(store)
    counts = store.counts()
    assert counts["articles"] == 5 and counts["originals"] == 2
    assert counts["duplicates"] == {"exact": 2, "near": 1}
    assert counts["too_large"] == 1 and counts["no_article"] == 1
    assert [(c["cluster_id"], c["size"]) for c in store.clusters(min_size=2)] == [
        ("a1", 3),
        ("a2", 2),
    ]
    assert store.clusters(min_size=2, source_id="s3")[0]["cluster_id"] == "a1"
    assert store.clusters(min_size=2, limit=1)[0]["cluster_id"] == "a1"


def test_biggest_clusters_first_then_the_oldest(store_url: str) -> None:
    store = open_store(store_url)
    now = datetime.now(UTC)
    for i, original in enumerate(("late", "early")):  # late stored first
        first = dataclasses.replace(
            stored(original, original), stored_at=now - timedelta(hours=i)
        )
        store.write([first, copy_of(f"{original}-c", original, "s2")], [])
    store.write([copy_of("late-c2", "late", "s3")], [])
    assert [c["cluster_id"] for c in store.clusters(min_size=2)] == ["late", "early"]
    store.write([copy_of("early-c2", "early", "s3")], [])
    assert [c["cluster_id"] for c in store.clusters(min_size=2)] == ["early", "late"]


def test_workers_writing_at_once_neither_deadlock_nor_miscount(
    postgres_url: str,
) -> None:
    """Jobs of several records, clusters shared between them, written by eight
    writers at once: counter rows updated as records come would deadlock."""
    originals = [f"o{i}" for i in range(6)]
    setup = open_store(postgres_url)
    setup.write([stored(o, f"text {o}") for o in originals], [])
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        rng = random.Random(n)
        store = open_store(postgres_url)
        try:
            for job in range(12):
                batch = [
                    copy_of(
                        f"w{n}-{job}-{k}",
                        rng.choice(originals),
                        f"s{rng.randint(1, 4)}",
                    )
                    for k in range(4)
                ]
                rng.shuffle(batch)
                store.write(batch, [page(f"w{n}-{job}", "no_article", f"s{n % 3}")])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert kept_counts(setup) == full_counts(setup)
    assert setup.counts()["articles"] == 6 + 8 * 12 * 4
    assert setup._execute("SELECT COUNT(*) AS n FROM tally_changes")[0]["n"] == 0


def test_a_database_from_before_the_counts_gets_them(tmp_path: Path) -> None:
    path = tmp_path / "v7.sqlite3"
    store = open_store(str(path))
    store.write([stored("a1"), copy_of("b1", "a1", "s2")], [page("p", "no_article")])
    for name in (  # as version 7 left it
        "tally_article_insert", "tally_article_delete", "tally_article_update",
        "tally_page_insert", "tally_page_update", "tally_page_delete",
    ):  # fmt: skip
        store.db.execute(f"DROP TRIGGER {name}")
    store.db.execute("DROP TABLE tallies")
    store.db.execute("DROP TABLE cluster_sizes")
    store.db.execute("PRAGMA user_version = 7")
    store.close()
    again = open_store(str(path))
    assert kept_counts(again) == full_counts(again)
    assert again.counts()["articles"] == 2 and again.counts()["no_article"] == 1
    assert [c["size"] for c in again.clusters()] == [2]
