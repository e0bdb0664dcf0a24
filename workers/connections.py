"""What a worker process keeps between jobs: its store, its Redis, the dedupe
index and the sources it has loaded, opened from the settings.

Each is per process (a SQLite handle or a socket must not cross a fork) and is
opened again when the settings it came from change.
"""

from __future__ import annotations

import logging
import os
from contextlib import suppress
from functools import lru_cache
from typing import Any

from redis import Redis
from rq import get_current_job

from config.loader import load_source, sources_dir
from config.paths import check_source_id
from config.source import SourceConfig, adhoc_source
from workers import settings
from workers.dedupe_index import DedupeIndex
from workers.queueing import connect
from workers.store import Store, open_store

logger = logging.getLogger(__name__)
_open: dict[str, tuple[Any, Any]] = {}  # name -> (what it was opened from, it)


def _kept(name: str, key: Any, opener: Any) -> Any:
    if name not in _open or _open[name][0] != key:
        _open[name] = (key, opener())
    return _open[name][1]


def source(source_id: str, adhoc: bool = False) -> SourceConfig:
    """A configured source; for a page of a back-fill's made-up source (`ingest
    --any-source`), that source unless a file for its id has appeared since."""
    if adhoc and not (sources_dir() / f"{check_source_id(source_id)}.toml").exists():
        return adhoc_source(source_id)
    return _source(source_id, str(sources_dir()), os.getpid())


@lru_cache(maxsize=64)
def _source(source_id: str, directory: str, pid: int) -> SourceConfig:
    return load_source(source_id)


def store() -> Store:
    url = settings.DATABASE_URL
    return _kept("store", (os.getpid(), url), lambda: open_store(url))


def redis() -> Redis:
    """The running job's connection; outside a worker, DATELINE_REDIS_URL's."""
    current = get_current_job()
    if current is not None:
        return current.connection
    url = settings.REDIS_URL
    if not url:
        raise RuntimeError("a job outside a worker needs DATELINE_REDIS_URL")
    return _kept("redis", (os.getpid(), url), lambda: connect(url))


def index(connection: Redis) -> DedupeIndex:
    threshold = settings.NEAR_THRESHOLD
    key = (os.getpid(), id(connection), threshold)
    return _kept("index", key, lambda: DedupeIndex(connection, threshold))


def check_store() -> None:
    """Open the configured store once and close it, before workers fork: its driver
    is imported once for all of them and its schema migrated once. A database that
    cannot be used now is reported, and left to the jobs: they fail and are
    retried until it can."""
    try:
        open_store(settings.DATABASE_URL).close()
    except Exception as exc:  # any driver error, as a job would meet it
        logger.warning(
            "the database cannot be used yet (%s); jobs will fail and be retried "
            "until it can",
            exc,
        )


def connect_early() -> None:
    """Open this process's store before its first job (a database down now was
    reported by `check_store`; the jobs meet it again)."""
    with suppress(Exception):
        store()
