"""The bench corpus: realistic pages, listed by sitemaps, served on 127.0.0.1."""

from __future__ import annotations

import gzip
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

from dateline.private_redis import free_port
from tests.bench.site import BenchSite, serve_fast


def test_generated_pages_are_heavy_listed_and_one_in_ten_a_copy() -> None:
    site = BenchSite("http://127.0.0.1:9", 40)
    assert len(site.articles) == 40
    sizes = [len(site.pages[p][1]) for p in site.articles]
    assert min(sizes) > 50_000  # a news page's weight, mostly not article
    listed = re.findall(
        rb"<loc>http://127\.0\.0\.1:9(/bench/[^<]+)</loc>",
        site.pages["/bench/sitemap-0.xml"][1],
    )
    assert [p.decode() for p in listed] == site.articles
    assert sum("-copy-" in p for p in site.articles) == 4


def test_a_folder_of_pages_is_repeated_under_distinct_urls(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes(b"<html><body>a</body></html>")
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(b"<html>b</html>"))
    (tmp_path / "notes.txt").write_text("not a page")
    site = BenchSite("http://127.0.0.1:9", 5, tmp_path)
    assert len(site.articles) == 6 == len(set(site.articles))  # 3 rounds of 2
    assert {site.pages[p][1] for p in site.articles} == {
        b"<html><body>a</body></html>",
        b"<html>b</html>",
    }


def test_the_bench_server_answers_pages_and_404_on_one_connection() -> None:
    port = free_port()
    site = BenchSite(f"http://127.0.0.1:{port}", 3)
    proc, first = serve_fast(site, "127.0.0.1", port)
    try:
        for _ in range(50):  # until it listens
            try:
                with urllib.request.urlopen(site.base + site.articles[0]) as answer:
                    body = answer.read()
                break
            except OSError:
                time.sleep(0.05)
        assert body == site.pages[site.articles[0]][1]
        assert first.value > 0  # the first request was seen
        try:
            urllib.request.urlopen(site.base + "/nothing-here")
        except urllib.error.HTTPError as exc:
            assert exc.code == 404
        else:
            raise AssertionError("an unknown path was served")
    finally:
        proc.terminate()
