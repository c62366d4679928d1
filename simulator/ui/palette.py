"""The command palette in Chinese: Textual's own system commands, its prompt and its "no matches" line.

`JiefangApp.get_system_commands` yields `system_commands(app, screen)` instead of Textual's English
Theme / Quit / Keys / Maximize / Screenshot; `open_palette` pushes a `Palette`, which says
「没有找到匹配的命令」 where Textual says "No matches found". Imported when the palette first opens.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.align import Align
from textual.app import SystemCommand
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from .plain import plain_text

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

PROMPT = "搜索场景（标题、类别、来访人）或命令……"
THEME_PROMPT = "搜索配色主题……"
NO_MATCHES = "没有找到匹配的命令"


class Palette(CommandPalette):
    """Textual's palette with a Chinese prompt and a Chinese "no matches" line."""

    def __init__(self, providers=None, placeholder: str = PROMPT) -> None:
        super().__init__(providers=providers, placeholder=placeholder, id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual adds an English line after a short wait; ours adds the same line in Chinese.
        self._stop_no_matches_countdown()

        def show() -> None:
            if search_value:
                line = plain_text(NO_MATCHES)
                line.style = "not bold"
                self.query_one(CommandList).add_option(
                    Option(Align.center(line), disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show)


def open_palette(app: App) -> None:
    if app.use_command_palette and not CommandPalette.is_open(app):
        app.push_screen(Palette())


def open_themes(app: App) -> None:
    from textual.theme import ThemeProvider

    app.push_screen(Palette(providers=[ThemeProvider], placeholder=THEME_PROMPT))


def system_commands(app: App, screen: Screen) -> Iterable[SystemCommand]:
    """What Textual offers in every app, in Chinese (its key panel is left out: F1 is our help)."""
    yield SystemCommand("主题：更换配色", "更换界面的配色主题（也可用环境变量 SIMULATOR_THEME 指定）",
                        lambda: open_themes(app))
    if screen.maximized is not None:
        yield SystemCommand("窗口：还原", "把放大的部分还原为正常大小", screen.action_minimize)
    elif screen.focused is not None and screen.focused.allow_maximize:
        yield SystemCommand("窗口：放大", "把当前部分放大到整个窗口", screen.action_maximize)
    yield SystemCommand("退出：退出接访演练", "退出程序（演练未结束时先确认）", app.action_quit)
