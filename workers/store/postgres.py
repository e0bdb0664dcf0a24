"""PostgreSQL storage, the scale-out store: psycopg 3 with a connection pool.

Workers on many machines write one database. The schema is versioned: migrations
run in one transaction under an advisory lock, so workers starting together
migrate once (`dateline db upgrade` runs the same step by hand). Queries are the
ones SQLite runs (workers.store.sql); instants are `timestamptz`, nested fields
`jsonb`. Connection errors surface as exceptions, so a job fails and is retried
with nothing half-written: each record is one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import Connection
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from workers.store.sql import SqlStore

MIGRATIONS = {
    1: [
        """CREATE TABLE IF NOT EXISTS articles (
            article_id TEXT PRIMARY KEY,
            source_id TEXT NOT NULL,
            url TEXT NOT NULL,
            canonical_url TEXT NOT NULL,
            title TEXT,
            authors JSONB NOT NULL,
            published_at TIMESTAMPTZ,
            published_local TEXT,
            published_raw TEXT,
            date_source TEXT,
            tz_source TEXT,
            date_rejected JSONB,
            language TEXT,
            sitename TEXT,
            description TEXT,
            text TEXT NOT NULL,
            dateline JSONB,
            credits JSONB,
            content_hash TEXT NOT NULL,
            duplicate_of TEXT,
            dup_kind TEXT,
            similarity REAL,
            cluster_id TEXT,
            fetched_at TIMESTAMPTZ NOT NULL,
            stored_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ,
            minhash TEXT
        )""",
        "CREATE INDEX IF NOT EXISTS articles_source ON articles (source_id)",
        "CREATE INDEX IF NOT EXISTS articles_content ON articles (content_hash)",
        "CREATE INDEX IF NOT EXISTS articles_cluster ON articles (cluster_id)",
        "CREATE INDEX IF NOT EXISTS articles_stored ON articles (stored_at)",
        """CREATE TABLE IF NOT EXISTS pages (
            url_key TEXT PRIMARY KEY,
            source_id TEXT NOT NULL,
            url TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT NOT NULL,
            fetched_at TIMESTAMPTZ NOT NULL,
            recorded_at TIMESTAMPTZ NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS revisions (
            article_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            title TEXT,
            text TEXT NOT NULL,
            fetched_at TIMESTAMPTZ NOT NULL,
            recorded_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (article_id, content_hash)
        )""",
    ],
    2: ["ALTER TABLE articles ADD COLUMN IF NOT EXISTS agencies JSONB"],
}
SCHEMA_VERSION = max(MIGRATIONS)
MIGRATION_LOCK = 7201975  # pg_advisory_xact_lock key: one migrator at a time


class PostgresStore(SqlStore):
    def __init__(self, url: str, max_connections: int = 4) -> None:
        self.url = url
        # fail fast and plainly when the server is not there (the pool would retry)
        psycopg.connect(url, connect_timeout=5).close()
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            open=True,
            timeout=10,
            kwargs={"row_factory": dict_row, "connect_timeout": 5},
        )
        self._conn: Connection[Any] | None = None
        self.migrate()

    def migrate(self) -> int:
        """Bring the schema up to SCHEMA_VERSION; returns the version now."""
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS dateline_schema (version INTEGER NOT NULL)"
            )
            row: Any = conn.execute(
                "SELECT max(version) AS v FROM dateline_schema"
            ).fetchone()
            version = (row["v"] if row else None) or 0
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target]:
                    conn.execute(statement)
                conn.execute("INSERT INTO dateline_schema VALUES (%s)", (target,))
        return SCHEMA_VERSION

    def _execute(self, sql: str, args: Any = ()) -> Any:
        sql = _placeholders(sql)
        if self._conn is not None:
            return self._conn.execute(sql, args)
        with self.pool.connection() as conn:
            cursor = conn.execute(sql, args)
            # rows are read before the connection goes back to the pool
            return _Result(
                cursor.fetchall() if cursor.description else [], cursor.rowcount
            )

    def _stream(self, sql: str, args: Any = ()) -> Iterator[Any]:
        # a server-side cursor: an export of millions of records in bounded memory
        with (
            self.pool.connection() as conn,
            conn.transaction(),
            conn.cursor(name="dateline_stream") as cursor,
        ):
            cursor.itersize = 500
            cursor.execute(_placeholders(sql), args)
            yield from cursor

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # pipeline mode: statements go out without waiting for each result, so a
        # job's records cost one round trip, not three per record
        with self.pool.connection() as conn, conn.transaction(), conn.pipeline():
            self._conn = conn
            try:
                yield
            finally:
                self._conn = None

    def close(self) -> None:
        self.pool.close()


class _Result(list):  # type: ignore[type-arg]
    """Rows fetched from a pooled connection, with the cursor's rowcount."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        super().__init__(rows)
        self.rowcount = rowcount

    def fetchone(self) -> Any:
        return self[0] if self else None


@lru_cache(maxsize=256)  # a handful of statements, each sent thousands of times
def _placeholders(sql: str) -> str:
    """`?` -> `%s` outside string literals (the shared queries use `?`)."""
    return re.sub(r"\?(?=(?:[^']*'[^']*')*[^']*$)", "%s", sql.replace("%", "%%"))
