"""The words behind a learned verdict: the stretch of the reply whose n-grams pushed hardest towards it.

Each n-gram occurrence contributes its weight (times the reply's scale) spread evenly over its
characters. The per-character values are lowered by FOCUS times the strongest one, so only the
clearly driving characters count as positive; the maximum-sum run over them (Kadane) joins
adjacent strong n-grams and bridges a short weak gap between two of them; its non-positive ends
are trimmed. Spans are in the normalised text; the scorer maps them back to the reply as typed.
"""
from __future__ import annotations

from itertools import compress, repeat
from operator import add, mul

from .model import LearnedModel, Probabilities

FOCUS = 0.6
LONGEST = 12  # characters: evidence is the words that matter, not a sentence (as for the rubric's spans)
MARKS = frozenset("，。！？；、,.!?;:：… ")  # n-grams run across punctuation; evidence stays inside one clause


def learned_span(model: LearnedModel, scored: Probabilities, target: str) -> tuple[int, int] | None:
    """[start, end) in the normalised reply of the words that drove `target`, or None if nothing did."""
    raw = _per_character(model, scored, target)
    run = _strongest_run(raw)
    return None if run is None else _one_clause(scored.text, raw, *run)


def _one_clause(text: str, raw: list[float], start: int, end: int) -> tuple[int, int] | None:
    """The piece of [start, end) between punctuation marks that carries the most weight."""
    pieces, piece_from = [], start
    for i in range(start, end + 1):
        if i == end or text[i] in MARKS:
            if i > piece_from:
                pieces.append((piece_from, i))
            piece_from = i + 1
    if not pieces:
        return None
    return max(pieces, key=lambda piece: sum(raw[piece[0]:piece[1]]))


def _per_character(model: LearnedModel, scored: Probabilities, target: str) -> list[float]:
    """Each character's share of the target's weighted n-grams, added n by n and, within n, by
    the n-gram's offset from the character, always in that order (so every float is the same
    however the additions are grouped). A block mostly weighted is added slice by slice (C-level
    maps, zeros included: x + 0.0 is x); a sparse one only where it has weights."""
    weights = model.target_weights(target)
    size = len(scored.text)
    per_char: list[float] | None = None
    offset = 0
    for n in range(model.n_min, model.n_max + 1):
        count = max(size - n + 1, 0)
        block = list(map(weights.get, scored.grams[offset:offset + count], repeat(0)))
        offset += count
        share = scored.scale / n
        if per_char is None:
            if n == 1:  # the 1-grams start every character's sum, and 0.0 + x is x
                per_char = list(map(mul, block, repeat(share)))
                continue
            per_char = [0.0] * size
        starts = list(compress(range(count), block))  # the n-grams with a weight for this target
        if len(starts) * 2 > count:
            shares = list(map(mul, block, repeat(share)))
            # The n-gram starting at i covers characters i..i+n-1: shift by shift.
            for d in range(n):
                per_char[d:d + count] = map(add, per_char[d:d + count], shares)
            continue
        sparse = [block[i] * share for i in starts]
        for d in range(n):
            for i, value in zip(starts, sparse):
                per_char[i + d] += value
    return per_char if per_char is not None else [0.0] * size


def _strongest_run(raw: list[float]) -> tuple[int, int] | None:
    top = max(raw, default=0.0)
    if top <= 0:
        return None
    values = [v - FOCUS * top for v in raw]
    best, best_from, best_to = 0.0, -1, -1
    run, run_from = 0.0, 0
    for i, value in enumerate(values):
        if run <= 0:
            run, run_from = value, i
        else:
            run += value
        if run > best:
            best, best_from, best_to = run, run_from, i + 1
    if best_from < 0:
        return None
    while best_from < best_to - 1 and values[best_from] <= 0:
        best_from += 1
    while best_to - 1 > best_from and values[best_to - 1] <= 0:
        best_to -= 1
    if best_to - best_from > LONGEST:  # a long run (a phrase repeated): its strongest LONGEST characters
        window = max(range(best_from, best_to - LONGEST + 1), key=lambda i: sum(values[i:i + LONGEST]))
        best_from, best_to = window, window + LONGEST
    return best_from, best_to
