"""The records database's versioned schema: Alembic revisions in migrations/versions, run on open.

`REVISIONS` lists them in order (a test holds it to Alembic's own chain); a database at the last
one opens without loading Alembic. Revision "000N" is what earlier versions of this program
called schema version N (`PRAGMA user_version`): an SQLite file they made, which has no
`alembic_version` table, is stamped at that revision and upgraded in place. SQLite files keep
`user_version` at the revision's number, so an earlier program refuses a newer file.

Migrations run inside one write transaction (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: an advisory
lock, and its DDL is transactional), so two processes opening a fresh database at once cannot
both create the tables, and a migration that fails leaves the database as it was.
How to add a revision: docs/dev/records.md.
"""
from __future__ import annotations

from importlib import resources

from sqlalchemy.exc import SQLAlchemyError

from .database import Database, Tx, patiently
from .records import StoreError

DB_NAME = "records.sqlite3"
MIGRATIONS = str(resources.files(__package__) / "migrations")  # package data (a folder: wheels are not zipped)
REVISIONS = ("0001", "0002", "0003", "0004")
SCHEMA_VERSION = len(REVISIONS)
MIGRATION_LOCK = 0x6A6679_6D  # pg_advisory_xact_lock key held while the schema changes


def open_database(url: str) -> Database:
    """Connect to the records database at `url` and bring its schema up to date."""
    database = Database(url)
    try:
        patiently(lambda: migrate(database))
    except SQLAlchemyError as error:
        database.close()
        raise database.error(error, "无法打开记录库") from None
    except BaseException:
        database.close()
        raise
    return database


def current(tx: Tx) -> str | None:
    """The revision the database is at (None: empty)."""
    conn = tx.connection
    if conn.dialect.has_table(conn, "alembic_version"):
        return tx.value("SELECT version_num FROM alembic_version")
    if tx.kind == "sqlite":  # a file made before Alembic: its PRAGMA user_version
        version = tx.value("PRAGMA user_version")
        if version:
            return f"{version:04d}"
    return None


def migrate(database: Database) -> None:
    with database.read() as tx:
        if _checked(current(tx)) == REVISIONS[-1]:
            return
    with database.write() as tx:
        if tx.kind == "postgresql":
            tx.run("SELECT pg_advisory_xact_lock(:key)", key=MIGRATION_LOCK)
        found = _checked(current(tx))  # another process may have done it meanwhile
        if found == REVISIONS[-1]:
            return
        _upgrade(tx, found)


def _checked(revision: str | None) -> str | None:
    if revision is not None and revision not in REVISIONS:
        raise StoreError(f"记录库的版本（{revision}）比本程序新（{REVISIONS[-1]}），请升级本程序")
    return revision


def _upgrade(tx: Tx, found: str | None) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["connection"] = tx.connection
    if found is not None and not tx.connection.dialect.has_table(tx.connection, "alembic_version"):
        command.stamp(config, found)
    command.upgrade(config, "head")
    if tx.kind == "sqlite":
        tx.run(f"PRAGMA user_version = {SCHEMA_VERSION}")
