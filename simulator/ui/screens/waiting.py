"""`--watch` on a file that does not load yet: its errors, until a save makes it playable.

The app replaces this screen with the play screen as soon as the content loads cleanly.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..widgets.diagnostics import DiagnosticsPanel

if TYPE_CHECKING:
    from ...engine.content.model import Rubric, Scenario


class WaitingScreen(Screen[None]):
    """Shows why the watched scenario cannot be played yet."""

    DEFAULT_CSS = """
    WaitingScreen { layout: vertical; }
    WaitingScreen #waiting-status { height: 1; padding: 0 1; background: $panel; color: $text; }
    WaitingScreen #waiting-note { padding: 1 1 0 1; color: $text-muted; }
    WaitingScreen DiagnosticsPanel { max-height: 1fr; margin: 1 1 0 1; }
    """

    watched = True  # the app sends reloads to every watched screen

    def __init__(self, path: str, problems: tuple[str, ...]) -> None:
        super().__init__()
        self.path = path
        self._problems = problems
        self._ready: tuple[Scenario, Rubric] | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content(f"等待场景可用 · {self.path}"), id="waiting-status")
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
        scenario, rubric = self._ready  # type: ignore[misc]
        self._ready = None
        self.watched = False
        self.dismiss()
        self.app.play_watched(scenario, rubric)  # type: ignore[attr-defined]
