"""Shared fixtures: the project's paths and small content used across test folders."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def engine_content():
    """The tiny scenario and rubric under tests/data/engine/, loaded."""
    from simulator.engine.content.library import require
    from simulator.engine.content.loader import load_file

    scenario = require(load_file(DATA / "engine" / "scenario.yaml", "scenario"))
    rubric = require(load_file(DATA / "engine" / "rubric.yaml", "rubric"))
    return scenario, rubric


@pytest.fixture(scope="session")
def standard_rubric():
    """The bundled standard rubric, loaded and validated."""
    from simulator.engine.check.ready import load_rubric

    return load_rubric(ROOT / "rubrics" / "standard.yaml")


@pytest.fixture(scope="session")
def standard_scorer(standard_rubric):
    """The standard rubric compiled for scoring (as a Session holds it)."""
    from simulator.engine.play.scoring import compile_rubric

    return compile_rubric(standard_rubric)
