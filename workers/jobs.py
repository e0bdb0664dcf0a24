"""RQ jobs: the one place where the stages meet Redis, storage and settings.

`ingest_page` runs extract -> normalize -> dedupe -> store on one page. It is
idempotent (RQ delivers at least once): the same payload run twice, or by two
workers at once, leaves one record. A failure is raised with the stage that failed
recorded in the job's meta, so `dateline failed` can say where and why.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from redis import Redis
from rq import get_current_job

from config.loader import SourceConfig, load_source
from workers import keys, settings
from workers.dedupe import fingerprint, page_key, url_key
from workers.dedupe_index import DedupeIndex, text_signature
from workers.extract import extract_article
from workers.models import Page, StoredArticle
from workers.normalize import normalize_article
from workers.queueing import connect
from workers.store import Store, open_store

logger = logging.getLogger(__name__)


class StageError(RuntimeError):
    """A stage failed on a page; the message names the stage and the reason."""


def ingest_page(payload: dict[str, Any]) -> dict[str, Any]:
    """Extract, normalize, dedupe and store one page; returns what happened."""
    try:
        page = Page.from_payload(payload)
    except (KeyError, TypeError, ValueError) as exc:
        _give_up(f"PoisonPayload: {type(exc).__name__}: {exc}")
        raise StageError(
            f"payload failed: not a page ({type(exc).__name__}: {exc})"
        ) from exc
    with _stage("load", page):
        source = _source(page.source_id)
        store, redis = _store(), _redis()
    final_key = page_key(page.final_url, source)
    page_keys = {page_key(page.url, source), final_key}
    if len(page.body) > settings.MAX_PAGE_BYTES:
        return _record_skip(
            store,
            redis,
            page,
            final_key,
            page_keys,
            "too_large",
            f"{len(page.body)} bytes > {settings.MAX_PAGE_BYTES}",
        )
    with _stage("extract", page):
        extracted = extract_article(
            page.body, page.final_url, page.declared_charset, page.fetched_at
        )
    if extracted is None:
        return _record_skip(
            store,
            redis,
            page,
            final_key,
            page_keys,
            "no_article",
            "no article body found",
        )
    with _stage("normalize", page):
        article = normalize_article(extracted, source, page.fetched_at, page.final_url)
    with _stage("dedupe", page):
        found = fingerprint(article)
        signature = text_signature(found.normalized)
        index = DedupeIndex(redis, settings.NEAR_THRESHOLD)
        decision = index.decide(found.article_id, found.content_hash, signature)
    aid = found.article_id
    copy = decision.original_id != aid
    stored = StoredArticle(
        article_id=aid,
        content_hash=found.content_hash,
        duplicate_of=decision.original_id if copy else None,
        dup_kind=decision.dup_kind if copy else None,
        similarity=decision.similarity if copy else None,
        cluster_id=decision.original_id,
        article=article,
        stored_at=datetime.now(UTC),
        minhash=signature.hex,
    )
    with _stage("store", page):
        change = store.upsert_article(stored)
        _mark_recorded(redis, page_keys | {url_key(article.canonical_url)})
    outcome = f"{stored.dup_kind}_copy" if stored.duplicate_of else "stored"
    logger.info("%s %s: %s (%s)", page.source_id, page.url, outcome, change)
    return {
        "outcome": outcome,
        "article_id": aid,
        "change": change,
        "duplicate_of": stored.duplicate_of,
    }


def _record_skip(
    store: Store,
    redis: Redis,
    page: Page,
    final_key: str,
    page_keys: set[str],
    outcome: str,
    reason: str,
) -> dict[str, Any]:
    with _stage("store", page):
        store.record_page(
            final_key,
            page.source_id,
            page.final_url,
            outcome,
            reason,
            page.fetched_at,
        )
        _mark_recorded(redis, page_keys)
    logger.info("%s %s: %s (%s)", page.source_id, page.url, outcome, reason)
    return {"outcome": outcome, "reason": reason}


def _mark_recorded(redis: Redis, page_keys: set[str]) -> None:
    """Tell the crawler these URLs need no fetching, and that none is queued now."""
    pipe = redis.pipeline(transaction=False)
    pipe.zadd(keys.RECORDED_URLS, dict.fromkeys(page_keys, time.time()))
    pipe.delete(*(keys.QUEUED_URL.format(k) for k in page_keys))
    pipe.execute()


def _give_up(reason: str) -> None:
    """A payload no attempt can read: no retries, straight to the failed registry."""
    job = get_current_job()
    if job is not None:
        job.retries_left = 0
        job.meta.update(stage="payload", error=reason[:500])
        job.save_meta()


@contextmanager
def _stage(name: str, page: Page) -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        job = get_current_job()
        if job is not None:
            job.meta.update(stage=name, error=reason[:500])
            job.save_meta()
        logger.warning("%s %s: %s failed: %s", page.source_id, page.url, name, reason)
        raise StageError(f"{name} failed: {reason}") from exc


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


def _redis() -> Redis:
    current = get_current_job()
    if current is not None:
        return current.connection
    if "redis" not in _conns:
        if not settings.REDIS_URL:
            raise RuntimeError("ingest_page outside a worker needs DATELINE_REDIS_URL")
        _conns["redis"] = connect(settings.REDIS_URL)
    return _conns["redis"]


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
