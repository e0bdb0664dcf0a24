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
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import trafilatura
from redis import Redis

from config.source import SourceConfig
from tests.bench.site import BenchSite
from workers.decode import decode_html
from workers.dedupe_index import DedupeIndex, text_signature
from workers.models import Page, StoredArticle
from workers.stages import PreparedArticle, prepare_article
from workers.store import open_store
from workers.urls import page_key

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


def bench_pages(site: BenchSite, paths: list[str] | None = None) -> list[Page]:
    """The bench site's article pages as the crawler hands them over."""
    fetched = datetime.now(UTC)
    return [
        Page(
            url=site.base + path,
            final_url=site.base + path,
            status=200,
            body=site.pages[path][1],
            fetched_at=fetched,
            source_id=SOURCE.source_id,
            url_key=page_key(site.base + path, SOURCE),
            discovered_via="bench",
        )
        for path in (site.articles if paths is None else paths)
    ]


def stage_medians(
    site: BenchSite, redis_url: str, database_url: str, sample: int = 300
) -> dict[str, float]:
    """Median ms per page of each stage over every n-th page, `sample` in all:
    the stage chain as the workers run it, each stage's own time as it measures
    it, then the dedupe decision and the store as a job takes them."""
    step = max(1, len(site.articles) // sample)
    costs: dict[str, list[float]] = {k: [] for k in STAGES}
    index = DedupeIndex(Redis.from_url(redis_url), 0.4)
    store = open_store(database_url)
    try:
        for page in bench_pages(site, site.articles[::step][:sample]):
            text, _ = decode_html(page.body, None)
            _, ms_t = timed(
                trafilatura.bare_extraction,
                text,
                url=page.url,
                with_metadata=True,
                include_comments=False,
            )
            prepared = prepare_article(page, SOURCE)
            if not isinstance(prepared, PreparedArticle):
                continue
            ms_e = prepared.timings["extract_ms"]
            ms_n = prepared.timings["normalize_ms"]
            record, ms_d = timed(_dedupe, index, prepared)
            _, ms_s = timed(store.write, [record], [])
            ms_d += prepared.timings["dedupe_ms"]  # the fingerprint, then the decision
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


def _dedupe(index: DedupeIndex, prepared: PreparedArticle) -> StoredArticle:
    """Sign, decide, and make the record the job would store."""
    found = prepared.found
    signature = text_signature(found.normalized)
    decision = index.decide(prepared.article_id, found.content_hash, signature)
    copy = decision.original_id != prepared.article_id
    return replace(
        prepared.record(),
        duplicate_of=decision.original_id if copy else None,
        dup_kind=decision.dup_kind if copy else None,
        similarity=decision.similarity if copy else None,
        cluster_id=decision.original_id,
        minhash=signature.hex,
    )
