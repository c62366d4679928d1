"""Content that is safe to play: loaded, and free of the errors validation finds.

The runtime (`play`) takes models and never validates; whoever hands it content (the command
line, the TUI's library) loads it through here first.
"""
from __future__ import annotations

from pathlib import Path

from ..content.library import Library, require_rubric, require_scenario, rubric_path, scenario_path
from ..content.loader import load_file
from ..content.model import Rubric, Scenario
from .validate import check_loaded_rubric, check_loaded_scenario


def load_rubric(path: Path) -> Rubric:
    """A rubric that is safe to score with: loaded and free of validation errors."""
    loaded = load_file(path, "rubric")
    return require_rubric(loaded, check_loaded_rubric(loaded))


def load_scenario_and_rubric(ref: str, library: Library) -> tuple[Scenario, Rubric, Path]:
    """A scenario (an id in `library`, or a path) and its rubric, both validated, ready to play."""
    path = scenario_path(ref, library.scenario_dirs)
    loaded = load_file(path, "scenario")
    scenario = require_scenario(loaded)
    rubric = load_rubric(rubric_path(scenario.rubric, path, library.rubric_dirs))
    require_scenario(loaded, check_loaded_scenario(loaded, rubric))
    return scenario, rubric, path
