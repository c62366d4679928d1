"""Constants, helpers and fixtures for the store tests, imported by name.

No conftest.py here: other tests import the top-level conftest by module name, and a second
conftest module would shadow it.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
ENGINE_SCENARIO = DATA / "engine" / "scenario.yaml"
LOOP_SCENARIO = DATA / "store" / "loop.yaml"
CALM = "您先别着急，请坐下慢慢说。"
VERIFY = "请您放心，我们会核实情况。"


def simulator_command() -> list[str]:
    """The installed `simulator` script beside this interpreter, else `python -m simulator`."""
    script = Path(sys.executable).parent / "simulator"
    return [str(script)] if script.exists() else [sys.executable, "-m", "simulator"]


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SIMULATOR_DATA_DIR"}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture(scope="session")
def loop_content():
    from simulator.engine.check.ready import load_scenario_and_rubric
    from simulator.engine.content.library import Library

    scenario, rubric, _ = load_scenario_and_rubric(str(LOOP_SCENARIO), Library.at(DATA, DATA))
    return scenario, rubric


@pytest.fixture
def store(tmp_path):
    from simulator.store import Store

    with Store.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def run_cli(tmp_path):
    """Run `simulator --data-dir DIR ...` in a real subprocess; returns the CompletedProcess."""

    def run(*args: str, data_dir: Path | None = None, stdin: str = "", check: bool = True):
        command = simulator_command() + ["--data-dir", str(data_dir or tmp_path / "data"), *args]
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, encoding="utf-8",
                              env=child_env(), timeout=120)
        if check and done.returncode != 0:
            raise AssertionError(f"{args} exited {done.returncode}: {done.stderr}")
        return done

    return run
