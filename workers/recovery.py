"""Recovery: pages a dead worker held go back to work within seconds.

RQ leaves them to its maintenance pass (every 600 s by default) and to the
scheduler of whichever worker holds the scheduler lock, which a SIGKILLed worker
keeps until the lock expires. `dateline work`'s parent runs `recover` every few
seconds instead, whatever locks the dead worker held:

- a job dequeued but never started sits in RQ's intermediate list: once it has
  been seen there for `STRANDED_AFTER` seconds (a live worker moves it on within
  milliseconds) it goes back to the front of the queue;
- a started job whose heartbeat expired (the worker beats every
  `DATELINE_JOB_MONITORING_INTERVAL` seconds, its heartbeat lives that plus
  `HEARTBEAT_GRACE`) is handed to RQ's own abandoned-job handling, which retries
  it or fails it;
- a retry due more than `STRANDED_AFTER` seconds ago that no scheduler enqueued is
  enqueued.

Delivery stays at-least-once: a page recovered twice is deduplicated downstream.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from redis import Redis
from rq.intermediate_queue import IntermediateQueue
from rq.job import Job
from rq.queue import Queue
from rq.registry import ScheduledJobRegistry, StartedJobRegistry

STRANDED_AFTER = 10.0  # seconds
# seconds a heartbeat outlives its monitoring interval: long enough for a page that
# holds the GIL in lxml for a while, short enough to find a dead worker in seconds
HEARTBEAT_GRACE = 25
RECOVERY_INTERVAL = 5.0  # seconds between passes
SEEN_KEY = "dateline:recovery:seen:{0}"  # when a stranded job id was first seen


@dataclass
class Recovered:
    stranded: int = 0  # from the intermediate list back to the queue
    abandoned: int = 0  # started jobs whose worker stopped beating
    retries: int = 0  # due retries no scheduler enqueued

    def __bool__(self) -> bool:
        return bool(self.stranded or self.abandoned or self.retries)


def recover(redis: Redis, queue: Queue, now: float | None = None) -> Recovered:
    """One recovery pass over `queue`."""
    now = time.time() if now is None else now
    found = Recovered()
    started = StartedJobRegistry(queue=queue)
    members: list[Any] = redis.zrange(started.key, 0, -1)  # type: ignore[assignment]
    running = {m.decode().split(":", 1)[0] for m in members}
    waiting = IntermediateQueue(queue.key, connection=redis)
    for job_id in waiting.get_job_ids():
        if job_id in running:
            continue
        seen = SEEN_KEY.format(job_id)
        redis.set(seen, now, nx=True, ex=3600)
        first = float(redis.get(seen) or now)  # type: ignore[arg-type]
        if now - first >= STRANDED_AFTER:
            if redis.lrem(waiting.key, 1, job_id):  # not taken meanwhile
                queue.push_job_id(job_id, at_front=True)
                found.stranded += 1
            redis.delete(seen)
    expired = redis.zcount(started.key, 0, now)
    if expired:
        started.cleanup(now)
        found.abandoned = int(expired)  # type: ignore[arg-type]
    scheduled = ScheduledJobRegistry(queue=queue)
    overdue = scheduled.get_jobs_to_schedule(int(now - STRANDED_AFTER))
    jobs: list[Any] = Job.fetch_many(
        overdue, connection=redis, serializer=queue.serializer
    )
    for job_id, job in zip(overdue, jobs, strict=True):
        scheduled.remove(job_id)
        if job is not None:
            queue.enqueue_job(job)
            found.retries += 1
    return found
