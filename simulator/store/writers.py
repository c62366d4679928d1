"""One writer per session: a lease row that only its holder may extend.

A session's turns are added by one process at a time. The holder is named in `session_writers`
(token, host, pid, when last seen); every write first extends the lease with a compare-and-set
(`UPDATE ... WHERE session_id = ? AND token = ?`), inside the same transaction as the write, and
stops with a one-line StoreError when another process holds it. So a second terminal, or the TUI
and the command line at once, can never displace or mark rewound turns the first one recorded.

A lease is free when no row holds it, when its holder is a process on this host that is gone
(killed, crashed; a live one keeps it however long the trainee thinks), or when it was not
extended for LEASE_SECONDS (a holder on another host, or on Windows). Closing a store or
finishing a session gives the lease back.

The same rows and statements work on SQLite and PostgreSQL. On SQLite a write transaction holds
the file's write lock, so a check and the write that follows it cannot interleave with another
writer's; on PostgreSQL `claim` and `extend` first lock the session's row (`Tx.lock_session`)
for the same effect.
"""
from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .records import StoreError

if TYPE_CHECKING:
    from .database import Tx

LEASE_SECONDS = 15 * 60


def _alive(pid: int) -> bool:
    """Whether a process of this host exists (POSIX; on Windows os.kill(pid, 0) would send CTRL_C_EVENT,
    so there the lease's age decides)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process, but a live one
        return True
    return True


@dataclass(frozen=True)
class Writer:
    """This process's identity as a writer (one per open Store)."""

    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)

    def holds_elsewhere(self, row: Mapping[str, Any] | None, now: str) -> bool:
        """Whether `row`, a session's lease, is held by a live writer other than this one."""
        if row is None or row["token"] == self.token:
            return False
        if row["host"] == self.host and os.name != "nt":
            return _alive(row["pid"])  # however long the trainee thinks, a live process keeps its session
        seen = datetime.fromisoformat(row["seen_at"])
        return datetime.fromisoformat(now) - seen < timedelta(seconds=LEASE_SECONDS)

    def lease(self, db: Tx, session_id: int) -> Mapping[str, Any] | None:
        return db.row("SELECT token, host, pid, seen_at FROM session_writers WHERE session_id = :id", id=session_id)

    def claim(self, db: Tx, session_id: int, now: str) -> bool:
        """Take (or keep) the session's lease unless another live writer holds it; in a write transaction."""
        db.lock_session(session_id)
        if self.holds_elsewhere(self.lease(db, session_id), now):
            return False
        db.run("INSERT INTO session_writers (session_id, token, host, pid, seen_at) "
               "VALUES (:id, :token, :host, :pid, :now) ON CONFLICT (session_id) DO UPDATE SET "
               "token = excluded.token, host = excluded.host, pid = excluded.pid, seen_at = excluded.seen_at",
               id=session_id, token=self.token, host=self.host, pid=self.pid, now=now)
        return True

    def extend(self, db: Tx, session_id: int, now: str) -> None:
        """Before writing to a session: extend this writer's lease, or claim a free one, or refuse."""
        db.lock_session(session_id)
        extended = db.run("UPDATE session_writers SET seen_at = :now WHERE session_id = :id AND token = :token",
                          now=now, id=session_id, token=self.token)
        if not extended and not self.claim(db, session_id, now):
            raise StoreError(f"这次演练（记录 {session_id}）正在另一处进行（另一个终端或程序），本处的新回答没有保存；"
                             "请在那一处继续，或加 --new 另开一次")

    def release(self, db: Tx, session_id: int | None = None) -> None:
        """Give back one session's lease, or (None) every lease this writer holds."""
        if session_id is None:
            db.run("DELETE FROM session_writers WHERE token = :token", token=self.token)
        else:
            db.run("DELETE FROM session_writers WHERE session_id = :id AND token = :token",
                   id=session_id, token=self.token)
