"""`--watch` on a file that does not load yet: its errors, until a save makes it playable.

The app sends every reload here too; as soon as the content loads cleanly the screen dismisses
itself with it, and the app's callback opens the play screen.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..plain import Plain
from ..widgets.diagnostics import DiagnosticsPanel

if TYPE_CHECKING:
    from ...engine.content.model import Rubric, Scenario


Playable = tuple["Scenario", "Rubric"]


class WaitingScreen(Screen[Playable]):
    """Shows why the watched scenario cannot be played yet."""

    DEFAULT_CSS = """
    WaitingScreen { layout: vertical; }
    WaitingScreen #waiting-status { height: 1; padding: 0 1; background: $panel; color: $text; }
    WaitingScreen #waiting-note { padding: 1 1 0 1; color: $text-muted; }
    WaitingScreen DiagnosticsPanel { max-height: 1fr; margin: 1 1 0 1; }
    """

    def __init__(self, path: str, problems: tuple[str, ...]) -> None:
        super().__init__()
        self.path = path
        self.watched = True  # the app sends reloads to every watched screen, until this one is done
        self._problems = problems
        self._ready: Playable | None = None

    def compose(self) -> ComposeResult:
        yield Static(Plain(f"等待场景可用 · {self.path}"), id="waiting-status")
        yield Static("场景文件还不能演练。修正下面的错误并保存，演练会自动开始；ctrl+q 退出。", id="waiting-note")
        panel = DiagnosticsPanel(id="problems")
        panel.set_reactive(DiagnosticsPanel.title, "内容有误，暂时无法开始")
        panel.set_reactive(DiagnosticsPanel.problems, self._problems)
        yield panel
        yield Footer()

    def show_problems(self, problems: tuple[str, ...]) -> None:
        self.query_one(DiagnosticsPanel).problems = problems

    def reload(self, scenario: Scenario, rubric: Rubric) -> None:
        """The content loads now: start playing (once this screen is on top again, if a dialog covers it)."""
        self._ready = (scenario, rubric)
        if self.is_current:
            self._start()

    def on_screen_resume(self) -> None:
        if self._ready is not None:
            self._start()

    def _start(self) -> None:
        ready, self._ready = self._ready, None
        if ready is not None:
            self.watched = False
            self.dismiss(ready)
