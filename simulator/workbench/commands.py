"""Handlers of `simulator new`, `coverage` and `calibrate` (wired in cli.HANDLERS).

Imports are inside the handlers: the command line imports this module at start-up, and the
engine should load only for the command that needs it. Problems become cli.UserError (one line
on stderr, exit 1).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_new(args: argparse.Namespace) -> int:
    from .. import cli
    from ..engine.authoring.skeleton import SkeletonError
    from .scaffold import ScaffoldError, target_path, write_skeleton

    try:
        target = target_path(args.kind, args.id, args.out, cli.SCENARIOS_DIR, cli.RUBRICS_DIR)
        write_skeleton(args.kind, args.id, target, cli.PROJECT_ROOT / "schemas", sys.stdout,
                       getattr(args, "category", None), args.title)
    except (SkeletonError, ScaffoldError) as error:
        raise cli.UserError(str(error)) from None
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from .. import cli
    from .coverage_report import gather, load_targets, write_json, write_text

    targets, problems = load_targets(args.scenarios, cli.SCENARIOS_DIR, cli.RUBRICS_DIR)
    for problem in problems:
        print(f"simulator: {problem}", file=sys.stderr)
    if not targets and not problems:
        raise cli.UserError(f"没有找到场景（{cli.SCENARIOS_DIR}）")
    results, note = gather(targets, args.data_dir, not args.tests_only)
    (write_json if args.format == "json" else write_text)(results, note, sys.stdout)
    return 1 if problems else 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from .. import cli
    from ..engine.authoring.calibration import calibrate
    from ..engine.content.library import ContentError, require
    from ..engine.content.loader import load_file
    from .calibrate_report import MarksError, read_marks, write_json, write_text

    if args.top < 0:
        raise cli.UserError("--top 不能为负数")
    try:
        rubric = require(load_file(args.rubric or cli.RUBRICS_DIR / "standard.yaml", "rubric"))
    except ContentError as error:
        raise cli.UserError(str(error)) from None
    path = Path(args.file)
    try:
        replies, scales, ignored = read_marks(path, rubric, args.scale, cli.SCENARIOS_DIR)
    except MarksError as error:
        raise cli.UserError(str(error)) from None
    result = calibrate(replies, scales, rubric, args.top)
    (write_json if args.format == "json" else write_text)(result, args.file, rubric, ignored, sys.stdout)
    return 0
