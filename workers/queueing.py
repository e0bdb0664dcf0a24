"""The ingest queue's protocol, both ends: pages in, RQ jobs out, pages recorded.

Producers (the crawler's item pipeline, `dateline ingest`) enqueue; a job reads
its pages' bodies, marks their URLs recorded and re-queues what it could not
finish. Jobs name their
function by dotted path, so a producer never imports the extraction stack, and
carry JSON (RQ's JSONSerializer), never pickles. A job holds a few pages of one
source (RQ's bookkeeping is paid per job, not per page); the page bodies wait in
Redis beside it, zstd-packed, until their pages are recorded. A URL already queued
is not queued again: RQ's job ids do not deduplicate, so a `SET NX` marker per URL
does.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import zstandard
from redis import Redis
from redis.client import Pipeline
from rq import Queue, Retry
from rq.serializers import JSONSerializer

from workers import keys
from workers.models import Page

INGEST_PAGES = "workers.jobs.ingest_pages"
# The functions a worker runs: anyone who can write to Redis can enqueue a job
# naming any importable function (os.system, builtins.eval), and RQ would run it.
JOB_FUNCTIONS = frozenset({INGEST_PAGES})
REFUSE = "workers.jobs.refuse"  # what a refused job runs instead: it fails


def refusal(job: Any, allowed: frozenset[str] = JOB_FUNCTIONS) -> str | None:
    """Why a job must not run, or None: a function not Dateline's, a method on a
    stored instance, or a callback (RQ imports and runs those too). Read from
    the job's data, without importing anything it names."""
    try:
        name, instance = job.func_name, job.instance
    except Exception as exc:  # not JSON (a pickle, say): never unpickled
        return f"not a Dateline job: unreadable data ({type(exc).__name__})"
    if name not in allowed:
        return f"not a Dateline job: {name}"
    if instance is not None:
        return f"not a Dateline job: a method {name} on {type(instance).__name__}"
    for kind in ("success", "failure", "stopped"):
        if callback := getattr(job, f"_{kind}_callback_name", None):
            return f"not a Dateline job: an on_{kind} callback {callback}"
    return None


ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def pack_body(body: bytes) -> bytes:
    """A page body as it waits in Redis: a zstd frame (level 1), a fifth of the
    HTML, so less crosses Redis and its append-only file; 0.2 ms a page."""
    return zstandard.ZstdCompressor(level=1).compress(body)


def unpack_body(stored: bytes) -> bytes:
    """The body back (bodies queued raw, before packing, pass through)."""
    if stored[:4] != ZSTD_MAGIC:
        return stored
    return zstandard.ZstdDecompressor().decompress(stored)


def connect(url: str) -> Redis:
    return Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)


def ingest_queue(redis: Redis, name: str) -> Queue:
    return Queue(name, connection=redis, serializer=JSONSerializer)


@dataclass
class IngestQueue:
    redis: Redis
    name: str = keys.QUEUE
    job_timeout: int = 180
    result_ttl: int = 5
    failure_ttl: int = 365 * 24 * 3600
    queued_ttl: int = 24 * 3600
    retry_intervals: tuple[int, ...] = ()
    pages_per_job: int = 16

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
            pages_per_job=settings.PAGES_PER_JOB,
        )

    def enqueue(self, pages: Sequence[Page], force: bool = False) -> int:
        """Enqueue the pages whose URL is not queued yet; returns how many.

        Two pipelined round trips whatever the batch size: markers, then bodies and
        jobs in one transaction. `force` enqueues even when a marker exists
        (re-processing saved pages).
        """
        if not pages:
            return 0
        marks = self.redis.pipeline(transaction=False)
        for page in pages:
            marks.set(
                keys.QUEUED_URL.format(page.url_key), "1", nx=True, ex=self.queued_ttl
            )
        fresh = [
            page for page, ok in zip(pages, marks.execute(), strict=True) if ok or force
        ]
        try:
            with self.redis.pipeline() as pipe:
                payloads = []
                for page in fresh:
                    body_key = keys.PAGE_BODY.format(uuid.uuid4().hex)
                    # the body lives as long as a failed job waiting for a re-queue
                    pipe.set(body_key, pack_body(page.body), ex=self.failure_ttl)
                    payloads.append(page.to_payload(body_key))
                self.enqueue_payloads(payloads, pipeline=pipe)
                pipe.execute()
        except Exception:
            # Nothing was queued: lift the markers so the next crawl fetches them again.
            with suppress(Exception):
                self.redis.delete(*(keys.QUEUED_URL.format(p.url_key) for p in fresh))
            raise
        return len(fresh)

    def enqueue_payloads(
        self,
        payloads: Sequence[dict[str, Any]],
        pipeline: Pipeline | None = None,
        pages_per_job: int | None = None,
    ) -> list[str]:
        """Page payloads as jobs of up to `pages_per_job` pages of one source each;
        returns the job ids. A job per page costs RQ's bookkeeping per page."""
        size = max(1, pages_per_job or self.pages_per_job)
        by_source: dict[str, list[dict[str, Any]]] = {}
        for payload in payloads:
            by_source.setdefault(payload["source_id"], []).append(payload)
        jobs = [
            self._job(group[i : i + size])
            for group in by_source.values()
            for i in range(0, len(group), size)
        ]
        if not jobs:
            return []
        queue = ingest_queue(self.redis, self.name)
        if pipeline is not None:
            queue.enqueue_many(jobs, pipeline=pipeline)
        else:
            with self.redis.pipeline() as pipe:
                queue.enqueue_many(jobs, pipeline=pipe)
                pipe.execute()
        return [job.job_id for job in jobs if job.job_id]

    def _job(self, group: list[dict[str, Any]]) -> Any:
        first = group[0]
        more = f" (+{len(group) - 1} more)" if len(group) > 1 else ""
        return Queue.prepare_data(
            INGEST_PAGES,
            args=(group,),
            timeout=self.job_timeout,
            result_ttl=self.result_ttl,
            failure_ttl=self.failure_ttl,
            description=f"ingest {first['source_id']} {first['url']}{more}",
            meta={
                "source_id": first["source_id"],
                "url": first["url"],
                "pages": len(group),
            },
            retry=Retry(
                max=len(self.retry_intervals), interval=list(self.retry_intervals)
            )
            if self.retry_intervals
            else None,
            job_id=uuid.uuid4().hex,
        )


def load_bodies(redis: Redis, payloads: Sequence[dict[str, Any]]) -> list[bytes | None]:
    """Every page's body in one round trip; None where it is gone."""
    wanted = [p.get("body_key") for p in payloads]
    found: Iterator[Any] = iter(
        redis.mget([k for k in wanted if k]) if any(wanted) else ()
    )
    return [
        unpack_body(body) if k and (body := next(found)) is not None else None
        for k in wanted
    ]


def is_recorded(redis: Redis, url_key: str) -> bool:
    return redis.zscore(keys.RECORDED_URLS, url_key) is not None


def mark_recorded(redis: Redis, url_keys: set[str], body_keys: list[str]) -> None:
    """Tell the crawler these URLs need no fetching, and that none is queued now;
    drop the bodies of the pages now recorded."""
    if not url_keys and not body_keys:
        return
    pipe = redis.pipeline()  # MULTI: never a body dropped without its record marked
    if url_keys:
        pipe.zadd(keys.RECORDED_URLS, dict.fromkeys(url_keys, time.time()))
        pipe.delete(*(keys.QUEUED_URL.format(k) for k in url_keys))
    if body_keys:
        pipe.delete(*body_keys)
    pipe.execute()


class PairMismatch(RuntimeError):
    """Redis holds the queue and marks of another database than the one given."""


def claim_database(
    redis: Redis, database_id: str, database_empty: Callable[[], bool]
) -> bool:
    """Pair this Redis with the database `database_id`; False when Redis serves
    another. A Redis that names none (a fresh one, or one from before pairing)
    is claimed, unless it remembers recorded URLs an empty database lacks."""
    paired = redis.get(keys.DATABASE_ID)
    if paired is None:
        if redis.zcard(keys.RECORDED_URLS) and database_empty():
            return False
        redis.set(keys.DATABASE_ID, database_id, nx=True)
        paired = redis.get(keys.DATABASE_ID)
    return bool(paired) and paired.decode() == database_id  # type: ignore[union-attr]


def adopt_database(redis: Redis, database_id: str, url_keys: Iterator[str]) -> int:
    """Make this Redis serve the database `database_id`: its recorded-URL marks
    are rebuilt from the database's own (queued marks of pages another database
    was waiting for are dropped); returns how many URLs it now remembers."""
    redis.delete(keys.RECORDED_URLS)
    for stale in redis.scan_iter(keys.QUEUED_URL.format("*"), count=1000):
        redis.delete(stale)
    now, batch, count = time.time(), {}, 0
    for key in url_keys:
        batch[key] = now
        if len(batch) >= 10_000:
            count += int(redis.zadd(keys.RECORDED_URLS, batch))  # type: ignore[arg-type]
            batch = {}
    if batch:
        count += int(redis.zadd(keys.RECORDED_URLS, batch))  # type: ignore[arg-type]
    redis.set(keys.DATABASE_ID, database_id)
    return count


def forget_recorded(
    redis: Redis, hosts: Sequence[str], older_than: float, chunk: int = 10_000
) -> int:
    """Drop the recorded marks of these hosts' URLs recorded before `older_than`
    (a Unix time): how the recorded-URL set stays bounded. Such a URL is fetched
    again when a listing still carries it, and its record updated, not doubled."""
    wanted = tuple(h.removeprefix("www.") for h in hosts)
    dropped, start = 0, 0
    while True:
        found: list[Any] = redis.zrangebyscore(  # type: ignore[assignment]
            keys.RECORDED_URLS, 0, older_than, start=start, num=chunk
        )
        if not found:
            return dropped
        old = [k for k in found if _of_hosts(k.decode(), wanted)]
        if old:
            dropped += int(redis.zrem(keys.RECORDED_URLS, *old))  # type: ignore[arg-type]
        start += len(found) - len(old)


def _of_hosts(url_key: str, hosts: tuple[str, ...]) -> bool:
    """Is this URL key ("host:port/path") on one of `hosts` or their subdomains?"""
    host = url_key.partition("/")[0]
    host = host.rpartition(":")[0] if host.rpartition(":")[2].isdigit() else host
    return host in hosts or host.endswith(tuple("." + h for h in hosts))


def requeue_pages(redis: Redis, groups: Sequence[list[dict[str, Any]]]) -> None:
    """Page payloads back on the queue, one job per group, in one transaction."""
    if not groups:
        return
    queue = IngestQueue.from_settings(redis)
    with redis.pipeline() as pipe:
        for group in groups:
            queue.enqueue_payloads(group, pipeline=pipe, pages_per_job=len(group))
        pipe.execute()
