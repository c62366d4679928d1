"""Command line: builds the parser and dispatches to `simulator.commands`.

Exit codes: 0 success, 1 the input was wrong, 2 usage errors. Errors go to stderr as one line.
The settings (every path and environment variable) are resolved once here and passed down.
Heavy imports (Textual, the engine, the store) happen inside the handler that needs them.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .commands.authoring import cmd_coverage, cmd_graph, cmd_list, cmd_new, cmd_schema, cmd_validate
from .commands.classroom import cmd_class, cmd_serve
from .commands.errors import UserError
from .commands.output import visible_output
from .commands.play import cmd_home, cmd_play
from .commands.records import cmd_cohort, cmd_export, cmd_history, cmd_import, cmd_report
from .commands.scoring import cmd_calibrate, cmd_score, cmd_test
from .commands.training import cmd_train
from .settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]
HANDLERS: dict[str, Handler] = {
    "home": cmd_home, "play": cmd_play,
    "validate": cmd_validate, "list": cmd_list, "graph": cmd_graph, "schema": cmd_schema, "new": cmd_new,
    "coverage": cmd_coverage,
    "score": cmd_score, "test": cmd_test, "calibrate": cmd_calibrate, "train": cmd_train,
    "history": cmd_history, "report": cmd_report, "cohort": cmd_cohort, "export": cmd_export, "import": cmd_import,
    "serve": cmd_serve, "class": cmd_class,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="simulator", description="接访演练：信访接待对话训练")
    parser.add_argument("--data-dir", help="记录存放目录（也可用环境变量 SIMULATOR_DATA_DIR）")
    parser.add_argument("--database-url", metavar="URL",
                        help="记录数据库，如 postgresql://用户@主机:5432/库名（也可用环境变量 SIMULATOR_DATABASE_URL；"
                             "默认为记录目录中的 SQLite 文件）")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help="检查场景与评分标准文件")
    p.add_argument("paths", nargs="*", help="文件或目录（默认：内置场景库与用户内容目录）")
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
    p.add_argument("--rubric", help="评分标准文件（默认内置的 standard.yaml）")
    p.add_argument("replies", nargs="*", help="回复；省略时从标准输入读取 JSON Lines")

    p = sub.add_parser("test", help="运行评分标准黄金测试与场景路径测试")
    p.add_argument("paths", nargs="*", help="文件或目录（默认：内置内容）")
    p.add_argument("--metrics", action="store_true", help="输出每个评分项的精确率与召回率")

    p = sub.add_parser("train", help="用标注语料训练学习模型，写入评分标准指定的权重文件（需要 .[train]）")
    p.add_argument("--corpus", metavar="DIR", help="语料目录（含 train/；默认源码中的 data/corpus）")
    p.add_argument("--rubric", help="评分标准文件（默认内置的 standard.yaml）：规则与权重文件位置取自其 learned 一节")
    p.add_argument("--out", metavar="FILE", help="权重写到这里（默认评分标准 learned.weights 指定的文件）")
    p.add_argument("--quick", action="store_true", help="留一轮交叉验证不做嵌套（快约三倍；调参集上的数字稍偏乐观："
                        "阈值在同一批留出预测上选出）")
    p.add_argument("--jobs", type=int, default=0, help="并行训练的进程数（默认每个 CPU 核一个）")
    p.add_argument("--check", action="store_true", help="只重新训练并与现有权重逐字节比较，不写入")
    p.add_argument("--no-cache", action="store_true",
                   help="不用缓存的留一轮预测与最终模型（缓存按语料版本与配置存放；改了组合规则再训练只需几秒）")

    p = sub.add_parser("play", help="开始演练（或用 --script 无界面回放）")
    p.add_argument("scenario", help="场景编号或文件路径")
    p.add_argument("--mode", choices=["practice", "exam", "choice"], default="practice")
    p.add_argument("--trainee", help="学员姓名")
    p.add_argument("--script", help="回复脚本：每行一条回复")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--watch", action="store_true", help="文件保存后自动重载（编写场景用；记为编写预览）")
    p.add_argument("--new", action="store_true", help="不继续上次未完成的演练，重新开始")
    p.add_argument("--instructor", action="store_true",
                   help="教员试玩：记录标为试玩，不计入学员的历史、统计与导出")
    p.add_argument("--seed", type=int, help="初学模式选项的排列（默认每次随机；脚本里写数字 1、2…选第几个选项）")

    p = sub.add_parser("history", help="查看演练记录")
    p.add_argument("--trainee", help="只看这名学员")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--include-trials", action="store_true", help="包括教员试玩与编写预览（默认只计学员演练）")

    p = sub.add_parser("report", help="生成一次演练的复盘报告")
    p.add_argument("session", metavar="SESSION_ID", help="记录编号（见 simulator history）")
    p.add_argument("--format", choices=["html", "md"], default="html")
    p.add_argument("-o", "--output", metavar="FILE", help="写入文件（默认输出到标准输出）")

    p = sub.add_parser("cohort", help="学员整体情况报告（教员用）")
    p.add_argument("--trainee", action="append", help="只统计这名学员（可重复）")
    p.add_argument("--since", metavar="DATE", help="只统计该日期（YYYY-MM-DD）起开始的演练")
    p.add_argument("--format", choices=["html", "csv"], default="html")
    p.add_argument("-o", "--output", metavar="FILE", help="写入文件（默认输出到标准输出）")
    p.add_argument("--include-trials", action="store_true", help="包括教员试玩与编写预览（默认只计学员演练）")

    p = sub.add_parser("export", help="导出演练记录包（JSON），用于换电脑")
    p.add_argument("--trainee", action="append", help="只导出这名学员（可重复）")
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="记录包文件")
    p.add_argument("--include-trials", action="store_true", help="包括教员试玩与编写预览（默认只计学员演练）")

    p = sub.add_parser("import", help="导入记录包（重复导入不会产生重复记录）")
    p.add_argument("file", metavar="FILE", help="记录包文件")

    p = sub.add_parser("new", help="生成带注释的场景或评分标准骨架（教员用）")
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind, what in (("scenario", "场景"), ("rubric", "评分标准")):
        k = kinds.add_parser(kind, help=f"新建{what}：写入 {kind}s/ID.yaml（源码目录中为内置库，安装后为用户内容目录）")
        k.add_argument("id", metavar="ID", help=f"{what}编号：小写字母开头，只用小写字母、数字、下划线")
        if kind == "scenario":
            k.add_argument("--category", default="其他", help="类别，如 收入分配、拆迁征收（默认：其他）")
        k.add_argument("--title", help="标题（之后可在文件中修改）")
        k.add_argument("--out", metavar="PATH", help="写入的文件或目录（默认 scenarios/ID.yaml 或 rubrics/ID.yaml）")

    p = sub.add_parser("coverage", help="路径测试与演练记录走到了哪些节点、分支、结局和评分项")
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO", help="场景编号或文件路径（默认：全部场景）")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--tests-only", action="store_true", help="只统计路径测试，不读演练记录")

    add_classroom_parsers(sub)

    p = sub.add_parser("calibrate", help="比较教员打分与机器评分的一致性")
    p.add_argument("file", metavar="FILE", help="CSV：id, reply[, context, scenario, node], 各维度分数")
    p.add_argument("--rubric", help="评分标准文件（默认内置的 standard.yaml）")
    p.add_argument("--scale", choices=["auto", "5", "100"], default="auto", help="教员分数的标尺（默认按列自动判断）")
    p.add_argument("--top", type=int, default=3, help="每个维度列出几条分歧最大的回复（默认 3）")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--teach", action="store_true",
                   help="把填了 shows 列的回复加入语料、重新训练学习模型，并对比前后一致性（需要 .[train]）")
    p.add_argument("--corpus", metavar="DIR", help="--teach 时的语料目录（默认源码中的 data/corpus）")
    p.add_argument("--quick", action="store_true", help="--teach 时留一轮交叉验证不做嵌套（快约三倍）")
    return parser


def add_classroom_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="课堂服务：学员用浏览器演练，教员在控制台看全班（教员用）")
    p.add_argument("--host", default="0.0.0.0",
                   help="监听的地址（默认 0.0.0.0：本机所有网卡；只在本机试用可写 127.0.0.1）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.add_argument("--max-sessions", type=int, default=60, help="同时在线的最多人数（默认 60）")
    p.add_argument("--instructor-token",
                   help="教员控制台口令（也可用环境变量 SIMULATOR_INSTRUCTOR_TOKEN；默认每次启动随机生成）")

    p = sub.add_parser("class", help="班级：名单、班级代码、布置场景、考核锁定、结束与报告（教员用）")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("new", help="开设班级并生成班级代码")
    a.add_argument("name", metavar="NAME", help="班级名称")
    a.add_argument("--roster", metavar="FILE", help="名单文件：每行一个姓名（- 从标准输入读）")
    a.add_argument("--trainee", action="append", metavar="NAME", help="学员姓名（可重复）")
    a = actions.add_parser("list", help="列出班级")
    a.add_argument("--format", choices=["text", "json"], default="text")
    a = actions.add_parser("show", help="班级详情：名单与每人的进度")
    a.add_argument("ref", metavar="CLASS", help="班级代码、编号或名称")
    a.add_argument("--format", choices=["text", "json"], default="text")
    for action, what in (("add", "加入名单"), ("remove", "移出名单")):
        a = actions.add_parser(action, help=f"把学员{what}")
        a.add_argument("ref", metavar="CLASS", help="班级代码、编号或名称")
        a.add_argument("names", nargs="+", metavar="NAME")
    a = actions.add_parser("assign", help="布置场景（不写场景则恢复为全部场景）")
    a.add_argument("ref", metavar="CLASS", help="班级代码、编号或名称")
    a.add_argument("scenarios", nargs="*", metavar="SCENARIO", help="场景编号")
    a = actions.add_parser("exam", help="锁定（on）或解除（off）考核模式")
    a.add_argument("ref", metavar="CLASS", help="班级代码、编号或名称")
    a.add_argument("state", choices=["on", "off"])
    for action, what in (("end", "结束课堂并输出本班报告"), ("report", "输出本班报告（不结束课堂）")):
        a = actions.add_parser(action, help=what)
        a.add_argument("ref", metavar="CLASS", help="班级代码、编号或名称")
        a.add_argument("--format", choices=["html", "csv"], default="html")
        a.add_argument("-o", "--output", metavar="FILE", help="写入文件（默认输出到标准输出）")


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    """Run one command; `settings` replaces the environment's (tests pass their own folders)."""
    args = build_parser().parse_args(argv)
    handler = HANDLERS[args.command or "home"]
    with visible_output():  # every line printed below passes the one terminal filter
        try:
            if settings is None:
                settings = Settings.from_environment(os.environ, data_dir=args.data_dir,
                                                     database_url=args.database_url)
            else:
                if args.data_dir:
                    settings = replace(settings, data_dir=Path(args.data_dir).expanduser())
                if args.database_url:
                    settings = replace(settings, database_url=args.database_url.strip())
            return handler(args, settings)
        except UserError as error:
            print(f"simulator: {error}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return 0
