"""Finding content on disk: scenario files, the rubric a scenario names, ids to paths."""
from __future__ import annotations

from pathlib import Path

from .loader import Loaded, load_file
from .model import Rubric, Scenario

YAML_SUFFIXES = (".yaml", ".yml")


class ContentError(Exception):
    """Content that cannot be found or does not load; the message is one line for the user."""


def yaml_files(paths: list[Path]) -> list[Path]:
    """The YAML files named by `paths`, directories expanded (sorted, recursively)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
        else:
            found.append(path)
    return found


def rubric_path(rubric: str, scenario_path: Path, rubrics_dir: Path) -> Path:
    """Where the rubric named by a scenario lives: a relative path, or an id in rubrics/."""
    if rubric.endswith(YAML_SUFFIXES):
        return (scenario_path.parent / rubric).resolve()
    local = scenario_path.parent.parent / "rubrics" / f"{rubric}.yaml"
    return local if local.exists() else rubrics_dir / f"{rubric}.yaml"


def scenario_path(ref: str, scenarios_dir: Path) -> Path:
    """A scenario given as a path or as an id in the scenarios directory."""
    candidate = Path(ref)
    if candidate.suffix in YAML_SUFFIXES or candidate.exists():
        if not candidate.is_file():
            raise ContentError(f"找不到场景文件：{ref}")
        return candidate
    for path in yaml_files([scenarios_dir]):
        if path.stem == ref:
            return path
    for path in yaml_files([scenarios_dir]):
        loaded = load_file(path, "scenario")
        if loaded.model is not None and loaded.model.id == ref:
            return path
    raise ContentError(f"未知的场景：{ref}（可用 simulator list 查看全部场景）")


def require(loaded: Loaded, extra: tuple = ()) -> Scenario | Rubric:
    """The model of a loaded file, or a ContentError naming its first error."""
    errors = [d for d in (*loaded.diagnostics, *extra) if d.severity == "error"]
    if loaded.model is None or errors:
        first = errors[0] if errors else None
        more = f"（共 {len(errors)} 处错误，可用 simulator validate 查看）" if len(errors) > 1 else ""
        raise ContentError(f"{first}{more}" if first else f"{loaded.path}: 无法加载")
    return loaded.model


def load_rubric(path: Path) -> Rubric:
    """A rubric that is safe to score with: loaded and free of validation errors."""
    from .validate import check_loaded_rubric

    loaded = load_file(path, "rubric")
    return require(loaded, check_loaded_rubric(loaded))


def load_scenario_and_rubric(ref: str, scenarios_dir: Path, rubrics_dir: Path) -> tuple[Scenario, Rubric, Path]:
    """A scenario and its rubric, both validated, ready to play."""
    from .validate import check_loaded_scenario

    path = scenario_path(ref, scenarios_dir)
    loaded = load_file(path, "scenario")
    scenario = require(loaded)
    rubric = load_rubric(rubric_path(scenario.rubric, path, rubrics_dir))
    require(loaded, check_loaded_scenario(loaded, rubric))
    return scenario, rubric, path
