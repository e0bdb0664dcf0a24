"""Shared fixtures: a private redis-server, the demo site on a free port, and an
environment that points the `dateline` command at both.

Everything is real: a redis-server process (flushed between tests), SQLite files
in a temporary directory, the demo site served over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis import Redis

from dateline.demo.site import Site
from dateline.private_redis import free_port
from tests.harness import (
    WatchedSite,
    demo_sources,
    run_dateline,
    serve_watched,
    start_redis,
)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = start_redis(tmp_path_factory.mktemp("redis"))
    yield server.url
    server.stop()


@pytest.fixture
def redis(redis_url: str) -> Iterator[Redis]:
    client = Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture(scope="session")
def demo_site() -> Iterator[WatchedSite]:
    port = free_port()
    site = WatchedSite(f"http://127.0.0.1:{port}")
    server = serve_watched(site, port)
    yield site
    server.shutdown()


@pytest.fixture
def sources_dir(tmp_path: Path, demo_site: Site) -> Path:
    """The shipped demo source files, pointed at the test's demo site port."""
    return demo_sources(tmp_path / "sources", demo_site.port)


@pytest.fixture
def dateline_env(
    tmp_path: Path,
    redis: Redis,
    redis_url: str,
    sources_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:
    """Environment for `dateline` subprocesses and in-process jobs of one test."""
    env = {
        "DATELINE_HOME": str(tmp_path / "home"),
        "DATELINE_REDIS_URL": redis_url,
        "DATELINE_DATABASE_URL": str(tmp_path / "home" / "dateline.sqlite3"),
        "DATELINE_SOURCES_DIR": str(sources_dir),
        "DATELINE_RETRY_INTERVALS": "0,0",  # three attempts, without waiting
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from workers import settings

    monkeypatch.setattr(settings, "DATABASE_URL", env["DATELINE_DATABASE_URL"])
    monkeypatch.setattr(settings, "REDIS_URL", redis_url)
    monkeypatch.setattr(settings, "RETRY_INTERVALS", (0, 0))
    return {**os.environ, **env}


@pytest.fixture
def run(dateline_env: dict[str, str]) -> Any:
    def runner(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return run_dateline(dateline_env, *args, **kwargs)

    return runner


POSTGRES_URL = os.environ.get(
    "DATELINE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema in the test PostgreSQL, as a URL; dropped afterwards.

    Skips when no server answers, unless DATELINE_REQUIRE_POSTGRES is set (CI),
    where a skip would hide a backend that was never tested.
    """
    import uuid

    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        if os.environ.get("DATELINE_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL required but unreachable at {POSTGRES_URL}: {exc}")
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}")
    schema = f"dateline_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    admin.execute(f"DROP SCHEMA {schema} CASCADE")
    admin.close()


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test runs on both backends."""
    if request.param == "sqlite":
        return str(tmp_path / "db.sqlite3")
    return str(request.getfixturevalue("postgres_url"))
