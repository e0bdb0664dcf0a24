"""`dateline report -o report.html`: one self-contained HTML page (no network
needed to open it) on how each source is doing: records per day, the share of
records with a date, an author, a dateline and a resolved place, the no-article
and failure rates, and its last crawls. A share that falls suddenly (a site
changed its template, most likely) is flagged."""

from __future__ import annotations

import argparse
import html
import sys
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from dateline.runtime import open_db

SHARES = ("date", "author", "dateline", "place")
MIN_DAY = 5  # records on the last day before its shares are judged
MIN_BEFORE = 20  # records on the days before it
DROP = 0.30  # a share this much lower than before is flagged


def has(record: dict[str, Any], share: str) -> bool:
    dateline = record.get("dateline") or {}
    return bool(
        {
            "date": record.get("published_at"),
            "author": record.get("authors"),
            "dateline": dateline,
            "place": dateline.get("place_en"),
        }[share]
    )


def daily(records: Any) -> dict[str, dict[str, dict[str, int]]]:
    """{source: {day: {"records": n, share: n...}}} by the day stored."""
    found: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    for record in records:
        day = found[record["source_id"]].setdefault(
            record["stored_at"][:10], dict.fromkeys(("records", *SHARES), 0)
        )
        day["records"] += 1
        for share in SHARES:
            day[share] += has(record, share)
    return found


def drops(days: dict[str, dict[str, int]]) -> list[str]:
    """The shares that fell on the last day, as sentences."""
    if len(days) < 2:
        return []
    *before, last = sorted(days)
    if days[last]["records"] < MIN_DAY:
        return []
    pooled = {k: sum(days[d][k] for d in before) for k in ("records", *SHARES)}
    if pooled["records"] < MIN_BEFORE:
        return []
    found = []
    for share in SHARES:
        was = pooled[share] / pooled["records"]
        now = days[last][share] / days[last]["records"]
        if was - now >= DROP:
            found.append(
                f"the share with a {share} fell from {was:.0%} to {now:.0%} on "
                f"{last}: a likely template change"
            )
    return found


def failures_by_source() -> dict[str, int] | None:
    """Failed pages per source, from the failed registry; None without Redis."""
    try:
        from dateline.failures import failed_jobs
        from dateline.runtime import connect_redis
        from workers import settings

        found: dict[str, int] = defaultdict(int)
        for job in failed_jobs(connect_redis(), settings.QUEUE_NAME):
            found[job.source_id or "-"] += job.pages
        return found
    except Exception:
        return None


def cmd_report(args: argparse.Namespace) -> int:
    from workers.store.runs import recent_runs

    since = datetime.now(UTC) - timedelta(days=args.days)
    store = open_db()
    try:
        counts = store.counts()
        days = daily(store.iter_records(changed_since=since))
        runs = recent_runs(store, per_source=5)
    finally:
        store.close()
    failed = failures_by_source()
    page = render(counts, days, runs, failed, args.days)
    with open(args.output, "w", encoding="utf-8") as out:
        out.write(page)
    flagged = sum(bool(drops(d)) for d in days.values())
    print(
        f"report on {len(counts['per_source'])} source(s) written to {args.output}"
        + (f"; {flagged} flagged" if flagged else ""),
        file=sys.stderr,
    )
    return 0


def _bars(days: dict[str, dict[str, int]]) -> str:
    """Records per day as an inline SVG bar chart."""
    if not days:
        return ""
    top = max(d["records"] for d in days.values()) or 1
    width = 8
    bars = "".join(
        f'<rect x="{i * width}" y="{40 - 40 * d["records"] / top:.1f}" '
        f'width="{width - 1}" height="{40 * d["records"] / top:.1f}">'
        f"<title>{day}: {d['records']}</title></rect>"
        for i, (day, d) in enumerate(sorted(days.items()))
    )
    return (
        f'<svg width="{len(days) * width}" height="40" role="img" '
        f'aria-label="records per day">{bars}</svg>'
    )


def render(
    counts: dict[str, Any],
    days: dict[str, dict[str, dict[str, int]]],
    runs: dict[str, list[dict[str, Any]]],
    failed: dict[str, int] | None,
    window: int,
) -> str:
    e = html.escape
    rows, sections = [], []
    for source, c in counts["per_source"].items():
        mine = days.get(source, {})
        total = sum(d["records"] for d in mine.values())
        shares = {
            s: (sum(d[s] for d in mine.values()) / total if total else None)
            for s in SHARES
        }
        done = c["articles"] + c["no_article"] + c["too_large"]
        fails = failed.get(source, 0) if failed is not None else None
        seen = done + (fails or 0)
        cells = "".join(
            f'<td data-share="{s}">{"-" if v is None else f"{v:.0%}"}</td>'
            for s, v in shares.items()
        )
        rows.append(
            f'<tr data-source="{e(source)}" data-articles="{c["articles"]}" '
            f'data-no-article="{c["no_article"]}" '
            f'data-failed="{"" if fails is None else fails}">'
            f"<th>{e(source)}</th><td>{c['articles']}</td>"
            f"<td>{c['no_article'] / seen if seen else 0:.1%}</td>"
            f"<td>{'n/a' if fails is None else f'{fails / seen if seen else 0:.1%}'}"
            f"</td>{cells}<td>{_bars(mine)}</td></tr>"
        )
        flags = "".join(f'<p class="flag">{e(f)}</p>' for f in drops(mine))
        crawl_rows = "".join(
            f"<tr><td>{e(r['started_at'] or '')}</td><td>{e(r['finish_reason'])}</td>"
            f"<td>{r['pages']}</td><td>{r['listed']}</td><td>{r['enqueued']}</td>"
            f"<td>{r['errors']}</td><td>{e(r['cause'] or '')}</td></tr>"
            for r in runs.get(source, [])
        )
        sections.append(
            f'<section id="{e(source)}"><h2>{e(source)}</h2>{flags}'
            "<table><tr><th>crawl started (UTC)</th><th>finished</th><th>pages</th>"
            "<th>listed</th><th>enqueued</th><th>errors</th><th>cause</th></tr>"
            f"{crawl_rows or '<tr><td colspan=7>no crawl recorded</td></tr>'}"
            "</table></section>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dateline report</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: .5em 0 1.5em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .25em .6em; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
rect {{ fill: #4a7bb7; }}
.flag {{ color: #a00; font-weight: bold; }}
</style></head><body>
<h1>Dateline report</h1>
<p>Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Shares and daily records over
the last {window} days; totals over everything stored. {counts["articles"]} records
({counts["originals"]} originals), {counts["no_article"]} pages with no article.</p>
<table>
<tr><th>source</th><th>records</th><th>no article</th><th>failed</th>
<th>with a date</th><th>with an author</th><th>with a dateline</th>
<th>with a place</th><th>records per day</th></tr>
{"".join(rows)}
</table>
{"".join(sections)}
</body></html>
"""
