"""Issue 16, point 4: a new source in a minute: `sources add URL` finds the
listings and proposes article patterns; `sources check ID` counts and extracts."""

from __future__ import annotations

from pathlib import Path

from config.loader import load_source_file
from dateline.demo.site import Site
from dateline.discover import propose_allow
from tests.harness import robots_only_site, run_dateline


def home_env(dateline_env: dict, home: Path) -> dict:
    env = {k: v for k, v in dateline_env.items() if k != "DATELINE_SOURCES_DIR"}
    env["DATELINE_HOME"] = str(home)
    (home / "config" / "sources").mkdir(parents=True)
    return env


def test_add_and_check_a_source_from_the_demo_site(
    demo_site: Site, dateline_env: dict, tmp_path: Path
) -> None:
    env = home_env(dateline_env, tmp_path)
    url = demo_site.base + "/ledger/"
    refused = run_dateline(env, "sources", "add", url, check=False)
    assert refused.returncode == 1  # 127.0.0.1 is internal: say so to allow it
    added = run_dateline(
        env, "sources", "add", url, "--allow-private-hosts", "--id", "ledger"
    )
    cfg = load_source_file(tmp_path / "config" / "sources" / "ledger.toml")
    assert cfg.sitemaps == (demo_site.base + "/ledger/sitemap.xml",)
    assert cfg.article_allow and cfg.is_article_url(
        demo_site.base + "/ledger/story/some-story-1000.html"
    )
    assert "1 sitemap(s)" in added.stdout
    checked = run_dateline(env, "sources", "check", "ledger", "--samples", "2")
    assert "article URL(s) listed" in checked.stdout
    assert checked.stdout.count("ok: title") == 2
    assert "dateline" in checked.stdout and "chars" in checked.stdout


def test_a_site_with_only_a_robots_txt_sitemap(
    dateline_env: dict, tmp_path: Path
) -> None:
    site = robots_only_site()
    server = site.serve()
    try:
        env = home_env(dateline_env, tmp_path)
        run_dateline(
            env, "sources", "add", site.base + "/", "--allow-private-hosts",
            "--id", "robots-only",
        )  # fmt: skip
        cfg = load_source_file(tmp_path / "config" / "sources" / "robots-only.toml")
        assert cfg.sitemaps == (site.base + "/maps/news.xml",)
        assert cfg.article_allow == (r"/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/?$",)
        checked = run_dateline(env, "sources", "check", "robots-only")
        assert "4 article URL(s) listed" in checked.stdout
        assert checked.stdout.count("ok: title") == 3
    finally:
        server.shutdown()


def test_proposed_patterns_follow_the_urls_shape() -> None:
    urls = [
        "https://x.com/news/world/2024/03/19/one-story",
        "https://x.com/news/nation/2024/03/20/another-story-2",
        "https://x.com/news/world/2024/02/01/third",
        "https://x.com/about",
    ]
    pattern = propose_allow(urls)
    assert pattern == r"/news/[a-z-]+/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/?$"
    assert propose_allow(["https://x.com/"]) is None
