"""`make bench-scale`: how the cost grows with the store (issue 17, point 4).

The dedupe index, then a store (SQLite, and PostgreSQL when one answers), are filled
with synthetic records to each size (10^4, 10^5, 10^6 by default: `--sizes`),
through the store's own write path (its full-text index and all), one in five
records a copy in a cluster of up to five. At each size, in one run: `status`
and `status --json` (the command, as a user runs it), `export` records per second
(JSON lines and Parquet), `clusters --min-size 3`, the database's bytes per
record, and a dedupe decision's median and p99 with Redis's bytes per article.
Then the ratios of the largest size to the smallest against the targets. Prints
its table and exits 0 whether or not a target is met (the table says which).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from redis import Redis

from tests.harness import BIN, RedisServer
from workers.dedupe import normalized_text
from workers.dedupe_index import DedupeIndex, text_signature
from workers.models import Credits, Dateline, NormalizedArticle, StoredArticle
from workers.store import open_store

POSTGRES_URL = os.environ.get(
    "DATELINE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
SCHEMA = "dateline_bench_scale"
TARGETS = {  # largest size / smallest, in one run
    "status --json s": ("<=", 2.0),
    "clusters s": ("<=", 2.0),
    "decision median ms": ("<=", 2.0),
    "export records/s": (">=", 0.8),
    "db bytes/record": ("<=", 1.1),
    "redis bytes/article": ("<=", 1.1),
}
WORDS = [hashlib.md5(str(i).encode()).hexdigest()[:7] for i in range(5000)]
BASE = datetime(2024, 3, 1, tzinfo=UTC)
REVISION = ("article_id", "content_hash", "title", "text", "fetched_at", "stored_at")


def record(n: int, rng: random.Random, originals: list[str]) -> StoredArticle:
    copy_of = originals[rng.randrange(len(originals))] if originals and (
        rng.random() < 0.2
    ) else None  # fmt: skip
    text = " ".join(rng.choices(WORDS, k=60))
    article_id = hashlib.blake2b(f"a{n}".encode(), digest_size=10).hexdigest()
    when = BASE + timedelta(minutes=n)
    article = NormalizedArticle(
        source_id=f"s{n % 20}",
        url=f"https://s{n % 20}.example/{n}",
        canonical_url=f"https://s{n % 20}.example/{n}",
        title=" ".join(rng.choices(WORDS, k=8)),
        authors=("A Writer",),
        text=text,
        language="en",
        sitename="Example",
        description=None,
        published_at=when,
        published_local=when.isoformat(),
        published_raw=when.isoformat(),
        date_source="meta",
        tz_source="explicit",
        date_rejected=(),
        dateline=Dateline(
            "KYIV",
            "Kyiv",
            "Kyiv",
            "UA",
            703448,
            None,
            "Reuters",
            ("Reuters",),
            None,
            None,
            (0, 17),
        ),  # fmt: skip
        credits=Credits(({"name": "A Writer", "place": None},), (), (), "x", (0, 1)),
        fetched_at=when,
    )
    return StoredArticle(
        article_id=article_id,
        content_hash=hashlib.blake2b(text.encode(), digest_size=16).hexdigest(),
        duplicate_of=copy_of,
        similarity=0.9 if copy_of else None,
        cluster_id=copy_of or article_id,
        dup_kind="near" if copy_of else None,
        article=article,
        stored_at=when,
    )


def fill(
    url: str, start: int, stop: int, rng: random.Random, originals: list[str]
) -> None:
    """Records `start` to `stop`, written as the store writes them (its upsert,
    its revisions row, its full-text index by trigger or generated column, its
    counts), in batches of 2,000 per transaction, without the per-record
    existence check a worker needs to report its change. Each row is the
    template record's with its own ids, text, title and times: a generated
    record must cost far less than an extraction, or filling a million would
    take the run's half hour."""
    from workers.store.sql import COLUMNS, JSON_FIELDS, UPSERT

    store = open_store(url)  # in the thread that writes (SQLite's rule)
    revision = (
        "INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (article_id, content_hash) DO NOTHING"
    )
    template = record(0, random.Random(0), []).to_record()
    base = [json.dumps(template[c]) if c in JSON_FIELDS else template[c]
            for c in COLUMNS] + [None]  # fmt: skip
    at = {c: i for i, c in enumerate(COLUMNS)}
    for first in range(start, stop, 2000):
        rows, revisions = [], []
        for n in range(first, min(stop, first + 2000)):
            made = generated(n, rng, originals)
            row = base.copy()
            for column, value in made.items():
                row[at[column]] = value
            rows.append(row)
            revisions.append(tuple(made[c] for c in REVISION))
        many(store, [(UPSERT, rows), (revision, revisions)])
    if hasattr(store, "pool"):
        # what autovacuum does within a minute of a bulk load (it is off on
        # some servers, this one's too): without statistics the planner reads
        # `cluster_id IN (100 ids)` as half the table and scans it all
        with store.pool.connection() as conn:
            conn.execute("ANALYZE articles, cluster_sizes")
    store.close()


def generated(n: int, rng: random.Random, originals: list[str]) -> dict[str, Any]:
    """What differs between two generated records: `record`'s fields, cheaply."""
    copy_of = originals[rng.randrange(len(originals))] if originals and (
        rng.random() < 0.2
    ) else None  # fmt: skip
    text = " ".join(rng.choices(WORDS, k=60))
    article_id = hashlib.blake2b(f"a{n}".encode(), digest_size=10).hexdigest()
    if copy_of is None and len(originals) < 200_000:
        originals.append(article_id)
    local = (BASE + timedelta(minutes=n)).isoformat()
    when = local.replace("+00:00", "Z")
    source, url = f"s{n % 20}", f"https://s{n % 20}.example/{n}"
    return {
        "article_id": article_id, "source_id": source, "url": url,
        "canonical_url": url, "title": " ".join(rng.choices(WORDS, k=8)),
        "text": text, "published_at": when, "published_local": local,
        "published_raw": local, "fetched_at": when, "stored_at": when,
        "content_hash": hashlib.blake2b(text.encode(), digest_size=16).hexdigest(),
        "duplicate_of": copy_of, "similarity": 0.9 if copy_of else None,
        "cluster_id": copy_of or article_id, "dup_kind": "near" if copy_of else None,
    }  # fmt: skip


def many(store: Any, statements: list[tuple[str, list[Any]]]) -> None:
    """Each statement over its rows, in one transaction, as the backend does
    batches best (SQLite's executemany; psycopg's, pipelined)."""
    if hasattr(store, "pool"):  # psycopg's placeholders (no `?` in these literals)
        from workers.store.tallies import FOLD

        with store.pool.connection() as conn, conn.transaction():
            for sql, rows in statements:
                conn.cursor().executemany(sql.replace("?", "%s"), rows)
            for sql in FOLD:  # as the store's writers do before they commit
                conn.execute(sql)
        return
    store.db.execute("BEGIN IMMEDIATE")
    for sql, rows in statements:
        store.db.executemany(sql, rows)
    store.db.execute("COMMIT")


def timed(env: dict[str, str], *args: str, repeat: int = 3) -> float:
    """The median wall time of a `dateline` command, as a user runs it."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([str(BIN / "dateline"), *args], env=env, check=True,
                       capture_output=True)  # fmt: skip
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def db_bytes(url: str) -> int:
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN "
                "pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
                "AND c.relkind = 'r'",
                (SCHEMA,),
            ).fetchone()
        return int(row[0] or 0) if row else 0
    import sqlite3

    with sqlite3.connect(url) as conn:  # the WAL folded in: the file as it rests
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Path(url).stat().st_size


def measure_store(
    url: str, env: dict[str, str], size: int, tmp: Path
) -> dict[str, float]:
    env = {**env, "DATELINE_DATABASE_URL": url}
    out = tmp / "export.jsonl"
    started = time.perf_counter()
    subprocess.run([str(BIN / "dateline"), "export", "-o", str(out)], env=env,
                   check=True, capture_output=True)  # fmt: skip
    jsonl = size / (time.perf_counter() - started)
    started = time.perf_counter()
    subprocess.run([str(BIN / "dateline"), "export", "-o", str(tmp / "e.parquet")],
                   env=env, check=True, capture_output=True)  # fmt: skip
    parquet = size / (time.perf_counter() - started)
    out.unlink()
    return {
        "status s": timed(env, "status"),
        "status --json s": timed(env, "status", "--json"),
        "clusters s": timed(env, "clusters", "--min-size", "3"),
        "export records/s": jsonl,
        "export parquet records/s": parquet,
        "db bytes/record": db_bytes(url) / size,
    }


def signed(n: int) -> tuple[str, str, Any]:
    """Article `n` as the index sees it: (article id, content hash, signature)."""
    text = " ".join(random.Random(n).choices(WORDS, k=60))
    aid = hashlib.blake2b(f"a{n}".encode(), digest_size=10).hexdigest()
    signature = text_signature(normalized_text(text))
    return aid, hashlib.md5(text.encode()).hexdigest(), signature


def fill_index(redis: Redis, done: int, size: int) -> None:
    """Articles `done` to `size`, signed here (beside the stores' fills) and
    decided in batches of 500, as a job's pages are."""
    index = DedupeIndex(redis, 0.4)
    for start in range(done, size, 500):
        index.decide_many([signed(n) for n in range(start, min(size, start + 500))])


def measure_index(
    redis: Redis, probes: list[Any], size: int, empty: int
) -> dict[str, float]:
    """`empty`: Redis's used memory before the index held anything."""
    index = DedupeIndex(redis, 0.4)
    used = int(redis.info("memory")["used_memory"]) - empty
    timings = []
    for article_id, content_hash, signature in probes:  # never filled
        started = time.perf_counter()
        probe = hashlib.blake2b(f"p{size}{article_id}".encode(), digest_size=10)
        index.decide(probe.hexdigest(), content_hash, signature)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "decision median ms": statistics.median(timings),
        "decision p99 ms": timings[int(len(timings) * 0.99)],
        "redis bytes/article": used / size,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--backends", default="sqlite,postgres", help="sqlite, postgres or both"
    )
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="dateline-scale-") as tmp_name:
        tmp = Path(tmp_name)
        server = RedisServer(tmp / "redis", extra_args=("--appendonly", "no")).start()
        try:
            table = run(args, sizes, tmp, server.url)
        finally:
            server.stop()
    report(table, sizes)
    return 0


def run(
    args: argparse.Namespace, sizes: list[int], tmp: Path, redis_url: str
) -> dict[str, dict[int, dict[str, float]]]:
    """At each size: the index and the stores filled at once (threads: the work
    is in Redis, SQLite and PostgreSQL, which release the GIL), then each
    measured alone, so no measurement shares the machine with a fill."""
    from concurrent.futures import ThreadPoolExecutor

    env = {**os.environ, "DATELINE_REDIS_URL": redis_url,
           "DATELINE_SOURCES_DIR": str(tmp)}  # fmt: skip
    probes = [signed(n) for n in range(10**9, 10**9 + 300)]
    redis = Redis.from_url(redis_url)
    DedupeIndex(redis, 0.4).decide_many(probes[:1])  # the script loaded
    redis.flushall()
    empty = int(redis.info("memory")["used_memory"])
    backends = {}
    if "sqlite" in args.backends:
        backends["sqlite"] = str(tmp / "scale.sqlite3")
    if "postgres" in args.backends:
        try:
            backends["postgres"] = _postgres()
        except Exception as exc:  # noqa: BLE001
            print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
    originals: dict[str, list[str]] = {name: [] for name in backends}
    table: dict[str, dict[int, dict[str, float]]] = {}
    done = 0
    with ThreadPoolExecutor(len(backends) + 1) as pool:
        for size in sizes:
            started = time.perf_counter()
            fills = [pool.submit(fill_index, redis, done, size)] + [
                pool.submit(fill, url, done, size, random.Random(size), originals[name])
                for name, url in backends.items()
            ]  # fmt: skip
            for future in fills:
                future.result()
            print(
                f"filled to {size:,} in {time.perf_counter() - started:,.0f} s",
                file=sys.stderr,
                flush=True,
            )
            done = size
            measured = {"redis": measure_index(redis, probes, size, empty)}
            for name, url in backends.items():
                measured[name] = measure_store(url, env, size, tmp)
            for name, found in measured.items():
                table.setdefault(name, {})[size] = found
                print(  # as it comes: a long run shows what it has
                    f"{name} {size:,}: "
                    + ", ".join(f"{k} {v:,.3f}" for k, v in found.items()),
                    file=sys.stderr,
                    flush=True,
                )
    return table


def _postgres() -> str:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.execute(f"CREATE SCHEMA {SCHEMA}")
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{SCHEMA}"


def report(table: dict[str, dict[int, dict[str, float]]], sizes: list[int]) -> None:
    small, large = sizes[0], sizes[-1]
    print(f"\n{'backend':<9} {'measure':<26}" + "".join(f"{s:>12,}" for s in sizes)
          + f"{'ratio':>8}  target")  # fmt: skip
    for backend, by_size in table.items():
        for measure in by_size[small]:
            values = [by_size[s][measure] for s in sizes]
            ratio = values[-1] / values[0] if values[0] else float("nan")
            target = TARGETS.get(measure)
            verdict = ""
            if target:
                op, bound = target
                met = ratio <= bound if op == "<=" else ratio >= bound
                verdict = f"{op} {bound}: {'met' if met else 'NOT met'}"
            cells = "".join(f"{v:>12.3f}" if v < 1000 else f"{v:>12,.0f}"
                            for v in values)  # fmt: skip
            print(f"{backend:<9} {measure:<26}{cells}{ratio:>8.2f}  {verdict}")
    print(f"ratios are {large:,} against {small:,}, measured in this run")


if __name__ == "__main__":
    sys.exit(main())
