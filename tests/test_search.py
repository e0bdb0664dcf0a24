"""Issue 16, point 10: full-text search on both backends: ranked hits with a
snippet, a story's copies folded under its original, filters, the index kept
current on revision and built for records stored before it existed."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.test_store import stored
from workers.store import open_store
from workers.store.search import BadQuery, fts5_query

# Leads in the agencies' style, as the demo's wire stories open
TEXTS = {
    "rt1": ("Ukraine eyes NATO membership step", "KYIV (Reuters) - Ukraine's "
            "parliament backed a step towards NATO membership on Tuesday."),
    "ap1": ("Storm floods coastal towns", "MIAMI (AP) - A storm flooded coastal "
            "towns across Florida, officials said on Monday."),
    "de1": ("Parlament stimmt ab", "BERLIN (dpa) - Der Bundestag hat am Dienstag "
            "über die Haushalte der Länder abgestimmt."),
}  # fmt: skip


def article(article_id: str, source: str = "s1", copy_of: str | None = None) -> Any:
    title, text = TEXTS[copy_of or article_id]
    record = stored(article_id, text, duplicate_of=copy_of, source_id=source)
    language = "de" if (copy_of or article_id) == "de1" else "en"
    return dataclasses.replace(
        record,
        article=dataclasses.replace(record.article, title=title, language=language),
    )


def test_search_ranks_snips_folds_and_filters(store_url: str) -> None:
    store = open_store(store_url)
    store.write([article("rt1"), article("ap1"), article("de1")], [])
    store.write([article("rt1-copy", "s2", copy_of="rt1")], [])
    hits = store.search("NATO membership")
    assert [h.article_id for h in hits] == ["rt1"]  # the copy folded under it
    (hit,) = hits
    assert hit.cluster_size == 2 and hit.copies[0]["source_id"] == "s2"
    assert "[NATO]" in hit.snippet or "[nato]" in hit.snippet.lower()
    assert store.search("flooded towns")[0].article_id == "ap1"
    assert store.search("NATO", source_id="s2")[0].article_id == "rt1-copy"
    assert store.search("NATO", language="de") == []
    assert store.search("Bundestag", language="de")[0].article_id == "de1"
    assert store.search("nothing-like-this-anywhere") == []
    assert {h.article_id for h in store.search('NATO OR "coastal towns"')} == {
        "rt1",
        "ap1",
    }
    # a revision's new text is what is found
    revised = article("ap1")
    revised = dataclasses.replace(
        revised,
        content_hash="h-new",
        article=dataclasses.replace(
            revised.article, text="MIAMI (AP) - A hurricane struck the Keys."
        ),
    )
    store.write([revised], [])
    assert store.search("hurricane")[0].article_id == "ap1"
    assert store.search("officials") == []  # only the old text had it
    store.close()


def test_english_words_match_their_stems_on_postgresql(postgres_url: str) -> None:
    store = open_store(postgres_url)
    store.write([article("ap1")], [])
    assert store.search("flood")[0].article_id == "ap1"  # english: floods ~ flood
    store.close()


def test_the_index_is_built_for_records_stored_before_it(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "old.sqlite3"))
    store.write([article("rt1")], [])
    # as a file of schema version 4 left it: no full-text index at all
    for name in ("articles_fts_insert", "articles_fts_delete", "articles_fts_update"):
        store.db.execute(f"DROP TRIGGER {name}")
    store.db.execute("DROP TABLE articles_fts")
    store.db.execute("PRAGMA user_version = 4")
    store.close()
    again = open_store(str(tmp_path / "old.sqlite3"))
    assert again.search("NATO")[0].article_id == "rt1"


def test_the_postgresql_index_is_built_for_records_stored_before_it(
    postgres_url: str,
) -> None:
    import psycopg

    from workers.store.postgres import MIGRATIONS

    base, _, options = postgres_url.partition("?")
    with psycopg.connect(postgres_url, autocommit=True) as conn:  # a version-2 schema
        conn.execute("CREATE TABLE dateline_schema (version INTEGER NOT NULL)")
        for version in (1, 2):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute("INSERT INTO dateline_schema VALUES (%s)", (version,))
    old = open_store(postgres_url)  # migrates: the column computed for every row
    old.write([article("rt1")], [])
    old.close()
    assert open_store(postgres_url).search("NATO")[0].article_id == "rt1"
    assert base and options


def test_queries_are_words_not_syntax() -> None:
    assert fts5_query('NATO "step towards" OR x*') == '"NATO" "step towards" OR "x*"'
    assert fts5_query("-minus +plus") == '"minus" "plus"'
    for empty in ("", "   ", '""', "OR"):
        with pytest.raises(BadQuery):
            fts5_query(empty)


def test_search_and_export_query_on_the_command_line(
    run: Any, tmp_path: Path, dateline_env: dict
) -> None:
    db = tmp_path / "cli.sqlite3"
    store = open_store(str(db))
    store.write([article("rt1"), article("ap1")], [])
    store.write([article("rt1-copy", "s2", copy_of="rt1")], [])
    store.close()
    from tests.harness import run_dateline

    env = {**dateline_env, "DATELINE_DATABASE_URL": str(db)}
    out = run_dateline(env, "search", "NATO").stdout
    assert (
        "Ukraine eyes NATO" in out and "2 in its cluster" in out and "also: s2" in out
    )
    exported = run_dateline(env, "export", "--query", "NATO").stdout.splitlines()
    assert len(exported) == 2  # the original and its copy
    bad = run_dateline(env, "search", '""', check=False)
    assert bad.returncode == 1 and "nothing to search for" in bad.stderr
    assert datetime.now(UTC)  # (the records are fresh: --since would keep them)
