"""Shared fixtures: the project's paths and small content used across test folders."""
from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def engine_content():
    """The tiny scenario and rubric under tests/data/engine/, loaded."""
    from simulator.engine.library import require
    from simulator.engine.loader import load_file

    scenario = require(load_file(DATA / "engine" / "scenario.yaml", "scenario"))
    rubric = require(load_file(DATA / "engine" / "rubric.yaml", "rubric"))
    return scenario, rubric
