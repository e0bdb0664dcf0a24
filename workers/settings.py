"""Worker settings: flat constants, each overridable from the environment.

Read at the edges: by the job and what it keeps open (`workers.jobs`,
`workers.connections`), the queue's producers and the command line. Stage
functions get plain values.
"""

from __future__ import annotations

import os
import re
from typing import Any

from config.paths import dateline_home

# A URL's password: "scheme://user:" then anything up to the last "@" before a
# space or quote (a raw password may hold "/", ":" or "@").
_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s'\"]*:)[^\s'\"]*@", re.I)
# A secret as a query parameter or libpq keyword: password=..., token=...
_SECRET_PARAM = re.compile(
    r"\b((?:ssl)?pass(?:word|wd)?|pwd|token|secret|(?:api_?|access_?)?key)"
    r"(\s*=\s*)('[^']*'|[^&\s'\";]+)",
    re.I,
)


def masked(text: str) -> str:
    """Any text (a URL, a driver's error, a traceback) with every password and
    token in it hidden: the one function for everything Dateline prints, logs
    or stores."""
    text = _USERINFO.sub(r"\1***@", text)
    return _SECRET_PARAM.sub(r"\1\2***", text)


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(
            f"environment variable {name}: expected an integer, got {value!r}"
        ) from None


HOME = dateline_home()
VAR_DIR = HOME / "var"


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
DATABASE_SCHEMES = ("postgresql://", "postgres://", "sqlite:///")


def _url(
    name: str,
    default: str | None,
    schemes: tuple[str, ...],
    other: str,
    given: str | None = None,
) -> Any:
    """A URL (given, else from the environment) whose scheme is one we know,
    else one line naming the known ones (a `mysql://` taken for a file name
    would make directories of its password)."""
    value = given or os.environ.get(name) or default
    if value and "://" in value and not value.startswith(schemes):
        raise SystemExit(
            f"dateline: error: {name}: unknown scheme "
            f"'{value.split('://', 1)[0]}://' (known: {', '.join(schemes)}{other})"
        )
    return value


# Unset: the commands start (or reuse) a private redis-server under var/redis.
REDIS_URL = _url("DATELINE_REDIS_URL", None, REDIS_SCHEMES, "")
DATABASE_URL: str = _url(
    "DATELINE_DATABASE_URL",
    str(VAR_DIR / "dateline.sqlite3"),
    DATABASE_SCHEMES,
    ", or a file path for SQLite",
)


def use_urls(redis: str | None = None, database: str | None = None) -> None:
    """`--redis-url` and `--database-url`: as the variables would, for this
    process and those it starts."""
    global REDIS_URL, DATABASE_URL
    if redis:
        REDIS_URL = _url("--redis-url", None, REDIS_SCHEMES, "", redis)
        os.environ["DATELINE_REDIS_URL"] = redis
    if database:
        DATABASE_URL = _url(
            "--database-url", None, DATABASE_SCHEMES, ", or a file path", database
        )
        os.environ["DATELINE_DATABASE_URL"] = database


QUEUE_NAME = os.environ.get("DATELINE_QUEUE") or "ingest"
JOB_TIMEOUT = _int("DATELINE_JOB_TIMEOUT", 180)  # seconds; a job past it is killed
# A finished job's outcome is its record in the database: kept in Redis for an
# hour, as RQ would, it cost about 1 KB a page. Not 0: RQ 3.0 then deletes the job
# at once, and fails it when a stale execution of an abandoned attempt lingers.
RESULT_TTL = _int("DATELINE_RESULT_TTL", 5)
FAILURE_TTL = _int("DATELINE_FAILURE_TTL", 365 * 24 * 3600)  # until someone re-queues
QUEUED_TTL = _int("DATELINE_QUEUED_TTL", 24 * 3600)  # "already queued" marker lifetime
MAINTENANCE_INTERVAL = _int("DATELINE_MAINTENANCE_INTERVAL", 600)  # s, RQ's default
JOB_MONITORING_INTERVAL = _int("DATELINE_JOB_MONITORING_INTERVAL", 5)  # s
WORKER_TTL = _int("DATELINE_WORKER_TTL", 420)  # s, RQ's default
CRAWL_LOCK_TTL = _int("DATELINE_CRAWL_LOCK_TTL", 120)  # s; renewed while crawling
PAGES_PER_JOB = _int("DATELINE_PAGES_PER_JOB", 16)  # RQ's cost per job, shared
MAX_PAGE_BYTES = _int("DATELINE_MAX_PAGE_BYTES", 10 * 1024 * 1024)
MAX_PAGE_ELEMENTS = _int("DATELINE_MAX_PAGE_ELEMENTS", 100_000)
PAGE_CPU_SECONDS = _int("DATELINE_PAGE_CPU_SECONDS", 20)
# A failed job is tried again after each of these delays (seconds), then it goes to
# the failed registry: three attempts by default. Empty: no retries.
RETRY_INTERVALS = tuple(
    int(v)
    for v in (os.environ.get("DATELINE_RETRY_INTERVALS", "30,300")).split(",")
    if v.strip()
)
# Estimated Jaccard of two bodies' 4-word shingles above which one is a near copy.
NEAR_THRESHOLD = _int("DATELINE_NEAR_THRESHOLD_PCT", 40) / 100
