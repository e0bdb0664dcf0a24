"""`dateline demo`: the whole pipeline on the bundled offline demo site.

Serves the demo site on 127.0.0.1 (DATELINE_DEMO_PORT, default 8765, as the
demo source files say), crawls both outlets, drains the queue with worker
processes, then prints the summary and the seed story's record.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from config.loader import load_source
from dateline.demo.server import serve
from dateline.demo.site import Site
from dateline.demo.stories import SEED_TITLE
from dateline.runtime import check_pair, redis_url
from workers import settings

DEMO_SOURCES = ("demo-courier", "demo-ledger")


def cmd_demo(args: argparse.Namespace) -> int:
    return run_demo(redis_url(), args.workers)


def run_demo(redis_url: str, workers: int) -> int:
    from dateline.crawl import run_crawls
    from dateline.work import run_workers
    from workers.queueing import connect

    check_pair(connect(redis_url))
    port = int(os.environ.get("DATELINE_DEMO_PORT") or 8765)
    sources = [load_source(s) for s in DEMO_SOURCES]
    site = Site(f"http://127.0.0.1:{port}")
    try:
        server = serve(site, "127.0.0.1", port)
    except OSError as exc:
        print(
            f"dateline: error: cannot serve the demo site on 127.0.0.1:{port} "
            f"({exc.strerror}); set DATELINE_DEMO_PORT and the demo sources' URLs",
            file=sys.stderr,
        )
        return 1
    _say(
        f"[1/3] demo site on http://127.0.0.1:{port}/ ({site.counts['courier']} + "
        f"{site.counts['ledger']} pages, {site.counts['wire']} wire stories in both); "
        f"crawling {', '.join(DEMO_SOURCES)} into {redis_url}"
    )
    try:
        summaries = run_crawls(sources, redis_url, progress_interval=2.0)
    finally:
        server.shutdown()
    for summary in summaries:
        _say("      " + summary.line())
    _say(f"[2/3] {workers} workers draining queue '{settings.QUEUE_NAME}'")
    run_workers(redis_url, settings.QUEUE_NAME, workers, burst=True)
    from dateline.operate import status_report

    report = status_report()
    _say(
        f"[3/3] {report['articles']} records ({report['originals']} originals, "
        f"{sum(report['duplicates'].values())} duplicates), {report['no_article']} "
        f"no_article, {report['failed']} failed, {report['queued']} still queued; "
        f"database {settings.DATABASE_URL}"
    )
    seed = _seed_record()
    if seed:
        _say("The seed story, as stored:")
        print(json.dumps(seed, indent=2, ensure_ascii=False))
        _say(_seed_cluster(seed["cluster_id"]))
    ok = all(s.ok for s in summaries) and report["failed"] == 0 and seed is not None
    cmd = command()
    _say(
        f"demo complete: try `{cmd} status`, `{cmd} export | head -1`"
        if ok
        else f"demo finished with problems: see `{cmd} failed`"
    )
    return 0 if ok else 1


def _seed_record() -> dict[str, Any] | None:
    from workers.store import open_store

    store = open_store(settings.DATABASE_URL)
    try:
        for record in store.iter_records():
            if record["title"] == SEED_TITLE and record["duplicate_of"] is None:
                return record
    finally:
        store.close()
    return None


def _seed_cluster(cluster_id: str) -> str:
    from workers.store import open_store

    store = open_store(settings.DATABASE_URL)
    try:
        cluster = next(
            (c for c in store.clusters() if c["cluster_id"] == cluster_id), None
        )
    finally:
        store.close()
    if cluster is None:
        return "The seed story has no copies."
    lines = [
        f"Its syndication cluster ({cluster['size']} records; "
        "`dateline clusters` lists them all):",
        f"  first   {cluster['original']['source_id']}  {cluster['original']['url']}",
    ]
    lines += [
        f"  {c['dup_kind']:<7} {c['source_id']}  {c['url']}" for c in cluster["copies"]
    ]
    return "\n".join(lines)


def command() -> str:
    """Dateline's command as the user would type it next: `dateline` when that
    is the one on PATH, else its path from here (`.venv/bin/dateline` after
    `make demo` in a checkout)."""
    here = Path(sys.argv[0]).resolve()
    found = shutil.which("dateline")
    if found and Path(found).resolve() == here:
        return "dateline"
    try:
        return str(here.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(here)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
