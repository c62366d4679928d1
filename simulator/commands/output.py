"""Shared by the commands' printers: display widths of Chinese text, paths as the user sees them,
and writing a result to stdout or to the -o file."""
from __future__ import annotations

import os
import sys
import unicodedata
from pathlib import Path
from typing import TextIO

from .errors import UserError


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
        (out or sys.stdout).write(text)
        return
    try:
        Path(target).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"无法写入 {target}：{error.strerror or error}") from None
    print(f"已写入 {target}", file=sys.stderr)
