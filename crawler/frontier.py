"""The crawl's state in Redis: what not to fetch again, and listings' validators.

A URL is not fetched when its page is queued or already recorded (or, for a
source that revisits, recorded less than `revisit_hours` ago). Feeds and
sitemaps are fetched conditionally with the ETag and Last-Modified they last
sent. Every call is one round trip and blocking: the spider runs them in a
thread, never on the reactor.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from redis import Redis

from workers import keys


@dataclass
class Frontier:
    redis: Redis
    source_id: str
    revisit_hours: int = 0

    def known(self, url_keys: Sequence[str]) -> tuple[set[str], int]:
        """The keys not to fetch, and how many others are due for a revisit."""
        if not url_keys:
            return set(), 0
        pipe = self.redis.pipeline(transaction=False)
        pipe.zmscore(keys.RECORDED_URLS, list(url_keys))
        for key in url_keys:
            pipe.exists(keys.QUEUED_URL.format(key))
        recorded, *queued = pipe.execute()
        revisit = self.revisit_hours * 3600
        due = time.time() - revisit
        known, revisited = set(), 0
        for key, when, in_queue in zip(url_keys, recorded, queued, strict=True):
            if in_queue or (when is not None and (not revisit or when > due)):
                known.add(key)
            elif when is not None:
                revisited += 1
        return known, revisited

    def validators(self, urls: Sequence[str]) -> dict[str, tuple[str, str]]:
        """url -> (ETag, Last-Modified) as the listing last sent them."""
        if not urls:
            return {}
        values = self.redis.hmget(self._validators_key, list(urls))
        found = {}
        for url, value in zip(urls, values, strict=True):
            if value:
                text = value.decode() if isinstance(value, bytes) else value
                etag, _, modified = text.partition("\t")
                found[url] = (etag, modified)
        return found

    def remember(self, url: str, etag: str, modified: str) -> None:
        self.redis.hset(self._validators_key, url, f"{etag}\t{modified}")

    @property
    def _validators_key(self) -> str:
        return keys.LISTING_VALIDATORS.format(self.source_id)
