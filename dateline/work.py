"""`dateline work`: N RQ worker processes on the ingest queue.

The parent runs the stage chain once (trafilatura, dateparser, the gazetteer),
then forks the workers. Each worker runs its jobs in its own process
(`DatelineWorker`): a fork per job, RQ's default, would cost more than half an
extraction and drop the worker's connections and caches every time. What it gave is
kept: heartbeats while a job runs (a thread), the job timeout (SIGALRM, as RQ's
death penalty does it) and a hard stop when a job outlives its timeout, after which
RQ's abandoned-job recovery re-queues it and the parent starts a new worker.
SIGTERM or Ctrl-C lets each worker finish its current job, then exit.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from queue import Empty, SimpleQueue
from typing import Any

from rq import Queue, SimpleWorker
from rq.executions import Execution
from rq.job import Job
from rq.serializers import JSONSerializer
from rq.worker import BaseWorker, WorkerStatus

from dateline.runtime import UsageError, check_pair, redis_url, tune_collector
from workers import settings
from workers.queueing import JOB_FUNCTIONS, REFUSE, connect, ingest_queue, refusal
from workers.recovery import HEARTBEAT_GRACE, RECOVERY_INTERVAL, recover, release

logger = logging.getLogger(__name__)
STUCK_EXIT = 75  # a worker that stopped itself on a stuck job: start another
BURST_REDIS_WAIT = 300.0  # s a burst worker waits for a Redis that went away


def cmd_work(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise UsageError("work: -n must be at least 1")
    url = redis_url()
    redis = connect(url)
    check_pair(redis)
    from workers.dedupe_index import OLDER_LAYOUT, DedupeIndex

    if DedupeIndex(redis, settings.NEAR_THRESHOLD).older_layout():
        logger.warning(OLDER_LAYOUT)
    print(
        f"{args.workers} worker(s) on queue '{settings.QUEUE_NAME}' at "
        f"{settings.masked(url)}"
        + (" (burst)" if args.burst else "; Ctrl-C or SIGTERM to stop"),
        file=sys.stderr,
    )
    if not args.burst:
        return run_workers(url, settings.QUEUE_NAME, args.workers, args.burst)
    from dateline.operate import status_report

    def report() -> dict[str, Any] | None:
        try:
            return status_report()
        except Exception:  # the store may be down: the workers start all the same
            return None

    before = report()
    code = run_workers(url, settings.QUEUE_NAME, args.workers, args.burst)
    after = report() if before is not None else None
    if before is not None and after is not None:
        print(burst_summary(before, after), file=sys.stderr)
    return code


def burst_summary(before: dict[str, Any], after: dict[str, Any]) -> str:
    """'N pages: A stored, D duplicates, K no article, F failed, R retrying'."""

    def grew(key: str) -> int:
        return int(after[key]) - int(before[key])

    duplicates = sum(after["duplicates"].values()) - sum(before["duplicates"].values())
    stored = grew("originals")
    no_article = grew("no_article") + grew("too_large")
    failed = max(grew("failed"), 0)
    retrying = int(after["retrying"])
    total = stored + duplicates + no_article + failed + retrying
    line = (
        f"{total} pages: {stored} stored, {duplicates} duplicates, "
        f"{no_article} no article, {failed} failed, {retrying} retrying"
    )
    if retrying:
        line += f" (next due {after['next_retry_at'][11:19]} UTC: run work again then)"
    return line


class DatelineWorker(SimpleWorker):
    """A worker that runs jobs in-process and keeps the fork worker's safety nets."""

    stuck_grace = 60  # seconds past a job's timeout before the worker gives it up
    job_functions = JOB_FUNCTIONS  # the functions it runs; any other is refused

    def execute_job(self, job: Job, queue: Queue) -> None:
        _refuse_foreign(job, self.job_functions)
        execution = self.prepare_execution(job)
        done = threading.Event()
        beat = threading.Thread(
            target=self._beat, args=(job, execution, done), daemon=True
        )
        beat.start()
        try:
            self.perform_job(job, queue, execution)
        finally:
            done.set()
            beat.join()
        self.set_state(WorkerStatus.IDLE)

    def handle_job_failure(
        self,
        job: Job,
        queue: Queue,
        started_job_registry: Any = None,
        exc_string: str = "",
        execution: Execution | None = None,
    ) -> None:
        # the traceback RQ keeps in Redis (and `dateline failed` shows) may quote
        # a driver's error with a database URL in it: stored masked
        super().handle_job_failure(
            job, queue, started_job_registry, settings.masked(exc_string), execution
        )

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        # the monitoring interval plus a grace, so that the parent's recovery
        # pass finds a dead worker's job within seconds (RQ's fork worker: + 60 s)
        ttl = BaseWorker.get_heartbeat_ttl(self, job, working_time)
        return ttl - 60 + HEARTBEAT_GRACE

    def _beat(self, job: Job, execution: Execution, done: threading.Event) -> None:
        started = time.monotonic()
        while not done.wait(self.job_monitoring_interval):
            overdue = time.monotonic() - started > (job.timeout or 0) + self.stuck_grace
            if job.timeout and job.timeout > 0 and overdue:
                # SIGALRM did not stop it (stuck in C code): give the job up to
                # RQ's abandoned-job recovery, as RQ's fork worker would
                logger.error("job %s is stuck past its timeout; exiting", job.id)
                os._exit(STUCK_EXIT)
            try:
                self.maintain_heartbeats(job, execution)
            except Exception as exc:  # Redis away: the job's own calls will say so
                logger.warning("heartbeat for job %s failed: %s", job.id, exc)


def _refuse_foreign(job: Job, allowed: frozenset[str]) -> None:
    """A job that names anything but Dateline's job function runs `refuse`
    instead, which fails it (no retry) as `refused`: what it named is never
    imported, its callbacks never run, and a re-queue cannot bring it back."""
    reason = refusal(job, allowed)
    if reason is None:
        return
    logger.error("job %s refused: %s", job.id, reason)
    job._success_callback_name = None
    job._failure_callback_name = None
    job._stopped_callback_name = None
    job._instance = None
    job.func_name = REFUSE
    job.retries_left = 0
    job.meta.update(stage="refused", error=reason[:500])
    job.save()


def run_workers(
    redis_url: str,
    queue_name: str,
    count: int,
    burst: bool,
) -> int:
    """Run `count` workers until the queue is empty (burst) or a signal; exit code."""
    from workers import connections, stages

    stages.warm_up(count)
    connections.check_store()
    tune_collector()
    ctx = multiprocessing.get_context("fork")
    stopping = threading.Event()

    def start(i: int) -> Any:
        proc = ctx.Process(
            target=_work,
            args=(redis_url, queue_name, burst),
            name=f"dateline-worker-{i}",
        )
        proc.start()
        return proc

    procs = [start(i) for i in range(count)]
    finished = threading.Event()
    dead: SimpleQueue[int | None] = SimpleQueue()  # pids seen dead
    threading.Thread(
        target=_recovering, args=(redis_url, queue_name, finished, dead), daemon=True
    ).start()

    def forward(signum: int, _frame: Any) -> None:
        stopping.set()
        for proc in procs:
            if proc.pid and proc.is_alive():
                os.kill(proc.pid, signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        while any(p.is_alive() for p in procs):
            time.sleep(0.2)
            for i, proc in enumerate(procs):
                if proc.is_alive() or stopping.is_set():
                    continue
                if proc.exitcode == STUCK_EXIT:
                    logger.warning(
                        "worker %d stopped on a stuck job; starting another", i
                    )
                elif proc.exitcode is not None and proc.exitcode < 0:
                    logger.warning(
                        "worker %d was killed (signal %d); starting another",
                        i,
                        -proc.exitcode,
                    )
                else:
                    continue
                # what it held comes back through recovery, now rather than
                # when its heartbeat runs out
                dead.put(proc.pid)
                procs[i] = start(i)
    finally:
        finished.set()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    codes = (p.exitcode or 0 for p in procs if p.exitcode != STUCK_EXIT)
    return max((c for c in codes if c >= 0), default=0)


def worker_name(pid: int, attempt: int) -> str:
    """A worker's RQ name: its host and process, so that the parent that saw the
    process die can find what it held."""
    return f"{socket.gethostname()}.{pid}.{attempt}"


def _release_dead(redis: Any, queue: Queue, pid: int | None) -> None:
    try:
        prefix = DatelineWorker.redis_worker_namespace_prefix
        pattern = prefix + worker_name(pid or 0, 0)[:-1] + "*"
        for key in redis.scan_iter(match=pattern, count=1000):
            name = key.decode()[len(prefix) :]
            if name.rsplit(".", 1)[-1].isdigit():  # a worker, not its index
                release(redis, queue, name)  # each RQ worker the process ran
    except Exception as exc:  # Redis away: the heartbeat's expiry finds it later
        logger.debug("could not release a dead worker's job: %s", exc)


def _recovering(
    redis_url: str,
    queue_name: str,
    finished: threading.Event,
    dead: SimpleQueue[int | None],
) -> None:
    """Every few seconds, or at once when a worker died, put back to work what
    dead workers held (`workers.recovery`); a Redis that blinks is tried again
    next pass. One thread does both, in turn: a dead worker's job released
    while RQ's cleanup runs could be dropped by it unseen."""
    redis = connect(redis_url)
    jobs = ingest_queue(redis, queue_name)
    while not finished.is_set():
        with contextlib.suppress(Empty):
            dead.put(dead.get(timeout=RECOVERY_INTERVAL))
        while not dead.empty():
            _release_dead(redis, jobs, dead.get())
        if finished.is_set():
            return
        try:
            found = recover(redis, jobs)
        except Exception as exc:
            logger.debug("recovery pass failed: %s", exc)
            continue
        if found:
            logger.warning(
                "recovered from dead workers: %d stranded job(s) re-queued, %d "
                "abandoned job(s) retried, %d overdue retry(ies) enqueued",
                found.stranded,
                found.abandoned,
                found.retries,
            )


def _work(redis_url: str, queue_name: str, burst: bool) -> None:
    """One worker process: RQ's worker loop, started again whenever Redis goes
    away and comes back (a worker never exits because Redis blinked)."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    from workers import connections

    connections.connect_early()
    for attempt in itertools.count():
        redis = connect(redis_url)
        worker = DatelineWorker(
            [ingest_queue(redis, queue_name)],
            name=worker_name(os.getpid(), attempt),
            connection=redis,
            serializer=JSONSerializer,
            maintenance_interval=settings.MAINTENANCE_INTERVAL,
            job_monitoring_interval=settings.JOB_MONITORING_INTERVAL,
            worker_ttl=settings.WORKER_TTL,  # an idle worker wakes every TTL - 15 s
        )
        try:
            worker.work(burst=burst, logging_level="WARNING", with_scheduler=True)
            return
        except (RedisConnectionError, RedisTimeoutError) as exc:
            logger.warning(
                "Redis at %s went away (%s); waiting for it",
                settings.masked(redis_url),
                exc,
            )
            _wait_for_redis(redis_url, BURST_REDIS_WAIT if burst else None)
            logger.warning(
                "Redis at %s is back; working again", settings.masked(redis_url)
            )


def _wait_for_redis(
    redis_url: str, give_up: float | None, longest: float = 30.0
) -> None:
    """Until Redis answers a PING, backing off from 0.5 s to `longest` s; a burst
    run gives up after `give_up` s (cron must not hang on a Redis that is gone)."""
    delay, deadline = 0.5, time.monotonic() + (give_up or float("inf"))
    while True:
        if time.monotonic() > deadline:
            raise SystemExit(f"Redis at {settings.masked(redis_url)} did not come back")
        time.sleep(delay)
        try:
            if connect(redis_url).ping():
                return
        except Exception:
            delay = min(delay * 2, longest)
