"""`dateline work`: N RQ worker processes on the ingest queue.

The parent imports and warms trafilatura and dateparser once, then forks the
workers; each RQ worker forks a work horse per job, which inherits the warm
imports (measured: ~250 ms per job when the child had to import them itself).
SIGTERM or Ctrl-C lets each worker finish its current job, then exit.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from typing import Any

from rq import Worker
from rq.serializers import JSONSerializer

from workers.queueing import connect, ingest_queue

logger = logging.getLogger(__name__)


def run_workers(
    redis_url: str,
    queue_name: str,
    count: int,
    burst: bool,
    worker_class: type[Worker] = Worker,
) -> int:
    """Run `count` workers until the queue is empty (burst) or a signal; exit code."""
    from workers import jobs

    jobs.warm()
    ctx = multiprocessing.get_context("fork")
    procs = [
        ctx.Process(
            target=_work,
            args=(redis_url, queue_name, burst, worker_class),
            name=f"dateline-worker-{i}",
        )
        for i in range(count)
    ]
    for proc in procs:
        proc.start()

    def forward(signum: int, _frame: Any) -> None:
        for proc in procs:
            if proc.pid and proc.is_alive():
                os.kill(proc.pid, signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for proc in procs:
            proc.join()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return max((p.exitcode or 0 for p in procs), default=0)


def _work(
    redis_url: str, queue_name: str, burst: bool, worker_class: type[Worker]
) -> None:
    from workers import settings

    redis = connect(redis_url)
    worker = worker_class(
        [ingest_queue(redis, queue_name)],
        connection=redis,
        serializer=JSONSerializer,
        # how soon a job whose worker died is found and retried: the heartbeat
        # expires after monitoring interval + 60 s, the next maintenance pass acts
        maintenance_interval=settings.MAINTENANCE_INTERVAL,
        job_monitoring_interval=settings.JOB_MONITORING_INTERVAL,
        worker_ttl=settings.WORKER_TTL,  # an idle worker wakes every TTL - 15 s
    )
    worker.work(burst=burst, logging_level="WARNING", with_scheduler=True)
