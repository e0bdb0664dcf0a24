"""Store: StoredArticle -> a record in the database, idempotently.

One Protocol, one file per backend. `open_store(url)` picks the backend from the
URL: a path or `sqlite:///path` (the embedded default), `postgresql://...` (scale-out).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from workers.models import SkippedPage, StoredArticle


class Store(Protocol):
    def upsert_article(self, stored: StoredArticle) -> str:
        """Upsert by article_id: 'inserted', 'updated' or 'unchanged'."""

    def record_page(
        self,
        url_key: str,
        source_id: str,
        url: str,
        outcome: str,
        reason: str,
        fetched_at: datetime,
    ) -> None:
        """Record a page that yields no article (`no_article`, `too_large`)."""

    def write(
        self, articles: Sequence[StoredArticle], pages: Sequence[SkippedPage]
    ) -> list[str]:
        """A batch in one transaction: upserts (each one's change) and skipped pages."""

    def counts(self) -> dict[str, Any]:
        """Totals and per-source counts of articles, duplicates and skipped pages."""

    def iter_records(
        self,
        source_id: str | None = None,
        changed_since: datetime | None = None,
        changed_until: datetime | None = None,
        language: str | None = None,
        originals_only: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """Stored records matching every filter given, oldest first."""

    def get_record(self, article_id: str) -> dict[str, Any] | None: ...

    def revisions(self, article_id: str) -> list[dict[str, Any]]:
        """Every text the article had, oldest first."""

    def clusters(
        self, min_size: int = 2, source_id: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Syndication clusters: {cluster_id, size, original, copies[]}."""

    def iter_signatures(self) -> Iterator[tuple[str, str, str]]:
        """(article_id, content_hash, minhash hex), first stored first."""

    def database_id(self) -> str:
        """This database's id, written at its first use."""
        ...

    def recorded_url_keys(self) -> Iterator[str]:
        """The URL keys this database holds a record or an outcome for."""
        ...

    def close(self) -> None: ...


class StoreUnavailable(RuntimeError):
    """The database named by DATELINE_DATABASE_URL cannot be used."""


def open_store(url: str) -> Store:
    if url.startswith(("postgresql://", "postgres://")):
        return _postgres(url)
    import sqlite3

    from workers.store.sqlite import SQLiteStore

    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:") else url
    try:
        return SQLiteStore(Path(path))
    except (sqlite3.Error, OSError) as exc:
        raise StoreUnavailable(f"cannot open the database {path}: {exc}") from None


def _postgres(url: str) -> Store:
    from workers import settings

    try:
        import psycopg
        from psycopg_pool import PoolTimeout

        from workers.store.postgres import PostgresStore
    except ImportError:
        raise StoreUnavailable(  # noqa: B904 (the ImportError adds nothing)
            "PostgreSQL storage needs psycopg: pip install 'dateline[postgres]'"
        )
    try:
        return PostgresStore(url)
    except (psycopg.Error, PoolTimeout) as exc:
        raise StoreUnavailable(
            f"cannot use the database {settings.masked(url)}: {str(exc).strip()}"
        ) from None
