"""The stage chain: Page -> ExtractedArticle -> NormalizedArticle -> PreparedArticle.

`prepare_article` is the one place the stages are chained: extract, normalize,
then the article's identity (canonical URL, url keys, article id) and its text
fingerprint, each computed once. The worker, its warm-up, `dateline extract`, the
fixtures and the benches all run it, so what is measured is what the workers do.
What comes next (the shared dedupe decision, the store) needs Redis and a
database, and is the job's (`workers.jobs`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from config.source import SourceConfig, adhoc_source
from workers.budget import Budget, OverBudget, cpu_limit
from workers.dedupe import Fingerprint, fingerprint
from workers.extract import extract_article
from workers.models import NormalizedArticle, Page, SkippedPage, StoredArticle
from workers.normalize import normalize_article
from workers.urls import article_id_of_key, page_key, url_key


class StageError(RuntimeError):
    """A stage failed on a page; the message names the stage and the reason."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"{stage} failed: {reason}")
        self.stage = stage
        self.reason = reason


@dataclass(frozen=True)
class PreparedArticle:
    """A page through every stage that needs neither Redis nor a database."""

    page: Page
    article: NormalizedArticle
    article_id: str  # of its canonical URL
    found: Fingerprint  # content hash, the body as compared
    url_keys: frozenset[str]  # requested, final and canonical URL: none to refetch
    timings: dict[str, float] = field(default_factory=dict)  # ms per stage

    def record(self) -> StoredArticle:
        """The article as an original of its own (before any dedupe decision)."""
        return StoredArticle(
            article_id=self.article_id,
            content_hash=self.found.content_hash,
            duplicate_of=None,
            dup_kind=None,
            similarity=None,
            cluster_id=self.article_id,
            article=self.article,
            stored_at=datetime.now(UTC),
        )


def prepare_article(
    page: Page, source: SourceConfig, budget: Budget | None = None
) -> PreparedArticle | SkippedPage:
    """Run the stages on one page. A page with no article, or over its budget
    (bytes, elements, CPU seconds), is a SkippedPage; a stage that raises is a
    StageError."""
    budget = budget or Budget()
    final_key = (
        page.url_key if page.final_url == page.url else page_key(page.final_url, source)
    )
    if budget.max_bytes is not None and len(page.body) > budget.max_bytes:
        reason = f"{len(page.body)} bytes > {budget.max_bytes}"
        return _skipped(page, final_key, "too_large", reason)
    timings: dict[str, float] = {}
    stage = "extract"
    try:
        with cpu_limit(budget.cpu_seconds):
            with _stage("extract", timings):
                extracted = extract_article(
                    page.body,
                    page.final_url,
                    page.declared_charset,
                    page.fetched_at,
                    budget.max_elements,
                )
            if extracted is None:
                return _skipped(page, final_key, "no_article", "no HTML document found")
            stage = "normalize"
            with _stage("normalize", timings):
                article = normalize_article(
                    extracted, source, page.fetched_at, page.final_url
                )
    except OverBudget as exc:
        return _skipped(page, final_key, "too_large", f"{stage}: {exc}")
    if not extracted.has_article:
        skipped = _skipped(page, final_key, "no_article", "no article body found")
        return replace(skipped, declared=article)
    with _stage("dedupe", timings):
        found = fingerprint(article)
        canonical_key = url_key(article.canonical_url)
        keys = frozenset((page.url_key, final_key, canonical_key))
    return PreparedArticle(
        page, article, article_id_of_key(canonical_key), found, keys, timings
    )


def warm_up(forks: int = 1) -> None:
    """Import and exercise every stage once (dateparser's languages, the
    gazetteer, trafilatura), so forked workers share what it loaded. With more
    than one fork to share it, htmldate's every-locale date parser too
    (`extract.warm`, 3-4 s): loaded here it is paid once, where each worker
    would pay it again; a lone worker pays it only if its pages need it."""
    from workers import dates, extract, gazetteer

    dates.warm()  # the page below has no date to parse
    if forks > 1:
        extract.warm()  # ...nor one only another language's locale reads
    gazetteer.warm()  # ...nor a dateline; its text loads the language model
    paragraph = "<p>" + "Warm-up words for the extractor. " * 20 + "</p>"
    url = "http://localhost/warm-up"
    source = adhoc_source()
    page = Page(
        url=url,
        final_url=url,
        status=200,
        body=f"<html><body><article>{paragraph}</article></body></html>".encode(),
        fetched_at=datetime.now(UTC),
        source_id=source.source_id,
        url_key=page_key(url, source),
        discovered_via="warm-up",
    )
    prepare_article(page, source)


def _skipped(page: Page, key: str, outcome: str, reason: str) -> SkippedPage:
    return SkippedPage(
        key, page.source_id, page.final_url, outcome, reason, page.fetched_at
    )


@contextmanager
def _stage(name: str, timings: dict[str, float]) -> Iterator[None]:
    """Time a stage; any error it raises becomes a StageError naming it (the
    original stays its __cause__: a job timeout is still told apart)."""
    started = time.perf_counter()
    try:
        yield
    except StageError:
        raise
    except Exception as exc:
        raise StageError(name, f"{type(exc).__name__}: {exc}") from exc
    timings[f"{name}_ms"] = round((time.perf_counter() - started) * 1000, 3)
