"""Fixtures for the store tests: the loop scenario, a store in tmp_path, the CLI in a subprocess."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from store_helpers import DATA, LOOP_SCENARIO, child_env, simulator_command


@pytest.fixture(scope="session")
def loop_content():
    from simulator.engine.check.ready import load_scenario_and_rubric
    from simulator.engine.content.library import Library

    scenario, rubric, _ = load_scenario_and_rubric(str(LOOP_SCENARIO), Library.at(DATA, DATA))
    return scenario, rubric


@pytest.fixture
def store(tmp_path, places):
    """A store in tmp_path/data, on SQLite and on PostgreSQL."""
    with places.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def run_cli(tmp_path, places):
    """Run `simulator --data-dir DIR [--database-url URL] ...` in a real subprocess (on the test's
    backend); returns the CompletedProcess."""

    def run(*args: str, data_dir: Path | None = None, stdin: str = "", check: bool = True):
        command = simulator_command() + places.cli_args(data_dir or tmp_path / "data") + list(args)
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, encoding="utf-8",
                              env=child_env(), timeout=120)
        if check and done.returncode != 0:
            raise AssertionError(f"{args} exited {done.returncode}: {done.stderr}")
        return done

    return run
