"""Shared by the commands' printers: the terminal filter, display widths of Chinese text, paths as
the user sees them, and writing a result to stdout or to the -o file."""
from __future__ import annotations

import io
import os
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from ..engine.content.controls import visible
from .errors import UserError


class VisibleStream(io.TextIOBase):
    """A text stream that passes everything written through `visible`: no control sequence from a
    name, a reply, a record or a scenario reaches the terminal (or a pipe into `less -R`)."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        self.inner.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.inner.encoding


@contextmanager
def visible_output() -> Iterator[None]:
    """Within this block, sys.stdout and sys.stderr are `VisibleStream`s (the one output filter)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = VisibleStream(out), VisibleStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def width(text: str) -> int:
    """Columns `text` takes in a terminal: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def table(rows: list[list[str]], out: TextIO) -> None:
    """Rows (the first is the header) in columns padded to their widest cell."""
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        out.write("  ".join(pad(cell, w) for cell, w in zip(row, widths)).rstrip() + "\n")


def shown(path: Path) -> Path:
    """A path as the user should see it: relative to the working directory when inside it."""
    try:
        relative = Path(os.path.relpath(path))
    except ValueError:  # another drive on Windows
        return path
    return relative if not str(relative).startswith("..") else path


def write_output(text: str, target: str | None, out: TextIO | None = None) -> None:
    """`text` to `out` (stdout) when no -o file, or "-", is given; else into the file, saying so on stderr."""
    if not target or target == "-":
        (out or sys.stdout).write(visible(text))
        return
    try:
        Path(target).write_text(visible(text), encoding="utf-8")  # a report file is read with `cat` too
    except OSError as error:
        raise UserError(f"无法写入 {target}：{error.strerror or error}") from None
    print(f"已写入 {target}", file=sys.stderr)
