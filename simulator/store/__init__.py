"""SQLite training records: trainees, sessions, turns and rewinds; resume; export and import.

`Store` implements the Records protocol of docs/dev/engine-contract.md.
"""
from __future__ import annotations

from .records import (Records, SavedSession, SessionRecord, SessionSummary, StoreError, TurnRecord,
                      record_from_session)
from .schema import SCHEMA_VERSION, data_dir
from .store import MergeResult, Store

__all__ = [
    "MergeResult", "Records", "SCHEMA_VERSION", "SavedSession", "SessionRecord", "SessionSummary", "Store",
    "StoreError", "TurnRecord", "data_dir", "record_from_session",
]
