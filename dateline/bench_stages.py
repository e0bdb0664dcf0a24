"""`make bench` (pipeline): what a page costs beyond trafilatura, on this machine now.

Every page of the demo site (and, when ../shared is there, the aeb set) is run
through trafilatura alone (bare_extraction with metadata, comments off: the
reference, measured in this run) and through each Dateline stage in-process:
extract, normalize, dedupe (a real Redis) and store (a real SQLite file). The
medians and the ratio of the whole job to trafilatura alone are printed against a
ceiling: Dateline's extraction runs trafilatura's precision mode and sometimes its
balanced mode too, so the ceiling is 2.0 x the reference; the rest must be small.
"""

from __future__ import annotations

import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import trafilatura
from redis import Redis

from config.loader import SourceConfig
from dateline.demosite import Site
from dateline.redis_server import free_port, ping, server_args
from workers import dates, places
from workers.dedupe import fingerprint
from workers.dedupe_index import DedupeIndex, text_signature
from workers.extract import decode_html, extract_article
from workers.models import StoredArticle
from workers.normalize import normalize_article
from workers.store import open_store

CEILING = 2.0  # whole job / trafilatura alone
SOURCE = SourceConfig(
    source_id="bench",
    name="Bench",
    homepage="http://127.0.0.1/",
    allowed_domains=("127.0.0.1",),
    languages=("en",),
    timezone="UTC",
)


def pages(shared: Path | None) -> list[tuple[str, bytes]]:
    site = Site("http://127.0.0.1:8765")
    found = [
        (site.base + p, b)
        for p, (_, b) in site.pages.items()
        if "/news/" in p or "/story/" in p
    ]
    truth = shared / "eval" / "aeb" / "ground-truth.json" if shared else None
    if truth and truth.exists():
        for key, row in json.loads(truth.read_text()).items():
            raw = (truth.parent / "html" / f"{key}.html.gz").read_bytes()
            found.append((row["url"], gzip.decompress(raw)))
    return found


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, (time.perf_counter() - started) * 1000


def main() -> int:
    shared = Path(__file__).resolve().parents[2] / "shared"
    corpus = pages(shared if shared.exists() else None)
    dates.warm()
    places.warm()
    fetched = datetime.now(UTC)
    costs: dict[str, list[float]] = {
        k: [] for k in ("trafilatura", "extract", "normalize", "dedupe", "store", "job")
    }
    with tempfile.TemporaryDirectory(prefix="dateline-bench-") as tmp:
        port = free_port()
        proc = subprocess.Popen(server_args(Path(tmp), port), stdout=subprocess.DEVNULL)
        try:
            url = f"redis://127.0.0.1:{port}/0"
            while not ping(url, 0.2):
                time.sleep(0.05)
            index = DedupeIndex(Redis.from_url(url), 0.4)
            store = open_store(str(Path(tmp) / "bench.sqlite3"))
            for page_url, body in corpus:
                text, _ = decode_html(body, None)
                _, ms = timed(
                    trafilatura.bare_extraction,
                    text,
                    url=page_url,
                    with_metadata=True,
                    include_comments=False,
                )
                costs["trafilatura"].append(ms)
                extracted, ms_e = timed(extract_article, body, page_url, None, fetched)
                if extracted is None:
                    continue
                article, ms_n = timed(
                    normalize_article, extracted, SOURCE, fetched, page_url
                )

                def dedupe(a: Any = article) -> Any:
                    found = fingerprint(a)
                    signature = text_signature(found.normalized)
                    return (
                        found,
                        signature,
                        index.decide(found.article_id, found.content_hash, signature),
                    )

                (found, signature, decision), ms_d = timed(dedupe)
                record = StoredArticle(
                    article_id=found.article_id,
                    content_hash=found.content_hash,
                    duplicate_of=None,
                    dup_kind=None,
                    similarity=None,
                    cluster_id=decision.original_id,
                    article=article,
                    stored_at=datetime.now(UTC),
                    minhash=signature.hex,
                )
                _, ms_s = timed(store.upsert_article, record)
                for key, value in (
                    ("extract", ms_e),
                    ("normalize", ms_n),
                    ("dedupe", ms_d),
                    ("store", ms_s),
                    ("job", ms_e + ms_n + ms_d + ms_s),
                ):
                    costs[key].append(value)
            store.close()
        finally:
            proc.terminate()
            proc.wait()
    median = {k: statistics.median(v) for k, v in costs.items() if v}
    print(
        f"{len(corpus)} pages ({len(costs['job'])} with an article); "
        "median ms per page:"
    )
    for key in ("trafilatura", "extract", "normalize", "dedupe", "store", "job"):
        print(f"  {key:<12} {median[key]:7.2f}")
    ratio = median["job"] / median["trafilatura"]
    around = median["normalize"] + median["dedupe"] + median["store"]
    print(
        f"whole job / trafilatura alone: {ratio:.2f} (ceiling {CEILING}); "
        f"everything after extraction: {around:.2f} ms "
        f"({around / median['trafilatura']:.0%} of trafilatura alone)"
    )
    return 0 if ratio <= CEILING else 1


if __name__ == "__main__":
    sys.exit(main())
