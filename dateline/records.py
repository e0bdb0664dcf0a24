"""`dateline export`, `show`, `clusters`, `dedupe rebuild` and `db upgrade`: the
stored records, their syndication clusters and the schema."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from dateline.runtime import UsageError, check_source_filter, connect_redis, open_db
from workers import settings


def cmd_export(args: argparse.Namespace) -> int:
    from dateline import exports

    fmt = args.format or next(
        (f for f in ("parquet", "csv") if (args.output or "").endswith("." + f)),
        "jsonl",
    )
    if fmt == "parquet" and not args.output:
        raise UsageError("--format parquet writes a file: give -o FILE.parquet")
    chosen = exports.fields(args.fields)
    now = datetime.now(UTC)
    store = open_db()
    records: Any = iter(())
    try:
        check_source_filter(args.source, lambda: store.counts()["per_source"])
        records = store.iter_records(
            args.source,
            # "--since 0s" is now: nothing yet, not everything
            now - args.since if args.since is not None else None,
            now - args.until if args.until is not None else None,
            args.language,
            args.originals_only,
        )
        if args.query:
            records = _matching(store, args.query, records)
        with _output(args.output, binary=fmt == "parquet") as out:
            count = exports.write(records, fmt, out, chosen)
    finally:
        if hasattr(records, "close"):
            records.close()  # a reader gone (`| head`): the cursor first
        store.close()
    print(
        f"{count} record(s) exported"
        + (f" to {args.output} ({fmt})" if args.output else ""),
        file=sys.stderr,
    )
    return 0


def _matching(store: Any, query: str, records: Any) -> Any:
    """The records a search finds (copies too: an export is not a result page),
    in export's order."""
    from workers.store.search import BadQuery

    try:
        hits = store.search(query, limit=1_000_000)
    except BadQuery as exc:
        raise UsageError(str(exc)) from None
    wanted = {h.article_id for h in hits}
    wanted |= {c["article_id"] for h in hits for c in h.copies}
    return (r for r in records if r["article_id"] in wanted)


@contextmanager
def _output(path: str | None, binary: bool = False) -> Iterator[Any]:
    if not path:
        yield sys.stdout
        return
    with open(path, "wb") if binary else open(path, "w", encoding="utf-8") as fh:
        yield fh


def cmd_clusters(args: argparse.Namespace) -> int:
    store = open_db()
    try:
        check_source_filter(args.source, lambda: store.counts()["per_source"])
        clusters = store.clusters(args.min_size, args.source, args.limit)
    finally:
        store.close()
    if args.json:
        print(json.dumps(clusters, indent=2, ensure_ascii=False))
        return 0
    for cluster in clusters:
        first = cluster["original"]
        print(
            f"{cluster['size']:>3}  {first['title']}\n"
            f"     first: {first['source_id']} {first['published_at'] or '-'} "
            f"{first['url']}"
        )
        for copy in cluster["copies"]:
            print(
                f"     {copy['dup_kind']:<5} {copy['similarity'] or 0:.2f} "
                f"{copy['source_id']} {copy['published_at'] or '-'} {copy['url']}"
            )
    print(f"{len(clusters)} cluster(s)", file=sys.stderr)
    return 0


def cmd_dedupe(args: argparse.Namespace) -> int:
    from workers.dedupe_index import DedupeIndex, rebuild

    index = DedupeIndex(connect_redis(), settings.NEAR_THRESHOLD)
    store = open_db()
    try:
        report = rebuild(index, store)
    finally:
        store.close()
    print(
        f"index rebuilt from {report['articles']} stored articles "
        f"({report['deleted']} old keys removed); {report['changed']} decision(s) "
        "differ from the stored records"
    )
    for article_id, stored, now in report["differences"][:20]:
        print(f"  {article_id}: stored {stored}, now {now}")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    store = open_db()  # opening a store runs its migrations
    if args.action == "adopt":
        return _adopt(store)
    store.close()
    print(f"database {settings.masked(settings.DATABASE_URL)} is at the current schema")
    return 0


def _adopt(store: Any) -> int:
    """This Redis now serves this database: its marks and its dedupe index are
    rebuilt from the database."""
    from workers.dedupe_index import DedupeIndex, rebuild
    from workers.queueing import adopt_database

    redis = connect_redis()
    try:
        urls = adopt_database(redis, store.database_id(), store.recorded_url_keys())
        report = rebuild(DedupeIndex(redis, settings.NEAR_THRESHOLD), store)
    finally:
        store.close()
    print(
        f"Redis now serves {settings.masked(settings.DATABASE_URL)}: {urls} recorded "
        f"URL(s) and {report['articles']} article(s) in the dedupe index rebuilt "
        "from it"
    )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = open_db()
    record = store.get_record(args.article_id)
    store.close()
    if record is None:
        raise UsageError(f"no stored article {args.article_id!r}")
    print(json.dumps(record, indent=2, ensure_ascii=False))
    return 0
