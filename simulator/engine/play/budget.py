"""A hard time budget per reply for authored regexes, so a hostile pattern cannot stall scoring.

Python's `re` cannot be interrupted. A pattern whose worst case on this reply is provably small
(`backtracking.degree`: the reply's length to the power degree + 1 stays under FAST_STEPS) runs
on `re`, as fast as before; any other runs on the third-party `regex` engine (same syntax,
lookarounds and named groups included) with a timeout: what is left of the reply's budget. A
pattern that runs out raises `BudgetExceeded`; the scorer counts its criterion as not fired and
says so in `TurnScore.overrun`.

Measured with bench/bench_scoring.py (standard rubric, 2,000 replies): every pattern on
`regex` with a timeout costs a median 0.58 ms per reply against 0.41 ms on `re`, and one call of
a big pattern with a timeout about 2 ms; this split keeps the `re` figure, because all 173 of the
standard rubric's patterns (its own and those its lexicon builds) are provably cheap on replies
of up to 1,000 characters, so no benchmark reply takes the budgeted path.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from .backtracking import degree
from .text import compile_regex

REPLY_BUDGET_SECONDS = 0.5  # for all of one reply's guarded patterns together
FAST_STEPS = 1_000_000  # a worst case this small runs on `re`: milliseconds at most

_deadline: ContextVar[float | None] = ContextVar("regex_deadline", default=None)


class BudgetExceeded(Exception):
    """A pattern ran out of the reply's time budget (catastrophic backtracking, most likely)."""

    def __init__(self, pattern: str) -> None:
        super().__init__(f"正则表达式超出评分时限：{pattern}")
        self.pattern = pattern


@contextmanager
def reply_budget(seconds: float = REPLY_BUDGET_SECONDS) -> Iterator[None]:
    """Within this block (one reply's scoring), guarded patterns share `seconds` between them."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


class Guarded:
    """An authored pattern: `spans(text)` gives its non-empty matches within the reply's budget."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.fast = compile_regex(pattern)
        bound = degree(pattern)
        # The longest text whose worst case, length ** (degree + 1), stays within FAST_STEPS.
        self.fast_up_to = -1 if bound is None else int(FAST_STEPS ** (1 / (bound + 1)))
        self._slow: Any = None  # the `regex` engine's pattern, compiled on first need

    def spans(self, text: str) -> list[tuple[int, int]]:
        if len(text) <= self.fast_up_to:
            return [(m.start(), m.end()) for m in self.fast.finditer(text) if m.end() > m.start()]
        return self.guarded_spans(text)

    def guarded_spans(self, text: str) -> list[tuple[int, int]]:
        deadline = _deadline.get()
        left = REPLY_BUDGET_SECONDS if deadline is None else deadline - time.monotonic()
        if left <= 0:
            raise BudgetExceeded(self.pattern)
        try:
            return [(m.start(), m.end()) for m in self._engine().finditer(text, timeout=left) if m.end() > m.start()]
        except TimeoutError:
            raise BudgetExceeded(self.pattern) from None

    def _engine(self) -> Any:
        if self._slow is None:
            import regex  # only for patterns that need the budget: keeps it off the start-up path

            self._slow = regex.compile(self.fast.pattern, flags=regex.VERSION0)
        return self._slow
