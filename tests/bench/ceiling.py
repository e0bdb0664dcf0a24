"""`make bench`'s ceiling, one measurement: processes doing nothing but the
workers' stage chain (extract, normalize, fingerprint) on the bench pages.

It runs as a process of its own, started as `dateline work` starts its workers:
a fresh interpreter sets up (`warm_up`, the collector tuned), then forks them.
Forked from the bench's own process instead, the ceiling inherited a heap that
had run every page through the stages in-process (the per-stage medians) and
ran 5-10% slower than workers forked from a fresh set-up: a ceiling set too low.

Prints one JSON line: pages/s and CPU seconds a page.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import time
from pathlib import Path

from dateline.logs import quiet_dateutil
from dateline.runtime import tune_collector
from tests.bench.site import BenchSite
from tests.bench.stages import SOURCE, bench_pages
from workers.models import Page


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="the bench site's base URL")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--folders", default="", help="page folders, commas")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    folders = [Path(f) for f in args.folders.split(",") if f]
    site = BenchSite(args.base, args.count, folders or None)
    print(json.dumps(measure(bench_pages(site), args.workers)))


def measure(pages: list[Page], workers: int) -> dict[str, float]:
    """Pages/s, and CPU s a page, of `workers` processes forked after set-up."""
    from workers.stages import warm_up

    quiet_dateutil()  # as `dateline` is
    warm_up(workers)
    tune_collector()  # as `dateline work` sets up its workers
    ctx = multiprocessing.get_context("fork")
    procs = [
        ctx.Process(target=_prepare_all, args=(pages[i::workers],))
        for i in range(workers)
    ]
    cpu = children_cpu()
    started = time.monotonic()
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    elapsed = time.monotonic() - started
    return {
        "rate": len(pages) / elapsed,
        "cpu_per_page": (children_cpu() - cpu) / len(pages),
    }


def children_cpu() -> float:
    """CPU seconds of this process's children that have ended (and theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _prepare_all(pages: list[Page]) -> None:
    """The stage chain, as a worker runs it, on each page."""
    from workers.stages import prepare_article

    for page in pages:
        prepare_article(page, SOURCE)


if __name__ == "__main__":
    main()
