"""`dateline crawl`: one generic spider per source, all in one Scrapy process.

Each source is crawled by one run at a time (a lock in Redis, renewed while the
crawl runs); each ends with a summary line, and the exit status says whether
any source failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import socket
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from redis.exceptions import RedisError

from config.loader import load_source, load_sources
from config.source import SourceConfig
from dateline.runtime import (
    UsageError,
    check_pair,
    connect_redis,
    open_db,
    redis_url,
    tune_collector,
)
from workers import keys, settings
from workers.models import utc_iso
from workers.recovery import dead_here

logger = logging.getLogger(__name__)


def cmd_crawl(args: argparse.Namespace) -> int:
    if args.all == bool(args.source_ids):
        raise UsageError("crawl: name SOURCE_IDs or give --all (not both)")
    sources = (
        [c for c in load_sources().values() if c.enabled]
        if args.all
        else [load_source(s) for s in args.source_ids]
    )
    url = redis_url()
    locks = CrawlLocks(connect_redis(), settings.CRAWL_LOCK_TTL)
    check_pair(locks.redis)  # another database's marks would skip pages it lacks
    held = [c for c in sources if locks.acquire(c.source_id)]
    for cfg in sources:
        if cfg not in held:
            print(
                f"{cfg.source_id}: skipped, another crawl of it is running "
                f"(lock {keys.CRAWL_LOCK.format(cfg.source_id)})"
            )
    if not held:
        return 0
    _forget_old_marks(locks.redis, held)
    logging.getLogger("dateline.progress").info(
        "crawling %d source(s): %s -> %s",
        len(held),
        ", ".join(c.source_id for c in held),
        settings.masked(url),
    )
    try:
        summaries = run_crawls(held, url, locks=locks)
    finally:
        for cfg in held:
            locks.release(cfg.source_id)
    for summary in summaries:
        print(json.dumps(asdict(summary)) if args.json else summary.line())
    _remember(summaries)
    failed = [s.source_id for s in summaries if not s.ok]
    for summary in summaries:
        if not summary.ok and summary.cause:
            print(f"dateline: {summary.source_id}: {summary.cause}", file=sys.stderr)
    if failed:
        print(f"dateline: crawl failed for: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def _remember(summaries: list[CrawlSummary]) -> None:
    """Each run a row in the database (`dateline report` shows the last ones); a
    database that cannot take them now costs a warning, not the crawl."""
    from workers.store.runs import record_runs

    runs = [
        {
            "source_id": s.source_id,
            "started_at": s.started_at,
            "finished_at": s.finished_at or s.started_at,
            "finish_reason": s.finish_reason,
            "pages": s.pages,
            "listed": s.listed,
            "enqueued": s.enqueued,
            "errors": s.errors + s.listing_errors + s.enqueue_failed,
            "cause": s.cause,
        }
        for s in summaries
        if s.started_at
    ]
    try:
        store = open_db()
        try:
            record_runs(store, runs)
        finally:
            store.close()
    except Exception as exc:
        logger.warning("crawl runs not recorded: %s", exc)


@dataclass
class CrawlSummary:
    source_id: str
    finish_reason: str
    pages: int
    listed: int
    known: int
    enqueued: int
    errors: int
    listing_errors: int
    enqueue_failed: int
    elapsed: float
    unchanged: int = 0
    revisited: int = 0
    cause: str | None = None  # the first thing that went wrong
    started_at: str | None = None  # UTC, ISO 8601
    finished_at: str | None = None

    @property
    def ok(self) -> bool:
        return (
            self.finish_reason == "finished"
            and not self.enqueue_failed
            and not self.listing_errors
        )

    def line(self) -> str:
        rate = self.pages / (self.elapsed / 60) if self.elapsed > 0 else 0.0
        return (
            f"{self.source_id}: {self.finish_reason}, {self.pages} pages fetched "
            f"({rate:.0f}/min), {self.listed} article URLs listed, {self.known} "
            f"already stored or queued, {self.enqueued} enqueued"
            + (f", {self.unchanged} feeds/sitemaps unchanged" if self.unchanged else "")
            + (f", {self.revisited} revisited" if self.revisited else "")
            + (f", {self.errors} download errors" if self.errors else "")
            + (
                f", {self.listing_errors} feeds/sitemaps/sections FAILED"
                if self.listing_errors
                else ""
            )
            + (f", {self.enqueue_failed} NOT enqueued" if self.enqueue_failed else "")
        )


# Renew or release the lock only while it is still ours (its value is our run id).
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


_TAKE_OVER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
end
return 0
"""


class CrawlLocks:
    """One crawl per source at a time, across processes and machines: a Redis key
    per source holding its owner (host:pid:run), renewed every third of its TTL
    while the crawl runs. A lock whose owner ran on this host and is gone dies
    with it; one from another host expires with its TTL (a crashed crawl's
    sources are free within `DATELINE_CRAWL_LOCK_TTL` s)."""

    def __init__(self, redis: Any, ttl: int) -> None:
        self.redis, self.ttl = redis, ttl
        self.run_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)
        self._take_over = redis.register_script(_TAKE_OVER)

    def acquire(self, source_id: str) -> bool:
        key = keys.CRAWL_LOCK.format(source_id)
        if self.redis.set(key, self.run_id, nx=True, ex=self.ttl):
            return True
        owner = self.redis.get(key)
        if owner is None or not _dead_here(owner.decode()):
            return False
        return bool(self._take_over(keys=[key], args=[owner, self.run_id, self.ttl]))

    def renew(self, source_id: str) -> bool:
        key = keys.CRAWL_LOCK.format(source_id)
        return bool(self._renew(keys=[key], args=[self.run_id, self.ttl]))

    def release(self, source_id: str) -> None:
        """Best effort: a lock we cannot release expires with its TTL."""
        with contextlib.suppress(RedisError):
            self._release(keys=[keys.CRAWL_LOCK.format(source_id)], args=[self.run_id])


def _forget_old_marks(redis: Any, sources: list[SourceConfig]) -> None:
    """Each source's URLs recorded longer ago than its `recorded_retention_days`
    leave the recorded-URL set, which stays bounded."""
    from urllib.parse import urlsplit

    from workers.queueing import forget_recorded

    for cfg in sources:
        hosts = cfg.allowed_domains or (urlsplit(cfg.homepage).hostname or "",)
        cutoff = time.time() - cfg.recorded_retention_days * 86400
        if dropped := forget_recorded(redis, hosts, cutoff):
            print(
                f"{cfg.source_id}: {dropped} URL(s) recorded more than "
                f"{cfg.recorded_retention_days} days ago forgotten",
                file=sys.stderr,
            )


def _dead_here(owner: str) -> bool:
    """Did the owner of a lock ("host:pid:run") run on this host, and is its
    process gone?"""
    host, _, rest = owner.partition(":")
    return dead_here(host, rest.partition(":")[0])


def source_settings(cfg: SourceConfig) -> dict[str, Any]:
    limits = cfg.limits
    return {
        "CONCURRENT_REQUESTS_PER_DOMAIN": limits.concurrency_per_host,
        "DOWNLOAD_DELAY": limits.download_delay,
        # no delay asked (your own server, an archive): no throttling either;
        # AutoThrottle would still space requests by latency / 2
        "AUTOTHROTTLE_ENABLED": limits.download_delay > 0,
        "AUTOTHROTTLE_START_DELAY": max(limits.download_delay, 0.01),
        "DOWNLOAD_TIMEOUT": limits.download_timeout,
        "DOWNLOAD_MAXSIZE": limits.max_page_bytes,
    }


def run_crawls(
    sources: list[SourceConfig],
    redis_url: str,
    progress_interval: float | None = None,
    locks: CrawlLocks | None = None,
) -> list[CrawlSummary]:
    """Crawl `sources` concurrently; blocks until every spider has closed."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.spiders.news import NewsSpider

    settings = get_project_settings()
    settings.set("DATELINE_REDIS_URL", redis_url)
    settings.set(  # the internal hosts that sources allowing them name
        "DATELINE_INTERNAL_HOSTS",
        sorted({h for c in sources if c.allow_private_hosts for h in c.own_hosts()}),
    )
    settings.set("LOG_INSTALL_ROOT_HANDLER", False)  # the CLI owns logging
    if progress_interval:
        settings.set("DATELINE_PROGRESS_INTERVAL", progress_interval)
    process = CrawlerProcess(settings)
    # Scrapy has just set its loggers to DEBUG: each page would build two records
    # ("Crawled", "Scraped") for the handlers to drop, 2% of the crawl's CPU.
    logging.getLogger("scrapy").setLevel(logging.getLogger().getEffectiveLevel())
    crawlers = []
    for cfg in sources:
        crawler = process.create_crawler(NewsSpider)
        crawler.settings.setdict(source_settings(cfg), priority="spider")
        process.crawl(crawler, source=cfg.source_id)
        crawlers.append((cfg, crawler))
    if locks is not None:
        from twisted.internet import task

        renewal = task.LoopingCall(lambda: [locks.renew(c.source_id) for c in sources])
        renewal.start(max(locks.ttl / 3, 1), now=False)
    tune_collector()
    process.start()
    return [
        _summary(cfg.source_id, crawler.stats.get_stats()) for cfg, crawler in crawlers
    ]


def _summary(source_id: str, stats: dict[str, Any]) -> CrawlSummary:
    started, finished = stats.get("start_time"), stats.get("finish_time")
    elapsed = (finished - started).total_seconds() if started and finished else 0.0
    return CrawlSummary(
        source_id=source_id,
        finish_reason=str(stats.get("finish_reason", "not started")),
        pages=int(stats.get("response_received_count", 0)),
        listed=int(stats.get("dateline/articles_listed", 0)),
        known=int(stats.get("dateline/articles_known", 0)),
        enqueued=int(stats.get("dateline/enqueued", 0)),
        errors=int(stats.get("downloader/exception_count", 0))
        - int(stats.get("robotstxt/forbidden", 0)),
        listing_errors=int(stats.get("dateline/listing_errors", 0)),
        unchanged=int(stats.get("dateline/listings_unchanged", 0)),
        revisited=int(stats.get("dateline/articles_revisited", 0)),
        enqueue_failed=int(stats.get("dateline/enqueue_failed", 0)),
        elapsed=elapsed,
        cause=stats.get("dateline/cause"),
        started_at=utc_iso(started) if started else None,
        finished_at=utc_iso(finished) if finished else None,
    )
