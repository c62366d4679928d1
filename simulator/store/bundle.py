"""Moving records between PCs: a bundle of whole sessions, written and read one session at a time.

Format 2 is JSON Lines: a first line `{"format": "jiefang-records", "version": 2, "exported_at": ...}`,
then one session per line, so exporting and importing hold one session in memory, however large
the store. Format 1 (one JSON document, written by earlier versions) still imports.

Every record is checked (`imported.checked`) before `merge` sees it; a record that fails is
reported with its line and left out, the others are imported. What a bundle can and cannot
change is written up for operators in docs/records.md.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .codec import SESSION_OPTIONAL_TEXT, SESSION_TEXT, session_from
from .database import Tx
from .imported import checked
from .records import SessionRecord, StoreError
from .store import JSON_COLUMNS, TURN_COLUMNS, Store, resume_data, utc_now

FORMAT = "jiefang-records"
VERSION = 2
MAX_LINE = 64 * 1024 * 1024  # characters in one session's line


def _line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def export_bundle(store: Store, path: Path, trainees: list[str] | None = None, trials: bool = False) -> int:
    """Write the sessions (of some trainees, or all; `trials`: instructors' and authors' runs too) to
    `path`, streaming; returns how many.

    The file appears complete or not at all: it is written beside `path` and renamed at the end.
    """
    partial = path.with_name(path.name + ".part")
    count = 0
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as out:
            out.write(_line({"format": FORMAT, "version": VERSION, "exported_at": utc_now()}))
            for line in store.each(_stored_line, trainees, trials=trials):
                out.write(line)
                count += 1
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise StoreError(f"无法写入 {path}：{error.strerror or error}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def _stored_line(db: Tx, row: Mapping[str, Any]) -> str:
    """A session's bundle line straight from its rows: the JSON columns are copied as the store wrote
    them (the same text `session_json` would produce), so exporting decodes only what it must."""
    turns = db.rows(f"SELECT {', '.join(TURN_COLUMNS)} FROM turns WHERE session_id = :id ORDER BY seq",
                    id=row["id"])
    rewinds = db.rows("SELECT seq, to_turn, from_turn, at FROM rewinds WHERE session_id = :id ORDER BY seq",
                      id=row["id"])
    live = sorted((t for t in turns if t["rewound_at"] is None), key=lambda t: t["turn"])
    head = {**{k: row[k] for k in SESSION_TEXT + SESSION_OPTIONAL_TEXT}, "total": row["total"],
            "purpose": row["purpose"], "data": resume_data(json.loads(row["data"]), live),
            "rewinds": [dict(r) for r in rewinds],
            **({"copy_of": row["copy_of"]} if row["copy_of"] else {})}
    return (_line(head)[:-2] + ',"dimensions":' + row["dimensions"]
            + ',"turns":[' + ",".join(map(_stored_turn, turns)) + "]}\n")


def _stored_turn(turn: Mapping[str, Any]) -> str:
    cells = [f'"{k}":' + (turn[k] if k in JSON_COLUMNS else "true" if k == "hint_used" and turn[k]
                          else "false" if k == "hint_used" else json.dumps(turn[k], ensure_ascii=False))
             for k in TURN_COLUMNS]
    return "{" + ",".join(cells) + "}"


@dataclass
class BundleReader:
    """The sessions of a bundle file, one at a time; records that fail their checks are noted, not yielded."""

    path: Path
    refused: list[str] = field(default_factory=list)  # "第 N 行：why"

    def __iter__(self) -> Iterator[SessionRecord]:
        try:
            with self.path.open(encoding="utf-8-sig") as source:
                first = source.readline(MAX_LINE)
                header = _parse(first)
                if isinstance(header, dict) and header.get("format") == FORMAT and header.get("version") == VERSION:
                    yield from self._lines(source)
                    return
                source.seek(0)
                yield from self._document(source)
        except OSError as error:
            raise StoreError(f"无法读取记录包 {self.path}：{error.strerror or error}") from None
        except UnicodeDecodeError:
            raise StoreError(f"无法读取记录包 {self.path}：不是 UTF-8 文本") from None

    def _lines(self, source: IO[str]) -> Iterator[SessionRecord]:
        number = 1
        while line := source.readline(MAX_LINE):  # a hostile line of gigabytes is never held whole
            number += 1
            if len(line) >= MAX_LINE and not line.endswith("\n"):
                while (rest := source.readline(MAX_LINE)) and not rest.endswith("\n"):
                    pass
                self.refused.append(f"第 {number} 行：过长")
                continue
            if not line.strip():
                continue
            record = self._record(_parse(line), f"第 {number} 行")
            if record is not None:
                yield record

    def _document(self, source: IO[str]) -> Iterator[SessionRecord]:
        """Format 1: the whole file is one JSON document (as earlier versions wrote it)."""
        data = _parse(source.read())
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise StoreError(f"无法读取记录包 {self.path}：不是接访演练的记录包")
        if data.get("version") != 1:
            raise StoreError(f"无法读取记录包 {self.path}：版本 {str(data.get('version'))[:20]} 不受支持，请升级本程序")
        sessions = data.get("sessions")
        if not isinstance(sessions, list):
            raise StoreError(f"无法读取记录包 {self.path}：缺少 sessions 列表")
        for index, item in enumerate(sessions, 1):
            record = self._record(item, f"第 {index} 条记录")
            if record is not None:
                yield record

    def _record(self, item: Any, where: str) -> SessionRecord | None:
        if isinstance(item, _Unreadable):
            self.refused.append(f"{where}：{item.why}")
            return None
        try:
            return checked(session_from(item))
        except StoreError as error:
            self.refused.append(f"{where}：{error}")
            return None


@dataclass(frozen=True)
class _Unreadable:
    why: str


def _parse(text: str) -> Any:
    """JSON, or why not (a syntax error; nesting past the parser's depth limit)."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        return _Unreadable("JSON 嵌套过深")
    except ValueError:  # JSONDecodeError, and NaN / Infinity
        return _Unreadable("不是合法的 JSON")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_bundle(path: Path) -> list[SessionRecord]:
    """All the sessions of a small bundle at once (tests); StoreError if any record is refused."""
    reader = BundleReader(path)
    records = list(reader)
    if reader.refused:
        raise StoreError(f"无法读取记录包 {path}：{reader.refused[0]}")
    return records
