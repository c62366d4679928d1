"""Helpers for driving the TUI in tests: fixture paths, a fixed clock, waiting for workers."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from simulator.ui.library import DiskLibrary
from simulator.ui.widgets.reply_input import ReplyInput

UI_DATA = Path(__file__).resolve().parent.parent / "data" / "ui"
SCENARIOS = UI_DATA / "scenarios"
RUBRICS = UI_DATA / "rubrics"
SIZE = (100, 30)


def fixed_clock() -> datetime:
    return datetime(2025, 3, 1, 9, 30, 0)


def loaded(ref_id: str):
    """The fixture scenario and rubric with this id, loaded through the library."""
    library = DiskLibrary([SCENARIOS], [RUBRICS])
    return library.load(str(SCENARIOS / {"ui_wages": "wages.yaml", "ui_noise": "noise.yaml",
                                         "ui_literal": "literal.yaml"}[ref_id]))


async def settle(pilot) -> None:
    """Let workers finish and the messages they post be handled."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_scenario(pilot, scenario_id: str, mode: str = "practice") -> None:
    """From the home screen: highlight a scenario, pick the mode, press Enter."""
    await settle(pilot)
    app = pilot.app
    entry = next(e for e in app.entries if e.id == scenario_id)
    app.home.select(entry.ref)
    await pilot.press({"practice": "1", "exam": "2", "choice": "3"}[mode])
    app.home.query_one("#scenarios").focus()
    await pilot.press("enter")
    await settle(pilot)


async def send(pilot, text: str) -> None:
    """Type a reply the way an IME would deliver it (pilot.press drops CJK punctuation), then Enter."""
    reply = pilot.app.screen.query_one(ReplyInput)
    reply.focus()
    reply.insert(text)
    await pilot.press("enter")
    await settle(pilot)


def still(app) -> None:
    """Freeze what would otherwise differ between screenshots: the blinking cursor, toasts."""
    for reply in app.screen.query(ReplyInput):
        reply.cursor_blink = False
    app.clear_notifications()
