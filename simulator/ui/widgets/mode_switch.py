"""A one-line choice of mode: 练习 / 考试 / 初学, by click, arrow keys, or the home screen's 1/2/3.

Lighter than a RadioSet of three buttons, which matters on the start-up path of the home screen.
"""
from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ..plain import Plain

MODES = ("practice", "exam", "choice")
MODE_NAMES = {"practice": "练习", "exam": "考试", "choice": "初学"}


class ModeSwitch(Widget, can_focus=True):
    """Shows the three modes with the chosen one marked; posts `ModeSwitch.Changed` on a change."""

    DEFAULT_CSS = """
    ModeSwitch {
        height: 1;
        width: 100%;
        padding: 0 1;
    }
    ModeSwitch:focus { background: $boost; }
    """

    BINDINGS = [
        Binding("left", "step(-1)", "上一个模式", id="mode.previous", tooltip="选择上一个模式", show=False),
        Binding("right", "step(1)", "下一个模式", id="mode.next", tooltip="选择下一个模式", show=False),
    ]

    mode: reactive[str] = reactive("practice")
    """The chosen mode: practice, exam or choice."""

    class Changed(Message):
        """The trainee chose another mode."""

        def __init__(self, mode_switch: ModeSwitch, mode: str) -> None:
            super().__init__()
            self.mode_switch = mode_switch
            self.mode = mode

        @property
        def control(self) -> ModeSwitch:
            return self.mode_switch

    def render(self) -> Content:
        parts: list[Content | str] = ["模式："]
        for number, mode in enumerate(MODES, 1):
            chosen = mode == self.mode
            mark, style = ("●", "bold $text-accent") if chosen else ("○", "$text-muted")
            # Our own fixed labels, so markup is safe here; it carries the click action.
            link = Content.from_markup(f"[@click=choose('{mode}')]{mark}{number}{MODE_NAMES[mode]}[/]")
            parts += [link.stylize(style), "  "]
        return Plain.assemble(*parts)

    def action_choose(self, mode: str) -> None:
        self.mode = mode

    def action_step(self, delta: int) -> None:
        self.mode = MODES[(MODES.index(self.mode) + delta) % len(MODES)]

    def watch_mode(self, old: str, new: str) -> None:
        if old != new:
            self.post_message(self.Changed(self, new))
