"""The producer side of the ingest queue: pages in, RQ jobs out, batched.

Used by the crawler's item pipeline and by `dateline ingest`. Jobs name their
function by dotted path, so a producer never imports the extraction stack, and
carry JSON (RQ's JSONSerializer), never pickles. A URL already queued is not
queued again: RQ's job ids do not deduplicate, so a `SET NX` marker per URL does.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass

from redis import Redis
from rq import Queue, Retry
from rq.serializers import JSONSerializer

from workers import keys
from workers.models import Page

INGEST_PAGE = "workers.jobs.ingest_page"


def connect(url: str) -> Redis:
    return Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)


def ingest_queue(redis: Redis, name: str) -> Queue:
    return Queue(name, connection=redis, serializer=JSONSerializer)


@dataclass
class IngestQueue:
    redis: Redis
    name: str = keys.QUEUE
    job_timeout: int = 180
    result_ttl: int = 3600
    failure_ttl: int = 365 * 24 * 3600
    queued_ttl: int = 24 * 3600
    retry_intervals: tuple[int, ...] = ()

    @classmethod
    def from_settings(cls, redis: Redis) -> IngestQueue:
        from workers import settings

        return cls(
            redis,
            name=settings.QUEUE_NAME,
            job_timeout=settings.JOB_TIMEOUT,
            result_ttl=settings.RESULT_TTL,
            failure_ttl=settings.FAILURE_TTL,
            queued_ttl=settings.QUEUED_TTL,
            retry_intervals=settings.RETRY_INTERVALS,
        )

    def enqueue(self, pages: Sequence[tuple[Page, str]], force: bool = False) -> int:
        """Enqueue (page, url key) pairs whose URL is not queued yet; returns how many.

        Two pipelined round trips whatever the batch size: markers, then jobs.
        `force` enqueues even when a marker exists (re-processing saved pages).
        """
        if not pages:
            return 0
        marks = self.redis.pipeline(transaction=False)
        for _, key in pages:
            marks.set(keys.QUEUED_URL.format(key), "1", nx=True, ex=self.queued_ttl)
        fresh = [
            pair for pair, ok in zip(pages, marks.execute(), strict=True) if ok or force
        ]
        jobs = [
            Queue.prepare_data(
                INGEST_PAGE,
                args=(page.to_payload(),),
                timeout=self.job_timeout,
                result_ttl=self.result_ttl,
                failure_ttl=self.failure_ttl,
                description=f"ingest {page.source_id} {page.url}",
                meta={"source_id": page.source_id, "url": page.url},
                retry=Retry(
                    max=len(self.retry_intervals), interval=list(self.retry_intervals)
                )
                if self.retry_intervals
                else None,
            )
            for page, _ in fresh
        ]
        try:
            with self.redis.pipeline() as pipe:
                ingest_queue(self.redis, self.name).enqueue_many(jobs, pipeline=pipe)
                pipe.execute()
        except Exception:
            # Nothing was queued: lift the markers so the next crawl fetches them again.
            with suppress(Exception):
                self.redis.delete(*(keys.QUEUED_URL.format(k) for _, k in fresh))
            raise
        return len(fresh)
