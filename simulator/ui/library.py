"""Where the TUI gets scenarios from: a list of entries for the home screen, and a loader.

The app takes a `ScenarioSource` as a constructor argument, so tests inject fixture content.
Nothing here imports the engine at module level: listing and loading are called from worker
threads after the first frame, which keeps YAML and pydantic off the start-up path. With an
index file, listing an unchanged library needs neither: the entries come back from JSON, keyed
by every file's path, size and modification time.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..engine.content.model import Rubric, Scenario


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
    from ..engine.content.model import TEMPERAMENT_LABELS

    persona = scenario.persona
    return f"{persona.name}，{persona.age} 岁，{TEMPERAMENT_LABELS.get(persona.temperament, persona.temperament)}"


def entry_for(scenario: Scenario, ref: str) -> ScenarioEntry:
    return ScenarioEntry(
        ref=ref, id=scenario.id, title=scenario.title, category=scenario.category,
        difficulty=scenario.difficulty, summary=scenario.summary, persona=describe_persona(scenario),
        background=scenario.persona.background,
    )


INDEX_VERSION = 1
YAML_SUFFIXES = (".yaml", ".yml")


class DiskLibrary:
    """Scenario files in folders (recursively, in order) and the rubrics they name.

    `rubric_dirs` are where a rubric id is looked up when the scenario's own folder does not hold
    it (see `engine.content.library.rubric_path`). `index` is the path of a JSON index to reuse
    between runs; None lists by loading every time.
    """

    def __init__(self, scenario_dirs: Sequence[Path], rubric_dirs: Sequence[Path], index: Path | None = None) -> None:
        self.scenario_dirs = tuple(Path(folder) for folder in scenario_dirs)
        self.rubric_dirs = tuple(Path(folder) for folder in rubric_dirs)
        self.index = index

    def entries(self) -> list[ScenarioEntry]:
        files = self._files()
        key = {"version": INDEX_VERSION, "files": [[str(p), s.st_size, s.st_mtime_ns] for p, s in files]}
        cached = _read_index(self.index, key) if self.index is not None else None
        if cached is not None:
            return cached
        found = self._load_entries([p for p, _ in files])
        if self.index is not None:
            _write_index(self.index, key, found)
        return found

    def _files(self) -> list[tuple[Path, os.stat_result]]:
        paths: list[Path] = []
        for folder in self.scenario_dirs:
            if folder.is_dir():
                paths += sorted(p for p in folder.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
        return [(p, p.stat()) for p in paths]

    def _load_entries(self, paths: list[Path]) -> list[ScenarioEntry]:
        from ..engine.content.loader import load_file
        from ..engine.content.model import Scenario

        found: list[ScenarioEntry] = []
        for path in paths:
            loaded = load_file(path, "scenario")
            if isinstance(loaded.model, Scenario):
                found.append(entry_for(loaded.model, str(path)))
            else:
                first = str(loaded.diagnostics[0]) if loaded.diagnostics else "无法加载"
                found.append(ScenarioEntry(str(path), path.stem, path.stem, "（无法加载）", 1, problem=first))
        return found

    def load(self, ref: str) -> tuple[Scenario, Rubric]:
        """Load a scenario by path or id; raises the engine's ContentError with a one-line message."""
        from ..engine.check.ready import load_scenario_and_rubric
        from ..engine.content.library import Library

        scenario, rubric, _ = load_scenario_and_rubric(ref, Library(self.scenario_dirs, self.rubric_dirs))
        return scenario, rubric


def _read_index(path: Path, key: dict[str, Any]) -> list[ScenarioEntry] | None:
    """The cached entries when the index was written for exactly these files, else None."""
    import json  # here, not at the top: this module is on the start-up path and json is not

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        names = {f.name for f in fields(ScenarioEntry)}
        return [ScenarioEntry(**{k: v for k, v in e.items() if k in names}) for e in data["entries"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # missing, stale or damaged: list by loading instead


def _write_index(path: Path, key: dict[str, Any], entries: list[ScenarioEntry]) -> None:
    """Write the index atomically; a read-only cache directory just means no index."""
    import json

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"key": key, "entries": [asdict(e) for e in entries]}, ensure_ascii=False),
                             encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass


def difficulty_stars(level: int) -> str:
    level = max(1, min(3, level))
    return "★" * level + "☆" * (3 - level)
