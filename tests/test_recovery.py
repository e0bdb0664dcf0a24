"""Issue 14, point 1: pages a dead worker held go back to work within seconds,
whatever locks it held (RQ alone waits for its 600 s maintenance pass)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from redis import Redis
from rq.registry import ScheduledJobRegistry, StartedJobRegistry

from workers.queueing import ingest_queue
from workers.recovery import STRANDED_AFTER, recover


def queued_jobs(redis: Redis, count: int) -> tuple[Any, list[str]]:
    queue = ingest_queue(redis, "ingest")
    ids = [queue.enqueue("workers.jobs.ingest_pages", [], job_id=f"j{i}").id
           for i in range(count)]  # fmt: skip
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


def test_a_job_started_by_a_worker_that_stopped_beating_is_retried(
    redis: Redis,
) -> None:
    queue, (job_id,) = queued_jobs(redis, 1)
    redis.lrem(queue.key, 1, job_id)
    started = StartedJobRegistry(queue=queue)
    redis.zadd(started.key, {f"{job_id}:exec1": time.time() + 30})
    assert not recover(redis, queue)  # heartbeat still live
    found = recover(redis, queue, time.time() + 31)
    assert found.abandoned == 1
    assert started.count == 0


def test_a_retry_no_scheduler_enqueued_is_enqueued(redis: Redis) -> None:
    queue, (job_id,) = queued_jobs(redis, 1)
    redis.lrem(queue.key, 1, job_id)
    scheduled = ScheduledJobRegistry(queue=queue)
    scheduled.schedule(
        queue.fetch_job(job_id), datetime.now(UTC) - timedelta(seconds=1)
    )
    assert not recover(redis, queue)  # just due: the scheduler's to take
    assert recover(redis, queue, time.time() + STRANDED_AFTER + 1).retries == 1
    assert queue.get_job_ids() == [job_id] and scheduled.count == 0
