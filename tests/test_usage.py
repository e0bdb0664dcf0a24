"""Issue 16: Dateline as a new user meets it: a CLI with the usual manners, one
page tried from a file, standard input or the web, a home outside a checkout."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from dateline.cli import build_parser
from dateline.demo.site import Site, courier_url
from dateline.demo.stories import SEED_TITLE, seed_story
from dateline.private_redis import free_port
from tests.harness import BIN, REPO, run_dateline


def test_version_and_options_after_the_command(run: Any, redis_url: str) -> None:
    import dateline

    assert run("--version").stdout.strip() == f"dateline {dateline.__version__}"
    assert json.loads(run("status", "--json", "-v").stdout)["queued"] == 0
    assert json.loads(run("-v", "status", "--json").stdout)["queued"] == 0


def test_redis_and_database_urls_as_options(
    dateline_env: dict, redis_url: str, tmp_path: Path
) -> None:
    """`--redis-url` and `--database-url` beside the variables, and winning."""
    env = {
        **dateline_env,
        "DATELINE_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",  # nobody there
    }
    db = tmp_path / "given.sqlite3"
    proc = run_dateline(
        env, "status", "--json", "--redis-url", redis_url, "--database-url", str(db)
    )
    assert json.loads(proc.stdout)["articles"] == 0 and db.exists()
    bad = run_dateline(env, "status", "--database-url", "mysql://x/y", check=False)
    assert bad.returncode == 1 and "unknown scheme 'mysql://'" in bad.stderr


def test_every_option_has_help() -> None:
    parser = build_parser()
    missing = []
    subparsers = next(
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    )
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            if not isinstance(action, argparse._HelpAction) and not action.help:
                missing.append(f"{name} {action.dest}")
    assert missing == []


def test_extract_reads_standard_input_and_says_a_url_needs_fetch(
    demo_site: Site, dateline_env: dict
) -> None:
    html = demo_site.pages[courier_url(seed_story())][1]
    proc = subprocess.run(
        [str(BIN / "dateline"), "extract", "-", "--source", "demo-courier"],
        input=html,
        capture_output=True,
        env=dateline_env,
        cwd=REPO,
    )
    (record,) = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 0 and record["title"] == SEED_TITLE
    url = proc_url = "https://example.com/news/1"
    hint = run_dateline(dateline_env, "extract", proc_url, check=False)
    assert (
        hint.returncode == 1
        and f"{url} is a URL: `dateline extract --fetch URL`" in (hint.stderr)
    )
    # every input failed: non-zero
    gone = run_dateline(dateline_env, "extract", "/no/such/page.html", check=False)
    assert gone.returncode == 1 and json.loads(gone.stdout)["status"] == "error"


def test_extract_fetch_uses_the_crawlers_rules(
    demo_site: Site, dateline_env: dict
) -> None:
    url = demo_site.base + courier_url(seed_story())
    refused = run_dateline(dateline_env, "extract", "--fetch", url, check=False)
    assert refused.returncode == 1  # 127.0.0.1: internal, and not allowed
    assert "internal address" in json.loads(refused.stdout)["error"]
    proc = run_dateline(
        dateline_env,
        "extract",
        "--fetch",
        url,
        "--allow-private-hosts",
        "--source",
        "demo-courier",
    )
    record = json.loads(proc.stdout)
    assert record["status"] == "ok" and record["title"] == SEED_TITLE
    assert record["url"] == url


def test_init_starts_a_home_with_a_source_that_loads(
    dateline_env: dict, tmp_path: Path
) -> None:
    env = {k: v for k, v in dateline_env.items() if k != "DATELINE_SOURCES_DIR"}
    env["DATELINE_HOME"] = str(tmp_path)
    run_dateline(env, "init")
    assert (tmp_path / ".env.example").exists()
    listed = run_dateline(env, "sources").stdout
    assert "example" in listed and "Example News" in listed
    again = run_dateline(env, "init")
    assert "nothing written" in again.stderr


@pytest.mark.slow
def test_an_installed_package_keeps_var_out_of_site_packages(tmp_path: Path) -> None:
    """Issue 16, point 2: `pip install` (not editable) of the project: outside a
    checkout, var/ is the current directory's (or DATELINE_HOME's)."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
         str(wheels), str(REPO)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = tmp_path / "site"
    with zipfile.ZipFile(next(wheels.glob("dateline-*.whl"))) as wheel:
        wheel.extractall(site)  # what pip puts in site-packages
    work = tmp_path / "somewhere"
    work.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DATELINE_") and k != "PYTHONPATH"
    }
    env["PYTHONPATH"] = str(site)  # the installed copy, not the checkout
    code = (
        "import dateline, workers.settings as s, config.paths as p; "
        "print(dateline.__file__); print(s.VAR_DIR); print(p.sources_dir())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    module, var, sources = out.stdout.splitlines()
    assert module.startswith(str(site))
    assert var == str(work / "var")
    assert sources.startswith(str(site))  # the shipped sources, until `init`
    env["DATELINE_HOME"] = str(tmp_path / "home")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True
    )
    assert out.stdout.splitlines()[1] == str(tmp_path / "home" / "var")


def write_warc(path: Path, pages: list[tuple[str, bytes]]) -> None:
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, body in pages:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], "HTTP/1.1"
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


def test_a_backfill_of_any_site_gives_each_domain_a_source(
    demo_site: Site, tmp_path: Path, run: Any
) -> None:
    """Issue 16, point 5: a WARC of pages from many unconfigured domains
    (Common Crawl's news archive holds tens of thousands): with --any-source,
    each registered domain becomes a source that status, export and clusters
    know."""
    bodies = [
        body for path, (_, body) in demo_site.pages.items()
        if path.startswith("/courier/news/2024/03/1")
    ][:6]  # fmt: skip
    hosts = [
        "www.bbc.co.uk", "news.example.com.au", "www.zeitung.example.de",
        "edition.example.com", "www.bbc.co.uk", "m.lemonde.example.fr",
    ]  # fmt: skip
    urls = [f"https://{h}/news/{i}" for i, h in enumerate(hosts)]
    archive = tmp_path / "cc-news.warc.gz"
    write_warc(archive, list(zip(urls, bodies, strict=True)))
    plain = run("ingest", str(archive))
    assert "6 no source for its domain" in plain.stderr
    proc = run("ingest", str(archive), "--any-source")
    assert "6 page(s) enqueued" in proc.stderr
    run("work", "-n", "1", "--burst")
    status = json.loads(run("status", "--json").stdout)
    assert set(status["per_source"]) == {
        "bbc.co.uk", "example.com.au", "example.de", "example.com", "example.fr",
    }  # fmt: skip
    assert status["per_source"]["bbc.co.uk"]["articles"] == 2
    exported = run("export", "--source", "bbc.co.uk").stdout.splitlines()
    assert len(exported) == 2
    assert json.loads(exported[0])["source_id"] == "bbc.co.uk"
    assert run("clusters", "--source", "example.de").returncode == 0
    assert json.loads(run("failed", "--json").stdout) == []
