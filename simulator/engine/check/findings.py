"""Locating semantic findings: data paths -> file:line:col, via the loader's Marks.

The semantic checks (validate_graph, validate_state, validate_rubric) speak in data paths such as
``("nodes", "opening", "next", 0, "goto")``; a Findings collects their Diagnostics, placing
each at the offending key or value, and when asked, at a column inside the YAML scalar.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable

from ..content.diagnostics import Diagnostic
from ..content.loader import DataPath, Loaded


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A Chinese "did you mean" tail for a message, or ''."""
    hint = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"（是否想写 '{hint[0]}'？）" if hint else ""


class Findings:
    """Collects Diagnostics for one loaded file (an accumulator local to one check run)."""

    def __init__(self, loaded: Loaded):
        self.path = loaded.path
        self.marks = loaded.marks
        self._lines = loaded.text.split("\n") if loaded.text else []
        self.found: list[Diagnostic] = []

    def add(self, code: str, message: str, where: DataPath, key: bool = False) -> None:
        """Report at a value (or, with key=True, at the mapping key that holds it)."""
        line, col = self.marks.at(where, key=key)
        self.found.append(Diagnostic.of(code, message, self.path, line, col))

    def add_inside(self, code: str, message: str, where: DataPath, source: str, offset: int | None) -> None:
        """Report at character `offset` (0-based) of the scalar `source` stored at `where`.

        Exact for plain and quoted one-line scalars written verbatim; otherwise the scalar's start.
        """
        line, col = self.marks.at(where)
        if offset is not None and 0 < line <= len(self._lines):
            raw = self._lines[line - 1]
            start = col - 1
            if raw[start:start + 1] in ("'", '"'):
                start += 1
            if raw[start:start + len(source)] == source:
                col = start + offset + 1
        self.found.append(Diagnostic.of(code, message, self.path, line, col))

    def add_template_line(self, code: str, message: str, where: DataPath, lineno: int) -> None:
        """Report at line `lineno` (1-based) of a template stored at `where`.

        A block scalar (``|`` or ``>``) starts on the line after its indicator.
        """
        line, col = self.marks.at(where)
        if 0 < line <= len(self._lines) and self._lines[line - 1][col - 1:col] in ("|", ">"):
            line, col = line + lineno, col
            if line <= len(self._lines):
                raw = self._lines[line - 1]
                col = len(raw) - len(raw.lstrip(" ")) + 1
        else:
            line += max(lineno, 1) - 1
        self.found.append(Diagnostic.of(code, message, self.path, line, col))

    def add_in_text(self, code: str, message: str, where: DataPath, text: str, offset: int) -> None:
        """Report at character `offset` of an authored text, whether a one-line or a block (``|``) scalar."""
        line, col = self.marks.at(where)
        if 0 < line <= len(self._lines) and self._lines[line - 1][col - 1:col] in ("|", ">") and "\n" in text:
            lineno = text[:offset].count("\n") + 1
            target = line + lineno
            if target <= len(self._lines):
                raw = self._lines[target - 1]
                column = len(raw) - len(raw.lstrip(" ")) + offset - (text.rfind("\n", 0, offset) + 1) + 1
                self.found.append(Diagnostic.of(code, message, self.path, target, column))
                return
        self.add_inside(code, message, where, text, offset)

    def result(self) -> tuple[Diagnostic, ...]:
        return tuple(self.found)
