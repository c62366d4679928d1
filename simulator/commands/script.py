"""`simulator play SCENARIO --script FILE`: answer each line of a script, printing text or JSON.

With --trainee, `records.recording` supplies the session to continue and a recorder that
writes every turn to the store before it is shown.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from ..engine.content.model import ENDING_LABELS
from ..engine.play.scoring import ReplyTooLong
from ..engine.play.session import ScenarioError, Session, TurnResult
from .errors import UserError
from .score_output import score_json


def read_script(path: str) -> Iterable[str]:
    """The replies in a script file; for "-", stdin read lazily, each line as soon as it arrives."""
    if path == "-":
        return (line.rstrip("\r\n") for line in sys.stdin if line.strip() and not line.lstrip().startswith("#"))
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"无法读取脚本 {path}：{getattr(error, 'strerror', None) or error}") from None
    return [line.rstrip("\r") for line in text.split("\n") if line.strip() and not line.lstrip().startswith("#")]


def step(session: Session, reply: str) -> Session:
    """Answer with the reply; in beginner mode a bare number picks that option as the session shows them."""
    shown = session.shown_options() if session.mode == "choice" else ()
    text = reply.strip()
    if shown and text.isdigit() and text.isascii():
        if not 1 <= int(text) <= len(shown):
            raise UserError(f"脚本第 {session.turn} 条回复：这一轮只有 {len(shown)} 个选项，没有第 {text} 个")
        return session.choose(shown[int(text) - 1][0])
    return session.answer(reply)


def play_script(session: Session, replies: Iterable[str], fmt: str, out: IO[str],
                record: Callable[[Session], None] | None = None) -> int:
    """Answer each reply in turn; `record` (the store) sees every new Session before it is shown."""
    for reply in replies:
        if session.finished:
            print("（对话已结束，脚本余下的回复未使用）", file=sys.stderr)
            break
        try:
            session = step(session, reply)
        except ReplyTooLong as error:
            raise UserError(f"脚本第 {session.turn} 条回复：{error}") from None
        except ScenarioError as error:
            raise UserError(str(error)) from None
        if record is not None:
            record(session)
        if fmt == "text" and session.last is not None:
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
        "choice": result.choice,
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
        "mode": session.mode,
        "seed": session.seed,
        "turns": [turn_json(r) for r in session.history],
        "ending": None if ending is None else {"node": session.node, "kind": ending.kind, "title": ending.title},
        "pending": None if ending is not None else session.prompt,
        "dimensions": session.dimension_scores(),
        "total": session.total(),
        "score": _score_parts(session),
    }


def _score_parts(session: Session) -> dict[str, Any]:
    score = session.score()
    return {"conduct": score.conduct, "played": score.played, "full_length": score.full_length,
            "ending": score.ending_kind, "ending_value": score.ending_value}


def _print_turn(result: TurnResult, session: Session, out: IO[str]) -> None:
    name = session.scenario.persona.name
    out.write(f"\n[第 {result.turn} 轮] {name}：{result.prompt}\n")
    if result.choice is not None:
        for place, (index, option) in enumerate(session.shown_options(result.node), 1):
            out.write(f"  {'▶' if index == result.choice else ' '} {place}. {option.text}\n")
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
    out.write(f"  {session.score().explanation}\n")
