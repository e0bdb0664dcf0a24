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
  it (now, at the front of the queue, not after the retry interval) or fails it;
- a due retry is enqueued at once when no live scheduler holds the queue's
  scheduler lock (RQ's workers try for a free lock only in their maintenance
  pass; a lock whose holder died on this host is released), and `STRANDED_AFTER`
  seconds after it fell due otherwise.

A worker that `dateline work` started and saw die (a signal, a stuck job) needs
no heartbeat to expire: `release` marks its job's execution expired at once, so
the next pass (woken by the parent) retries it within seconds.

Delivery stays at-least-once: a page recovered twice is deduplicated downstream.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from typing import Any

from redis import Redis
from rq.intermediate_queue import IntermediateQueue
from rq.job import Job
from rq.queue import Queue
from rq.registry import ScheduledJobRegistry, StartedJobRegistry
from rq.scheduler import SCHEDULER_KEY_TEMPLATE, RQScheduler
from rq.scripts import release_lock
from rq.worker import Worker

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
    scheduled = ScheduledJobRegistry(queue=queue)
    expired: list[Any] = redis.zrangebyscore(started.key, 0, now)  # type: ignore[assignment]
    if expired:
        _drop_foreign_callbacks(redis, queue, expired)
        started.cleanup(now)  # RQ's own: a retry if one is left, else failed
        found.abandoned = len(expired)
        for job_id in {m.decode().split(":", 1)[0] for m in expired}:
            # a dead worker is seldom its page's fault: no waiting out the
            # retry interval (a page that kills workers still fails after its
            # retries)
            if scheduled.remove(job_id):
                queue.push_job_id(job_id, at_front=True)
    grace = STRANDED_AFTER if _scheduler_alive(redis, queue) else 0.0
    overdue = scheduled.get_jobs_to_schedule(int(now - grace))
    jobs: list[Any] = Job.fetch_many(
        overdue, connection=redis, serializer=queue.serializer
    )
    for job_id, job in zip(overdue, jobs, strict=True):
        if scheduled.remove(job_id) and job is not None:  # not taken meanwhile
            queue.enqueue_job(job)
            found.retries += 1
    return found


def _drop_foreign_callbacks(redis: Redis, queue: Queue, members: list[Any]) -> None:
    """RQ's cleanup runs an abandoned job's failure callback: a job that is not
    Dateline's (written into Redis by hand) loses its callbacks first."""
    from workers.queueing import refusal

    ids = sorted({m.decode().split(":", 1)[0] for m in members})
    for job in Job.fetch_many(ids, connection=redis, serializer=queue.serializer):
        if job is not None and refusal(job) is not None:
            job._success_callback_name = None
            job._failure_callback_name = None
            job._stopped_callback_name = None
            job.save()


def _scheduler_alive(redis: Redis, queue: Queue) -> bool:
    """Does a live scheduler hold the queue's lock? One that died on this host
    loses it here; one elsewhere counts as alive while its heartbeat lasts."""
    key = RQScheduler.get_locking_key(queue.name)
    owner: Any = redis.get(key)
    if owner is None:
        return False
    name = owner.decode()
    info: Any = redis.hgetall(SCHEDULER_KEY_TEMPLATE % name)
    if not info:
        return False  # its heartbeat ran out
    if dead_here(info.get(b"hostname", b"").decode(), info.get(b"pid", b"")):
        release_lock(redis, key, name)
        return False
    return True


def dead_here(hostname: str, pid: Any) -> bool:
    """Did this process run on this host, and is it gone?"""
    pid = pid.decode() if isinstance(pid, bytes) else str(pid)
    if hostname != socket.gethostname() or not pid.isdigit() or int(pid) <= 0:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, another user's
    return False


def release(redis: Redis, queue: Queue, worker_name: str) -> int:
    """A worker known dead (its process is gone): expire the executions it was
    running, for `recover` to retry now. Returns how many."""
    running = Worker(
        [queue], name=worker_name, connection=redis, serializer=queue.serializer
    ).get_current_executions(refresh=True)
    members = [execution.composite_key for execution in running]
    if members:  # the started registry's members, scored by heartbeat expiry:
        # expired as of now, not of 0, which a cleanup already under way (its
        # bound taken before now) would drop from the registry without handling
        redis.zadd(
            StartedJobRegistry(queue=queue).key,
            dict.fromkeys(members, time.time()),
            xx=True,
        )
    return len(members)
