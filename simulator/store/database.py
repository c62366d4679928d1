"""Where the records live and how they are reached: one URL, SQLite or PostgreSQL, through SQLAlchemy Core.

SQLite (`records.sqlite3` in the data directory) is the default for one machine; a
`postgresql://user@host:port/db` URL (--database-url, $SIMULATOR_DATABASE_URL) serves a
classroom or several PCs. Everything that differs between the two is here:

- how a write transaction keeps other writers out. SQLite: `BEGIN IMMEDIATE` takes the file's one
  write lock (and `busy_timeout` makes a second writer wait for it). PostgreSQL: writers lock the
  rows they change (`Tx.lock_session`: the session row, `FOR NO KEY UPDATE`, which leaves inserts
  of rows that refer to it free) or, for imports, the whole store (`Tx.lock_store`: a
  transaction-level advisory lock), so the lease checks in writers.py see what SQLite would show;
- reads that span several queries see one snapshot (SQLite's read transaction; PostgreSQL's
  REPEATABLE READ);
- the SQLite file's settings (WAL, synchronous FULL, foreign keys, busy timeout);
- what a failure says to the user (`database_error`).

The SQL itself is the common dialect of both: named parameters, `INSERT ... ON CONFLICT`,
`RETURNING id`, row-value comparisons.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from sqlalchemy import TextClause, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from .records import StoreError

BUSY_TIMEOUT_MS = 30_000
STORE_LOCK = 0x6A6679_6C  # pg_advisory_xact_lock key that imports hold ("jfyl")
POSTGRES_SCHEMES = ("postgresql", "postgres")
Row = Mapping[str, Any]  # a result row by column name (SQLAlchemy's RowMapping)


def sqlite_url(path: str | os.PathLike[str]) -> str:
    return "sqlite://" if str(path) == ":memory:" else f"sqlite:///{Path(path)}"


def parse_url(url: str) -> URL:
    """A database URL as SQLAlchemy takes it: plain `postgresql://` (and `postgres://`) mean psycopg 3."""
    try:
        parsed = make_url(url.strip())
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise StoreError(f"数据库地址无法识别：{_hide_password(url)}"
                         "（应形如 postgresql://用户@主机:端口/库名）") from None
    backend = parsed.get_backend_name()
    if backend in POSTGRES_SCHEMES:
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return parsed.set(drivername="sqlite")
    raise StoreError(f"不支持的数据库：{backend}（只支持 SQLite 和 PostgreSQL）")


def _hide_password(url: str) -> str:
    head, at, tail = url.partition("@")
    if not at or "://" not in head or ":" not in head.split("://", 1)[1]:
        return url
    return head.rsplit(":", 1)[0] + ":***@" + tail


class Database:
    """One connection to the records database, used by one Store (thread-safe through a lock)."""

    def __init__(self, url: str):
        parsed = parse_url(url)
        self.kind = "postgresql" if parsed.get_backend_name() == "postgresql" else "sqlite"
        # What users see: the file for SQLite, the URL without its password for PostgreSQL.
        self.display = (parsed.database or ":memory:") if self.kind == "sqlite" else \
            parsed.render_as_string(hide_password=True).replace("postgresql+psycopg://", "postgresql://")
        self.lock = threading.RLock()
        try:
            if self.kind == "sqlite":
                engine = create_engine(parsed, poolclass=NullPool, connect_args={
                    "check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})
                event.listen(engine, "connect", _sqlite_connected)
                event.listen(engine, "begin", _sqlite_begin)
            else:
                engine = create_engine(parsed, poolclass=NullPool, connect_args={"connect_timeout": 10})
            self.engine = engine
            self.connection = engine.connect()
        except NoSuchModuleError:
            raise StoreError("使用 PostgreSQL 需要安装驱动：pip install 'jiefang-yanlian[postgres]'") from None
        except ModuleNotFoundError as error:
            raise StoreError(f"使用 PostgreSQL 需要安装驱动 {error.name}：pip install 'jiefang-yanlian[postgres]'") \
                from None
        except SQLAlchemyError as error:
            raise self.error(error, "无法打开记录库") from None

    # ------------------------------------------------------------ transactions

    @contextmanager
    def write(self, doing: str = "无法写入记录") -> Iterator[Tx]:
        """One write transaction, committed when the block ends (rolled back on any error)."""
        with self._transaction(True, doing) as tx:
            yield tx

    @contextmanager
    def read(self, doing: str = "无法读取记录") -> Iterator[Tx]:
        """One consistent snapshot for reads that span several queries."""
        with self._transaction(False, doing) as tx:
            yield tx

    @contextmanager
    def _transaction(self, writing: bool, doing: str) -> Iterator[Tx]:
        with self.lock:
            conn = self.connection
            try:
                conn.info["immediate"] = writing
                transaction = conn.begin()
            except SQLAlchemyError as error:  # the file stayed busy, the server went away
                raise self.error(error, doing) from None
            try:
                if self.kind == "postgresql" and not writing:
                    conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                yield Tx(conn, self.kind)
                transaction.commit()
            except BaseException as error:
                with suppress(SQLAlchemyError):  # SQLite may have rolled back already (a full disk)
                    transaction.rollback()
                if isinstance(error, SQLAlchemyError):  # the original failure, not "cannot rollback"
                    raise self.error(error, doing) from None
                raise

    def close(self) -> None:
        with self.lock, suppress(SQLAlchemyError):
            self.connection.close()
            self.engine.dispose()

    # ------------------------------------------------------------ errors

    def error(self, error: SQLAlchemyError, doing: str) -> StoreError:
        """The database's failure as one line that says what happened and what to do."""
        original = error.orig if isinstance(error, DBAPIError) else None
        if isinstance(original, sqlite3.Error):
            return sqlite_error(self.display, original, doing)
        if self.kind == "postgresql":
            return postgres_error(self.display, original or error, doing)
        return StoreError(f"{doing}：{self.display}：{error}")


@lru_cache(maxsize=1024)
def statement(sql: str) -> TextClause:
    """SQL text made into a statement once (parsing its parameters costs more than running it on SQLite)."""
    return text(sql)


class Tx:
    """The statements of one transaction: SQL with named parameters, rows as mappings."""

    def __init__(self, connection: Connection, kind: str):
        self.connection = connection
        self.kind = kind

    def rows(self, sql: str, **params: Any) -> list[Row]:
        return cast("list[Row]", list(self.connection.execute(statement(sql), params).mappings()))

    def row(self, sql: str, **params: Any) -> Row | None:
        return cast("Row | None", self.connection.execute(statement(sql), params).mappings().first())

    def value(self, sql: str, **params: Any) -> Any:
        return self.connection.execute(statement(sql), params).scalar()

    def run(self, sql: str, **params: Any) -> int:
        """A statement that changes rows; how many it changed."""
        return self.connection.execute(statement(sql), params).rowcount

    def insert(self, table: str, row: Mapping[str, Any]) -> int:
        """Insert one row; its new id."""
        columns = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        return self.value(f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id", **row)

    def lock_session(self, session_id: int) -> None:
        """Keep other writers of this session waiting until this transaction ends (SQLite: already so)."""
        if self.kind == "postgresql":
            self.run("SELECT id FROM sessions WHERE id = :id FOR NO KEY UPDATE", id=session_id)

    def lock_class(self, class_id: int) -> None:
        """Keep other changes to this class waiting until this transaction ends (SQLite: already so)."""
        if self.kind == "postgresql":
            self.run("SELECT id FROM classes WHERE id = :id FOR NO KEY UPDATE", id=class_id)

    def lock_store(self) -> None:
        """Keep every other store-wide writer (an import) waiting until this transaction ends."""
        if self.kind == "postgresql":
            self.run("SELECT pg_advisory_xact_lock(:key)", key=STORE_LOCK)


# ---------------------------------------------------------------- SQLite


def _sqlite_connected(dbapi: sqlite3.Connection, _record: object) -> None:
    dbapi.isolation_level = None  # transactions are begun by _sqlite_begin, as SQLAlchemy's docs advise
    dbapi.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # Switching a fresh file to WAL reports "locked" at once, without the busy handler, when
    # another process is doing the same: retry it for the busy timeout.
    patiently(lambda: dbapi.execute("PRAGMA journal_mode = WAL"))
    dbapi.execute("PRAGMA synchronous = FULL")
    dbapi.execute("PRAGMA foreign_keys = ON")


def _sqlite_begin(conn: Connection) -> None:
    # A write takes the file's write lock at once: a read that later wants to write can fail
    # SQLITE_BUSY without waiting, a transaction that asked first cannot.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("immediate") else "BEGIN")


def patiently(step: Callable[[], object]) -> None:
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            step()
            return
        except (sqlite3.OperationalError, DBAPIError) as error:
            busy = "locked" in str(error) or "busy" in str(error)
            if not busy or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


CORRUPT = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def sqlite_error(path: str, error: sqlite3.Error, doing: str = "记录库出错") -> StoreError:
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


# ---------------------------------------------------------------- PostgreSQL

POSTGRES_ADVICE = {  # SQLSTATE class or code -> what to do
    "08": "无法连接数据库服务器，请检查地址、端口和网络，以及服务是否在运行",
    "28": "数据库拒绝登录，请检查用户名和密码（以及服务器的 pg_hba.conf）",
    "3D000": "数据库不存在，请先创建它（createdb）",
    "42501": "数据库用户权限不足，请让管理员授予建表和读写权限",
    "53": "数据库服务器资源不足（磁盘、内存或连接数），请联系管理员；已保存的记录不受影响",
    "57P": "数据库服务器正在关闭或重启，请稍后再试",
    "25006": "数据库处于只读状态，请联系管理员",
}


def postgres_error(display: str, error: BaseException, doing: str) -> StoreError:
    state = getattr(error, "sqlstate", None) or ""
    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
    advice = POSTGRES_ADVICE.get(state) or POSTGRES_ADVICE.get(state[:3]) or POSTGRES_ADVICE.get(state[:2])
    if not advice and not state and "connection" in first.lower():
        advice = POSTGRES_ADVICE["08"]
    return StoreError(f"{doing}：{display}：{first}" + (f"。{advice}" if advice else ""))
