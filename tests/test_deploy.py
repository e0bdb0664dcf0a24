"""Issue 16, point 11: the deployment recipes name only commands, options and
variables that exist, and stop workers gently (no Docker or systemd needed)."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

import yaml

from dateline.cli import build_parser
from tests.harness import REPO
from workers import settings

DEPLOY = REPO / "dateline" / "deploy"


def known_variables() -> set[str]:
    """Every DATELINE_* variable the code reads."""
    found = set()
    for package in ("workers", "crawler", "config", "dateline"):
        for path in REPO.glob(f"{package}/**/*.py"):
            found |= set(re.findall(r"\"(DATELINE_[A-Z_]+)\"", path.read_text()))
    return found


def check_command(argv: list[str]) -> None:
    """A `dateline ...` line parses as the CLI would take it."""
    assert Path(argv[0]).name == "dateline", argv
    build_parser().parse_args(argv[1:])  # exits (SystemExit) on anything unknown


def test_compose_names_real_commands_and_variables() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"redis", "postgres", "workers", "crawler"} <= set(services)
    build = services["workers"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).is_file()
    check_command(services["workers"]["command"])
    loop = services["crawler"]["command"][-1]
    for part in re.findall(r"dateline [^;]+", loop):
        check_command(shlex.split(part))
    variables = set(services["workers"]["environment"])
    assert variables <= known_variables(), variables - known_variables()
    grace = int(services["workers"]["stop_grace_period"].rstrip("s"))
    assert services["workers"]["stop_signal"] == "SIGTERM"
    assert grace > settings.JOB_TIMEOUT
    redis = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in redis and "--maxmemory-policy noeviction" in redis


def test_systemd_units_name_real_commands_and_stop_gently() -> None:
    units = {}
    for path in (DEPLOY / "systemd").iterdir():
        unit = configparser.ConfigParser(interpolation=None, strict=False)
        unit.optionxform = str  # type: ignore[assignment,method-assign]
        unit.read(path)
        units[path.name] = unit
    workers = units["dateline-workers.service"]["Service"]
    check_command(shlex.split(workers["ExecStart"]))
    assert workers["KillSignal"] == "SIGTERM"
    assert int(workers["TimeoutStopSec"]) > settings.JOB_TIMEOUT
    check_command(shlex.split(units["dateline-crawl.service"]["Service"]["ExecStart"]))
    timer = units["dateline-crawl.timer"]
    assert timer["Timer"]["OnCalendar"] and timer["Install"]["WantedBy"]
    assert units["dateline-crawl.service"]["Service"]["Type"] == "oneshot"


def test_the_dockerfile_installs_the_project_with_postgresql() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert '"/src[postgres]"' in text and "DATELINE_HOME" in text
