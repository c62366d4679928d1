"""Where a test's records live, on either backend: `Places` (the `places` fixture in conftest.py).

SQLite: the `records.sqlite3` of each data directory, as users have it. PostgreSQL: a schema of
its own per data directory on the server of $SIMULATOR_TEST_DATABASE_URL (so xdist workers and
the "here" and "there" stores of an import test never meet), dropped when the test ends.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

TEST_SERVER = "SIMULATOR_TEST_DATABASE_URL"


def server_url() -> str | None:
    return (os.environ.get(TEST_SERVER) or "").strip() or None


def server_problem(url: str) -> str | None:
    """Why the test server cannot be used (None: it answers)."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5, autocommit=True) as admin:
            admin.execute("SELECT 1")
    except psycopg.Error as error:
        return f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
    return None


class Places:
    """The stores of one test: one per data directory, on the backend the test runs against."""

    def __init__(self, backend: str, server: str | None = None):
        self.backend = backend
        self.server = server
        self._schemas: dict[Path, str] = {}

    def url(self, data_dir: Path) -> str | None:
        """The --database-url for a data directory's records (None on SQLite: the file in it)."""
        if self.backend == "sqlite":
            return None
        assert self.server is not None
        from sqlalchemy.engine import make_url

        key = Path(data_dir).resolve()
        if key not in self._schemas:
            self._schemas[key] = f"t_{uuid.uuid4().hex[:16]}"
            self._admin(f'CREATE SCHEMA "{self._schemas[key]}"')
        url = make_url(self.server).update_query_dict({"options": f"-csearch_path={self._schemas[key]}"})
        return url.render_as_string(hide_password=False)

    def open(self, data_dir: Path, **options: Any):
        from simulator.store import Store

        return Store.open(data_dir, url=self.url(data_dir), **options)

    def cli_args(self, data_dir: Path) -> list[str]:
        url = self.url(data_dir)
        return ["--data-dir", str(data_dir)] + (["--database-url", url] if url else [])

    def sql(self, data_dir: Path, statement: str, **params: Any) -> list[tuple[Any, ...]]:
        """Run one statement on a data directory's database, committed; its rows (if any)."""
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        url = self.url(data_dir) or f"sqlite:///{Path(data_dir) / 'records.sqlite3'}"
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(statement), params)
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            engine.dispose()

    def count(self, data_dir: Path, table: str, where: str = "") -> int:
        return self.sql(data_dir, f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else ""))[0][0]

    def drop(self) -> None:
        for schema in self._schemas.values():
            self._admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        self._schemas.clear()

    def _admin(self, statement: str) -> None:
        import psycopg

        assert self.server is not None
        with psycopg.connect(self.server, autocommit=True) as admin:
            admin.execute(statement)  # type: ignore[arg-type]  # a schema name this class made
