"""Small typed dialogs: confirm, pick a turn to rewind to, choose the trainee, continue a session."""
from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...engine.content.controls import MAX_NAME_CHARS, name_problem
from ..plain import Plain, notify_plain
from ..profile import Person

MODE_NAMES = {"practice": "练习", "exam": "考试", "choice": "初学"}

DIALOG_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 64;
    max-width: 95%;
    height: auto;
    max-height: 90%;
    border: thick $primary;
    background: $surface;
    padding: 1 2;
}}
{name} .title {{ text-style: bold; margin-bottom: 1; }}
{name} .buttons {{ height: auto; align-horizontal: right; margin-top: 1; }}
{name} Button {{ margin-left: 2; }}
"""


class ConfirmDialog(ModalScreen[bool]):
    """Ask a yes/no question; dismisses with True for yes."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog")

    BINDINGS = [
        Binding("y", "answer(True)", "确定", id="confirm.yes", tooltip="确定"),
        Binding("n,escape", "answer(False)", "取消", id="confirm.no", tooltip="取消，返回原处"),
    ]

    def __init__(self, question: str, detail: str = "", yes: str = "确定", no: str = "取消") -> None:
        super().__init__()
        self.question, self.detail, self.yes, self.no = question, detail, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Plain(self.question), classes="title")
            if self.detail:
                yield Static(Plain(self.detail))
            with Horizontal(classes="buttons"):
                yield Button(Plain(f"{self.no}(n)"), id="no")
                yield Button(Plain(f"{self.yes}(y)"), id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


@dataclass(frozen=True)
class TurnChoice:
    """A turn the trainee may go back to."""

    turn: int
    prompt: str
    reply: str
    total: int | None


class RewindDialog(ModalScreen["int | None"]):
    """Pick an earlier turn to answer again; dismisses with its number, or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="RewindDialog") + """
    RewindDialog OptionList { height: auto; max-height: 16; }
    """

    BINDINGS = [Binding("escape", "cancel", "取消", id="rewind.cancel", tooltip="不回退，继续当前对话")]

    def __init__(self, turns: list[TurnChoice], persona: str) -> None:
        super().__init__()
        self.turns, self.persona = turns, persona

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("回到哪一轮重新回答？", classes="title")
            options = []
            for choice in self.turns:
                score = "" if choice.total is None else f"  {choice.total} 分"
                prompt = Plain.assemble((f"第 {choice.turn} 轮", "bold"), score, "\n",
                                          f"{self.persona}：", choice.prompt, "\n", "你：", choice.reply)
                options.append(Option(prompt, id=f"turn-{choice.turn}"))
            yield OptionList(*options)
            yield Static("Enter 选择，Esc 取消。回退后旧回复的得分会与新回复并排显示。", classes="help")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        option_list.highlighted = len(self.turns) - 1
        option_list.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.turns[event.option_index].turn)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Tick(Checkbox):
    """A checkbox marked with ✓ rather than Textual's X."""

    BUTTON_INNER = "✓"


class TraineeDialog(ModalScreen["Person | None"]):
    """Choose who is at the keyboard: type a name or pick a recent one, and say whether an
    instructor (whose sessions are recorded as trials). Dismisses with the Person, or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="TraineeDialog") + """
    TraineeDialog OptionList { height: auto; max-height: 8; margin-top: 1; }
    TraineeDialog Checkbox { margin-top: 1; }
    TraineeDialog .help { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", "取消", id="trainee.cancel", tooltip="不更改学员")]

    def __init__(self, current: str, recent: tuple[Person, ...] = (), instructor: bool = False) -> None:
        super().__init__()
        self.current, self.recent, self.instructor = current, recent, instructor

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("谁在练习？", classes="title")
            yield Input(self.current, placeholder="输入姓名后按 Enter", id="name", max_length=MAX_NAME_CHARS)
            others = [p for p in self.recent if p.name != self.current]
            if others:
                yield OptionList(*(Option(Plain(f"{p.name}{'（教员）' if p.instructor else ''}"), id=f"person-{i}")
                                   for i, p in enumerate(others)), id="recent")
            yield Tick("教员：演练记为试玩，不计入学员的历史、统计与导出", self.instructor, id="instructor")
            yield Static("姓名会记住，下次启动仍是这个人；Tab 在姓名、最近用过的人和教员选项之间切换。",
                         classes="help")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        problem = name_problem(event.value)
        if problem is None:
            self.dismiss(Person(event.value.strip(), self.query_one("#instructor", Checkbox).value))
        else:
            notify_plain(self, problem, severity="warning")

    @on(OptionList.OptionSelected, "#recent")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        others = [p for p in self.recent if p.name != self.current]
        self.dismiss(others[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ResumeDialog(ModalScreen["str | None"]):
    """Offer to continue an unfinished session: dismisses with "resume", "new", or None (cancel).

    A session continues in the mode it was started in (an exam stays an exam), whatever mode was
    chosen for this opening; starting afresh uses the chosen mode."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ResumeDialog")

    BINDINGS = [
        Binding("c", "choose('resume')", "继续", id="resume.continue", tooltip="从上次停下的地方继续（模式不变）"),
        Binding("r", "choose('new')", "重新开始", id="resume.new", tooltip="放弃上次的记录，以所选模式从头开始"),
        Binding("escape", "choose(None)", "取消", id="resume.cancel", tooltip="暂不打开这个场景"),
    ]

    def __init__(self, title: str, detail: str, saved_mode: str = "practice", chosen_mode: str = "practice") -> None:
        super().__init__()
        self.title_text, self.detail = title, detail
        self.saved_mode, self.chosen_mode = saved_mode, chosen_mode

    def compose(self) -> ComposeResult:
        was, chosen = MODE_NAMES.get(self.saved_mode, self.saved_mode), MODE_NAMES.get(self.chosen_mode, "")
        detail = self.detail
        if self.saved_mode != self.chosen_mode:
            detail += f"\n这次演练是{was}模式，继续也只能以{was}模式进行；重新开始则是{chosen}模式。"
        with Vertical():
            yield Label(Plain(f"「{self.title_text}」有一次未完成的{was}模式演练"), classes="title")
            yield Static(Plain(detail))
            with Horizontal(classes="buttons"):
                yield Button(Plain(f"重新开始{chosen}(r)"), id="new")
                yield Button(Plain(f"继续{was}(c)"), id="resume", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
