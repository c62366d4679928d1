"""Helpers for driving the TUI in tests: fixture paths, replies, a fixed clock, waiting for workers,
and editing a watched copy of the fixture content."""
from __future__ import annotations

import shutil
import time
from datetime import datetime
from pathlib import Path

from simulator.ui.library import DiskLibrary
from simulator.ui.widgets.reply_input import ReplyInput

UI_DATA = Path(__file__).resolve().parent.parent / "data" / "ui"
SCENARIOS = UI_DATA / "scenarios"
RUBRICS = UI_DATA / "rubrics"
SIZE = (100, 30)
POLL = 0.05  # the watcher's poll interval in tests

# Replies to the fixture scenario ui_wages that move it along its resolved path.
EMPATHY = "老周，您先别着急，请坐下慢慢说，这一年确实不容易。"
VERIFY = "您的意思是他们互相推，我们会核实情况。"
DEADLINE = "请您留个电话，我们15日内给您答复。"


def text_of(widget) -> str:
    """Everything a widget and its children show, as plain text."""
    parts = []
    for node in [widget, *widget.query("*")]:
        visual = getattr(node, "visual", None) or getattr(node, "_content", None)
        plain = getattr(visual, "plain", None)
        if plain:
            parts.append(plain)
    return "\n".join(parts)


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


def watched_copy(tmp_path: Path) -> Path:
    """The UI fixture scenario and its rubric, copied where the test may edit them."""
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "rubrics").mkdir()
    shutil.copy(RUBRICS / "ui.yaml", tmp_path / "rubrics" / "ui.yaml")
    return Path(shutil.copy(SCENARIOS / "wages.yaml", tmp_path / "scenarios" / "wages.yaml"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


async def until(pilot, condition, seconds: float = 10.0) -> None:
    """Let the app run (polls, workers, messages) until `condition()` holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await pilot.pause(POLL)
    await settle(pilot)


def seed(records, scenario_id: str, replies, trainee: str = "张三"):
    """Play `replies` with the engine straight into `records`, as a play screen would record them
    (UI tests that need history start from it instead of playing whole sessions through the UI)."""
    from simulator.engine.play.session import Session
    from simulator.ui.records import SessionRecorder

    session = Session.start(*loaded(scenario_id))
    recorder = SessionRecorder(records, trainee)
    for reply in replies:
        if session.finished:
            break
        session = session.answer(reply)
        assert recorder.save(session) == ""
    return session
