"""`dateline doctor`: one line a check, exit 1 on any problem.

Redis reachable and set up as the queue needs it (append-only, no eviction) and
not open to others (a password, or loopback only); Redis
and the database one pair; the database at the current schema; every source file
valid; the User-Agent carrying the operator's contact; workers alive while pages
wait; retries due; the size of the recorded-URL set; the dedupe index's
layout; disk space under var/.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
from typing import Any

from config.loader import ConfigError, load_source_file, sources_dir
from workers import keys, settings

MIN_FREE_BYTES = 1 << 30  # 1 GiB under var/
PLACEHOLDER_CONTACT = "github.com/dateline/dateline"


def cmd_doctor(args: argparse.Namespace) -> int:
    problems = 0
    for name, check in CHECKS:
        try:
            ok, detail = check()
        except Exception as exc:  # a check that cannot run is a problem
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        problems += not ok
        print(f"{'ok  ' if ok else 'FAIL'}  {name}: {detail}")
    return 1 if problems else 0


def _redis() -> Any:
    from dateline.runtime import connect_redis

    return connect_redis()


def _reachable() -> tuple[bool, str]:
    _redis().ping()
    return True, settings.masked(settings.REDIS_URL or "the private Redis under var/")


def _redis_settings() -> tuple[bool, str]:
    redis = _redis()
    found = {
        "appendonly": redis.config_get("appendonly").get("appendonly"),
        "maxmemory-policy": redis.config_get("maxmemory-policy").get(
            "maxmemory-policy"
        ),
    }
    wanted = {"appendonly": "yes", "maxmemory-policy": "noeviction"}
    wrong = [f"{k} {found[k]} (want {v})" for k, v in wanted.items() if found[k] != v]
    if wrong:
        return False, ", ".join(
            wrong
        ) + ": a restart or eviction would lose queued pages"
    return True, ", ".join(f"{k} {v}" for k, v in found.items())


LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def exposure(bind: str, protected_mode: str, password: bool) -> str | None:
    """Who besides this host can reach a Redis bound to `bind`, or None: any
    client that reaches it can queue jobs and read every page."""
    if password:
        return None
    addresses = [a.lstrip("-") for a in bind.split()] or ["*"]
    if protected_mode == "yes" and bind.split() in ([], ["*", "-::*"]):
        return None  # Redis then answers loopback clients only
    outside = [a for a in addresses if a not in LOOPBACK]
    return ", ".join(outside) or None


def _redis_access() -> tuple[bool, str]:
    redis = _redis()
    bind = redis.config_get("bind").get("bind", "")
    protected = redis.config_get("protected-mode").get("protected-mode", "no")
    try:
        default = redis.acl_getuser("default") or {}
        flags = default.get("flags", [])
        password = "off" in flags or "nopass" not in flags
    except Exception:  # no ACLs (Redis < 6): the old single password
        password = bool(redis.config_get("requirepass").get("requirepass"))
    outside = exposure(bind, protected, password)
    if outside:
        return False, (
            f"listens on {outside} with no password: anyone who reaches it can "
            "queue jobs and read pages; set requirepass (or ACL users), bind "
            "127.0.0.1, and use rediss:// across machines"
        )
    return True, (
        "a password is required" if password else f"loopback only (bind {bind})"
    )


def _pair() -> tuple[bool, str]:
    from dateline.runtime import open_db

    store = open_db()  # opening runs the migrations: the schema is current after
    try:
        ours = store.database_id()
    finally:
        store.close()
    theirs = _redis().get(keys.DATABASE_ID)
    if theirs is None:
        return True, f"database {ours[:8]}, not yet claimed by Redis"
    if theirs.decode() != ours:
        return False, "Redis serves another database: run `dateline db adopt`"
    return True, f"database {ours[:8]} at the current schema, served by this Redis"


def _sources() -> tuple[bool, str]:
    paths = sorted(sources_dir().glob("*.toml"))
    bad = []
    for path in paths:
        try:
            load_source_file(path)
        except ConfigError as exc:
            bad.append(str(exc))
    if bad:
        return False, "; ".join(bad)
    return True, f"{len(paths)} source file(s) valid in {sources_dir()}"


def _user_agent() -> tuple[bool, str]:
    from crawler.settings import USER_AGENT

    if PLACEHOLDER_CONTACT in USER_AGENT:
        return False, (
            "the default User-Agent names no contact of yours: set "
            "DATELINE_USER_AGENT (e.g. 'MyOrgNews/1.0 (+https://myorg.example/bot)')"
        )
    return True, USER_AGENT


def _workers() -> tuple[bool, str]:
    from rq import Worker

    from dateline.operate import queue_status
    from workers.queueing import ingest_queue

    redis = _redis()
    alive = Worker.count(queue=ingest_queue(redis, settings.QUEUE_NAME))
    status = queue_status(redis, settings.QUEUE_NAME)
    waiting = status["queued"] + status["recovering"]
    if waiting and not alive:
        return (
            False,
            f"{waiting} page(s) wait and no worker runs: start `dateline work`",
        )
    return True, f"{alive} worker(s), {waiting} page(s) waiting"


def _retries() -> tuple[bool, str]:
    from dateline.operate import queue_status

    status = queue_status(_redis(), settings.QUEUE_NAME)
    if not status["retrying"]:
        return True, "none pending"
    due = status["next_retry_at"]
    return True, f"{status['retrying']} page(s) pending, next due {due}"


def _recorded() -> tuple[bool, str]:
    count = int(_redis().zcard(keys.RECORDED_URLS))
    return True, f"{count} URL(s) remembered as recorded"


def _dedupe_layout() -> tuple[bool, str]:
    from workers.dedupe_index import OLDER_LAYOUT, DedupeIndex

    if DedupeIndex(_redis(), settings.NEAR_THRESHOLD).older_layout():
        return False, OLDER_LAYOUT
    return True, "the current layout"


def _disk() -> tuple[bool, str]:
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(settings.VAR_DIR).free
    detail = f"{free / (1 << 30):.1f} GiB free under {settings.VAR_DIR}"
    return free >= MIN_FREE_BYTES, detail + (
        "" if free >= MIN_FREE_BYTES else ": < 1 GiB"
    )


def _dashboards() -> tuple[bool, str]:
    return True, (
        "jobs are JSON: rq-dashboard --json (with six for 0.9.0), "
        "rq info --serializer rq.serializers.JSONSerializer"
    )


CHECKS: list[tuple[str, Callable[[], tuple[bool, str]]]] = [
    ("redis", _reachable),
    ("redis settings", _redis_settings),
    ("redis access", _redis_access),
    ("redis/database pair", _pair),
    ("sources", _sources),
    ("user agent", _user_agent),
    ("workers", _workers),
    ("retries", _retries),
    ("recorded URLs", _recorded),
    ("dedupe index", _dedupe_layout),
    ("disk", _disk),
    ("dashboards", _dashboards),
]
