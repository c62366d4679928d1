"""Finding content on disk: scenario files, the rubric a scenario names, ids to paths.

A `Library` says where to look: scenario folders and rubric folders, each searched in order
(the bundled library first, then the user's own content). The engine never decides where
these folders are; `simulator.settings` does, and passes them in.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic
from .loader import Loaded, load_file
from .model import Rubric, Scenario

YAML_SUFFIXES = (".yaml", ".yml")


class ContentError(Exception):
    """Content that cannot be found or does not load; the message is one line for the user."""


@dataclass(frozen=True)
class Library:
    """Where scenarios and rubrics are found by id: folders searched in order (missing ones skipped)."""

    scenario_dirs: tuple[Path, ...]
    rubric_dirs: tuple[Path, ...]

    @classmethod
    def at(cls, scenarios: Path, rubrics: Path) -> Library:
        """A library of one scenario folder and one rubric folder."""
        return cls((Path(scenarios),), (Path(rubrics),))


def yaml_files(paths: Sequence[Path]) -> list[Path]:
    """The YAML files named by `paths`, directories expanded (sorted, recursively)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
        else:
            found.append(path)
    return found


def rubric_path(rubric: str, scenario_path: Path, rubric_dirs: Sequence[Path]) -> Path:
    """Where the rubric named by a scenario lives: a relative path; else an id in the `rubrics/`
    folder beside the scenario's folder, then in each of `rubric_dirs` (the last is the fallback)."""
    if rubric.endswith(YAML_SUFFIXES):
        return (scenario_path.parent / rubric).resolve()
    candidates = [scenario_path.parent.parent / "rubrics" / f"{rubric}.yaml"]
    candidates += [Path(folder) / f"{rubric}.yaml" for folder in rubric_dirs]
    return next((path for path in candidates if path.exists()), candidates[-1])


def scenario_path(ref: str, scenario_dirs: Sequence[Path]) -> Path:
    """A scenario given as a path, or as an id in one of the scenario folders (first found)."""
    candidate = Path(ref)
    if candidate.suffix in YAML_SUFFIXES or candidate.exists():
        if not candidate.is_file():
            raise ContentError(f"找不到场景文件：{ref}")
        return candidate
    files = yaml_files([folder for folder in scenario_dirs if folder.is_dir()])
    for path in files:
        if path.stem == ref:
            return path
    for path in files:
        loaded = load_file(path, "scenario")
        if loaded.model is not None and loaded.model.id == ref:
            return path
    raise ContentError(f"未知的场景：{ref}（可用 simulator list 查看全部场景）")


def _first_error(loaded: Loaded, extra: Sequence[Diagnostic]) -> None:
    errors = [d for d in (*loaded.diagnostics, *extra) if d.severity == "error"]
    if loaded.model is None or errors:
        first = errors[0] if errors else None
        more = f"（共 {len(errors)} 处错误，可用 simulator validate 查看）" if len(errors) > 1 else ""
        raise ContentError(f"{first}{more}" if first else f"{loaded.path}: 无法加载")


def require(loaded: Loaded, extra: Sequence[Diagnostic] = ()) -> Scenario | Rubric:
    """The model of a loaded file, or a ContentError naming its first error."""
    _first_error(loaded, extra)
    assert loaded.model is not None  # _first_error raised otherwise
    return loaded.model


def require_scenario(loaded: Loaded, extra: Sequence[Diagnostic] = ()) -> Scenario:
    """`require` for a file that must hold a scenario."""
    model = require(loaded, extra)
    if not isinstance(model, Scenario):
        raise ContentError(f"{loaded.path}: 这是评分标准文件，不是场景")
    return model


def require_rubric(loaded: Loaded, extra: Sequence[Diagnostic] = ()) -> Rubric:
    """`require` for a file that must hold a rubric."""
    model = require(loaded, extra)
    if not isinstance(model, Rubric):
        raise ContentError(f"{loaded.path}: 这是场景文件，不是评分标准")
    return model
