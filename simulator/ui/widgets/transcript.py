"""The conversation so far: the petitioner's lines under the persona's name, the trainee's own lines."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from ..plain import Plain

LineKind = Literal["petitioner", "trainee", "ending"]


@dataclass(frozen=True)
class Line:
    """One entry of the transcript. Text is shown literally, never parsed as markup."""

    kind: LineKind
    speaker: str
    text: str
    tag: str = ""  # a short suffix such as 「72分」
    note: str = ""  # what the line changed in the petitioner, shown beneath it


def line_content(line: Line) -> Content:
    # No space between the label and Chinese text: Textual wraps at spaces, which would strand
    # the label alone on its line.
    label = f"{line.speaker}：" if line.speaker else ""
    parts: list[str | tuple[str, str]] = [(label, "bold")] if label else []
    parts.append(line.text)
    if line.tag:
        parts.append((f"  {line.tag}", "italic"))
    if line.note:
        parts += ["\n", (line.note, "$text-muted")]
    return Plain.assemble(*parts)


class Transcript(VerticalScroll):
    """A scrolling transcript; set `lines` to show a conversation (it scrolls to the newest line)."""

    DEFAULT_CSS = """
    Transcript {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    Transcript > .line { margin-bottom: 1; width: 1fr; }
    Transcript > .-petitioner { color: $foreground; }
    Transcript > .-trainee { color: $text-primary; padding-left: 2; }
    Transcript > .-ending { color: $text-warning; text-style: bold; border: round $warning; padding: 0 1; }
    """

    can_focus = True

    lines: reactive[tuple[Line, ...]] = reactive((), recompose=True)
    """Everything said so far, oldest first."""

    def compose(self) -> ComposeResult:
        for line in self.lines:
            yield Static(line_content(line), classes=f"line -{line.kind}")

    def watch_virtual_size(self) -> None:
        # Lines are laid out after they mount, and rewrapped once the scrollbar appears, so the
        # height settles over several passes: follow it, so the newest line is what shows.
        self.scroll_end(animate=False)
