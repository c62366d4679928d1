"""Command line: every subcommand is a thin call into the layers below.

Exit codes: 0 success, 1 the input was wrong, 2 usage errors. Errors go to stderr as one line.
Heavy imports (Textual, the store) happen inside the command that needs them.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCENARIOS_DIR = PROJECT_ROOT / "scenarios"
RUBRICS_DIR = PROJECT_ROOT / "rubrics"


class UserError(Exception):
    """A problem with the user's input, shown as one line; exit code 1."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="simulator", description="接访演练：信访接待对话训练")
    parser.add_argument("--data-dir", help="记录存放目录（也可用环境变量 SIMULATOR_DATA_DIR）")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help="检查场景与评分标准文件")
    p.add_argument("paths", nargs="*", help="文件或目录（默认：内置 scenarios/ 与 rubrics/）")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--strict", action="store_true", help="有警告也以 1 退出")

    p = sub.add_parser("list", help="列出场景")
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = sub.add_parser("graph", help="输出场景的分支图")
    p.add_argument("scenario", help="场景编号或文件路径")
    p.add_argument("--format", choices=["mermaid", "dot"], default="mermaid")

    p = sub.add_parser("schema", help="输出 JSON Schema（供编辑器自动补全）")
    p.add_argument("--out", help="写入的目录（默认输出到标准输出）")

    p = sub.add_parser("score", help="为回复评分（JSON Lines）")
    p.add_argument("--rubric", help="评分标准文件（默认 rubrics/standard.yaml）")
    p.add_argument("replies", nargs="*", help="回复；省略时从标准输入读取 JSON Lines")

    p = sub.add_parser("test", help="运行评分标准黄金测试与场景路径测试")
    p.add_argument("paths", nargs="*", help="文件或目录（默认：内置内容）")
    p.add_argument("--metrics", action="store_true", help="输出每个评分项的精确率与召回率")

    p = sub.add_parser("play", help="开始演练（或用 --script 无界面回放）")
    p.add_argument("scenario", help="场景编号或文件路径")
    p.add_argument("--mode", choices=["practice", "exam", "choice"], default="practice")
    p.add_argument("--trainee", help="学员姓名")
    p.add_argument("--script", help="回复脚本：每行一条回复")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--watch", action="store_true", help="文件保存后自动重载（编写场景用）")
    p.add_argument("--new", action="store_true", help="不继续上次未完成的演练，重新开始")

    p = sub.add_parser("history", help="查看演练记录")
    p.add_argument("--trainee", help="只看这名学员")
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = sub.add_parser("report", help="生成一次演练的复盘报告")
    p.add_argument("session", metavar="SESSION_ID", help="记录编号（见 simulator history）")
    p.add_argument("--format", choices=["html", "md"], default="html")
    p.add_argument("-o", "--output", metavar="FILE", help="写入文件（默认输出到标准输出）")

    p = sub.add_parser("cohort", help="学员整体情况报告（教员用）")
    p.add_argument("--trainee", action="append", help="只统计这名学员（可重复）")
    p.add_argument("--since", metavar="DATE", help="只统计该日期（YYYY-MM-DD）起开始的演练")
    p.add_argument("--format", choices=["html", "csv"], default="html")
    p.add_argument("-o", "--output", metavar="FILE", help="写入文件（默认输出到标准输出）")

    p = sub.add_parser("export", help="导出演练记录包（JSON），用于换电脑")
    p.add_argument("--trainee", action="append", help="只导出这名学员（可重复）")
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="记录包文件")

    p = sub.add_parser("import", help="导入记录包（重复导入不会产生重复记录）")
    p.add_argument("file", metavar="FILE", help="记录包文件")

    p = sub.add_parser("new", help="生成带注释的场景或评分标准骨架（教员用）")
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind, what in (("scenario", "场景"), ("rubric", "评分标准")):
        k = kinds.add_parser(kind, help=f"新建{what}：写入 {kind}s/ID.yaml")
        k.add_argument("id", metavar="ID", help=f"{what}编号：小写字母开头，只用小写字母、数字、下划线")
        if kind == "scenario":
            k.add_argument("--category", default="其他", help="类别，如 收入分配、拆迁征收（默认：其他）")
        k.add_argument("--title", help="标题（之后可在文件中修改）")
        k.add_argument("--out", metavar="PATH", help="写入的文件或目录（默认 scenarios/ID.yaml 或 rubrics/ID.yaml）")

    p = sub.add_parser("coverage", help="路径测试与演练记录走到了哪些节点、分支、结局和评分项")
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO", help="场景编号或文件路径（默认：全部内置场景）")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--tests-only", action="store_true", help="只统计路径测试，不读演练记录")

    p = sub.add_parser("calibrate", help="比较教员打分与机器评分的一致性")
    p.add_argument("file", metavar="FILE", help="CSV：id, reply[, context, scenario, node], 各维度分数")
    p.add_argument("--rubric", help="评分标准文件（默认 rubrics/standard.yaml）")
    p.add_argument("--scale", choices=["auto", "5", "100"], default="auto", help="教员分数的标尺（默认按列自动判断）")
    p.add_argument("--top", type=int, default=3, help="每个维度列出几条分歧最大的回复（默认 3）")
    p.add_argument("--format", choices=["text", "json"], default="text")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = HANDLERS.get(args.command or "home")
    try:
        return handler(args)
    except UserError as error:
        print(f"simulator: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def cmd_home(args: argparse.Namespace) -> int:
    from .ui.launch import run_app

    return run_app(SCENARIOS_DIR, RUBRICS_DIR, data_dir=args.data_dir)


def cmd_validate(args: argparse.Namespace) -> int:
    from .workbench.content import count_files, report_diagnostics, shown
    from .engine.check.validate import validate_paths

    paths = [Path(p) for p in args.paths] or [shown(SCENARIOS_DIR), shown(RUBRICS_DIR)]
    found = validate_paths(paths, [RUBRICS_DIR])
    return report_diagnostics(found, count_files(paths), args.format, args.strict, sys.stdout)


def cmd_list(args: argparse.Namespace) -> int:
    from .workbench.content import print_rows, scenario_rows

    rows, problems = scenario_rows(SCENARIOS_DIR)
    print_rows(rows, args.format, sys.stdout)
    for problem in problems:
        print(f"simulator: {problem}", file=sys.stderr)
    return 1 if problems else 0


def cmd_graph(args: argparse.Namespace) -> int:
    from .engine.authoring.diagram import to_dot, to_mermaid
    from .engine.content.library import require, scenario_path
    from .engine.content.loader import load_file

    scenario = _content(lambda: require(load_file(scenario_path(args.scenario, [SCENARIOS_DIR]), "scenario")))
    sys.stdout.write(to_mermaid(scenario) if args.format == "mermaid" else to_dot(scenario))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .workbench.content import write_schemas

    try:
        write_schemas(Path(args.out) if args.out else None, sys.stdout)
    except BrokenPipeError:
        raise
    except OSError as error:
        raise UserError(f"无法写入 {args.out}：{error.strerror or error}") from None
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from .engine.check.ready import load_rubric
    from .headless import score_stream

    rubric = _content(lambda: load_rubric(Path(args.rubric) if args.rubric else RUBRICS_DIR / "standard.yaml"))
    return score_stream(rubric, args.replies, sys.stdin, sys.stdout)


def cmd_test(args: argparse.Namespace) -> int:
    from .headless import run_tests

    paths = [Path(p) for p in args.paths] or [RUBRICS_DIR, SCENARIOS_DIR]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UserError(f"找不到：{'、'.join(missing)}")
    return run_tests(paths, RUBRICS_DIR, args.metrics, sys.stdout)


def cmd_play(args: argparse.Namespace) -> int:
    from .engine.check.ready import load_scenario_and_rubric
    from .engine.content.library import Library
    from .engine.play.session import Session

    if args.watch and not args.script:
        return _play_watched(args)

    scenario, rubric, _ = _content(lambda: load_scenario_and_rubric(args.scenario, Library.at(SCENARIOS_DIR, RUBRICS_DIR)))
    if args.script:
        from .headless import play_script, read_script

        replies = _content(lambda: read_script(args.script))
        session, record = Session.start(scenario, rubric), None
        if args.trainee:
            from .records_cli import start_recording

            session, record = start_recording(args.data_dir, args.trainee, scenario, rubric, args.new)
        return _content(lambda: play_script(session, replies, args.format, sys.stdout, record))
    from .ui.launch import run_app

    return run_app(SCENARIOS_DIR, RUBRICS_DIR, data_dir=args.data_dir, trainee=args.trainee,
                   play=(scenario, rubric), mode=args.mode)


def _play_watched(args: argparse.Namespace) -> int:
    """`play --watch`: the TUI loads the file itself, shows its errors instead of exiting, reloads on save."""
    from .engine.content.library import scenario_path
    from .ui.launch import run_app
    from .ui.watch import ContentWatcher

    watcher = ContentWatcher(_content(lambda: scenario_path(args.scenario, [SCENARIOS_DIR])), RUBRICS_DIR)
    return run_app(SCENARIOS_DIR, RUBRICS_DIR, data_dir=args.data_dir, trainee=args.trainee, mode=args.mode,
                   watch=watcher)


def cmd_history(args: argparse.Namespace) -> int:
    from .records_cli import history

    return history(args.data_dir, args.trainee, args.format, sys.stdout)


def cmd_report(args: argparse.Namespace) -> int:
    from .records_cli import report

    return report(args.data_dir, args.session, args.format, args.output)


def cmd_cohort(args: argparse.Namespace) -> int:
    from .records_cli import cohort

    return cohort(args.data_dir, args.trainee, args.since, args.format, args.output)


def cmd_export(args: argparse.Namespace) -> int:
    from .records_cli import export

    return export(args.data_dir, args.trainee, args.output)


def cmd_import(args: argparse.Namespace) -> int:
    from .records_cli import import_

    return import_(args.data_dir, args.file)


def _content(load):
    """Run a content-loading step, turning its ContentError into a one-line UserError."""
    from .engine.content.library import ContentError

    try:
        return load()
    except ContentError as error:
        raise UserError(str(error)) from None


HANDLERS = {
    "home": cmd_home, "validate": cmd_validate, "list": cmd_list, "graph": cmd_graph,
    "schema": cmd_schema, "score": cmd_score, "test": cmd_test, "play": cmd_play,
    "history": cmd_history, "report": cmd_report, "cohort": cmd_cohort, "export": cmd_export,
    "import": cmd_import,
}

from .workbench.commands import cmd_calibrate, cmd_coverage, cmd_new  # noqa: E402 (imports nothing heavy)

HANDLERS.update({"new": cmd_new, "coverage": cmd_coverage, "calibrate": cmd_calibrate})
