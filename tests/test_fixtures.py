"""Every source has a fixture page, and the record made of it is the reviewed one."""

from __future__ import annotations

import json

import pytest

from config.loader import load_sources
from config.paths import SOURCES_DIR
from tests.regenerate_fixtures import FIXTURES, record_for

SOURCES = sorted(load_sources(SOURCES_DIR))


@pytest.mark.parametrize("source_id", SOURCES)
def test_the_record_of_each_sources_fixture_is_the_reviewed_one(source_id: str) -> None:
    folder = FIXTURES / source_id
    assert (folder / "article.html").exists(), f"{source_id} has no fixture page"
    assert (folder / "article.json").exists(), "run make fixtures and review the result"
    expected = json.loads((folder / "article.json").read_text())
    assert record_for(source_id) == expected
