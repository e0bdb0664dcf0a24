"""The `dateline` command: crawl, work, watch, re-queue, export, try local pages."""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from redis.exceptions import RedisError

from config.loader import ConfigError, SourceConfig, load_source, load_sources
from dateline.redis_server import RedisUnavailable, check, private_redis
from workers import settings
from workers.store import StoreUnavailable


class UsageError(RuntimeError):
    """A mistake on the command line or in the environment; printed as one line."""


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging(args)
    try:
        return int(args.func(args) or 0)
    except (ConfigError, RedisUnavailable, StoreUnavailable, UsageError) as exc:
        print(f"dateline: error: {exc}", file=sys.stderr)
        return 1
    except RedisError as exc:
        where = settings.masked(settings.REDIS_URL or "the private Redis")
        print(f"dateline: error: lost Redis at {where}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `dateline export | head`
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dateline", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(
        name: str, func: Callable[[argparse.Namespace], int | None], help_text: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    command("sources", cmd_sources, "list the configured news sources")
    p = command("crawl", cmd_crawl, "crawl sources and enqueue their new articles")
    p.add_argument("source_ids", nargs="*", metavar="SOURCE_ID")
    p.add_argument("--all", action="store_true", help="every enabled source")
    p.add_argument("--log-file", help="also write the log to this file")
    p = command("work", cmd_work, "run worker processes on the ingest queue")
    p.add_argument("-n", "--workers", type=int, default=2, help="processes (default 2)")
    p.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    p = command("status", cmd_status, "queue and storage counts")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--watch",
        action="store_true",
        help="refresh in place: rate, ETA, failures by error (Ctrl-C ends)",
    )
    p.add_argument(
        "--interval", type=float, default=2.0, help="seconds between refreshes"
    )
    p = command("failed", cmd_failed, "list failed jobs: source, URL, stage, error")
    _add_failed_filters(p)
    p.add_argument("--json", action="store_true")
    p = command("requeue", cmd_requeue, "re-queue failed jobs by id or filter")
    p.add_argument("job_ids", nargs="*", metavar="JOB_ID")
    p.add_argument("--all", action="store_true", help="every failed job")
    _add_failed_filters(p)
    p.add_argument("--dry-run", action="store_true", help="list, do not re-queue")
    p = command("export", cmd_export, "write stored records as JSON lines")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.add_argument("--source", help="only this source")
    p = command(
        "clusters",
        cmd_clusters,
        "syndication clusters: each story, its first appearance, who republished",
    )
    p.add_argument("--min-size", type=int, default=2, help="smallest cluster shown")
    p.add_argument("--source", help="only clusters this source is part of")
    p.add_argument("--json", action="store_true")
    p = command("dedupe", cmd_dedupe, "maintain the shared dedupe index")
    p.add_argument(
        "action",
        choices=["rebuild"],
        help="rebuild: re-create the Redis index from stored signatures",
    )
    p = command("db", cmd_db, "database schema: create or migrate to this version")
    p.add_argument("action", choices=["upgrade"])
    p = command("show", cmd_show, "print one stored record")
    p.add_argument("article_id")
    p = command(
        "extract",
        cmd_extract,
        "extract and normalize local HTML files; print one JSON record each",
    )
    _add_local_inputs(p)
    p.add_argument("--url", help="the URL the files were fetched from")
    p.add_argument("--fetched-at", help="ISO time of the fetch (default: now)")
    p = command("ingest", cmd_ingest, "enqueue local HTML files as if just fetched")
    _add_local_inputs(p)
    p = command("demo", cmd_demo, "crawl the bundled offline demo site end to end")
    p.add_argument("--workers", type=int, default=2)
    return parser


def _add_failed_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", help="only jobs of this source")
    p.add_argument(
        "--error", help="only jobs whose stage or error contains TEXT", metavar="TEXT"
    )
    p.add_argument(
        "--since",
        type=_duration,
        metavar="DURATION",
        help="only jobs that failed in the last DURATION (30m, 6h, 2d)",
    )


def _add_local_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument(
        "--manifest", help="JSON lines of {path, url, fetched_at?, source_id?}"
    )
    p.add_argument("--source", help="source id whose languages and timezone apply")


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.DEBUG if args.verbose else logging.WARNING
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    logging.getLogger("dateline.progress").setLevel(logging.INFO)
    if not args.verbose:
        # trafilatura warns of every fallback it tries; the record says the outcome.
        for name in ("trafilatura", "htmldate", "readability", "psycopg.pool"):
            logging.getLogger(name).setLevel(logging.ERROR)
        # Scrapy resets its own loggers to DEBUG when a crawl starts; keep its
        # start-up chatter out of a cron mail unless asked for with -v.
        for handler in logging.getLogger().handlers:
            handler.addFilter(_quiet_libraries)
    if getattr(args, "log_file", None):
        handler = logging.FileHandler(args.log_file)
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        logging.getLogger().addHandler(handler)


def _quiet_libraries(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING or not record.name.startswith(
        ("scrapy", "twisted", "py.warnings")
    )


def redis_url() -> str:
    """DATELINE_REDIS_URL when it answers, else the private Redis under var/."""
    if settings.REDIS_URL:
        return check(settings.REDIS_URL)
    return private_redis(settings.VAR_DIR)


def _redis() -> Any:
    from workers.queueing import connect

    return connect(redis_url())


def _store() -> Any:
    from workers.store import open_store

    return open_store(settings.DATABASE_URL)


def cmd_sources(args: argparse.Namespace) -> int:
    sources = load_sources()
    print(
        f"{'SOURCE_ID':<16} {'NAME':<30} {'CRAWL':<6} {'LANG':<6} {'TIMEZONE':<20} "
        "FEEDS SITEMAPS SECTIONS"
    )
    for cfg in sources.values():
        print(
            f"{cfg.source_id:<16} {cfg.name[:30]:<30} "
            f"{'all' if cfg.enabled else 'named':<6} {','.join(cfg.languages):<6} "
            f"{cfg.timezone:<20} {len(cfg.feeds):>5} {len(cfg.sitemaps):>8} "
            f"{len(cfg.sections):>8}"
        )
    return 0


def cmd_crawl(args: argparse.Namespace) -> int:
    from dateline.crawl import CrawlLocks, run_crawls
    from workers import keys

    if args.all == bool(args.source_ids):
        raise UsageError("crawl: name SOURCE_IDs or give --all (not both)")
    sources = (
        [c for c in load_sources().values() if c.enabled]
        if args.all
        else [load_source(s) for s in args.source_ids]
    )
    url = redis_url()
    locks = CrawlLocks(_redis(), settings.CRAWL_LOCK_TTL)
    held = [c for c in sources if locks.acquire(c.source_id)]
    for cfg in sources:
        if cfg not in held:
            print(
                f"{cfg.source_id}: skipped, another crawl of it is running "
                f"(lock {keys.CRAWL_LOCK.format(cfg.source_id)})"
            )
    if not held:
        return 0
    print(
        f"crawling {len(held)} source(s): "
        f"{', '.join(c.source_id for c in held)} -> {settings.masked(url)}",
        file=sys.stderr,
    )
    try:
        summaries = run_crawls(held, url, locks=locks)
    finally:
        for cfg in held:
            locks.release(cfg.source_id)
    for summary in summaries:
        print(summary.line())
    failed = [s.source_id for s in summaries if not s.ok]
    if failed:
        print(f"dateline: crawl failed for: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def cmd_work(args: argparse.Namespace) -> int:
    from dateline.work import run_workers

    if args.workers < 1:
        raise UsageError("work: -n must be at least 1")
    url = redis_url()
    print(
        f"{args.workers} worker(s) on queue '{settings.QUEUE_NAME}' at "
        f"{settings.masked(url)}"
        + (" (burst)" if args.burst else "; Ctrl-C or SIGTERM to stop"),
        file=sys.stderr,
    )
    return run_workers(url, settings.QUEUE_NAME, args.workers, args.burst)


def status_report() -> dict[str, Any]:
    from dateline.operate import queue_status

    url = redis_url()
    report: dict[str, Any] = {
        "redis": settings.masked(url),
        "database": settings.masked(settings.DATABASE_URL),
        **queue_status(_redis(), settings.QUEUE_NAME),
    }
    store = _store()
    try:
        report.update(store.counts())
    finally:
        store.close()
    return report


def cmd_status(args: argparse.Namespace) -> int:
    if args.watch:
        return _watch(args.interval)
    report = status_report()
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    _print_status(report)
    return 0


def _watch(interval: float) -> int:
    """Redraw the status every `interval` seconds with the processing rate, the
    time left at that rate and the failures grouped by error."""
    from dateline.operate import failed_jobs

    history: list[tuple[float, int]] = []
    try:
        while True:
            report = status_report()
            done = report["articles"] + report["no_article"] + report["too_large"]
            history = [*history[-30:], (time.monotonic(), done)]
            (t0, d0), (t1, d1) = history[0], history[-1]
            rate = (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0
            eta = f"{report['queued'] / rate:.0f} s" if rate > 0 else "-"
            failures: dict[str, int] = {}
            for job in failed_jobs(_redis(), settings.QUEUE_NAME):
                reason = f"{job.stage or '-'}: {job.error[:70]}"
                failures[reason] = failures.get(reason, 0) + 1
            sys.stdout.write("\x1b[H\x1b[2J")  # home, clear: redraw in place
            print(
                f"dateline status, every {interval:g} s (Ctrl-C to stop)   "
                f"{datetime.now():%H:%M:%S}"
            )
            print(f"rate {rate * 60:.0f} pages/min, ETA for the queue {eta}\n")
            _print_status(report)
            for reason, count in sorted(failures.items(), key=lambda f: -f[1]):
                print(f"  failed {count:>5} x {reason}")
            sys.stdout.flush()
            time.sleep(interval)
    except KeyboardInterrupt:
        return 0


def _print_status(report: dict[str, Any]) -> None:
    print(
        f"queue '{settings.QUEUE_NAME}' ({report['redis']}): "
        f"{report['queued']} queued, "
        f"{report['in_progress']} in progress, {report['failed']} failed"
    )
    dups = report["duplicates"]
    print(
        f"storage ({report['database']}): {report['articles']} records: "
        f"{report['originals']} originals, {sum(dups.values())} duplicates "
        f"({', '.join(f'{n} {k}' for k, n in dups.items()) or 'none'}); "
        f"{report['no_article']} no_article, {report['too_large']} too_large"
    )
    if report["per_source"]:
        print(
            f"  {'SOURCE_ID':<16} {'RECORDS':>8} {'ORIGINAL':>8} {'EXACT':>6} "
            f"{'NEAR':>6} {'NO_ARTICLE':>10}"
        )
        for sid, c in report["per_source"].items():
            dups = c["duplicates"]
            print(
                f"  {sid:<16} {c['articles']:>8} {c['originals']:>8} "
                f"{dups.get('exact', 0):>6} {dups.get('near', 0):>6} "
                f"{c['no_article']:>10}"
            )


def _selected_failed(args: argparse.Namespace) -> list[Any]:
    from dateline.operate import failed_jobs, select_failed

    jobs = failed_jobs(_redis(), settings.QUEUE_NAME)
    return select_failed(
        jobs, getattr(args, "job_ids", None), args.source, args.error, args.since
    )


def _duration(text: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+)\s*([smhdw])\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(
            f"expected a duration such as 30m, 6h or 2d, got {text!r}"
        )
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    return timedelta(**{unit[match.group(2)]: int(match.group(1))})


def cmd_failed(args: argparse.Namespace) -> int:
    jobs = _selected_failed(args)
    if args.json:
        print(json.dumps([j.to_dict() for j in jobs], indent=2))
        return 0
    groups: dict[str, list[Any]] = {}
    for job in jobs:  # grouped by what went wrong: one fix usually serves a group
        groups.setdefault(f"{job.stage or '-'}: {job.error}", []).append(job)
    for reason, group in sorted(groups.items(), key=lambda g: -len(g[1])):
        print(f"{len(group)} x {reason}")
        for job in group:
            when = job.failed_at.strftime("%Y-%m-%d %H:%M") if job.failed_at else "?"
            print(f"    {job.job_id}  {when}  {job.source_id}  {job.url}")
    print(f"{len(jobs)} failed job(s) in {len(groups)} group(s)", file=sys.stderr)
    return 0


def cmd_requeue(args: argparse.Namespace) -> int:
    from dateline.operate import requeue

    if not (args.all or args.job_ids or args.source or args.error or args.since):
        raise UsageError("requeue: give --all, JOB_IDs, --source, --error or --since")
    jobs = _selected_failed(args)
    for job in jobs:
        print(
            f"{'would re-queue' if args.dry_run else 're-queued'} {job.job_id} "
            f"{job.source_id} {job.url} ({job.stage or '-'}: {job.error[:80]})"
        )
    if not args.dry_run:
        requeue(_redis(), settings.QUEUE_NAME, jobs)
    print(
        f"{len(jobs)} job(s) {'selected' if args.dry_run else 're-queued'}",
        file=sys.stderr,
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    store = _store()
    count = 0
    with _output(args.output) as out:
        for record in store.iter_records(args.source):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    store.close()
    print(
        f"{count} record(s) exported" + (f" to {args.output}" if args.output else ""),
        file=sys.stderr,
    )
    return 0


@contextmanager
def _output(path: str | None) -> Iterator[Any]:
    if not path:
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8") as fh:
        yield fh


def cmd_clusters(args: argparse.Namespace) -> int:
    store = _store()
    try:
        clusters = store.clusters(args.min_size, args.source)
    finally:
        store.close()
    if args.json:
        print(json.dumps(clusters, indent=2, ensure_ascii=False))
        return 0
    for cluster in clusters:
        first = cluster["original"]
        print(
            f"{cluster['size']:>3}  {first['title']}\n"
            f"     first: {first['source_id']} {first['published_at'] or '-'} "
            f"{first['url']}"
        )
        for copy in cluster["copies"]:
            print(
                f"     {copy['dup_kind']:<5} {copy['similarity'] or 0:.2f} "
                f"{copy['source_id']} {copy['published_at'] or '-'} {copy['url']}"
            )
    print(f"{len(clusters)} cluster(s)", file=sys.stderr)
    return 0


def cmd_dedupe(args: argparse.Namespace) -> int:
    from workers.dedupe_index import DedupeIndex, rebuild

    index = DedupeIndex(_redis(), settings.NEAR_THRESHOLD)
    store = _store()
    try:
        report = rebuild(index, store)
    finally:
        store.close()
    print(
        f"index rebuilt from {report['articles']} stored articles "
        f"({report['deleted']} old keys removed); {report['changed']} decision(s) "
        "differ from the stored records"
    )
    for article_id, stored, now in report["differences"][:20]:
        print(f"  {article_id}: stored {stored}, now {now}")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    store = _store()  # opening a store runs its migrations
    store.close()
    print(f"database {settings.masked(settings.DATABASE_URL)} is at the current schema")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = _store()
    record = store.get_record(args.article_id)
    store.close()
    if record is None:
        raise UsageError(f"no stored article {args.article_id!r}")
    print(json.dumps(record, indent=2, ensure_ascii=False))
    return 0


def _local_inputs(args: argparse.Namespace) -> list[Any]:
    from dateline.local import inputs_from_args, read_manifest

    fetched_at = None
    if getattr(args, "fetched_at", None):
        try:
            fetched_at = datetime.fromisoformat(args.fetched_at.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(
                f"--fetched-at: expected an ISO time, got {args.fetched_at!r}"
            ) from None
        if fetched_at.tzinfo is None:
            raise UsageError("--fetched-at: give a timezone, e.g. 2024-03-19T10:00Z")
    items = list(inputs_from_args(args.paths, getattr(args, "url", None), fetched_at))
    if args.manifest:
        try:
            items += list(read_manifest(Path(args.manifest)))
        except (OSError, ValueError) as exc:
            raise UsageError(str(exc)) from None
    if not items:
        raise UsageError("give PATHs or --manifest")
    return items


def _source_for(source_id: str | None, cache: dict[str, SourceConfig]) -> SourceConfig:
    from dateline.local import adhoc_source

    key = source_id or ""
    if key not in cache:
        cache[key] = load_source(source_id) if source_id else adhoc_source()
    return cache[key]


def cmd_extract(args: argparse.Namespace) -> int:
    from dateline.local import extract_local

    items = _local_inputs(args)
    sources: dict[str, SourceConfig] = {}
    for item in items:
        source = _source_for(item.source_id or args.source, sources)
        print(json.dumps(extract_local(item, source), ensure_ascii=False), flush=False)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from dateline.local import read_page
    from dateline.warc import WarcCounts, is_warc, read_warc
    from workers.dedupe import page_key
    from workers.queueing import IngestQueue

    items = _local_inputs(args)
    sources: dict[str, SourceConfig] = {}
    queue = IngestQueue.from_settings(_redis())
    batch: list[Any] = []
    count = 0
    warc = WarcCounts()

    def add(page: Any, source: SourceConfig) -> None:
        nonlocal count, batch
        batch.append((page, page_key(page.url, source)))
        if len(batch) >= 200:
            count += queue.enqueue(batch, force=True)
            batch = []

    for item in items:
        if is_warc(item.path):
            fallback = (
                _source_for(item.source_id or args.source, sources)
                if (item.source_id or args.source)
                else None
            )
            by_domain = _source_by_domain(fallback)
            try:
                for page, source in read_warc(
                    item.path, by_domain, warc, settings.MAX_PAGE_BYTES
                ):
                    add(page, source)
            except OSError as exc:
                raise UsageError(f"{item.path}: {exc.strerror or exc}") from None
            continue
        sid = item.source_id or args.source
        if not sid:
            raise UsageError(
                f"{item.path}: no source: give --source or a source_id in the manifest"
            )
        source = _source_for(sid, sources)
        try:
            add(read_page(item, source.source_id), source)
        except OSError as exc:
            raise UsageError(f"{item.path}: {exc.strerror or exc}") from None
    count += queue.enqueue(batch, force=True)
    if warc.pages or warc.skipped:
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(warc.skipped.items()))
        print(
            f"WARC: {warc.pages} HTML page(s) read; skipped: {skipped or 'none'}",
            file=sys.stderr,
        )
    print(f"{count} page(s) enqueued on '{settings.QUEUE_NAME}'", file=sys.stderr)
    return 0


def _source_by_domain(fallback: SourceConfig | None) -> Any:
    """URL -> the configured source whose domains hold it, else `fallback`."""
    configured = list(load_sources().values())

    def pick(url: str) -> SourceConfig | None:
        found = next(
            (c for c in configured if c.allowed_domains and c.is_on_domain(url)), None
        )
        return found or fallback

    return pick


def cmd_demo(args: argparse.Namespace) -> int:
    from dateline.demo import run_demo

    return run_demo(redis_url(), args.workers)


if __name__ == "__main__":
    sys.exit(main())
