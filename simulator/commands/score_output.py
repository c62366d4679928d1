"""What `simulator score` and `simulator test` print: JSON Lines of scores, golden-test results."""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

from ..engine.check.golden import Labelled, Report, metrics, run_rubric, run_scenario
from ..engine.check.ready import load_scenario_and_rubric
from ..engine.content.library import ContentError, Library, rubric_path, yaml_files
from ..engine.content.loader import load_file
from ..engine.content.model import Rubric, Scenario
from ..engine.play.learned.model import WeightsError
from ..engine.play.scoring import (
    CompiledRubric,
    CriterionResult,
    NodeTurn,
    ReplyTooLong,
    TurnScore,
    compile_rubric,
    score_reply,
)
from ..engine.play.session import ScenarioError, scene


def _spans(results: Iterable[CriterionResult]) -> list[dict[str, Any]]:
    """One entry per evidence span; `by` says which layer decided (rubric, learned, both)."""
    return [
        {"criterion": r.criterion, "dimension": r.dimension, "start": e.start, "end": e.end, "text": e.text,
         "by": r.by}
        for r in results for e in (r.evidence or ())
    ] + [
        # A criterion that fired with no words to show (a question, a length, a learned verdict not
        # confident enough to point) still shows up.
        {"criterion": r.criterion, "dimension": r.dimension, "start": 0, "end": 0, "text": "", "by": r.by}
        for r in results if not r.evidence
    ]


def score_json(score: TurnScore, reply_id: Any = None) -> dict[str, Any]:
    return {
        "id": reply_id,
        "total": score.total,
        "dimensions": {d.dimension: d.score for d in score.dimensions},
        "hits": _spans(score.hits),
        "flags": _spans(score.flags),
        # Criteria not judged because their regex ran out of the reply's time budget (see validate SC325).
        **({"timeouts": list(score.overrun)} if score.overrun else {}),
    }


PARALLEL_FROM = 500  # lines; below this, starting worker processes costs more than it saves


class _Scorer:
    """What one process scores with: the default rubric, and the scenes lines name (each resolved once)."""

    def __init__(self, rubric: Rubric, library: Library | None):
        self.default = compile_rubric(rubric)
        self.library = library
        self.rubrics: dict[Path, CompiledRubric] = {}
        self.scenes: dict[tuple[str, str], tuple[CompiledRubric, NodeTurn, str] | str] = {}

    def scene(self, scenario: str, node: str) -> tuple[CompiledRubric, NodeTurn, str]:
        """The scenario's own rubric, the node's turn and the petitioner's line, as `play` scores it there."""
        key = (scenario, node)
        if key not in self.scenes:
            self.scenes[key] = self._resolve(scenario, node)
        found = self.scenes[key]
        if isinstance(found, str):
            raise ValueError(found)
        return found

    def _resolve(self, scenario: str, node: str) -> tuple[CompiledRubric, NodeTurn, str] | str:
        if self.library is None:
            return "没有场景库，不能按场景评分"
        try:
            model, rubric, _ = load_scenario_and_rubric(scenario, self.library)
            turn, line = scene(model, node)
        except (ContentError, ScenarioError) as error:
            return str(error)
        path = Path(rubric.learned.path(rubric.learned.weights)) if rubric.learned else Path(rubric.id)
        compiled = self.rubrics.setdefault(path, compile_rubric(rubric)) \
            if rubric != self.default.rubric else self.default
        return compiled, turn, line


_scorer: _Scorer | None = None  # this process's scorer (set in workers by _use)


def score_stream(rubric: Rubric, replies: list[str], stdin: IO[str], out: IO[str],
                 library: Library | None = None) -> int:
    """Score replies given as arguments, or JSON Lines from stdin; one JSON object per line out.

    A line may name a `scenario` and `node`: the reply is then scored as `simulator play` scores it
    there (that scenario's rubric, the node's expectations and exemplars, the petitioner's line as
    context unless the line gives its own `context`). Long inputs are spread over the machine's
    cores, in order, as they stream in; the learned layer's weights are loaded before the workers
    start, so they share one copy.
    """
    lines = (json.dumps({"reply": r}, ensure_ascii=False) for r in replies) if replies else stdin
    numbered = enumerate(lines, 1)
    head = list(islice(numbered, PARALLEL_FROM))
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    _use(rubric, library)
    bad = 0
    if len(head) < PARALLEL_FROM or workers < 2:
        results: Iterable[tuple[str, bool]] = map(_score_line, head)
        bad = _write(results, out)
    else:
        _worker_scorer().default.combination()  # load the weights once, before the workers fork
        with multiprocessing.get_context().Pool(workers, initializer=_use, initargs=(rubric, library)) as pool:
            bad = _write(pool.imap(_score_line, chain(head, numbered), chunksize=64), out)
    return 1 if bad else 0


def _use(rubric: Rubric, library: Library | None = None) -> None:
    global _scorer
    _scorer = _Scorer(rubric, library)


def _worker_scorer() -> _Scorer:
    """What this process scores with: set by `_use` before any line is scored."""
    if _scorer is None:
        raise RuntimeError("score_stream: no rubric set")
    return _scorer


def _write(results: Iterable[tuple[str, bool]], out: IO[str]) -> int:
    bad = 0
    for text, ok in results:
        if text:
            out.write(text)
        bad += not ok
    return bad


def _score_line(item: tuple[int, str]) -> tuple[str, bool]:
    """One JSON Lines input line -> (output line, whether it was well formed)."""
    number, line = item
    if not line.strip():
        return "", True
    reply_id = None
    try:
        data = json.loads(line, parse_constant=_not_json)
        if not isinstance(data, dict) or not isinstance(data.get("reply"), str):
            raise ValueError('每行应为 {"reply": "..."}')
        reply_id = data.get("id")
        if not _plain_id(reply_id):
            reply_id = None
            raise ValueError("id 不能是无穷大或非数（NaN）")
        result, ok = score_json(_score(data), reply_id), True
    except RecursionError:
        result, ok = {"id": None, "line": number, "error": f"第 {number} 行的 JSON 嵌套过深"}, False
    except (ValueError, ReplyTooLong, WeightsError) as error:
        message = f"第 {number} 行不是合法 JSON" if isinstance(error, json.JSONDecodeError) else str(error)
        result, ok = {"id": reply_id, "line": number, "error": message}, False
    # allow_nan=False: whatever got through, the output line stays valid JSON
    return json.dumps(result, ensure_ascii=False, allow_nan=False) + "\n", ok


def _not_json(name: str) -> None:
    raise ValueError(f"{name} 不是合法的 JSON 值")


def _plain_id(value: Any) -> bool:
    """Whether an id can be echoed as valid JSON (1e999 reads as infinity, which JSON cannot write)."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


def _score(data: dict[str, Any]) -> TurnScore:
    scorer = _worker_scorer()
    context = data.get("context")
    if context is not None and not isinstance(context, str):
        raise ValueError("context 应为字符串")
    scenario, node = data.get("scenario"), data.get("node")
    if scenario is None and node is None:
        return score_reply(data["reply"], scorer.default, None, context or "")
    if not isinstance(scenario, str) or not isinstance(node, str) or not scenario or not node:
        raise ValueError("scenario 与 node 要同时给出，且都是字符串")
    compiled, turn, line = scorer.scene(scenario, node)
    return score_reply(data["reply"], compiled, turn, line if context is None else context)


# ---------------------------------------------------------------- test

def run_tests(paths: Sequence[Path], rubric_dirs: Sequence[Path], show_metrics: bool, out: IO[str]) -> int:
    """Every rubric's golden replies and every scenario's path tests under `paths`; the exit code."""
    passed = failed = known = 0
    labelled: list[Labelled] = []
    rubrics: dict[Path, Rubric | None] = {}
    judged: list[Rubric] = []  # rubrics with a learned layer, whose published figures --metrics prints
    for path in yaml_files(paths):
        loaded = load_file(path)
        if loaded.model is None:
            out.write(f"{path}: 无法加载，跳过测试（{len(loaded.diagnostics)} 处问题，见 simulator validate）\n")
            failed += 1
            continue
        if isinstance(loaded.model, Rubric):
            try:
                report = run_rubric(loaded.model)
            except WeightsError as error:
                out.write(f"{path}: {error}\n")
                failed += 1
                continue
            labelled += report.labelled
            if loaded.model.learned is not None and loaded.model.learned.figures:
                judged.append(loaded.model)
        else:
            scenario_report, problem = _scenario_report(loaded.model, path, rubric_dirs, rubrics)
            if scenario_report is None:
                out.write(problem)
                failed += 1
                continue
            report = scenario_report
        passed += report.passed
        failed += len(report.failures)
        known += len(report.known)
        _print_report(path, report, out)
    if show_metrics:
        _print_metrics(labelled, out)
        for rubric in judged:
            print_judge_figures(rubric, labelled, out)
    out.write(f"golden: {passed} passed, {failed} failed" + (f", {known} known failures" if known else "") + "\n")
    return 1 if failed else 0


def _scenario_report(scenario: Scenario, path: Path, rubric_dirs: Sequence[Path],
                     rubrics: dict[Path, Rubric | None]) -> tuple[Report | None, str]:
    """The scenario's path tests on its rubric (each rubric file loaded once), or why they cannot run."""
    where = rubric_path(scenario.rubric, path, rubric_dirs)
    if where not in rubrics:
        model = load_file(where, "rubric").model
        rubrics[where] = model if isinstance(model, Rubric) else None
    rubric = rubrics[where]
    if rubric is None:
        return None, f"{path}: 评分标准 {where} 无法加载\n"
    return run_scenario(scenario, rubric), ""


def _print_report(path: Path, report: Report, out: IO[str]) -> None:
    for failure in report.failures:
        out.write(f"FAIL {path} [{failure.where}] {failure.message}\n")
    for failure in report.known:
        out.write(f"KNOWN {path} [{failure.where}] {failure.message}\n")


def _print_metrics(labelled: list[Labelled], out: IO[str]) -> None:
    out.write(f"{'criterion':<20} {'precision':>9} {'recall':>7} {'n':>4}\n")

    def fmt(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    for metric in sorted(metrics(tuple(labelled)), key=lambda m: m.criterion):
        out.write(f"{metric.criterion:<20} {fmt(metric.precision):>9} {fmt(metric.recall):>7} {metric.support:>4}\n")


def print_judge_figures(rubric: Rubric, labelled: list[Labelled], out: IO[str]) -> None:
    """The published figures of a rubric's judgement (bench/bench_judge.py) beside its golden replies'."""
    assert rubric.learned is not None
    path = rubric.learned.path(rubric.learned.figures)
    try:
        figures = json.loads(path.read_text(encoding="utf-8"))
        sealed, tuning = figures["sealed"]["combined"], (figures.get("tuning") or {}).get("combined") or {}
    except (OSError, ValueError, KeyError, TypeError):
        out.write(f"\n{rubric.id}：没有评测结果（{path.name}；运行 bench/bench_judge.py 生成）\n")
        return
    weights = rubric.learned.path(rubric.learned.weights)
    current = hashlib.sha256(weights.read_bytes()).hexdigest() if weights.is_file() else ""
    out.write(f"\n{rubric.id}：组合判定与教员标注的一致性"
              f"（{figures['date']} 测定，语料版本 {figures['corpus_version']}）\n")
    if figures.get("weights_sha256") != current:
        out.write("  注意：这些数字属于旧的权重文件；重新训练后请运行 bench/bench_judge.py\n")
    golden = {m.criterion: m for m in metrics(tuple(x for x in labelled if x.criterion in rubric.by_id))}

    def fmt(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    out.write(f"{'criterion':<18} {'rule':<8} {'golden P':>8} {'R':>5} {'LOPO P':>7} {'R':>5} {'FA':>5} "
              f"{'sealed P':>8} {'R':>5} {'FA':>5}\n")
    for criterion in rubric.criteria:
        s, t = sealed["criteria"].get(criterion.id), tuning.get("criteria", {}).get(criterion.id, {})
        if s is None:
            continue
        g = golden.get(criterion.id)
        out.write(f"{criterion.id:<18} {rubric.learned.rule(criterion.id):<8} "
                  f"{fmt(g.precision if g else None):>8} {fmt(g.recall if g else None):>5} "
                  f"{fmt(t.get('precision')):>7} {fmt(t.get('recall')):>5} {fmt(t.get('fa')):>5} "
                  f"{fmt(s['precision']):>8} {fmt(s['recall']):>5} {fmt(s['fa']):>5}\n")
    for group, label in (("serious", "严重问题（整句）"), ("all_faults", "全部扣分项（整句）")):
        s, t = sealed[group], tuning.get(group, {})
        out.write(f"{label}：召回率 留一轮 {fmt(t.get('recall'))} / 封存 {fmt(s['recall'])}；"
                  f"误报率 留一轮 {fmt(t.get('fa'))} / 封存 {fmt(s['fa'])}\n")
