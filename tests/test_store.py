"""Storage, on SQLite and PostgreSQL alike: upsert by article_id, idempotent; pages
without articles; counts; revisions; clusters; schema migrations."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workers.models import Credits, Dateline, NormalizedArticle, StoredArticle
from workers.store import open_store

FETCHED = datetime(2024, 3, 19, 10, 0, tzinfo=UTC)


def stored(
    article_id: str = "a1",
    text: str = "Body.",
    duplicate_of: str | None = None,
    source_id: str = "s1",
) -> StoredArticle:
    article = NormalizedArticle(
        source_id=source_id,
        url=f"https://x.com/{article_id}",
        canonical_url=f"https://x.com/{article_id}",
        title="T",
        authors=("A B",),
        text=text,
        language="en",
        sitename="X",
        description=None,
        published_at=datetime(2024, 3, 19, 9, 42, tzinfo=UTC),
        published_local="2024-03-19T17:42:00+08:00",
        published_raw="raw",
        date_source="meta",
        tz_source="explicit",
        date_rejected=(),
        dateline=Dateline(
            "KYIV",
            "Kyiv",
            "Kyiv",
            "UA",
            703448,
            None,
            "Reuters",
            ("Reuters",),
            None,
            None,
            (0, 17),
        ),
        credits=Credits(
            ({"name": "A B", "place": None},), (), ("E F",), "(...)", (5, 10)
        ),
        fetched_at=FETCHED,
    )
    return StoredArticle(
        article_id=article_id,
        content_hash=f"h-{text}",
        duplicate_of=duplicate_of,
        similarity=1.0 if duplicate_of else None,
        cluster_id=duplicate_of or article_id,
        dup_kind="exact" if duplicate_of else None,
        article=article,
        stored_at=datetime.now(UTC),
    )


def test_upsert_is_idempotent_and_round_trips(store_url: str) -> None:
    store = open_store(store_url)
    first = stored()
    assert store.upsert_article(first) == "inserted"
    assert (
        store.upsert_article(dataclasses.replace(first, stored_at=datetime.now(UTC)))
        == "unchanged"
    )
    record = store.get_record("a1")
    assert record == first.to_record()
    assert record["dateline"]["place"] == "Kyiv"
    assert record["published_at"] == "2024-03-19T09:42:00Z"


def test_changed_text_updates_but_keeps_first_stored_at(store_url: str) -> None:
    store = open_store(store_url)
    first = stored(text="Old body.")
    store.upsert_article(first)
    assert store.upsert_article(stored(text="New body.")) == "updated"
    record = store.get_record("a1")
    assert record is not None
    assert record["text"] == "New body."
    assert record["stored_at"] == first.to_record()["stored_at"]


def test_counts_by_kind_and_source(store_url: str) -> None:
    store = open_store(store_url)
    store.upsert_article(stored("a1"))
    store.upsert_article(stored("a2", text="Other."))
    store.upsert_article(stored("b1", duplicate_of="a1", source_id="s2"))
    store.record_page(
        "x.com/live", "s1", "https://x.com/live", "no_article", "none", FETCHED
    )
    store.record_page(
        "x.com/live", "s1", "https://x.com/live", "no_article", "none", FETCHED
    )
    counts = store.counts()
    assert counts["articles"] == 3 and counts["originals"] == 2
    assert counts["duplicates"] == {"exact": 1}
    assert counts["no_article"] == 1
    assert counts["per_source"]["s2"]["duplicates"] == {"exact": 1}
    assert [r["article_id"] for r in store.iter_records("s1")] == ["a1", "a2"]


def test_a_database_from_the_first_schema_is_migrated(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE articles (article_id TEXT PRIMARY KEY, source_id TEXT NOT NULL, "
        "url TEXT NOT NULL, canonical_url TEXT NOT NULL, title TEXT, authors TEXT "
        "NOT NULL, published_at TEXT, published_raw TEXT, date_source TEXT, language "
        "TEXT, sitename TEXT, description TEXT, text TEXT NOT NULL, dateline TEXT, "
        "credits TEXT, content_hash TEXT NOT NULL, duplicate_of TEXT, dup_kind TEXT, "
        "fetched_at TEXT NOT NULL, stored_at TEXT NOT NULL, updated_at TEXT);"
        "CREATE TABLE pages (url_key TEXT PRIMARY KEY, source_id TEXT NOT NULL, url "
        "TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT NOT NULL, fetched_at TEXT "
        "NOT NULL, recorded_at TEXT NOT NULL);"
    )
    old.close()
    store = open_store(str(path))
    assert store.upsert_article(stored()) == "inserted"
    record = store.get_record("a1")
    assert record is not None and record["tz_source"] == "explicit"
    store.close()
    assert open_store(str(path)).get_record("a1") == record  # reopening is a no-op


def test_revisions_and_clusters(store_url: str) -> None:
    store = open_store(store_url)
    store.upsert_article(stored("a1", text="First version."))
    store.upsert_article(stored("a1", text="First version."))
    store.upsert_article(stored("a1", text="Second version."))
    assert [r["text"] for r in store.revisions("a1")] == [
        "First version.",
        "Second version.",
    ]
    store.upsert_article(stored("b1", text="Copy.", duplicate_of="a1", source_id="s2"))
    store.upsert_article(stored("c1", text="Alone."))
    [cluster] = store.clusters(min_size=2)
    assert cluster["cluster_id"] == "a1" and cluster["size"] == 2
    assert cluster["original"]["article_id"] == "a1"
    assert [c["source_id"] for c in cluster["copies"]] == ["s2"]
    assert store.clusters(min_size=2, source_id="s2")[0]["cluster_id"] == "a1"
    assert store.clusters(min_size=3) == []


def test_sqlite_url_form(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert store.upsert_article(stored()) == "inserted"


def test_postgres_migrations_are_versioned_and_idempotent(postgres_url: str) -> None:
    import threading

    import psycopg

    from workers.store.postgres import SCHEMA_VERSION, PostgresStore

    stores: list[PostgresStore] = []
    threads = [
        threading.Thread(target=lambda: stores.append(PostgresStore(postgres_url)))
        for _ in range(4)
    ]  # workers starting together migrate once
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stores[0].migrate() == SCHEMA_VERSION
    with psycopg.connect(postgres_url) as conn:
        versions = conn.execute("SELECT version FROM dateline_schema").fetchall()
    assert versions == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
    for store in stores:
        store.close()


def test_postgres_compresses_a_records_long_values_with_lz4(postgres_url: str) -> None:
    """The text, its revision and its search vector are stored lz4-compressed
    (cheaper to write than pglz) when the server has lz4; else as before."""
    import psycopg

    store = open_store(postgres_url)
    text = " ".join(
        f"Delegation {i} met in Brussels on day {i * 7}." for i in range(400)
    )
    record = dataclasses.replace(stored(text=text), content_hash="h-long")
    store.upsert_article(record)  # 16 KB, its vector 11: both compressed
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        try:
            conn.execute("CREATE TEMP TABLE probe (x TEXT COMPRESSION lz4)")
            expected = "lz4"
        except psycopg.errors.FeatureNotSupported:
            expected = "pglz"
        found = conn.execute(
            "SELECT pg_column_compression(a.text), pg_column_compression(a.search), "
            "pg_column_compression(r.text) FROM articles a JOIN revisions r "
            "USING (article_id)"
        ).fetchall()
    store.close()
    assert found == [(expected, expected, expected)]


def test_records_changed_since_a_time(store_url: str) -> None:
    from datetime import timedelta

    store = open_store(store_url)
    old = stored("a1")
    store.upsert_article(
        dataclasses.replace(old, stored_at=datetime.now(UTC) - timedelta(days=2))
    )
    store.upsert_article(stored("b1", text="Fresh."))
    recent = datetime.now(UTC) - timedelta(hours=1)
    assert [r["article_id"] for r in store.iter_records(changed_since=recent)] == ["b1"]
    store.upsert_article(stored("a1", text="Revised today."))  # an update counts
    assert sorted(
        r["article_id"] for r in store.iter_records(changed_since=recent)
    ) == ["a1", "b1"]
    assert len(list(store.iter_records())) == 2


def test_consecutive_export_windows_give_each_record_once(store_url: str) -> None:
    """`export --since A --until B` then `--since B`: a record changed at B
    itself is in the second window only (half-open windows, as cron runs them)."""
    from datetime import timedelta

    store = open_store(store_url)
    edge = datetime(2026, 3, 19, 12, 0, tzinfo=UTC)
    for aid, at in (("early", edge - timedelta(minutes=1)), ("edge", edge)):
        store.upsert_article(dataclasses.replace(stored(aid, text=aid), stored_at=at))
    first = [r["article_id"] for r in store.iter_records(changed_until=edge)]
    second = [r["article_id"] for r in store.iter_records(changed_since=edge)]
    assert (first, second) == (["early"], ["edge"])
    assert [
        r["article_id"]
        for r in store.iter_records(changed_since=edge, language="en", source_id="s1")
    ] == ["edge"]
    assert not list(store.iter_records(changed_since=edge, language="de"))


def test_the_pair_check_lets_work_start_when_the_database_drops_mid_check(
    tmp_path: Path, redis: Any, caplog: Any
) -> None:
    """Issue 14 (chaos db-down under load): a database that went away between
    being opened and queried is reported in one line, not a crash of
    `dateline work` (its jobs retry until the database is back)."""
    from dateline.runtime import check_pair

    store = open_store(str(tmp_path / "db.sqlite3"))
    store.db.close()  # the connection is gone before the pair's query
    check_pair(redis, store)
    assert "could not check the Redis/database pair now" in caplog.text
