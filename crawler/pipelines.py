"""Hands each Page to the ingest queue, in batches, off the reactor thread.

A Redis call per item on Scrapy's one reactor thread would stall the crawl, so
pages are buffered and each batch is enqueued in one pipelined round trip from
a thread. A batch that cannot be enqueued is counted
and fails the crawl; its URLs stay unrecorded, so the next crawl fetches them again.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task
from twisted.internet.defer import Deferred, DeferredList
from twisted.internet.threads import deferToThread

from workers.models import Page
from workers.queueing import IngestQueue, connect

logger = logging.getLogger(__name__)


class EnqueuePipeline:
    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        url = settings.get("DATELINE_REDIS_URL")
        if not url:
            raise NotConfigured("DATELINE_REDIS_URL is not set: pages would go nowhere")
        self.crawler = crawler
        self.queue = IngestQueue.from_settings(connect(url))
        self.batch_size = settings.getint("DATELINE_ENQUEUE_BATCH")
        self.buffer: list[Page] = []
        self.pending: set[Deferred[Any]] = set()
        self.ticker = task.LoopingCall(self._flush)

    @classmethod
    def from_crawler(cls, crawler: Any) -> EnqueuePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.ticker.start(1.0, now=False)  # partial batches go out within a second

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Page):
            self.buffer.append(item)
            if len(self.buffer) >= self.batch_size:
                self._flush()
        return item

    async def close_spider(self) -> None:
        if self.ticker.running:
            self.ticker.stop()
        self._flush()
        if self.pending:
            await maybe_deferred_to_future(DeferredList(list(self.pending)))

    def _flush(self) -> None:
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        d = deferToThread(self.queue.enqueue, batch)
        d.addCallbacks(self._enqueued, self._failed, errbackArgs=(batch,))
        self.pending.add(d)
        d.addBoth(self._forget, d)

    def _forget(self, result: Any, d: Deferred[Any]) -> Any:
        self.pending.discard(d)
        return result

    def _enqueued(self, count: int) -> None:
        self.crawler.stats.inc_value("dateline/enqueued", count)

    def _failed(self, failure: Any, batch: list[Page]) -> None:
        self.crawler.stats.inc_value("dateline/enqueue_failed", len(batch))
        logger.error(
            "%s: could not enqueue %d pages (%s); they will be fetched again "
            "by the next crawl",
            batch[0].source_id,
            len(batch),
            failure.getErrorMessage(),
        )
