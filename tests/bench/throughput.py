"""`make bench`: Dateline's throughput on real pages against the extraction
ceiling, SQLite and PostgreSQL, measured in one run.

The pages of ../shared/eval (aeb, trafilatura, dates and newspaper: real pages
written by others; PAGES=DIR for a folder of your own, GENERATED=1 for the
generated template pages) are served on 127.0.0.1 and measured as:

- per stage: trafilatura alone (the reference) and each Dateline stage, median
  ms a page, in-process (`tests/bench/stages.py`);
- the crawler alone: pages fetched and enqueued per second, no workers running;
- the ceiling: `--workers` processes doing nothing but the workers' stage chain
  (extract, normalize, fingerprint), forked by a fresh process after the set-up
  `dateline work` does (`tests/bench/ceiling.py`);
- end to end: `dateline crawl` and `dateline work` as a user runs them, with a
  private Redis, on SQLite and on PostgreSQL in turn, from the first request to
  the last record; each process's CPU from then on (the workers' and the
  ceiling's set-up is outside too; the crawl's start-up is shown apart). The
  machine is shared and its speed drifts, so ceiling and end-to-end runs
  alternate (C E C E ... C), five runs a backend, and each end-to-end run is
  set against the ceilings just before and just after it; the median of those
  ratios per backend is reported with its spread, and CPU seconds per page
  beside wall time, so no one or two noisy runs can pass or fail the target;
- the shared parts: Redis CPU and commands per page, PostgreSQL CPU (its local
  server processes) and WAL bytes per page, from the end-to-end runs.

The last line is `e2e/ceiling=R.RR`, the lower of the SQLite and PostgreSQL
medians; the exit code is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from redis import Redis
from rq import Worker
from rq.registry import StartedJobRegistry

from dateline.logs import quiet_dateutil
from dateline.operate import queue_status
from dateline.private_redis import free_port
from tests.bench.ceiling import children_cpu
from tests.bench.site import BenchSite, serve_fast
from tests.bench.stages import stage_medians
from tests.harness import children, start_redis
from workers.queueing import ingest_queue

EXE = str(Path(sys.executable).parent / "dateline")
POSTGRES_URL = os.environ.get(
    "DATELINE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
SCHEMA = "dateline_bench"
SHARED_SETS = ("aeb/html", "trafilatura/pages", "dates/pages", "newspaper/html")
TARGETS = (  # (name, figure key, at least / at most, bound)
    ("end to end / ceiling, SQLite median", "ratio_sqlite", ">=", 0.90),
    ("end to end / ceiling, PostgreSQL median", "ratio_postgres", ">=", 0.90),
    ("crawler alone, pages/s", "crawl_rate", ">=", 300),
    ("peak worker RSS, MB", "worker_rss", "<=", 400),
    # the queue's marks and what else a page leaves; the dedupe index is
    # bench-dedupe's (its 4,096 buckets a band cost a small index more a page)
    (
        "Redis per stored article beside the index, bytes",
        "redis_per_article",
        "<=",
        2048,
    ),
)


def main(argv: list[str] | None = None) -> int:
    quiet_dateutil()  # as `dateline` is (the in-process stage medians)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", default=os.environ.get("PAGES") or None)
    parser.add_argument("--shared", default=os.environ.get("SHARED") or "../shared")
    parser.add_argument(
        "--generated", action="store_true", default=bool(os.environ.get("GENERATED"))
    )
    parser.add_argument("--count", type=int, default=0, help="pages (0: every page)")
    parser.add_argument("--db", default=os.environ.get("DB") or "sqlite,postgres")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5, help="runs per backend")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dateline-bench-") as tmp:
        return _run(args, Path(tmp))


def _folders(args: argparse.Namespace) -> list[Path] | None:
    if args.generated:
        return None
    if args.pages:
        return [Path(p).resolve() for p in args.pages.split(",")]
    shared = Path(args.shared) / "eval"
    if not shared.is_dir():
        raise SystemExit(
            f"make bench: no {shared} here (the real pages it serves); put the "
            "shared folder beside the repo, or give PAGES=DIR or GENERATED=1"
        )
    return [shared / name for name in SHARED_SETS]


def _run(args: argparse.Namespace, tmp: Path) -> int:
    port = free_port()
    folders = _folders(args)
    site = BenchSite(
        f"http://127.0.0.1:{port}", args.count or (0 if folders else 2000), folders
    )
    server, first_request = serve_fast(site, "127.0.0.1", port)
    redis_server = start_redis(tmp / "redis")
    redis_url = redis_server.url
    backends = [b.strip() for b in args.db.split(",") if b.strip()]
    try:
        envs = {db: _environment(tmp, site, redis_url, db) for db in backends}
        print(
            f"{len(site.articles)} pages ({_mean_kb(site)} KB on average), "
            f"{args.workers} workers, {', '.join(backends)}; measuring...",
            file=sys.stderr,
        )
        first = envs[backends[0]]
        figures: dict[str, Any] = {"pages": len(site.articles), "backends": backends}
        figures["stages"] = stage_medians(
            site, redis_url, first["DATELINE_DATABASE_URL"]
        )
        _reset(redis_url, backends[0], first)
        figures["crawl_rate"] = _crawl_alone(first)
        ceiling_site = ["--base", site.base, "--count", str(args.count)]
        if folders:
            ceiling_site += ["--folders", ",".join(map(str, folders))]
        ceilings, runs = [_ceiling(ceiling_site, args.workers)], []
        for _ in range(args.rounds):
            for db in backends:
                _reset(redis_url, db, envs[db])
                run = _end_to_end(
                    envs[db], site, redis_url, args.workers, first_request, server.pid
                )
                runs.append({**run, "db": db})
                ceilings.append(_ceiling(ceiling_site, args.workers))
                print(f"  {_run_line(runs[-1], ceilings[-2:])}", file=sys.stderr)
    finally:
        server.terminate()
        redis_server.stop()
    for i, run in enumerate(runs):
        run["ceiling"] = (ceilings[i]["rate"] + ceilings[i + 1]["rate"]) / 2
        run["ratio"] = run["e2e_rate"] / run["ceiling"]
    figures.update(runs=runs, ceilings=ceilings)
    for db in backends:
        mine = [r for r in runs if r["db"] == db]
        figures[f"ratio_{db}"] = statistics.median(r["ratio"] for r in mine)
    figures["worker_rss"] = max(r["worker_rss"] for r in runs)
    figures["redis_per_article"] = max(r["redis_per_article"] for r in runs)
    figures["failed"] = sum(r["failed"] for r in runs)
    figures["ratio"] = min(figures[f"ratio_{db}"] for db in backends)
    return _report(figures, args)


def _run_line(run: dict[str, Any], around: list[dict[str, float]]) -> str:
    ceiling = (around[0]["rate"] + around[1]["rate"]) / 2
    return (
        f"{run['db']}: {run['e2e_rate']:.1f} pages/s against a ceiling of "
        f"{ceiling:.1f} ({run['e2e_rate'] / ceiling:.2f}), "
        f"{run['cpu_per_page'] * 1000:.0f} ms CPU a page"
    )


def _environment(tmp: Path, site: BenchSite, redis_url: str, db: str) -> dict[str, str]:
    sources = tmp / "sources"
    sources.mkdir(exist_ok=True)
    (sources / "bench.toml").write_text(
        f"""name = "The Bench Times"
homepage = "{site.base}/bench/"
allowed_domains = ["127.0.0.1"]
languages = ["en"]
timezone = "UTC"
sitemaps = ["{site.base}/bench/sitemap.xml"]
max_age_days = 2
enabled = false
allow_private_hosts = true

[articles]
allow = ['/bench/']
deny = ['sitemap']

[limits]
max_pages = {len(site.articles) + 10}
concurrency_per_host = 16
download_delay = 0
"""
    )
    if db == "postgres":
        database = _postgres_schema()
    elif db == "sqlite":
        database = str(tmp / "home" / "bench.sqlite3")
    else:
        raise SystemExit(f"DB={db}: expected sqlite, postgres or both")
    return {
        **os.environ,
        "DATELINE_HOME": str(tmp / "home"),
        "DATELINE_REDIS_URL": redis_url,
        "DATELINE_DATABASE_URL": database,
        "DATELINE_SOURCES_DIR": str(sources),
    }


def _postgres_schema() -> str:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.execute(f"CREATE SCHEMA {SCHEMA}")
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{SCHEMA}"


def _reset(redis_url: str, db: str, env: dict[str, str]) -> None:
    Redis.from_url(redis_url).flushall()
    if db == "postgres":
        _postgres_schema()
        return
    for suffix in ("", "-wal", "-shm"):
        Path(env["DATELINE_DATABASE_URL"] + suffix).unlink(missing_ok=True)


def _ceiling(site_argv: list[str], workers: int) -> dict[str, float]:
    """Pages/s, and CPU s a page, of `workers` processes doing nothing but
    extract and normalize, forked by a fresh process (`tests/bench/ceiling.py`)."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.ceiling", *site_argv,
         "--workers", str(workers)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _crawl_alone(env: dict[str, str]) -> float:
    """Pages fetched and enqueued per second, by the crawl's own clock."""
    done = subprocess.run(
        [EXE, "crawl", "bench", "--json"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    return float(summary["enqueued"]) / float(summary["elapsed"])


def _end_to_end(
    env: dict[str, str],
    site: BenchSite,
    redis_url: str,
    workers: int,
    first_request: Any,
    site_pid: int,
) -> dict[str, Any]:
    """One end-to-end run; the shared parts' costs include the bench site's
    CPU (serving the pages, as the publishers' servers would)."""
    redis = Redis.from_url(redis_url)
    database = env["DATELINE_DATABASE_URL"]
    work = subprocess.Popen(
        [EXE, "work", "-n", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while Worker.count(connection=redis) < workers:  # warm, registered
            time.sleep(0.1)
        baseline = int(redis.info("memory")["used_memory"])
        shared = _shared_parts(redis, database, site_pid)
        work_cpu, crawl_cpu = _tree_cpu(work.pid), children_cpu()
        first_request.value = 0.0
        crawl = subprocess.Popen(
            [EXE, "crawl", "bench"], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        queue = ingest_queue(redis, "ingest")
        while not first_request.value and crawl.poll() is None:
            time.sleep(0.01)
        # the crawl's start-up (imports, Scrapy's set-up) is outside the window,
        # as the workers' and the ceiling's are: counted apart
        crawl_startup = _proc_cpu(crawl.pid)
        while True:  # cheap checks: the harness must not eat the workers' CPU
            time.sleep(0.1)
            if crawl.poll() is None or queue.count:
                continue
            if not StartedJobRegistry(queue=queue).count:
                finished = time.monotonic()
                break
        # the crawl has ended: reaped
        crawl_cpu = children_cpu() - crawl_cpu - crawl_startup
        work_cpu = _tree_cpu(work.pid) - work_cpu
        after = _shared_parts(redis, database, site_pid)
        shared = {k: v - shared[k] for k, v in after.items()}
        status = queue_status(redis, "ingest")
        elapsed = finished - first_request.value
        rss = [_peak_rss_mb(pid) for pid in children(work.pid)]
        stored = _stored(database)
        used = int(redis.info("memory")["used_memory"]) - baseline
        index = _index_bytes(redis)
    finally:
        work.send_signal(signal.SIGTERM)
        work.wait(timeout=120)
    pages = len(site.articles)
    return {
        "e2e_rate": pages / elapsed,
        "e2e_seconds": elapsed,
        "cpu_per_page": (work_cpu + crawl_cpu) / pages,
        "crawl_cpu_per_page": crawl_cpu / pages,
        "crawl_startup_cpu": crawl_startup,
        **{f"{k}_per_page": v / pages for k, v in shared.items()},
        "failed": status["failed"],
        "worker_rss_each": rss,
        "worker_rss": max(rss),
        "stored": stored,
        "redis_per_article": (used - index) / max(stored, 1),
        "index_per_article": index / max(stored, 1),
    }


def _index_bytes(redis: Redis) -> int:
    """The dedupe index's memory, key by key (MEMORY USAGE, in pipelines)."""
    from workers import keys

    total = 0
    names = list(redis.scan_iter(match=keys.DEDUPE_ALL, count=1000))
    for start in range(0, len(names), 1000):
        pipe = redis.pipeline(transaction=False)
        for name in names[start : start + 1000]:
            pipe.memory_usage(name, samples=0)
        total += sum(n or 0 for n in pipe.execute())
    return total


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children so far, with what their own
    ended children used (RQ's work-horses)."""
    return sum(_proc_cpu(p) for p in (pid, *children(pid)))


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # ended meanwhile
        return 0.0
    # utime, stime, cutime, cstime: fields 14-17 of proc(5), after the name
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _shared_parts(redis: Redis, database: str, site_pid: int) -> dict[str, float]:
    """What the shared parts have done so far: Redis's CPU seconds and
    commands; PostgreSQL's CPU seconds (every local server process, with the
    backends that ended) and WAL bytes written; the bench site's CPU seconds."""
    cpu = redis.info("cpu")
    found = {
        "site_cpu": _proc_cpu(site_pid),
        "redis_cpu": float(cpu["used_cpu_sys"]) + float(cpu["used_cpu_user"]),
        "redis_commands": float(redis.info("stats")["total_commands_processed"]),
    }
    if database.startswith("postgresql"):
        import psycopg

        with psycopg.connect(database, connect_timeout=5) as conn:
            row = conn.execute(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')"
            ).fetchone()
        found["pg_wal_bytes"] = float(row[0]) if row else 0.0
        found["pg_cpu"] = sum(
            _proc_cpu(int(p.name))
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _comm(p) == "postgres"
        )
    return found


def _comm(proc: Path) -> str:
    try:
        return (proc / "comm").read_text().strip()
    except OSError:
        return ""


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _stored(database_url: str) -> int:
    from workers.store import open_store

    store = open_store(database_url)
    try:
        return int(store.counts()["articles"])
    finally:
        store.close()


def _mean_kb(site: BenchSite) -> int:
    return (
        sum(len(site.pages[p][1]) for p in site.articles) // len(site.articles) // 1024
    )


def _report(figures: dict[str, Any], args: argparse.Namespace) -> int:
    ceilings, runs = figures["ceilings"], figures["runs"]
    ceiling_cpu = statistics.median(c["cpu_per_page"] for c in ceilings)
    rows: list[tuple[str, Any]] = [
        *((f"median ms a page: {k}", v) for k, v in figures["stages"].items()),
        ("crawler alone: fetched and enqueued, pages/s", figures["crawl_rate"]),
        (
            f"ceiling: {args.workers} processes, extract + normalize, pages/s",
            statistics.median(c["rate"] for c in ceilings),
        ),
        ("  each time measured", " ".join(f"{c['rate']:.1f}" for c in ceilings)),
        ("  CPU ms a page (median)", ceiling_cpu * 1000),
    ]
    for db in figures["backends"]:
        mine = [r for r in runs if r["db"] == db]
        ratios = [r["ratio"] for r in mine]
        worker_cpu = statistics.median(
            r["cpu_per_page"] - r["crawl_cpu_per_page"] for r in mine
        )
        all_ms = statistics.median(r["cpu_per_page"] for r in mine) * 1000
        crawl_ms = statistics.median(r["crawl_cpu_per_page"] for r in mine) * 1000
        rows += [
            (
                f"end to end on {db}: crawl, queue, {args.workers} workers, "
                "dedupe, store, pages/s",
                statistics.median(r["e2e_rate"] for r in mine),
            ),
            ("  / ceiling, each run", " ".join(f"{x:.2f}" for x in ratios)),
            (
                "  / ceiling, median (spread)",
                f"{statistics.median(ratios):.2f} "
                f"({min(ratios):.2f}-{max(ratios):.2f})",
            ),
            (
                "  CPU ms a page: all / crawler's share",
                f"{all_ms:.0f} / {crawl_ms:.0f}",
            ),
            (
                "  the crawl's start-up before its first request, CPU s",
                statistics.median(r["crawl_startup_cpu"] for r in mine),
            ),
            *_shared_rows(mine, worker_cpu),
            (
                "  the bench site's CPU ms a page (the publishers' servers)",
                statistics.median(r["site_cpu_per_page"] for r in mine) * 1000,
            ),
            (
                "  ceiling's CPU a page / end to end's, every process",
                ceiling_cpu / statistics.median(_every_process(r) for r in mine),
            ),
            *_gap_rows(mine, ceiling_cpu, worker_cpu),
        ]
    rows += [
        *(
            (f"peak RSS of worker {i + 1}, MB", v)
            for i, v in enumerate(runs[-1]["worker_rss_each"])
        ),
        (
            "Redis per stored article after the drain, bytes: the index",
            runs[-1]["index_per_article"],
        ),
        ("  and the rest (the queue's marks)", figures["redis_per_article"]),
        (
            "records stored / failed pages (last run)",
            f"{runs[-1]['stored']} / {figures['failed']}",
        ),
    ]
    print(f"{figures['pages']} real pages" if not args.generated else "generated pages")
    print(f"{'measure':<60} {'figure':>16}")
    for name, value in rows:
        shown = f"{value:16.2f}" if isinstance(value, float) else f"{value:>16}"
        print(f"{name:<60} {shown}")
    missed = []
    for name, key, op, bound in TARGETS:
        if key not in figures:
            continue
        value = figures[key]
        if not (value >= bound if op == ">=" else value <= bound):
            missed.append(f"{name}: {value:.2f}, target {op} {bound}")
    for line in missed:
        print(f"MISSED {line}", file=sys.stderr)
    print(f"e2e/ceiling={figures['ratio']:.2f}")
    return 1 if missed or figures["failed"] else 0


def _every_process(run: dict[str, Any]) -> float:
    """CPU seconds a page of an end-to-end run: crawler, workers, Redis,
    PostgreSQL when it ran, the bench site."""
    return float(
        run["cpu_per_page"]
        + run["redis_cpu_per_page"]
        + run.get("pg_cpu_per_page", 0.0)
        + run["site_cpu_per_page"]
    )


def _gap_rows(
    mine: list[dict[str, Any]], ceiling_cpu: float, worker_cpu: float
) -> list[Any]:
    """Where the gap to the ceiling goes, in CPU a page: what the workers spend
    beyond the ceiling's stage chain (the dedupe signing, the store's writes,
    RQ), and the bound the other processes on the same cores set, were the
    workers to add nothing and no core ever idle."""
    others = statistics.median(_every_process(r) - r["cpu_per_page"] for r in mine)
    crawler = statistics.median(r["crawl_cpu_per_page"] for r in mine)
    return [
        (
            "  workers' CPU ms a page beyond the ceiling's",
            (worker_cpu - ceiling_cpu) * 1000,
        ),
        (
            "  / ceiling at most, the crawler and the shared parts alone",
            ceiling_cpu / (ceiling_cpu + crawler + others),
        ),
    ]


def _shared_rows(mine: list[dict[str, Any]], worker_cpu: float) -> list[Any]:
    """The shared services' cost a page, and how many worker cores one core of
    each keeps busy (a worker's CPU a page over the service's)."""

    def median(key: str) -> float:
        return statistics.median(r[key] for r in mine)

    rows: list[Any] = [
        ("  Redis: CPU ms a page", median("redis_cpu_per_page") * 1000),
        ("  Redis: commands a page", median("redis_commands_per_page")),
        (
            "  Redis: worker cores one Redis core serves",
            worker_cpu / max(median("redis_cpu_per_page"), 1e-9),
        ),
    ]
    if "pg_cpu_per_page" in mine[0]:
        rows += [
            ("  PostgreSQL: CPU ms a page", median("pg_cpu_per_page") * 1000),
            ("  PostgreSQL: WAL bytes a page", median("pg_wal_bytes_per_page")),
            (
                "  PostgreSQL: worker cores one PostgreSQL core serves",
                worker_cpu / max(median("pg_cpu_per_page"), 1e-9),
            ),
        ]
    return rows


if __name__ == "__main__":
    sys.exit(main())
