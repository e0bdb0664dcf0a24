"""What every command shares: which Redis and database, the usage error, and the
process set-up of crawls and workers."""

from __future__ import annotations

import contextlib
import gc
import logging
from typing import Any

from redis.exceptions import RedisError

from dateline.private_redis import check, private_redis
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


def check_pair(redis: Any, store: Any | None = None) -> None:
    """Refuse, in one line, a Redis that holds another database's queue and marks:
    its marks would make the crawler skip pages this database lacks. A database
    that cannot be reached is not checked (the workers retry until it is back)."""
    from workers.queueing import claim_database
    from workers.store import StoreUnavailable

    try:
        db = store or open_db()
    except StoreUnavailable:
        return
    try:
        if claim_database(redis, db.database_id(), lambda: not db.counts()["articles"]):
            return
    except RedisError:
        raise
    except Exception as exc:  # the database went away between open and query
        logging.getLogger(__name__).warning(
            "could not check the Redis/database pair now (%s); going on",
            str(exc).strip().splitlines()[0]
            if str(exc).strip()
            else type(exc).__name__,
        )
        return
    finally:
        if store is None:
            with contextlib.suppress(Exception):
                db.close()
    raise UsageError(
        f"Redis at {settings.masked(redis_url())} holds the queue and marks of "
        f"another database than {settings.masked(settings.DATABASE_URL)}: point "
        "DATELINE_REDIS_URL at a fresh Redis database, or run `dateline db adopt` "
        "to rebuild Redis's marks from this database"
    )


def tune_collector() -> None:
    """Set CPython's cycle collector for a crawl or a worker, once set up.

    A crawl keeps thousands of requests and Deferreds alive: at the default
    threshold of 700 allocations the collector took 6% of the reactor thread.
    What start-up built (modules, the gazetteer) is frozen out of later
    collections, and forked workers share it without copying.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def check_source_filter(source_id: str | None, also: Any = ()) -> None:
    """A `--source` that names neither a configured source nor one in `also`
    (what the data holds: a source since removed) is a mistake, not an empty
    match: one line, with the ids to choose from."""
    if not source_id:
        return
    from config.loader import load_sources

    configured = set(load_sources())
    known = configured | set(also() if callable(also) else also)
    if source_id not in known:
        raise UsageError(
            f"no source '{source_id}': known are {', '.join(sorted(known))}"
            if known
            else f"no source '{source_id}': none is configured or stored"
        )
