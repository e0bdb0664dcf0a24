"""Commands that watch and operate: status, failed, requeue, export, clusters, db."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from dateline.context import (
    UsageError,
    connect_redis,
    open_db,
    status_report,
)
from workers import settings


def cmd_status(args: argparse.Namespace) -> int:
    if args.watch:
        return _watch(args.interval)
    report = status_report()
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    _print_status(report)
    return 0


def _watch(interval: float) -> int:
    """Redraw the status every `interval` seconds with the processing rate, the
    time left at that rate and the failures grouped by error."""
    from dateline.operate import failed_jobs

    history: list[tuple[float, int]] = []
    try:
        while True:
            report = status_report()
            done = report["articles"] + report["no_article"] + report["too_large"]
            history = [*history[-30:], (time.monotonic(), done)]
            (t0, d0), (t1, d1) = history[0], history[-1]
            rate = (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0
            eta = f"{report['queued'] / rate:.0f} s" if rate > 0 else "-"
            failures: dict[str, int] = {}
            for job in failed_jobs(connect_redis(), settings.QUEUE_NAME):
                reason = f"{job.stage or '-'}: {job.error[:70]}"
                failures[reason] = failures.get(reason, 0) + 1
            sys.stdout.write("\x1b[H\x1b[2J")  # home, clear: redraw in place
            print(
                f"dateline status, every {interval:g} s (Ctrl-C to stop)   "
                f"{datetime.now():%H:%M:%S}"
            )
            print(f"rate {rate * 60:.0f} pages/min, ETA for the queue {eta}\n")
            _print_status(report)
            for reason, count in sorted(failures.items(), key=lambda f: -f[1]):
                print(f"  failed {count:>5} x {reason}")
            sys.stdout.flush()
            time.sleep(interval)
    except KeyboardInterrupt:
        return 0


def _print_status(report: dict[str, Any]) -> None:
    print(
        f"queue '{settings.QUEUE_NAME}' ({report['redis']}): "
        f"{report['queued']} queued, "
        f"{report['in_progress']} in progress, {report['failed']} failed"
    )
    dups = report["duplicates"]
    print(
        f"storage ({report['database']}): {report['articles']} records: "
        f"{report['originals']} originals, {sum(dups.values())} duplicates "
        f"({', '.join(f'{n} {k}' for k, n in dups.items()) or 'none'}); "
        f"{report['no_article']} no_article, {report['too_large']} too_large"
    )
    if report["per_source"]:
        print(
            f"  {'SOURCE_ID':<16} {'RECORDS':>8} {'ORIGINAL':>8} {'EXACT':>6} "
            f"{'NEAR':>6} {'NO_ARTICLE':>10}"
        )
        for sid, c in report["per_source"].items():
            dups = c["duplicates"]
            print(
                f"  {sid:<16} {c['articles']:>8} {c['originals']:>8} "
                f"{dups.get('exact', 0):>6} {dups.get('near', 0):>6} "
                f"{c['no_article']:>10}"
            )


def _selected_failed(args: argparse.Namespace) -> list[Any]:
    from dateline.operate import failed_jobs, select_failed

    jobs = failed_jobs(connect_redis(), settings.QUEUE_NAME)
    return select_failed(
        jobs, getattr(args, "job_ids", None), args.source, args.error, args.since
    )


def duration(text: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+)\s*([smhdw])\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(
            f"expected a duration such as 30m, 6h or 2d, got {text!r}"
        )
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    return timedelta(**{unit[match.group(2)]: int(match.group(1))})


def cmd_failed(args: argparse.Namespace) -> int:
    jobs = _selected_failed(args)
    if args.json:
        print(json.dumps([j.to_dict() for j in jobs], indent=2))
        return 0
    groups: dict[str, list[Any]] = {}
    for job in jobs:  # grouped by what went wrong: one fix usually serves a group
        groups.setdefault(f"{job.stage or '-'}: {job.error}", []).append(job)
    for reason, group in sorted(groups.items(), key=lambda g: -len(g[1])):
        print(f"{len(group)} x {reason}")
        for job in group:
            when = job.failed_at.strftime("%Y-%m-%d %H:%M") if job.failed_at else "?"
            more = f" (+{job.pages - 1} more pages)" if job.pages > 1 else ""
            print(f"    {job.job_id}  {when}  {job.source_id}  {job.url}{more}")
    print(f"{len(jobs)} failed job(s) in {len(groups)} group(s)", file=sys.stderr)
    return 0


def cmd_requeue(args: argparse.Namespace) -> int:
    from dateline.operate import requeue

    if not (args.all or args.job_ids or args.source or args.error or args.since):
        raise UsageError("requeue: give --all, JOB_IDs, --source, --error or --since")
    jobs = _selected_failed(args)
    for job in jobs:
        print(
            f"{'would re-queue' if args.dry_run else 're-queued'} {job.job_id} "
            f"{job.source_id} {job.url} ({job.stage or '-'}: {job.error[:80]})"
        )
    if not args.dry_run:
        requeue(connect_redis(), settings.QUEUE_NAME, jobs)
    print(
        f"{len(jobs)} job(s) {'selected' if args.dry_run else 're-queued'}",
        file=sys.stderr,
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    store = open_db()
    count = 0
    with _output(args.output) as out:
        since = datetime.now(UTC) - args.since if args.since else None
        for record in store.iter_records(args.source, since):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    store.close()
    print(
        f"{count} record(s) exported" + (f" to {args.output}" if args.output else ""),
        file=sys.stderr,
    )
    return 0


@contextmanager
def _output(path: str | None) -> Iterator[Any]:
    if not path:
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8") as fh:
        yield fh


def cmd_clusters(args: argparse.Namespace) -> int:
    store = open_db()
    try:
        clusters = store.clusters(args.min_size, args.source)
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
    store.close()
    print(f"database {settings.masked(settings.DATABASE_URL)} is at the current schema")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = open_db()
    record = store.get_record(args.article_id)
    store.close()
    if record is None:
        raise UsageError(f"no stored article {args.article_id!r}")
    print(json.dumps(record, indent=2, ensure_ascii=False))
    return 0
