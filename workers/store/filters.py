"""Which records a query picks: the WHERE clauses export and search share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from workers.models import utc_iso


def record_filters(
    source_id: str | None = None,
    changed_since: datetime | None = None,
    changed_until: datetime | None = None,
    language: str | None = None,
    originals_only: bool = False,
    table: str = "",
) -> tuple[list[str], list[Any]]:
    """The WHERE clauses (and their arguments) that pick records, shared by
    export and search: one source, stored or updated in [changed_since,
    changed_until), one language, originals only. `table` qualifies the
    columns ("a." where the query joins)."""
    changed = f"COALESCE({table}updated_at, {table}stored_at)"
    picked = (
        (f"{table}source_id = ?", source_id),
        (f"{changed} >= ?", changed_since and utc_iso(changed_since)),
        (f"{changed} < ?", changed_until and utc_iso(changed_until)),
        (f"{table}language = ?", language),
    )
    where = [clause for clause, value in picked if value]
    args: list[Any] = [value for _, value in picked if value]
    if originals_only:
        where.append(f"{table}dup_kind IS NULL")
    return where, args
