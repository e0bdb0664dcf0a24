"""Full-text search over stored titles and text: SQLite's FTS5 (bm25) or
PostgreSQL's text search (a tsvector per record in its language, ts_rank_cd),
ranked, with a snippet; hits of one syndication cluster folded together."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workers.store.filters import record_filters

HIT_FIELDS = (
    "article_id", "source_id", "url", "title", "published_at", "language",
    "dup_kind", "cluster_id",
)  # fmt: skip


class BadQuery(ValueError):
    """A search query with no word to look for."""


@dataclass
class Hit:
    article_id: str
    source_id: str
    url: str
    title: str | None
    published_at: str | None
    language: str | None
    dup_kind: str | None
    cluster_id: str | None
    snippet: str
    rank: float  # higher is better
    cluster_size: int = 1
    copies: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def fts5_query(text: str) -> str:
    """A user's words as an FTS5 query: "quoted phrases" and words, all
    required, `OR` between two of them; every term quoted, so no character
    in it is FTS5 syntax."""
    terms: list[str] = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', text):
        if word == "OR":
            if terms and terms[-1] != "OR":
                terms.append("OR")
            continue
        term = (phrase or word).strip().lstrip("-+").replace('"', "")
        if term:
            terms.append(f'"{term}"')
    while terms and terms[-1] == "OR":
        terms.pop()
    if not terms:
        raise BadQuery(f"nothing to search for in {text!r}")
    return " ".join(terms)


def fold(hits: list[Hit], sizes: dict[str, int], limit: int) -> list[Hit]:
    """Hits of one cluster as one: its original first when it is among them (else
    the best hit), the copies found listed under it, the cluster's size."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:  # best first
        groups.setdefault(hit.cluster_id or hit.article_id, []).append(hit)
    folded = []
    for cluster, members in groups.items():
        lead = next((h for h in members if h.dup_kind is None), members[0])
        lead.copies = [
            {"article_id": h.article_id, "source_id": h.source_id, "url": h.url}
            for h in members
            if h is not lead
        ]
        lead.rank = max(h.rank for h in members)
        lead.cluster_size = sizes.get(cluster, 1)
        folded.append(lead)
    folded.sort(key=lambda h: (-h.rank, h.dup_kind is not None))
    return folded[:limit]


def search(
    store: Any,
    query: str,
    source_id: str | None,
    since: datetime | None,
    language: str | None,
    limit: int,
) -> list[Hit]:
    """Hits from the backend's own full-text query, folded by cluster."""
    where, args = record_filters(source_id, since, language=language, table="a.")
    rows = store._search(query, where, args, language, limit * 5)
    names = set(Hit.__dataclass_fields__)
    hits = [Hit(**{k: v for k, v in dict(row).items() if k in names}) for row in rows]
    clusters = sorted({h.cluster_id for h in hits if h.cluster_id})
    sizes = {
        row["cluster_id"]: row["n"]
        for row in store._execute(
            "SELECT cluster_id, size AS n FROM cluster_sizes WHERE cluster_id IN "
            f"({', '.join('?' * len(clusters))})",  # kept as records are written
            clusters,
        )
    } if clusters else {}  # fmt: skip
    return fold(hits, sizes, limit)
