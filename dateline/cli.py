"""The `dateline` command: crawl, work, watch, re-queue, export, try local pages.

This module holds the parser; each command runs in the module named after what it
does: `crawl`, `work`, `operate` (status, failed, requeue), `records` (export,
show, clusters, dedupe, db), `local` (extract, ingest) and `demo`.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from redis.exceptions import RedisError

import dateline
from config.loader import ConfigError
from dateline.logs import configure_logging
from dateline.private_redis import RedisUnavailable
from dateline.runtime import UsageError
from workers import settings
from workers.store import StoreUnavailable


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args)
    settings.use_urls(args.redis_url, args.database_url)
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
    parser.add_argument(
        "--version", action="version", version=f"dateline {dateline.__version__}"
    )
    _add_common(parser, argparse.SUPPRESS)
    parser.set_defaults(verbose=False, redis_url=None, database_url=None)
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common, argparse.SUPPRESS)  # after the command too: `status -v`
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, run: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name, help=help_text, description=help_text, parents=[common]
        )
        p.set_defaults(run=run)
        return p

    p = command(
        "sources",
        "sources:cmd_sources",
        "list the configured sources; add one from a site's URL; check one",
    )
    p.add_argument(
        "action",
        nargs="?",
        choices=["list", "add", "check"],
        default="list",
        help="list (default); add URL: discover feeds, sitemaps and article "
        "patterns and write the file; check ID: fetch, count, extract a few",
    )
    p.add_argument("target", nargs="?", help="add: the site's URL; check: a source id")
    p.add_argument("--id", help="add: the new source's id (default: from its domain)")
    p.add_argument(
        "--allow-private-hosts",
        action="store_true",
        help="add: the site is on an internal address (a local site)",
    )
    p.add_argument(
        "--samples", type=int, default=3, help="check: articles to extract (3)"
    )
    p = command(
        "crawl", "crawl:cmd_crawl", "crawl sources and enqueue their new articles"
    )
    p.add_argument(
        "source_ids", nargs="*", metavar="SOURCE_ID", help="sources, as `sources` lists"
    )
    p.add_argument("--all", action="store_true", help="every enabled source")
    p.add_argument("--log-file", help="also write the log to this file")
    p.add_argument("--json", action="store_true", help="one JSON summary per source")
    p = command("work", "work:cmd_work", "run worker processes on the ingest queue")
    p.add_argument("-n", "--workers", type=int, default=2, help="processes (default 2)")
    p.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    p = command("status", "operate:cmd_status", "queue and storage counts")
    p.add_argument("--json", action="store_true", help="one JSON object")
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
    p.add_argument("--json", action="store_true", help="a JSON list of failed jobs")
    p = command(
        "requeue", "operate:cmd_requeue", "re-queue failed jobs by id or filter"
    )
    p.add_argument(
        "job_ids", nargs="*", metavar="JOB_ID", help="failed jobs, as `failed` lists"
    )
    p.add_argument("--all", action="store_true", help="every failed job")
    _add_failed_filters(p)
    p.add_argument("--dry-run", action="store_true", help="list, do not re-queue")
    p = command(
        "export",
        "records:cmd_export",
        "write stored records as JSON lines, CSV or Parquet",
    )
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.add_argument("--source", help="only this source")
    p.add_argument(
        "--since",
        type=duration,
        metavar="DURATION",
        help="only records stored or updated in the last DURATION (6h, 2d)",
    )
    p.add_argument(
        "--until",
        type=duration,
        metavar="DURATION",
        help="only records stored or updated more than DURATION ago",
    )
    p.add_argument("--language", help="only records in this language (ISO 639-1)")
    p.add_argument("--originals-only", action="store_true", help="leave out duplicates")
    p.add_argument(
        "--format",
        choices=["jsonl", "csv", "parquet"],
        help="jsonl (default; or from -o's suffix), csv, or parquet (needs pyarrow)",
    )
    p.add_argument(
        "--fields", metavar="A,B", help="only these record fields, in this order"
    )
    p.add_argument(
        "--query", help="only records matching this search (as `dateline search`)"
    )
    p = command(
        "clusters",
        "records:cmd_clusters",
        "syndication clusters: each story, its first appearance, who republished",
    )
    p.add_argument("--min-size", type=int, default=2, help="smallest cluster shown")
    p.add_argument("--source", help="only clusters this source is part of")
    p.add_argument(
        "--limit", type=int, default=100, help="the biggest N clusters (100; 0: all)"
    )
    p.add_argument("--json", action="store_true", help="a JSON list of clusters")
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
    p.add_argument(
        "action",
        choices=["upgrade", "adopt"],
        help="upgrade: the schema to this version; adopt: rebuild Redis's marks",
    )
    command("doctor", "doctor:cmd_doctor", "check the set-up: one line a check")
    p = command(
        "report",
        "report:cmd_report",
        "write one HTML page on each source: records per day, field shares, "
        "failure rates, last crawls, likely template changes",
    )
    p.add_argument(
        "-o", "--output", default="report.html", help="file to write (report.html)"
    )
    p.add_argument(
        "--days", type=int, default=30, help="days of daily figures (default 30)"
    )
    p = command(
        "search",
        "search:cmd_search",
        "search stored titles and text: ranked hits, snippets, clusters folded",
    )
    p.add_argument(
        "query",
        help='words (all required), "a phrase", OR between two; '
        "stemmed by each record's language on PostgreSQL",
    )
    p.add_argument("--source", help="only records of this source")
    p.add_argument(
        "--since",
        type=duration,
        metavar="DURATION",
        help="only records stored or updated in the last DURATION (6h, 2d)",
    )
    p.add_argument("--language", help="only records in this language (ISO 639-1)")
    p.add_argument(
        "--limit", type=int, default=20, help="hits shown, clusters folded (20)"
    )
    p.add_argument("--json", action="store_true", help="a JSON list of hits")
    p = command("show", "records:cmd_show", "print one stored record")
    p.add_argument("article_id", help="a record's article_id, as export prints it")
    p = command(
        "extract",
        "local:cmd_extract",
        "extract and normalize local HTML files; print one JSON record each",
    )
    _add_local_inputs(p)
    p.add_argument(
        "--fetch",
        action="store_true",
        help="PATHs are URLs: fetch each with the crawler's rules (no internal "
        "addresses; robots.txt aside) and extract it",
    )
    p.add_argument(
        "--allow-private-hosts",
        action="store_true",
        help="with --fetch: the URLs' own hosts may be internal (a local site)",
    )
    p.add_argument("--url", help="the URL the files were fetched from")
    p.add_argument("--fetched-at", help="ISO time of the fetch (default: now)")
    p = command(
        "ingest", "local:cmd_ingest", "enqueue local HTML files as if just fetched"
    )
    _add_local_inputs(p)
    p.add_argument(
        "--any-source",
        action="store_true",
        help="WARC pages of domains no source covers get a source of their own, "
        "named by the registered domain (example.co.uk)",
    )
    p = command(
        "demo", "demo:cmd_demo", "crawl the bundled offline demo site end to end"
    )
    p.add_argument(
        "--workers", type=int, default=2, help="worker processes (default 2)"
    )
    command(
        "init",
        "home:cmd_init",
        "start a Dateline home here: config/sources/ with an example, .env.example",
    )
    return parser


def _add_common(p: argparse.ArgumentParser, default: Any) -> None:
    """Options every command takes, before or after its name."""
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="log more: debug lines and whole tracebacks",
    )
    p.add_argument(
        "--redis-url",
        metavar="URL",
        default=default,
        help="Redis to use (default: DATELINE_REDIS_URL, else a private one)",
    )
    p.add_argument(
        "--database-url",
        metavar="URL",
        default=default,
        help="database to use (default: DATELINE_DATABASE_URL, else var/'s SQLite)",
    )


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
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="HTML files (.gz too); for ingest also WARC files; '-': standard input",
    )
    p.add_argument(
        "--manifest", help="JSON lines of {path, url, fetched_at?, source_id?}"
    )
    p.add_argument("--source", help="source id whose languages and timezone apply")


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
