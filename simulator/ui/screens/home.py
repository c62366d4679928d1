"""The home screen: the scenario library by category, difficulty and best score, and the mode choice.

It imports nothing from the engine: the app fills `entries` and `best` from a worker once the
first frame is up, so the screen is interactive before YAML and pydantic are even imported.
"""
from __future__ import annotations

from itertools import groupby

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from ..library import ScenarioEntry, difficulty_stars
from ..messages import OpenScenario
from ..plain import Plain, notify_plain
from ..widgets.mode_switch import ModeSwitch

MODE_NOTES = {
    "practice": "每轮反馈、可用提示、可回退重答",
    "exam": "不提示、不回退，结束后统一反馈",
    "choice": "从选项中选择回复（数字键），每轮反馈",
}
MODE_NAMES = {"practice": "练习", "exam": "考试", "choice": "初学"}


def entry_row(entry: ScenarioEntry, best: int | None, unfinished: bool = False) -> Content:
    """「★★☆ 最佳85  讨薪的老周」: the fixed-width parts first, so a long title wraps on its own.

    A scenario with an unfinished session reads 未完成 (opening it offers to continue); one never
    played reads 未练习."""
    if unfinished:
        score, style = "未完成", "$text-warning"
    elif best is not None:
        score, style = f"最佳{best}", "$text-success"
    else:
        score, style = "未练习", "dim"
    padding = " " * max(1, 8 - cell_len(score))
    return Plain.assemble((difficulty_stars(entry.difficulty), "$text-warning"), " ", (score, style), padding,
                            entry.title)  # authored: plain text, never markup


class HomeScreen(Screen[None]):
    """Pick a scenario and a mode; search with the command palette."""

    DEFAULT_CSS = """
    HomeScreen #brand { height: 1; padding: 0 1; background: $panel; color: $text; }
    HomeScreen #main { height: 1fr; }
    HomeScreen #scenarios { width: 1fr; height: 1fr; border: tall $border-blurred; }
    HomeScreen #scenarios:focus { border: tall $border; }
    HomeScreen #scenarios > .option-list--option-disabled { color: $text-accent; text-style: bold; }
    HomeScreen #aside { width: 40%; min-width: 32; max-width: 56; }
    HomeScreen #detail { height: 1fr; padding: 0 1; }
    HomeScreen #modes { border-top: solid $border-blurred; height: 2; }
    HomeScreen #mode-note { height: auto; padding: 0 1 1 1; color: $text-muted; }
    """

    BINDINGS = [
        # priority: the scenario list would otherwise take Enter and hide this from the footer.
        Binding("enter", "start", "开始", id="home.start", tooltip="以所选模式开始高亮的场景", priority=True),
        Binding("1", "mode('practice')", "练习", id="home.practice", tooltip="练习模式：每轮反馈、提示、回退"),
        Binding("2", "mode('exam')", "考试", id="home.exam", tooltip="考试模式：不提示、不回退，结束后反馈"),
        Binding("3", "mode('choice')", "初学", id="home.choice", tooltip="初学模式：从选项中选择回复"),
        Binding("h", "app.history", "历史", id="home.history", tooltip="查看历次演练和各维度趋势"),
        Binding("t", "app.trainee", "学员", id="home.trainee",
                tooltip="更换学员或教员（记住到下次启动；最佳成绩按学员统计，教员的演练记为试玩）"),
        Binding("question_mark", "app.help", "按键", id="home.help", tooltip="所有按键说明", show=False),
        Binding("q", "app.quit", "退出", id="home.quit", tooltip="退出接访演练", show=False),
    ]

    entries: reactive[tuple[ScenarioEntry, ...] | None] = reactive(None)
    """The library, or None while it is still loading."""

    best: reactive[dict[str, int]] = reactive(dict)
    """The trainee's best total per scenario id."""

    unfinished: reactive[dict[str, str]] = reactive(dict)
    """Scenario id -> the mode of the trainee's unfinished session of it."""

    instructor: reactive[bool] = reactive(False)
    """The person at the keyboard is an instructor: sessions are recorded as trials."""

    mode: reactive[str] = reactive("practice")
    """The mode a scenario starts in."""

    trainee: reactive[str] = reactive("")
    """Whose best scores are shown ("" while the remembered profile is being read)."""

    def compose(self) -> ComposeResult:
        yield Static(id="brand")
        with Horizontal(id="main"):
            yield OptionList(Option("正在载入场景……", disabled=True), id="scenarios")
            with Vertical(id="aside"):
                with VerticalScroll(id="detail"):
                    yield Static(id="detail-text")
                yield ModeSwitch(id="modes")
                yield Static(id="mode-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#scenarios", OptionList).focus()
        self._update_brand()
        self._update_mode()
        self._fill()

    # ------------------------------------------------------------ attributes down

    def watch_entries(self) -> None:
        self._fill()

    def show_progress(self, best: dict[str, int], unfinished: dict[str, str]) -> None:
        """Best scores and unfinished sessions, set together so the list is drawn once."""
        self.set_reactive(HomeScreen.unfinished, unfinished)
        self.set_reactive(HomeScreen.best, best)
        self._fill()

    def watch_best(self) -> None:
        self._fill()

    def watch_trainee(self) -> None:
        if self.is_mounted:
            self._update_brand()

    def watch_instructor(self) -> None:
        if self.is_mounted:
            self._update_brand()

    def watch_mode(self) -> None:
        if self.is_mounted:
            self._update_mode()

    def _update_mode(self) -> None:
        self.query_one(ModeSwitch).mode = self.mode
        self.query_one("#mode-note", Static).update(Plain(MODE_NOTES[self.mode]))

    def _update_brand(self) -> None:
        role = "教员" if self.instructor else "学员"
        who = f"{role}：{self.trainee or '…'}"
        trial = ("（演练记为试玩）", "$text-warning") if self.instructor else ""
        self.query_one("#brand", Static).update(Plain.assemble(("接访演练", "bold"), "  ", who, trial,
                                                                 ("  t 更换  ctrl+p 搜索场景", "$text-muted")))

    def _fill(self) -> None:
        if not self.is_mounted or self.entries is None:
            return
        option_list = self.query_one("#scenarios", OptionList)
        keep = option_list.highlighted_option.id if option_list.highlighted_option else None
        option_list.clear_options()
        if not self.entries:
            option_list.add_option(Option("没有找到场景：请把场景文件放在 scenarios/ 目录", disabled=True))
            self._show_detail(None)
            return
        entries = sorted(self.entries, key=lambda e: (e.category, e.difficulty, e.title))
        for category, group in groupby(entries, key=lambda e: e.category):
            members = list(group)
            option_list.add_option(Option(Plain(f"{category}（{len(members)}）"), disabled=True))
            option_list.add_options(Option(entry_row(e, self.best.get(e.id), e.id in self.unfinished), id=e.ref)
                                    for e in members)
        try:
            option_list.highlighted = option_list.get_option_index(keep) if keep else 1
        except OptionDoesNotExist:
            option_list.highlighted = 1  # the first scenario, under its category heading
        self._show_detail(self.highlighted)  # the highlight may not have moved: the detail still changes

    def _entry(self, ref: str | None) -> ScenarioEntry | None:
        return next((e for e in self.entries or () if e.ref == ref), None)

    @property
    def highlighted(self) -> ScenarioEntry | None:
        option = self.query_one("#scenarios", OptionList).highlighted_option
        return self._entry(option.id) if option is not None else None

    def select(self, ref: str) -> None:
        """Highlight the scenario with this ref (used by the command palette)."""
        option_list = self.query_one("#scenarios", OptionList)
        option_list.highlighted = option_list.get_option_index(ref)

    @on(OptionList.OptionHighlighted, "#scenarios")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail(self._entry(event.option.id))

    def _show_detail(self, entry: ScenarioEntry | None) -> None:
        detail = self.query_one("#detail-text", Static)
        if entry is None:
            detail.update("")
            return
        best = self.best.get(entry.id)
        lines = [
            Plain.styled(entry.title, "bold"),
            Plain.assemble(entry.category, "  ", (difficulty_stars(entry.difficulty), "$text-warning")),
            Plain(""),
        ]
        if entry.problem:
            lines += [Plain.styled("该场景无法加载：", "bold $text-error"), Plain(entry.problem)]
        else:
            if entry.persona:
                lines.append(Plain.assemble(("来访人：", "bold"), entry.persona))
            if entry.background:
                lines.append(Plain(entry.background))
            if entry.summary:
                lines += [Plain(""), Plain.assemble(("训练要点：", "bold"), entry.summary)]
            lines += [Plain(""), Plain.assemble(("最佳成绩：", "bold"), str(best) if best is not None else "尚无")]
            mode = self.unfinished.get(entry.id)
            if mode is not None:
                what = f"有一次{MODE_NAMES.get(mode, mode)}模式的演练没有做完，开始时可以接着做"
                lines.append(Plain.assemble(("未完成：", "bold $text-warning"), what))
        detail.update(Plain("\n").join(lines))

    # ------------------------------------------------------------ messages up

    @on(OptionList.OptionSelected, "#scenarios")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        entry = self._entry(event.option.id)
        if entry is not None:
            self._start(entry)

    def action_start(self) -> None:
        entry = self.highlighted
        if entry is not None:
            self._start(entry)

    def _start(self, entry: ScenarioEntry) -> None:
        if entry.problem:
            notify_plain(self, f"该场景无法加载：{entry.problem}", severity="error")
            return
        self.post_message(OpenScenario(entry, self.mode))

    def action_mode(self, mode: str) -> None:
        self.mode = mode

    @on(ModeSwitch.Changed)
    def _mode_changed(self, event: ModeSwitch.Changed) -> None:
        self.mode = event.mode
