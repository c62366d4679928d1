"""Playing: the TUI's home screen (`simulator`), and `simulator play` in the TUI, with --watch, or
headless with --script.

Only this module's own imports run at start-up: the TUI path (`simulator` with no command) must
stay close to a bare Textual app, so the engine loads inside the handlers that need it.
"""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .errors import UserError, content_errors

if TYPE_CHECKING:
    from ..settings import Settings


def cmd_home(args: argparse.Namespace, settings: Settings) -> int:
    from ..ui.launch import run_app

    return run_app(settings)


def purpose_of(args: argparse.Namespace) -> str:
    """Whom a run is for: an author watching a file, an instructor trying a scenario, or a trainee."""
    if args.watch:
        return "authoring"
    return "instructor" if args.instructor else "training"


def cmd_play(args: argparse.Namespace, settings: Settings) -> int:
    if args.trainee is not None:
        from ..engine.content.controls import name_problem

        problem = name_problem(args.trainee)
        if problem:
            raise UserError(f"--trainee：{problem}")
        args.trainee = args.trainee.strip()
    if args.watch and not args.script:
        return _play_watched(args, settings)
    from ..engine.check.ready import load_scenario_and_rubric
    from ..engine.play.session import MODES, new_seed

    with content_errors():
        scenario, rubric, _ = load_scenario_and_rubric(args.scenario, settings.library)
    mode = MODES[args.mode]
    seed = new_seed() if args.seed is None else args.seed
    if not args.script:
        from ..ui.launch import run_app

        return run_app(settings, trainee=args.trainee, play=(scenario, rubric), mode=mode,
                       instructor=args.instructor, seed=args.seed)

    from ..engine.play.session import Session
    from .records import recording
    from .script import play_script, read_script

    replies = read_script(args.script)
    if args.trainee:
        with recording(settings, args.trainee, scenario, rubric, args.new,
                       mode=mode, purpose=purpose_of(args), seed=seed) as (session, record):
            return play_script(session, replies, args.format, sys.stdout, record)
    return play_script(Session.start(scenario, rubric, mode, seed=seed), replies, args.format, sys.stdout)


def _play_watched(args: argparse.Namespace, settings: Settings) -> int:
    """`play --watch`: the TUI loads the file itself, shows its errors instead of exiting, reloads on save."""
    from ..engine.content.library import scenario_path
    from ..ui.launch import run_app
    from ..ui.watch import ContentWatcher

    with content_errors():
        path = scenario_path(args.scenario, settings.library.scenario_dirs)
    watcher = ContentWatcher(path, settings.library.rubric_dirs)
    return run_app(settings, trainee=args.trainee, mode=args.mode, watch=watcher, seed=args.seed)
