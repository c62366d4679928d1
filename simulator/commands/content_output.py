"""What `simulator validate`, `list` and `schema` print: diagnostics, scenario rows, schema files.

The engine does the work and returns values; this module turns them into text or JSON on the
stream it is given and decides exit codes. Nothing here imports Textual.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from ..engine.check.graph import build_graph
from ..engine.content.diagnostics import Diagnostic
from ..engine.content.library import yaml_files
from ..engine.content.loader import load_file
from ..engine.content.model import Scenario
from ..engine.content.schema import json_schema
from .output import shown, table

SEVERITY_WORDS = (("error", "个错误"), ("warning", "个警告"), ("info", "条提示"))


def report_diagnostics(found: list[Diagnostic], files: int, fmt: str, strict: bool, out: TextIO) -> int:
    """Print diagnostics (text lines and a summary, or one JSON list); the exit code."""
    if fmt == "json":
        items = [{"file": d.path, "line": d.line, "column": d.col, "code": d.code,
                  "severity": d.severity, "message": d.message} for d in found]
        json.dump(items, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        for diagnostic in found:
            out.write(f"{diagnostic}\n")
        counts = [f"{sum(d.severity == s for d in found)} {word}" for s, word in SEVERITY_WORDS
                  if s != "info" or any(d.severity == "info" for d in found)]
        verdict = "，".join(counts) if found else "未发现问题"
        out.write(f"{verdict}（检查了 {files} 个文件）\n")
    errors = any(d.severity == "error" for d in found)
    warnings = any(d.severity == "warning" for d in found)
    return 1 if errors or (strict and warnings) else 0


def count_files(paths: Sequence[Path]) -> int:
    return len(yaml_files(paths))


Row = dict[str, Any]


def scenario_rows(scenario_dirs: Sequence[Path]) -> tuple[list[Row], list[str]]:
    """One row per loadable scenario in the folders (sorted by id), and a line per file that did not load."""
    rows: list[Row] = []
    problems: list[str] = []
    for path in yaml_files([folder for folder in scenario_dirs if folder.is_dir()]):
        loaded = load_file(path, "scenario")
        if not isinstance(loaded.model, Scenario):
            first = loaded.diagnostics[0] if loaded.diagnostics else f"{path}: 无法加载"
            problems.append(f"{first}（运行 simulator validate 查看全部问题）")
            continue
        scenario = loaded.model
        rows.append({
            "id": scenario.id, "title": scenario.title, "category": scenario.category,
            "difficulty": scenario.difficulty, "endings": list(build_graph(scenario).ending_kinds(scenario)),
            "nodes": len(scenario.nodes), "path": str(shown(path)),
        })
    rows.sort(key=lambda row: row["id"])
    return rows, problems


def print_rows(rows: list[Row], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    if not rows:
        out.write("没有可用的场景\n")
        return
    header = ["编号", "标题", "类别", "难度", "结局", "节点"]
    table([header] + [[r["id"], r["title"], r["category"], str(r["difficulty"]), ",".join(r["endings"]),
                       str(r["nodes"])] for r in rows], out)
    out.write(f"共 {len(rows)} 个场景\n")


def write_schemas(out_dir: Path | None, out: TextIO) -> None:
    """Both schemas: into `out_dir` as two files, or to `out` as one JSON object."""
    schemas = {kind: json_schema(kind) for kind in ("scenario", "rubric")}
    if out_dir is None:
        json.dump(schemas, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    for kind, schema in schemas.items():
        target = out_dir / f"{kind}.schema.json"
        target.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        out.write(f"已写入 {shown(target)}\n")
