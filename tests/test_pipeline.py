"""End to end, as a user runs it: `dateline crawl` over the demo site on 127.0.0.1,
`dateline work` processes on a real Redis, `dateline status`, and the re-run."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from redis import Redis

from dateline.demo.site import courier_url
from dateline.demo.stories import SEED_TITLE, seed_story
from dateline.operate import queue_status
from tests.harness import WatchedSite, run_dateline
from workers.models import Page
from workers.queueing import IngestQueue

pytestmark = pytest.mark.slow


def queued_pages(redis: Redis) -> int:
    return queue_status(redis, "ingest")["queued"]


def article_requests(site: WatchedSite) -> list[str]:
    return [p for p in site.requests if "/news/" in p or "/story/" in p]


def test_crawl_work_status_and_an_incremental_recrawl(
    demo_site: WatchedSite, run: Any, redis: Redis
) -> None:
    crawl = run("crawl", "demo-courier", "demo-ledger")
    assert "demo-courier: finished" in crawl.stdout
    # issue 14: cron mails stderr, so a good run off a terminal writes none
    assert crawl.stderr == ""
    # each article counted once, though the feed and both sections list it
    assert (
        "demo-courier: finished" in crawl.stdout
        and "35 article URLs listed" in crawl.stdout
    )
    enqueued = queued_pages(redis)
    # 33 courier articles + the no-article page; 32 ledger articles
    assert enqueued == 34 + 32
    run("work", "-n", "2", "--burst", timeout=300)
    status = json.loads(run("status", "--json").stdout)
    assert status["failed"] == 0 and status["queued"] == 0
    assert status["originals"] == 33 + 32 - 12
    assert status["duplicates"] == {"exact": 6, "near": 6}
    assert status["no_article"] == 1
    assert status["per_source"]["demo-courier"]["articles"] == 33

    demo_site.requests.clear()
    again = run("crawl", "demo-courier", "demo-ledger")
    assert "0 enqueued" in again.stdout
    assert article_requests(demo_site) == []  # nothing stored is fetched again
    run("work", "-n", "1", "--burst")
    assert json.loads(run("status", "--json").stdout)["articles"] == status["articles"]

    clusters = json.loads(run("clusters", "--json").stdout)
    seed_cluster = next(c for c in clusters if c["original"]["title"] == SEED_TITLE)
    outlets = {
        seed_cluster["original"]["source_id"],
        *(c["source_id"] for c in seed_cluster["copies"]),
    }
    assert outlets == {"demo-courier", "demo-ledger"}
    assert len(clusters) == 12  # the wire stories both outlets carry
    rebuilt = run("dedupe", "rebuild").stdout
    assert "0 decision(s) differ" in rebuilt

    exported = [json.loads(line) for line in run("export").stdout.splitlines()]
    assert len(exported) == status["articles"]
    seed = [r for r in exported if r["title"] == SEED_TITLE]
    assert len(seed) == 2 and sum(r["duplicate_of"] is None for r in seed) == 1


def test_the_same_page_enqueued_twice_for_two_workers_gives_one_record(
    demo_site: WatchedSite,
    run: Any,
    redis: Redis,
    dateline_env: dict,
) -> None:
    path = courier_url(seed_story())
    ctype, body = demo_site.pages[path]
    from datetime import UTC, datetime

    page = Page(
        url=demo_site.base + path,
        final_url=demo_site.base + path,
        status=200,
        body=body,
        fetched_at=datetime.now(UTC),
        source_id="demo-courier",
        url_key="seed",
        discovered_via="test",
    )
    queue = IngestQueue(redis)
    for _ in range(6):
        queue.enqueue([page], force=True)
    assert queued_pages(redis) == 6
    run("work", "-n", "2", "--burst")
    status = json.loads(run("status", "--json").stdout)
    failed = run("failed").stdout
    assert status["articles"] == 1 and status["failed"] == 0, failed


def test_a_source_whose_feed_is_gone_fails_the_crawl(
    demo_site: WatchedSite, run: Any, sources_dir: Any
) -> None:
    path = sources_dir / "demo-courier.toml"
    path.write_text(path.read_text().replace("/courier/rss.xml", "/courier/gone.xml"))
    proc = run("crawl", "demo-courier", "demo-ledger", check=False)
    assert proc.returncode == 1
    assert "demo-courier: finished" in proc.stdout and "FAILED" in proc.stdout
    assert "crawl failed for: demo-courier" in proc.stderr
    assert "crawl failed for: demo-courier\n" in proc.stderr  # not demo-ledger
    # issue 14, point 7: the source and the cause, in one line
    cause = next(
        ln
        for ln in proc.stderr.splitlines()
        if ln.startswith("dateline: demo-courier:")
    )
    assert "could not fetch" in cause and "/courier/gone.xml" in cause


def test_workers_store_in_postgresql(
    demo_site: WatchedSite,
    dateline_env: dict,
    postgres_url: str,
    tmp_path: Any,
    redis: Redis,
) -> None:
    from tests.harness import run_dateline

    env = {**dateline_env, "DATELINE_DATABASE_URL": postgres_url}
    manifest = tmp_path / "pages.jsonl"
    rows = []
    for path in (
        courier_url(seed_story()),
        demo_site.no_article_path,
        next(
            p
            for p in demo_site.pages
            if p.startswith("/ledger/story/" + seed_story().slug)
        ),
    ):
        file = tmp_path / (path.strip("/").replace("/", "_") + ".html")
        file.write_bytes(demo_site.pages[path][1])
        source = "demo-ledger" if "ledger" in path else "demo-courier"
        rows.append(
            json.dumps(
                {"path": str(file), "url": demo_site.base + path, "source_id": source}
            )
        )
    manifest.write_text("\n".join(rows))
    assert "current schema" in run_dateline(env, "db", "upgrade").stdout
    run_dateline(env, "ingest", "--manifest", str(manifest))
    run_dateline(env, "work", "-n", "2", "--burst")
    status = json.loads(run_dateline(env, "status", "--json").stdout)
    assert (status["originals"], status["duplicates"], status["no_article"]) == (
        1,
        {"exact": 1},
        1,
    )
    assert "postgresql://" in status["database"]
    [cluster] = json.loads(run_dateline(env, "clusters", "--json").stdout)
    assert cluster["original"]["title"] == SEED_TITLE


def test_overlapping_crawls_one_works_the_other_skips(
    demo_site: WatchedSite, dateline_env: dict, redis: Redis
) -> None:
    import subprocess

    from tests.harness import BIN

    demo_site.requests.clear()
    demo_site.delay = 0.2  # slow enough that the two runs overlap (a crawl takes ~3 s)
    try:
        runs = [
            subprocess.Popen(
                [str(BIN / "dateline"), "crawl", "demo-courier", "demo-ledger"],
                env=dateline_env,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        outputs = [r.communicate(timeout=300) for r in runs]
    finally:
        demo_site.delay = 0.0
    assert all(r.returncode == 0 for r in runs), outputs
    text = "".join(out for out, _ in outputs)
    assert text.count("demo-courier: skipped, another crawl") == 1
    assert text.count("demo-courier: finished") == 1
    fetched = article_requests(demo_site)
    assert len(fetched) == len(set(fetched)) == 34 + 32  # nothing fetched twice
    assert queued_pages(redis) == 66
    assert not redis.exists("dateline:lock:crawl:demo-courier")  # released


def test_a_held_lock_skips_the_source(run: Any, redis: Redis) -> None:
    redis.set("dateline:lock:crawl:demo-ledger", "another-host:1:run", ex=60)
    out = run("crawl", "demo-courier", "demo-ledger").stdout
    assert "demo-ledger: skipped" in out and "demo-courier: finished" in out
    assert redis.get("dateline:lock:crawl:demo-ledger") == b"another-host:1:run"


def test_recrawls_are_conditional_and_revisit_when_asked(
    demo_site: WatchedSite, run: Any, redis: Redis, sources_dir: Any
) -> None:
    import time

    run("crawl", "demo-courier", "demo-ledger")
    run("work", "-n", "2", "--burst")
    demo_site.requests.clear()
    again = run("crawl", "demo-courier", "demo-ledger").stdout
    assert again.count("feeds/sitemaps unchanged") == 2  # the RSS feed and the sitemap
    assert "0 enqueued" in again and article_requests(demo_site) == []
    # A source that revisits: records older than revisit_hours are fetched again.
    path = sources_dir / "demo-ledger.toml"
    path.write_text(
        path.read_text().replace("max_age_days", "revisit_hours = 1\nmax_age_days")
    )
    old = time.time() - 7200
    redis.zadd(
        "dateline:recorded", {m: old for m in redis.zrange("dateline:recorded", 0, -1)}
    )
    demo_site.requests.clear()
    revisit = run("crawl", "demo-ledger").stdout
    assert "32 revisited" in revisit and "32 enqueued" in revisit
    run("work", "-n", "2", "--burst")
    status = json.loads(run("status", "--json").stdout)
    assert status["articles"] == 65  # revisits of unchanged pages change nothing


def test_sigterm_lets_the_running_job_finish(
    demo_site: WatchedSite, dateline_env: dict, redis: Redis, tmp_path: Any
) -> None:
    import signal
    import subprocess
    import time
    from datetime import UTC, datetime

    from rq.registry import StartedJobRegistry

    from tests.harness import BIN
    from workers.queueing import ingest_queue

    paragraph = "<p>" + "The council debated the budget until late at night. " * 40
    body = (
        "<html><body><article><h1>A long council report</h1>"
        + (paragraph + "</p>") * 1500
        + "</article></body></html>"
    ).encode()
    page = Page(
        url=demo_site.base + "/courier/news/2024/03/19/long-report",
        final_url=demo_site.base + "/courier/news/2024/03/19/long-report",
        status=200,
        body=body,
        fetched_at=datetime.now(UTC),
        source_id="demo-courier",
        url_key="long",
        discovered_via="test",
    )
    IngestQueue(redis).enqueue([page])
    proc = subprocess.Popen(
        [str(BIN / "dateline"), "work", "-n", "1"],
        env=dateline_env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    started = StartedJobRegistry(queue=ingest_queue(redis, "ingest"))
    deadline = time.monotonic() + 60
    while not started.count and time.monotonic() < deadline:
        time.sleep(0.01)
    assert started.count == 1  # the job is running now
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    status = json.loads(run_dateline(dateline_env, "status", "--json").stdout)
    assert status["articles"] == 1 and status["queued"] == 0 and status["failed"] == 0


def test_a_lock_dies_with_its_crawl(run: Any, redis: Redis) -> None:
    """Issue 14, point 3: a lock whose crawl died on this host does not make the
    next cron run skip the source for the lock's TTL."""
    import socket
    import subprocess

    gone = subprocess.Popen(["true"])
    gone.wait()  # a pid that no longer runs
    redis.set(
        "dateline:lock:crawl:demo-ledger",
        f"{socket.gethostname()}:{gone.pid}:dead",
        ex=600,
    )
    out = run("crawl", "demo-ledger").stdout
    assert "demo-ledger: finished" in out
    assert not redis.exists("dateline:lock:crawl:demo-ledger")  # taken, then released


def test_recorded_marks_past_their_retention_are_forgotten(
    demo_site: WatchedSite, run: Any, redis: Redis
) -> None:
    """Issue 14, point 8: the recorded-URL set stays bounded. A source's URLs
    recorded longer ago than its retention (365 days by default) are dropped when
    it is crawled; other sources' marks and recent ones stay."""
    from urllib.parse import urlsplit

    from workers import keys

    run("crawl", "demo-courier")  # Redis and the database are paired now
    run("work", "-n", "1", "--burst")
    host = urlsplit(demo_site.base).netloc
    redis.zadd(
        keys.RECORDED_URLS,
        {
            f"{host}/courier/news/2019/01/01/old-story": 1_546_300_800,  # 2019
            "elsewhere.example/2019/old": 1_546_300_800,
            f"{host}/courier/news/recent": time.time(),
        },
    )
    proc = run("crawl", "demo-courier")
    assert "demo-courier: 1 URL(s) recorded more than 365 days ago forgotten" in (
        proc.stderr
    )
    assert (
        redis.zscore(keys.RECORDED_URLS, f"{host}/courier/news/2019/01/01/old-story")
        is None
    )
    assert redis.zscore(keys.RECORDED_URLS, "elsewhere.example/2019/old") is not None
    assert redis.zscore(keys.RECORDED_URLS, f"{host}/courier/news/recent") is not None


def test_redis_and_the_database_are_one_pair(
    demo_site: WatchedSite, run: Any, redis: Redis, dateline_env: dict, tmp_path: Any
) -> None:
    """Issue 14, point 4: the same Redis pointed at a new, empty database must not
    say "already stored or queued" and store nothing: the command refuses in one
    line with the remedy, and `dateline db adopt` rebuilds the marks."""
    from tests.harness import run_dateline

    run("crawl", "demo-courier")
    run("work", "-n", "1", "--burst")
    other = {**dateline_env, "DATELINE_DATABASE_URL": str(tmp_path / "new.sqlite3")}
    refused = run_dateline(other, "crawl", "demo-courier", check=False)
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "another database" in refused.stderr and "dateline db adopt" in (
        refused.stderr
    )
    assert (
        run_dateline(other, "work", "-n", "1", "--burst", check=False).returncode == 1
    )
    adopted = run_dateline(other, "db", "adopt")
    assert "0 recorded URL(s)" in adopted.stdout
    crawl = run_dateline(other, "crawl", "demo-courier").stdout
    assert "0 already stored or queued" in crawl


def test_a_crawl_that_reaches_nothing_says_so_in_a_few_lines(
    run: Any, sources_dir: Any, tmp_path: Any
) -> None:
    """Issue 14, point 7: a source whose host refuses every connection (a crawl
    without a network) prints the source and the cause, no traceback and no
    line per failed download; the log file keeps the details."""
    from dateline.private_redis import free_port

    path = sources_dir / "demo-courier.toml"
    base = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    text = path.read_text()
    old = text.split('homepage = "', 1)[1].split("/courier", 1)[0]
    path.write_text(text.replace(old, base))
    log = tmp_path / "crawl.log"
    proc = run("crawl", "demo-courier", "--log-file", str(log), check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert "Traceback" not in proc.stderr and "Gave up retrying" not in proc.stderr
    assert all(not ln.startswith(" ") for ln in lines)
    assert len(lines) <= 6, proc.stderr  # start, a line a listing, cause, verdict
    assert any(
        ln.startswith("dateline: demo-courier: could not fetch")
        and "Connection was refused" in ln
        for ln in lines
    ), proc.stderr
    details = log.read_text()  # the details, on request
    assert "Gave up retrying" in details and "crawling 1 source(s)" in details
