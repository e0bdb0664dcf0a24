"""Issue 14, point 1: pages a dead worker held go back to work within seconds,
whatever locks it held (RQ alone waits for its 600 s maintenance pass)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from redis import Redis
from rq import Retry
from rq.executions import Execution
from rq.job import JobStatus
from rq.registry import ScheduledJobRegistry, StartedJobRegistry
from rq.scheduler import SCHEDULER_KEY_TEMPLATE, RQScheduler

from workers.queueing import ingest_queue
from workers.recovery import STRANDED_AFTER, recover, release


def queued_jobs(
    redis: Redis, count: int, retry: Retry | None = None
) -> tuple[Any, list[str]]:
    queue = ingest_queue(redis, "ingest")
    ids = [
        queue.enqueue("workers.jobs.ingest_pages", [], job_id=f"j{i}", retry=retry).id
        for i in range(count)
    ]
    return queue, ids


def test_a_job_left_dequeued_but_not_started_goes_back_to_the_front(
    redis: Redis,
) -> None:
    queue, (first, second) = queued_jobs(redis, 2)
    # what a worker killed between its dequeue and its start leaves behind
    redis.lrem(queue.key, 1, second)
    redis.rpush(queue.key + ":intermediate", second)
    now = time.time()
    assert not recover(redis, queue, now)  # first seen: a live worker may be on it
    assert recover(redis, queue, now + STRANDED_AFTER).stranded == 1
    assert queue.get_job_ids() == [second, first]
    assert redis.llen(queue.key + ":intermediate") == 0


def test_a_job_started_by_a_worker_that_stopped_beating_is_retried_now(
    redis: Redis,
) -> None:
    """RQ would wait out the first retry interval (30 s by default): a dead
    worker is seldom its page's fault, so the job goes to the front at once,
    with one retry fewer."""
    queue, (other, job_id) = queued_jobs(redis, 2, retry=Retry(2, [30, 300]))
    redis.lrem(queue.key, 1, job_id)
    job = queue.fetch_job(job_id)
    job.set_status(JobStatus.STARTED)
    started = StartedJobRegistry(queue=queue)
    redis.zadd(started.key, {f"{job_id}:exec1": time.time() + 30})
    assert not recover(redis, queue)  # heartbeat still live
    found = recover(redis, queue, time.time() + 31)
    assert found.abandoned == 1
    assert started.count == 0 and ScheduledJobRegistry(queue=queue).count == 0
    assert queue.get_job_ids() == [job_id, other]
    assert queue.fetch_job(job_id).retries_left == 1


def test_a_worker_seen_dead_gives_its_job_back_without_waiting_for_its_heartbeat(
    redis: Redis,
) -> None:
    queue, (job_id,) = queued_jobs(redis, 1, retry=Retry(2, [30, 300]))
    redis.lrem(queue.key, 1, job_id)
    job = queue.fetch_job(job_id)
    job.set_status(JobStatus.STARTED)
    with redis.pipeline() as pipe:  # what a worker records when it starts a job
        Execution.create(job, ttl=60, pipeline=pipe, worker_name="host.123.0")
        pipe.execute()
    assert not recover(redis, queue)  # its heartbeat has a minute to run
    assert release(redis, queue, "host.123.0") == 1
    assert recover(redis, queue).abandoned == 1
    assert queue.get_job_ids() == [job_id]


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def hold_scheduler_lock(redis: Redis, queue: Any, pid: int) -> str:
    """The lock and heartbeat hash RQ's scheduler keeps, for process `pid`."""
    redis.set(RQScheduler.get_locking_key(queue.name), "sched1", ex=60)
    redis.hset(
        SCHEDULER_KEY_TEMPLATE % "sched1",
        mapping={"name": "sched1", "hostname": socket.gethostname(), "pid": pid},
    )
    return RQScheduler.get_locking_key(queue.name)


def test_a_due_retry_waits_for_a_live_scheduler_then_is_enqueued(
    redis: Redis,
) -> None:
    queue, (job_id,) = queued_jobs(redis, 1)
    redis.lrem(queue.key, 1, job_id)
    scheduled = ScheduledJobRegistry(queue=queue)
    scheduled.schedule(
        queue.fetch_job(job_id), datetime.now(UTC) - timedelta(seconds=1)
    )
    hold_scheduler_lock(redis, queue, os.getpid())  # alive: the scheduler's to take
    assert not recover(redis, queue)
    assert recover(redis, queue, time.time() + STRANDED_AFTER + 1).retries == 1
    assert queue.get_job_ids() == [job_id] and scheduled.count == 0


def test_a_due_retry_whose_scheduler_died_here_is_enqueued_at_once(
    redis: Redis,
) -> None:
    """RQ's workers try for a free scheduler lock only in their maintenance pass
    (600 s): a dead holder's lock is released and its due retries enqueued."""
    queue, (job_id,) = queued_jobs(redis, 1)
    redis.lrem(queue.key, 1, job_id)
    ScheduledJobRegistry(queue=queue).schedule(
        queue.fetch_job(job_id), datetime.now(UTC) - timedelta(seconds=1)
    )
    lock = hold_scheduler_lock(redis, queue, dead_pid())
    assert recover(redis, queue).retries == 1
    assert queue.get_job_ids() == [job_id] and not redis.exists(lock)
