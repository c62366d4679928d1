"""The classroom: `simulator serve` (the TUI in trainees' browsers, the instructor's console) and
`simulator class` (make a class from a roster, assign, lock to exam, end with its report).

aiohttp and the server load only inside `cmd_serve`; the TUI's start-up never sees them.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UserError, store_errors
from .output import table, write_output
from .records import opened_store

if TYPE_CHECKING:
    from ..settings import Settings
    from ..store.classes import Classes, ClassInfo


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from ..serve.app import serve
    from ..serve.server import ServeOptions

    if not 1 <= args.max_sessions <= 500:
        raise UserError(f"--max-sessions 应在 1 到 500 之间：{args.max_sessions}")
    options = ServeOptions(args.host, args.port, args.max_sessions, args.instructor_token or settings.instructor_token)
    with store_errors():
        try:
            return serve(settings, options)
        except OSError as error:  # the port is taken, the address is not this machine's
            raise UserError(f"无法在 {args.host}:{args.port} 上提供服务：{error.strerror or error}") from None


def cmd_class(args: argparse.Namespace, settings: Settings) -> int:
    from ..store.classes import Classes

    with opened_store(settings) as store, store_errors():
        classes = Classes(store)
        action = args.action
        if action == "new":
            names = read_roster(args.roster) + (args.trainee or [])
            if not names:
                raise UserError("名单是空的：用 --roster FILE（每行一个姓名）或 --trainee 姓名 给出学员")
            klass = classes.create(args.name, names)
            print(f"已开设班级「{klass.name}」：{len(klass.roster)} 人，班级代码 {klass.code}", file=sys.stderr)
            print(klass.code)
            return 0
        if action == "list":
            return _print_classes(classes.all(), args.format)
        klass = classes.get(args.ref)
        if action == "show":
            return _print_class(classes, klass, args.format)
        if action == "add":
            klass = classes.add_trainees(klass.id, args.names)
        elif action == "remove":
            klass = classes.remove_trainees(klass.id, args.names)
        elif action == "assign":
            klass = classes.assign(klass.id, _known_scenarios(args.scenarios, settings))
        elif action == "exam":
            klass = classes.lock_exam(klass.id, args.state == "on")
        elif action in ("end", "report"):
            if action == "end":
                klass = classes.end(klass.id)
                print(f"班级「{klass.name}」已结束；正在运行的课堂服务会断开这个班的学员。", file=sys.stderr)
            return _report(classes, klass, args.format, args.output)
        print(_describe(klass), file=sys.stderr)
    return 0


def read_roster(path: str | None) -> list[str]:
    if not path:
        return []
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"无法读取名单 {path}：{error}") from None
    return [line.split(",")[0] for line in text.splitlines()]  # a CSV's first column works too


def _known_scenarios(refs: list[str], settings: Settings) -> list[str]:
    """Scenario ids for ids or paths given on the command line; an unknown one is an error."""
    from ..engine.content.library import ContentError, scenario_path
    from ..engine.content.loader import load_file

    ids = []
    for ref in refs:
        try:
            path = scenario_path(ref, settings.scenario_dirs)
        except ContentError as error:
            raise UserError(str(error)) from None
        model = load_file(path, "scenario").model if path.stem != ref else None
        ids.append(model.id if model is not None else ref)
    return ids


def _describe(klass: ClassInfo) -> str:
    assigned = "、".join(klass.assigned) or "全部场景"
    state = "进行中" if klass.is_open else f"已结束（{klass.ended_at}）"
    exam = "，考核模式已锁定" if klass.exam_locked else ""
    return f"班级「{klass.name}」（代码 {klass.code}）：{state}，{len(klass.roster)} 人，布置：{assigned}{exam}"


def _print_classes(found: list[ClassInfo], fmt: str) -> int:
    if fmt == "json":
        print(json.dumps([_json(k) for k in found], ensure_ascii=False, indent=2))
    elif not found:
        print("还没有班级。用 simulator class new 名称 --roster 名单文件 开设。")
    else:
        table([["编号", "代码", "班级", "状态", "人数", "布置", "考核锁定"]] + [
            [str(k.id), k.code, k.name, "进行中" if k.is_open else "已结束", str(len(k.roster)),
             str(len(k.assigned) or "全部"), "是" if k.exam_locked else "否"] for k in found], sys.stdout)
    return 0


def _print_class(classes: Classes, klass: ClassInfo, fmt: str) -> int:
    seats = classes.room(klass.id)
    if fmt == "json":
        from dataclasses import asdict

        print(json.dumps({**_json(klass), "room": [asdict(s) for s in seats]}, ensure_ascii=False, indent=2))
        return 0
    print(_describe(klass))
    table([["学员", "在线", "场景", "轮次", "得分", "最近扣分项"]] + [
        [s.trainee, "是" if s.online else "否", s.scenario_title or "—", str(s.turns) if s.scenario_title else "—",
         "—" if s.total is None else str(s.total), s.last_fault or "—"] for s in seats], sys.stdout)
    return 0


def _json(klass: ClassInfo) -> dict[str, object]:
    return {"id": klass.id, "name": klass.name, "code": klass.code, "status": klass.status,
            "exam_locked": klass.exam_locked, "created_at": klass.created_at, "ended_at": klass.ended_at,
            "roster": list(klass.roster), "assigned": list(klass.assigned)}


def _report(classes: Classes, klass: ClassInfo, fmt: str, target: str | None) -> int:
    from ..reports.render import render_cohort_csv, render_cohort_html

    records = classes.sessions(klass.id)
    if fmt == "csv":
        text = render_cohort_csv(records)
        if target and target != "-":
            text = "\ufeff" + text  # so spreadsheet programs read the file as UTF-8
    else:
        text = render_cohort_html(records, f"班级：{klass.name}（{klass.code}），{len(klass.roster)} 人")
    write_output(text, target)
    return 0
