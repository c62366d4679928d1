"""`simulator calibrate`: read an instructor's marked CSV, compare with the machine, print.

CSV columns (header row required, UTF-8, with or without BOM): `id`, `reply`, optional `context`
(what the petitioner said), optional `scenario` + `node` (score the reply as an answer at that
node; otherwise the rubric's default expectations apply), and one column per marked dimension,
named by the dimension's id or its Chinese label (listening / 倾听, ...). Marks are 1-5 or 0-100,
detected per column unless --scale says; an empty cell means "not marked". Optional `shows` and
`unsure`: the criteria the reply clearly shows and those the instructor hesitates on (ids or
labels, separated by spaces, commas or 、; 「无」 for none): rows with `shows` filled in can
teach the learned layer (`--teach`). Other columns are ignored and named in the output.
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from ..engine.authoring.calibration import (
    Calibration,
    DimensionReview,
    MarkedReply,
    Scale,
    ScaleError,
    check_scale,
    detect_scale,
)
from ..engine.content.library import ContentError, require_scenario, scenario_path
from ..engine.content.loader import load_file
from ..engine.content.model import Rubric
from ..engine.play.scoring import MAX_REPLY_CHARS, NodeTurn
from ..engine.play.session import ScenarioError, scene
from .output import pad, width

FIXED = ("id", "reply", "context", "scenario", "node", "shows", "unsure")
NONE_WORDS = ("无", "-", "—", "none")
LABEL_SEPARATORS = re.compile(r"[\s,，、;；]+")
PROBLEM_WORDS = {
    "broad": "在教员评为低分的回复上触发得和高分回复一样多，区分不出好坏：可能过宽，或被不当的说法触发",
    "narrow": "教员评为高分、且本轮期望它的回复大多没有触发：可能漏掉了常见的好说法",
    "false_fault": "在教员评为高分的回复上触发得比低分回复还多：可能误报",
}


class MarksError(ValueError):
    """A malformed marks file; the message is one line, with the file and line when known."""


def _cell(value: str | None) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def read_marks(path: Path, rubric: Rubric, scale: str,
               scenario_dirs: Sequence[Path]) -> tuple[list[MarkedReply], dict[str, Scale], list[str]]:
    """The marked replies, the scale of each dimension column, and the ignored column names."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise MarksError(f"无法读取 {path}：{getattr(error, 'strerror', None) or '不是 UTF-8 编码'}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [_cell(h) for h in next(reader)]
    except StopIteration:
        raise MarksError(f"{path}: 文件是空的") from None
    except csv.Error as error:
        raise MarksError(f"{path}:1: CSV 格式错误：{error}") from None
    names = {key.lower(): key for key in rubric.dimensions} | {d.label: key for key, d in rubric.dimensions.items()}
    columns: dict[str, int] = {}
    dims: dict[str, int] = {}
    ignored: list[str] = []
    for index, name in enumerate(header):
        key = name.lower()
        if key in FIXED:
            target, label = columns, key
        elif key in names or name in names:
            target, label = dims, names.get(key) or names[name]
        else:
            ignored.append(name or f"第 {index + 1} 列")
            continue
        if label in target:
            raise MarksError(f"{path}:1: 列 {name} 重复")
        target[label] = index
    for required in ("id", "reply"):
        if required not in columns:
            raise MarksError(f"{path}:1: 缺少必需的列 {required}（表头：{'、'.join(header)}）")
    if not dims:
        known = "、".join(f"{k}/{d.label}" for k, d in rubric.dimensions.items())
        raise MarksError(f"{path}:1: 没有评分列：列名应为评分标准的维度（{known}）")
    turns: dict[tuple[str, str], tuple[NodeTurn, str, str]] = {}
    rows: list[tuple[int, dict[str, str], dict[str, float]]] = []
    seen: set[str] = set()
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise MarksError(f"{path}:{line}: 这一行有 {len(row)} 列，表头有 {len(header)} 列"
                                 "（含逗号的回复要用双引号括起来）")
            fields = {k: _cell(row[i]) if k != "reply" else row[i].strip() for k, i in columns.items()}
            if not fields["id"]:
                raise MarksError(f"{path}:{line}: id 为空")
            if fields["id"] in seen:
                raise MarksError(f"{path}:{line}: id {fields['id']} 重复")
            seen.add(fields["id"])
            if not fields["reply"]:
                raise MarksError(f"{path}:{line}: reply 为空")
            if len(fields["reply"]) > MAX_REPLY_CHARS:
                raise MarksError(f"{path}:{line}: 回复过长（{len(fields['reply'])} 字，上限 {MAX_REPLY_CHARS}）")
            marks = {}
            for dim, i in dims.items():
                if _cell(row[i]):
                    try:
                        marks[dim] = float(_cell(row[i]))
                    except ValueError:
                        raise MarksError(f"{path}:{line}: {header[i]} 列的 '{row[i].strip()}' 不是数字") from None
            rows.append((line, fields, marks))
    except csv.Error as error:
        raise MarksError(f"{path}:{reader.line_num}: CSV 格式错误：{error}") from None
    if not rows:
        raise MarksError(f"{path}: 没有数据行")
    scales = _scales(path, header, dims, rows, scale)
    replies = []
    for line, fields, marks in rows:
        turn, where, said = _turn(path, line, fields, scenario_dirs, turns)
        shows = _criteria(path, line, "shows", fields.get("shows", ""), rubric)
        unsure = _criteria(path, line, "unsure", fields.get("unsure", ""), rubric) or ()
        if shows is not None and set(shows) & set(unsure):
            raise MarksError(f"{path}:{line}: {'、'.join(sorted(set(shows) & set(unsure)))} 不能既在 shows 又在 unsure")
        replies.append(MarkedReply(fields["id"], fields["reply"], tuple(marks.items()),
                                   fields.get("context", "") or said, where, turn, shows, unsure))
    return replies, scales, ignored


def _criteria(path: Path, line: int, column: str, cell: str, rubric: Rubric) -> tuple[str, ...] | None:
    """The criterion ids of a shows/unsure cell (ids or labels); None for an empty cell, () for 「无」."""
    cell = cell.strip()
    if not cell:
        return None
    if cell.lower() in NONE_WORDS:
        return ()
    by_label = {c.label: c.id for c in rubric.criteria}
    found = []
    for word in LABEL_SEPARATORS.split(cell):
        if word:
            criterion = word if word in rubric.by_id else by_label.get(word)
            if criterion is None:
                raise MarksError(f"{path}:{line}: {column} 列的「{word}」不是评分项编号或名称")
            found.append(criterion)
    return tuple(dict.fromkeys(found))


def _scales(path: Path, header: list[str], dims: dict[str, int], rows, scale: str) -> dict[str, Scale]:
    scales: dict[str, Scale] = {}
    for dim, i in dims.items():
        values = [marks[dim] for _, _, marks in rows if dim in marks]
        if not values:
            continue
        try:
            if scale == "auto":
                scales[dim] = detect_scale(values)
            else:
                scales[dim] = 5 if scale == "5" else 100
                check_scale(values, scales[dim])
        except ScaleError as error:
            raise MarksError(f"{path}: {header[i]} 列：{error}") from None
    return scales


def _turn(path: Path, line: int, fields: dict[str, str], scenario_dirs: Sequence[Path],
          cache: dict[tuple[str, str], tuple[NodeTurn, str, str]]) -> tuple[NodeTurn | None, str, str]:
    """The turn a row answers, "scenario/node", and the petitioner's line there (as `play` scores it)."""
    ref, node_id = fields.get("scenario", ""), fields.get("node", "")
    if not ref and not node_id:
        return None, "", ""
    if not (ref and node_id):
        raise MarksError(f"{path}:{line}: scenario 与 node 要同时填写")
    if (ref, node_id) not in cache:
        try:
            scenario = require_scenario(load_file(scenario_path(ref, scenario_dirs), "scenario"))
        except ContentError as error:
            raise MarksError(f"{path}:{line}: {error}") from None
        try:
            turn, said = scene(scenario, node_id)
        except ScenarioError as error:
            raise MarksError(f"{path}:{line}: {error}") from None
        cache[(ref, node_id)] = (turn, f"{scenario.id}/{node_id}", said)
    return cache[(ref, node_id)]


# ---------------------------------------------------------------- output

def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _strength(kappa: float | None) -> str:
    if kappa is None:
        return "无法计算"
    for bound, word in ((0, "差"), (0.2, "轻微"), (0.4, "一般"), (0.6, "中等"), (0.8, "较强")):
        if kappa <= bound:
            return word
    return "很强"


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(pad(c, widths[i]) for i, c in enumerate(r)).rstrip() for r in rows]


def _bias(review: DimensionReview) -> str:
    bias = review.agreement.bias
    if bias is None or abs(bias) < 0.5:
        return "—"
    return f"机器偏{'高' if bias > 0 else '低'} {abs(bias):.1f} 档"


def write_text(result: Calibration, source: str, rubric: Rubric, ignored: list[str], out: TextIO) -> None:
    out.write(f"校准：{source}，{result.replies} 条回复，评分标准 {rubric.id}（{rubric.title}）\n")
    if ignored:
        out.write(f"忽略的列：{'、'.join(ignored)}\n")
    rows = [["维度", "标尺", "对数", "Spearman", "加权κ", "同档", "平均差档", "偏向"]]
    for r in result.dimensions:
        a = r.agreement
        rows.append([f"{r.label} {r.dimension}", "1-5" if r.scale == 5 else "0-100", str(a.n), _fmt(a.spearman),
                     _fmt(a.kappa), "—" if a.exact is None else f"{a.exact:.0%}", _fmt(a.mean_gap, 1), _bias(r)])
    out.write("\n".join(_table(rows)) + "\n")
    out.write("（Spearman：排序相关，-1 到 1；加权κ：五档一致性，二次加权；同档：落在同一档的比例）\n")
    for r in result.dimensions:
        out.write(f"\n【{r.label}】一致性{_strength(r.agreement.kappa)}")
        if r.agreement.spearman is None:
            out.write("；Spearman 无法计算（教员或机器的分数全部相同，或不足两对）")
        if r.unassessed:
            out.write(f"；机器在 {len(r.unassessed)} 条回复上没有评这一维度（{'、'.join(r.unassessed)}）")
        if 0 < r.agreement.n < 10:
            out.write("；样本少于 10 条，数字仅供参考")
        out.write("\n")
        if r.disagreements:
            out.write("  分歧最大的回复：\n")
        for d in r.disagreements:
            p = d.pair
            mark = f"{p.instructor:g}" + ("" if p.scale == 5 else "分")
            where = f" @{d.where}" if d.where else ""
            out.write(f"    #{d.item}{where} 教员 {p.instructor_band} 档（{mark}）"
                      f"/ 机器 {p.machine_band} 档（{p.machine}分）"
                      f"：「{d.reply}」\n")
            fired = "；".join(f"{'+' if f.kind == 'credit' else '-'}{f.label}"
                             + (f"「{'、'.join(t for t in f.texts if t)}」" if any(f.texts) else "") for f in d.fired)
            out.write(f"      触发：{fired or '无'}\n")
            if d.missed:
                out.write(f"      本轮期望但未得：{'、'.join(d.missed)}\n")
            elif not d.where:
                out.write("      （没有场景节点：按评分标准的默认期望评分）\n")
        if r.suggestions or r.uncaught or r.unflagged:
            out.write("  建议检查的评分项：\n")
        if r.uncaught or r.unflagged:
            parts = [f"{word} {len(ids)} 条（{'、'.join(ids)}）" for word, ids in
                     (("机器给了三档及以上", r.uncaught), ("机器没有评这一维度", r.unflagged)) if ids]
            faults = "、".join(r.faults) or "本维度还没有扣分项"
            out.write(f"    · 教员评为低分、本维度却没有扣分项触发的回复：{'；'.join(parts)}"
                      f"——可能缺少相应的扣分说法（{faults}）\n")
        for s in r.suggestions[:5]:
            kind = "加分项" if s.kind == "credit" else "扣分项"
            if s.problem == "narrow":
                counts = f"教员评高分且本轮期望它的 {s.high} 条中触发 {s.fired_high} 次"
            else:
                counts = f"教员评低分的 {s.low} 条中触发 {s.fired_low} 次，评高分的 {s.high} 条中触发 {s.fired_high} 次"
            out.write(f"    · {kind} {s.criterion}（{s.label}）：{counts}——{PROBLEM_WORDS[s.problem]}\n")


def as_json(result: Calibration, source: str, rubric: Rubric, ignored: list[str]) -> dict[str, Any]:
    def dimension(r: DimensionReview) -> dict[str, Any]:
        a = r.agreement
        return {
            "dimension": r.dimension, "label": r.label, "scale": "1-5" if r.scale == 5 else "0-100",
            "marked": r.marked, "n": a.n, "spearman": a.spearman, "kappa": a.kappa, "exact": a.exact,
            "mean_gap": a.mean_gap, "bias": a.bias, "unassessed": list(r.unassessed),
            "disagreements": [{
                "id": d.item, "reply": d.reply, "context": d.context, "where": d.where or None,
                "instructor": d.pair.instructor, "instructor_band": d.pair.instructor_band,
                "machine": d.pair.machine, "machine_band": d.pair.machine_band,
                "fired": [{"criterion": f.criterion, "kind": f.kind, "dimension": f.dimension,
                           "texts": list(f.texts)} for f in d.fired],
                "missed": list(d.missed)} for d in r.disagreements],
            "suggestions": [{"criterion": s.criterion, "kind": s.kind, "problem": s.problem, "fired_low": s.fired_low,
                             "low": s.low, "fired_high": s.fired_high, "high": s.high} for s in r.suggestions],
            "uncaught": list(r.uncaught), "unflagged": list(r.unflagged), "faults": list(r.faults),
        }

    return {"file": source, "rubric": rubric.id, "replies": result.replies, "ignored_columns": ignored,
            "dimensions": [dimension(r) for r in result.dimensions]}


def write_json(result: Calibration, source: str, rubric: Rubric, ignored: list[str], out: TextIO) -> None:
    json.dump(as_json(result, source, rubric, ignored), out, ensure_ascii=False, indent=2)
    out.write("\n")
