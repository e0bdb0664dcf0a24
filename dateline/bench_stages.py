"""What each stage costs per page, in-process, beside trafilatura alone.

Part of `make bench`: a sample of the bench pages goes through trafilatura alone
(bare_extraction with metadata, comments off: the reference, measured in the same
run) and through each Dateline stage: extract, normalize, dedupe (the real Redis)
and store (the real database). Dateline's extraction runs trafilatura's precision
mode and sometimes its balanced mode too, so the whole job may cost up to 2 x the
reference; the rest must be small.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import trafilatura
from redis import Redis

from config.loader import SourceConfig
from dateline.benchsite import BenchSite
from workers.dedupe import fingerprint
from workers.dedupe_index import DedupeIndex, text_signature
from workers.extract import decode_html, extract_article
from workers.models import StoredArticle
from workers.normalize import normalize_article
from workers.store import open_store

JOB_CEILING = 2.0  # whole job / trafilatura alone
SOURCE = SourceConfig(
    source_id="bench",
    name="Bench",
    homepage="http://127.0.0.1/",
    allowed_domains=("127.0.0.1",),
    languages=("en",),
    timezone="UTC",
)
STAGES = ("trafilatura alone", "extract", "normalize", "dedupe", "store", "whole job")


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, (time.perf_counter() - started) * 1000


def stage_medians(
    site: BenchSite, redis_url: str, database_url: str, sample: int = 300
) -> dict[str, float]:
    """Median ms per page of each stage over every n-th page, `sample` in all."""
    step = max(1, len(site.articles) // sample)
    costs: dict[str, list[float]] = {k: [] for k in STAGES}
    index = DedupeIndex(Redis.from_url(redis_url), 0.4)
    store = open_store(database_url)
    fetched = datetime.now(UTC)
    try:
        for path in site.articles[::step][:sample]:
            url, body = site.base + path, site.pages[path][1]
            text, _ = decode_html(body, None)
            _, ms_t = timed(
                trafilatura.bare_extraction,
                text,
                url=url,
                with_metadata=True,
                include_comments=False,
            )
            extracted, ms_e = timed(extract_article, body, url, None, fetched)
            if extracted is None:
                continue
            article, ms_n = timed(normalize_article, extracted, SOURCE, fetched, url)
            (found, signature, decision), ms_d = timed(_dedupe, index, article)
            record = StoredArticle(
                article_id=found.article_id,
                content_hash=found.content_hash,
                duplicate_of=None,
                dup_kind=None,
                similarity=None,
                cluster_id=decision.original_id,
                article=article,
                stored_at=datetime.now(UTC),
                minhash=signature.hex,
            )
            _, ms_s = timed(store.write, [record], [])
            for key, value in zip(
                STAGES,
                (ms_t, ms_e, ms_n, ms_d, ms_s, ms_e + ms_n + ms_d + ms_s),
                strict=True,
            ):
                costs[key].append(value)
    finally:
        store.close()
    medians = {k: statistics.median(v) for k, v in costs.items() if v}
    medians["job / trafilatura alone"] = (
        medians["whole job"] / medians["trafilatura alone"]
    )
    return medians


def _dedupe(index: DedupeIndex, article: Any) -> Any:
    found = fingerprint(article)
    signature = text_signature(found.normalized)
    return (
        found,
        signature,
        index.decide(found.article_id, found.content_hash, signature),
    )
