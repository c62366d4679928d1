"""Record-keeping commands: history, report, cohort, export, import, and recording `play --script`.

cli.py's handlers are one-line calls into here; here the store is opened, its errors become
one-line UserErrors, and output goes to stdout or the -o file.
"""
from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .cli import UserError
from .store import Store, StoreError
from .store.schema import data_dir

if TYPE_CHECKING:
    from .engine.content.model import Rubric, Scenario
    from .engine.play.session import Session


@contextmanager
def opened_store(directory: str | None) -> Iterator[Store]:
    """The store of --data-dir / $SIMULATOR_DATA_DIR / the user's data directory; errors as UserError."""
    try:
        store = Store.open(directory)
    except StoreError as error:
        raise UserError(str(error)) from None
    try:
        yield store
    except StoreError as error:
        raise UserError(str(error)) from None
    finally:
        store.close()


def write_output(text: str, target: str | None, out: IO[str] = sys.stdout) -> None:
    if not target or target == "-":
        out.write(text)
        return
    try:
        Path(target).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"无法写入 {target}：{error.strerror or error}") from None
    print(f"已写入 {target}", file=sys.stderr)


def parse_since(text: str | None) -> str | None:
    """A YYYY-MM-DD date (local midnight) as the store's UTC timestamp string."""
    if not text:
        return None
    from .store.store import stamp

    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"日期格式不对：{text}（应为 YYYY-MM-DD，如 2025-03-01）") from None
    return stamp(datetime.combine(day, time()).astimezone())


# ---------------------------------------------------------------- play --script --trainee

def start_recording(directory: str | None, trainee: str, scenario: Scenario, rubric: Rubric,
                    fresh: bool) -> tuple[Session, Callable[[Session], None]]:
    """Resume the trainee's unfinished session (or begin one); returns it and a per-turn recorder."""
    from .store.resume import resume_or_begin

    try:
        store = Store.open(directory)
        opened = resume_or_begin(store, trainee, scenario, rubric, fresh=fresh)
    except StoreError as error:
        raise UserError(str(error)) from None
    if opened.resumed is not None:
        print(f"（继续 {trainee} 上次未完成的演练：记录 {opened.session_id}，已答 {opened.resumed.turns} 轮；"
              "加 --new 可重新开始）", file=sys.stderr)

    def record(session: Session) -> None:
        try:
            if session.finished:
                store.finish(opened.session_id, session)
            else:
                store.record_turn(opened.session_id, session)
        except StoreError as error:
            raise UserError(str(error)) from None

    return opened.session, record


# ---------------------------------------------------------------- history

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _outcome(status: str, ending_kind: str | None, ending_title: str | None) -> str:
    from .engine.content.model import ENDING_LABELS

    if ending_kind:
        return f"{ending_title}（{ENDING_LABELS.get(ending_kind, ending_kind)}）"
    return {"active": "未完成", "abandoned": "已放弃"}.get(status, status)


def history(directory: str | None, trainee: str | None, fmt: str, out: IO[str]) -> int:
    from .reports.views import local_time

    with opened_store(directory) as store:
        sessions = store.history(trainee)
    if fmt == "json":
        out.write(json.dumps([s.json() for s in sessions], ensure_ascii=False, indent=2) + "\n")
        return 0
    if not sessions:
        out.write(f"{trainee or '还没有人'}还没有演练记录。\n" if trainee else "还没有演练记录。\n")
        return 0
    rows = [("编号", "开始时间", "学员", "场景", "结局", "总分", "轮数")] + [
        (str(s.id), local_time(s.started_at), s.trainee, s.scenario_title,
         _outcome(s.status, s.ending_kind, s.ending_title), "—" if s.total is None else str(s.total), str(s.turns))
        for s in sessions
    ]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        out.write("  ".join(_pad(cell, w) for cell, w in zip(row, widths)).rstrip() + "\n")
    return 0


# ---------------------------------------------------------------- reports

def report(directory: str | None, ref: str, fmt: str, target: str | None) -> int:
    from .reports.render import render_session_html, render_session_md

    with opened_store(directory) as store:
        record = store.session(ref)
    text = render_session_html(record) if fmt == "html" else render_session_md(record)
    write_output(text, target)
    return 0


def cohort(directory: str | None, trainees: list[str] | None, since: str | None, fmt: str,
           target: str | None) -> int:
    from .reports.render import render_cohort_csv, render_cohort_html

    start = parse_since(since)
    with opened_store(directory) as store:
        records = store.sessions(trainees, start)
    filters = "；".join(part for part in (
        f"学员：{'、'.join(trainees)}" if trainees else "", f"自 {since} 起" if since else "") if part)
    if fmt == "csv":
        text = render_cohort_csv(records)
        if target and target != "-":
            text = "\ufeff" + text  # so spreadsheet programs read the file as UTF-8
    else:
        text = render_cohort_html(records, filters)
    write_output(text, target)
    return 0


# ---------------------------------------------------------------- moving records

def export(directory: str | None, trainees: list[str] | None, target: str) -> int:
    from .store.bundle import export_bundle

    with opened_store(directory) as store:
        count = export_bundle(store, Path(target), trainees)
    print(f"已导出 {count} 条演练记录到 {target}", file=sys.stderr)
    return 0


def import_(directory: str | None, source: str) -> int:
    from .store.bundle import read_bundle

    try:
        records = read_bundle(Path(source))
    except StoreError as error:
        raise UserError(str(error)) from None
    with opened_store(directory) as store:
        result = store.merge(records)
    where = data_dir(directory)
    print(f"已导入 {source} 到 {where}：新增 {result.added} 条，更新 {result.updated} 条，"
          f"已有 {result.unchanged} 条", file=sys.stderr)
    return 0
