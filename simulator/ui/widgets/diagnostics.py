"""Problems found when a watched file was reloaded, one `path:line:col: error[CODE] message` a line.

Hidden while there are none. The lines are shown literally: a message that quotes `[b]` or a
stray `[/]` from the author's file must neither vanish nor break the screen.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from ..plain import Plain


class DiagnosticsPanel(VerticalScroll):
    """The errors that stop the saved content from being used; set `problems` to show them."""

    DEFAULT_CSS = """
    DiagnosticsPanel {
        height: auto;
        max-height: 9;
        padding: 0 1;
        border: round $error;
        border-title-color: $text-error;
        border-title-style: bold;
        scrollbar-size-vertical: 1;
    }
    DiagnosticsPanel.-empty { display: none; }
    DiagnosticsPanel > #problem-lines { width: 1fr; }
    """

    problems: reactive[tuple[str, ...]] = reactive(())
    """The diagnostics as printed lines; empty hides the panel."""

    title: reactive[str] = reactive("内容有误，仍在使用上一次能用的版本；修正并保存后自动重新加载")
    """What the problems mean for the session, shown on the border."""

    def compose(self) -> ComposeResult:
        yield Static(id="problem-lines")

    def on_mount(self) -> None:
        # Values set before mounting (the waiting screen's) are drawn now: `is_mounted` is still
        # False while this handler runs, so the watchers alone would skip them.
        self.watch_title(self.title)
        self._show(self.problems)

    def watch_title(self, title: str) -> None:
        self.border_title = Plain(title)

    def watch_problems(self, problems: tuple[str, ...]) -> None:
        if self.is_mounted:
            self._show(problems)

    def _show(self, problems: tuple[str, ...]) -> None:
        self.set_class(not problems, "-empty")
        count = Plain.styled(f"共 {len(problems)} 处错误", "bold")
        lines = Plain("\n").join([count, *(Plain(line) for line in problems)])
        self.query_one("#problem-lines", Static).update(lines)
        self.scroll_home(animate=False)
