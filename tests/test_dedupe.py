"""Dedupe: canonical URLs (table-driven), content hashes, atomic claims in Redis."""

from __future__ import annotations

import threading

import pytest
from redis import Redis

from config.source import SourceConfig
from workers import keys
from workers.dedupe import content_hash, normalized_text
from workers.dedupe_index import DedupeIndex, sign_later, text_signature
from workers.urls import article_id, canonical_url, page_key, resolve_canonical


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
        ("https://example.com/world/story/amp", "https://example.com/world/story"),
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


def sig(text: str):
    return text_signature(normalized_text(text))


STORY = (
    "Ukraine is working to secure a strong and far-reaching step towards membership "
    "of NATO at the military alliance's Washington summit in July, its foreign "
    "minister said on Tuesday. The U.S. ambassador to NATO said last month that she "
    "does not expect the alliance to issue a membership invitation to Ukraine at the "
    "upcoming summit. Asked about Ukraine's goals for the summit during an online "
    "news conference, Dmytro Kuleba said he would not go into detail about the "
    "deliberations, but that there was very active engagement with the leadership. "
    "Russia fiercely opposes Kyiv's long-term strategic ambition of joining NATO."
)
OTHER = (
    "The central bank held interest rates steady on Wednesday and signalled that it "
    "expects inflation to ease gradually over the coming year, as fuel prices fall "
    "and the currency stabilises after months of volatility on regional markets. "
    "Economists had expected the decision, which keeps the benchmark rate at its "
    "highest level in a decade, and most said cuts were unlikely before the autumn."
)


def test_signatures_estimate_jaccard() -> None:
    a, b = sig(STORY), sig(STORY.replace("on Tuesday", "on Tuesday in Kyiv"))
    equal = sum(x == y for x, y in zip(a.values, b.values, strict=True)) / len(a.values)
    assert equal > 0.7
    c = sig(OTHER)
    assert sum(x == y for x, y in zip(a.values, c.values, strict=True)) / 128 < 0.1
    assert len(a.values) == 128 and len(a.bands) == 32


def test_original_exact_and_near_copies(redis: Redis) -> None:
    index = DedupeIndex(redis, 0.5)
    first = index.decide("aa" * 10, "11" * 16, sig(STORY))
    assert (first.original_id, first.dup_kind, first.known) == ("aa" * 10, None, False)
    exact = index.decide("bb" * 10, "11" * 16, sig(STORY))
    assert (exact.original_id, exact.dup_kind) == ("aa" * 10, "exact")
    trimmed = STORY.rsplit(". ", 1)[0] + ". Additional reporting from Brussels."
    near = index.decide("cc" * 10, "22" * 16, sig(trimmed))
    assert (near.original_id, near.dup_kind) == ("aa" * 10, "near")
    assert 0.5 <= near.similarity < 1.0
    other = index.decide("dd" * 10, "33" * 16, sig(OTHER))
    assert (other.original_id, other.dup_kind) == ("dd" * 10, None)


def test_a_copy_of_a_copy_points_at_the_original(redis: Redis) -> None:
    index = DedupeIndex(redis, 0.5)
    index.decide("aa" * 10, "11" * 16, sig(STORY))
    index.decide("bb" * 10, "22" * 16, sig(STORY + " Editing by A."))
    third = index.decide("cc" * 10, "33" * 16, sig(STORY + " Editing by A. More."))
    assert third.original_id == "aa" * 10


def test_a_rerun_or_revision_keeps_its_decision(redis: Redis) -> None:
    index = DedupeIndex(redis, 0.5)
    index.decide("aa" * 10, "11" * 16, sig(STORY))
    copy = index.decide("bb" * 10, "22" * 16, sig(STORY + " Updated."))
    again = index.decide("bb" * 10, "22" * 16, sig(STORY + " Updated."))
    revised = index.decide("bb" * 10, "33" * 16, sig(OTHER))
    assert again.known and revised.known
    assert again.original_id == revised.original_id == copy.original_id == "aa" * 10


def test_a_follow_up_sharing_only_its_lead_is_not_a_copy(redis: Redis) -> None:
    index = DedupeIndex(redis, 0.5)
    index.decide("aa" * 10, "11" * 16, sig(STORY))
    follow_up = STORY.split(". ")[0] + ". " + OTHER
    assert index.decide("bb" * 10, "22" * 16, sig(follow_up)).dup_kind is None


def test_racing_copies_agree_on_one_original(redis: Redis, redis_url: str) -> None:
    def decide(n: int, trial: int, barrier: threading.Barrier, out: list[str]) -> None:
        index = DedupeIndex(Redis.from_url(redis_url), 0.5)
        text = STORY + f" Copy {n} of the story, trial {trial}."
        barrier.wait()
        out.append(
            index.decide(
                f"{trial:04x}{n:016x}", f"{trial:08x}{n:024x}", sig(text)
            ).original_id
        )

    for trial in range(20):
        originals: list[str] = []
        barrier = threading.Barrier(8)
        threads = [
            threading.Thread(target=decide, args=(n, trial, barrier, originals))
            for n in range(8)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(originals) == 8 and len(set(originals)) == 1


def test_signing_runs_off_the_calling_thread_and_survives_a_fork() -> None:
    import multiprocessing

    text = normalized_text("Kyiv said on Tuesday it was working on new air defence.")
    expected = text_signature(text)
    assert sign_later(text).result() == expected  # the same, collected later
    signers = [t for t in threading.enumerate() if t.name.startswith("minhash")]
    assert signers and threading.current_thread() not in signers
    # a pool's thread does not cross a fork: a child must get its own, not hang
    ctx = multiprocessing.get_context("fork")
    child = ctx.Process(target=sig, args=("A child signs this text too.",))
    child.start()
    child.join(timeout=20)
    if child.is_alive():
        child.kill()
    assert child.exitcode == 0


def test_normalized_text_folds_every_kind_of_whitespace_to_one_space() -> None:
    # non-breaking, thin and ideographic spaces, tabs and blank lines, as pages mix them
    text = "\u00a0 Kyiv\u2009said\t\ton\u3000Tuesday\n\n\nit  was\u2028working. \n"
    assert normalized_text(text) == "kyiv said on tuesday it was working."


def test_decisions_carry_redis_order_across_workers(
    redis: Redis, redis_url: str
) -> None:
    """Each batch of decisions and Redis's clock run as one transaction: the
    times order every worker's decisions as Redis took them, which is the order
    a rebuild replays (records are stamped with it, not with a worker's clock)."""
    worker_a = DedupeIndex(redis, 0.4)
    worker_b = DedupeIndex(Redis.from_url(redis_url), 0.4)  # its own connection
    [first] = worker_a.decide_many([("aa" * 10, "11" * 16, sig(STORY))])
    copy, third = worker_b.decide_many(
        [
            ("bb" * 10, "22" * 16, sig(STORY + " Updated.")),
            ("cc" * 10, "33" * 16, sig(OTHER)),
        ]
    )
    assert copy.original_id == "aa" * 10
    assert first.decided_at < copy.decided_at < third.decided_at


def test_buckets_stay_short_as_the_index_grows(redis: Redis) -> None:
    """Issue 17, point 4: a decision reads and searches its 32 band buckets, so
    its cost follows their length. 3,000 articles spread over the band's
    buckets (with 256 a band, no more than 256 keys could hold them)."""
    import hashlib

    from workers.dedupe_index import BUCKETS, Signature

    index = DedupeIndex(redis, 0.5)
    articles = []
    for n in range(3000):
        digest = hashlib.blake2b(str(n).encode(), digest_size=64).digest()
        values = digest * 2  # any bytes: the buckets' spread is what is tested
        bands = tuple(hashlib.blake2b(bytes([b]) + digest, digest_size=4).digest()
                      for b in range(32))  # fmt: skip
        articles.append((f"{n:020x}", f"{n:032x}", Signature(values[:128], bands)))
    index.decide_many(articles)
    band0 = list(redis.scan_iter(match=keys.DEDUPE_BAND.format(0, "*"), count=1000))
    assert BUCKETS >= 4096 and len(band0) > 1000
    longest = max(redis.strlen(k) for k in band0)
    assert longest <= 12 * 8  # a few entries, not 3,000 / 256


def test_an_index_of_the_older_layout_is_named_until_rebuilt(redis: Redis) -> None:
    index = DedupeIndex(redis, 0.5)
    assert not index.older_layout()
    redis.set(keys.DEDUPE_BAND_256.format(0, 9), b"\x00" * 12)
    assert index.older_layout()
    index.clear()  # what `dateline dedupe rebuild` does first
    assert not index.older_layout()
