"""Headless commands: `score`, `play --script` and `test`, printing text or JSON."""
from __future__ import annotations

import json
import multiprocessing
import os
import sys
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any, Callable, Iterable

from .engine.check.golden import Report, metrics, run_rubric, run_scenario
from .engine.content.library import ContentError, rubric_path, yaml_files
from .engine.content.loader import load_file
from .engine.content.model import ENDING_LABELS, Rubric
from .engine.play.scoring import CompiledRubric, CriterionResult, ReplyTooLong, TurnScore, compile_rubric, score_reply
from .engine.play.session import ScenarioError, Session, TurnResult


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
        data = json.loads(line)
        if not isinstance(data, dict) or not isinstance(data.get("reply"), str):
            raise ValueError('每行应为 {"reply": "..."}')
        reply_id = data.get("id")
        result, ok = score_json(score_reply(data["reply"], _scorer), reply_id), True
    except (ValueError, ReplyTooLong) as error:
        message = f"第 {number} 行不是合法 JSON" if isinstance(error, json.JSONDecodeError) else str(error)
        result, ok = {"id": reply_id, "line": number, "error": message}, False
    return json.dumps(result, ensure_ascii=False) + "\n", ok


# ---------------------------------------------------------------- play --script

def read_script(path: str) -> Iterable[str]:
    """The replies in a script file; for "-", stdin read lazily, each line as soon as it arrives."""
    if path == "-":
        return (line.rstrip("\r\n") for line in sys.stdin if line.strip() and not line.lstrip().startswith("#"))
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(f"无法读取脚本 {path}：{getattr(error, 'strerror', None) or error}") from None
    return [line.rstrip("\r") for line in text.split("\n") if line.strip() and not line.lstrip().startswith("#")]


def play_script(session: Session, replies: Iterable[str], fmt: str, out: IO[str],
                record: Callable[[Session], None] | None = None) -> int:
    """Answer each reply in turn; `record` (the store) sees every new Session before it is shown."""
    for reply in replies:
        if session.finished:
            print("（对话已结束，脚本余下的回复未使用）", file=sys.stderr)
            break
        try:
            session = session.answer(reply)
        except ReplyTooLong as error:
            raise ContentError(f"脚本第 {session.turn} 条回复：{error}") from None
        except ScenarioError as error:
            raise ContentError(str(error)) from None
        if record is not None:
            record(session)
        if fmt == "text":
            _print_turn(session.last, session, out)
            out.flush()
        if session.finished and not isinstance(replies, (list, tuple)):
            break  # a stream (stdin): do not wait for lines the finished dialogue cannot use
    if fmt == "json":
        out.write(json.dumps(session_json(session), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_summary(session, out)
    return 0


def turn_json(result: TurnResult) -> dict[str, Any]:
    return {
        "turn": result.turn,
        "node": result.node,
        "petitioner": result.prompt,
        "reply": result.reply,
        **{k: v for k, v in score_json(result.score).items() if k != "id"},
        "changes": [{"variable": c.variable, "before": c.before, "after": c.after, "cause": c.cause,
                     "reason": c.reason} for c in result.changes],
        "state": dict(result.state),
        "next": result.next_node,
    }


def session_json(session: Session) -> dict[str, Any]:
    ending = session.ending
    return {
        "scenario": session.scenario.id,
        "turns": [turn_json(r) for r in session.history],
        "ending": None if ending is None else {"node": session.node, "kind": ending.kind, "title": ending.title},
        "pending": None if ending is not None else session.prompt,
        "dimensions": session.dimension_scores(),
        "total": session.total(),
    }


def _print_turn(result: TurnResult, session: Session, out: IO[str]) -> None:
    name = session.scenario.persona.name
    out.write(f"\n[第 {result.turn} 轮] {name}：{result.prompt}\n")
    out.write(f"  学员：{result.reply}\n")
    dims = "  ".join(f"{d.label} {d.score if d.score is not None else '—'}" for d in result.score.dimensions)
    out.write(f"  得分：{result.score.total}（{dims}）\n")
    for hit in result.score.hits:
        out.write(f"  + {hit.label}：{'、'.join(e.text for e in hit.evidence) or '（结构）'}\n")
    for flag in result.score.flags:
        out.write(f"  - {flag.label}：{'、'.join(e.text for e in flag.evidence) or '（结构）'}\n")
    for change in result.changes:
        out.write(f"  · {change.reason}\n")
    state = "，".join(f"{session.scenario.state[k].label} {v}" for k, v in result.state)
    out.write(f"  状态：{state}\n")


def _print_summary(session: Session, out: IO[str]) -> None:
    ending = session.ending
    if ending is None:
        out.write(f"\n（脚本已用完，对话未结束）{session.scenario.persona.name}：{session.prompt}\n")
    else:
        if session.current.say:
            out.write(f"\n{session.scenario.persona.name}：{session.prompt}\n")
        out.write(f"\n结局：{ending.title}（{ENDING_LABELS[ending.kind]}）\n")
    dims = session.dimension_scores()
    labels = {k: d.label for k, d in session.rubric.dimensions.items()}
    shown = "  ".join(f"{labels[k]} {v if v is not None else '—'}" for k, v in dims.items())
    out.write(f"本次得分：{session.total() if session.total() is not None else '—'}（{shown}）\n")


# ---------------------------------------------------------------- test

def run_tests(paths: list[Path], rubrics_dir: Path, show_metrics: bool, out: IO[str]) -> int:
    passed = failed = 0
    labelled = []
    rubrics: dict[Path, Rubric | None] = {}
    for path in yaml_files(paths):
        loaded = load_file(path)
        if loaded.model is None:
            out.write(f"{path}: 无法加载，跳过测试（{len(loaded.diagnostics)} 处问题，见 simulator validate）\n")
            failed += 1
            continue
        if loaded.kind == "rubric":
            report = run_rubric(loaded.model)
            labelled += report.labelled
        else:
            where = rubric_path(loaded.model.rubric, path, [rubrics_dir])
            if where not in rubrics:
                rubrics[where] = load_file(where, "rubric").model
            if rubrics[where] is None:
                out.write(f"{path}: 评分标准 {where} 无法加载\n")
                failed += 1
                continue
            report = run_scenario(loaded.model, rubrics[where])
        passed += report.passed
        failed += len(report.failures)
        _print_report(path, report, out)
    if show_metrics:
        _print_metrics(labelled, out)
    out.write(f"golden: {passed} passed, {failed} failed\n")
    return 1 if failed else 0


def _print_report(path: Path, report: Report, out: IO[str]) -> None:
    for failure in report.failures:
        out.write(f"FAIL {path} [{failure.where}] {failure.message}\n")


def _print_metrics(labelled, out: IO[str]) -> None:
    out.write(f"{'criterion':<20} {'precision':>9} {'recall':>7} {'n':>4}\n")

    def fmt(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    for metric in sorted(metrics(tuple(labelled)), key=lambda m: m.criterion):
        out.write(f"{metric.criterion:<20} {fmt(metric.precision):>9} {fmt(metric.recall):>7} {metric.support:>4}\n")
