"""Examples from the case itself: the part of a turn's own model answer that does what was missed.

A trainee who missed empathy with a 72-year-old widow is shown the sentence of that node's model
answer that earns empathy, in the words and forms of address the author wrote for her, not a
rubric's generic sentence about someone else's unpaid wages. A fault is answered with the part
of the model answer that does right in the same dimension.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .checks import Compiled, Reply
from .text import normalize

if TYPE_CHECKING:
    from ..content.model import Rubric

SENTENCE_END = re.compile(r"[。！？!?；;\n]")
CLAUSE_END = re.compile(r"[，,。！？!?；;\n]")
SHORTEST = 8  # characters: a shorter clause (「大爷」) says too little to be an example on its own


def exemplars(turn: Any) -> tuple[str, ...]:
    """A turn's model answers, then its best option: what the author wrote as doing it right."""
    best = tuple(o.text for o in getattr(turn, "options", ()) if getattr(o, "best", False))
    return (*getattr(turn, "model_answers", ()), *best)


def around(text: str, start: int, end: int, breaks: re.Pattern[str]) -> str:
    """The stretch of `text` between the breaks around [start, end), with a closing sentence mark."""
    left = max((m.end() for m in breaks.finditer(text, 0, start)), default=0)
    right = breaks.search(text, end)
    stop = len(text) if right is None else right.end() if SENTENCE_END.match(right.group()) else right.start()
    return text[left:stop].strip()


def earning_part(check: Compiled, text: str, answers: tuple[str, ...]) -> str:
    """The shortest telling part of `text` that makes `check` hold on its own: the clause of its
    words, else their sentence, else the whole text; '' when the text does not make it hold."""
    normalized = normalize(text)
    fired, spans = check(Reply(normalized.text, answers))
    if not fired:
        return ""
    if not spans:
        return text.strip()
    first = min(spans)
    start, end, _ = normalized.span(first[0], first[1], text)
    for part in (around(text, start, end, CLAUSE_END), around(text, start, end, SENTENCE_END)):
        if len(part) >= SHORTEST and check(Reply(normalize(part).text, answers))[0]:
            return part
    return text.strip()


def case_examples(rubric: Rubric, checks: Sequence[Compiled], turn: Any, wanted: Iterable[str]) -> dict[str, str]:
    """For each wanted criterion: the part of the turn's model answer (or best option) to show as its example.

    A credit: the sentence that earns it. A fault: the sentence that earns a credit of the same
    dimension (what doing right looked like here), else the first model answer. '' when the turn
    has nothing to show.
    """
    texts = exemplars(turn)
    if not texts:
        return {}
    answers = tuple(normalize(a).text for a in getattr(turn, "model_answers", ()))
    index = {c.id: i for i, c in enumerate(rubric.criteria)}
    expects = set(getattr(turn, "expects", ()))
    found: dict[str, str] = {}
    for criterion_id in wanted:
        criterion = rubric.by_id[criterion_id]
        if criterion.kind == "credit":
            candidates = [criterion_id]
        else:
            same = [c.id for c in rubric.criteria if c.kind == "credit" and c.dimension == criterion.dimension]
            candidates = sorted(same, key=lambda c: c not in expects)
        found[criterion_id] = next(
            (part for cid in candidates for text in texts
             if (part := earning_part(checks[index[cid]], text, answers))),
            "" if criterion.kind == "credit" else texts[0])
    return found
