"""SQLite storage, the embedded default: WAL, synchronous=NORMAL, one upsert per record.

Several worker processes write one file: WAL lets readers run beside the writer
and `busy_timeout` queues writers instead of failing them.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workers.models import StoredArticle, utc_iso

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    title TEXT,
    authors TEXT NOT NULL,
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
SCHEMA_VERSION = 3
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
}
JSON_FIELDS = ("authors", "dateline", "credits", "date_rejected")
COLUMNS = (
    "article_id",
    "source_id",
    "url",
    "canonical_url",
    "title",
    "authors",
    "published_at",
    "published_local",
    "published_raw",
    "date_source",
    "tz_source",
    "date_rejected",
    "language",
    "sitename",
    "description",
    "text",
    "dateline",
    "credits",
    "content_hash",
    "duplicate_of",
    "dup_kind",
    "similarity",
    "cluster_id",
    "fetched_at",
    "stored_at",
)
WRITTEN = (*COLUMNS, "minhash")  # the signature is kept, not exported
KEPT_ON_UPDATE = ("article_id", "stored_at")
# A re-run of the same job changes nothing; a changed text updates the record
# (the same URL, revised) but keeps when it was first stored.
UPSERT = f"""
INSERT INTO articles ({", ".join(WRITTEN)}) VALUES ({", ".join("?" * len(WRITTEN))})
ON CONFLICT (article_id) DO UPDATE SET
    {", ".join(f"{c} = excluded.{c}" for c in WRITTEN if c not in KEPT_ON_UPDATE)},
    updated_at = excluded.stored_at
WHERE articles.content_hash != excluded.content_hash
"""


class SQLiteStore:
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
                for statement in SCHEMA.split(";"):
                    if statement.strip():
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

    def upsert_article(self, stored: StoredArticle) -> str:
        record = stored.to_record()
        values = [
            json.dumps(record[c]) if c in JSON_FIELDS else record[c] for c in COLUMNS
        ] + [stored.minhash]
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            existed = self.db.execute(
                "SELECT 1 FROM articles WHERE article_id = ?", (stored.article_id,)
            ).fetchone()
            changed = self.db.execute(UPSERT, values).rowcount
            # every text an article had, with when it was fetched: its revisions
            self.db.execute(
                "INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (article_id, content_hash) DO NOTHING",
                (
                    stored.article_id,
                    stored.content_hash,
                    record["title"],
                    record["text"],
                    record["fetched_at"],
                    record["stored_at"],
                ),
            )
        if not existed:
            return "inserted"
        return "updated" if changed else "unchanged"

    def record_page(
        self,
        url_key: str,
        source_id: str,
        url: str,
        outcome: str,
        reason: str,
        fetched_at: datetime,
    ) -> None:
        self.db.execute(
            "INSERT INTO pages VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url_key) DO "
            "UPDATE SET outcome = excluded.outcome, reason = excluded.reason, "
            "fetched_at = excluded.fetched_at",
            (
                url_key,
                source_id,
                url,
                outcome,
                reason,
                utc_iso(fetched_at),
                utc_iso(datetime.now(UTC)),
            ),
        )

    def counts(self) -> dict[str, Any]:
        per_source: dict[str, dict[str, int]] = {}
        rows = self.db.execute(
            "SELECT source_id, COALESCE(dup_kind, 'original') AS kind, COUNT(*) AS n "
            "FROM articles GROUP BY 1, 2 UNION ALL "
            "SELECT source_id, outcome, COUNT(*) FROM pages GROUP BY 1, 2"
        )
        for row in rows:
            per_source.setdefault(row["source_id"], {})[row["kind"]] = row["n"]
        return _totals(per_source)

    def iter_records(self, source_id: str | None = None) -> Iterator[dict[str, Any]]:
        sql = f"SELECT {', '.join(COLUMNS)} FROM articles"
        args: tuple[Any, ...] = ()
        if source_id:
            sql, args = sql + " WHERE source_id = ?", (source_id,)
        for row in self.db.execute(sql + " ORDER BY stored_at, article_id", args):
            yield _record(row)

    def revisions(self, article_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT content_hash, title, text, fetched_at, recorded_at FROM revisions "
            "WHERE article_id = ? ORDER BY fetched_at, recorded_at",
            (article_id,),
        )
        return [dict(row) for row in rows]

    def clusters(
        self, min_size: int = 2, source_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Syndication clusters, biggest first: the original and who republished it."""
        where = "WHERE source_id = ?" if source_id else ""
        args: tuple[Any, ...] = (source_id,) if source_id else ()
        ids = [
            row[0]
            for row in self.db.execute(
                "SELECT cluster_id FROM articles WHERE cluster_id IN "
                f"(SELECT cluster_id FROM articles {where}) "
                "GROUP BY cluster_id HAVING COUNT(*) >= ? "
                "ORDER BY COUNT(*) DESC, MIN(stored_at)",
                (*args, min_size),
            )
        ]
        found = []
        for cluster_id in ids:
            members = [
                dict(row)
                for row in self.db.execute(
                    "SELECT article_id, source_id, url, title, published_at, "
                    "stored_at, dup_kind, similarity FROM articles "
                    "WHERE cluster_id = ? "
                    "ORDER BY duplicate_of IS NOT NULL, stored_at",
                    (cluster_id,),
                )
            ]
            found.append(
                {
                    "cluster_id": cluster_id,
                    "size": len(members),
                    "original": members[0],
                    "copies": members[1:],
                }
            )
        return found

    def iter_signatures(self) -> Iterator[tuple[str, str, str]]:
        """(article_id, content_hash, minhash) of every article, first stored first."""
        rows = self.db.execute(
            "SELECT article_id, content_hash, minhash FROM articles "
            "WHERE minhash IS NOT NULL AND minhash != '' "
            "ORDER BY stored_at, article_id"
        )
        for row in rows:
            yield row[0], row[1], row[2]

    def get_record(self, article_id: str) -> dict[str, Any] | None:
        row = self.db.execute(
            f"SELECT {', '.join(COLUMNS)} FROM articles WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        return _record(row) if row else None

    def close(self) -> None:
        self.db.close()


def _record(row: sqlite3.Row) -> dict[str, Any]:
    return {
        c: json.loads(row[c]) if c in JSON_FIELDS and row[c] is not None else row[c]
        for c in COLUMNS
    }


def _totals(per_source: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Totals and per-source summaries from {source: {kind: count}}."""

    def summarize(kinds: dict[str, int]) -> dict[str, Any]:
        dups = {k: n for k, n in kinds.items() if k in ("exact", "near")}
        return {
            "articles": kinds.get("original", 0) + sum(dups.values()),
            "originals": kinds.get("original", 0),
            "duplicates": dups,
            "no_article": kinds.get("no_article", 0),
            "too_large": kinds.get("too_large", 0),
        }

    total: dict[str, int] = {}
    for kinds in per_source.values():
        for kind, n in kinds.items():
            total[kind] = total.get(kind, 0) + n
    return {
        **summarize(total),
        "per_source": {s: summarize(k) for s, k in sorted(per_source.items())},
    }
