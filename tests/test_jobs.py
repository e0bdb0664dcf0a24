"""The ingest job on real Redis and SQLite: records, re-runs, races, failures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from redis import Redis
from rq import SimpleWorker
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer

from dateline.demosite import SEED_TITLE, Site, courier_url, seed_story
from dateline.operate import failed_jobs, requeue, traceback_of
from workers import jobs, keys, settings
from workers.models import Page
from workers.queueing import IngestQueue, ingest_queue
from workers.store import open_store

FETCHED = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def page_of(site: Site, path: str, source_id: str = "demo-courier") -> Page:
    ctype, body = site.pages[path]
    return Page(
        url=site.base + path,
        final_url=site.base + path,
        status=200,
        body=body,
        fetched_at=FETCHED,
        source_id=source_id,
        discovered_via="test",
        declared_charset=ctype.split("charset=")[1],
    )


def records() -> list[dict[str, Any]]:
    store = open_store(settings.DATABASE_URL)
    try:
        return list(store.iter_records())
    finally:
        store.close()


def test_ingest_page_stores_the_seed_record(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    page = page_of(demo_site, courier_url(seed_story()))
    result = jobs.ingest_page(page.to_payload())
    assert result["outcome"] == "stored" and result["change"] == "inserted"
    [record] = records()
    assert record["title"] == SEED_TITLE
    assert record["published_at"] == "2024-03-19T09:42:00Z"
    assert record["published_raw"] == "2024-03-19T17:42:00+08:00"
    assert (record["dateline"]["place"], record["dateline"]["agency"]) == (
        "Kyiv",
        "Reuters",
    )
    assert record["dateline"]["country"] == "UA"
    assert record["dateline"]["geonameid"] == 703448
    assert record["credits"]["editors"] == ["Tom Balmforth", "Christina Fincher"]
    assert record["authors"] == ["Anastasiia Malenko"]
    port = demo_site.port
    key = f"127.0.0.1:{port}{courier_url(seed_story())}"
    assert redis.zscore(keys.RECORDED_URLS, key) is not None


def test_running_the_same_job_twice_changes_nothing(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    payload = page_of(demo_site, courier_url(seed_story())).to_payload()
    jobs.ingest_page(payload)
    before = records()
    again = jobs.ingest_page(payload)
    assert again["change"] == "unchanged"
    assert records() == before


def test_the_second_outlets_copy_is_an_exact_duplicate(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    ledger_path = next(
        p for p in demo_site.pages if p.startswith("/ledger/story/" + seed_story().slug)
    )
    first = jobs.ingest_page(page_of(demo_site, courier_url(seed_story())).to_payload())
    second = jobs.ingest_page(
        page_of(demo_site, ledger_path, "demo-ledger").to_payload()
    )
    assert second["outcome"] == "exact_copy"
    assert second["duplicate_of"] == first["article_id"]
    copy = next(r for r in records() if r["source_id"] == "demo-ledger")
    assert copy["dup_kind"] == "exact" and copy["duplicate_of"] == first["article_id"]


def test_a_page_without_article_is_recorded_as_no_article(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    result = jobs.ingest_page(
        page_of(demo_site, demo_site.no_article_path).to_payload()
    )
    assert result["outcome"] == "no_article"
    store = open_store(settings.DATABASE_URL)
    assert store.counts()["no_article"] == 1
    assert store.counts()["articles"] == 0


def test_a_failing_page_lands_in_the_failed_registry_with_stage_and_can_be_requeued(
    demo_site: Site,
    dateline_env: dict,
    redis: Redis,
    sources_dir: Any,
) -> None:
    page = page_of(demo_site, courier_url(seed_story()), source_id="renamed-outlet")
    IngestQueue(redis).enqueue([(page, "k1")])
    worker = SimpleWorker(
        [ingest_queue(redis, "ingest")], connection=redis, serializer=JSONSerializer
    )
    worker.work(burst=True)
    [failed] = failed_jobs(redis, "ingest")
    assert failed.stage == "load"
    assert "renamed-outlet" in failed.error and failed.url == page.url
    assert failed.source_id == "renamed-outlet"
    # Fix the cause (the source file), re-queue, and the page goes through intact.
    (sources_dir / "renamed-outlet.toml").write_text(
        (sources_dir / "demo-courier.toml").read_text()
    )
    jobs.reset_connections()
    assert requeue(redis, "ingest", [failed]) == 1
    worker.work(burst=True)
    assert FailedJobRegistry(queue=ingest_queue(redis, "ingest")).count == 0
    assert [r["title"] for r in records()] == [SEED_TITLE]


def test_failures_are_retried_then_kept_with_stage_and_payload(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    from rq.job import Job

    page = page_of(demo_site, courier_url(seed_story()), source_id="no-such-outlet")
    IngestQueue(redis, retry_intervals=(0, 0)).enqueue([(page, "k1")])
    worker = SimpleWorker(
        [ingest_queue(redis, "ingest")], connection=redis, serializer=JSONSerializer
    )
    worker.work(burst=True)
    [failed] = failed_jobs(redis, "ingest")
    job = Job.fetch(failed.job_id, connection=redis, serializer=JSONSerializer)
    assert job.retries_left == 0  # three attempts were made
    assert Page.from_payload(job.args[0]) == page  # the payload is intact
    assert "StageError: load failed" in (traceback_of(job) or "")  # traceback kept


def test_a_poison_payload_fails_at_once_and_the_queue_flows_on(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    from rq import Retry

    queue = ingest_queue(redis, "ingest")
    queue.enqueue(
        "workers.jobs.ingest_page",
        {"url": "http://x/", "schema": 1},
        retry=Retry(max=2),
    )
    IngestQueue(redis).enqueue([(page_of(demo_site, courier_url(seed_story())), "k")])
    SimpleWorker([queue], connection=redis, serializer=JSONSerializer).work(burst=True)
    [failed] = failed_jobs(redis, "ingest")
    assert failed.stage == "payload" and "PoisonPayload" in failed.error
    assert [r["title"] for r in records()] == [SEED_TITLE]
