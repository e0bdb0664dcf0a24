"""`dateline search QUERY`: the stored records matching a query, best first, each
with a snippet and its syndication cluster's size; a story's copies are folded
under its original (`workers.store.search`)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from dateline.runtime import UsageError, check_source_filter, open_db


def cmd_search(args: argparse.Namespace) -> int:
    from workers.store.search import BadQuery

    store = open_db()
    try:
        check_source_filter(args.source, lambda: store.counts()["per_source"])
        since = datetime.now(UTC) - args.since if args.since is not None else None
        try:
            hits = store.search(
                args.query, args.source, since, args.language, args.limit
            )
        except BadQuery as exc:
            raise UsageError(str(exc)) from None
    finally:
        store.close()
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], indent=2, ensure_ascii=False))
    else:
        for n, hit in enumerate(hits, 1):
            more = (
                f", {hit.cluster_size} in its cluster" if hit.cluster_size > 1 else ""
            )
            print(
                f"{n:>3}. {hit.title or '(no title)'}\n"
                f"     {hit.source_id} {(hit.published_at or '-')[:16]} "
                f"{hit.url}{more}\n"
                f"     {' '.join(hit.snippet.split())}"
            )
            for copy in hit.copies:
                print(f"       also: {copy['source_id']} {copy['url']}")
    print(f"{len(hits)} hit(s)", file=sys.stderr)
    return 0
