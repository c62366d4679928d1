"""Semantic validation: loaded models -> located Diagnostics (codes in diagnostics.CATALOGUE).

Parse-time problems (SC0xx) come from the loader; this module adds the graph (SC1xx), state and
expression (SC2xx), rubric (SC3xx) and cited-fact and persona (SC4xx) checks, and `validate_paths`
runs the whole pipeline over files and directories. Pure: nothing is printed; every result is an
immutable Diagnostic.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..content.diagnostics import Diagnostic
from ..content.library import rubric_path, yaml_files
from ..content.loader import Loaded, load_file
from ..content.model import Rubric, Scenario
from ..content.references import References
from .address import check_address
from .facts import check_facts
from .findings import Findings
from .graph import Graph, build_graph, check_graph
from .persona import check_persona
from .rubric import check_rubric
from .state import check_state
from .statutes import check_rubric_sources
from .texts import scenario_texts

__all__ = ["Graph", "build_graph", "check_loaded_facts", "check_loaded_rubric", "check_loaded_scenario",
           "validate_paths"]


def check_loaded_scenario(loaded: Loaded, rubric: Rubric | None) -> tuple[Diagnostic, ...]:
    """Graph, state and expression checks of a loaded scenario; rubric checks need `rubric`."""
    if not isinstance(loaded.model, Scenario):
        return ()
    report = Findings(loaded)
    check_graph(loaded.model, report)
    check_state(loaded.model, rubric, report)
    check_address(loaded.model, report)
    return report.result()


def check_loaded_facts(loaded: Loaded, rubric: Rubric | None,
                       references: References | None) -> tuple[Diagnostic, ...]:
    """Cited facts, legal claims and persona consistency (SC4xx); statute texts need `references`.

    Not part of what makes content playable: a miscited article is the instructor's to fix, and
    the runtime shows the fact's own words.
    """
    if not isinstance(loaded.model, Scenario):
        return ()
    report = Findings(loaded)
    texts = scenario_texts(loaded.model)
    check_facts(loaded.model, texts, rubric, references, report)
    check_persona(loaded.model, texts, report)
    return report.result()


def check_loaded_rubric(loaded: Loaded) -> tuple[Diagnostic, ...]:
    if not isinstance(loaded.model, Rubric):
        return ()
    report = Findings(loaded)
    check_rubric(loaded.model, report)
    return report.result()


class _Rubrics:
    """Each rubric file loaded once, whether it is validated itself or only referenced."""

    def __init__(self) -> None:
        self.loaded: dict[Path, Loaded] = {}

    def get(self, path: Path) -> Loaded:
        key = path.resolve()
        if key not in self.loaded:
            self.loaded[key] = load_file(path, "rubric")
        return self.loaded[key]

    def remember(self, path: Path, loaded: Loaded) -> None:
        if loaded.kind == "rubric":
            self.loaded.setdefault(path.resolve(), loaded)


def validate_paths(paths: Sequence[Path], rubric_dirs: Sequence[Path],
                   references: References | None = None) -> list[Diagnostic]:
    """Load and check every YAML file under `paths`; all diagnostics, sorted by place.

    With `references` (the shipped statute excerpts), cited articles and quoted words are checked
    against them, in scenarios' facts and in rubric sources; without, everything else is.
    """
    files: list[Path] = []
    seen: set[Path] = set()
    for path in yaml_files([Path(p) for p in paths]):  # a file named twice is checked once
        if path.resolve() not in seen:
            seen.add(path.resolve())
            files.append(path)
    rubrics = _Rubrics()
    loaded_files: list[tuple[Path, Loaded]] = []
    for path in files:
        loaded = load_file(path)
        rubrics.remember(path, loaded)
        loaded_files.append((path, loaded))
    found: list[Diagnostic] = []
    for path, loaded in loaded_files:
        found += loaded.diagnostics
        if loaded.model is None:
            continue
        if isinstance(loaded.model, Rubric):
            found += check_loaded_rubric(loaded)
            if references is not None:
                report = Findings(loaded)
                check_rubric_sources(loaded.model, references, report)
                found += report.result()
            continue
        rubric, problem = _scenario_rubric(loaded, path, rubric_dirs, rubrics)
        if problem is not None:
            found.append(problem)
        found += check_loaded_scenario(loaded, rubric)
        found += check_loaded_facts(loaded, rubric, references)
    return sorted(found, key=lambda d: (d.path, d.line, d.col, d.code, d.message))


def _scenario_rubric(loaded: Loaded, path: Path, rubric_dirs: Sequence[Path],
                     rubrics: _Rubrics) -> tuple[Rubric | None, Diagnostic | None]:
    """The rubric a scenario names, or the SC207 saying why it cannot be used."""
    assert isinstance(loaded.model, Scenario)
    name = loaded.model.rubric
    line, col = loaded.marks.at(("rubric",))
    target = rubric_path(name, path, rubric_dirs)
    if not target.is_file():
        return None, Diagnostic.of("SC207", f"找不到评分标准 '{name}'（查找位置：{target}）", loaded.path, line, col)
    rubric = rubrics.get(target)
    if not isinstance(rubric.model, Rubric):
        first = rubric.diagnostics[0] if rubric.diagnostics else None
        reason = f"：{first}" if first else ""
        return None, Diagnostic.of("SC207", f"评分标准 '{name}' 无法加载{reason}", loaded.path, line, col)
    return rubric.model, None
