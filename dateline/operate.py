"""`dateline status`, `failed` and `requeue`: the queue as an operator sees it.

Counts are of pages, not jobs (a job holds a few); a failed job keeps its
payload, the stage that failed and the error, and goes back by id or filter.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any

from redis import Redis
from rq.intermediate_queue import IntermediateQueue
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from dateline.failures import failed_jobs, requeue, select_failed
from dateline.runtime import (
    UsageError,
    check_source_filter,
    connect_redis,
    open_db,
    redis_url,
)
from workers import settings
from workers.queueing import connect, ingest_queue


def status_report(redis: Redis | None = None, store: Any = None) -> dict[str, Any]:
    """The queue's and the store's counts; through the given Redis client and
    store when a caller keeps them open, else through new ones."""
    url = redis_url()
    report: dict[str, Any] = {
        "redis": settings.masked(url),
        "database": settings.masked(settings.DATABASE_URL),
        **queue_status(redis or connect(url), settings.QUEUE_NAME),
    }
    if store is not None:
        return report | store.counts()
    store = open_db()
    try:
        return report | store.counts()
    finally:
        store.close()


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
    time left at that rate and the failures grouped by error, until Ctrl-C.

    Ctrl-C sets a flag the loop reads, rather than raising KeyboardInterrupt
    wherever the program is: raised inside a finalizer (a connection pool's
    __del__), the exception is printed and lost, and the watch went on. A
    Ctrl-C the shell ignores for a background job stays ignored."""
    stop: list[int] = []
    previous = signal.getsignal(signal.SIGINT)
    flagged = previous is signal.default_int_handler and (
        threading.current_thread() is threading.main_thread()
    )
    if flagged:
        signal.signal(signal.SIGINT, lambda signum, _frame: stop.append(signum))
    redis, store = connect_redis(), open_db()  # one of each for every redraw
    try:
        _redraw_until(stop, interval, redis, store)
    except KeyboardInterrupt:  # Ctrl-C under a handler of the caller's
        pass
    finally:
        if flagged:
            signal.signal(signal.SIGINT, previous)
        store.close()
        redis.close()
    return 0


def _redraw_until(stop: list[int], interval: float, redis: Redis, store: Any) -> None:
    history: list[tuple[float, int]] = []
    while not stop:
        report = status_report(redis, store)
        done = report["articles"] + report["no_article"] + report["too_large"]
        history = [*history[-30:], (time.monotonic(), done)]
        (t0, d0), (t1, d1) = history[0], history[-1]
        rate = (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0
        eta = f"{report['queued'] / rate:.0f} s" if rate > 0 else "-"
        failures: dict[str, int] = {}
        for job in failed_jobs(redis, settings.QUEUE_NAME):
            reason = f"{job.stage or '-'}: {job.error[:70]}"
            failures[reason] = failures.get(reason, 0) + 1
        if sys.stdout.isatty() and os.environ.get("TERM") != "dumb":
            sys.stdout.write("\x1b[H\x1b[2J")  # home, clear: redraw in place
        else:  # a pipe or a log file: plain reports one after another
            print("-" * 72)
        print(
            f"dateline status, every {interval:g} s (Ctrl-C to stop)   "
            f"{datetime.now():%H:%M:%S}"
        )
        print(f"rate {rate * 60:.0f} pages/min, ETA for the queue {eta}\n")
        _print_status(report)
        for reason, count in sorted(failures.items(), key=lambda f: -f[1]):
            print(f"  failed {count:>5} x {reason}")
        sys.stdout.flush()
        until = time.monotonic() + interval
        while not stop and time.monotonic() < until:
            time.sleep(min(0.1, interval))


def _print_status(report: dict[str, Any]) -> None:
    print(
        f"queue '{settings.QUEUE_NAME}' ({report['redis']}): "
        f"{report['queued']} queued, {report['running']} running, "
        f"{report['recovering']} recovering, {report['retrying']} retrying"
        + (
            f" (next {report['next_retry_at'][11:19]} UTC)"
            if report["retrying"]
            else ""
        )
        + f", {report['failed']} failed"
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
    jobs = failed_jobs(connect_redis(), settings.QUEUE_NAME)
    unknown = sorted(
        set(getattr(args, "job_ids", None) or ()) - {j.job_id for j in jobs}
    )
    if unknown:  # an id is no filter: one that names nothing is a mistake
        raise UsageError(
            f"no failed job {', '.join(unknown)}: `dateline failed` lists them"
        )
    check_source_filter(args.source, {j.source_id for j in jobs if j.source_id})
    return select_failed(
        jobs, getattr(args, "job_ids", None), args.source, args.error, args.since
    )


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
    if not (
        args.all or args.job_ids or args.source or args.error or args.since is not None
    ):
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


def queue_status(redis: Redis, queue_name: str) -> dict[str, Any]:
    """Pages (not jobs: a job holds a few) by where they are: queued; running (a
    worker's heartbeat is live); recovering (taken by a worker that died: left in
    RQ's intermediate list, or started with an expired heartbeat); retrying
    (scheduled, with the next due time); failed. `in_progress` is running plus
    recovering, as before."""
    queue = ingest_queue(redis, queue_name)
    now = time.time()
    live: list[str] = []
    expired: list[str] = []
    for job_id, score in _scored(redis, StartedJobRegistry(queue=queue).key):
        # members are "job_id:execution_id", scored by the heartbeat's expiry
        (live if score > now else expired).append(job_id.split(":", 1)[0])
    waiting = set(IntermediateQueue(queue.key, connection=redis).get_job_ids())
    stranded = sorted(waiting - set(live) - set(expired))
    retries = _scored(redis, ScheduledJobRegistry(queue=queue).key)
    return {
        "queued": pages_in(redis, [j for j in queue.get_job_ids() if j not in waiting]),
        "running": pages_in(redis, live),
        "recovering": pages_in(redis, [*expired, *stranded]),
        "in_progress": pages_in(redis, [*live, *expired, *stranded]),
        "retrying": pages_in(redis, [job_id for job_id, _ in retries]),
        "next_retry_at": (
            datetime.fromtimestamp(min(t for _, t in retries), UTC).isoformat()
            if retries
            else None
        ),
        "failed": pages_in(redis, FailedJobRegistry(queue=queue).get_job_ids()),
    }


def _scored(redis: Redis, key: str) -> list[tuple[str, float]]:
    """A sorted set's members (decoded) and scores."""
    found: Any = redis.zrange(key, 0, -1, withscores=True)
    return [
        (m.decode() if isinstance(m, bytes) else str(m), float(t)) for m, t in found
    ]


def pages_in(redis: Redis, job_ids: list[str], chunk: int = 1000) -> int:
    """How many pages these jobs hold, read from their meta in pipelined chunks."""
    total = 0
    for start in range(0, len(job_ids), chunk):
        pipe = redis.pipeline(transaction=False)
        for job_id in job_ids[start : start + chunk]:
            pipe.hget(Job.key_for(job_id), "meta")
        for raw in pipe.execute():
            if raw is None:
                continue  # gone since listed
            try:
                total += int(json.loads(raw).get("pages", 1))
            except (ValueError, TypeError, AttributeError):
                total += 1
    return total


def job_urls(job: Job) -> list[str]:
    """The URLs of a job's pages."""
    args = job.args[0] if job.args else None
    if isinstance(args, dict):
        args = [args]
    if isinstance(args, list):
        urls = [p.get("url") for p in args if isinstance(p, dict)]
        if urls and all(isinstance(u, str) for u in urls):
            return urls  # type: ignore[return-value]
    url = (job.meta or {}).get("url")
    return [url] if url else []
