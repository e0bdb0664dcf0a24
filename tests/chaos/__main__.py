"""`make chaos`: faults injected into real processes, each ending with an account.

Every scenario runs on its own redis-server (append-only), SQLite file and demo
site, hands pages to the queue, breaks something, lets the system recover, and
checks that every page handed over is exactly one of: a stored article, a stored
duplicate, no_article, a failed job that can be re-queued, or still queued.

    worker-sigkill    a worker process killed with SIGKILL mid-job
    redis-restart     Redis shut down and restarted while workers run
    twice-at-once     the same page delivered twice, two workers
    poison-payload    a payload that is not a page, among good ones
    redis-down-crawl  Redis gone during a crawl: the crawl fails, nothing marked seen
    db-down           the database unreachable during work: jobs fail, retry, succeed
    db-locked         SQLite locked by another writer past the jobs' timeout
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from redis import Redis
from rq.registry import FailedJobRegistry, StartedJobRegistry
from rq.serializers import JSONSerializer

from dateline.operate import job_urls, queue_status
from dateline.private_redis import free_port
from tests.harness import (
    RedisServer,
    WatchedSite,
    children,
    demo_article_pages,
    demo_sources,
    huge_page,
    serve_watched,
)
from workers import keys
from workers.models import Page
from workers.queueing import IngestQueue, ingest_queue

logger = logging.getLogger(__name__)

EXE = str(Path(sys.executable).parent / "dateline")


class Lab:
    """One scenario's world: Redis, a database, the demo site, the environment."""

    def __init__(self, root: Path, site: WatchedSite) -> None:
        self.root, self.site = root, site
        self.server = RedisServer(root)
        self.url = self.server.url
        self.db = root / "db.sqlite3"
        self.log = root / "work.log"  # what the workers said, shown on a failure
        self.fault_at: float | None = None
        self.recovery: float | None = None  # seconds from the fault to settled
        sources = demo_sources(root / "sources", site.port)
        self.env = {
            **os.environ,
            "DATELINE_REDIS_URL": self.url,
            "DATELINE_DATABASE_URL": str(self.db),
            "DATELINE_SOURCES_DIR": str(sources),
            "DATELINE_RETRY_INTERVALS": "1,2",
            "DATELINE_MAINTENANCE_INTERVAL": "3",
            "DATELINE_JOB_MONITORING_INTERVAL": "2",
            "DATELINE_WORKER_TTL": "20",
        }
        self.start_redis()

    def start_redis(self) -> None:
        self.server.start()  # the same port and append-only file as before
        self.redis = Redis.from_url(self.url)

    def stop_redis(self, save: bool = True) -> None:
        self.server.stop(save=save)

    def pages(self, count: int) -> list[Page]:
        return demo_article_pages(self.site, count)

    def enqueue(self, pages: list[Page]) -> None:
        IngestQueue(self.redis, retry_intervals=(1, 2)).enqueue(pages, force=True)

    def work(self, workers: int = 2, burst: bool = True) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [EXE, "work", "-n", str(workers)] + (["--burst"] if burst else []),
            env=self.env,
            text=True,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log, "a"),  # noqa: SIM115 (the child keeps it)
            start_new_session=True,
        )

    def until_started(self, jobs: int = 1, timeout: float = 60) -> None:
        """Wait until workers have started `jobs` jobs (a fault then hits work
        in progress)."""
        started = StartedJobRegistry(queue=ingest_queue(self.redis, "ingest"))
        deadline = time.monotonic() + timeout
        while started.count < jobs and time.monotonic() < deadline:
            time.sleep(0.01)

    def faulted(self) -> None:
        """From now on the system must recover by itself: a process killed, a
        service back after an outage. The time to recovery counts from here."""
        self.fault_at = time.monotonic()

    def settled(self, timeout: float = 240) -> None:
        """Wait until nothing is queued, running, recovering or retrying, as
        `dateline status` counts them (RQ's intermediate list included)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = queue_status(self.redis, "ingest")
            busy = sum(status[k] for k in ("queued", "in_progress", "retrying"))
            if not busy:
                if self.fault_at is not None:
                    self.recovery = time.monotonic() - self.fault_at
                return
            time.sleep(0.5)
        raise RuntimeError("the queue did not settle")

    def account(self, urls: set[str]) -> dict[str, int]:
        """Where each page handed to the queue ended up; `lost` must be 0."""
        db = sqlite3.connect(self.db) if self.db.exists() else None
        where: dict[str, list[str]] = {u: [] for u in urls}
        if db is not None:
            for url, kind in db.execute("SELECT url, dup_kind FROM articles"):
                if url in where:
                    where[url].append("duplicate" if kind else "article")
            for url, outcome in db.execute("SELECT url, outcome FROM pages"):
                if url in where:
                    where[url].append(outcome)
        queue = ingest_queue(self.redis, "ingest")
        for registry, label in (
            (FailedJobRegistry(queue=queue), "failed"),
            (queue, "queued"),
        ):
            ids = registry.get_job_ids()
            for job in queue.job_class.fetch_many(
                ids, connection=self.redis, serializer=JSONSerializer
            ):
                for url in job_urls(job) if job else []:
                    if url in where:
                        where[url].append(label)
        counts = {
            "in": len(urls),
            "article": 0,
            "duplicate": 0,
            "no_article": 0,
            "failed": 0,
            "queued": 0,
            "twice": 0,
            "lost": 0,
        }
        for url, places in where.items():
            if not places:
                counts["lost"] += 1
            elif len(places) > 1:
                counts["twice"] += 1
                logger.warning("%s: found %d times: %s", url, len(places), places)
            else:
                counts[places[0]] = counts.get(places[0], 0) + 1
        return counts


def _kill_group(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> None:
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    proc.wait(timeout=120)


def worker_sigkill(lab: Lab) -> set[str]:
    pages = lab.pages(40)
    lab.enqueue(pages)
    proc = lab.work(2, burst=False)
    lab.until_started()
    victim = children(proc.pid)[0]  # one worker process (and anything it started)
    lab.faulted()
    for pid in [*children(victim), victim]:
        os.kill(pid, signal.SIGKILL)
    lab.settled()
    _kill_group(proc)
    return {p.url for p in pages}


def dequeued_not_started(lab: Lab) -> set[str]:
    """A worker SIGKILLed between RQ's dequeue (the job moved to the intermediate
    list) and its start: the job is left where only a recovery pass finds it."""
    pages = lab.pages(20)
    lab.enqueue(pages)
    queue = ingest_queue(lab.redis, "ingest")
    job_id = queue.get_job_ids()[0]
    lab.redis.lrem(queue.key, 1, job_id)
    lab.redis.rpush(queue.key + ":intermediate", job_id)
    proc = lab.work(2, burst=False)
    lab.faulted()
    lab.settled()
    _kill_group(proc)
    return {p.url for p in pages}


def four_workers_killed(lab: Lab) -> set[str]:
    """Every worker SIGKILLed together mid-run: `dateline work` starts others, and
    what the dead held comes back through recovery."""
    pages = lab.pages(80)
    lab.enqueue(pages)
    proc = lab.work(4, burst=False)
    lab.until_started(2)
    lab.faulted()
    for worker in children(proc.pid):
        for pid in [*children(worker), worker]:
            os.kill(pid, signal.SIGKILL)
    lab.settled()
    _kill_group(proc)
    return {p.url for p in pages}


def redis_restart(lab: Lab) -> set[str]:
    pages = lab.pages(40)
    lab.enqueue(pages)
    proc = lab.work(2)
    time.sleep(0.5)
    lab.stop_redis(save=True)  # append-only file: the queue survives the restart
    _kill_group(proc, signal.SIGKILL)
    lab.start_redis()
    drain = lab.work(2, burst=False)
    lab.faulted()
    lab.settled()
    _kill_group(drain)
    return {p.url for p in pages}


def redis_sigkill(lab: Lab) -> set[str]:
    """Redis SIGKILLed (not stopped) mid-run and started again on its port two
    seconds later: the same `dateline work` waits for it and carries on."""
    pages = lab.pages(120)
    lab.enqueue(pages)
    proc = lab.work(2, burst=False)
    lab.until_started()
    time.sleep(0.2)
    assert lab.server.proc is not None
    lab.server.proc.kill()  # what the append-only file holds survives
    lab.server.proc.wait(timeout=30)
    lab.server.proc = None
    time.sleep(2)
    lab.start_redis()
    lab.faulted()
    lab.settled()
    alive = proc.poll() is None
    _kill_group(proc)
    if not alive:
        raise RuntimeError("dateline work exited when Redis went away")
    return {p.url for p in pages}


def page_over_budget(lab: Lab) -> set[str]:
    """A page of 200,000 <p> elements in a job of 16: it is recorded as too_large
    with its cause, and the other fifteen are stored (before the page budget, the
    whole job went past its timeout three times and failed)."""
    pages = lab.pages(15)
    huge = huge_page(pages[0])
    lab.enqueue([*pages[:8], huge, *pages[8:]])
    lab.faulted()
    lab.work(2).wait(timeout=300)
    lab.settled()
    return {p.url for p in [*pages, huge]}


def truncated_archive(lab: Lab) -> set[str]:
    """A .warc.gz cut short mid-record: `ingest` names the cut record by its
    offset and exits 1; every whole record before it is queued and stored."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = lab.pages(10)
    path = Path(tempfile.mkdtemp()) / "cut.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for page in pages:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    page.url,
                    "response",
                    payload=BytesIO(page.body),
                    http_headers=headers,
                )
            )
    path.write_bytes(path.read_bytes()[:-300])
    ingest = subprocess.run(
        [EXE, "ingest", str(path), "--source", pages[0].source_id],
        env=lab.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if ingest.returncode != 1 or "record cut short" not in ingest.stderr:
        raise RuntimeError(f"ingest of a cut archive: {ingest.stderr.strip()}")
    lab.faulted()
    lab.work(2).wait(timeout=300)
    lab.settled()
    return {p.url for p in pages[:-1]}


def db_locked(lab: Lab) -> set[str]:
    """The SQLite database held by another writer's transaction for 12 s, taken
    while the workers extract, past the 4 s timeout of the jobs that then wait
    on it: they run out their time, retry, and every page is stored once the
    lock goes."""
    subprocess.run([EXE, "db", "upgrade"], env=lab.env, check=True, capture_output=True)
    pages = lab.pages(48)
    IngestQueue(lab.redis, job_timeout=4, retry_intervals=(1, 2)).enqueue(
        pages, force=True
    )
    proc = lab.work(2, burst=False)
    lab.until_started()
    holder = sqlite3.connect(lab.db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        time.sleep(12)
    finally:
        holder.rollback()
        holder.close()
    lab.faulted()
    lab.settled()
    _kill_group(proc)
    return {p.url for p in pages}


def twice_at_once(lab: Lab) -> set[str]:
    pages = lab.pages(10)
    lab.enqueue(pages)
    lab.enqueue(pages)
    lab.work(2).wait(timeout=300)
    return {p.url for p in pages}


def poison_payload(lab: Lab) -> set[str]:
    pages = lab.pages(10)
    queue = ingest_queue(lab.redis, "ingest")
    queue.enqueue(
        "workers.jobs.ingest_pages",
        {"schema": 1, "url": "poison://x"},
        meta={"url": "poison://x"},
    )
    lab.enqueue(pages)
    lab.work(2).wait(timeout=300)
    return {p.url for p in pages} | {"poison://x"}


def redis_down_crawl(lab: Lab) -> set[str]:
    lab.site.delay = 0.05
    try:
        crawl = subprocess.Popen(
            [EXE, "crawl", "demo-courier", "demo-ledger"],
            env=lab.env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while (
            queue_status(lab.redis, "ingest")["queued"] < 5
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)  # some pages are queued, more are on their way
        lab.stop_redis(save=True)
        out, err = crawl.communicate(timeout=300)
    finally:
        lab.site.delay = 0.0
    lab.start_redis()
    queued = ingest_queue(lab.redis, "ingest")
    urls = {u for job in queued.jobs for u in job_urls(job)}
    marked = lab.redis.zcard(keys.RECORDED_URLS)
    said = (err.strip().splitlines() or ["(nothing)"])[-1]
    print(
        f"    crawl exit {crawl.returncode}: {said[:110]}\n"
        f"    URLs marked recorded without a record: {marked}"
    )
    if crawl.returncode == 0 or marked or not urls:
        raise AssertionError(
            "the crawl should queue pages, then fail and mark nothing as recorded"
        )
    return {u for u in urls if u}


@contextmanager
def _proxy(target_port: int) -> Iterator[tuple[int, Callable[[bool], None]]]:
    """A TCP proxy to the database whose link can be cut and restored."""
    listener = socket.create_server(("127.0.0.1", 0))
    state = {"up": True, "port": listener.getsockname()[1], "conns": []}

    def pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with suppress(OSError):
                    s.close()

    def serve() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if not state["up"]:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", target_port))
            state["conns"].extend([client, upstream])  # type: ignore[union-attr]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=(a, b), daemon=True).start()

    def switch(up: bool) -> None:
        state["up"] = up
        if not up:
            for conn in state["conns"]:  # type: ignore[union-attr]
                with suppress(OSError):
                    conn.close()
            state["conns"] = []

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield int(state["port"]), switch  # type: ignore[call-overload]
    finally:
        listener.close()


def db_down(lab: Lab) -> set[str]:
    """PostgreSQL behind a proxy that is cut mid-run, then restored."""
    import psycopg

    base = os.environ.get(
        "DATELINE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
    )
    schema = f"dateline_chaos_{os.getpid()}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.execute(f"CREATE SCHEMA {schema}")
    pages = lab.pages(30)
    try:
        with _proxy(5432) as (port, switch):
            url = (
                f"postgresql://postgres@127.0.0.1:{port}/test"
                f"?options=-csearch_path%3D{schema}"
            )
            lab.env["DATELINE_DATABASE_URL"] = url
            subprocess.run(
                [EXE, "db", "upgrade"], env=lab.env, check=True, capture_output=True
            )
            lab.enqueue(pages)
            proc = lab.work(2, burst=False)
            time.sleep(0.4)
            switch(False)
            time.sleep(2)
            switch(True)
            lab.faulted()
            lab.settled()
            _kill_group(proc)
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f"SET search_path = {schema}")
            rows = admin.execute("SELECT url, dup_kind FROM articles").fetchall()
            nothing = admin.execute("SELECT url FROM pages").fetchall()
        export = lab.root / "db.sqlite3"  # account from a copy in the lab's format
        copy = sqlite3.connect(export)
        copy.execute("CREATE TABLE articles (url TEXT, dup_kind TEXT)")
        copy.execute("CREATE TABLE pages (url TEXT, outcome TEXT)")
        copy.executemany("INSERT INTO articles VALUES (?, ?)", rows)
        copy.executemany("INSERT INTO pages VALUES (?, 'no_article')", nothing)
        copy.commit()
        lab.db = export
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    return {p.url for p in pages}


SCENARIOS: dict[str, Callable[[Lab], set[str]]] = {
    "twice-at-once": twice_at_once,
    "poison-payload": poison_payload,
    "worker-sigkill": worker_sigkill,
    "dequeued-not-started": dequeued_not_started,
    "four-workers-killed": four_workers_killed,
    "redis-restart": redis_restart,
    "redis-sigkill": redis_sigkill,
    "redis-down-crawl": redis_down_crawl,
    "page-over-budget": page_over_budget,
    "truncated-archive": truncated_archive,
    "db-down": db_down,
    "db-locked": db_locked,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help="some of: " + ", ".join(SCENARIOS) + " (default: all)",
    )
    parser.add_argument(
        "--load",
        type=int,
        default=0,
        metavar="N",
        help="N processes burning CPU beside the run, as on a busy machine",
    )
    parser.add_argument(
        "--runs", type=int, default=1, metavar="N", help="every scenario N times"
    )
    args = parser.parse_args(argv)
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"no such scenario: {', '.join(sorted(unknown))}")
    burners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(args.load)
    ]
    try:
        failures = 0
        for run in range(1, args.runs + 1):
            started = time.monotonic()
            failed = _run_all(args.scenarios or list(SCENARIOS))
            failures += failed
            print(
                json.dumps(
                    {
                        "run": run,
                        "scenarios": len(args.scenarios or SCENARIOS),
                        "failed": failed,
                        "load": args.load,
                        "seconds": round(time.monotonic() - started),
                    }
                ),
                flush=True,
            )
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    return 1 if failures else 0


def _run_all(names: list[str]) -> int:
    """Every scenario named, each in its own lab; how many failed."""
    port = free_port()
    site = WatchedSite(f"http://127.0.0.1:{port}")
    server = serve_watched(site, port)
    failures = 0
    for name in names:
        with tempfile.TemporaryDirectory(prefix=f"dateline-chaos-{name}-") as tmp:
            lab = Lab(Path(tmp), site)
            started = time.monotonic()
            try:
                urls = SCENARIOS[name](lab)
                counts = lab.account(urls)
                ok = counts["lost"] == 0 and counts["twice"] == 0
            except Exception as exc:  # noqa: BLE001 (report and go on to the next)
                counts, ok = {"error": str(exc)}, False  # type: ignore[dict-item]
            finally:
                lab.stop_redis(save=False)
            failures += not ok
            shown = " ".join(f"{k}={v}" for k, v in counts.items())
            recovery = (
                f"recovered in {lab.recovery:.1f} s, "
                if lab.recovery is not None
                else ""
            )
            print(
                f"{'ok  ' if ok else 'FAIL'} {name:<20} {shown} "
                f"({recovery}{time.monotonic() - started:.0f} s in all)",
                flush=True,
            )
            if not ok and lab.log.exists():
                for line in lab.log.read_text().splitlines()[-15:]:
                    print(f"    | {line[:160]}")
    server.shutdown()
    return failures


if __name__ == "__main__":
    sys.exit(main())
