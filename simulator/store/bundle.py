"""Moving records between PCs: a JSON bundle of whole sessions, keyed by their UUIDs.

Importing is idempotent: a session already present with the same or a newer `updated_at` is left
alone, so importing one bundle twice adds nothing; a newer copy of a session replaces the older.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .codec import session_from, session_json
from .records import SessionRecord, StoreError
from .store import Store, utc_now

FORMAT = "jiefang-records"
VERSION = 1


def bundle(records: Iterable[SessionRecord], exported_at: str | None = None) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "exported_at": exported_at or utc_now(),
            "sessions": [session_json(r) for r in records]}


def export_bundle(store: Store, path: Path, trainees: list[str] | None = None, trials: bool = False) -> int:
    """Write the sessions (of some trainees, or all; `trials`: instructors' and authors' runs too) to
    `path`; returns how many."""
    records = store.sessions(trainees, trials=trials)
    text = json.dumps(bundle(records), ensure_ascii=False, indent=1)
    try:
        path.write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        raise StoreError(f"无法写入 {path}：{error.strerror or error}") from None
    return len(records)


def read_bundle(path: Path) -> list[SessionRecord]:
    """The sessions in a bundle file, or StoreError saying in one line why it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise StoreError(f"无法读取记录包 {path}：{error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise StoreError(f"无法读取记录包 {path}：不是 JSON 文件") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StoreError(f"无法读取记录包 {path}：不是接访演练的记录包")
    if data.get("version") != VERSION:
        raise StoreError(f"无法读取记录包 {path}：版本 {data.get('version')} 不受支持，请升级本程序")
    sessions = data.get("sessions")
    if not isinstance(sessions, list):
        raise StoreError(f"无法读取记录包 {path}：缺少 sessions 列表")
    records = []
    for index, item in enumerate(sessions, 1):
        try:
            records.append(session_from(item))
        except StoreError as error:
            raise StoreError(f"无法读取记录包 {path}：第 {index} 条记录 {error}") from None
    return records
