"""What both SQL backends share: the record's columns, the upsert and the queries.

Queries are written once with `?` placeholders; a backend supplies `_execute`
(rows addressable by column name) and `_transaction`, and translates placeholders.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from workers.models import SkippedPage, StoredArticle, utc_iso
from workers.store.filters import record_filters

JSON_FIELDS = ("authors", "agencies", "dateline", "credits", "date_rejected")
COLUMNS = (
    "article_id",
    "source_id",
    "url",
    "canonical_url",
    "title",
    "authors",
    "agencies",
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


class SqlStore:
    """The Store protocol over any DB-API connection; see the module docstring."""

    def _execute(self, sql: str, args: Any = ()) -> Any:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def _settle(self) -> None:
        """A writer's last step before it commits (workers.store.tallies)."""

    def upsert_article(self, stored: StoredArticle) -> str:
        return self.write([stored], [])[0]

    def record_page(
        self,
        url_key: str,
        source_id: str,
        url: str,
        outcome: str,
        reason: str,
        fetched_at: datetime,
    ) -> None:
        page = SkippedPage(url_key, source_id, url, outcome, reason, fetched_at)
        self.write([], [page])

    def write(
        self, articles: Sequence[StoredArticle], pages: Sequence[SkippedPage]
    ) -> list[str]:
        """Articles and skipped pages in one transaction; each article's change."""
        with self._transaction():
            # every statement first, every result after: a backend that pipelines
            # (PostgreSQL) sends the whole batch in one round trip
            sent = [self._upsert(stored) for stored in articles]
            for page in pages:
                self._record(page)
            self._settle()
            return [self._change(existed, upsert) for existed, upsert in sent]

    @staticmethod
    def _change(existed: Any, upsert: Any) -> str:
        if not existed.fetchone():
            return "inserted"
        return "updated" if upsert.rowcount else "unchanged"

    def _upsert(self, stored: StoredArticle) -> tuple[Any, Any]:
        """Send one record's statements; (existed, upsert) results, unread."""
        record = stored.to_record()
        values = [
            json.dumps(record[c]) if c in JSON_FIELDS else record[c] for c in COLUMNS
        ] + [stored.minhash]
        existed = self._execute(
            "SELECT 1 FROM articles WHERE article_id = ?", (stored.article_id,)
        )
        upsert = self._execute(UPSERT, values)
        # every text an article had, with when it was fetched: its revisions
        self._execute(
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
        return existed, upsert

    def _record(self, page: SkippedPage) -> None:
        self._execute(
            "INSERT INTO pages VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url_key) DO "
            "UPDATE SET outcome = excluded.outcome, reason = excluded.reason, "
            "fetched_at = excluded.fetched_at",
            (
                page.url_key,
                page.source_id,
                page.url,
                page.outcome,
                page.reason,
                utc_iso(page.fetched_at),
                utc_iso(datetime.now(UTC)),
            ),
        )

    def database_id(self) -> str:
        """This database's id, written at its first use: Redis records it, so a
        queue's marks are never read against another database."""
        self._execute(
            "CREATE TABLE IF NOT EXISTS dateline_meta "
            "(key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        )
        self._execute(
            "INSERT INTO dateline_meta VALUES ('database_id', ?) "
            "ON CONFLICT (key) DO NOTHING",
            (uuid.uuid4().hex,),
        )
        row = self._execute(
            "SELECT value FROM dateline_meta WHERE key = 'database_id'"
        ).fetchone()
        return str(row["value"])

    def recorded_url_keys(self) -> Iterator[str]:
        """The URL keys this database holds a record or an outcome for: what a
        Redis adopting it must remember as recorded."""
        from workers.urls import url_key

        for row in self._execute("SELECT url, canonical_url FROM articles"):
            yield url_key(row["url"])
            if row["canonical_url"]:
                yield url_key(row["canonical_url"])
        for row in self._execute("SELECT url_key FROM pages"):
            yield str(row["url_key"])

    def counts(self) -> dict[str, Any]:
        per_source: dict[str, dict[str, int]] = {}
        # kept as records are written (workers.store.tallies)
        rows = self._execute("SELECT source_id, kind, n FROM tallies WHERE n != 0")
        for row in rows:
            per_source.setdefault(row["source_id"], {})[row["kind"]] = row["n"]
        return _totals(per_source)

    def iter_records(
        self,
        source_id: str | None = None,
        changed_since: datetime | None = None,
        changed_until: datetime | None = None,
        language: str | None = None,
        originals_only: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """Records in the order they were stored; those of one source, stored or
        updated at or after `changed_since` (an incremental export) and before
        `changed_until`, in one language, or originals only (no duplicates)."""
        where, args = record_filters(
            source_id, changed_since, changed_until, language, originals_only
        )
        sql = f"SELECT {', '.join(COLUMNS)} FROM articles" + (
            " WHERE " + " AND ".join(where) if where else ""
        )
        for row in self._stream(sql + " ORDER BY stored_at, article_id", tuple(args)):
            yield _record(row)

    def search(
        self,
        query: str,
        source_id: str | None = None,
        since: datetime | None = None,
        language: str | None = None,
        limit: int = 20,
    ) -> list[Any]:
        """The records matching `query` best first, a cluster's hits folded into
        one (`workers.store.search`)."""
        from workers.store.search import search

        return search(self, query, source_id, since, language, limit)

    def _stream(self, sql: str, args: Any = ()) -> Iterator[Any]:
        """Rows of a query that may be large; a backend may stream them."""
        yield from self._execute(sql, args)

    def revisions(self, article_id: str) -> list[dict[str, Any]]:
        rows = self._execute(
            "SELECT content_hash, title, text, fetched_at, recorded_at FROM revisions "
            "WHERE article_id = ? ORDER BY fetched_at, recorded_at",
            (article_id,),
        )
        return [_plain(row) for row in rows]

    def clusters(
        self, min_size: int = 2, source_id: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Syndication clusters, biggest first (the `limit` biggest; 0: all): the
        original and who republished it. Two queries whatever the count."""
        where = (
            " AND EXISTS (SELECT 1 FROM articles a WHERE a.cluster_id = c.cluster_id "
            "AND a.source_id = ?)"
            if source_id
            else ""
        )
        args: tuple[Any, ...] = (source_id,) if source_id else ()
        ids = [  # the sizes are kept as records are written (workers.store.tallies)
            row["cluster_id"]
            for row in self._execute(
                f"SELECT cluster_id FROM cluster_sizes c WHERE size >= ?{where} "
                "ORDER BY size DESC, first_stored" + (" LIMIT ?" if limit else ""),
                (max(min_size, 1), *args, *((limit,) if limit else ())),
            )
        ]
        members: dict[str, list[dict[str, Any]]] = {c: [] for c in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for row in self._execute(
                "SELECT cluster_id, article_id, source_id, url, title, published_at, "
                "stored_at, dup_kind, similarity FROM articles WHERE cluster_id IN "
                f"({', '.join('?' * len(chunk))}) "
                "ORDER BY duplicate_of IS NOT NULL, stored_at",
                chunk,
            ):
                found = _plain(row)
                members[found.pop("cluster_id")].append(found)
        return [
            {"cluster_id": c, "size": len(m), "original": m[0], "copies": m[1:]}
            for c, m in members.items()
        ]

    def iter_signatures(self) -> Iterator[tuple[str, str, str]]:
        """(article_id, content_hash, minhash) of every article, first stored first."""
        rows = self._execute(
            "SELECT article_id, content_hash, minhash FROM articles "
            "WHERE minhash IS NOT NULL AND minhash != '' "
            "ORDER BY stored_at, article_id"
        )
        for row in rows:
            yield row["article_id"], row["content_hash"], row["minhash"]

    def get_record(self, article_id: str) -> dict[str, Any] | None:
        row = self._execute(
            f"SELECT {', '.join(COLUMNS)} FROM articles WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        return _record(row) if row else None


def _plain(row: Any) -> dict[str, Any]:
    """A row as a dict with times as ISO strings, whichever backend read it."""
    return {
        k: utc_iso(v) if isinstance(v, datetime) else v for k, v in dict(row).items()
    }


def _record(row: Any) -> dict[str, Any]:
    record = {}
    for column in COLUMNS:
        value = row[column]
        if column in JSON_FIELDS and isinstance(value, str):
            value = json.loads(value)  # SQLite keeps JSON as text; PostgreSQL as jsonb
        elif column == "agencies" and value is None:
            value = []  # stored before the field existed
        elif isinstance(value, datetime):
            value = utc_iso(value)
        record[column] = value
    return record


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
