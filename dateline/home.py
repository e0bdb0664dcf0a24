"""`dateline init`: start a Dateline home outside a checkout (where `pip install`
put the command): config/sources/ with a starter source, and an .env.example
naming the variables. var/ is made by the first command that needs it."""

from __future__ import annotations

import argparse
import sys

from workers import settings

EXAMPLE_SOURCE = """\
# A starter source: copy it to <source_id>.toml (the file name is the id),
# fill in a real site, and set `enabled = true` for `dateline crawl --all`.
# Every key: the README's "A source file".
name = "Example News"
homepage = "https://www.example.com/"
allowed_domains = ["example.com"]
languages = ["en"]
timezone = "Europe/London"
feeds = ["https://www.example.com/rss.xml"]
sitemaps = ["https://www.example.com/news-sitemap.xml"]
max_age_days = 3
enabled = false

[articles]
allow = ['/news/\\d{4}/\\d{2}/\\d{2}/[a-z0-9-]+$']
deny = ['/video/', '/live/']

[limits]
max_pages = 500
concurrency_per_host = 2
download_delay = 1.0
"""

ENV_EXAMPLE = """\
# Dateline reads these from the environment (e.g. `set -a; . ./.env; set +a`).
# Unset, a private Redis and a SQLite file live under var/ here.
# DATELINE_HOME=/srv/dateline              # var/ and config/sources live here
# DATELINE_REDIS_URL=redis://:PASSWORD@127.0.0.1:6379/0
# DATELINE_DATABASE_URL=postgresql://dateline:PASSWORD@127.0.0.1:5432/news
# DATELINE_USER_AGENT=MyOrgNews/1.0 (+https://myorg.example/bot)
# DATELINE_SOURCES_DIR=/srv/dateline/config/sources
# DATELINE_JOB_TIMEOUT=180
# DATELINE_RETRY_INTERVALS=30,300
"""


def cmd_init(args: argparse.Namespace) -> int:
    home = settings.HOME
    sources = home / "config" / "sources"
    written = []
    sources.mkdir(parents=True, exist_ok=True)
    example = sources / "example.toml"
    if not any(sources.glob("*.toml")):
        example.write_text(EXAMPLE_SOURCE, encoding="utf-8")
        written.append(example)
    env = home / ".env.example"
    if not env.exists():
        env.write_text(ENV_EXAMPLE, encoding="utf-8")
        written.append(env)
    for path in written:
        print(f"wrote {path}")
    if not written:
        print(f"{home} is already a Dateline home: nothing written", file=sys.stderr)
    print(
        f"next: edit {sources}/<id>.toml, then `dateline sources`, "
        "`dateline crawl <id>` and `dateline work --burst`",
        file=sys.stderr,
    )
    return 0
