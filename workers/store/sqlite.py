"""SQLite storage, the embedded default: WAL, synchronous=NORMAL, one upsert per record.

Several worker processes write one file: WAL lets readers run beside the writer
and `busy_timeout` queues writers instead of failing them.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workers.store import tallies
from workers.store.sql import SqlStore

# Full-text search over titles and text (`dateline search`): an FTS5 index of the
# articles table, kept current by triggers on every insert, revision and delete.
FULL_TEXT = """
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text)
    VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title, text ON articles
BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text)
    VALUES (new.rowid, new.title, new.text);
END;
"""
# bench-scale's first answer for `status` (version 7), dropped since the counts
# are kept (version 8: workers.store.tallies)
INDEXES = [
    "CREATE INDEX IF NOT EXISTS articles_source_kind ON articles (source_id, dup_kind)",
    "CREATE INDEX IF NOT EXISTS pages_source_outcome ON pages (source_id, outcome)",
]
# Each crawl of a source, as its summary line said (`dateline report` reads them).
CRAWL_RUNS = """
CREATE TABLE IF NOT EXISTS crawl_runs (
    source_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    finish_reason TEXT NOT NULL,
    pages INTEGER NOT NULL,
    listed INTEGER NOT NULL,
    enqueued INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    cause TEXT,
    PRIMARY KEY (source_id, started_at)
);
"""
SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    title TEXT,
    authors TEXT NOT NULL,
    agencies TEXT,
    published_at TEXT,
    published_local TEXT,
    published_raw TEXT,
    date_source TEXT,
    tz_source TEXT,
    date_rejected TEXT,
    language TEXT,
    sitename TEXT,
    description TEXT,
    text TEXT NOT NULL,
    dateline TEXT,
    credits TEXT,
    content_hash TEXT NOT NULL,
    duplicate_of TEXT,
    dup_kind TEXT,
    fetched_at TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    updated_at TEXT,
    similarity REAL,
    cluster_id TEXT,
    minhash TEXT
);
CREATE INDEX IF NOT EXISTS articles_source ON articles (source_id);
CREATE INDEX IF NOT EXISTS articles_content ON articles (content_hash);
CREATE INDEX IF NOT EXISTS articles_cluster ON articles (cluster_id);
CREATE TABLE IF NOT EXISTS revisions (
    article_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT,
    text TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (article_id, content_hash)
);
CREATE TABLE IF NOT EXISTS pages (
    url_key TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    url TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
"""
    + FULL_TEXT
    + CRAWL_RUNS
    + tallies.SQLITE
)
SCHEMA_VERSION = 8


def statements(script: str) -> list[str]:
    """A script's statements (a trigger's body holds semicolons of its own)."""
    found, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                found.append(pending.strip())
            pending = ""
    return found


# Steps from the version before to each version; SCHEMA above is the latest whole.
MIGRATIONS = {
    2: [
        f"ALTER TABLE articles ADD COLUMN {c} TEXT"
        for c in ("published_local", "tz_source", "date_rejected")
    ],
    3: [
        "ALTER TABLE articles ADD COLUMN similarity REAL",
        "ALTER TABLE articles ADD COLUMN cluster_id TEXT",
        "ALTER TABLE articles ADD COLUMN minhash TEXT",
        "UPDATE articles SET cluster_id = COALESCE(duplicate_of, article_id)",
        "CREATE INDEX IF NOT EXISTS articles_cluster ON articles (cluster_id)",
        "CREATE TABLE IF NOT EXISTS revisions (article_id TEXT NOT NULL, content_hash "
        "TEXT NOT NULL, title TEXT, text TEXT NOT NULL, fetched_at TEXT NOT NULL, "
        "recorded_at TEXT NOT NULL, PRIMARY KEY (article_id, content_hash))",
    ],
    4: ["ALTER TABLE articles ADD COLUMN agencies TEXT"],
    5: [  # the index built for the records already there
        *statements(FULL_TEXT),
        "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')",
    ],
    6: statements(CRAWL_RUNS),
    7: INDEXES,
    8: [*statements(tallies.SQLITE), *tallies.BACKFILL, *tallies.DROPPED],
}


class SQLiteStore(SqlStore):
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA busy_timeout=60000")
        self.db.execute("PRAGMA synchronous=NORMAL")
        # Switching to WAL takes an exclusive lock and does not wait for a busy
        # one: do it once (WAL persists in the file) and retry while others start.
        for attempt in range(50):
            try:
                if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self.db.execute("PRAGMA journal_mode=WAL")
                self._migrate()
                break
            except sqlite3.OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.1)

    def _migrate(self) -> None:
        """Create the schema, or bring an older file up to SCHEMA_VERSION."""
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version >= SCHEMA_VERSION:
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            exists = self.db.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'articles'"
            ).fetchone()
            version = self.db.execute("PRAGMA user_version").fetchone()[0] or (
                1 if exists else 0
            )
            if version == 0:
                for statement in statements(SCHEMA):
                    self.db.execute(statement)
            else:
                for target in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in MIGRATIONS[target]:
                        self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def _search(
        self,
        query: str,
        where: list[str],
        args: list[Any],
        language: str | None,
        limit: int,
    ) -> list[Any]:
        from workers.store.search import HIT_FIELDS, fts5_query

        found: list[Any] = self.db.execute(
            f"SELECT {', '.join('a.' + f for f in HIT_FIELDS)}, "
            "snippet(articles_fts, 1, '[', ']', '…', 16) AS snippet, "
            "-bm25(articles_fts, 5.0, 1.0) AS rank "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ?"
            + "".join(f" AND {w}" for w in where)
            + " ORDER BY bm25(articles_fts, 5.0, 1.0) LIMIT ?",
            (fts5_query(query), *args, limit),
        ).fetchall()
        return found

    def _execute(self, sql: str, args: Any = ()) -> Any:
        return self.db.execute(sql, args)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            yield

    def close(self) -> None:
        self.db.close()
