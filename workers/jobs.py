"""RQ jobs: the one place where the stages meet Redis, storage and settings.

`ingest_pages` runs each page of a job through the stage chain
(`workers.stages.prepare_article`), takes every dedupe decision in one round
trip, then stores the job's records in one transaction. It is idempotent (RQ
delivers at least once): the same pages run twice, or by two workers at once,
leave one record each. A page that fails is raised, alone, with the stage that
failed recorded in its job's meta, so `dateline failed` can say where and why.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from redis import Redis
from rq import get_current_job
from rq.timeouts import JobTimeoutException

from workers import connections, queueing, settings
from workers.budget import Budget
from workers.dedupe_index import Decision, Signature, sign_later
from workers.models import Page, SkippedPage, StoredArticle
from workers.stages import PreparedArticle, StageError, prepare_article

logger = logging.getLogger(__name__)


def page_budget() -> Budget:
    """One page's budget: over it, the page is recorded as too_large, and the job
    goes on with its other pages."""
    return Budget(
        max_bytes=settings.MAX_PAGE_BYTES,
        max_elements=settings.MAX_PAGE_ELEMENTS,
        cpu_seconds=settings.PAGE_CPU_SECONDS,
    )


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

    def done(self, payload: dict[str, Any], url_keys: frozenset[str]) -> None:
        """A page goes through: its URLs get marked recorded, its body dropped,
        once the batch is written (a failing page keeps its body for its retry)."""
        self.recorded |= url_keys
        self.bodies.append(payload["body_key"])


def ingest_pages(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    """Extract, normalize, dedupe and store a job's pages; returns what happened.

    A page that fails in a job of several is queued again alone, so the failed
    registry holds exactly the pages that fail, each with its stage and reason;
    a job of one page fails with its page.
    """
    if not _readable(payloads):
        reason = (
            "PoisonPayload: not a list of page payloads with source_id, url and "
            "body_key"
        )
        _fail_job(StageError("payload", reason))
    with _stage("load"):
        store, redis = connections.store(), connections.redis()
        bodies = queueing.load_bodies(redis, payloads)
    batch = Batch()
    pending: list[tuple[dict[str, Any], PreparedArticle, Future[Signature]]] = []
    for i, payload in enumerate(payloads):
        try:
            if (ready := _prepare(payload, bodies[i], redis, batch)) is not None:
                # signed on the signing thread while the next page extracts
                pending.append((payload, ready, sign_later(ready.found.normalized)))
        except (StageError, JobTimeoutException) as exc:
            cause = exc.__cause__ if isinstance(exc, StageError) else exc
            if isinstance(cause, JobTimeoutException):
                # this page ran out the job's time: it goes alone, the rest together
                batch.failed.append((payload, StageError("timeout", str(cause))))
                batch.unfinished = payloads[i + 1 :]
                break
            assert isinstance(exc, StageError)
            batch.failed.append((payload, exc))
    with _stage("dedupe"):  # every page's decision in one round trip
        signatures = [signing.result() for _, _, signing in pending]
        decisions = connections.index(redis).decide_many(
            [
                (ready.article_id, ready.found.content_hash, signature)
                for (_, ready, _), signature in zip(pending, signatures, strict=True)
            ]
        )
    for (payload, ready, _), signature, decision in zip(
        pending, signatures, decisions, strict=True
    ):
        batch.done(payload, ready.url_keys)
        _add_article(ready, signature, decision, batch)
    with _stage("store"):
        changes = store.write(batch.articles, batch.skipped)
        queueing.mark_recorded(redis, batch.recorded, batch.bodies)
    for stored, change in zip(batch.articles, changes, strict=True):
        logger.info(
            "%s %s: %s (%s)",
            stored.article.source_id,
            stored.article.url,
            _outcome(stored),
            change,
        )
        batch.outcomes[batch.article_outcome[stored.article_id]]["change"] = change
    if batch.failed and len(payloads) == 1:
        _fail_job(batch.failed[0][1])
    _requeue_rest(redis, batch)
    return {
        "pages": len(payloads),
        "outcomes": batch.outcomes,
        "failed": [(p["url"], str(e)) for p, e in batch.failed],
    }


class RefusedJob(Exception):
    """A job naming a function that is not Dateline's (`queueing.refusal`)."""


def refuse(*_args: Any, **_kwargs: Any) -> None:
    """What a worker runs in place of a refused job: the job fails, without retry,
    its reason in its meta (stage `refused`)."""
    job = get_current_job()
    reason = (job.meta or {}).get("error") if job is not None else None
    raise RefusedJob(reason or "not a Dateline job")


def _readable(payloads: Any) -> bool:
    return (
        isinstance(payloads, list)
        and bool(payloads)
        and all(
            isinstance(p, dict)
            and isinstance(p.get("source_id"), str)
            and isinstance(p.get("url"), str)
            and isinstance(p.get("body_key"), str)
            for p in payloads
        )
    )


def _prepare(
    payload: dict[str, Any], body: bytes | None, redis: Redis, batch: Batch
) -> PreparedArticle | None:
    """One page through the stage chain; a page that yields no article is added
    to the batch as skipped (None)."""
    try:
        page = Page.from_payload(payload, body or b"")
    except (KeyError, TypeError, ValueError) as exc:
        raise StageError(
            "payload", f"not a page ({type(exc).__name__}: {exc})"
        ) from exc
    with _stage("load", page):
        source = connections.source(page.source_id, page.adhoc_source)
    if body is None:
        # its body goes when its record is written: a job run again after that
        if queueing.is_recorded(redis, page.url_key):
            batch.outcomes.append({"url": page.url, "outcome": "already_recorded"})
            return None
        raise StageError("load", f"the page body {payload['body_key']} is gone")
    try:
        prepared = prepare_article(page, source, page_budget())
    except StageError as exc:
        logger.warning("%s %s: %s", page.source_id, page.url, exc)
        raise
    if isinstance(prepared, SkippedPage):
        batch.skipped.append(prepared)
        batch.done(payload, frozenset((page.url_key, prepared.url_key)))
        batch.outcomes.append(
            {"url": page.url, "outcome": prepared.outcome, "reason": prepared.reason}
        )
        logger.info(
            "%s %s: %s (%s)",
            page.source_id,
            page.url,
            prepared.outcome,
            prepared.reason,
        )
        return None
    return prepared


def _add_article(
    ready: PreparedArticle, signature: Signature, decision: Decision, batch: Batch
) -> None:
    aid = ready.article_id
    copy = decision.original_id != aid
    stored = StoredArticle(
        article_id=aid,
        content_hash=ready.found.content_hash,
        duplicate_of=decision.original_id if copy else None,
        dup_kind=decision.dup_kind if copy else None,
        similarity=decision.similarity if copy else None,
        cluster_id=decision.original_id,
        article=ready.article,
        stored_at=decision.decided_at,  # a rebuild replays decisions in this order
        minhash=signature.hex,
    )
    batch.articles.append(stored)
    batch.article_outcome[aid] = len(batch.outcomes)
    batch.outcomes.append(
        {
            "url": ready.page.url,
            "outcome": _outcome(stored),
            "article_id": aid,
            "duplicate_of": stored.duplicate_of,
        }
    )


def _outcome(stored: StoredArticle) -> str:
    return f"{stored.dup_kind}_copy" if stored.duplicate_of else "stored"


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
    groups = [[p] for p, _ in batch.failed]
    if batch.unfinished:
        groups.append(batch.unfinished)
    queueing.requeue_pages(redis, groups)


def _fail_job(exc: StageError) -> None:
    """Fail this job with the stage and reason in its meta; a payload no attempt
    can read goes straight to the failed registry, without retries."""
    job = get_current_job()
    if job is not None:
        if exc.stage == "payload":
            job.retries_left = 0
        job.meta.update(stage=exc.stage, error=settings.masked(exc.reason)[:500])
        job.save_meta()
    raise exc


@contextmanager
def _stage(name: str, page: Page | None = None) -> Iterator[None]:
    """Any error inside (but a job timeout) becomes a StageError naming the stage."""
    try:
        yield
    except (StageError, JobTimeoutException):
        raise
    except Exception as exc:
        reason = settings.masked(f"{type(exc).__name__}: {exc}")
        if page is not None:
            logger.warning(
                "%s %s: %s failed: %s", page.source_id, page.url, name, reason
            )
        raise StageError(name, reason) from exc
