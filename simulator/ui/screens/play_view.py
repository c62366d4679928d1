"""Pure functions from a Session to what the play screen shows: transcript lines, meter readings, hint.

Kept apart from the screen so they are cheap to test and the screen stays about behaviour.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..widgets.feedback import Hint
from ..widgets.meters import Reading
from ..widgets.transcript import Line

if TYPE_CHECKING:
    from ...engine.play.session import Session, StateChange

MODE_LABELS = {"practice": "练习模式", "exam": "考试模式", "choice": "初学模式"}
MODE_HELP = {
    "practice": "每轮反馈、可用提示、可回退重答",
    "exam": "不提示、不回退，结束后统一反馈",
    "choice": "从选项中选择回复，每轮反馈",
}


def transcript_lines(session: Session, prompt: str, mode: str) -> tuple[Line, ...]:
    """The conversation as the trainee sees it; scores and reasons only outside exam mode."""
    from ...engine.content.model import ENDING_LABELS

    name = session.scenario.persona.name
    lines: list[Line] = []
    for result in session.history:
        lines.append(Line("petitioner", name, result.prompt))
        tag = "" if mode == "exam" else f"{result.score.total}分" + ("·用了提示" if result.hint_used else "")
        note = "；".join(c.reason for c in result.changes) if mode != "exam" else ""
        lines.append(Line("trainee", "你", result.reply, tag, note))
    if prompt:
        lines.append(Line("petitioner", name, prompt))
    ending = session.ending
    if ending is not None:
        lines.append(Line("ending", "", f"结局：{ending.title}（{ENDING_LABELS[ending.kind]}）"))
    return tuple(lines)


def readings(session: Session, changes: tuple[StateChange, ...] = ()) -> tuple[Reading, ...]:
    """Every integer state variable's value, with how much `changes` moved it and why."""
    values = session.values
    found: list[Reading] = []
    for name, var in session.scenario.state.items():
        if var.type != "int":
            continue
        mine = [c for c in changes if c.variable == name]
        delta = sum(c.delta for c in mine)
        low, high = var.bounds
        found.append(Reading(name, var.label, int(values[name]), low, high, delta,
                             tuple(c.reason for c in mine)))
    return tuple(found)


def hint_for(session: Session) -> Hint:
    """What the current turn expects: the authored hint and cue, the criteria, and for each the words
    of this turn's own model answer that do it."""
    from ...engine.play.scoring import expected_examples

    node = session.current
    return Hint(session.turn, node.hint, node.cue, expected_examples(session.scorer, node))
