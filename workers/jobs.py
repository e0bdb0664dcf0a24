"""RQ jobs: the one place where the stages meet Redis, storage and settings.

`ingest_pages` runs extract -> normalize -> dedupe on each page of a job, then
stores the job's records in one transaction. It is idempotent (RQ delivers at
least once): the same pages run twice, or by two workers at once, leave one record
each. A page that fails is raised, alone, with the stage that failed recorded in
its job's meta, so `dateline failed` can say where and why.
"""

from __future__ import annotations

import binascii
import logging
import os
import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from redis import Redis
from rq import get_current_job
from rq.timeouts import JobTimeoutException

from config.loader import SourceConfig, load_source
from workers import keys, settings
from workers.dedupe import Fingerprint, fingerprint, page_key, url_key
from workers.dedupe_index import Decision, DedupeIndex, Signature, sign_later
from workers.extract import extract_article
from workers.models import NormalizedArticle, Page, SkippedPage, StoredArticle
from workers.normalize import normalize_article
from workers.queueing import IngestQueue, connect, unpack_body
from workers.store import Store, open_store

logger = logging.getLogger(__name__)


class StageError(RuntimeError):
    """A stage failed on a page; the message names the stage and the reason."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"{stage} failed: {reason}")
        self.stage = stage
        self.reason = reason


@dataclass
class Batch:
    """What a job's pages came to, written together once every page is through."""

    articles: list[StoredArticle] = field(default_factory=list)
    skipped: list[SkippedPage] = field(default_factory=list)
    recorded: set[str] = field(default_factory=set)  # url keys the crawler may skip
    bodies: list[str] = field(default_factory=list)  # Redis keys to drop once written
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    article_outcome: dict[str, int] = field(default_factory=dict)  # id -> outcomes[i]
    failed: list[tuple[dict[str, Any], StageError]] = field(default_factory=list)
    unfinished: list[dict[str, Any]] = field(default_factory=list)


def ingest_page(payload: dict[str, Any]) -> dict[str, Any]:
    """One page: a job of a single page (and jobs queued before batching)."""
    return ingest_pages([payload])["outcomes"][0]


def ingest_pages(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    """Extract, normalize, dedupe and store a job's pages; returns what happened.

    The records are written in one transaction, then the pages are marked
    recorded. A page that fails in a job of several is queued again alone, so the
    failed registry holds exactly the pages that fail, each with its stage and
    reason; a job of one page fails with its page.
    """
    if not _readable(payloads):
        reason = "PoisonPayload: not a list of page payloads with source_id and url"
        _give_up(reason)
        raise StageError("payload", reason)
    with _stage("load"):
        store, redis = _store(), _redis()
        bodies = _bodies(redis, payloads)
    batch = Batch()
    pending: list[Pending] = []
    for i, payload in enumerate(payloads):
        try:
            if (ready := _prepare(payload, bodies[i], redis, batch)) is not None:
                pending.append(ready)
        except StageError as exc:
            batch.failed.append((payload, exc))
        except JobTimeoutException as exc:
            # this page ran out the job's time: it goes alone, the rest to a new job
            batch.failed.append((payload, StageError("timeout", str(exc))))
            batch.unfinished = payloads[i + 1 :]
            break
    with _stage("dedupe"):  # every page's decision in one round trip
        signatures = [p.signing.result() for p in pending]
        decisions = _index(redis).decide_many(
            [
                (p.found.article_id, p.found.content_hash, signature)
                for p, signature in zip(pending, signatures, strict=True)
            ]
        )
    for ready, signature, decision in zip(pending, signatures, decisions, strict=True):
        _add_article(ready, signature, decision, batch)
    with _stage("store"):
        changes = store.write(batch.articles, batch.skipped)
        _mark_recorded(redis, batch.recorded, batch.bodies)
    for stored, change in zip(batch.articles, changes, strict=True):
        _log_outcome(stored, change)
        batch.outcomes[batch.article_outcome[stored.article_id]]["change"] = change
    if batch.failed and len(payloads) == 1:
        _fail_job(batch.failed[0][1])
    _requeue_rest(redis, batch)
    return {
        "pages": len(payloads),
        "outcomes": batch.outcomes,
        "failed": [(p["url"], str(e)) for p, e in batch.failed],
    }


def _readable(payloads: Any) -> bool:
    return (
        isinstance(payloads, list)
        and bool(payloads)
        and all(
            isinstance(p, dict)
            and isinstance(p.get("source_id"), str)
            and isinstance(p.get("url"), str)
            for p in payloads
        )
    )


@dataclass
class Pending:
    """A page through extract and normalize, waiting for its dedupe decision."""

    payload: dict[str, Any]
    article: NormalizedArticle
    found: Fingerprint
    signing: Future[Signature]  # on the signing thread while the next page extracts
    page_keys: set[str]


def _prepare(
    payload: dict[str, Any], body: bytes | None, redis: Redis, batch: Batch
) -> Pending | None:
    """Load, extract, normalize and fingerprint one page; a page that yields no
    article is added to the batch as skipped (None)."""
    try:
        # a body gone from Redis is read as empty here, and reported just below
        gone = body is None and "body_key" in payload
        page = Page.from_payload(payload, b"" if gone else body)
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise StageError(
            "payload", f"not a page ({type(exc).__name__}: {exc})"
        ) from exc
    with _stage("load", page):
        source = _source(page.source_id)
    final_key = page_key(page.final_url, source)
    page_keys = {page_key(page.url, source), final_key}
    if gone:
        # its body goes when its record is written: a job run again after that
        if redis.zscore(keys.RECORDED_URLS, final_key) is not None:
            batch.outcomes.append({"url": page.url, "outcome": "already_recorded"})
            return None
        raise StageError("load", f"the page body {payload['body_key']} is gone")

    def skip(outcome: str, reason: str) -> None:
        batch.skipped.append(
            SkippedPage(
                final_key,
                page.source_id,
                page.final_url,
                outcome,
                reason,
                page.fetched_at,
            )
        )
        _done(payload, page_keys, batch)
        batch.outcomes.append({"url": page.url, "outcome": outcome, "reason": reason})
        logger.info("%s %s: %s (%s)", page.source_id, page.url, outcome, reason)

    if len(page.body) > settings.MAX_PAGE_BYTES:
        skip("too_large", f"{len(page.body)} bytes > {settings.MAX_PAGE_BYTES}")
        return None
    with _stage("extract", page):
        extracted = extract_article(
            page.body, page.final_url, page.declared_charset, page.fetched_at
        )
    if extracted is None:
        skip("no_article", "no article body found")
        return None
    with _stage("normalize", page):
        article = normalize_article(extracted, source, page.fetched_at, page.final_url)
    with _stage("dedupe", page):
        found = fingerprint(article)
        signing = sign_later(found.normalized)
    return Pending(payload, article, found, signing, page_keys)


def _add_article(
    ready: Pending, signature: Signature, decision: Decision, batch: Batch
) -> None:
    aid = ready.found.article_id
    copy = decision.original_id != aid
    stored = StoredArticle(
        article_id=aid,
        content_hash=ready.found.content_hash,
        duplicate_of=decision.original_id if copy else None,
        dup_kind=decision.dup_kind if copy else None,
        similarity=decision.similarity if copy else None,
        cluster_id=decision.original_id,
        article=ready.article,
        stored_at=datetime.now(UTC),
        minhash=signature.hex,
    )
    batch.articles.append(stored)
    batch.article_outcome[aid] = len(batch.outcomes)
    _done(
        ready.payload, ready.page_keys | {url_key(ready.article.canonical_url)}, batch
    )
    batch.outcomes.append(
        {
            "url": ready.payload["url"],
            "outcome": _outcome(stored),
            "article_id": aid,
            "duplicate_of": stored.duplicate_of,
        }
    )


def _done(payload: dict[str, Any], page_keys: set[str], batch: Batch) -> None:
    """A page goes through: its URLs get marked recorded, its body dropped, once
    the batch is written (a failing page keeps its body for its next attempt)."""
    batch.recorded |= page_keys
    if "body_key" in payload:
        batch.bodies.append(payload["body_key"])


def _bodies(redis: Redis, payloads: list[dict[str, Any]]) -> list[bytes | None]:
    """Every page's body in one round trip (None where the payload carries it)."""
    wanted = [p.get("body_key") for p in payloads]
    found: Iterator[Any] = iter(
        redis.mget([k for k in wanted if k]) if any(wanted) else ()
    )
    return [
        unpack_body(body) if k and (body := next(found)) is not None else None
        for k in wanted
    ]


def _outcome(stored: StoredArticle) -> str:
    return f"{stored.dup_kind}_copy" if stored.duplicate_of else "stored"


def _log_outcome(stored: StoredArticle, change: str) -> None:
    logger.info(
        "%s %s: %s (%s)",
        stored.article.source_id,
        stored.article.url,
        _outcome(stored),
        change,
    )


def _mark_recorded(redis: Redis, page_keys: set[str], bodies: list[str]) -> None:
    """Tell the crawler these URLs need no fetching, and that none is queued now;
    drop the bodies of the pages now recorded."""
    if not page_keys and not bodies:
        return
    pipe = redis.pipeline()  # MULTI: never a body dropped without its record marked
    if page_keys:
        pipe.zadd(keys.RECORDED_URLS, dict.fromkeys(page_keys, time.time()))
        pipe.delete(*(keys.QUEUED_URL.format(k) for k in page_keys))
    if bodies:
        pipe.delete(*bodies)
    pipe.execute()


def _requeue_rest(redis: Redis, batch: Batch) -> None:
    """Failed pages of a job of several, each alone; unfinished ones, together."""
    if not batch.failed and not batch.unfinished:
        return
    for payload, exc in batch.failed:
        logger.warning(
            "%s %s: %s; queued again on its own",
            payload.get("source_id"),
            payload.get("url"),
            exc,
        )
    queue = IngestQueue.from_settings(redis)
    groups = [[p] for p, _ in batch.failed]
    if batch.unfinished:
        groups.append(batch.unfinished)
    with redis.pipeline() as pipe:
        for group in groups:
            queue.enqueue_payloads(group, pipeline=pipe, pages_per_job=len(group))
        pipe.execute()


def _fail_job(exc: StageError) -> None:
    job = get_current_job()
    if job is not None:
        if exc.stage == "payload":
            job.retries_left = 0  # no attempt can read it: straight to failed
        job.meta.update(stage=exc.stage, error=exc.reason[:500])
        job.save_meta()
    raise exc


def _give_up(reason: str) -> None:
    """A payload no attempt can read: no retries, straight to the failed registry."""
    job = get_current_job()
    if job is not None:
        job.retries_left = 0
        job.meta.update(stage="payload", error=reason[:500])
        job.save_meta()


@contextmanager
def _stage(name: str, page: Page | None = None) -> Iterator[None]:
    try:
        yield
    except (StageError, JobTimeoutException):
        raise
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        if page is not None:
            logger.warning(
                "%s %s: %s failed: %s", page.source_id, page.url, name, reason
            )
        raise StageError(name, reason) from exc


# Connections are per process: RQ forks a work horse per job, and neither a SQLite
# handle nor a Redis socket may cross a fork.
@lru_cache(maxsize=64)
def _source_cached(source_id: str, pid: int) -> SourceConfig:
    return load_source(source_id)


def _source(source_id: str) -> SourceConfig:
    return _source_cached(source_id, os.getpid())


_conns: dict[str, Any] = {}


def _store() -> Store:
    key = (os.getpid(), settings.DATABASE_URL)
    if _conns.get("store_key") != key:
        _conns["store"] = open_store(settings.DATABASE_URL)
        _conns["store_key"] = key
    return _conns["store"]


def reset_connections() -> None:
    """Forget cached connections and sources (after settings change, in tests)."""
    _conns.clear()
    _source_cached.cache_clear()


def _index(redis: Redis) -> DedupeIndex:
    key = (os.getpid(), id(redis), settings.NEAR_THRESHOLD)
    if _conns.get("index_key") != key:
        _conns["index"] = DedupeIndex(redis, settings.NEAR_THRESHOLD)
        _conns["index_key"] = key
    return _conns["index"]


def _redis() -> Redis:
    current = get_current_job()
    if current is not None:
        return current.connection
    if "redis" not in _conns:
        if not settings.REDIS_URL:
            raise RuntimeError("ingest_page outside a worker needs DATELINE_REDIS_URL")
        _conns["redis"] = connect(settings.REDIS_URL)
    return _conns["redis"]


def check_store() -> None:
    """Open the configured store once and close it, before workers fork: its driver
    is imported once for all of them (psycopg took 0.8 s of each worker's first
    job) and its schema is migrated once. A database that cannot be used now is
    reported, and left to the jobs: they fail and are retried until it can."""
    try:
        open_store(settings.DATABASE_URL).close()
    except Exception as exc:  # any driver error, as a job would meet it
        logger.warning(
            "the database cannot be used yet (%s); jobs will fail and be retried "
            "until it can",
            exc,
        )


def connect_early() -> None:
    """Open this process's store connection before its first job (a database down
    now was reported by `check_store`; the jobs meet it again)."""
    with suppress(Exception):
        _store()


def warm() -> None:
    """Import and exercise trafilatura and dateparser once, before workers fork."""
    from workers import dates, places

    dates.warm()
    places.warm()  # the gazetteer index: built once here, shared by every fork
    sample = (
        "<html><body><article><p>"
        + "Warm-up words for the extractor. " * 20
        + "</p></article></body></html>"
    ).encode()
    extract_article(sample, "http://localhost/warm-up")
