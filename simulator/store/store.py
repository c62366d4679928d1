"""Store: the SQLite record keeper (implements the Records protocol, plus what reports need).

Every write is one `BEGIN IMMEDIATE` transaction committed before the method returns, so a turn
that `record_turn` accepted survives the process being killed the next moment. `record_turn`
compares the recorded conversation with the Session's history: turns the Session no longer has
were rewound (they stay, marked, and a rewind row says when), turns it has in addition are added.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import uuid as uuidlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .codec import dims_json, rewind_json, session_from, turn_json
from .records import (
    PURPOSES,
    SavedSession,
    SessionRecord,
    SessionSummary,
    StoreError,
    TurnRecord,
    session_fields,
    turn_record,
)
from .schema import DB_NAME, connect

if TYPE_CHECKING:
    from ..engine.play.session import Session

TURN_COLUMNS = ("seq", "turn", "node", "prompt", "reply", "choice", "hint_used", "total", "capped_by",
                "dimensions", "hits", "flags", "missed", "verdicts", "changes", "state", "next_node",
                "ending_kind", "model_answers", "recorded_at", "rewound_at", "options")
JSON_COLUMNS = frozenset({"dimensions", "hits", "flags", "missed", "verdicts", "changes", "state",
                          "model_answers", "data", "options"})
SESSION_COLUMNS = ("uuid", "trainee_id", "scenario_id", "scenario_title", "rubric_id", "persona", "mode",
                   "status", "started_at", "updated_at", "finished_at", "ending_node", "ending_kind",
                   "ending_title", "ending_summary", "closing_line", "total", "dimensions", "data", "purpose")
TRAINING_ONLY = " AND s.purpose = 'training'"  # what trainee history, reports and exports count by default
SESSION_SELECT = "SELECT s.*, t.name AS trainee FROM sessions s JOIN trainees t ON t.id = s.trainee_id"


def utc_now() -> str:
    return stamp(datetime.now(timezone.utc))


def stamp(moment: datetime) -> str:
    """The one timestamp format the store uses (UTC, milliseconds), so strings sort by time."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise StoreError(f"未知的演练用途 {purpose}")


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _decoded(row: sqlite3.Row) -> dict[str, Any]:
    # A Row iterates over its values; its column names come from keys().
    return {k: (json.loads(row[k]) if k in JSON_COLUMNS else row[k]) for k in row.keys()}  # noqa: SIM118


@dataclass(frozen=True)
class MergeResult:
    added: int
    updated: int
    unchanged: int


class Store:
    """Training records in one SQLite file; safe to share between processes."""

    def __init__(self, path: str | Path, now: Callable[[], str] = utc_now):
        self.path = path
        self._now = now
        self._lock = threading.RLock()
        self._db = connect(path)

    @classmethod
    def open(cls, directory: str | Path, now: Callable[[], str] = utc_now) -> Store:
        """The store in a data directory (created if needed); `Settings.data_dir` says which."""
        folder = Path(directory)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"无法创建记录目录 {folder}：{error.strerror or error}") from None
        return cls(folder / DB_NAME, now)

    @property
    def problem(self) -> str:
        """The Records protocol's problem: a store that opened has none."""
        return ""

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise StoreError(f"记录库正忙或不可写：{error}") from None
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One consistent snapshot for reads that span several queries."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            finally:
                self._db.execute("COMMIT")

    # ------------------------------------------------------------ Records protocol

    def begin(self, trainee: str, session: Session, purpose: str = "training") -> int:
        name = trainee.strip()
        if not name:
            raise StoreError("学员姓名不能为空")
        _check_purpose(purpose)
        now = self._now()
        with self._write() as db:
            trainee_id = self._trainee_id(db, name, now)
            fields = session_fields(session)
            row = {
                "uuid": str(uuidlib.uuid4()), "trainee_id": trainee_id, "scenario_id": session.scenario.id,
                "scenario_title": session.scenario.title, "rubric_id": session.rubric.id,
                "persona": session.scenario.persona.name, "mode": session.mode, "started_at": now,
                "updated_at": now, "finished_at": None, **fields, "dimensions": dims_json(fields["dimensions"]),
                "purpose": purpose,
            }
            session_id = self._insert(db, "sessions", row)
            self._sync(db, session_id, session, now)
            return session_id

    def record_turn(self, session_id: int, session: Session) -> None:
        with self._write() as db:
            self._sync(db, session_id, session, self._now())

    def finish(self, session_id: int, session: Session) -> None:
        self.record_turn(session_id, session)

    def set_purpose(self, session_id: int, purpose: str) -> None:
        _check_purpose(purpose)
        with self._write() as db:
            db.execute("UPDATE sessions SET purpose = ? WHERE id = ?", (purpose, session_id))

    def unfinished(self, trainee: str, scenario_id: str | None = None) -> list[SavedSession]:
        query = (SESSION_SELECT + " WHERE t.name = ? AND s.status = 'active'"
                 + (" AND s.scenario_id = ?" if scenario_id else "") + " ORDER BY s.updated_at DESC, s.id DESC")
        params = (trainee.strip(), scenario_id) if scenario_id else (trainee.strip(),)
        with self._read() as db:
            return [
                SavedSession(r["id"], r["uuid"], r["trainee"], r["scenario_id"], r["scenario_title"],
                             r["started_at"], r["updated_at"], self._count_turns(db, r["id"]), json.loads(r["data"]),
                             r["purpose"])
                for r in db.execute(query, params).fetchall()
            ]

    def history(self, trainee: str | None = None, trials: bool = False) -> list[SessionSummary]:
        """Sessions newest first (all trainees when `trainee` is None); `trials` adds instructors'
        and authors' runs."""
        query = (SESSION_SELECT + " WHERE 1 = 1" + (" AND t.name = ?" if trainee else "")
                 + ("" if trials else TRAINING_ONLY) + " ORDER BY s.started_at DESC, s.id DESC")
        with self._read() as db:
            rows = db.execute(query, (trainee.strip(),) if trainee else ()).fetchall()
            return [self._summary(db, r) for r in rows]

    def best_scores(self, trainee: str, trials: bool = False) -> dict[str, int]:
        """Scenario id -> best total over the trainee's finished sessions."""
        with self._lock:
            rows = self._db.execute(
                "SELECT s.scenario_id, MAX(s.total) FROM sessions s JOIN trainees t ON t.id = s.trainee_id "
                "WHERE t.name = ? AND s.status = 'finished' AND s.total IS NOT NULL"
                + ("" if trials else TRAINING_ONLY) + " GROUP BY s.scenario_id",
                (trainee.strip(),),
            ).fetchall()
        return dict(rows)

    def record(self, session_id: int) -> SessionRecord:
        return self.session(session_id)

    # ------------------------------------------------------------ beyond the protocol

    def abandon(self, session_id: int) -> None:
        """Set an unfinished session aside (it stays in history, no longer offered for resuming)."""
        with self._write() as db:
            db.execute("UPDATE sessions SET status = 'abandoned', updated_at = ? WHERE id = ? AND status = 'active'",
                       (self._now(), session_id))

    def trainees(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT name FROM trainees ORDER BY name").fetchall()]

    def resolve(self, ref: str | int) -> int:
        """A session's local id from its id or (a unique prefix of) its UUID."""
        text = str(ref).strip()
        with self._lock:
            if text.isdigit():
                row = self._db.execute("SELECT id FROM sessions WHERE id = ?", (int(text),)).fetchone()
                rows = [row] if row else []
            elif len(text) >= 4:
                rows = self._db.execute("SELECT id FROM sessions WHERE uuid LIKE ? || '%'",
                                        (text.lower().replace("%", "").replace("_", ""),)).fetchall()
            else:
                rows = []
        if len(rows) != 1:
            raise StoreError(f"没有这条演练记录：{text}（可用 simulator history 查看编号）" if not rows
                             else f"编号 {text} 对应多条记录，请写得更长一些")
        return rows[0][0]

    def session(self, ref: str | int) -> SessionRecord:
        session_id = self.resolve(ref)
        with self._read() as db:
            row = db.execute(SESSION_SELECT + " WHERE s.id = ?", (session_id,)).fetchone()
            return self._record(db, row)

    def sessions(self, trainees: Iterable[str] | None = None, since: str | None = None,
                 trials: bool = False) -> list[SessionRecord]:
        """Full records, oldest first, optionally for some trainees and from a UTC timestamp on;
        trainees practising only, unless `trials` adds instructors' and authors' runs."""
        names = [t.strip() for t in trainees] if trainees else []
        query = SESSION_SELECT + " WHERE 1 = 1" + ("" if trials else TRAINING_ONLY)
        params: list[Any] = []
        if names:
            query += f" AND t.name IN ({', '.join('?' * len(names))})"
            params += names
        if since:
            query += " AND s.started_at >= ?"
            params.append(since)
        with self._read() as db:
            rows = db.execute(query + " ORDER BY s.started_at, s.id", params).fetchall()
            return [self._record(db, r) for r in rows]

    def merge(self, records: Iterable[SessionRecord]) -> MergeResult:
        """Add sessions from elsewhere by UUID: new ones are added, newer versions replace older ones."""
        added = updated = unchanged = 0
        with self._write() as db:
            for record in records:
                found = db.execute("SELECT id, updated_at FROM sessions WHERE uuid = ?", (record.uuid,)).fetchone()
                if found is not None and found["updated_at"] >= record.updated_at:
                    unchanged += 1
                    continue
                row = self._session_row(db, record)
                if found is None:
                    session_id = self._insert(db, "sessions", row)
                    added += 1
                else:
                    session_id = found["id"]
                    db.execute(f"UPDATE sessions SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?",
                               [self._cell(k, v) for k, v in row.items()] + [session_id])
                    db.execute("DELETE FROM turns WHERE session_id = ?", (session_id,))
                    db.execute("DELETE FROM rewinds WHERE session_id = ?", (session_id,))
                    updated += 1
                for turn in record.turns:
                    self._insert_turn(db, session_id, turn)
                for rewind in record.rewinds:
                    self._insert(db, "rewinds", {"session_id": session_id, **rewind_json(rewind)})
        return MergeResult(added, updated, unchanged)

    # ------------------------------------------------------------ internals

    def _sync(self, db: sqlite3.Connection, session_id: int, session: Session, now: str) -> None:
        if db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
            raise StoreError(f"没有这条演练记录：{session_id}")
        recorded = db.execute(
            "SELECT turn, node, reply, choice, hint_used FROM turns WHERE session_id = ? AND rewound_at IS NULL "
            "ORDER BY turn", (session_id,)).fetchall()
        kept = 0
        for row, result in zip(recorded, session.history):
            if (row["node"], row["reply"], row["choice"], bool(row["hint_used"])) != (
                    result.node, result.reply, result.choice, result.hint_used):
                break
            kept += 1
        if kept < len(recorded):
            db.execute("UPDATE turns SET rewound_at = ? WHERE session_id = ? AND rewound_at IS NULL AND turn > ?",
                       (now, session_id, kept))
            seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM rewinds WHERE session_id = ?",
                             (session_id,)).fetchone()[0]
            self._insert(db, "rewinds", {"session_id": session_id, "seq": seq, "to_turn": kept + 1,
                                         "from_turn": len(recorded), "at": now})
        seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE session_id = ?",
                         (session_id,)).fetchone()[0]
        for offset, result in enumerate(session.history[kept:]):
            self._insert_turn(db, session_id, turn_record(result, session, seq + offset, now))
        fields = session_fields(session)
        db.execute(
            "UPDATE sessions SET status = ?, updated_at = ?, ending_node = ?, ending_kind = ?, ending_title = ?, "
            "ending_summary = ?, closing_line = ?, total = ?, dimensions = ?, data = ?, "
            "finished_at = CASE WHEN ? THEN COALESCE(finished_at, ?) END WHERE id = ?",
            (fields["status"], now, fields["ending_node"], fields["ending_kind"], fields["ending_title"],
             fields["ending_summary"], fields["closing_line"], fields["total"],
             _dump(dims_json(fields["dimensions"])), _dump(fields["data"]), session.finished, now, session_id),
        )

    @staticmethod
    def _trainee_id(db: sqlite3.Connection, name: str, now: str) -> int:
        db.execute("INSERT OR IGNORE INTO trainees (name, created_at) VALUES (?, ?)", (name, now))
        return db.execute("SELECT id FROM trainees WHERE name = ?", (name,)).fetchone()[0]

    @staticmethod
    def _cell(column: str, value: Any) -> Any:
        return _dump(value) if column in JSON_COLUMNS else value

    def _insert(self, db: sqlite3.Connection, table: str, row: dict[str, Any]) -> int:
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        cursor = db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                            [self._cell(k, v) for k, v in row.items()])
        assert cursor.lastrowid is not None  # an INSERT always sets it
        return cursor.lastrowid

    def _insert_turn(self, db: sqlite3.Connection, session_id: int, turn: TurnRecord) -> None:
        data = turn_json(turn)
        self._insert(db, "turns", {"session_id": session_id, **{k: data[k] for k in TURN_COLUMNS}})

    def _session_row(self, db: sqlite3.Connection, record: SessionRecord) -> dict[str, Any]:
        return {
            "uuid": record.uuid, "trainee_id": self._trainee_id(db, record.trainee, record.started_at),
            **{k: getattr(record, k) for k in SESSION_COLUMNS[2:] if k not in ("dimensions",)},
            "dimensions": dims_json(record.dimensions),
        }

    @staticmethod
    def _count_turns(db: sqlite3.Connection, session_id: int) -> int:
        return db.execute("SELECT COUNT(*) FROM turns WHERE session_id = ? AND rewound_at IS NULL",
                          (session_id,)).fetchone()[0]

    def _summary(self, db: sqlite3.Connection, row: sqlite3.Row) -> SessionSummary:
        dims = json.loads(row["dimensions"])
        return SessionSummary(
            row["id"], row["uuid"], row["trainee"], row["scenario_id"], row["scenario_title"], row["started_at"],
            row["status"], row["ending_kind"], row["ending_title"], row["total"],
            tuple((d["id"], d["label"], d["score"]) for d in dims), self._count_turns(db, row["id"]),
            row["mode"], row["purpose"],
        )

    @staticmethod
    def _record(db: sqlite3.Connection, row: sqlite3.Row) -> SessionRecord:
        data = _decoded(row)
        turns = db.execute(f"SELECT {', '.join(TURN_COLUMNS)} FROM turns WHERE session_id = ? ORDER BY seq",
                           (row["id"],)).fetchall()
        rewinds = db.execute("SELECT seq, to_turn, from_turn, at FROM rewinds WHERE session_id = ? ORDER BY seq",
                             (row["id"],)).fetchall()
        data["turns"] = [_decoded(t) for t in turns]
        data["rewinds"] = [dict(r) for r in rewinds]
        return session_from(data, local_id=row["id"])
