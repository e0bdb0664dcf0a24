"""What every command shares: which Redis and database, and the usage error."""

from __future__ import annotations

from typing import Any

from dateline.redis_server import check, private_redis
from workers import settings


class UsageError(RuntimeError):
    """A mistake on the command line or in the environment; printed as one line."""


def redis_url() -> str:
    """DATELINE_REDIS_URL when it answers, else the private Redis under var/."""
    if settings.REDIS_URL:
        return check(settings.REDIS_URL)
    return private_redis(settings.VAR_DIR)


def connect_redis() -> Any:
    from workers.queueing import connect

    return connect(redis_url())


def open_db() -> Any:
    from workers.store import open_store

    return open_store(settings.DATABASE_URL)


def status_report() -> dict[str, Any]:
    from dateline.operate import queue_status
    from workers.queueing import connect

    url = redis_url()
    report: dict[str, Any] = {
        "redis": settings.masked(url),
        "database": settings.masked(settings.DATABASE_URL),
        **queue_status(connect(url), settings.QUEUE_NAME),
    }
    store = open_db()
    try:
        report.update(store.counts())
    finally:
        store.close()
    return report
