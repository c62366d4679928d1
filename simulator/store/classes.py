"""Classes: a roster, a join code, what the class is assigned, an exam lock, and who is connected.

A class is what an instructor runs in the training room: trainees sign in to the served TUI with
the class's join code and their name from its roster; their sessions are linked to the class, so
the class's cohort report holds just them. The served app reads the class (assignment, exam lock,
ended) as it goes; the server writes who is connected and when they last typed.

`Classes(store)` works through the store's transactions: the same file, the same rules.
"""
from __future__ import annotations

import json
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .database import Row, Tx
from .records import SessionRecord, StoreError
from .store import SESSION_SELECT, Store

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on a projector
CODE_LENGTH = 6
MAX_NAME = 40
MAX_ROSTER = 300


@dataclass(frozen=True)
class ClassInfo:
    id: int
    name: str
    code: str  # what trainees type to sign in
    status: str  # open | ended
    exam_locked: bool
    created_at: str
    ended_at: str | None
    roster: tuple[str, ...]  # in the order the instructor gave
    assigned: tuple[str, ...]  # scenario ids; empty: the whole library

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Seat:
    """One trainee of a class as the instructor's console shows them."""

    trainee: str
    online: bool
    connected_at: str | None
    last_input_at: str | None  # the last keystroke the server saw (None: never connected)
    sessions: int  # sessions played in this class
    scenario_title: str | None  # the latest session's
    status: str | None  # active | finished | abandoned
    turns: int  # answered turns in the latest session
    total: int | None
    ending_title: str | None
    last_fault: str | None  # the fault most recently flagged in the latest session: its label
    last_fault_words: str | None  # and the words that earned it
    updated_at: str | None  # when the latest session was last written


def clean_name(name: str) -> str:
    """A roster name as kept: trimmed, no control characters, not too long."""
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        raise StoreError("学员姓名不能为空")
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise StoreError(f"学员姓名含有控制字符：{text!r}")
    if len(text) > MAX_NAME:
        raise StoreError(f"学员姓名太长（最多 {MAX_NAME} 个字）：{text[:MAX_NAME]}…")
    return text


def clean_roster(names: Iterable[str]) -> list[str]:
    """Names in order, blank lines skipped, duplicates dropped."""
    roster: list[str] = []
    for raw in names:
        if raw.strip():
            name = clean_name(raw)
            if name not in roster:
                roster.append(name)
    if len(roster) > MAX_ROSTER:
        raise StoreError(f"名单太长：{len(roster)} 人（最多 {MAX_ROSTER} 人）")
    return roster


class Classes:
    """The classes kept in a store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # ------------------------------------------------------------ making and finding classes

    def create(self, name: str, roster: Iterable[str]) -> ClassInfo:
        title = name.strip()
        if not title or any(unicodedata.category(ch).startswith("C") for ch in title):
            raise StoreError("班级名称不能为空，也不能含控制字符")
        names = clean_roster(roster)
        now = self.store._now()
        with self.store._write() as db:
            code = self._new_code(db)
            class_id = db.insert("classes", {"name": title[:80], "code": code, "status": "open", "exam_locked": 0,
                                             "created_at": now})
            self._add_members(db, class_id, names, now)
        return self.get(class_id)

    def get(self, ref: str | int) -> ClassInfo:
        """A class by id, join code (any case) or exact name (the newest of that name)."""
        text = str(ref).strip()
        with self.store._read() as db:
            row = None
            if text.isascii() and text.isdigit() and len(text) <= 9:  # an id (PostgreSQL's INTEGER is 32 bits)
                row = db.row("SELECT * FROM classes WHERE id = :id", id=int(text))
            if row is None:
                row = db.row("SELECT * FROM classes WHERE code = :code", code=text.upper())
            if row is None:
                row = db.row("SELECT * FROM classes WHERE name = :name ORDER BY id DESC", name=text)
            if row is None:
                raise StoreError(f"没有这个班级：{text}（可用 simulator class list 查看）")
            return self._info(db, row)

    def by_code(self, code: str) -> ClassInfo | None:
        """The open class with this join code, or None (signing in)."""
        with self.store._read() as db:
            row = db.row("SELECT * FROM classes WHERE code = :code AND status = 'open'", code=code.strip().upper())
            return self._info(db, row) if row is not None else None

    def all(self) -> list[ClassInfo]:
        """Every class, open ones first, newest first."""
        with self.store._read() as db:
            rows = db.rows("SELECT * FROM classes ORDER BY status = 'ended', id DESC")
            return [self._info(db, row) for row in rows]

    # ------------------------------------------------------------ the instructor's changes

    def add_trainees(self, class_id: int, names: Iterable[str]) -> ClassInfo:
        now = self.store._now()
        with self.store._write() as db:
            self._open_class(db, class_id)
            self._add_members(db, class_id, clean_roster(names), now)
        return self.get(class_id)

    def remove_trainees(self, class_id: int, names: Iterable[str]) -> ClassInfo:
        with self.store._write() as db:
            self._open_class(db, class_id)
            for name in names:
                db.run("DELETE FROM class_members WHERE class_id = :id AND trainee_id = "
                       "(SELECT id FROM trainees WHERE name = :name)", id=class_id, name=name.strip())
        return self.get(class_id)

    def assign(self, class_id: int, scenario_ids: Iterable[str]) -> ClassInfo:
        """What the class plays: these scenarios, in this order (none: the whole library)."""
        ids = list(dict.fromkeys(s.strip() for s in scenario_ids if s.strip()))
        with self.store._write() as db:
            self._open_class(db, class_id)
            db.run("DELETE FROM class_assignments WHERE class_id = :id", id=class_id)
            for seq, scenario_id in enumerate(ids, 1):
                db.run("INSERT INTO class_assignments (class_id, seq, scenario_id) VALUES (:id, :seq, :scenario)",
                       id=class_id, seq=seq, scenario=scenario_id)
        return self.get(class_id)

    def lock_exam(self, class_id: int, locked: bool) -> ClassInfo:
        """Every scenario the class opens from now on is played in exam mode (or not)."""
        with self.store._write() as db:
            self._open_class(db, class_id)
            db.run("UPDATE classes SET exam_locked = :locked WHERE id = :id", locked=int(locked), id=class_id)
        return self.get(class_id)

    def end(self, class_id: int) -> ClassInfo:
        """Close the class: nobody signs in any more; its records stay."""
        now = self.store._now()
        with self.store._write() as db:
            db.run("UPDATE classes SET status = 'ended', ended_at = COALESCE(ended_at, :now) WHERE id = :id",
                   now=now, id=class_id)
            db.run("UPDATE presence SET online = 0, left_at = COALESCE(left_at, :now) "
                   "WHERE class_id = :id AND online = 1", now=now, id=class_id)
        return self.get(class_id)

    # ------------------------------------------------------------ the class's sessions

    def link(self, class_id: int, session_id: int) -> None:
        """This session was played in this class."""
        with self.store._write() as db:
            db.run("INSERT INTO class_sessions (class_id, session_id) VALUES (:id, :session) "
                   "ON CONFLICT (class_id, session_id) DO NOTHING", id=class_id, session=session_id)

    def session_ids(self, class_id: int) -> set[int]:
        with self.store._read() as db:
            rows = db.rows("SELECT session_id FROM class_sessions WHERE class_id = :id", id=class_id)
        return {r["session_id"] for r in rows}

    def sessions(self, class_id: int) -> list[SessionRecord]:
        """The class's sessions as full records, oldest first (what the cohort report takes)."""
        with self.store._read() as db:
            rows = db.rows(SESSION_SELECT + " JOIN class_sessions c ON c.session_id = s.id "
                           "WHERE c.class_id = :id ORDER BY s.started_at, s.id", id=class_id)
            return [self.store._record(db, row) for row in rows]

    # ------------------------------------------------------------ who is in the room

    def arrived(self, class_id: int, trainee: str) -> None:
        now = self.store._now()
        with self.store._write() as db:
            trainee_id = self.store._trainee_id(db, trainee, now)
            db.run("INSERT INTO presence (class_id, trainee_id, online, connected_at, last_input_at, left_at) "
                   "VALUES (:id, :trainee, 1, :now, :now, NULL) ON CONFLICT (class_id, trainee_id) DO UPDATE SET "
                   "online = 1, connected_at = excluded.connected_at, last_input_at = excluded.last_input_at, "
                   "left_at = NULL", id=class_id, trainee=trainee_id, now=now)

    def typed(self, class_id: int, trainee: str, at: str) -> None:
        """The trainee's last keystroke (the server writes this at most every few seconds)."""
        with self.store._write() as db:
            db.run("UPDATE presence SET last_input_at = :at WHERE class_id = :id AND trainee_id = "
                   "(SELECT id FROM trainees WHERE name = :name)", at=at, id=class_id, name=trainee)

    def left(self, class_id: int, trainee: str) -> None:
        with self.store._write() as db:
            db.run("UPDATE presence SET online = 0, left_at = :now WHERE class_id = :id AND trainee_id = "
                   "(SELECT id FROM trainees WHERE name = :name)", now=self.store._now(), id=class_id, name=trainee)

    def room(self, class_id: int) -> list[Seat]:
        """Every trainee on the roster, in roster order, with where they are and how they do."""
        with self.store._read() as db:
            members = db.rows(
                "SELECT t.id, t.name, p.online, p.connected_at, p.last_input_at FROM class_members m "
                "JOIN trainees t ON t.id = m.trainee_id "
                "LEFT JOIN presence p ON p.class_id = m.class_id AND p.trainee_id = m.trainee_id "
                "WHERE m.class_id = :id ORDER BY m.seq", id=class_id)
            return [self._seat(db, class_id, row) for row in members]

    # ------------------------------------------------------------ internals

    @staticmethod
    def _new_code(db: Tx) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if db.value("SELECT id FROM classes WHERE code = :code", code=code) is None:
                return code

    def _add_members(self, db: Tx, class_id: int, names: list[str], now: str) -> None:
        seq = db.value("SELECT COALESCE(MAX(seq), 0) FROM class_members WHERE class_id = :id", id=class_id)
        for name in names:
            trainee_id = self.store._trainee_id(db, name, now)
            seq += db.run("INSERT INTO class_members (class_id, trainee_id, seq) VALUES (:id, :trainee, :seq) "
                          "ON CONFLICT (class_id, trainee_id) DO NOTHING", id=class_id, trainee=trainee_id, seq=seq + 1)

    @staticmethod
    def _open_class(db: Tx, class_id: int) -> None:
        db.lock_class(class_id)
        row = db.row("SELECT status, name FROM classes WHERE id = :id", id=class_id)
        if row is None:
            raise StoreError(f"没有这个班级：{class_id}")
        if row["status"] != "open":
            raise StoreError(f"班级「{row['name']}」已结束，不能再修改")

    @staticmethod
    def _info(db: Tx, row: Row) -> ClassInfo:
        roster = db.rows("SELECT t.name FROM class_members m JOIN trainees t ON t.id = m.trainee_id "
                         "WHERE m.class_id = :id ORDER BY m.seq", id=row["id"])
        assigned = db.rows("SELECT scenario_id FROM class_assignments WHERE class_id = :id ORDER BY seq", id=row["id"])
        return ClassInfo(row["id"], row["name"], row["code"], row["status"], bool(row["exam_locked"]),
                         row["created_at"], row["ended_at"], tuple(r["name"] for r in roster),
                         tuple(r["scenario_id"] for r in assigned))

    @staticmethod
    def _seat(db: Tx, class_id: int, member: Row) -> Seat:
        latest = db.rows(
            "SELECT s.id, s.scenario_title, s.status, s.total, s.ending_title, s.updated_at FROM sessions s "
            "JOIN class_sessions c ON c.session_id = s.id WHERE c.class_id = :id AND s.trainee_id = :trainee "
            "ORDER BY s.updated_at DESC, s.id DESC", id=class_id, trainee=member["id"])
        online = bool(member["online"])
        if not latest:
            return Seat(member["name"], online, member["connected_at"], member["last_input_at"], 0,
                        None, None, 0, None, None, None, None, None)
        session = latest[0]
        turns = db.value("SELECT COUNT(*) FROM turns WHERE session_id = :id AND rewound_at IS NULL", id=session["id"])
        fault = label = None
        for row in db.rows("SELECT flags FROM turns WHERE session_id = :id AND rewound_at IS NULL "
                           "AND flags != '[]' ORDER BY turn DESC LIMIT 1", id=session["id"]):
            found = json.loads(row["flags"])
            if found:
                label = found[-1].get("label") or found[-1].get("criterion")
                evidence = found[-1].get("evidence") or []
                fault = "、".join(str(e.get("text", "")) for e in evidence if isinstance(e, dict)) or None
        return Seat(member["name"], online, member["connected_at"], member["last_input_at"], len(latest),
                    session["scenario_title"], session["status"], turns, session["total"],
                    session["ending_title"], label, fault, session["updated_at"])
