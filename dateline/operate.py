"""Operating the queue: status, failed jobs and re-queuing them by filter."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from redis import Redis
from rq.job import Job
from rq.registry import FailedJobRegistry, StartedJobRegistry
from rq.serializers import JSONSerializer

from workers.queueing import ingest_queue


@dataclass(frozen=True)
class FailedJob:
    job_id: str
    source_id: str | None
    url: str | None  # its (first) page's URL
    stage: str | None
    error: str
    failed_at: datetime | None
    pages: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "source_id": self.source_id,
            "url": self.url,
            "stage": self.stage,
            "error": self.error,
            "failed_at": self.failed_at.isoformat() if self.failed_at else None,
            "pages": self.pages,
        }


def queue_status(redis: Redis, queue_name: str) -> dict[str, int]:
    """Pages (not jobs: a job holds a few) queued, in progress and failed."""
    queue = ingest_queue(redis, queue_name)
    return {
        "queued": pages_in(redis, queue.get_job_ids()),
        "in_progress": pages_in(redis, StartedJobRegistry(queue=queue).get_job_ids()),
        "failed": pages_in(redis, FailedJobRegistry(queue=queue).get_job_ids()),
    }


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


def failed_jobs(redis: Redis, queue_name: str) -> list[FailedJob]:
    registry = FailedJobRegistry(queue=ingest_queue(redis, queue_name))
    ids = registry.get_job_ids()
    found = []
    for job_id, job in zip(
        ids,
        Job.fetch_many(ids, connection=redis, serializer=JSONSerializer),
        strict=True,
    ):
        if job is None:
            continue
        meta = job.meta or {}
        found.append(
            FailedJob(
                job_id=job_id,
                source_id=meta.get("source_id"),
                url=meta.get("url"),
                stage=meta.get("stage"),
                error=meta.get("error") or _last_line(traceback_of(job)),
                failed_at=job.ended_at,
                pages=int(meta.get("pages", 1)),
            )
        )
    return found


def select_failed(
    jobs: list[FailedJob],
    job_ids: list[str] | None = None,
    source_id: str | None = None,
    error: str | None = None,
    since: timedelta | None = None,
) -> list[FailedJob]:
    """Failed jobs matching every filter given (error: a case-blind substring)."""
    chosen = jobs
    if job_ids:
        wanted = set(job_ids)
        chosen = [j for j in chosen if j.job_id in wanted]
    if source_id:
        chosen = [j for j in chosen if j.source_id == source_id]
    if since:
        cutoff = datetime.now(UTC) - since
        chosen = [j for j in chosen if j.failed_at and _aware(j.failed_at) >= cutoff]
    if error:
        needle = error.casefold()
        chosen = [
            j
            for j in chosen
            if needle in j.error.casefold() or needle in (j.stage or "").casefold()
        ]
    return chosen


def requeue(redis: Redis, queue_name: str, jobs: list[FailedJob]) -> int:
    registry = FailedJobRegistry(queue=ingest_queue(redis, queue_name))
    done = 0
    for job in jobs:
        registry.requeue(job.job_id)
        done += 1
    return done


def traceback_of(job: Job) -> str | None:
    """The traceback of the job's last failed attempt."""
    result = job.latest_result()
    return getattr(result, "exc_string", None) if result else None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # RQ stores UTC


def _last_line(exc_info: str | None) -> str:
    lines = [ln for ln in (exc_info or "").strip().splitlines() if ln.strip()]
    return lines[-1] if lines else "unknown error"
