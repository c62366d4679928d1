"""Instructors' commands: validate, list, graph, schema, new, coverage.

Defaults come from the settings: the bundled library beside the user's own content folder.
The engine and the printers load inside each handler.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UserError, content_errors
from .output import shown

if TYPE_CHECKING:
    from ..settings import Settings


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from ..engine.check.validate import validate_paths
    from .content_output import count_files, report_diagnostics

    paths = [Path(p) for p in args.paths] or [shown(folder) for folder in settings.content_folders()]
    with content_errors():
        references = settings.references()
    found = validate_paths(paths, settings.library.rubric_dirs, references)
    return report_diagnostics(found, count_files(paths), args.format, args.strict, sys.stdout)


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from .content_output import print_rows, scenario_rows

    rows, problems = scenario_rows(settings.library.scenario_dirs)
    print_rows(rows, args.format, sys.stdout)
    for problem in problems:
        print(f"simulator: {problem}", file=sys.stderr)
    return 1 if problems else 0


def cmd_graph(args: argparse.Namespace, settings: Settings) -> int:
    from ..engine.authoring.diagram import to_dot, to_mermaid
    from ..engine.content.library import require_scenario, scenario_path
    from ..engine.content.loader import load_file

    with content_errors():
        scenario = require_scenario(load_file(scenario_path(args.scenario, settings.library.scenario_dirs), "scenario"))
    sys.stdout.write(to_mermaid(scenario) if args.format == "mermaid" else to_dot(scenario))
    return 0


def cmd_schema(args: argparse.Namespace, settings: Settings) -> int:
    from .content_output import write_schemas

    try:
        write_schemas(Path(args.out) if args.out else None, sys.stdout)
    except BrokenPipeError:
        raise
    except OSError as error:
        raise UserError(f"无法写入 {args.out}：{error.strerror or error}") from None
    return 0


def cmd_new(args: argparse.Namespace, settings: Settings) -> int:
    """A skeleton in the bundled folders of a source checkout, else in the user's content folder."""
    from ..engine.authoring.skeleton import SkeletonError
    from .scaffold import ScaffoldError, target_path, write_skeleton

    default = settings.new_scenarios if args.kind == "scenario" else settings.new_rubrics
    try:
        target = target_path(args.kind, args.id, args.out, default)
        write_skeleton(args.kind, args.id, target, settings.schemas_dir, sys.stdout,
                       getattr(args, "category", None), args.title)
    except (SkeletonError, ScaffoldError) as error:
        raise UserError(str(error)) from None
    return 0


def cmd_coverage(args: argparse.Namespace, settings: Settings) -> int:
    from .coverage_report import gather, load_targets, write_json, write_text

    targets, problems = load_targets(args.scenarios, settings.library)
    for problem in problems:
        print(f"simulator: {problem}", file=sys.stderr)
    if not targets and not problems:
        folders = "、".join(str(folder) for folder in settings.library.scenario_dirs)
        raise UserError(f"没有找到场景（{folders}）")
    results, note = gather(targets, settings, not args.tests_only)
    (write_json if args.format == "json" else write_text)(results, note, sys.stdout)
    return 1 if problems else 0
