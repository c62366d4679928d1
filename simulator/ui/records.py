"""The record keeper as the TUI sees it (engine-contract.md, "Records"), and an in-memory one.

`JiefangApp(records=None)` keeps this run's sessions in a `MemoryRecords`, so the history
screen and best scores work without a database; `simulator.store.Store` implements the same
protocol on disk.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from ..store.records import Records, SavedSession, SessionRecord, SessionSummary

if TYPE_CHECKING:
    from ..engine.play.session import Session

__all__ = ["MemoryRecords", "Records", "SavedSession", "SessionRecorder", "SessionSummary"]


class SessionRecorder:
    """Writes one conversation's steps to the record keeper, from the play screen's worker thread.

    A session joins the records with its first answer, so merely opening a scenario leaves no
    empty rows behind. A write that fails (a full disk) stops the recording for this session
    and is reported once; it never ends the conversation. `purpose` says whom the session is
    for (a trainee practising, an instructor's or an author's run); it can change midway only
    away from "training" (an author opened the preview), and is written with the next step.
    """

    def __init__(self, records: Records, trainee: str, record_id: int | None = None,
                 purpose: str = "training") -> None:
        self.records = records
        self.trainee = trainee
        self.record_id = record_id
        self.purpose = purpose
        self._written_purpose = purpose if record_id is None else ""
        self.failed = False

    @property
    def saved(self) -> bool:
        """True when the conversation so far is in the records (leaving now loses nothing)."""
        return self.record_id is not None and not self.failed

    def save(self, session: Session) -> str:
        """Record the session after a step; a warning for the trainee the first time writing fails."""
        if self.failed:
            return ""
        try:
            if self.record_id is None:
                if session.history:
                    self.record_id = self.records.begin(self.trainee, session, self.purpose)
                    self._written_purpose = self.purpose
                    if session.finished:
                        self.records.finish(self.record_id, session)
                return ""
            if self._written_purpose != self.purpose:
                self.records.set_purpose(self.record_id, self.purpose)
                self._written_purpose = self.purpose
            if session.finished:
                self.records.finish(self.record_id, session)
            else:
                self.records.record_turn(self.record_id, session)
        except Exception as error:  # whatever the keeper raises: the conversation goes on unrecorded
            self.failed = True
            return f"记录保存失败，本次演练不再保存：{error}"
        return ""


@dataclass
class _Row:
    trainee: str
    started_at: str
    session: Session
    purpose: str = "training"
    finished: bool = False
    abandoned: bool = False
    uuid: str = field(default_factory=lambda: str(uuid.uuid4()))


class MemoryRecords:
    """Records kept for the life of the process; `clock` is injectable for stable screenshots."""

    def __init__(self, clock: Callable[[], datetime] = datetime.now) -> None:
        self._clock = clock
        self._rows: dict[int, _Row] = {}

    @property
    def problem(self) -> str:
        return ""

    def close(self) -> None:
        """Nothing to release: the records go with the process."""

    def begin(self, trainee: str, session: Session, purpose: str = "training") -> int:
        session_id = len(self._rows) + 1
        self._rows[session_id] = _Row(trainee, self._clock().isoformat(timespec="seconds"), session, purpose)
        return session_id

    def set_purpose(self, session_id: int, purpose: str) -> None:
        self._rows[session_id].purpose = purpose

    def record_turn(self, session_id: int, session: Session) -> None:
        self._rows[session_id].session = session

    def finish(self, session_id: int, session: Session) -> None:
        row = self._rows[session_id]
        row.session, row.finished = session, True

    def unfinished(self, trainee: str, scenario_id: str | None = None) -> list[SavedSession]:
        return [
            SavedSession(i, r.uuid, r.trainee, r.session.scenario.id, r.session.scenario.title, r.started_at,
                         r.started_at, len(r.session.history), r.session.to_json(), r.purpose)
            for i, r in reversed(self._rows.items())
            if not (r.finished or r.abandoned) and r.trainee == trainee
            and scenario_id in (None, r.session.scenario.id)
        ]

    def history(self, trainee: str | None = None, trials: bool = False) -> list[SessionSummary]:
        """Sessions with at least one answered turn, newest first (as the store orders them)."""
        return [self._summary(i, r) for i, r in reversed(self._rows.items())
                if r.session.history and trainee in (None, r.trainee) and (trials or r.purpose == "training")]

    def abandon(self, session_id: int) -> None:
        """Set an unfinished session aside (as the store does): kept in history, no longer resumable."""
        self._rows[session_id].abandoned = True

    def claim(self, session_id: int) -> SavedSession | None:
        """This process is the only writer of memory: the session as kept, if still unfinished."""
        return next((saved for saved in self.unfinished(self._rows[session_id].trainee) if saved.id == session_id),
                    None)

    def best_scores(self, trainee: str, trials: bool = False) -> dict[str, int]:
        best: dict[str, int] = {}
        for row in self._rows.values():
            total = row.session.total()
            counted = trials or row.purpose == "training"
            if row.trainee == trainee and row.finished and total is not None and counted:
                scenario_id = row.session.scenario.id
                best[scenario_id] = max(total, best.get(scenario_id, 0))
        return best

    def record(self, session_id: int) -> SessionRecord:
        from ..store.records import record_from_session

        row = self._rows[session_id]
        record = record_from_session(row.session, row.trainee, row.started_at, row.uuid,
                                     self._clock().isoformat(timespec="seconds"), record_id=session_id,
                                     purpose=row.purpose)
        return replace(record, status="abandoned") if row.abandoned and not row.finished else record

    def _summary(self, session_id: int, row: _Row) -> SessionSummary:
        session = row.session
        ending = session.ending if row.finished else None
        labels = {k: d.label for k, d in session.rubric.dimensions.items()}
        dims = tuple((k, labels[k], v) for k, v in session.dimension_scores().items())
        return SessionSummary(
            session_id, row.uuid, row.trainee, session.scenario.id, session.scenario.title, row.started_at,
            "finished" if row.finished else "abandoned" if row.abandoned else "active", ending.kind if ending else None,
            ending.title if ending else None, session.total(), dims, len(session.history), session.mode,
            row.purpose,
        )
