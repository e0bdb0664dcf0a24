"""`make bench-dedupe`: the dedupe index at 100,000 articles, on a private Redis.

Synthetic articles (random words from a news vocabulary, one in five a near copy
of an earlier one) are signed, then decided and inserted one by one, as workers
do. Printed: Redis memory per article for the index (used_memory growth over the
run, divided by the article count), and the median and p99 cost of one
check-and-insert (one script call over loopback), against the issue's ceilings.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from redis import Redis

from tests.harness import RedisServer
from workers.dedupe import normalized_text
from workers.dedupe_index import DedupeIndex, text_signature

MEMORY_CEILING = 1024  # bytes per article
LATENCY_CEILING = 1.0  # ms per check-and-insert, median


def articles(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    vocabulary = [
        hashlib.md5(str(i).encode()).hexdigest()[: rng.randint(3, 9)]
        for i in range(20000)
    ]
    made: list[tuple[str, str, str]] = []
    for n in range(count):
        if made and rng.random() < 0.2:
            _, _, base = made[rng.randrange(len(made))]
            words = base.split()
            cut = rng.randrange(len(words) // 2, len(words))
            text = " ".join(words[:cut] + rng.choices(vocabulary, k=20))
        else:
            text = " ".join(rng.choices(vocabulary, k=rng.randint(250, 700)))
        aid = hashlib.blake2b(f"url-{n}".encode(), digest_size=10).hexdigest()
        chash = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
        made.append((aid, chash, text))
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--articles", type=int, default=100_000)
    args = parser.parse_args(argv)
    rng = random.Random(1)
    print(f"signing {args.articles} synthetic articles ...", file=sys.stderr)
    signed = [
        (a, c, text_signature(normalized_text(t)))
        for a, c, t in articles(args.articles, rng)
    ]
    with tempfile.TemporaryDirectory(prefix="dateline-bench-") as tmp:
        server = RedisServer(Path(tmp), extra_args=("--appendonly", "no")).start()
        try:
            redis = Redis.from_url(server.url)
            index = DedupeIndex(redis, 0.4)
            index.decide(*signed[0])  # load the script
            redis.flushdb()
            before = int(redis.info("memory")["used_memory"])
            timings, kinds = [], {"original": 0, "exact": 0, "near": 0}
            for article_id, content_hash, signature in signed:
                started = time.perf_counter()
                decision = index.decide(article_id, content_hash, signature)
                timings.append((time.perf_counter() - started) * 1000)
                kinds[decision.dup_kind or "original"] += 1
            used = int(redis.info("memory")["used_memory"]) - before
            pings = []
            for _ in range(2000):  # the floor: one round trip, measured in this run
                started = time.perf_counter()
                redis.ping()
                pings.append((time.perf_counter() - started) * 1000)
        finally:
            server.stop()
    per_article = used / len(signed)
    floor = statistics.median(pings)
    timings.sort()
    median = statistics.median(timings)
    print(
        f"{len(signed)} articles: {kinds['original']} originals, {kinds['near']} near "
        f"and {kinds['exact']} exact copies"
    )
    print(
        f"redis memory for the index: {per_article:.0f} bytes per article "
        f"(ceiling {MEMORY_CEILING}: ratio {per_article / MEMORY_CEILING:.2f})"
    )
    print(
        f"check-and-insert: median {median:.3f} ms, p99 "
        f"{timings[int(len(timings) * 0.99)]:.3f} ms (ceiling {LATENCY_CEILING} ms: "
        f"ratio {median / LATENCY_CEILING:.2f}); a bare round trip here takes "
        f"{floor:.3f} ms (ratio {median / floor:.1f})"
    )
    ok = per_article <= MEMORY_CEILING and median <= LATENCY_CEILING
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
