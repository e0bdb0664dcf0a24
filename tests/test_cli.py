"""The `dateline` command on bad input and on local pages."""

from __future__ import annotations

import gzip
import json
import os
import select
import subprocess
from pathlib import Path
from typing import Any

from redis import Redis

from dateline.demo.site import Site, courier_url
from dateline.demo.stories import SEED_TITLE, seed_story, windows_1252_story
from dateline.operate import queue_status
from dateline.private_redis import free_port
from tests.harness import BIN
from tests.harness import REPO as REPO_ROOT
from workers import keys


def test_unreachable_redis_is_one_line_naming_the_url(
    dateline_env: dict, run: Any
) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    env = {**dateline_env, "DATELINE_REDIS_URL": url}
    from tests.harness import run_dateline

    for args in (
        ("status",),
        ("work", "--burst"),
        ("crawl", "demo-courier"),
        ("failed",),
    ):
        proc = run_dateline(env, *args, check=False)
        assert proc.returncode == 1
        assert proc.stderr.startswith(f"dateline: error: cannot reach Redis at {url}")
        assert len(proc.stderr.strip().splitlines()) == 1


def test_an_unusable_database_is_reported_when_work_starts(
    dateline_env: dict, tmp_path: Path
) -> None:
    from tests.harness import run_dateline

    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the database's folder should be")
    env = {**dateline_env, "DATELINE_DATABASE_URL": str(blocked / "db.sqlite3")}
    proc = run_dateline(env, "work", "-n", "2", "--burst", check=False)
    assert f"the database cannot be used yet (cannot open the database {blocked}" in (
        proc.stderr
    )
    assert proc.stderr.count("cannot be used yet") == 1  # once, not once per worker


def test_bad_config_names_file_and_key(
    dateline_env: dict, sources_dir: Path, run: Any
) -> None:
    bad = sources_dir / "broken.toml"
    bad.write_text(
        (sources_dir / "demo-courier.toml")
        .read_text()
        .replace('timezone = "Asia/Kuala_Lumpur"', 'timezone = "Asia/Atlantis"')
    )
    proc = run("sources", check=False)
    assert proc.returncode == 1
    assert f"{bad}: key 'timezone': expected an IANA timezone" in proc.stderr


def test_crawl_needs_sources(run: Any) -> None:
    proc = run("crawl", check=False)
    assert proc.returncode == 1 and "--all" in proc.stderr
    proc = run("crawl", "no-such-outlet", check=False)
    assert proc.returncode == 1 and "no such source 'no-such-outlet'" in proc.stderr


def test_extract_local_pages_plain_gz_and_broken(
    demo_site: Site, tmp_path: Path, run: Any
) -> None:
    seed = tmp_path / "seed.html.gz"
    seed.write_bytes(gzip.compress(demo_site.pages[courier_url(seed_story())][1]))
    cp1252 = tmp_path / "cafe.html"
    cp1252.write_bytes(demo_site.pages[courier_url(windows_1252_story())][1])
    empty = tmp_path / "live.html"
    empty.write_bytes(demo_site.pages[demo_site.no_article_path][1])
    manifest = tmp_path / "pages.jsonl"
    manifest.write_text(
        "\n".join(
            json.dumps(row)
            for row in [
                {
                    "path": "seed.html.gz",
                    "url": "https://example.com/seed",
                    "fetched_at": "2024-03-19T12:00:00Z",
                    "source_id": "demo-courier",
                },
                {"path": "cafe.html", "url": "https://example.com/cafe"},
                {"path": "live.html", "url": "https://example.com/live"},
                {"path": "missing.html", "url": "https://example.com/missing"},
            ]
        )
    )
    out = run("extract", "--manifest", str(manifest)).stdout.splitlines()
    rows = {Path(r["input"]).name: r for r in map(json.loads, out)}
    assert rows["seed.html.gz"]["status"] == "ok"
    assert rows["seed.html.gz"]["title"] == SEED_TITLE
    assert rows["seed.html.gz"]["dateline"]["place"] == "Kyiv"
    assert rows["seed.html.gz"]["source_id"] == "demo-courier"
    assert "São Paulo" in rows["cafe.html"]["text"]
    assert rows["live.html"]["status"] == "no_article"
    # unseen-pages issue, kind 11: a page with no article still shows its title
    assert rows["live.html"]["title"] == "LIVE: Parliament session"
    assert "text" not in rows["live.html"]
    assert rows["missing.html"]["status"] == "error"
    assert "missing.html" in rows["missing.html"]["error"]


def test_ingest_local_pages_then_work(
    demo_site: Site, tmp_path: Path, run: Any, redis: Redis
) -> None:
    path = tmp_path / "seed.html"
    path.write_bytes(demo_site.pages[courier_url(seed_story())][1])
    run("ingest", str(path), "--source", "demo-courier")
    assert queue_status(redis, "ingest")["queued"] == 1
    run("work", "-n", "1", "--burst")
    records = [json.loads(x) for x in run("export").stdout.splitlines()]
    assert [r["title"] for r in records] == [SEED_TITLE]
    proc = run("ingest", str(path), check=False)
    assert proc.returncode == 1 and "--source" in proc.stderr


def test_a_queue_per_source_group(
    demo_site: Site, tmp_path: Path, dateline_env: dict, redis: Redis
) -> None:
    """Issue 17, point 5 (the README's advice past one Redis): DATELINE_QUEUE
    names the queue pages go to and the one workers drain; workers of another
    queue leave them be."""
    from tests.harness import run_dateline

    path = tmp_path / "seed.html"
    path.write_bytes(demo_site.pages[courier_url(seed_story())][1])
    wires = {**dateline_env, "DATELINE_QUEUE": "wires"}
    enqueued = run_dateline(wires, "ingest", str(path), "--source", "demo-courier")
    assert "enqueued on 'wires'" in enqueued.stderr
    assert queue_status(redis, "wires")["queued"] == 1
    run_dateline(dateline_env, "work", "-n", "1", "--burst")  # the default queue's
    assert queue_status(redis, "wires")["queued"] == 1
    run_dateline(wires, "work", "-n", "1", "--burst")
    assert queue_status(redis, "wires")["queued"] == 0
    records = run_dateline(wires, "export").stdout.splitlines()
    assert [json.loads(r)["title"] for r in records] == [SEED_TITLE]


def test_failed_and_requeue_by_filter(
    demo_site: Site, tmp_path: Path, run: Any, redis: Redis, sources_dir: Path
) -> None:
    path = tmp_path / "seed.html"
    path.write_bytes(demo_site.pages[courier_url(seed_story())][1])
    (sources_dir / "gone.toml").write_text(
        (sources_dir / "demo-courier.toml").read_text()
    )
    run("ingest", str(path), "--source", "gone")
    (sources_dir / "gone.toml").unlink()  # the source vanishes before a worker runs
    first = run("work", "-n", "1", "--burst")
    # issue 14, point 7: a failed job is one line; its traceback only with -v
    assert "Traceback" not in first.stderr and "ConfigError" in first.stderr
    failed = json.loads(run("failed", "--json").stdout)
    assert len(failed) == 1
    assert failed[0]["stage"] == "load" and failed[0]["source_id"] == "gone"
    assert "no such source 'gone'" in failed[0]["error"]
    listing = run("failed", "--since", "1h").stdout
    assert (
        listing.startswith("1 x load: ConfigError") and failed[0]["job_id"] in listing
    )
    assert run("failed", "--since", "junk", check=False).returncode == 2
    assert run("requeue", "--since", "1h", "--dry-run").stdout.startswith(
        "would re-queue"
    )
    dry = run("requeue", "--error", "no such source", "--dry-run")
    assert "would re-queue" in dry.stdout
    assert json.loads(run("status", "--json").stdout)["failed"] == 1
    assert run("requeue", "--source", "demo-ledger").stderr.startswith("0 job(s)")
    (sources_dir / "gone.toml").write_text(
        (sources_dir / "demo-courier.toml").read_text()
    )
    run("requeue", "--source", "gone")
    burst = run("work", "-n", "1", "--burst")
    # issue 14, point 7: a burst ends with what became of its pages
    assert burst.stderr.strip().splitlines()[-1] == (
        "1 pages: 1 stored, 0 duplicates, 0 no article, 0 failed, 0 retrying"
    )
    status = json.loads(run("status", "--json").stdout)
    assert status["failed"] == 0 and status["articles"] == 1
    proc = run("requeue", check=False)
    assert proc.returncode == 1


def test_an_unusable_database_is_one_line(dateline_env: dict, tmp_path: Path) -> None:
    from tests.harness import run_dateline

    blocker = tmp_path / "file"
    blocker.write_text("")
    port = free_port()  # nothing listens there
    for url in (str(blocker / "db.sqlite3"), f"postgresql://u:pw@127.0.0.1:{port}/x"):
        proc = run_dateline(
            {**dateline_env, "DATELINE_DATABASE_URL": url}, "export", check=False
        )
        assert proc.returncode == 1
        assert proc.stderr.startswith("dateline: error: ")
        assert url.replace(":pw@", ":***@") in proc.stderr and ":pw@" not in proc.stderr


def test_status_watch_redraws_until_interrupted(dateline_env: dict) -> None:
    import signal
    import subprocess
    import sys
    import time

    from tests.harness import BIN

    # started as from a terminal, Ctrl-C at its default: a child of a shell's
    # background job inherits SIGINT ignored, and Python leaves it so
    launch = (
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
        "os.execv(sys.argv[1], sys.argv[1:])"
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            launch,
            str(BIN / "dateline"),
            "status",
            "--watch",
            "--interval",
            "0.2",
        ],
        env=dateline_env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    # issue 16, point 8: off a terminal, plain text: no escape codes
    assert "\x1b" not in out and out.count("-" * 72) >= 2 and "pages/min" in out


def test_status_watch_stops_on_a_ctrl_c_that_lands_in_a_finalizer(
    dateline_env: dict,
) -> None:
    """Ctrl-C delivered while a finalizer runs (here the one a redraw leaves
    behind, as a dropped connection pool's __del__ does): a KeyboardInterrupt
    raised there is printed and lost, and the watch ran on; it stops."""
    import subprocess
    import sys

    child = """if True:
        import os, signal, sys
        signal.signal(signal.SIGINT, signal.default_int_handler)
        from dateline import operate

        class Closing:
            def __del__(self):  # Ctrl-C arrives while this runs
                os.kill(os.getpid(), signal.SIGINT)
                for _ in range(1000):
                    pass

        report = operate.status_report

        def redraw(*args):
            Closing()
            return report(*args)

        operate.status_report = redraw
        sys.exit(operate._watch(0.2))
    """
    proc = subprocess.run(
        [sys.executable, "-c", child],
        env=dateline_env,
        text=True,
        capture_output=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("pages/min") == 1  # stopped after the first redraw


def test_ingest_a_warc_file_with_its_dates(
    demo_site: Site, tmp_path: Path, run: Any, redis: Redis
) -> None:
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "news.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)

        def response(url: str, status: str, ctype: str, body: bytes) -> None:
            headers = StatusAndHeaders(
                status, [("Content-Type", ctype)], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=BytesIO(body),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": "2024-03-19T12:00:00Z"},
                )
            )

        base = demo_site.base
        response(
            base + courier_url(seed_story()),
            "200 OK",
            "text/html; charset=utf-8",
            demo_site.pages[courier_url(seed_story())][1],
        )
        response(base + "/courier/logo.png", "200 OK", "image/png", b"\x89PNG")
        response(base + "/courier/gone", "404 Not Found", "text/html", b"gone")
        response("https://elsewhere.example/a", "200 OK", "text/html", b"<p>x</p>")
    proc = run("ingest", str(path))
    assert "1 HTML page(s) read" in proc.stderr
    assert "1 no source for its domain" in proc.stderr and "1 status 404" in proc.stderr
    run("work", "-n", "1", "--burst")
    [record] = [json.loads(x) for x in run("export").stdout.splitlines()]
    assert record["title"] == SEED_TITLE and record["source_id"] == "demo-courier"
    assert record["fetched_at"] == "2024-03-19T12:00:00Z"


def test_a_damaged_archive_gives_every_good_record_and_names_the_bad(
    demo_site: Site, tmp_path: Path, run: Any, redis: Redis
) -> None:
    """Issue 14, point 5: a record damaged in the middle and one cut short at the
    end are skipped with their offsets; the good ones before and after are queued,
    and the exit status says some were skipped."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    whole = tmp_path / "whole.warc.gz"
    paths = [p for p in demo_site.pages if p.startswith("/courier/news/")][:9]
    offsets = []
    with open(whole, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for path in paths:
            offsets.append(out.tell())
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    demo_site.base + path,
                    "response",
                    payload=BytesIO(demo_site.pages[path][1]),
                    http_headers=headers,
                )
            )
    data = bytearray(whole.read_bytes())
    middle = offsets[4]
    data[middle + 40 : middle + 90] = bytes(
        50
    )  # inside the fifth record's deflate data
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(bytes(data[: len(data) - 200]))  # the last record cut short
    proc = run("ingest", str(damaged), check=False)
    assert proc.returncode == 1, proc.stderr
    assert f"at byte {middle}" in proc.stderr
    assert f"at byte {offsets[-1]}: record cut short" in proc.stderr
    assert "7 page(s) enqueued" in proc.stderr


def test_every_page_has_a_place_in_status(
    demo_site: Site, tmp_path: Path, run: Any, redis: Redis
) -> None:
    """Issue 14, point 1: a page a dead worker took (left in RQ's intermediate
    list) counts as recovering, a scheduled retry as retrying with its due time."""
    from datetime import UTC, datetime, timedelta

    from rq.registry import ScheduledJobRegistry

    from workers.queueing import ingest_queue

    for i, path in enumerate(
        [p for p in demo_site.pages if p.startswith("/courier/news/2024/")][:3]
    ):
        page = tmp_path / f"p{i}.html"
        page.write_bytes(demo_site.pages[path][1])
        run("ingest", str(page), "--source", "demo-courier")
    queue = ingest_queue(redis, "ingest")
    first, second, _ = queue.get_job_ids()
    # what a worker's dequeue does before it registers the job as started
    redis.lrem(queue.key, 1, first)
    redis.rpush(queue.key + ":intermediate", first)
    redis.lrem(queue.key, 1, second)
    due = datetime.now(UTC) + timedelta(minutes=5)
    ScheduledJobRegistry(queue=queue).schedule(queue.fetch_job(second), due)
    status = json.loads(run("status", "--json").stdout)
    assert (status["queued"], status["recovering"], status["retrying"]) == (1, 1, 1)
    assert status["running"] == 0 and status["failed"] == 0
    assert status["next_retry_at"][:16] == due.isoformat()[:16]
    assert "1 recovering, 1 retrying (next" in run("status").stdout


def test_an_unknown_id_is_an_error_and_an_empty_match_is_not(
    run: Any, redis: Redis
) -> None:
    """Issue 14, point 7: one rule for every command."""
    proc = run("requeue", "no-such-job", check=False)
    assert proc.returncode != 0 and "no failed job no-such-job" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    # a source nobody configured or stored is a typo, not an empty match
    for command in ("failed", "requeue", "export", "clusters"):
        proc = run(command, "--source", "nothing-here", check=False)
        assert proc.returncode == 1, command
        assert proc.stderr.startswith("dateline: error: no source 'nothing-here'")
        assert "demo-courier" in proc.stderr and len(proc.stderr.splitlines()) == 1
        assert run(command, "--source", "demo-ledger").returncode == 0
    assert run("export", "--since", "0s").stderr.startswith("0 record(s)")


def test_the_private_redis_keeps_its_port_across_restarts(tmp_path: Path) -> None:
    """Issue 14, point 3: workers started against the private Redis find it on
    the same port after it is stopped and started again."""
    from dateline.private_redis import private_redis, stop_private

    first = private_redis(tmp_path)
    try:
        assert stop_private(tmp_path)
        again = private_redis(tmp_path)
        assert again == first
    finally:
        stop_private(tmp_path)


def test_doctor_is_one_line_a_check_and_fails_on_any_problem(
    dateline_env: dict, sources_dir: Path, redis: Redis
) -> None:
    """Issue 14, point 6."""
    from tests.harness import run_dateline

    env = {**dateline_env, "DATELINE_USER_AGENT": "TestNews/1.0 (+https://t.example)"}
    healthy = run_dateline(env, "doctor")
    lines = healthy.stdout.splitlines()
    assert len(lines) == 12 and all(line.startswith("ok") for line in lines), lines
    assert "rq-dashboard --json" in healthy.stdout  # issue 16, point 9
    assert "ok    redis access: loopback only" in healthy.stdout  # issue 15
    # the placeholder contact, a broken source file, a Redis of another database
    (sources_dir / "broken.toml").write_text('name = "x"\nfeeds = ["not a url"]\n')
    redis.set("dateline:database_id", "another-database")
    redis.set(keys.DEDUPE_BAND_256.format(0, 7), b"\x00" * 12)  # issue 17
    sick = run_dateline(dateline_env, "doctor", check=False)
    assert sick.returncode == 1
    failing = [
        ln.split(":")[0] for ln in sick.stdout.splitlines() if ln.startswith("FAIL")
    ]
    assert failing == [
        "FAIL  redis/database pair",
        "FAIL  sources",
        "FAIL  user agent",
        "FAIL  dedupe index",
    ]
    assert "dateline db adopt" in sick.stdout and "broken.toml" in sick.stdout
    assert "dateline dedupe rebuild" in sick.stdout


def test_failed_names_whole_job_failures_in_words(
    demo_site: Site, tmp_path: Path, run: Any, redis: Redis
) -> None:
    """Issue 14, point 7: a job that failed whole (its worker died, so no page
    raised) is listed under stage `job` with its cause in words and a time,
    not as `-: Moved to FailedJobRegistry...`."""
    import time

    from rq.job import JobStatus
    from rq.registry import StartedJobRegistry

    from workers.queueing import ingest_queue
    from workers.recovery import recover

    page = tmp_path / "p.html"
    page.write_bytes(demo_site.pages[courier_url(seed_story())][1])
    run("ingest", str(page), "--source", "demo-courier")
    queue = ingest_queue(redis, "ingest")
    (job_id,) = queue.get_job_ids()
    # what a worker killed mid-job with no retry left leaves behind
    job = queue.fetch_job(job_id)
    job.retries_left = 0
    job.save()
    job.set_status(JobStatus.STARTED)
    redis.lrem(queue.key, 1, job_id)
    redis.zadd(StartedJobRegistry(queue=queue).key, {f"{job_id}:x": time.time() - 1})
    assert recover(redis, queue).abandoned == 1
    (failed,) = json.loads(run("failed", "--json").stdout)
    assert failed["stage"] == "job" and failed["failed_at"]
    assert failed["error"] == "its worker died mid-job (AbandonedJobError)"
    listing = run("failed").stdout
    assert listing.startswith("1 x job: its worker died mid-job (AbandonedJobError)")
    assert run("failed", "--error", "worker died").stdout == listing


def test_whole_job_causes_read_as_rq_writes_them() -> None:
    """The strings are RQ 3's own (worker_classes.py, registry.py, timeouts.py)."""
    from dateline.failures import whole_job_cause

    assert (
        whole_job_cause(
            "Work-horse terminated unexpectedly; waitpid returned 9 (signal 9); "
        )
        == "its work-horse process was killed (signal 9)"
    )
    assert (
        whole_job_cause(
            "Traceback (most recent call last):\n  ...\n"
            "rq.timeouts.JobTimeoutException: "
            "Task exceeded maximum timeout value (180 seconds)",
            180,
        )
        == "it ran past its 180 s timeout (JobTimeoutException)"
    )
    assert whole_job_cause("Job stopped by user, work-horse terminated.") == (
        "it was stopped by hand"
    )
    assert whole_job_cause("Traceback...\nValueError: odd") == "ValueError: odd"
    assert whole_job_cause(None) == "unknown error"


def test_doctor_flags_a_redis_anyone_can_reach() -> None:
    """Issue 15, point 1: a Redis with no password listening beyond loopback
    lets anyone queue jobs; values as `CONFIG GET bind` gives them."""
    from dateline.doctor import exposure

    assert exposure("0.0.0.0", "no", password=False) == "0.0.0.0"
    assert exposure("127.0.0.1 10.0.0.5", "yes", password=False) == "10.0.0.5"
    assert exposure("* -::*", "no", password=False) == "*, ::*"
    assert exposure("* -::*", "yes", password=False) is None  # protected mode
    assert exposure("127.0.0.1 -::1", "no", password=False) is None
    assert exposure("0.0.0.0", "no", password=True) is None


def test_source_ids_cannot_lead_out_of_the_sources_directory(
    run: Any, tmp_path: Path, sources_dir: Path, demo_site: Site
) -> None:
    """Issue 15, point 5: an id is lower-case letters, digits, '.', '_', '-',
    wherever it enters (command line, manifest, a file's name); anything else is
    refused in one line, and no file outside the sources directory is read."""
    outside = tmp_path / "evil.toml"  # what ../evil would load
    outside.write_text((sources_dir / "demo-courier.toml").read_text())
    page = tmp_path / "p.html"
    page.write_bytes(demo_site.pages[courier_url(seed_story())][1])
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(
        json.dumps({"path": str(page), "url": "http://x/a", "source_id": "../evil"})
        + "\n"
    )
    for args in (
        ("crawl", "../evil"),
        ("crawl", "Evil"),
        ("extract", str(page), "--source", "../evil"),
        ("ingest", str(page), "--source", "a/b"),
        ("ingest", "--manifest", str(manifest)),
        ("extract", "--manifest", str(manifest)),
    ):
        proc = run(*args, check=False)
        assert proc.returncode == 1, args
        assert "is not a source id" in proc.stderr, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, (args, proc.stderr)
    (sources_dir / "Bad Name.toml").write_text("")
    proc = run("sources", check=False)
    assert proc.returncode == 1 and "the file name: 'Bad Name'" in proc.stderr


def everything_in(redis: Redis) -> bytes:
    """Every key and value Redis holds, as one blob to grep."""
    blob = []
    for key in redis.scan_iter(count=1000):
        kind = redis.type(key)
        blob.append(key)
        if kind == b"string":
            blob.append(redis.get(key) or b"")
        elif kind == b"hash":
            for k, v in redis.hgetall(key).items():
                blob += [k, v]
        elif kind == b"list":
            blob += redis.lrange(key, 0, -1)
        elif kind in (b"set",):
            blob += list(redis.smembers(key))
        elif kind == b"zset":
            blob += redis.zrange(key, 0, -1)
    return b"\n".join(blob)


def test_secrets_in_urls_are_never_printed_logged_or_stored(
    dateline_env: dict, demo_site: Site, tmp_path: Path, redis: Redis
) -> None:
    """Issue 15, point 4: passwords in userinfo (with '/', ':' or '@' in them)
    and in password/token query parameters are masked in what every command
    prints, in the log file, in Redis and in the failed registry, including
    a driver's error that quotes the URL; unknown schemes are refused."""
    from tests.harness import run_dateline

    secrets = ("pa/ss:w@rd1", "hunter2", "t0ken9")
    closed = free_port()
    cases = [
        {"DATELINE_REDIS_URL": f"redis://:pa/ss:w@rd1@127.0.0.1:{closed}/0"},
        {"DATELINE_REDIS_URL": f"redis://127.0.0.1:{closed}/0?password=hunter2"},
        {  # psycopg repeats a URI it cannot parse, password and all
            "DATELINE_DATABASE_URL": "postgresql://u:pa/ss:w@rd1@127.0.0.1:1/x"
            "?password=hunter2&token=t0ken9&sslmode=bogus"
        },
    ]
    page = tmp_path / "p.html"
    page.write_bytes(demo_site.pages[courier_url(seed_story())][1])
    for i, case in enumerate(cases):
        env = {**dateline_env, **case}
        log = tmp_path / f"work{i}.log"
        said = []
        for args in (
            ("status",),
            ("doctor",),
            ("ingest", str(page), "--source", "demo-courier"),
            ("work", "-n", "1", "--burst", "--log-file", str(log)),
            ("failed", "-v"),
            ("failed", "--json"),
        ):
            proc = run_dateline(env, *args, check=False)
            said.append(proc.stdout + proc.stderr)
        if log.exists():
            said.append(log.read_text())
        text = "\n".join(said)
        assert "***" in text, case
        for secret in secrets:
            assert secret not in text, (case, secret)
            assert secret.encode() not in everything_in(redis), (case, secret)
    for url, scheme in (
        ("mysql://u:hunter2@h/db", "mysql://"),
        ("postgresql+psycopg://u:hunter2@h/db", "postgresql+psycopg://"),
    ):
        env = {**dateline_env, "DATELINE_DATABASE_URL": url}
        proc = run_dateline(env, "status", check=False)
        assert proc.returncode == 1 and f"unknown scheme '{scheme}'" in proc.stderr
        assert "postgresql://" in proc.stderr and "hunter2" not in proc.stderr
    assert not list(REPO_ROOT.glob("mysql*")) and not list(REPO_ROOT.glob("postgres*"))


def test_a_gz_bomb_is_too_large_in_bounded_memory(
    demo_site: Site, tmp_path: Path, run: Any, dateline_env: dict
) -> None:
    """Issue 15, point 6: a local .html.gz inflates no further than the page
    budget: extract says too_large, ingest skips it with a warning, enqueues
    the good page beside it and exits 1. (A 1 GB bomb: 1 MB compressed.)"""
    import zlib

    from tests.harness import run_dateline

    bomb = tmp_path / "bomb.html.gz"
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    with bomb.open("wb") as out:
        chunk = b"<p>" + b"a" * (1 << 20)
        for _ in range(1024):
            out.write(packer.compress(chunk))
        out.write(packer.flush())
    good = tmp_path / "good.html"
    good.write_bytes(demo_site.pages[courier_url(seed_story())][1])
    env = {**dateline_env, "DATELINE_MAX_PAGE_BYTES": str(4 << 20)}
    child = subprocess.Popen(
        [str(BIN / "dateline"), "extract", str(bomb), str(good), "--source",
         "demo-courier"],
        env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    out = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    assert status == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["status"] for r in rows] == ["too_large", "ok"]
    assert "larger than 4194304 bytes once decompressed" in rows[0]["error"]
    assert usage.ru_maxrss < 600 * 1024  # KiB: far from the bomb's 1 GiB
    ingest = run_dateline(
        env, "ingest", str(bomb), str(good), "--source", "demo-courier", check=False
    )
    assert ingest.returncode == 1
    assert f"skipped {bomb}: larger than" in ingest.stderr
    assert "1 page(s) enqueued" in ingest.stderr


def test_a_zone_name_dateutil_cannot_place_is_not_printed() -> None:
    """htmldate hands dateutil dates like `10:00 EST`; its warning says nothing
    a user can act on, and `dateline extract` printed it on real pages."""
    import subprocess
    import sys

    script = (
        "import argparse, warnings\n"
        "from dateline.logs import configure_logging\n"
        "from dateutil.parser import UnknownTimezoneWarning\n"
        "configure_logging(argparse.Namespace(verbose={v}))\n"
        "warnings.warn('tzname EST identified', UnknownTimezoneWarning)\n"
    )
    quiet, verbose = (
        subprocess.run(
            [sys.executable, "-c", script.format(v=v)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )  # fmt: skip
        for v in (False, True)
    )
    assert quiet.stderr == ""
    assert "UnknownTimezoneWarning" in verbose.stderr


def test_extract_prints_each_record_before_reading_the_next_input(
    demo_site: Site, tmp_path: Path, dateline_env: dict[str, str]
) -> None:
    """A manifest of thousands streams: the first record is out while the
    second input (a pipe nobody has written yet) is still unread."""
    seed = tmp_path / "seed.html"
    seed.write_bytes(demo_site.pages[courier_url(seed_story())][1])
    later = tmp_path / "later.html"
    os.mkfifo(later)
    manifest = tmp_path / "pages.jsonl"
    manifest.write_text(
        json.dumps({"path": str(seed), "url": "https://example.com/seed"})
        + "\n"
        + json.dumps({"path": str(later), "url": "https://example.com/later"})
    )
    proc = subprocess.Popen(
        [str(BIN / "dateline"), "extract", "--manifest", str(manifest)],
        env=dateline_env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "no record printed before the second input was read"
        first = json.loads(proc.stdout.readline())
        assert first["status"] == "ok" and first["title"] == SEED_TITLE
        later.write_bytes(demo_site.pages[demo_site.no_article_path][1])
        second = json.loads(proc.stdout.readline())
        assert second["status"] == "no_article"
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()


def test_the_demo_names_the_next_commands_as_the_user_would_type_them(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """`make demo` runs `.venv/bin/dateline` from a checkout: that is what it
    suggests next; once `dateline` on PATH is the same program, the bare name."""
    import sys

    from dateline.demo import command

    exe = tmp_path / ".venv" / "bin" / "dateline"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setattr(sys, "argv", [str(exe), "demo"])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert command() == ".venv/bin/dateline"
    monkeypatch.setenv("PATH", str(exe.parent))
    assert command() == "dateline"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert command() == str(exe.resolve())
