"""Importing sessions: an imported record never takes over a session it does not own.

A session is known by its UUID *and* its content: the parts that never change once written (who,
which scenario and rubric, in which mode, when it started, and every recorded turn except the
moment it was rewound). Against a session already here, an imported record is

- the same: nothing to do (so importing a bundle twice adds nothing);
- a continuation: the same session played further elsewhere (what is here is a prefix of it,
  rewinds included): its new turns and rewinds are appended, nothing here is changed;
- anything else (other content under the same UUID, or a session another process is writing
  now): a conflict. The record is kept beside the original as an imported copy, under a UUID
  derived from the original's and the copy's content (`copy_of` names the original), so the same
  bundle imported again finds it. Copies are listed in history, marked, and left out of best
  scores, resuming and the cohort report.

Records are checked field by field first (`imported.checked`). Writes are committed in batches.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from .codec import rewind_json, turn_json
from .database import Tx
from .records import SessionRecord
from .store import SESSION_SELECT, Store

BATCH = 200  # records per transaction
COPIES = uuid.UUID("5d1f3b9e-7c1a-4e8b-9a55-6a1b0c2d3e4f")  # namespace of imported copies' UUIDs
HEADER = ("trainee", "scenario_id", "rubric_id", "mode", "started_at")


@dataclass(frozen=True)
class MergeResult:
    added: int = 0
    continued: int = 0  # sessions here that the bundle carried further: turns appended
    unchanged: int = 0
    copies: tuple[str, ...] = ()  # UUIDs of the sessions here that a conflicting record was kept beside

    @property
    def updated(self) -> int:
        return self.continued


def fingerprint(record: SessionRecord) -> str:
    """A digest of what never changes in a session: its header and every turn as first recorded."""
    parts = [[getattr(record, k) for k in HEADER], [_turn_identity(t) for t in record.turns]]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _turn_identity(turn: Any) -> dict[str, Any]:
    return {k: v for k, v in turn_json(turn).items() if k != "rewound_at"}


def relation(here: SessionRecord, there: SessionRecord) -> str:
    """"same", "continues" (there carries here further) or "conflict"."""
    if any(getattr(here, k) != getattr(there, k) for k in HEADER) or len(there.turns) < len(here.turns):
        return "conflict"
    for mine, theirs in zip(here.turns, there.turns):
        if _turn_identity(mine) != _turn_identity(theirs) or (mine.rewound_at is None) != (theirs.rewound_at is None):
            return "conflict"
    if there.rewinds[:len(here.rewinds)] != here.rewinds:
        return "conflict"
    return "same" if len(there.turns) == len(here.turns) and len(there.rewinds) == len(here.rewinds) else "continues"


def merge(store: Store, records: Iterable[SessionRecord]) -> MergeResult:
    added = continued = unchanged = 0
    copies: list[str] = []
    pending = iter(records)
    while True:
        batch = [record for _, record in zip(range(BATCH), pending)]
        if not batch:
            return MergeResult(added, continued, unchanged, tuple(copies))
        with store._write() as db:
            db.lock_store()  # two imports at once: one waits (on SQLite every write does)
            for record in batch:
                outcome = _merge_one(store, db, record)
                added += outcome == "added"
                continued += outcome == "continues"
                unchanged += outcome == "same"
                if outcome == "copy":
                    copies.append(record.uuid)


def _merge_one(store: Store, db: Tx, record: SessionRecord) -> str:
    row = db.row(SESSION_SELECT + " WHERE s.uuid = :uuid", uuid=record.uuid)
    if row is None:
        _insert(store, db, record, record.copy_of)
        return "added"
    db.lock_session(row["id"])  # its writer waits until this batch is in
    here = store._record(db, row)
    found = relation(here, record)
    if found == "continues" and store.writer.holds_elsewhere(store.writer.lease(db, row["id"]), store._now()):
        found = "conflict"  # being played right now: never write under its writer
    if found == "same":
        return "same"
    if found == "continues":
        _append(store, db, row["id"], here, record)
        return "continues"
    copy = str(uuid.uuid5(COPIES, f"{record.uuid}:{fingerprint(record)}"))
    if db.value("SELECT id FROM sessions WHERE uuid = :uuid", uuid=copy) is None:
        _insert(store, db, replace(record, uuid=copy), record.uuid)
        return "copy"
    return "same"


def _insert(store: Store, db: Tx, record: SessionRecord, copy_of: str | None) -> None:
    session_id = store._insert(db, "sessions", store._session_row(db, record, copy_of))
    for turn in record.turns:
        store._insert_turn(db, session_id, turn)
    for rewind in record.rewinds:
        store._insert(db, "rewinds", {"session_id": session_id, **rewind_json(rewind)})


def _append(store: Store, db: Tx, session_id: int, here: SessionRecord,
            record: SessionRecord) -> None:
    """A continuation: the new turns and rewinds, and the session's state as the record now has it."""
    for turn in record.turns[len(here.turns):]:
        store._insert_turn(db, session_id, turn)
    for rewind in record.rewinds[len(here.rewinds):]:
        store._insert(db, "rewinds", {"session_id": session_id, **rewind_json(rewind)})
    row = store._session_row(db, record)
    fields = ("status", "updated_at", "finished_at", "ending_node", "ending_kind", "ending_title", "ending_summary",
              "closing_line", "total", "dimensions", "data", "purpose")
    db.run(f"UPDATE sessions SET {', '.join(f'{k} = :{k}' for k in fields)} WHERE id = :id",
           **{k: store._cell(k, row[k]) for k in fields}, id=session_id)
