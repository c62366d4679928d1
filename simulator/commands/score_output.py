"""What `simulator score` and `simulator test` print: JSON Lines of scores, golden-test results."""
from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

from ..engine.check.golden import Labelled, Report, metrics, run_rubric, run_scenario
from ..engine.content.library import rubric_path, yaml_files
from ..engine.content.loader import load_file
from ..engine.content.model import Rubric, Scenario
from ..engine.play.scoring import CompiledRubric, CriterionResult, ReplyTooLong, TurnScore, compile_rubric, score_reply


def _spans(results: Iterable[CriterionResult]) -> list[dict[str, Any]]:
    return [
        {"criterion": r.criterion, "dimension": r.dimension, "start": e.start, "end": e.end, "text": e.text}
        for r in results for e in (r.evidence or ())
    ] + [
        # A criterion that fired on structure alone (a question, a length) still shows up.
        {"criterion": r.criterion, "dimension": r.dimension, "start": 0, "end": 0, "text": ""}
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
_scorer: CompiledRubric | None = None  # the compiled rubric of this process's batch (set in workers by _use)


def score_stream(rubric: Rubric, replies: list[str], stdin: IO[str], out: IO[str]) -> int:
    """Score replies given as arguments, or JSON Lines from stdin; one JSON object per line out.

    Long inputs are spread over the machine's cores, in order, as they stream in.
    """
    lines = (json.dumps({"reply": r}, ensure_ascii=False) for r in replies) if replies else stdin
    numbered = enumerate(lines, 1)
    head = list(islice(numbered, PARALLEL_FROM))
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    _use(rubric)
    bad = 0
    if len(head) < PARALLEL_FROM or workers < 2:
        results: Iterable[tuple[str, bool]] = map(_score_line, head)
        bad = _write(results, out)
    else:
        with multiprocessing.get_context().Pool(workers, initializer=_use, initargs=(rubric,)) as pool:
            bad = _write(pool.imap(_score_line, chain(head, numbered), chunksize=64), out)
    return 1 if bad else 0


def _use(rubric: Rubric) -> None:
    global _scorer
    _scorer = compile_rubric(rubric)


def _worker_scorer() -> CompiledRubric:
    """The rubric this process scores with: set by `_use` before any line is scored."""
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
        result, ok = score_json(score_reply(data["reply"], _worker_scorer()), reply_id), True
    except RecursionError:
        result, ok = {"id": None, "line": number, "error": f"第 {number} 行的 JSON 嵌套过深"}, False
    except (ValueError, ReplyTooLong) as error:
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


# ---------------------------------------------------------------- test

def run_tests(paths: Sequence[Path], rubric_dirs: Sequence[Path], show_metrics: bool, out: IO[str]) -> int:
    """Every rubric's golden replies and every scenario's path tests under `paths`; the exit code."""
    passed = failed = 0
    labelled: list[Labelled] = []
    rubrics: dict[Path, Rubric | None] = {}
    for path in yaml_files(paths):
        loaded = load_file(path)
        if loaded.model is None:
            out.write(f"{path}: 无法加载，跳过测试（{len(loaded.diagnostics)} 处问题，见 simulator validate）\n")
            failed += 1
            continue
        if isinstance(loaded.model, Rubric):
            report = run_rubric(loaded.model)
            labelled += report.labelled
        else:
            scenario_report, problem = _scenario_report(loaded.model, path, rubric_dirs, rubrics)
            if scenario_report is None:
                out.write(problem)
                failed += 1
                continue
            report = scenario_report
        passed += report.passed
        failed += len(report.failures)
        _print_report(path, report, out)
    if show_metrics:
        _print_metrics(labelled, out)
    out.write(f"golden: {passed} passed, {failed} failed\n")
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


def _print_metrics(labelled: list[Labelled], out: IO[str]) -> None:
    out.write(f"{'criterion':<20} {'precision':>9} {'recall':>7} {'n':>4}\n")

    def fmt(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    for metric in sorted(metrics(tuple(labelled)), key=lambda m: m.criterion):
        out.write(f"{metric.criterion:<20} {fmt(metric.precision):>9} {fmt(metric.recall):>7} {metric.support:>4}\n")
