"""Store: the SQLite record keeper (implements the Records protocol, plus what reports need).

Every write is one `BEGIN IMMEDIATE` transaction committed before the method returns, so a turn
that `record_turn` accepted survives the process being killed the next moment. A session has one
writer (`writers.Writer`, a lease row checked inside each write), so `record_turn` can trust the
stored conversation to be its own: it compares only the last stored turn with the Session, and
appends the new one. Turns the Session no longer has were rewound by the trainee (they stay,
marked, and a rewind row says when). The cost of recording a turn does not grow with the
session, and reading many sessions (export, cohort) streams them one at a time.

The database is SQLite or PostgreSQL (database.py says what differs); its failures (a corrupt
file, a full disk, a server that cannot be reached) come out as StoreError with what to do.
"""
from __future__ import annotations

import json
import uuid as uuidlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..engine.content.controls import name_problem
from .codec import dims_json, stored_session, stored_turn, turn_json
from .database import Tx, sqlite_url
from .records import (
    PURPOSES,
    Rewind,
    SavedSession,
    SessionRecord,
    SessionSummary,
    StoreError,
    TurnRecord,
    session_fields,
    turn_record,
)
from .schema import DB_NAME, open_database
from .writers import Writer

if TYPE_CHECKING:
    from ..engine.play.session import Session, TurnResult

T = TypeVar("T")

TURN_COLUMNS = ("seq", "turn", "node", "prompt", "reply", "choice", "hint_used", "total", "capped_by",
                "dimensions", "hits", "flags", "missed", "verdicts", "changes", "state", "next_node",
                "ending_kind", "model_answers", "recorded_at", "rewound_at", "options")
JSON_COLUMNS = frozenset({"dimensions", "hits", "flags", "missed", "verdicts", "changes", "state",
                          "model_answers", "data", "options"})
SESSION_COLUMNS = ("uuid", "trainee_id", "scenario_id", "scenario_title", "rubric_id", "persona", "mode",
                   "status", "started_at", "updated_at", "finished_at", "ending_node", "ending_kind",
                   "ending_title", "ending_summary", "closing_line", "total", "dimensions", "data", "copy_of",
                   "purpose")
TRAINING_ONLY = " AND s.purpose = 'training'"  # what trainee history, reports and exports count by default
SESSION_SELECT = "SELECT s.*, t.name AS trainee FROM sessions s JOIN trainees t ON t.id = s.trainee_id"
PAGE = 100  # sessions read per query when streaming
MAX_ROW_ID = 2**63 - 1


def utc_now() -> str:
    return stamp(datetime.now(timezone.utc))


def stamp(moment: datetime) -> str:
    """The one timestamp format the store uses (UTC, milliseconds), so strings sort by time."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise StoreError(f"未知的演练用途 {purpose}")


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def resume_data(header: dict[str, Any], turns: Iterable[Mapping[str, Any] | TurnRecord]) -> dict[str, Any]:
    """`Session.to_json()` from the stored header and the live turns (the store keeps each reply once)."""
    def get(t: Any, key: str) -> Any:
        return t[key] if isinstance(t, Mapping) else getattr(t, key)

    return {**{k: v for k, v in header.items() if k != "turns"},
            "turns": [{"reply": get(t, "reply"), "choice": get(t, "choice"), "hint": bool(get(t, "hint_used"))}
                      for t in turns]}


class Store:
    """Training records in one database (an SQLite file or PostgreSQL); safe to share between processes."""

    def __init__(self, target: str | Path, now: Callable[[], str] = utc_now):
        """`target`: a database URL (`postgresql://...`, `sqlite:///...`), or an SQLite file's path (or ":memory:")."""
        url = str(target) if "://" in str(target) else sqlite_url(target)
        self._now = now
        self._db = open_database(url)
        self.path = self._db.display  # what messages name: the file, or the URL without its password
        self.kind = self._db.kind
        self.writer = Writer()

    @classmethod
    def open(cls, directory: str | Path, now: Callable[[], str] = utc_now, url: str | None = None) -> Store:
        """The store at `url` (Settings.database_url) if given, else the SQLite file in a data directory
        (created if needed; Settings.data_dir)."""
        if url:
            return cls(url, now)
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
        """Give back this store's leases (other processes may continue its sessions), then close."""
        with suppress(StoreError), self._write() as db:
            self.writer.release(db)
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Tx]:
        with self._db.write() as tx:
            yield tx

    @contextmanager
    def _read(self) -> Iterator[Tx]:
        """One consistent snapshot for reads that span several queries."""
        with self._db.read() as tx:
            yield tx

    # ------------------------------------------------------------ Records protocol

    def begin(self, trainee: str, session: Session, purpose: str = "training") -> int:
        problem = name_problem(trainee)
        if problem:
            raise StoreError(problem)
        name = trainee.strip()
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
            self.writer.claim(db, session_id, now)
            self._sync(db, session_id, session, now)
            return session_id

    def record_turn(self, session_id: int, session: Session) -> None:
        now = self._now()
        with self._write() as db:
            if db.value("SELECT id FROM sessions WHERE id = :id", id=session_id) is None:
                raise StoreError(f"没有这条演练记录：{session_id}")
            self.writer.extend(db, session_id, now)
            self._sync(db, session_id, session, now)
            if session.finished:
                self.writer.release(db, session_id)

    def finish(self, session_id: int, session: Session) -> None:
        self.record_turn(session_id, session)

    def set_purpose(self, session_id: int, purpose: str) -> None:
        _check_purpose(purpose)
        with self._write() as db:
            db.run("UPDATE sessions SET purpose = :purpose WHERE id = :id", purpose=purpose, id=session_id)

    def claim(self, session_id: int) -> SavedSession | None:
        """Become the session's one writer: its state as stored now, or None while another process writes it."""
        with self._write() as db:
            if not self.writer.claim(db, session_id, self._now()):
                return None
            row = db.row(SESSION_SELECT + " WHERE s.id = :id AND s.status = 'active'", id=session_id)
            return self._saved(db, row) if row is not None else None

    def unfinished(self, trainee: str, scenario_id: str | None = None, busy: bool = False) -> list[SavedSession]:
        """Unfinished sessions, newest first; those another live process is writing only with `busy`."""
        query = (SESSION_SELECT + " WHERE t.name = :name AND s.status = 'active' AND s.copy_of IS NULL"
                 + (" AND s.scenario_id = :scenario" if scenario_id else "") + " ORDER BY s.updated_at DESC, s.id DESC")
        now = self._now()
        with self._read() as db:
            return [self._saved(db, r) for r in db.rows(query, name=trainee.strip(), scenario=scenario_id)
                    if busy or not self.writer.holds_elsewhere(self.writer.lease(db, r["id"]), now)]

    def history(self, trainee: str | None = None, trials: bool = False) -> list[SessionSummary]:
        """Sessions newest first (all trainees when `trainee` is None); `trials` adds instructors'
        and authors' runs."""
        # the live turns counted in the same query: one round trip to the server, not one per session
        query = (SESSION_SELECT.replace(" FROM sessions s", ", (SELECT COUNT(*) FROM turns WHERE session_id = s.id "
                                        "AND rewound_at IS NULL) AS live_turns FROM sessions s")
                 + " WHERE 1 = 1" + (" AND t.name = :name" if trainee else "")
                 + ("" if trials else TRAINING_ONLY) + " ORDER BY s.started_at DESC, s.id DESC")
        with self._read() as db:
            return [self._summary(r) for r in db.rows(query, name=trainee.strip() if trainee else None)]

    def best_scores(self, trainee: str, trials: bool = False) -> dict[str, int]:
        """Scenario id -> best total over the trainee's finished sessions (imported copies aside)."""
        with self._read() as db:
            rows = db.rows(
                "SELECT s.scenario_id, MAX(s.total) AS best FROM sessions s JOIN trainees t ON t.id = s.trainee_id "
                "WHERE t.name = :name AND s.status = 'finished' AND s.total IS NOT NULL AND s.copy_of IS NULL"
                + ("" if trials else TRAINING_ONLY) + " GROUP BY s.scenario_id", name=trainee.strip())
        return {r["scenario_id"]: r["best"] for r in rows}

    def record(self, session_id: int) -> SessionRecord:
        return self.session(session_id)

    # ------------------------------------------------------------ beyond the protocol

    def abandon(self, session_id: int) -> None:
        """Set an unfinished session aside (kept in history, no longer offered); not one another process writes."""
        now = self._now()
        with self._write() as db:
            if self.writer.claim(db, session_id, now):
                db.run("UPDATE sessions SET status = 'abandoned', updated_at = :now "
                       "WHERE id = :id AND status = 'active'", now=now, id=session_id)
                self.writer.release(db, session_id)

    def trainees(self) -> list[str]:
        with self._read() as db:
            # sorted here, by code point as SQLite does: PostgreSQL's order follows the server's locale
            return sorted(r["name"] for r in db.rows("SELECT name FROM trainees"))

    def resolve(self, ref: str | int) -> int:
        """A session's local id from its id or (a unique prefix of) its UUID."""
        text = str(ref).strip()
        with self._read() as db:
            rows = []
            if text.isascii() and text.isdigit() and len(text) <= 19 and int(text) <= MAX_ROW_ID:
                rows = db.rows("SELECT id FROM sessions WHERE id = :id", id=int(text))
            if not rows and len(text) >= 4:  # a UUID prefix (which may be all digits)
                rows = db.rows("SELECT id FROM sessions WHERE uuid LIKE :prefix || '%'",
                               prefix=text.lower().replace("%", "").replace("_", "").replace("\\", ""))
        if len(rows) != 1:
            raise StoreError(f"没有这条演练记录：{text[:40]}（可用 simulator history 查看编号）" if not rows
                             else f"编号 {text[:40]} 对应多条记录，请写得更长一些")
        return rows[0]["id"]

    def session(self, ref: str | int) -> SessionRecord:
        session_id = self.resolve(ref)
        with self._read() as db:
            row = db.row(SESSION_SELECT + " WHERE s.id = :id", id=session_id)
            assert row is not None  # resolved in this store a moment ago; sessions are never deleted
            return self._record(db, row)

    def sessions(self, trainees: Iterable[str] | None = None, since: str | None = None,
                 copies: bool = True, trials: bool = False) -> Iterator[SessionRecord]:
        """Full records, oldest first, one at a time (memory holds one page of sessions, not the
        store), optionally for some trainees, from a UTC timestamp on, and without imported copies;
        trainees practising only, unless `trials` adds instructors' and authors' runs."""
        return self.each(self._record, trainees, since, copies, trials)

    def each(self, build: Callable[[Tx, Mapping[str, Any]], T], trainees: Iterable[str] | None = None,
             since: str | None = None, copies: bool = True, trials: bool = False) -> Iterator[T]:
        """`build(db, row)` for each selected session row, oldest first, a page at a time (keyset paging)."""
        names = [t.strip() for t in trainees] if trainees else []
        where: list[str] = [] if trials else ["s.purpose = 'training'"]
        params: dict[str, Any] = {f"name{i}": name for i, name in enumerate(names)}
        if names:
            where.append(f"t.name IN ({', '.join(f':{k}' for k in params)})")
        if since:
            where.append("s.started_at >= :since")
            params["since"] = since
        if not copies:
            where.append("s.copy_of IS NULL")
        after: tuple[str, int] = ("", 0)
        while True:
            query = (SESSION_SELECT + " WHERE (s.started_at, s.id) > (:after, :after_id)"
                     + "".join(f" AND {w}" for w in where) + f" ORDER BY s.started_at, s.id LIMIT {PAGE}")
            with self._read() as db:
                rows = db.rows(query, after=after[0], after_id=after[1], **params)
                page = [build(db, row) for row in rows]
            yield from page
            if len(rows) < PAGE:
                return
            after = (rows[-1]["started_at"], rows[-1]["id"])

    # ------------------------------------------------------------ internals

    def _sync(self, db: Tx, session_id: int, session: Session, now: str) -> None:
        """Make the stored conversation the Session's: mark turns it took back, append the new ones."""
        history = session.history
        recorded = db.value("SELECT COALESCE(MAX(turn), 0) FROM turns WHERE session_id = :id AND rewound_at IS NULL",
                            id=session_id)
        kept = recorded
        if recorded and not (recorded <= len(history) and self._same(db, session_id, recorded, history[recorded - 1])):
            kept = self._common_prefix(db, session_id, history)
        if kept < recorded:  # the trainee went back: the only writer's Session no longer has these turns
            db.run("UPDATE turns SET rewound_at = :now WHERE session_id = :id AND rewound_at IS NULL AND turn > :kept",
                   now=now, id=session_id, kept=kept)
            seq = db.value("SELECT COALESCE(MAX(seq), 0) + 1 FROM rewinds WHERE session_id = :id", id=session_id)
            self._insert(db, "rewinds", {"session_id": session_id, "seq": seq, "to_turn": kept + 1,
                                         "from_turn": recorded, "at": now})
        seq = db.value("SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE session_id = :id", id=session_id)
        for offset, result in enumerate(history[kept:]):
            self._insert_turn(db, session_id, turn_record(result, session, seq + offset, now))
        fields = session_fields(session)
        db.run(
            "UPDATE sessions SET status = :status, updated_at = :now, ending_node = :ending_node, "
            "ending_kind = :ending_kind, ending_title = :ending_title, ending_summary = :ending_summary, "
            "closing_line = :closing_line, total = :total, dimensions = :dimensions, data = :data, "
            "finished_at = CASE WHEN :finished THEN COALESCE(finished_at, :now) END WHERE id = :id",
            **{k: fields[k] for k in ("status", "ending_node", "ending_kind", "ending_title", "ending_summary",
                                      "closing_line", "total")},
            now=now, dimensions=dump(dims_json(fields["dimensions"])), data=dump(fields["data"]),
            finished=session.finished, id=session_id,
        )

    @staticmethod
    def _same(db: Tx, session_id: int, turn: int, result: TurnResult) -> bool:
        row = db.row("SELECT node, reply, choice, hint_used FROM turns WHERE session_id = :id AND turn = :turn "
                     "AND rewound_at IS NULL", id=session_id, turn=turn)
        return row is not None and (row["node"], row["reply"], row["choice"], bool(row["hint_used"])) == (
            result.node, result.reply, result.choice, result.hint_used)

    @staticmethod
    def _common_prefix(db: Tx, session_id: int, history: tuple[TurnResult, ...]) -> int:
        """After a rewind: how many stored turns the Session still has (reads the conversation once)."""
        kept = 0
        rows = db.rows("SELECT node, reply, choice, hint_used FROM turns WHERE session_id = :id "
                       "AND rewound_at IS NULL ORDER BY turn", id=session_id)
        for row, result in zip(rows, history):
            if (row["node"], row["reply"], row["choice"], bool(row["hint_used"])) != (
                    result.node, result.reply, result.choice, result.hint_used):
                break
            kept += 1
        return kept

    @staticmethod
    def _trainee_id(db: Tx, name: str, now: str) -> int:
        db.run("INSERT INTO trainees (name, created_at) VALUES (:name, :now) ON CONFLICT (name) DO NOTHING",
               name=name, now=now)
        return db.value("SELECT id FROM trainees WHERE name = :name", name=name)

    @staticmethod
    def _cell(column: str, value: Any) -> Any:
        # JSON columns hold text; flags are stored as 0/1 (PostgreSQL will not put a boolean in an INTEGER)
        return dump(value) if column in JSON_COLUMNS else int(value) if isinstance(value, bool) else value

    def _insert(self, db: Tx, table: str, row: dict[str, Any]) -> int:
        return db.insert(table, {k: self._cell(k, v) for k, v in row.items()})

    def _insert_turn(self, db: Tx, session_id: int, turn: TurnRecord) -> None:
        data = turn_json(turn)
        self._insert(db, "turns", {"session_id": session_id, **{k: data[k] for k in TURN_COLUMNS}})

    def _session_row(self, db: Tx, record: SessionRecord, copy_of: str | None = None) -> dict[str, Any]:
        return {
            "uuid": record.uuid, "trainee_id": self._trainee_id(db, record.trainee, record.started_at),
            **{k: getattr(record, k) for k in SESSION_COLUMNS[2:] if k not in ("dimensions", "data", "copy_of")},
            "dimensions": dims_json(record.dimensions),
            "data": {k: v for k, v in record.data.items() if k != "turns"}, "copy_of": copy_of,
        }

    def _saved(self, db: Tx, row: Mapping[str, Any]) -> SavedSession:
        turns = db.rows("SELECT reply, choice, hint_used FROM turns WHERE session_id = :id AND rewound_at IS NULL "
                        "ORDER BY turn", id=row["id"])
        return SavedSession(row["id"], row["uuid"], row["trainee"], row["scenario_id"], row["scenario_title"],
                            row["started_at"], row["updated_at"], len(turns),
                            resume_data(json.loads(row["data"]), turns), row["purpose"])

    @staticmethod
    def _summary(row: Mapping[str, Any]) -> SessionSummary:
        dims = json.loads(row["dimensions"])
        return SessionSummary(
            row["id"], row["uuid"], row["trainee"], row["scenario_id"], row["scenario_title"], row["started_at"],
            row["status"], row["ending_kind"], row["ending_title"], row["total"],
            tuple((d["id"], d["label"], d["score"]) for d in dims), row["live_turns"],
            row["mode"], row["purpose"], row["copy_of"],
        )

    @staticmethod
    def _record(db: Tx, row: Mapping[str, Any]) -> SessionRecord:
        """A session as this store wrote it (trusted: decoded without re-checking every field)."""
        turns = db.rows(f"SELECT {', '.join(TURN_COLUMNS)} FROM turns WHERE session_id = :id ORDER BY seq",
                        id=row["id"])
        rewinds = db.rows("SELECT seq, to_turn, from_turn, at FROM rewinds WHERE session_id = :id ORDER BY seq",
                          id=row["id"])
        live = sorted((t for t in turns if t["rewound_at"] is None), key=lambda t: t["turn"])
        return stored_session(row, [stored_turn(t) for t in turns], [Rewind(**r) for r in rewinds],
                              resume_data(json.loads(row["data"]), live))
