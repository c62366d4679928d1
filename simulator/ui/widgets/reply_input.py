"""The trainee's reply box: Enter sends, ctrl+j (or shift+enter / alt+enter) starts a new line."""
from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea

# Terminals send Enter as "\r" and ctrl+j as "\n", so ctrl+j works everywhere, including tmux and
# SSH. shift+enter and alt+enter are only told apart from Enter by terminals that speak the kitty
# keyboard protocol (or send ESC before Enter for alt), so they are offered as extras.
NEWLINE_KEYS = "ctrl+j,shift+enter,alt+enter"


class ReplyInput(TextArea):
    """A multi-line reply box that posts `ReplyInput.Submitted` when the trainee presses Enter."""

    DEFAULT_CSS = """
    ReplyInput {
        height: 5;
        border: tall $border-blurred;
        padding: 0 1;
    }
    ReplyInput:focus { border: tall $border; }
    """

    BINDINGS = [
        # Not a priority binding: those run when the app reads the key, before the box has taken the
        # characters typed just ahead of it (a browser sends "reply + Enter" in one burst). Enter is
        # handled in `_on_key`, in turn with the text; the binding names it in the footer and help.
        Binding("enter", "submit", "发送", id="reply.send", tooltip="发送这条回复并评分"),
        Binding(NEWLINE_KEYS, "newline", "换行", id="reply.newline", key_display="ctrl+j",
                tooltip="在回复中另起一行（ctrl+j；支持的终端里也可用 shift+enter 或 alt+enter）"),
    ]

    class Submitted(Message):
        """The trainee sent a reply."""

        def __init__(self, reply_input: ReplyInput, text: str) -> None:
            super().__init__()
            self.reply_input = reply_input
            self.text = text

        @property
        def control(self) -> ReplyInput:
            return self.reply_input

    def __init__(self, *, id: str | None = None, placeholder: str = "") -> None:
        super().__init__(id=id, soft_wrap=True, tab_behavior="focus", show_line_numbers=False,
                         compact=False, placeholder=placeholder)

    def action_submit(self) -> None:
        text = self.text.strip()
        if text and not self.read_only:
            self.post_message(self.Submitted(self, text))

    def action_newline(self) -> None:
        if not self.read_only:
            self.insert("\n")

    async def _on_key(self, event: events.Key) -> None:
        # The base class turns Enter into a newline; here it sends, after every key queued before it.
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.action_submit()
            return
        await super()._on_key(event)
