"""Crawl progress: a line every few seconds (pages/min, articles enqueued)."""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from twisted.internet import task

logger = logging.getLogger("dateline.progress")


class Progress:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.interval = crawler.settings.getfloat("DATELINE_PROGRESS_INTERVAL")
        self.started = time.monotonic()
        self.ticker = task.LoopingCall(self.report)

    @classmethod
    def from_crawler(cls, crawler: Any) -> Progress:
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        self.ticker.start(self.interval, now=False)

    def closed(self, spider: Any, reason: str) -> None:
        if self.ticker.running:
            self.ticker.stop()

    def report(self) -> None:
        stats = self.crawler.stats
        pages = stats.get_value("response_received_count", 0)
        minutes = max(time.monotonic() - self.started, 1e-6) / 60
        logger.info(
            "%s: %d pages fetched (%.0f pages/min), %d articles enqueued, "
            "%d already known",
            self.crawler.spider.cfg.source_id,
            pages,
            pages / minutes,
            stats.get_value("dateline/enqueued", 0),
            stats.get_value("dateline/articles_known", 0),
        )
