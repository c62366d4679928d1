"""Pure functions from a Session to what the play screen shows: transcript lines, meter readings, hint.

Kept apart from the screen so they are cheap to test and the screen stays about behaviour.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..widgets.feedback import Hint
from ..widgets.meters import Reading
from ..widgets.transcript import Line

if TYPE_CHECKING:
    from ...engine.content.model import Persona
    from ...engine.play.session import Session, StateChange

MODE_LABELS = {"practice": "练习模式", "exam": "考试模式", "choice": "初学模式"}
PURPOSE_NOTES = {"instructor": " · 教员试玩", "authoring": " · 编写预览"}  # not counted as a trainee's practice
PERSONA_CHARS = 60  # what the side panel shows of the background: about four lines at its narrowest
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
MODE_HELP = {
    "practice": "每轮反馈、可用提示、可回退重答",
    "exam": "不提示、不回退，结束后统一反馈",
    "choice": "从选项中选择回复，每轮反馈",
}


def persona_brief(persona: Persona, limit: int = PERSONA_CHARS) -> str:
    """「郑桂兰，72岁：老伴前年冬天去世……」: the background's first whole sentences that fit in
    `limit` characters (at least one), never cut inside a sentence; the home screen shows it all."""
    from ...engine.content.model import TEMPERAMENT_LABELS

    sentences = [part for part in SENTENCE_END.split(persona.background.strip()) if part.strip()]
    shown = sentences[:1]
    for sentence in sentences[1:]:
        if sum(map(len, shown)) + len(sentence) > limit:
            break
        shown.append(sentence)
    temperament = TEMPERAMENT_LABELS.get(persona.temperament, "")
    more = "……" if len(shown) < len(sentences) else ""
    return f"{persona.name}，{persona.age}岁，{temperament}：{''.join(shown).strip()}{more}"


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
