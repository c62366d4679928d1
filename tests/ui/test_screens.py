"""Pilot tests for the screens around play: literal text, quitting, history, help, palette, records."""
from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import DataTable
from uikit import DEADLINE, EMPATHY, SIZE, VERIFY, fixed_clock, open_scenario, seed, send, settle, text_of

from simulator.ui.app import JiefangApp
from simulator.ui.records import MemoryRecords
from simulator.ui.screens.debrief import DebriefScreen
from simulator.ui.screens.dialogs import ConfirmDialog, ResumeDialog, RewindDialog, TraineeDialog
from simulator.ui.screens.help import HelpScreen
from simulator.ui.screens.history import HistoryScreen
from simulator.ui.screens.home import HomeScreen
from simulator.ui.screens.play import PlayScreen
from simulator.ui.widgets.mode_switch import ModeSwitch
from simulator.ui.widgets.reply_input import ReplyInput
from simulator.ui.widgets.transcript import Transcript

ALL_BINDING_OWNERS = (JiefangApp, HomeScreen, ModeSwitch, PlayScreen, ReplyInput, DebriefScreen, HistoryScreen,
                      ConfirmDialog, RewindDialog, ResumeDialog, TraineeDialog, HelpScreen)
MARKUP_REPLY = "请您[b]放心[/] <script>alert(1)</script> 😡 [/]"


async def test_authored_and_typed_markup_shows_literally(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_literal")
        play = app.screen
        shown = text_of(play)
        assert "[i]老李[/i]：[bold]这不是粗体[/bold]，<script>alert(1)</script> 😡🙂 [/] 结尾" in shown
        assert "原样显示 [b]不加粗[/] <script>" in shown  # the title in the status line
        await send(pilot, MARKUP_REPLY)
        shown = text_of(play)
        assert f"你：{MARKUP_REPLY}" in shown
        assert play.query_one("#turn-card").visual.plain.count(MARKUP_REPLY) == 1
        assert "结局：[结束]" in text_of(play.query_one(Transcript))
        await pilot.press("enter")
        await settle(pilot)
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        assert "[b]原样[/b]" in debrief.query_one("#ending").visual.plain
        assert "请您[b]放心[/b]" in text_of(debrief)  # the model answer, as authored


async def test_quitting_mid_session_asks_first(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        await send(pilot, EMPATHY)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen) and app.is_running
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not app.is_running


async def test_quitting_before_any_reply_does_not_ask(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running


async def test_leaving_mid_session_asks_and_can_go_home(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        await send(pilot, EMPATHY)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_history_shows_sessions_and_a_trend_per_dimension(make_app):
    records = MemoryRecords(clock=fixed_clock)
    for replies in (["请您把材料拿出来，我看看。", "你问我我问谁。"], [EMPATHY, VERIFY, DEADLINE]):
        assert seed(records, "ui_wages", replies).finished
    app = make_app(records=records)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        table = history.query_one(DataTable)
        assert table.row_count == 2
        assert "讨薪的老周" in str(table.get_row_at(0)[1])
        charts = {c.id: c.visual.plain for c in history.query(".trend-chart")}
        assert set(charts) >= {"trend-total", "trend-listening", "trend-communication"}
        # 16 then 100, oldest first, on a fixed 0-100 scale: the first session stopped at an escalation after two
        # turns, so its four unreached turns count 0 and its ending adds nothing
        assert charts["trend-total"] == "▂▂██"
        assert "最近 100 ↑84" in text_of(history)


async def test_history_without_sessions_says_so(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert "还没有演练记录" in text_of(app.screen)


async def test_help_lists_every_binding(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        shown = text_of(help_screen)
        for cls in ALL_BINDING_OWNERS[:-1]:  # all but the help screen itself
            for binding in cls.BINDINGS:
                if isinstance(binding, Binding) and not binding.system:
                    assert binding.description in shown, (cls.__name__, binding.key)
        assert "ctrl+j" in shown and "shift+enter" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


def test_every_binding_has_an_id_and_a_tooltip():
    for cls in ALL_BINDING_OWNERS:
        for binding in cls.BINDINGS:
            assert isinstance(binding, Binding) and binding.id and binding.tooltip, (cls.__name__, binding)


async def test_command_palette_finds_a_scenario_and_starts_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one("Input").value = "考试：讨薪"  # pilot.press cannot type CJK punctuation
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.mode == "exam" and app.screen.session.scenario.id == "ui_wages"


async def test_command_palette_survives_markup_in_titles(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        app.screen.query_one("Input").value = "原样"
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen) and app.screen.session.scenario.id == "ui_literal"


class Recorder(MemoryRecords):
    """Memory records that also log the protocol calls made."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def begin(self, trainee, session, purpose="training"):
        self.calls.append(("begin", trainee, len(session.history)))
        return super().begin(trainee, session, purpose)

    def record_turn(self, session_id, session):
        self.calls.append(("record_turn", session_id, len(session.history), session.hint_pending))
        super().record_turn(session_id, session)

    def finish(self, session_id, session):
        self.calls.append(("finish", session_id, len(session.history)))
        super().finish(session_id, session)


async def test_records_hear_of_every_answer_hint_rewind_and_the_finish(make_app):
    records = Recorder()
    app = make_app(records=records)
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        assert records.calls == []  # opening a scenario leaves no empty session behind
        await send(pilot, EMPATHY)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("enter")  # back to turn 1
        await settle(pilot)
        for reply in (EMPATHY, VERIFY, DEADLINE):
            await send(pilot, reply)
    assert records.calls == [
        ("begin", "张三", 1), ("record_turn", 1, 1, True), ("record_turn", 1, 0, False),
        ("record_turn", 1, 1, False), ("record_turn", 1, 2, False), ("finish", 1, 3),
    ]


async def test_best_scores_from_the_records_show_on_home(make_app):
    class Best(MemoryRecords):
        def best_scores(self, trainee, trials=False):
            return {"ui_wages": 87} if trainee == "张三" else {}

    app = make_app(records=Best())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        prompts = [str(o.prompt) for o in app.home.query_one("#scenarios").options]
        assert any("讨薪的老周" in p and "最佳87" in p for p in prompts)


async def test_changing_the_trainee_refreshes_best_scores(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        app.screen.query_one("#name").value = "李四"
        await pilot.press("enter")
        await settle(pilot)
        assert app.trainee == "李四" and app.home.trainee == "李四"
        assert "学员：李四" in text_of(app.home.query_one("#brand"))


async def test_small_terminal_80x24_keeps_every_part_on_screen(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_scenario(pilot, "ui_wages")
        await send(pilot, EMPATHY)
        play = app.screen
        for selector in ("#status", "#transcript", "#meters", "#feedback", "#reply", "Footer"):
            region = play.query_one(selector).region
            assert region.height > 0 and region.right <= 80 and region.bottom <= 24, selector
        assert play.query_one("#meters").region.height >= 6  # three meters of two lines each


async def test_the_sqlite_store_works_as_the_record_keeper(make_app, tmp_path):
    store_module = pytest.importorskip("simulator.store")
    store = store_module.Store(tmp_path / "records.db")
    app = make_app(records=store)
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        for reply in (EMPATHY, VERIFY, DEADLINE):
            await send(pilot, reply)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.home.best == {"ui_wages": 100}
        await pilot.press("h")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1 and "问题化解" in str(table.get_row_at(0)[3])
    [summary] = store.history("张三")
    assert summary.status == "finished" and summary.total == 100
    store.close()


async def test_an_unfinished_session_can_be_continued(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        await send(pilot, EMPATHY)
        await pilot.press("escape")
        await settle(pilot)
        assert "进度已保存" in text_of(app.screen)
        await pilot.press("y")
        await open_scenario(pilot, "ui_wages")
        assert isinstance(app.screen, ResumeDialog) and "已回答 1 轮" in text_of(app.screen)
        await pilot.press("c")
        await settle(pilot)
        play = app.screen
        assert isinstance(play, PlayScreen) and play.session.turn == 2 and play.record_id == 1
        assert EMPATHY in text_of(play.query_one(Transcript)) and "包工头说老板没给他钱" in text_of(play)
        for reply in (VERIFY, DEADLINE):
            await send(pilot, reply)
        assert app.records.unfinished("张三") == [] and app.records.best_scores("张三") == {"ui_wages": 100}


async def test_starting_afresh_sets_the_unfinished_session_aside(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages", mode="exam")
        await send(pilot, EMPATHY)
        await pilot.press("escape", "y")
        await open_scenario(pilot, "ui_wages")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen) and app.screen.session.turn == 1
        assert app.screen.mode == "practice"  # the mode picked now, not the exam left behind
        assert app.records.unfinished("张三") == []
        [summary] = app.records.history("张三")
        assert summary.status == "abandoned"


async def test_a_session_left_in_the_store_is_offered_again(make_app, tmp_path):
    store_module = pytest.importorskip("simulator.store")
    with store_module.Store(tmp_path / "records.db") as store:
        seed(store, "ui_wages", [EMPATHY, VERIFY])  # an earlier run left it after two answers
        app = make_app(records=store)
        async with app.run_test(size=SIZE) as pilot:
            await open_scenario(pilot, "ui_wages")
            assert isinstance(app.screen, ResumeDialog) and "已回答 2 轮" in text_of(app.screen)
            await pilot.press("c")
            await settle(pilot)
            assert app.screen.session.turn == 3
            await send(pilot, DEADLINE)
            assert app.screen.session.finished
        [summary] = store.history("张三")
        assert summary.status == "finished" and summary.total == 100
