"""Scoring commands: score (JSON Lines), test (golden replies and path tests), calibrate."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UserError, content_errors

if TYPE_CHECKING:
    from ..settings import Settings


def cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    from ..engine.check.ready import load_rubric
    from .score_output import score_stream

    with content_errors():
        rubric = load_rubric(Path(args.rubric) if args.rubric else settings.standard_rubric)
    return score_stream(rubric, args.replies, sys.stdin, sys.stdout, settings.library)


def cmd_test(args: argparse.Namespace, settings: Settings) -> int:
    from .score_output import run_tests

    paths = [Path(p) for p in args.paths] or settings.content_folders()
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UserError(f"找不到：{'、'.join(missing)}")
    return run_tests(paths, settings.library.rubric_dirs, args.metrics, sys.stdout)


def cmd_calibrate(args: argparse.Namespace, settings: Settings) -> int:
    from ..engine.authoring.calibration import calibrate
    from ..engine.content.library import require_rubric
    from ..engine.content.loader import load_file
    from .calibrate_report import MarksError, read_marks, write_json, write_text

    if args.top < 0:
        raise UserError("--top 不能为负数")
    with content_errors():
        rubric = require_rubric(load_file(args.rubric or settings.standard_rubric, "rubric"))
    try:
        replies, scales, ignored = read_marks(Path(args.file), rubric, args.scale, settings.library.scenario_dirs)
    except MarksError as error:
        raise UserError(str(error)) from None
    if args.teach:
        from .teaching import teach

        path = Path(args.rubric) if args.rubric else settings.standard_rubric
        corpus = Path(args.corpus) if args.corpus else settings.corpus_dir
        return teach(args.file, replies, scales, rubric, path, corpus, args.quick, sys.stdout,
                     settings.cache_dir / "train")
    result = calibrate(replies, scales, rubric, args.top)
    (write_json if args.format == "json" else write_text)(result, args.file, rubric, ignored, sys.stdout)
    return 0
