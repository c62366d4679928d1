"""Alembic's environment for the records store: migrations run on the connection the store opened.

`schema.migrate` calls Alembic with `config.attributes["connection"]` set, inside the transaction
that keeps other processes out while the schema changes; nothing here opens a connection.
"""
from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
