"""`dateline sources`: list the configured sources, add one from a site's URL
(`dateline.discover`), or check one."""

from __future__ import annotations

import argparse

from config.loader import load_sources


def cmd_sources(args: argparse.Namespace) -> int:
    if args.action in ("add", "check"):
        from dateline import discover

        run = (
            discover.cmd_sources_add
            if args.action == "add"
            else (discover.cmd_sources_check)
        )
        return run(args)
    sources = load_sources()
    print(
        f"{'SOURCE_ID':<16} {'NAME':<30} {'CRAWL':<6} {'LANG':<6} {'TIMEZONE':<20} "
        "FEEDS SITEMAPS SECTIONS"
    )
    for cfg in sources.values():
        print(
            f"{cfg.source_id:<16} {cfg.name[:30]:<30} "
            f"{'all' if cfg.enabled else 'named':<6} {','.join(cfg.languages):<6} "
            f"{cfg.timezone:<20} {len(cfg.feeds):>5} {len(cfg.sitemaps):>8} "
            f"{len(cfg.sections):>8}"
        )
    return 0
