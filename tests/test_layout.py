"""The layout's rules, checked on the tree: what ships, which way imports point,
the one stage chain, module sizes, tests on public names."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from setuptools import find_packages

from tests.harness import REPO

SHIPPED = ("config", "crawler", "workers", "dateline")
MAX_LINES = 350


def modules(*roots: str) -> list[Path]:
    return sorted(p for root in roots for p in (REPO / root).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module `path` imports (at any depth of the file)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_the_wheel_ships_the_four_packages_and_nothing_of_tests() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = find_packages(str(REPO), include=include)
    assert {p.split(".")[0] for p in packages} == set(SHIPPED)
    assert not [p for p in packages if p.startswith("tests")]


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("config", ("crawler", "workers", "dateline", "tests")),
        ("workers", ("scrapy", "twisted", "crawler", "dateline", "tests")),
        ("crawler", ("dateline", "tests", "trafilatura")),
        ("dateline", ("tests",)),
    ],
)
def test_imports_point_one_way(package: str, forbidden: tuple[str, ...]) -> None:
    wrong = {
        f"{path.relative_to(REPO)}: {name}"
        for path in modules(package)
        for name in imported(path)
        if name.split(".")[0] in forbidden
    }
    assert not wrong


def test_only_the_stage_chain_calls_extract_and_normalize() -> None:
    callers = set()
    for path in modules(*SHIPPED, "tests/bench", "tests/chaos", "tests/eval"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in ("extract_article", "normalize_article"):
                    callers.add(str(path.relative_to(REPO)))
    assert callers == {"workers/stages.py"}


def test_every_shipped_module_stays_small() -> None:
    sizes = {
        str(p.relative_to(REPO)): len(p.read_text().splitlines())
        for p in modules(*SHIPPED)
    }
    assert {p: n for p, n in sizes.items() if n > MAX_LINES} == {}
    assert sum(n <= 300 for n in sizes.values()) > 0.8 * len(sizes)  # most


def test_tests_import_public_names_only() -> None:
    private = set()
    for path in modules("tests"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module:
                ours = node.module.split(".")[0] in (*SHIPPED, "tests")
                private |= {
                    f"{path.name}: {node.module}.{a.name}"
                    for a in node.names
                    if ours and a.name.startswith("_")
                }
    assert not private


def test_the_crawler_never_loads_the_extraction_stack() -> None:
    """The crawler enqueues by dotted path: its process stays light."""
    code = (
        "import sys, crawler.spiders.news, crawler.pipelines, dateline.cli; "
        "print(sorted(m for m in ('trafilatura', 'dateparser', 'rensa', 'psycopg') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
