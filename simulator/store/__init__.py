"""SQLite training records: trainees, sessions, turns and rewinds; resume; export and import.

`Store` implements the Records protocol of docs/dev/engine-contract.md.
"""
from __future__ import annotations

from typing import Any

from .records import Records, SavedSession, SessionRecord, SessionSummary, StoreError, TurnRecord, record_from_session

_LAZY = {"Store": "store", "MergeResult": "merge", "SCHEMA_VERSION": "schema"}


def __getattr__(name: str) -> Any:
    # SQLite and the store load on first use, so the TUI can read the record types at start-up.
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "SCHEMA_VERSION",
    "MergeResult",
    "Records",
    "SavedSession",
    "SessionRecord",
    "SessionSummary",
    "Store",
    "StoreError",
    "TurnRecord",
    "record_from_session",
]
