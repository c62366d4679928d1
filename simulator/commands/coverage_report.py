"""`simulator coverage`: load scenarios, gather runs (golden tests, recorded sessions), print.

Recorded sessions are read only when a records database already exists in the data directory
(or a database URL is set); coverage never creates an SQLite file. Coverage is informational:
the exit code is 1 only when a scenario (or its rubric) does not load.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..engine.authoring.coverage import KINDS, Coverage, Item, Run, coverage, golden_runs, observed_step
from ..engine.content.library import (
    ContentError,
    Library,
    require_rubric,
    require_scenario,
    rubric_path,
    scenario_path,
    yaml_files,
)
from ..engine.content.loader import load_file
from ..engine.content.model import Rubric, Scenario
from ..store.records import SessionRecord, StoreError

if TYPE_CHECKING:
    from ..settings import Settings

KIND_WORDS = {"node": "节点", "branch": "分支", "ending": "结局", "criterion": "评分项"}


# ---------------------------------------------------------------- loading

def load_targets(refs: list[str], library: Library) -> tuple[list[tuple[Scenario, Rubric]], list[str]]:
    """The scenarios to cover (the whole library when refs is empty) with their rubrics; problems."""
    paths: list[Path] = []
    problems: list[str] = []
    for ref in refs:
        try:
            paths.append(scenario_path(ref, library.scenario_dirs))
        except ContentError as error:
            problems.append(str(error))
    if not refs:
        paths = yaml_files([folder for folder in library.scenario_dirs if folder.is_dir()])
    loaded: list[tuple[Scenario, Rubric]] = []
    rubrics: dict[Path, Rubric | str] = {}
    for path in paths:
        try:
            scenario = require_scenario(load_file(path, "scenario"))
            where = rubric_path(scenario.rubric, path, library.rubric_dirs)
            if where not in rubrics:
                try:
                    rubrics[where] = require_rubric(load_file(where, "rubric"))
                except ContentError as error:
                    rubrics[where] = f"{path}: 评分标准无法加载：{error}"
            rubric = rubrics[where]
            if isinstance(rubric, str):
                problems.append(rubric)
                continue
            loaded.append((scenario, rubric))
        except ContentError as error:
            problems.append(str(error))
    return loaded, problems


def recorded_runs(settings: Settings, scenario_ids: set[str]) -> tuple[dict[str, list[SessionRecord]], str]:
    """Recorded sessions per scenario id from the records database, and a one-line note on where they came from."""
    from ..store.schema import DB_NAME
    from ..store.store import Store

    database = settings.data_dir / DB_NAME
    if not settings.database_url and not database.is_file():
        return {}, f"（未找到演练记录 {database}，只统计路径测试）"
    try:
        with Store.open(settings.data_dir, url=settings.database_url) as store:
            records = [r for r in store.sessions() if r.scenario_id in scenario_ids]
            where = store.path
    except StoreError as error:
        return {}, f"（演练记录无法读取：{error}；只统计路径测试）"
    return {sid: [r for r in records if r.scenario_id == sid] for sid in scenario_ids}, \
        f"（演练记录：{where}，{len(records)} 次相关演练）"


def record_run(scenario: Scenario, record: SessionRecord) -> Run:
    """A recorded session as a Run: every turn it played, rewound ones included."""
    steps = tuple(
        observed_step(
            scenario, t.node, t.next_node, {name: value for name, _, value in t.state},
            {c: (fired if kind == "credit" else not fired) for c, _, kind, fired, _ in t.verdicts},
            {d: s for d, _, s in t.dimensions}, t.total, t.turn, t.capped_by is not None,
        )
        for t in sorted(record.turns, key=lambda t: t.seq)
    )
    return Run("record", str(record.id), steps)


def gather(targets: list[tuple[Scenario, Rubric]], settings: Settings,
           use_records: bool) -> tuple[list[Coverage], str]:
    records: dict[str, list[SessionRecord]] = {}
    note = "（未读取演练记录，只统计路径测试）"
    if use_records and targets:
        records, note = recorded_runs(settings, {s.id for s, _ in targets})
    results = []
    for scenario, rubric in targets:
        runs = list(golden_runs(scenario, rubric)) + [record_run(scenario, r) for r in records.get(scenario.id, [])]
        results.append(coverage(scenario, runs))
    return results, note


# ---------------------------------------------------------------- output

def as_json(cov: Coverage) -> dict[str, Any]:
    return {
        "scenario": cov.scenario, "title": cov.title, "tests": cov.tests, "records": cov.records,
        "summary": {kind: {status: cov.count(kind, status) for status in ("covered", "partial", "justified", "gap")}
                    | {"total": len(cov.of(kind))} for kind in KINDS},
        "items": [{"kind": i.kind, "key": i.key, "node": i.node, "target": i.target or None,
                   "criterion": i.criterion or None, "hits": i.hits, "passed": i.passed, "failed": i.failed,
                   "status": i.status, "reason": i.reason or None} for i in cov.items],
        "stale": [{"node": n, "reason": r} for n, r in cov.stale],
        "unknown_steps": cov.unknown_steps,
    }


def _label(item: Item) -> str:
    if item.kind == "branch":
        return f"分支 {item.key} → {item.target}"
    if item.kind == "criterion":
        return f"评分项 {item.node}: {item.criterion}"
    return f"{KIND_WORDS[item.kind]} {item.key}"


def _summary_line(cov: Coverage) -> str:
    parts = []
    for kind in ("node", "branch", "ending"):
        total = len(cov.of(kind))
        extra = f"（另 {cov.count(kind, 'justified')} 已注明理由）" if cov.count(kind, "justified") else ""
        parts.append(f"{KIND_WORDS[kind]} {cov.count(kind, 'covered')}/{total}{extra}")
    criteria = cov.of("criterion")
    parts.append(f"评分项 {cov.count('criterion', 'covered')}/{len(criteria)} 得失分都出现过"
                 f"（{cov.count('criterion', 'partial')} 只出现一种，{cov.count('criterion', 'gap')} 从未评到"
                 + (f"，{cov.count('criterion', 'justified')} 已注明理由"
                    if cov.count("criterion", "justified") else "")
                 + "）")
    return "；".join(parts)


def _grouped(items: list[Item]) -> str:
    by_node: dict[str, list[str]] = {}
    for item in items:
        by_node.setdefault(item.node, []).append(item.criterion)
    return "；".join(f"{node}: {'、'.join(names)}" for node, names in by_node.items())


def write_text(results: list[Coverage], note: str, out: TextIO) -> None:
    for cov in results:
        out.write(f"{cov.scenario}  {cov.title}（路径测试 {cov.tests} 条，演练记录 {cov.records} 次）\n")
        out.write(f"  {_summary_line(cov)}\n")
        gaps = [i for i in cov.items if i.status == "gap" and i.kind != "criterion"]
        never = [i for i in cov.of("criterion") if i.status == "gap"]
        if gaps or never:
            out.write("  未覆盖：\n")
            for item in gaps:
                out.write(f"    {_label(item)}\n")
            if never:
                out.write(f"    从未评到的评分项：{_grouped(never)}\n")
        partial = [i for i in cov.of("criterion") if i.status == "partial"]
        only_passed = [i for i in partial if i.passed]
        only_failed = [i for i in partial if i.failed]
        if only_passed:
            out.write(f"  从未失分的评分项：{_grouped(only_passed)}\n")
        if only_failed:
            out.write(f"  从未得分的评分项：{_grouped(only_failed)}\n")
        justified = [i for i in cov.items if i.status == "justified"]
        if justified:
            out.write("  已注明理由（unreached_ok）：\n")
            for item in justified:
                out.write(f"    {_label(item)}：{item.reason}\n")
        for node, reason in cov.stale:
            out.write(f"  提示：节点 {node} 的 unreached_ok（{reason}）已无必要，相关各项都已覆盖\n")
        if cov.unknown_steps:
            out.write(f"  提示：{cov.unknown_steps} 轮演练记录对应的节点或分支已不在场景中，未计入\n")
        out.write("\n")
    if results:
        totals = "；".join(
            f"{KIND_WORDS[k]} {sum(c.count(k, 'covered') for c in results)}/{sum(len(c.of(k)) for c in results)}"
            for k in KINDS)
        open_items = sum(c.count(k, "gap") for c in results for k in KINDS)
        out.write(f"共 {len(results)} 个场景：{totals}；未覆盖且未注明理由 {open_items} 项 {note}\n")


def write_json(results: list[Coverage], note: str, out: TextIO) -> None:
    json.dump({"scenarios": [as_json(c) for c in results], "records": note}, out, ensure_ascii=False, indent=2)
    out.write("\n")
