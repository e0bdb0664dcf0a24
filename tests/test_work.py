"""DatelineWorker on a real Redis: jobs in-process, with the fork worker's safety
nets (heartbeats while a job runs, a hard stop for a job stuck past its timeout)."""

from __future__ import annotations

import json
import multiprocessing
import signal
import threading
import time
from pathlib import Path
from typing import Any

from redis import Redis
from rq import Queue
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer

from dateline.work import STUCK_EXIT, DatelineWorker


def nap(seconds: float) -> str:
    time.sleep(seconds)
    return "rested"


def stuck(seconds: float) -> None:
    """A job SIGALRM cannot stop, like one stuck in C code."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(seconds)


class ModuleWorker(DatelineWorker):
    """Runs this module's job functions besides Dateline's."""

    job_functions = DatelineWorker.job_functions | {
        "tests.test_work.nap",
        "tests.test_work.stuck",
    }


def queue_of(redis: Redis) -> Queue:
    return Queue("work-test", connection=redis, serializer=JSONSerializer)


def test_a_long_job_keeps_its_heartbeat_so_it_is_not_taken_for_abandoned(
    redis: Redis,
) -> None:
    queue = queue_of(redis)
    job = queue.enqueue("tests.test_work.nap", 3.5, job_timeout=60)
    worker = ModuleWorker(
        [queue], connection=redis, serializer=JSONSerializer, job_monitoring_interval=1
    )
    registry = StartedJobRegistry(queue=queue)
    expiries: list[float] = []

    def watch() -> None:
        deadline = time.monotonic() + 10
        while len(expiries) < 3 and time.monotonic() < deadline:
            for execution_key, score in redis.zrange(
                registry.key, 0, -1, withscores=True
            ):
                if job.id in execution_key.decode():
                    expiries.append(score)
                    time.sleep(1.2)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    worker.work(burst=True)
    watcher.join()
    job.refresh()
    assert job.get_status() == "finished" and job.return_value() == "rested"
    # each heartbeat pushed the registry's expiry further out: 1 s + 60 s ahead
    assert len(expiries) >= 2 and expiries[-1] > expiries[0]
    assert expiries[0] - time.time() < 120  # not the whole timeout + 60 s


def _run_worker(url: str, grace: int) -> None:
    redis = Redis.from_url(url)
    worker = ModuleWorker(
        [queue_of(redis)],
        connection=redis,
        serializer=JSONSerializer,
        job_monitoring_interval=1,
    )
    worker.stuck_grace = grace
    worker.work(burst=True)


def test_a_job_stuck_past_its_timeout_stops_its_worker_for_recovery(
    redis: Redis, redis_url: str
) -> None:
    queue = queue_of(redis)
    job = queue.enqueue("tests.test_work.stuck", 30, job_timeout=1)
    proc = multiprocessing.get_context("fork").Process(
        target=_run_worker, args=(redis_url, 1)
    )
    proc.start()
    proc.join(timeout=20)
    assert proc.exitcode == STUCK_EXIT  # gave the job up, as the fork worker would
    # the job is left started with an expiring heartbeat: RQ's abandoned-job pass
    # re-queues or fails it, and `dateline work` starts another worker
    assert job.id in StartedJobRegistry(queue=queue).get_job_ids(cleanup=False)


def test_workers_run_dateline_jobs_only(run: Any, redis: Redis, tmp_path: Path) -> None:
    """Issue 15, point 1: anyone who can write to Redis can enqueue a job naming
    any function; a worker refuses all but Dateline's, before importing or
    running anything the job names, and the failed registry says so."""
    from rq import Callback

    from workers.queueing import ingest_queue

    queue = ingest_queue(redis, "ingest")
    marker = tmp_path / "ran"
    queue.enqueue("os.system", f"touch {marker}", job_id="system")
    queue.enqueue(
        "builtins.eval", f"open({str(marker)!r}, 'w').write('x')", job_id="eval"
    )
    queue.enqueue("no_such_module.run", job_id="missing")
    queue.enqueue(  # Dateline's function, with a callback that is not
        "workers.jobs.ingest_pages",
        [{"source_id": "demo-courier", "url": "http://x/", "body_key": "k"}],
        on_failure=Callback("os.system"),
        job_id="callback",
    )
    run("work", "-n", "1", "--burst")
    assert not marker.exists()
    failed = {j["job_id"]: j for j in json.loads(run("failed", "--json").stdout)}
    assert set(failed) == {"system", "eval", "missing", "callback"}
    assert all(j["stage"] == "refused" for j in failed.values())
    assert failed["system"]["error"] == "not a Dateline job: os.system"
    assert failed["callback"]["error"] == (
        "not a Dateline job: an on_failure callback os.system"
    )
    assert "refused: not a Dateline job: builtins.eval" in run("failed").stdout
    run("requeue", "--all")  # a re-queue cannot bring the original back
    run("work", "-n", "1", "--burst")
    assert not marker.exists()
    assert len(json.loads(run("failed", "--json").stdout)) == 4
