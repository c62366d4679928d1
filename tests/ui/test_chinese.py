"""Issue 15.7: the command palette and every visible string in Chinese; the persona not cut mid-sentence;
history trends that never mix trainees or scenarios."""
from __future__ import annotations

import re
from html import unescape

from textual.command import CommandList
from uikit import DEADLINE, EMPATHY, SIZE, VERIFY, fixed_clock, loaded, open_scenario, seed, send, settle, text_of

from simulator.ui.palette import NO_MATCHES, Palette
from simulator.ui.records import MemoryRecords
from simulator.ui.screens.history import HistoryScreen, Trends
from simulator.ui.screens.play_view import persona_brief

# Key names and the few Latin letters a Chinese UI writes as they are.
KEYS = {"ctrl", "enter", "esc", "tab", "pgup", "pgdn", "shift", "alt", "j", "p", "q", "t", "h", "a", "e", "r",
        "c", "n", "y", "g", "f1", "f2"}


def shown_words(app) -> set[str]:
    """Latin words on the screen as drawn (the SVG screenshot's text), keys left out."""
    svg = app.export_screenshot()
    text = unescape(" ".join(re.findall(r">([^<>]*)</text>", svg))).replace("\xa0", " ")
    return {w for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", text) if w.lower() not in KEYS}


async def test_every_screen_speaks_chinese(tmp_path):
    """Screens, dialogs, the palette and the help, drawn: Latin letters only in key names (the fixture
    library here holds no authored English, as the literal-markup fixture does)."""
    import shutil

    from uikit import RUBRICS, SCENARIOS

    from simulator.ui.app import JiefangApp
    from simulator.ui.library import DiskLibrary

    (tmp_path / "scenarios").mkdir()
    for name in ("wages.yaml", "noise.yaml"):
        shutil.copy(SCENARIOS / name, tmp_path / "scenarios" / name)
    records = MemoryRecords(clock=fixed_clock)
    seed(records, "ui_wages", [EMPATHY, VERIFY, DEADLINE])
    seed(records, "ui_noise", [EMPATHY])
    app = JiefangApp(DiskLibrary([tmp_path / "scenarios"], [RUBRICS]), records, "张三", theme="textual-dark")
    app.animation_level = "none"
    seen: dict[str, set[str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen["home"] = shown_words(app)
        await pilot.press("ctrl+p")
        await settle(pilot)
        seen["palette"] = shown_words(app) - {"SIMULATOR", "THEME"}  # the variable's name, as typed
        await pilot.press("escape", "t")
        await settle(pilot)
        seen["trainee"] = shown_words(app)
        await pilot.press("escape", "h")
        await settle(pilot)
        seen["history"] = shown_words(app)
        await pilot.press("escape", "f1")
        await settle(pilot)
        # The help names programs, formats and commands as they are typed.
        seen["help"] = {w for w in shown_words(app) if w not in {"SIMULATOR", "THEME", "kitty", "tmux", "HTML",
                                                                  "Markdown", "simulator", "play", "watch"}}
        await pilot.press("escape")
        await open_scenario(pilot, "ui_noise")
        seen["resume"] = shown_words(app)
        await pilot.press("r")
        await settle(pilot)
        await send(pilot, EMPATHY)
        seen["play"] = shown_words(app)
        await pilot.press("escape", "y")
        await open_scenario(pilot, "ui_wages", mode="choice")
        seen["choice"] = shown_words(app)
    assert {screen: words for screen, words in seen.items() if words} == {}


async def test_the_palette_offers_textual_commands_in_chinese(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles and not [t for t in titles if re.search("[A-Za-z]", t)]
        assert "主题：更换配色" in titles and "退出：退出接访演练" in titles
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, Palette) and "搜索场景" in str(palette.query_one("Input").placeholder)
        await pilot.press(*"zzqx")
        await pilot.pause(0.8)  # Textual waits half a second before saying nothing matched
        options = palette.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt.renderable) for i in range(options.option_count)]
        assert [line for line in shown if NO_MATCHES in line] and not [line for line in shown if "No matches" in line]


def test_the_persona_in_the_side_panel_ends_at_a_sentence():
    scenario, _ = loaded("ui_wages")
    long = scenario.persona.model_copy(update={"background": (
        "老伴前年冬天去世，一个人住在纺织厂老宿舍，没有退休金，每月一百八十多元养老金加六百三十元低保过日子。"
        "三月低保复核后，四月起低保停发。她收到一张通知，看不懂，也不知道为什么。")})
    brief = persona_brief(long)
    assert brief.startswith("老周，46岁，")
    assert brief.endswith("过日子。……")  # whole sentences only, and it says there is more
    assert persona_brief(scenario.persona).endswith("拖欠工资八个月。")  # short: all of it


async def test_history_trends_follow_one_trainee_on_one_scenario(make_app):
    records = MemoryRecords(clock=fixed_clock)
    seed(records, "ui_wages", ["急什么，这不归我们管。"], trainee="张三")
    seed(records, "ui_wages", [EMPATHY, VERIFY, DEADLINE], trainee="张三")
    seed(records, "ui_noise", [EMPATHY], trainee="张三")
    seed(records, "ui_wages", [EMPATHY], trainee="李四")
    app = make_app(records=records)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await pilot.press("a")  # everyone's sessions
        await settle(pilot)
        table = history.query_one("#sessions")
        for row in range(table.row_count):
            table.move_cursor(row=row)
            await settle(pilot)
            trends = history.query_one(Trends)
            pairs = {(s.trainee, s.scenario_id) for s in trends.sessions}
            assert len(pairs) == 1  # never two trainees or two scenarios in one line
        table.move_cursor(row=[str(s.id) for s in history.summaries].index(
            str(next(s.id for s in history.summaries if s.trainee == "张三" and s.scenario_id == "ui_wages"))))
        await settle(pilot)
        shown = text_of(history.query_one(Trends))
        assert "张三 · 讨薪的老周（2 次" in shown
