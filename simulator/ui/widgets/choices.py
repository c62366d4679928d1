"""Beginner mode's reply options, numbered in the order the session shows them (shuffled per session)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..plain import Plain

if TYPE_CHECKING:
    from ...engine.content.model import Option as ReplyOption


class ChoiceList(OptionList):
    """The options of the current node; Enter (or a click) on one, or its number key, chooses it.

    The number keys are bound on the play screen, so they work wherever the focus is; this widget
    says how to choose in its border and posts `ChoiceList.Chosen` with the option's authored index.
    """

    DEFAULT_CSS = """
    ChoiceList { height: auto; max-height: 11; border: tall $border-blurred; }
    ChoiceList:focus { border: tall $border; }
    """

    class Chosen(Message):
        """The trainee chose the option with this authored index."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: tuple[int, ...] = ()

    def show(self, shown: tuple[tuple[int, ReplyOption], ...]) -> None:
        """Number the options 1, 2, ... in the order given: (authored index, option) pairs."""
        self._shown = tuple(index for index, _ in shown)
        self.clear_options()
        # Authored text goes in as Content: plain text, never markup.
        self.add_options([Option(Plain(f"{place}. {option.text}"), id=f"option-{index}")
                          for place, (index, option) in enumerate(shown, 1)])
        self.highlighted = 0
        self.border_title = f"按数字键 1–{len(shown)} 选择回复，或用 ↑↓ 移到一项后按 Enter"

    @property
    def count(self) -> int:
        return len(self._shown)

    def pick(self, place: int) -> None:
        """Choose the option numbered `place` (1-based) on the screen."""
        if 1 <= place <= len(self._shown):
            self.highlighted = place - 1
            self.post_message(self.Chosen(self._shown[place - 1]))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.pick(event.option_index + 1)
