"""`make eval-dedupe`: a syndication set built from real article texts, run through
the real pipeline, its clusters scored against the truth the generator kept.

The texts are the ground-truth bodies of `shared/eval/aeb` (read in place, never
copied into the project). Each story is republished by one to four of four outlets,
each in its own template with its boilerplate and related-story list, under a
rewritten headline, trimmed, extended with an editor's note or a local paragraph,
retyped (quotes and dashes) or re-led; some copies are also fetched under AMP and
tracking-parameter URLs. Hard negatives: follow-up stories sharing only their first
paragraph with another story, and different stories in one outlet's template.
The pages go through `dateline ingest` and two `dateline work` processes on a
private redis-server; pairwise precision and recall of the stored clusters follow.
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.harness import start_redis
from workers import settings

OUTLETS = {
    "wire-courier": ("courier.example", "The Daily Courier", "Asia/Kuala_Lumpur"),
    "wire-ledger": ("ledger.example", "The Northern Ledger", "Europe/London"),
    "wire-gazette": ("gazette.example", "Gazette Online", "America/New_York"),
    "wire-post": ("post.example", "The Morning Post", "Australia/Sydney"),
}
RELATED = [
    "Markets slip as investors weigh rate outlook",
    "Storm warning issued for coastal districts",
    "Court adjourns hearing in corruption case",
    "New rail link to open ahead of schedule",
]
NOTES = [
    "Editor's note: This story has been updated to include comment from officials.",
    "This article was amended to correct the spelling of a name.",
    "Local officials said they were monitoring the situation closely.",
    "Our correspondent contributed additional reporting from the capital.",
]


def stories(shared: Path) -> list[list[str]]:
    truth = json.loads((shared / "eval" / "aeb" / "ground-truth.json").read_text())
    found = []
    for row in truth.values():
        paras = [
            " ".join(p.split())
            for p in row["articleBody"].split("\n")
            if len(p.split()) >= 8
        ]
        if len(paras) >= 5 and sum(len(p.split()) for p in paras) >= 200:
            found.append(paras)
    return found


def variant(paras: list[str], rng: random.Random) -> list[str]:
    """One outlet's edit of a wire story."""
    edit = rng.choice(["as-sent", "trim", "note", "retype", "re-lead", "trim+note"])
    out = list(paras)
    if "trim" in edit:
        out = out[: max(4, len(out) - rng.randint(1, 2))]
    if "note" in edit:
        out.append(rng.choice(NOTES))
    if edit == "retype":
        out = [
            p.replace('"', "“", 1).replace(" - ", " — ").replace("'", "’") for p in out
        ]
    if edit == "re-lead":
        out = [out[0].split(", ", 1)[-1].capitalize(), *out[1:]]
    return out


def page(outlet: str, title: str, paras: list[str], related: list[str]) -> str:
    _, name, _ = OUTLETS[outlet]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
    links = "".join(
        f"<li><a href='/news/{i}'>{html.escape(t)}</a></li>"
        for i, t in enumerate(related)
    )
    layouts = {
        "wire-courier": "<header><nav>Home | World | Nation</nav></header><main>"
        f"<article><h1>{html.escape(title)}</h1>{body}<aside class='promo'><p>"
        "Follow us on our official WhatsApp channel for breaking news "
        f"alerts!</p></aside></article><section><h3>Next In World</h3>"
        f"<ul>{links}</ul></section></main>",
        "wire-ledger": f"<div id='page'><div class='top'>Subscribe | Sign in</div>"
        f"<h1 class='headline'>{html.escape(title)}</h1><div class="
        f"'story-text'>{body}</div><div class='most-read'><h2>Most read"
        f"</h2><ol>{links}</ol></div></div>",
        "wire-gazette": f"<body><div class='wrap'><h1>{html.escape(title)}</h1><div "
        f"class='share'>Share on Facebook | Tweet | Email</div><section "
        f"class='content'>{body}</section><div class='related'><h4>"
        f"Related coverage</h4><ul>{links}</ul></div><footer>© Gazette "
        "Online. All rights reserved.</footer></div></body>",
        "wire-post": f"<article class='post'><h1>{html.escape(title)}</h1><p class="
        f"'byline'>Post wire services</p><div class='entry'>{body}</div>"
        f"<div class='tags'>Tags: world, politics</div></article><nav "
        f"class='more'><h3>More stories</h3><ul>{links}</ul></nav>",
    }
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>"
        f"{html.escape(title)} | {name}</title></head><body>{layouts[outlet]}"
        "</body></html>"
    )


def build(shared: Path, out: Path, seed: int = 2024) -> dict[str, Any]:
    """Write pages and a manifest under `out`; return the truth."""
    rng = random.Random(seed)
    texts = stories(shared)
    rng.shuffle(texts)
    fresh = texts[100:]  # bodies used only for follow-ups: shared lead, rest new
    rows, truth = [], {}
    for s, paras in enumerate(texts[:100]):
        outlets = rng.sample(list(OUTLETS), rng.randint(1, 4))
        for outlet in outlets:
            title = f"{paras[0].split('.')[0][:70]} ({OUTLETS[outlet][1]})"
            path = out / f"{outlet}-{s}.html"
            path.write_text(
                page(outlet, title, variant(paras, rng), rng.sample(RELATED, 3)),
                encoding="utf-8",
            )
            url = f"https://www.{OUTLETS[outlet][0]}/world/story-{s}"
            rows.append({"path": str(path), "url": url, "source_id": outlet})
            truth[url] = f"story-{s}"
            if rng.random() < 0.2:  # the same page again, under AMP or tracking URLs
                alias = rng.choice(
                    [
                        f"{url}/amp",
                        f"{url}?utm_source=twitter&fbclid=x",
                        url.replace("https://www.", "https://amp."),
                    ]
                )
                rows.append({"path": str(path), "url": alias, "source_id": outlet})
        if s < len(fresh) and rng.random() < 0.5:  # a follow-up: only the lead shared
            outlet = outlets[0]
            follow = [paras[0], *fresh[s][1:]]
            path = out / f"{outlet}-{s}-follow.html"
            path.write_text(
                page(
                    outlet,
                    "Follow-up: " + paras[0][:60],
                    follow,
                    rng.sample(RELATED, 3),
                ),
                encoding="utf-8",
            )
            url = f"https://www.{OUTLETS[outlet][0]}/world/story-{s}-follow-up"
            rows.append({"path": str(path), "url": url, "source_id": outlet})
            truth[url] = f"follow-{s}"
    rng.shuffle(rows)
    (out / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    sources = out / "sources"
    sources.mkdir(exist_ok=True)
    for outlet, (domain, name, zone) in OUTLETS.items():
        (sources / f"{outlet}.toml").write_text(
            f'name = "{name}"\nhomepage = "https://www.{domain}/"\n'
            f'allowed_domains = ["{domain}"]\nlanguages = ["en"]\ntimezone = "{zone}"\n'
            f'feeds = ["https://www.{domain}/rss.xml"]\n'
        )
    return {"truth": truth, "pages": len(rows), "stories": len(set(truth.values()))}


def _article_id(url: str) -> str:
    from urllib.parse import urlsplit

    from workers.urls import article_id, canonical_url

    host = (urlsplit(url).hostname or "").removeprefix("amp.").removeprefix("www.")
    return article_id(canonical_url(url, (), f"www.{host}"))


def pairwise(clusters: dict[str, str], truth: dict[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall of predicted clusters (record -> cluster id)."""
    records = sorted(clusters)
    predicted = {
        (a, b)
        for a, b in itertools.combinations(records, 2)
        if clusters[a] == clusters[b]
    }
    actual = {
        (a, b) for a, b in itertools.combinations(records, 2) if truth[a] == truth[b]
    }
    hits = len(predicted & actual)
    return (
        hits / len(predicted) if predicted else 1.0,
        hits / len(actual) if actual else 1.0,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", default=str(settings.HOME.parent / "shared"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    exe = str(Path(sys.executable).parent / "dateline")
    with tempfile.TemporaryDirectory(prefix="dateline-eval-dedupe-") as tmp:
        work = Path(tmp)
        built = build(Path(args.shared).resolve(), work)
        redis = start_redis(work / "redis")
        url = redis.url
        env = {
            **os.environ,
            "DATELINE_REDIS_URL": url,
            "DATELINE_DATABASE_URL": str(work / "db.sqlite3"),
            "DATELINE_SOURCES_DIR": str(work / "sources"),
        }
        try:
            started = time.perf_counter()
            subprocess.run(
                [exe, "ingest", "--manifest", str(work / "manifest.jsonl")],
                env=env,
                check=True,
            )
            subprocess.run(
                [exe, "work", "-n", str(args.workers), "--burst"], env=env, check=True
            )
            elapsed = time.perf_counter() - started
            rows = (
                sqlite3.connect(work / "db.sqlite3")
                .execute("SELECT article_id, cluster_id, dup_kind FROM articles")
                .fetchall()
            )
        finally:
            redis.stop()
    # truth by article id: AMP and tracking aliases of a page are one article
    truth = {_article_id(url): story for url, story in built["truth"].items()}
    clusters = {aid: cluster for aid, cluster, _ in rows}
    missing = [u for u in truth if u not in clusters]
    precision, recall = pairwise(
        {u: c for u, c in clusters.items() if u in truth}, truth
    )
    kinds: dict[str, int] = {}
    for _, _, kind in rows:
        kinds[kind or "original"] = kinds.get(kind or "original", 0) + 1
    print(
        f"syndication set: {built['pages']} pages ({len(truth)} distinct articles, "
        f"{built['stories']} stories) through {args.workers} workers in "
        f"{elapsed:.1f} s"
    )
    shown = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    print(f"records: {len(rows)} ({shown}); articles without a record: {len(missing)}")
    print(f"cluster pairwise precision {precision:.4f}  recall {recall:.4f}")
    return 0 if not missing else 1


if __name__ == "__main__":
    sys.exit(main())
