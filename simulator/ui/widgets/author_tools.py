"""The author's tools on the play screen: what the engine sees at this moment, shown on demand (F2).

Attributes down: the play screen sets `session` after every engine step and calls `toggle()` on
F2. Messages up: `AuthorTools.Toggled` when it is shown or hidden, so the app opens the next play
screen the same way. The preview (node, state, expected criteria, every branch and how its
condition stands) is computed only while shown; the watched file's diagnostics have their own
panel, `DiagnosticsPanel`, above the reply box.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from ..plain import Plain
from .preview import preview_content

if TYPE_CHECKING:
    from ...engine.play.session import Session


class AuthorTools(VerticalScroll):
    """For authors: the engine's view of the conversation; set `session`, call `toggle()`."""

    DEFAULT_CSS = """
    AuthorTools {
        height: 1fr;
        padding: 0 1;
        border-top: hkey $border-blurred;
        border-title-color: $text-accent;
        scrollbar-size-vertical: 1;
    }
    AuthorTools > #preview-text { width: 1fr; }
    """

    can_focus = True

    session: reactive[Session | None] = reactive(None, always_update=True)
    """The conversation as it stands; None leaves the preview empty."""

    shown: reactive[bool] = reactive(False)
    """True while the preview is on screen."""

    class Toggled(Message):
        """The author showed or hid the preview."""

        def __init__(self, shown: bool) -> None:
            super().__init__()
            self.shown = shown

    def __init__(self, session: Session | None = None, shown: bool = False, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(AuthorTools.session, session)
        self.set_reactive(AuthorTools.shown, shown)
        self.display = shown  # before the first frame: no flash of an empty panel

    def compose(self) -> ComposeResult:
        yield Static(id="preview-text")

    def on_mount(self) -> None:
        self.border_title = "作者预览（F2 开关）"
        self._show()  # `is_mounted` is still False here: the watchers would skip it

    def toggle(self) -> None:
        self.shown = not self.shown
        self.post_message(self.Toggled(self.shown))

    def watch_session(self) -> None:
        if self.is_mounted:
            self._show()

    def watch_shown(self, shown: bool) -> None:
        self.display = shown
        if self.is_mounted:
            self._show()

    def _show(self) -> None:
        if not self.shown:
            return
        from .preview_view import preview_of

        text = self.query_one("#preview-text", Static)
        text.update(preview_content(preview_of(self.session)) if self.session is not None else Plain(""))
