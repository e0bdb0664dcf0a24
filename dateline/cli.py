"""The `dateline` command: crawl, work, watch, re-queue, export, try local pages.

This module holds the parser; each command runs in the module named after what it
does: `crawl`, `work`, `operate` (status, failed, requeue), `records` (export,
show, clusters, dedupe, db), `local` (extract, ingest) and `demo`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import re
import sys
from collections.abc import Callable
from datetime import timedelta

from redis.exceptions import RedisError

from config.loader import ConfigError, load_sources
from dateline.private_redis import RedisUnavailable
from dateline.runtime import UsageError
from workers import settings
from workers.store import StoreUnavailable


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _configure_logging(args)
    try:
        return int(_command(args.run)(args) or 0)
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
    parser = argparse.ArgumentParser(
        prog="dateline",
        description=(
            "Dateline: crawl news sources, extract and normalize their articles, "
            "deduplicate wire copies, store records. Start with `dateline demo`; "
            "`dateline doctor` checks a set-up; `dateline COMMAND -h` for each."
        ),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, run: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(run=run)
        return p

    command("sources", "cli:cmd_sources", "list the configured news sources")
    p = command(
        "crawl", "crawl:cmd_crawl", "crawl sources and enqueue their new articles"
    )
    p.add_argument("source_ids", nargs="*", metavar="SOURCE_ID")
    p.add_argument("--all", action="store_true", help="every enabled source")
    p.add_argument("--log-file", help="also write the log to this file")
    p.add_argument("--json", action="store_true", help="one JSON summary per source")
    p = command("work", "work:cmd_work", "run worker processes on the ingest queue")
    p.add_argument("-n", "--workers", type=int, default=2, help="processes (default 2)")
    p.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    p = command("status", "operate:cmd_status", "queue and storage counts")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--watch",
        action="store_true",
        help="refresh in place: rate, ETA, failures by error (Ctrl-C ends)",
    )
    p.add_argument(
        "--interval", type=float, default=2.0, help="seconds between refreshes"
    )
    p = command(
        "failed", "operate:cmd_failed", "list failed jobs: source, URL, stage, error"
    )
    _add_failed_filters(p)
    p.add_argument("--json", action="store_true")
    p = command(
        "requeue", "operate:cmd_requeue", "re-queue failed jobs by id or filter"
    )
    p.add_argument("job_ids", nargs="*", metavar="JOB_ID")
    p.add_argument("--all", action="store_true", help="every failed job")
    _add_failed_filters(p)
    p.add_argument("--dry-run", action="store_true", help="list, do not re-queue")
    p = command("export", "records:cmd_export", "write stored records as JSON lines")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.add_argument("--source", help="only this source")
    p.add_argument(
        "--since",
        type=duration,
        metavar="DURATION",
        help="only records stored or updated in the last DURATION (6h, 2d)",
    )
    p = command(
        "clusters",
        "records:cmd_clusters",
        "syndication clusters: each story, its first appearance, who republished",
    )
    p.add_argument("--min-size", type=int, default=2, help="smallest cluster shown")
    p.add_argument("--source", help="only clusters this source is part of")
    p.add_argument("--json", action="store_true")
    p = command("dedupe", "records:cmd_dedupe", "maintain the shared dedupe index")
    p.add_argument(
        "action",
        choices=["rebuild"],
        help="rebuild: re-create the Redis index from stored signatures",
    )
    p = command(
        "db",
        "records:cmd_db",
        "upgrade: create or migrate the schema; adopt: make Redis serve this database",
    )
    p.add_argument("action", choices=["upgrade", "adopt"])
    command("doctor", "doctor:cmd_doctor", "check the set-up: one line a check")
    p = command("show", "records:cmd_show", "print one stored record")
    p.add_argument("article_id")
    p = command(
        "extract",
        "local:cmd_extract",
        "extract and normalize local HTML files; print one JSON record each",
    )
    _add_local_inputs(p)
    p.add_argument("--url", help="the URL the files were fetched from")
    p.add_argument("--fetched-at", help="ISO time of the fetch (default: now)")
    p = command(
        "ingest", "local:cmd_ingest", "enqueue local HTML files as if just fetched"
    )
    _add_local_inputs(p)
    p = command(
        "demo", "demo:cmd_demo", "crawl the bundled offline demo site end to end"
    )
    p.add_argument("--workers", type=int, default=2)
    return parser


def _command(run: str) -> Callable[[argparse.Namespace], int | None]:
    """'module:function' in this package, imported when its command runs: a
    command loads what it needs (rq, Scrapy, trafilatura) and nothing else."""
    module, _, name = run.partition(":")
    func: Callable[[argparse.Namespace], int | None] = getattr(
        importlib.import_module(f"dateline.{module}"), name
    )
    return func


def _add_failed_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", help="only jobs of this source")
    p.add_argument(
        "--error", help="only jobs whose stage or error contains TEXT", metavar="TEXT"
    )
    p.add_argument(
        "--since",
        type=duration,
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
        # The console without -v: one line a failure, no traceback (a failed
        # job's, a crawl's), no Scrapy chatter, no line per failed download (the
        # crawl's summary counts them). The log file keeps every record whole.
        for handler in logging.getLogger().handlers:
            handler.addFilter(_console_worthy)
            if not sys.stderr.isatty():  # cron mails stderr: problems only
                handler.addFilter(_not_progress)
            handler.setFormatter(
                OneLineFormatter(handler.formatter._fmt, "%H:%M:%S")  # type: ignore[union-attr]
            )
    for handler in logging.getLogger().handlers:  # after the filters reading
        handler.addFilter(_mask_secrets)  # a record's unformatted message
    if getattr(args, "log_file", None):
        handler = logging.FileHandler(args.log_file)
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        handler.addFilter(_mask_secrets)
        logging.getLogger().addHandler(handler)


def _mask_secrets(record: logging.LogRecord) -> bool:
    """Every record, to any handler, with passwords and tokens masked: in its
    message, and in its traceback (a driver's error may quote a URL)."""
    if getattr(record, "_masked", False):
        return True
    record.msg, record.args = settings.masked(record.getMessage()), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = settings.masked(record.exc_text)
    record._masked = True
    return True


class OneLineFormatter(logging.Formatter):
    """A record as one line: a traceback, attached or inside the message (RQ
    puts a failed job's there), is cut to the line that says what raised."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        raised = ""
        if record.exc_info and record.exc_info[1] is not None:
            error = settings.masked(str(record.exc_info[1]))
            raised = f" ({type(record.exc_info[1]).__name__}: {error})"
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            text = super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if len(lines) > 1 and any("Traceback (most recent call" in ln for ln in lines):
            text = f"{lines[0]} {lines[-1].strip()}"
        return " ".join(text.split("\n")) + raised


def _not_progress(record: logging.LogRecord) -> bool:
    return record.name != "dateline.progress" or record.levelno > logging.INFO


def _console_worthy(record: logging.LogRecord) -> bool:
    from scrapy.logformatter import DOWNLOADERRORMSG_LONG, DOWNLOADERRORMSG_SHORT

    if record.name.startswith(("scrapy", "twisted", "py.warnings")):
        if record.levelno < logging.WARNING:
            return False
        if record.name.startswith("scrapy.downloadermiddlewares") or record.msg in (
            DOWNLOADERRORMSG_LONG,
            DOWNLOADERRORMSG_SHORT,
        ):
            return False  # a failed download: counted in the crawl's summary
    return True


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


def duration(text: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+)\s*([smhdw])\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(
            f"expected a duration such as 30m, 6h or 2d, got {text!r}"
        )
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    return timedelta(**{unit[match.group(2)]: int(match.group(1))})


if __name__ == "__main__":
    sys.exit(main())
