"""One snapshot per screen state at 100x30, on fixture content with a fixed clock.

Update after an intended change with `pytest tests/ui/test_snapshots.py --snapshot-update`
and look at the SVGs in tests/ui/__snapshots__/ before committing them.
"""
from __future__ import annotations

from pathlib import Path

from uikit import (
    DEADLINE,
    EMPATHY,
    POLL,
    SIZE,
    VERIFY,
    edit,
    fixed_clock,
    open_scenario,
    seed,
    send,
    settle,
    still,
    until,
    watched_copy,
)

from simulator.ui.records import MemoryRecords


def snap(snap_compare, app, steps=None) -> bool:
    async def run_before(pilot):
        await settle(pilot)
        if steps is not None:
            await steps(pilot)
        await settle(pilot)
        still(pilot.app)

    return snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_home(snap_compare, make_app):
    assert snap(snap_compare, make_app())


def test_play_before_reply(snap_compare, make_app):
    async def steps(pilot):
        await open_scenario(pilot, "ui_wages")

    assert snap(snap_compare, make_app(), steps)


def test_play_after_reply(snap_compare, make_app):
    async def steps(pilot):
        await open_scenario(pilot, "ui_wages")
        await send(pilot, "急什么，请您说重点。您先别着急。")

    assert snap(snap_compare, make_app(), steps)


def test_hint_shown(snap_compare, make_app):
    async def steps(pilot):
        await open_scenario(pilot, "ui_wages")
        await send(pilot, EMPATHY)
        await pilot.press("ctrl+t")

    assert snap(snap_compare, make_app(), steps)


def test_rewind_dialog(snap_compare, make_app):
    async def steps(pilot):
        await open_scenario(pilot, "ui_wages")
        await send(pilot, "请您把材料拿出来，我看看。")
        await send(pilot, "您跑了三趟，辛苦了，请您慢慢说。")
        await pilot.press("ctrl+r")

    assert snap(snap_compare, make_app(), steps)


def test_rewind_compared(snap_compare, make_app):
    async def steps(pilot):
        await open_scenario(pilot, "ui_wages")
        await send(pilot, "请您把材料拿出来，我看看。")
        await pilot.press("ctrl+r", "enter")
        await settle(pilot)
        await send(pilot, EMPATHY)

    assert snap(snap_compare, make_app(), steps)


def test_choice_mode(snap_compare, make_app):
    async def steps(pilot):
        await open_scenario(pilot, "ui_wages", mode="choice")

    assert snap(snap_compare, make_app(), steps)


def test_exam_mode_after_reply(snap_compare, make_app):
    async def steps(pilot):
        await open_scenario(pilot, "ui_wages", mode="exam")
        await send(pilot, "请您把材料拿出来，我看看。")

    assert snap(snap_compare, make_app(), steps)


def test_finished(snap_compare, make_app):
    async def steps(pilot):
        await open_scenario(pilot, "ui_wages")
        for reply in (EMPATHY, VERIFY, DEADLINE):
            await send(pilot, reply)

    assert snap(snap_compare, make_app(), steps)


def test_debrief(snap_compare, make_app):
    async def steps(pilot):
        await open_scenario(pilot, "ui_wages")
        for reply in ("请您把材料拿出来，我看看。", "您跑了三趟，辛苦了，请您慢慢说。", VERIFY, "您回去等通知吧。"):
            await send(pilot, reply)
        await pilot.press("enter")

    assert snap(snap_compare, make_app(), steps)


def test_history(snap_compare, make_app):
    records = MemoryRecords(clock=fixed_clock)
    for replies in (["请您把材料拿出来，我看看。", "你问我我问谁。"], [EMPATHY, VERIFY, "您回去等通知吧。"],
                    [EMPATHY, VERIFY, DEADLINE]):
        seed(records, "ui_wages", replies)

    async def steps(pilot):
        await settle(pilot)
        await pilot.press("h")

    assert snap(snap_compare, make_app(records=records), steps)


def test_help(snap_compare, make_app):
    async def steps(pilot):
        await pilot.press("f1")

    assert snap(snap_compare, make_app(), steps)


def test_literal_markup(snap_compare, make_app):
    async def steps(pilot):
        await open_scenario(pilot, "ui_literal")
        await send(pilot, "请您[b]放心[/] <script>alert(1)</script> 😡 [/]")

    assert snap(snap_compare, make_app(), steps)


def test_small_terminal(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await open_scenario(pilot, "ui_wages")
        await send(pilot, EMPATHY)
        still(pilot.app)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def test_home_in_the_terminal_theme(snap_compare, make_app):
    # The default look: ANSI colours, so the trainee's own terminal palette shows through.
    assert snap(snap_compare, make_app(theme="ansi-dark"))


def test_author_preview(snap_compare, make_app):
    # F2 in practice mode, after one reply: the current node's branches and the one just taken.
    async def steps(pilot):
        await open_scenario(pilot, "ui_wages")
        await pilot.press("f2")
        await send(pilot, EMPATHY)

    assert snap(snap_compare, make_app(), steps)


def test_watch_diagnostics(snap_compare, make_app, tmp_path, monkeypatch):
    # A relative path, so the diagnostic lines read the same on every machine.

    from simulator.ui.watch import ContentWatcher
    from simulator.ui.widgets.diagnostics import DiagnosticsPanel

    monkeypatch.chdir(tmp_path)
    watched_copy(tmp_path)
    path = Path("scenarios/wages.yaml")
    app = make_app(watch=ContentWatcher(path, [Path("rubrics")], interval=POLL))

    async def steps(pilot):
        await send(pilot, EMPATHY)
        edit(path, "      - goto: calm_down", "      - goto: calm_dow")
        await until(pilot, lambda: bool(pilot.app.screen.query_one(DiagnosticsPanel).problems))

    assert snap(snap_compare, app, steps)
