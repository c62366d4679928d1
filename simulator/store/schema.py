"""The SQLite file: where it lives, how it is opened, and its versioned schema.

The schema version is `PRAGMA user_version`; `MIGRATIONS[n]` takes a database from version n to
n + 1. Version 2 adds the classroom's tables (serve/); version 3 a session's purpose and the
options a beginner-mode turn showed; version 4 the writer lease
(`session_writers`: the one process allowed to add turns to a session, see store.py),
`sessions.copy_of` (an imported record kept beside the one it conflicts with) and a unique index
that allows one live turn per turn number. Migrations run inside one `BEGIN IMMEDIATE`
transaction, so two processes opening a fresh file at once cannot both create the tables. WAL
mode lets readers work while one process writes;
`busy_timeout` makes a second writer wait its turn instead of failing.
"""
from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable

from .records import StoreError

DB_NAME = "records.sqlite3"
BUSY_TIMEOUT_MS = 30_000

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 0 -> 1: trainees, sessions, turns, rewinds
    (
        """CREATE TABLE trainees (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            trainee_id INTEGER NOT NULL REFERENCES trainees(id),
            scenario_id TEXT NOT NULL,
            scenario_title TEXT NOT NULL,
            rubric_id TEXT NOT NULL,
            persona TEXT NOT NULL,
            mode TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'finished', 'abandoned')),
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finished_at TEXT,
            ending_node TEXT,
            ending_kind TEXT,
            ending_title TEXT,
            ending_summary TEXT,
            closing_line TEXT,
            total INTEGER,
            dimensions TEXT NOT NULL,
            data TEXT NOT NULL
        )""",
        "CREATE INDEX sessions_by_trainee ON sessions (trainee_id, scenario_id, status)",
        "CREATE INDEX sessions_by_start ON sessions (started_at)",
        """CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            turn INTEGER NOT NULL,
            node TEXT NOT NULL,
            prompt TEXT NOT NULL,
            reply TEXT NOT NULL,
            choice INTEGER,
            hint_used INTEGER NOT NULL,
            total INTEGER NOT NULL,
            capped_by TEXT,
            dimensions TEXT NOT NULL,
            hits TEXT NOT NULL,
            flags TEXT NOT NULL,
            missed TEXT NOT NULL,
            verdicts TEXT NOT NULL,
            changes TEXT NOT NULL,
            state TEXT NOT NULL,
            next_node TEXT NOT NULL,
            ending_kind TEXT,
            model_answers TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            rewound_at TEXT,
            UNIQUE (session_id, seq)
        )""",
        "CREATE INDEX turns_by_session ON turns (session_id, rewound_at, turn)",
        """CREATE TABLE rewinds (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            to_turn INTEGER NOT NULL,
            from_turn INTEGER NOT NULL,
            at TEXT NOT NULL,
            UNIQUE (session_id, seq)
        )""",
    ),
    # 1 -> 2: classes for serving a classroom: roster, assignments, exam lock, the class's sessions,
    # and who is connected (written by the server)
    (
        """CREATE TABLE classes (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            code TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL CHECK (status IN ('open', 'ended')),
            exam_locked INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            ended_at TEXT
        )""",
        """CREATE TABLE class_members (
            class_id INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
            trainee_id INTEGER NOT NULL REFERENCES trainees(id),
            seq INTEGER NOT NULL,
            PRIMARY KEY (class_id, trainee_id)
        )""",
        """CREATE TABLE class_assignments (
            class_id INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            scenario_id TEXT NOT NULL,
            PRIMARY KEY (class_id, scenario_id)
        )""",
        """CREATE TABLE class_sessions (
            class_id INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            PRIMARY KEY (class_id, session_id)
        )""",
        "CREATE INDEX class_sessions_by_session ON class_sessions (session_id)",
        """CREATE TABLE presence (
            class_id INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
            trainee_id INTEGER NOT NULL REFERENCES trainees(id),
            online INTEGER NOT NULL,
            connected_at TEXT NOT NULL,
            last_input_at TEXT NOT NULL,
            left_at TEXT,
            PRIMARY KEY (class_id, trainee_id)
        )""",
    ),
    # 2 -> 3: who a session is for (trainees practising, or instructors' and authors' runs), and
    # the options a beginner-mode turn showed, in the order shown
    (
        "ALTER TABLE sessions ADD COLUMN purpose TEXT NOT NULL DEFAULT 'training'",
        "ALTER TABLE turns ADD COLUMN options TEXT NOT NULL DEFAULT '[]'",
    ),
    # 3 -> 4: one writer per session (a lease row), imported copies, at most one live turn per number
    (
        """CREATE TABLE session_writers (
            session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
            token TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            seen_at TEXT NOT NULL
        )""",
        "CREATE INDEX session_writers_by_token ON session_writers (token)",
        "ALTER TABLE sessions ADD COLUMN copy_of TEXT",
        # Two writers at once could leave two live turns with one number before version 4: keep the first.
        """UPDATE turns SET rewound_at = recorded_at WHERE rewound_at IS NULL AND EXISTS (
            SELECT 1 FROM turns AS first WHERE first.session_id = turns.session_id AND first.turn = turns.turn
            AND first.rewound_at IS NULL AND first.seq < turns.seq)""",
        "CREATE UNIQUE INDEX turns_live ON turns (session_id, turn) WHERE rewound_at IS NULL",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the records database at `path` (or ":memory:")."""
    try:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Switching a fresh file to WAL reports "locked" at once, without the busy handler, when
        # another process is doing the same: retry it (and the migration) for the busy timeout.
        _patiently(lambda: db.execute("PRAGMA journal_mode = WAL"))
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        _patiently(lambda: migrate(db))
    except sqlite3.DatabaseError as error:
        raise database_error(path, error, "无法打开记录库") from None
    return db


CORRUPT = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def database_error(path: str | os.PathLike[str], error: sqlite3.Error, doing: str = "记录库出错") -> StoreError:
    """SQLite's error as one line that says what happened to the records and what to do."""
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error)
    if name.startswith(CORRUPT) or "malformed" in text or "not a database" in text:
        return StoreError(f"{doing}：记录库 {path} 已损坏（{text}）。请先复制备份该文件，再用 sqlite3 的 "
                          ".recover 抢救，或用 --data-dir 换一个目录重新开始")
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return StoreError(f"{doing}：磁盘已满，无法写入 {path}。请腾出磁盘空间后再试；已保存的记录不受影响")
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return StoreError(f"{doing}：记录库 {path} 只读。请检查文件权限，或用 --data-dir 换一个可写的目录")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return StoreError(f"{doing}：记录库 {path} 被其他程序长时间占用，请稍后再试")
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or "disk I/O" in text:
        return StoreError(f"{doing}：读写 {path} 出错（{text}）。请检查磁盘，或用 --data-dir 换一个目录")
    return StoreError(f"{doing}：{path}：{text}")


def _patiently(step: Callable[[], object]) -> None:
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as error:
            busy = "locked" in str(error) or "busy" in str(error)
            if not busy or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def migrate(db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(f"记录库的版本（{version}）比本程序新（{SCHEMA_VERSION}），请升级本程序")
    if version == SCHEMA_VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]  # another process may have done it
        for step in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[step]:
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
