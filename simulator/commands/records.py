"""Record-keeping commands: history, report, cohort, export, import, and recording `play --script`.

The store is opened in `settings.data_dir`; its errors become one-line UserErrors, and output
goes to stdout or the -o file. Reports (Jinja2) and the store (SQLite) load inside the handlers.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UserError, store_errors
from .output import table, write_output

if TYPE_CHECKING:
    from ..engine.content.model import Rubric, Scenario
    from ..engine.play.session import Mode, Session
    from ..settings import Settings
    from ..store.records import SessionSummary
    from ..store.resume import Opened
    from ..store.store import Store


@contextmanager
def opened_store(settings: Settings) -> Iterator[Store]:
    """The records store the settings name, closed afterwards; its errors as UserError."""
    from ..store.store import Store

    with store_errors():
        store = Store.open(settings.data_dir, url=settings.database_url)
        try:
            yield store
        finally:
            store.close()


def parse_since(text: str | None) -> str | None:
    """A YYYY-MM-DD date (local midnight) as the store's UTC timestamp string."""
    if not text:
        return None
    from ..store.store import stamp

    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"日期格式不对：{text}（应为 YYYY-MM-DD，如 2025-03-01）") from None
    return stamp(datetime.combine(day, time()).astimezone())


# ---------------------------------------------------------------- play --script --trainee

@contextmanager
def recording(settings: Settings, trainee: str, scenario: Scenario, rubric: Rubric, fresh: bool, *,
              mode: Mode = "practice", purpose: str = "training",
              seed: int = 0) -> Iterator[tuple[Session, Callable[[Session], None]]]:
    """Resume the trainee's unfinished session (or begin one): it and a per-turn recorder; the
    store is closed (and the session's writer lease given back) when the block ends."""
    from ..store.resume import resume_or_begin

    with opened_store(settings) as store:
        with store_errors():
            opened = resume_or_begin(store, trainee, scenario, rubric, mode, fresh, purpose=purpose, seed=seed)
        yield opened.session, _recorder(store, opened, purpose)


def _recorder(store: Store, opened: Opened, purpose: str) -> Callable[[Session], None]:
    from ..engine.play.session import MODE_LABELS
    from ..store.records import PURPOSE_LABELS

    if opened.resumed is not None:
        print(f"（继续 {opened.resumed.trainee} 上次未完成的{MODE_LABELS[opened.resumed.mode]}模式演练："
              f"记录 {opened.session_id}，已答 {opened.resumed.turns} 轮；加 --new 可重新开始）", file=sys.stderr)
    elif opened.busy:
        print(f"（这名学员在这个场景还有演练正在另一处进行，那边的记录不受影响；"
              f"这里另开一次：记录 {opened.session_id}）", file=sys.stderr)
    if purpose != "training":
        print(f"（本次记为{PURPOSE_LABELS[purpose]}，不计入学员的历史、统计与导出）", file=sys.stderr)

    def record(session: Session) -> None:
        with store_errors():
            if session.finished:
                store.finish(opened.session_id, session)
            else:
                store.record_turn(opened.session_id, session)

    return record


# ---------------------------------------------------------------- history

def _outcome(status: str, ending_kind: str | None, ending_title: str | None, copy_of: str | None = None) -> str:
    from ..engine.content.model import ENDING_LABELS

    if ending_kind:
        shown = f"{ending_title}（{ENDING_LABELS.get(ending_kind, ending_kind)}）"
    else:
        shown = {"active": "未完成", "abandoned": "已放弃"}.get(status, status)
    return f"{shown} [导入副本，与 {copy_of[:8]} 冲突]" if copy_of else shown


def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    from ..engine.play.session import MODE_LABELS
    from ..reports.views import local_time
    from ..store.records import PURPOSE_LABELS

    out = sys.stdout
    with opened_store(settings) as store:
        sessions = store.history(args.trainee, trials=args.include_trials)
    if args.format == "json":
        out.write(json.dumps([s.json() for s in sessions], ensure_ascii=False, indent=2) + "\n")
        return 0
    if not sessions:
        out.write(f"{args.trainee}还没有演练记录。\n" if args.trainee else "还没有演练记录。\n")
        return 0

    def mode(s: SessionSummary) -> str:
        shown = MODE_LABELS.get(s.mode, s.mode)
        return shown if s.purpose == "training" else f"{shown}·{PURPOSE_LABELS.get(s.purpose, s.purpose)}"

    table([["编号", "开始时间", "学员", "场景", "模式", "结局", "总分", "轮数"]] + [
        [str(s.id), local_time(s.started_at), s.trainee, s.scenario_title, mode(s),
         _outcome(s.status, s.ending_kind, s.ending_title, s.copy_of),
         "—" if s.total is None else str(s.total), str(s.turns)]
        for s in sessions
    ], out)
    return 0


# ---------------------------------------------------------------- reports

def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from ..reports.render import render_session_html, render_session_md

    with opened_store(settings) as store:
        record = store.session(args.session)
    text = render_session_html(record) if args.format == "html" else render_session_md(record)
    write_output(text, args.output)
    return 0


def cmd_cohort(args: argparse.Namespace, settings: Settings) -> int:
    from ..reports.render import render_cohort_csv, render_cohort_html

    trainees, since, target = args.trainee, args.since, args.output
    start = parse_since(since)
    filters = "；".join(part for part in (
        f"学员：{'、'.join(trainees)}" if trainees else "", f"自 {since} 起" if since else "",
        "含教员试玩与编写预览" if args.include_trials else "") if part)
    with opened_store(settings) as store:
        # streamed: the cohort adds them up one by one
        records = store.sessions(trainees, start, copies=False, trials=args.include_trials)
        if args.format == "csv":
            text = render_cohort_csv(records)
            if target and target != "-":
                text = "\ufeff" + text  # so spreadsheet programs read the file as UTF-8
        else:
            text = render_cohort_html(records, filters)
    write_output(text, target)
    return 0


# ---------------------------------------------------------------- moving records

def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from ..store.bundle import export_bundle

    with opened_store(settings) as store:
        count = export_bundle(store, Path(args.output), args.trainee, trials=args.include_trials)
    print(f"已导出 {count} 条演练记录到 {args.output}", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from ..store.bundle import BundleReader
    from ..store.merge import merge

    reader = BundleReader(Path(args.file))
    with opened_store(settings) as store:
        result = merge(store, reader)  # the bundle is read one session at a time while merging
        where = settings.data_dir if store.kind == "sqlite" else store.path
    err = sys.stderr
    print(f"已导入 {args.file} 到 {where}：新增 {result.added} 条，续接 {result.continued} 条，"
          f"已有 {result.unchanged} 条" + (f"，冲突 {len(result.copies)} 条" if result.copies else ""), file=err)
    if result.copies:
        shown = "、".join(uid[:8] for uid in result.copies[:5]) + ("等" if len(result.copies) > 5 else "")
        print(f"  冲突的记录（与本机记录 {shown} 编号相同、内容不同）已另存为导入副本，本机原记录未改动；"
              "可用 simulator history 查看", file=err)
    for reason in reader.refused[:10]:
        print(f"  未导入 {reason}", file=err)
    if len(reader.refused) > 10:
        print(f"  ……另有 {len(reader.refused) - 10} 条未导入", file=err)
    return 1 if reader.refused else 0
