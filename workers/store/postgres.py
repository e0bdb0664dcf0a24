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

from workers.store import tallies
from workers.store.sql import SqlStore

# PostgreSQL's text search configurations by ISO 639-1 code ('simple' otherwise:
# words as written, no stemming)
TS_CONFIGS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german",
    "el": "greek", "en": "english", "es": "spanish", "fi": "finnish",
    "fr": "french", "hu": "hungarian", "id": "indonesian", "it": "italian",
    "lt": "lithuanian", "nl": "dutch", "no": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sv": "swedish", "tr": "turkish",
}  # fmt: skip
TS_CASES = " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in TS_CONFIGS.items())
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
    3: [  # full-text search: a tsvector per record in its language's config,
        # computed by PostgreSQL on insert and revision (and now, for the
        # records already there), with a GIN index
        f"""CREATE OR REPLACE FUNCTION dateline_ts_config(lang TEXT)
        RETURNS regconfig LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT (CASE lang {TS_CASES} ELSE 'simple' END)::regconfig
        $$""",
        """ALTER TABLE articles ADD COLUMN IF NOT EXISTS search tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector(dateline_ts_config(language),
                                  COALESCE(title, '')), 'A')
            || setweight(to_tsvector(dateline_ts_config(language), text), 'B')
        ) STORED""",
        "CREATE INDEX IF NOT EXISTS articles_search ON articles USING GIN (search)",
    ],
    4: [  # each crawl of a source, as its summary line said
        """CREATE TABLE IF NOT EXISTS crawl_runs (
            source_id TEXT NOT NULL,
            started_at TIMESTAMPTZ NOT NULL,
            finished_at TIMESTAMPTZ NOT NULL,
            finish_reason TEXT NOT NULL,
            pages INTEGER NOT NULL,
            listed INTEGER NOT NULL,
            enqueued INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            cause TEXT,
            PRIMARY KEY (source_id, started_at)
        )""",
    ],
    5: [  # what `status` reads, answered from the index alone (bench-scale)
        "CREATE INDEX IF NOT EXISTS articles_source_kind "
        "ON articles (source_id, dup_kind)",
        "CREATE INDEX IF NOT EXISTS pages_source_outcome ON pages (source_id, outcome)",
    ],
    6: [*tallies.POSTGRES, *tallies.BACKFILL, *tallies.DROPPED],  # counts kept
    7: [  # a record's long values compressed with lz4, not pglz: a tenth of
        # PostgreSQL's CPU a record (the text twice, the search vector), the
        # same bytes; new values only, no rewrite. A server built without lz4
        # keeps pglz.
        """DO $$ BEGIN
            ALTER TABLE articles ALTER COLUMN text SET COMPRESSION lz4,
                ALTER COLUMN search SET COMPRESSION lz4;
            ALTER TABLE revisions ALTER COLUMN text SET COMPRESSION lz4;
        EXCEPTION WHEN feature_not_supported THEN NULL;
        END $$""",
    ],
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

    def _search(
        self,
        query: str,
        where: list[str],
        args: list[Any],
        language: str | None,
        limit: int,
    ) -> list[Any]:
        from workers.store.search import HIT_FIELDS, BadQuery

        if not query.strip():
            raise BadQuery(f"nothing to search for in {query!r}")
        # one language's config (the index serves it), or every config's reading
        # of the words OR'd: each record matches in its own language
        if language:
            tsquery, qargs = (
                "websearch_to_tsquery(dateline_ts_config(?), ?)",
                [
                    language,
                    query,
                ],
            )
        else:
            configs = sorted({*TS_CONFIGS.values(), "simple"})
            tsquery = " || ".join(
                "websearch_to_tsquery(?::regconfig, ?)" for _ in configs
            )
            qargs = [v for c in configs for v in (c, query)]
        sql = (
            f"SELECT {', '.join('a.' + f for f in HIT_FIELDS)}, hit.rank, "
            "ts_headline(dateline_ts_config(a.language), a.text, hit.q, "
            "'MaxWords=30, MinWords=15, StartSel=[, StopSel=]') AS snippet "
            "FROM (SELECT a.article_id, q.q, ts_rank_cd(a.search, q.q) AS rank "
            f"FROM articles a, (SELECT {tsquery} AS q) q WHERE a.search @@ q.q"
            + "".join(f" AND {w}" for w in where)
            + " ORDER BY rank DESC LIMIT ?) hit "
            "JOIN articles a USING (article_id) ORDER BY hit.rank DESC"
        )
        found: list[Any] = list(self._execute(sql, (*qargs, *args, limit)))
        return found

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

    def _settle(self) -> None:
        for statement in tallies.FOLD:
            self._execute(statement)

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
