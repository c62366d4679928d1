"""The TUI's side of the one terminal filter: every piece of text becomes Content through `Plain`.

Names, replies, authored lines, records and error messages can carry control characters; Textual
would write them to the terminal as they are (an OSC in a name retitles the window). `Plain` is
Content whose text has passed `engine.content.controls.visible` (ESC shows as ␛), and it is never
parsed as markup. `tests/ui/test_plain_text.py` checks that the UI builds Content, notifications
and table cells only through it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual.content import Content, Span

from ..engine.content.controls import visible

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget


class Plain(Content):
    """Content made from text with control characters shown visibly; `assemble` and `styled` too."""

    def __init__(self, text: str = "", spans: list[Span] | None = None, cell_length: int | None = None,
                 strip_control_codes: bool = True) -> None:
        super().__init__(visible(text), spans, cell_length, strip_control_codes)


def plain_text(text: str) -> Text:
    """A Rich Text (for DataTable cells) with control characters shown visibly."""
    return Text(visible(text))


def notify_plain(target: App[Any] | Widget, text: str, **options: Any) -> None:
    """`target.notify(text)` with the text passed through the filter and never read as markup.

    Textual takes Content as a message (its toast returns Content from `from_markup` as it is);
    its signature only says str.
    """
    target.notify(cast(str, Plain(text)), **options)
