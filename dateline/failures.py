"""Failed jobs as an operator reads them: what failed (the stage and cause in
words, whole-job failures included), when, which pages; selected by filter and
re-queued. `dateline failed` and `requeue` print them (`dateline.operate`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from redis import Redis
from rq.job import Job
from rq.registry import FailedJobRegistry
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
        result = job.latest_result()
        stage, error = meta.get("stage"), meta.get("error")
        if not stage or not error:  # the job failed whole: no page raised
            stage, error = (
                "job",
                whole_job_cause(getattr(result, "exc_string", None), job.timeout),
            )
        found.append(
            FailedJob(
                job_id=job_id,
                source_id=meta.get("source_id"),
                url=meta.get("url"),
                stage=stage,
                error=error,
                failed_at=job.ended_at or getattr(result, "created_at", None),
                pages=int(meta.get("pages", 1)),
            )
        )
    return found


# What RQ records when a job fails whole (its worker or work-horse gone, its
# time out before a page could fail alone), said in words, RQ's name kept.
_WHOLE_JOB = (
    ("AbandonedJobError", "its worker died mid-job (AbandonedJobError)"),
    ("Work-horse terminated", "its work-horse process was killed{signal}"),
    ("JobTimeoutException", "it ran past its {timeout} timeout (JobTimeoutException)"),
    ("stopped by user", "it was stopped by hand"),
)


def whole_job_cause(exc_string: str | None, timeout: float | None = None) -> str:
    """A job-level failure's cause in words: what an operator acts on."""
    text = exc_string or ""
    for marker, words in _WHOLE_JOB:
        if marker in text:
            signal = re.search(r"\(signal (\d+)\)", text)
            return words.format(
                signal=f" (signal {signal.group(1)})" if signal else "",
                timeout=f"{timeout:g} s" if timeout else "job",
            )
    return _last_line(text)


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
    if since is not None:
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
