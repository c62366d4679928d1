"""Records to plain JSON-able dicts and back: one codec for the database's JSON columns and bundles.

Decoding is strict about shape (a missing key or a wrong type raises StoreError) because bundles
come from other machines.
"""
from __future__ import annotations

import json
from typing import Any

from .records import PURPOSES, Change, Finding, Rewind, SessionRecord, StoreError, TurnRecord

Dims = tuple[tuple[str, str, int | None], ...]


def _need(data: Any, key: str, types: type | tuple[type, ...], optional: bool = False) -> Any:
    if not isinstance(data, dict):
        raise StoreError(f"字段 {key} 所在的对象格式不对")
    if key not in data and not optional:
        raise StoreError(f"缺少字段 {key}")
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in _tuple(types)):
        raise StoreError(f"字段 {key} 的类型不对")
    return value


def _tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def _list(data: Any, key: str) -> list[Any]:
    return _need(data, key, list)


# ---------------------------------------------------------------- small parts

def dims_json(dims: Dims) -> list[dict[str, Any]]:
    return [{"id": d, "label": label, "score": score} for d, label, score in dims]


def dims_from(items: Any) -> Dims:
    if not isinstance(items, list):
        raise StoreError("字段 dimensions 的类型不对")
    return tuple((_need(i, "id", str), _need(i, "label", str), _need(i, "score", int, True)) for i in items)


def finding_json(f: Finding) -> dict[str, Any]:
    return {
        "criterion": f.criterion, "label": f.label, "dimension": f.dimension, "kind": f.kind,
        "expected": f.expected, "evidence": [{"start": s, "end": e, "text": t} for s, e, t in f.evidence],
        "message": f.message, "example": f.example, "source_ref": f.source_ref, "source_quote": f.source_quote,
        "citations": [{"ref": ref, "quote": quote} for ref, quote in f.citations],
    }


def finding_from(d: Any) -> Finding:
    return Finding(
        _need(d, "criterion", str), _need(d, "label", str), _need(d, "dimension", str), _need(d, "kind", str),
        _need(d, "expected", bool),
        tuple((_need(e, "start", int), _need(e, "end", int), _need(e, "text", str)) for e in _list(d, "evidence")),
        _need(d, "message", str), _need(d, "example", str), _need(d, "source_ref", str),
        _need(d, "source_quote", str),
        tuple((_need(c, "ref", str), _need(c, "quote", str)) for c in _need(d, "citations", list, True) or ()),
    )


def change_json(c: Change) -> dict[str, Any]:
    return {"variable": c.variable, "label": c.label, "before": c.before, "after": c.after,
            "cause": c.cause, "reason": c.reason}


def change_from(d: Any) -> Change:
    return Change(_need(d, "variable", str), _need(d, "label", str), _need(d, "before", (int, bool)),
                  _need(d, "after", (int, bool)), _need(d, "cause", str), _need(d, "reason", str))


def verdict_json(v: tuple[str, str, str, bool, bool]) -> dict[str, Any]:
    return {"criterion": v[0], "dimension": v[1], "kind": v[2], "fired": v[3], "expected": v[4]}


def verdict_from(d: Any) -> tuple[str, str, str, bool, bool]:
    # Thirty-odd per turn: the common, well-formed case is checked in one go; _need names the fault.
    if isinstance(d, dict) and len(d) == 5:
        v = (d.get("criterion"), d.get("dimension"), d.get("kind"), d.get("fired"), d.get("expected"))
        if type(v[0]) is str and type(v[1]) is str and type(v[2]) is str and type(v[3]) is bool \
                and type(v[4]) is bool:
            return v  # type: ignore[return-value]
    return (_need(d, "criterion", str), _need(d, "dimension", str), _need(d, "kind", str),
            _need(d, "fired", bool), _need(d, "expected", bool))


def state_json(state: tuple[tuple[str, str, int | bool], ...]) -> list[dict[str, Any]]:
    return [{"variable": v, "label": label, "value": value} for v, label, value in state]


def state_from(items: Any) -> tuple[tuple[str, str, int | bool], ...]:
    if not isinstance(items, list):
        raise StoreError("字段 state 的类型不对")
    return tuple((_need(i, "variable", str), _need(i, "label", str), _need(i, "value", (int, bool))) for i in items)


def options_json(options: tuple[tuple[str, bool, str], ...]) -> list[dict[str, Any]]:
    return [{"text": text, "best": best, "note": note} for text, best, note in options]


def options_from(items: Any) -> tuple[tuple[str, bool, str], ...]:
    if not isinstance(items, list):
        raise StoreError("字段 options 的类型不对")
    return tuple((_need(i, "text", str), _need(i, "best", bool), _need(i, "note", str)) for i in items)


# ---------------------------------------------------------------- turns, rewinds, sessions

def turn_json(t: TurnRecord) -> dict[str, Any]:
    return {
        "seq": t.seq, "turn": t.turn, "node": t.node, "prompt": t.prompt, "reply": t.reply,
        "choice": t.choice, "hint_used": t.hint_used, "total": t.total, "capped_by": t.capped_by,
        "dimensions": dims_json(t.dimensions), "hits": [finding_json(f) for f in t.hits],
        "flags": [finding_json(f) for f in t.flags], "missed": [finding_json(f) for f in t.missed],
        "verdicts": [verdict_json(v) for v in t.verdicts], "changes": [change_json(c) for c in t.changes],
        "state": state_json(t.state), "next_node": t.next_node, "ending_kind": t.ending_kind,
        "model_answers": list(t.model_answers), "recorded_at": t.recorded_at, "rewound_at": t.rewound_at,
        "options": options_json(t.options),
    }


def turn_from(d: Any) -> TurnRecord:
    answers = _list(d, "model_answers")
    if not all(isinstance(a, str) for a in answers):
        raise StoreError("字段 model_answers 的类型不对")
    return TurnRecord(
        _need(d, "seq", int), _need(d, "turn", int), _need(d, "node", str), _need(d, "prompt", str),
        _need(d, "reply", str), _need(d, "choice", int, True), bool(_need(d, "hint_used", (bool, int))),
        _need(d, "total", int), _need(d, "capped_by", str, True), dims_from(_list(d, "dimensions")),
        tuple(finding_from(f) for f in _list(d, "hits")), tuple(finding_from(f) for f in _list(d, "flags")),
        tuple(finding_from(f) for f in _list(d, "missed")), tuple(verdict_from(v) for v in _list(d, "verdicts")),
        tuple(change_from(c) for c in _list(d, "changes")), state_from(_list(d, "state")),
        _need(d, "next_node", str), _need(d, "ending_kind", str, True), tuple(answers),
        _need(d, "recorded_at", str), _need(d, "rewound_at", str, True),
        options_from(d.get("options", [])),  # absent from bundles written before beginner options were kept
    )


def rewind_json(r: Rewind) -> dict[str, Any]:
    return {"seq": r.seq, "to_turn": r.to_turn, "from_turn": r.from_turn, "at": r.at}


def rewind_from(d: Any) -> Rewind:
    return Rewind(_need(d, "seq", int), _need(d, "to_turn", int), _need(d, "from_turn", int), _need(d, "at", str))


SESSION_TEXT = ("uuid", "trainee", "scenario_id", "scenario_title", "rubric_id", "persona", "mode", "status",
                "started_at", "updated_at")
SESSION_OPTIONAL_TEXT = ("finished_at", "ending_node", "ending_kind", "ending_title", "ending_summary",
                         "closing_line")


def session_json(s: SessionRecord) -> dict[str, Any]:
    """A whole session for a bundle (the local integer id stays behind)."""
    return {
        **{k: getattr(s, k) for k in SESSION_TEXT + SESSION_OPTIONAL_TEXT},
        "total": s.total, "dimensions": dims_json(s.dimensions), "data": s.data, "purpose": s.purpose,
        "turns": [turn_json(t) for t in s.turns], "rewinds": [rewind_json(r) for r in s.rewinds],
        **({"copy_of": s.copy_of} if s.copy_of else {}),
    }


def session_from(d: Any, local_id: int | None = None) -> SessionRecord:
    text = {k: _need(d, k, str) for k in SESSION_TEXT}
    optional = {k: _need(d, k, str, True) for k in SESSION_OPTIONAL_TEXT}
    if text["status"] not in ("active", "finished", "abandoned"):
        raise StoreError(f"未知的会话状态 {text['status']}")
    purpose = _need(d, "purpose", str, True) or "training"  # bundles from before purposes were kept
    if purpose not in PURPOSES:
        raise StoreError(f"未知的演练用途 {purpose}")
    return SessionRecord(
        id=local_id, **text, **optional, total=_need(d, "total", int, True),
        dimensions=dims_from(_list(d, "dimensions")), data=_need(d, "data", dict),
        turns=tuple(turn_from(t) for t in _list(d, "turns")),
        rewinds=tuple(rewind_from(r) for r in _list(d, "rewinds")), copy_of=_need(d, "copy_of", str, True),
        purpose=purpose,
    )


# ---------------------------------------------------------------- rows this store wrote (trusted)

def _finding_of(f: dict[str, Any]) -> Finding:
    return Finding(f["criterion"], f["label"], f["dimension"], f["kind"], f["expected"],
                   tuple((e["start"], e["end"], e["text"]) for e in f["evidence"]), f["message"], f["example"],
                   f["source_ref"], f["source_quote"],
                   tuple((c["ref"], c["quote"]) for c in f.get("citations", ())))  # older rows have none


def stored_turn(row: Any) -> TurnRecord:
    """A turn from the store's own row: its JSON columns decoded without checking every field again
    (reading 100,000 sessions for a report or an export is a matter of seconds, not minutes)."""
    load = json.loads
    return TurnRecord(
        row["seq"], row["turn"], row["node"], row["prompt"], row["reply"], row["choice"], bool(row["hint_used"]),
        row["total"], row["capped_by"], tuple((d["id"], d["label"], d["score"]) for d in load(row["dimensions"])),
        tuple(map(_finding_of, load(row["hits"]))), tuple(map(_finding_of, load(row["flags"]))),
        tuple(map(_finding_of, load(row["missed"]))),
        tuple((v["criterion"], v["dimension"], v["kind"], v["fired"], v["expected"]) for v in load(row["verdicts"])),
        tuple(Change(**c) for c in load(row["changes"])),
        tuple((s["variable"], s["label"], s["value"]) for s in load(row["state"])), row["next_node"],
        row["ending_kind"], tuple(load(row["model_answers"])), row["recorded_at"], row["rewound_at"],
        tuple((o["text"], o["best"], o["note"]) for o in load(row["options"])),
    )


def stored_session(row: Any, turns: list[TurnRecord], rewinds: list[Rewind], data: dict[str, Any]) -> SessionRecord:
    return SessionRecord(
        id=row["id"], **{k: row[k] for k in SESSION_TEXT + SESSION_OPTIONAL_TEXT}, total=row["total"],
        dimensions=tuple((d["id"], d["label"], d["score"]) for d in json.loads(row["dimensions"])), data=data,
        turns=tuple(turns), rewinds=tuple(rewinds), copy_of=row["copy_of"], purpose=row["purpose"],
    )
