"""What the spider hands the item pipeline: a fetched page and its URL key."""

from __future__ import annotations

from dataclasses import dataclass

from workers.models import Page


@dataclass(frozen=True)
class FetchedPage:
    page: Page
    key: str  # the requested URL's key (workers.dedupe.page_key), computed once
