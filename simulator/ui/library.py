"""Where the TUI gets scenarios from: a list of entries for the home screen, and a loader.

The app takes a `ScenarioSource` as a constructor argument, so tests inject fixture content.
Nothing here imports the engine at module level: listing and loading are called from worker
threads after the first frame, which keeps YAML and pydantic off the start-up path.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..engine.model import Rubric, Scenario


@dataclass(frozen=True)
class ScenarioEntry:
    """What the home screen shows about one scenario, without keeping the model around."""

    ref: str  # what `ScenarioSource.load` takes: a file path
    id: str
    title: str
    category: str
    difficulty: int
    summary: str = ""
    persona: str = ""  # 「老周，46 岁，急躁易怒」
    background: str = ""
    problem: str = ""  # one line when the file does not load; such entries cannot be played


class ScenarioSource(Protocol):
    """A library of scenarios: list them cheaply, load one fully."""

    def entries(self) -> list[ScenarioEntry]: ...

    def load(self, ref: str) -> tuple[Scenario, Rubric]: ...


def describe_persona(scenario: Scenario) -> str:
    from ..engine.model import TEMPERAMENT_LABELS

    persona = scenario.persona
    return f"{persona.name}，{persona.age} 岁，{TEMPERAMENT_LABELS.get(persona.temperament, persona.temperament)}"


def entry_for(scenario: Scenario, ref: str) -> ScenarioEntry:
    return ScenarioEntry(
        ref=ref, id=scenario.id, title=scenario.title, category=scenario.category,
        difficulty=scenario.difficulty, summary=scenario.summary, persona=describe_persona(scenario),
        background=scenario.persona.background,
    )


class DiskLibrary:
    """Scenario files in a directory (recursively) and the rubrics they name."""

    def __init__(self, scenarios_dir: Path, rubrics_dir: Path) -> None:
        self.scenarios_dir = Path(scenarios_dir)
        self.rubrics_dir = Path(rubrics_dir)

    def entries(self) -> list[ScenarioEntry]:
        from ..engine.library import yaml_files
        from ..engine.loader import load_file

        found: list[ScenarioEntry] = []
        if not self.scenarios_dir.is_dir():
            return found
        for path in yaml_files([self.scenarios_dir]):
            loaded = load_file(path, "scenario")
            if loaded.model is not None:
                found.append(entry_for(loaded.model, str(path)))
            else:
                first = str(loaded.diagnostics[0]) if loaded.diagnostics else "无法加载"
                found.append(ScenarioEntry(str(path), path.stem, path.stem, "（无法加载）", 1, problem=first))
        return found

    def load(self, ref: str) -> tuple[Scenario, Rubric]:
        """Load a scenario by path or id; raises the engine's ContentError with a one-line message."""
        from ..engine.library import load_scenario_and_rubric

        scenario, rubric, _ = load_scenario_and_rubric(ref, self.scenarios_dir, self.rubrics_dir)
        return scenario, rubric


def difficulty_stars(level: int) -> str:
    level = max(1, min(3, level))
    return "★" * level + "☆" * (3 - level)
