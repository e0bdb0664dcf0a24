"""Dedupe: canonical URLs (table-driven), content hashes, atomic claims in Redis."""

from __future__ import annotations

import threading

import pytest
from redis import Redis

from config.loader import SourceConfig
from workers.dedupe import (
    DedupeIndex,
    article_id,
    canonical_url,
    content_hash,
    page_key,
    resolve_canonical,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Example.COM/a/./b/../c", "https://example.com/a/c"),
        ("http://example.com:80/x", "http://example.com/x"),
        ("https://example.com:443/x", "https://example.com/x"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://example.com/x#comments", "https://example.com/x"),
        ("https://example.com/x?b=2&a=1", "https://example.com/x?a=1&b=2"),
        (
            "https://example.com/x?utm_source=rss&utm_medium=feed&id=7",
            "https://example.com/x?id=7",
        ),
        (
            "https://example.com/x?fbclid=abc&gclid=def&CMP=share&ocid=x&smid=tw",
            "https://example.com/x",
        ),
        ("https://example.com/x?mc_cid=1&mc_eid=2", "https://example.com/x"),
        ("https://amp.example.com/world/story", "https://example.com/world/story"),
        ("https://example.com/world/story/amp", "https://example.com/world/story/"),
        (
            "https://example.com/world/story.amp.html",
            "https://example.com/world/story.html",
        ),
        (
            "https://example.com/world/story?outputType=amp",
            "https://example.com/world/story",
        ),
        ("https://m.example.com/world/story", "https://example.com/world/story"),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
        ("https://example.com/%7euser/", "https://example.com/~user/"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_per_source_allow_list_keeps_an_identifying_parameter() -> None:
    assert (
        canonical_url("https://x.com/news.php?id=5&ref=rss", ("id",))
        == "https://x.com/news.php?id=5"
    )
    assert (
        canonical_url("https://x.com/a?source=home", ("source",))
        == "https://x.com/a?source=home"
    )


def test_mobile_host_folds_onto_the_source_host() -> None:
    assert (
        canonical_url("https://m.thestar.com.my/news/a", (), "www.thestar.com.my")
        == "https://www.thestar.com.my/news/a"
    )


def test_article_id_ignores_scheme_www_and_trailing_slash() -> None:
    ids = {
        article_id(canonical_url(u))
        for u in (
            "http://www.example.com/world/story/",
            "https://example.com/world/story",
            "https://amp.example.com/world/story?utm_source=x",
            "https://example.com/world/story/amp",
        )
    }
    assert len(ids) == 1
    assert article_id("https://example.com/world/other") not in ids


def source(domains: tuple[str, ...] = ("example.com",)) -> SourceConfig:
    return SourceConfig(
        source_id="s",
        name="S",
        homepage="https://www.example.com/",
        allowed_domains=domains,
        languages=("en",),
        timezone="UTC",
    )


def test_rel_canonical_is_honoured_only_on_the_source_domain() -> None:
    page = "https://www.example.com/story?utm_source=x"
    assert (
        resolve_canonical(page, "/world/story-1", source())
        == "https://www.example.com/world/story-1"
    )
    assert (
        resolve_canonical(page, "https://aggregator.net/copy", source())
        == "https://www.example.com/story"
    )
    assert resolve_canonical(page, None, source()) == "https://www.example.com/story"


def test_page_key_matches_for_tracking_variants() -> None:
    assert page_key("https://example.com/a?utm_campaign=z", source()) == page_key(
        "https://www.example.com/a/", source()
    )


def test_content_hash_folds_case_quotes_dashes_and_space() -> None:
    a = "KYIV (Reuters) - Ukraine said “yes” — today.\n\n(Reporting by A; editing by B)"
    b = 'Ukraine said "yes" - today.'
    assert content_hash(
        a, len("KYIV (Reuters) - "), (a.index("(Reporting"), len(a))
    ) == content_hash(b)
    assert content_hash('Ukraine  SAID "Yes" - today.') == content_hash(b)
    assert content_hash("Ukraine said no - today.") != content_hash(b)


def test_contact_lines_do_not_change_the_hash() -> None:
    assert content_hash(
        "Body text.\n((jane.doe@thomsonreuters.com; +1 202 555 0100))"
    ) == content_hash("Body text.")


def test_first_claim_owns_the_text(redis: Redis) -> None:
    index = DedupeIndex(redis)
    assert index.claim_content("h1", "article-a") == "article-a"
    assert index.claim_content("h1", "article-b") == "article-a"
    assert index.claim_content("h1", "article-a") == "article-a"  # a re-run is still it


def test_racing_claims_agree_on_one_owner(redis: Redis, redis_url: str) -> None:
    def claim(
        trial: int, n: int, barrier: threading.Barrier, owners: list[str]
    ) -> None:
        index = DedupeIndex(Redis.from_url(redis_url))
        barrier.wait()
        owners.append(index.claim_content(f"race-{trial}", f"article-{n}"))

    for trial in range(20):
        owners: list[str] = []
        barrier = threading.Barrier(8)
        threads = [
            threading.Thread(target=claim, args=(trial, n, barrier, owners))
            for n in range(8)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(owners)) == 1 and len(owners) == 8
