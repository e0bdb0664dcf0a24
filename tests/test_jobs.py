"""The ingest job on real Redis and SQLite: records, re-runs, races, failures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from redis import Redis
from rq import SimpleWorker
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer

from dateline.demo.site import Site, courier_url
from dateline.demo.stories import SEED_TITLE, seed_story
from dateline.failures import failed_jobs, requeue, traceback_of
from dateline.work import DatelineWorker
from tests.harness import demo_page, huge_page
from workers import jobs, keys, settings
from workers.models import Page
from workers.queueing import IngestQueue, ingest_queue, pack_body, unpack_body
from workers.store import open_store

FETCHED = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def page_of(site: Site, path: str, source_id: str = "demo-courier") -> Page:
    return demo_page(site, path, source_id, FETCHED)


def ingest(redis: Redis, page: Page) -> dict[str, Any]:
    """One page as a job of its own: its outcome."""
    return jobs.ingest_pages(waiting(redis, [page]))["outcomes"][0]


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
    result = ingest(redis, page)
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
    page = page_of(demo_site, courier_url(seed_story()))
    ingest(redis, page)
    before = records()
    again = ingest(redis, page)  # its body queued again: a re-delivery, re-run
    assert again["change"] == "unchanged"
    assert records() == before


def test_the_second_outlets_copy_is_an_exact_duplicate(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    ledger_path = next(
        p for p in demo_site.pages if p.startswith("/ledger/story/" + seed_story().slug)
    )
    first = ingest(redis, page_of(demo_site, courier_url(seed_story())))
    second = ingest(redis, page_of(demo_site, ledger_path, "demo-ledger"))
    assert second["outcome"] == "exact_copy"
    assert second["duplicate_of"] == first["article_id"]
    copy = next(r for r in records() if r["source_id"] == "demo-ledger")
    assert copy["dup_kind"] == "exact" and copy["duplicate_of"] == first["article_id"]


def test_a_page_without_article_is_recorded_as_no_article(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    result = ingest(redis, page_of(demo_site, demo_site.no_article_path))
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
    IngestQueue(redis).enqueue([page])
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
    assert requeue(redis, "ingest", [failed]) == 1
    worker.work(burst=True)
    assert FailedJobRegistry(queue=ingest_queue(redis, "ingest")).count == 0
    assert [r["title"] for r in records()] == [SEED_TITLE]


def test_failures_are_retried_then_kept_with_stage_and_payload(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    from rq.job import Job

    page = page_of(demo_site, courier_url(seed_story()), source_id="no-such-outlet")
    IngestQueue(redis, retry_intervals=(0, 0)).enqueue([page])
    worker = SimpleWorker(
        [ingest_queue(redis, "ingest")], connection=redis, serializer=JSONSerializer
    )
    worker.work(burst=True)
    [failed] = failed_jobs(redis, "ingest")
    job = Job.fetch(failed.job_id, connection=redis, serializer=JSONSerializer)
    assert job.retries_left == 0  # three attempts were made
    [payload] = job.args[0]
    body = unpack_body(redis.get(payload["body_key"]))  # waiting beside the job
    assert Page.from_payload(payload, body) == page  # the page is intact
    assert "StageError: load failed" in (traceback_of(job) or "")  # traceback kept


def test_a_poison_payload_fails_at_once_and_the_queue_flows_on(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    from rq import Retry

    queue = ingest_queue(redis, "ingest")
    queue.enqueue(
        "workers.jobs.ingest_pages",
        {"url": "http://x/", "schema": 1},
        retry=Retry(max=2),
    )
    IngestQueue(redis).enqueue([page_of(demo_site, courier_url(seed_story()))])
    SimpleWorker([queue], connection=redis, serializer=JSONSerializer).work(burst=True)
    [failed] = failed_jobs(redis, "ingest")
    assert failed.stage == "payload" and "PoisonPayload" in failed.error
    assert [r["title"] for r in records()] == [SEED_TITLE]


def work(redis: Redis) -> None:
    """What `dateline work --burst` does, in this process."""
    DatelineWorker(
        [ingest_queue(redis, "ingest")], connection=redis, serializer=JSONSerializer
    ).work(burst=True)


def waiting(redis: Redis, pages: list[Page]) -> list[dict[str, Any]]:
    """The pages' payloads, their bodies in Redis under keys numbered from 0."""
    payloads = []
    for i, page in enumerate(pages):
        redis.set(keys.PAGE_BODY.format(i), pack_body(page.body))
        payloads.append(page.to_payload(keys.PAGE_BODY.format(i)))
    return payloads


def courier_pages(site: Site, count: int) -> list[Page]:
    paths = [p for p in site.pages if p.startswith("/courier/news/2024/")]
    paths = [p for p in paths if p != site.no_article_path][:count]
    return [page_of(site, p) for p in paths]


def test_a_job_of_several_pages_stores_them_together_and_drops_their_bodies(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    pages = courier_pages(demo_site, 5)
    queue = IngestQueue(redis, pages_per_job=8)
    assert queue.enqueue(pages) == 5
    assert ingest_queue(redis, "ingest").count == 1  # one job holds the five
    assert len(redis.keys(keys.PAGE_BODY.format("*"))) == 5
    work(redis)
    assert sorted(r["url"] for r in records()) == sorted(p.url for p in pages)
    assert redis.keys(keys.PAGE_BODY.format("*")) == []  # recorded: bodies gone
    assert redis.keys(keys.QUEUED_URL.format("*")) == []


def test_a_page_failing_in_a_job_of_several_fails_alone_and_the_rest_are_stored(
    demo_site: Site, dateline_env: dict, redis: Redis, sources_dir: Any
) -> None:
    bad = page_of(demo_site, courier_url(seed_story()), source_id="renamed-outlet")
    good = [p for p in courier_pages(demo_site, 4) if p.url != bad.url][:3]
    batch = [*good[:2], bad, good[2]]
    queue = IngestQueue(redis, pages_per_job=8)
    # one source per job: the renamed outlet's page would get a job of its own;
    # put it in the same job to see a page fail among others
    result = jobs.ingest_pages(waiting(redis, batch))
    assert [f[0] for f in result["failed"]] == [bad.url]
    assert sorted(r["url"] for r in records()) == sorted(p.url for p in good)
    # the failing page was queued again alone; run alone it lands in the failed
    # registry with its stage and reason, its body kept for a re-queue
    work(redis)
    [failed] = failed_jobs(redis, "ingest")
    assert (failed.stage, failed.url) == ("load", bad.url)
    assert "renamed-outlet" in failed.error
    assert redis.exists(keys.PAGE_BODY.format(2))
    (sources_dir / "renamed-outlet.toml").write_text(
        (sources_dir / "demo-courier.toml").read_text()
    )
    requeue(redis, "ingest", [failed])
    work(redis)
    assert len(records()) == 4 and failed_jobs(redis, "ingest") == []
    assert queue.redis.keys(keys.PAGE_BODY.format("*")) == []


def test_a_job_run_again_after_its_pages_were_recorded_changes_nothing(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    pages = courier_pages(demo_site, 3)
    payloads = waiting(redis, pages)
    first = jobs.ingest_pages(payloads)
    assert {o["change"] for o in first["outcomes"]} == {"inserted"}
    again = jobs.ingest_pages(payloads)  # at-least-once: the bodies are gone now
    assert {o["outcome"] for o in again["outcomes"]} == {"already_recorded"}
    assert again["failed"] == [] and len(records()) == 3


def test_a_lost_body_of_an_unrecorded_page_is_a_load_failure_not_a_silent_skip(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    [page] = courier_pages(demo_site, 1)
    payload = page.to_payload(keys.PAGE_BODY.format("never-stored"))
    try:
        jobs.ingest_pages([payload])
    except jobs.StageError as exc:
        assert exc.stage == "load" and "gone" in exc.reason
    else:
        raise AssertionError("a page without its body was not reported")
    assert records() == []


def test_a_page_failing_at_extract_keeps_its_body_for_the_retry_alone(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    good = courier_pages(demo_site, 2)
    binary = Page(
        url=demo_site.base + "/courier/news/2024/03/19/binary",
        final_url=demo_site.base + "/courier/news/2024/03/19/binary",
        status=200,
        body=b"\x00\x01\x02PNG" * 4000,  # not text in any encoding
        fetched_at=FETCHED,
        source_id="demo-courier",
        url_key="binary",
        discovered_via="test",
    )
    result = jobs.ingest_pages(waiting(redis, [good[0], binary, good[1]]))
    assert [url for url, _ in result["failed"]] == [binary.url]
    assert "extract failed" in result["failed"][0][1]
    kept = redis.get(keys.PAGE_BODY.format(1))
    assert kept is not None and unpack_body(kept) == binary.body  # for the retry
    assert not redis.exists(keys.PAGE_BODY.format(0), keys.PAGE_BODY.format(2))
    work(redis)
    [failed] = failed_jobs(redis, "ingest")
    assert (failed.stage, failed.url) == ("extract", binary.url)
    assert "NUL" in failed.error
    assert len(records()) == 2


def test_a_body_waits_packed_and_comes_back_intact(demo_site: Site) -> None:
    body = page_of(demo_site, courier_url(seed_story())).body
    packed = pack_body(body)
    assert len(packed) < len(body) / 2 and unpack_body(packed) == body
    assert unpack_body(body) == body  # queued raw, before packing: passes through


def test_a_page_over_its_element_budget_fails_alone_and_fast(
    demo_site: Site, dateline_env: dict, redis: Redis
) -> None:
    """Issue 14, point 2: a page of 200,000 <p> elements would keep lxml and
    trafilatura busy past the job's timeout; it is recorded with its stage and
    cause, and the other pages of its job are stored."""
    import time

    good = courier_pages(demo_site, 3)
    huge = huge_page(good[0])
    started = time.perf_counter()
    result = jobs.ingest_pages(waiting(redis, [good[0], huge, *good[1:]]))
    assert time.perf_counter() - started < 60  # the job's own timeout is 180 s
    assert result["failed"] == []
    assert sorted(r["url"] for r in records()) == sorted(p.url for p in good)
    [outcome] = [o for o in result["outcomes"] if o["url"] == huge.url]
    assert outcome["outcome"] == "too_large"
    assert "extract: 200002 elements > 100000" in outcome["reason"]


def test_a_page_over_its_cpu_budget_is_recorded_not_raised(demo_site: Site) -> None:
    from config.source import adhoc_source
    from workers.budget import Budget
    from workers.models import SkippedPage
    from workers.stages import prepare_article

    page = courier_pages(demo_site, 1)[0]
    skipped = prepare_article(page, adhoc_source(), Budget(cpu_seconds=0.00001))
    assert isinstance(skipped, SkippedPage) and skipped.outcome == "too_large"
    assert "of CPU" in skipped.reason
