"""Records from elsewhere (a bundle) checked field by field before the store takes them.

`codec.session_from` already insists on the shape; here every value is held to what this program
itself would have written: UUIDs that are UUIDs, times that are real ISO times in a sensible range,
scores from 0 to 100, names and replies cleaned of control characters and no longer than typed
input may be, turn numbers that make one conversation. The session's own total and dimension
scores are recomputed from its turns, and its resume data from its conversation, so a bundle
cannot state a score its turns do not earn. A record that fails is refused with the field named.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

from ..engine.content.controls import clean_name, cleaned, name_problem
from ..engine.content.model import ENDING_LABELS
from ..engine.play.scoring import MAX_REPLY_CHARS
from ..engine.play.session import MAX_TURNS, MODES, SCHEMA
from ..engine.play.totals import session_score
from .records import Finding, Rewind, SessionRecord, StoreError, TurnRecord

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")  # scenario, node, state, criterion ids
MAX_TEXT = 10_000  # a petitioner's line, a message, a source quote
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
MAX_STATE = 1_000_000
MAX_CHOICE = 100


def _text(value: str, where: str, limit: int = MAX_TEXT) -> str:
    text = cleaned(value)
    if len(text) > limit:
        raise StoreError(f"{where} 过长（{len(text)} 字，上限 {limit} 字）")
    return text


def _ident(value: str, where: str) -> str:
    if not IDENT.fullmatch(value):
        raise StoreError(f"{where} 不是合法的编号：{value[:40]!r}")
    return value


def _score(value: int | None, where: str) -> int | None:
    if value is not None and not 0 <= value <= 100:
        raise StoreError(f"{where} 应在 0 到 100 之间，却是 {value}")
    return value


class _Times:
    """ISO times, as this store writes them, between 2000 and a day from now."""

    def __init__(self, now: datetime) -> None:
        self.latest = now + timedelta(days=1)

    def __call__(self, value: str | None, where: str) -> str | None:
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise StoreError(f"{where} 不是合法的时间：{value[:40]!r}") from None
        if moment.tzinfo is None:
            raise StoreError(f"{where} 缺少时区：{value[:40]!r}")
        if not EARLIEST <= moment <= self.latest:
            raise StoreError(f"{where} 不在合理的时间范围内：{value[:40]!r}")
        return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def checked(record: SessionRecord, now: datetime | None = None) -> SessionRecord:
    """`record` as this store would have written it, or StoreError naming the first bad field."""
    time = _Times(now or datetime.now(timezone.utc))
    try:
        uid = str(uuid.UUID(record.uuid))
    except ValueError:
        raise StoreError(f"uuid 不是合法的 UUID：{record.uuid[:40]!r}") from None
    name = clean_name(record.trainee)
    problem = name_problem(name)
    if problem:
        raise StoreError(f"trainee：{problem}")
    if record.mode not in MODES:
        raise StoreError(f"mode 未知：{record.mode[:20]!r}")
    if record.copy_of is not None:
        try:
            uuid.UUID(record.copy_of)
        except ValueError:
            raise StoreError("copy_of 不是合法的 UUID") from None
    started, updated = time(record.started_at, "started_at"), time(record.updated_at, "updated_at")
    assert started is not None and updated is not None
    if updated < started:
        raise StoreError("updated_at 早于 started_at")
    finished = time(record.finished_at, "finished_at")
    if (record.status == "finished") != (finished is not None and record.ending_kind is not None):
        raise StoreError("status 与 finished_at、ending_kind 不一致")
    if record.ending_kind is not None and record.ending_kind not in ENDING_LABELS:
        raise StoreError(f"ending_kind 未知：{record.ending_kind[:20]!r}")
    turns = tuple(_turn(t, time, f"第 {i} 轮记录") for i, t in enumerate(record.turns, 1))
    _one_conversation(turns)
    rewinds = tuple(Rewind(r.seq, r.to_turn, r.from_turn, time(r.at, "rewinds.at") or "") for r in record.rewinds)
    if len({r.seq for r in rewinds}) != len(rewinds) or any(r.seq < 1 or r.to_turn < 1 for r in rewinds):
        raise StoreError("rewinds 的编号不对")
    data = _resume_data(record, turns)
    total, dimensions = _scores(record, turns)
    return replace(
        record, id=None, uuid=uid, trainee=name, scenario_id=_ident(record.scenario_id, "scenario_id"),
        scenario_title=_text(record.scenario_title, "scenario_title", 200),
        rubric_id=_ident(record.rubric_id, "rubric_id"), persona=_text(record.persona, "persona", 100),
        started_at=started, updated_at=updated, finished_at=finished,
        ending_node=None if record.ending_node is None else _ident(record.ending_node, "ending_node"),
        ending_title=None if record.ending_title is None else _text(record.ending_title, "ending_title", 200),
        ending_summary=None if record.ending_summary is None else _text(record.ending_summary, "ending_summary"),
        closing_line=None if record.closing_line is None else _text(record.closing_line, "closing_line"),
        total=total, dimensions=dimensions, data=data, turns=turns, rewinds=rewinds,
        copy_of=None if record.copy_of is None else str(uuid.UUID(record.copy_of)),
    )


def _turn(turn: TurnRecord, time: _Times, where: str) -> TurnRecord:
    if not 1 <= turn.turn <= MAX_TURNS or not 1 <= turn.seq <= 10 * MAX_TURNS:
        raise StoreError(f"{where}：轮次编号不对")
    reply = cleaned(turn.reply)
    if len(reply) > MAX_REPLY_CHARS:
        raise StoreError(f"{where}：回复过长（{len(reply)} 字，上限为 {MAX_REPLY_CHARS} 字，与输入时相同）")
    if turn.choice is not None and not 0 <= turn.choice < MAX_CHOICE:
        raise StoreError(f"{where}：choice 不对")
    if len(turn.options) > MAX_CHOICE:
        raise StoreError(f"{where}：options 过多")
    if any(not isinstance(v, bool) and not -MAX_STATE <= v <= MAX_STATE for _, _, v in turn.state):
        raise StoreError(f"{where}：状态值超出范围")
    if turn.ending_kind is not None and turn.ending_kind not in ENDING_LABELS:
        raise StoreError(f"{where}：ending_kind 未知")
    findings = [_finding(f, turn.reply, where) for f in (*turn.hits, *turn.flags, *turn.missed)]
    hits, rest = findings[:len(turn.hits)], findings[len(turn.hits):]
    recorded = time(turn.recorded_at, f"{where} recorded_at")
    return replace(
        turn, node=_ident(turn.node, f"{where} node"), next_node=_ident(turn.next_node, f"{where} next_node"),
        prompt=_text(turn.prompt, f"{where} prompt"), reply=reply, total=_score(turn.total, f"{where} total") or 0,
        dimensions=tuple((_ident(d, f"{where} 维度"), _text(label, f"{where} 维度名", 50), _score(s, f"{where} {d}"))
                         for d, label, s in turn.dimensions),
        hits=tuple(hits), flags=tuple(rest[:len(turn.flags)]), missed=tuple(rest[len(turn.flags):]),
        changes=tuple(replace(c, label=_text(c.label, f"{where} label", 50), reason=_text(c.reason, f"{where} reason"))
                      for c in turn.changes),
        state=tuple((_ident(v, f"{where} 状态名"), _text(label, f"{where} 状态名", 50), value)
                    for v, label, value in turn.state),
        model_answers=tuple(_text(a, f"{where} 示范回答") for a in turn.model_answers),
        recorded_at=recorded or "", rewound_at=time(turn.rewound_at, f"{where} rewound_at"),
        options=tuple((_text(text, f"{where} 选项"), best, _text(note, f"{where} 选项说明"))
                      for text, best, note in turn.options),
    )


def _finding(finding: Finding, reply: str, where: str) -> Finding:
    for start, end, _ in finding.evidence:
        if not 0 <= start <= end <= len(reply):
            raise StoreError(f"{where}：评分依据的位置超出回复")
    return replace(
        finding, criterion=_ident(finding.criterion, f"{where} criterion"), label=_text(finding.label, where, 100),
        evidence=tuple((s, e, cleaned(reply[s:e])) for s, e, _ in finding.evidence),
        message=_text(finding.message, where), example=_text(finding.example, where),
        source_ref=_text(finding.source_ref, where, 200), source_quote=_text(finding.source_quote, where),
    )


def _one_conversation(turns: tuple[TurnRecord, ...]) -> None:
    if len({t.seq for t in turns}) != len(turns):
        raise StoreError("turns 中有重复的 seq")
    live = sorted(t.turn for t in turns if t.rewound_at is None)
    if live != list(range(1, len(live) + 1)):
        raise StoreError("turns 中当前对话的轮次不连贯")


def _resume_data(record: SessionRecord, turns: tuple[TurnRecord, ...]) -> dict[str, Any]:
    data = record.data
    if data.get("schema") != SCHEMA or data.get("scenario") != record.scenario_id or data.get("mode") != record.mode:
        raise StoreError("data 与会话不符")
    if not isinstance(data.get("node"), str) or not isinstance(data.get("hint_pending", False), bool):
        raise StoreError("data 的格式不对")
    seed = data.get("seed", 0)  # the order beginner options were shown in; absent before seeds were kept
    if not isinstance(seed, int) or isinstance(seed, bool) or not -2**63 <= seed < 2**63:
        raise StoreError("data.seed 不是整数")
    live = sorted((t for t in turns if t.rewound_at is None), key=lambda t: t.turn)
    return {"schema": SCHEMA, "scenario": record.scenario_id, "rubric": record.rubric_id, "mode": record.mode,
            "hint_pending": data.get("hint_pending", False), "node": _ident(data["node"], "data.node"),
            "seed": seed, "turns": [{"reply": t.reply, "choice": t.choice, "hint": t.hint_used} for t in live]}


def _scores(record: SessionRecord, turns: tuple[TurnRecord, ...]) -> tuple[int | None, Any]:
    """The session's total and dimension scores as far as its live turns can show them.

    The session score counts the scenario's full length (turns not reached score 0, see totals.py),
    which needs the scenario; without it, the turns and the ending give an upper bound (as if every
    turn was played), which is the exact score of a session that played the full length. A stated
    total above that bound is forged: the bound is kept.
    """
    live = [t for t in turns if t.rewound_at is None]
    bound = session_score([t.total for t in live], len(live), record.ending_kind).total
    total = bound if record.total is None or bound is None else min(max(record.total, 0), bound)
    dimensions = []
    for dim, label, _ in record.dimensions:
        seen = [s for t in live for d, _, s in t.dimensions if d == dim and s is not None]
        dimensions.append((_ident(dim, "dimensions"), _text(label, "dimensions", 50),
                           round(sum(seen) / len(seen)) if seen else None))
    return total, tuple(dimensions)
