"""Character n-grams of a reply and of the petitioner's line: the learned layer's features.

The reply is normalised exactly as the rubric's checks see it (`text.normalize`: full-width forms,
lower case, one kind of quote mark), so an evidence span found on the normalised text maps back
to the words as typed. Training (simulator/train/) builds its vectors from these same functions.

`reply_grams` lists every n-gram occurrence, n = n_min..n_max, in blocks: all 1-grams in start
order, then all 2-grams, and so on. Evidence relies on that order (the n-gram at position i of
block n covers characters i..i+n-1).
"""
from __future__ import annotations

from ..text import normalize

N_MIN, N_MAX = 1, 4


def reply_grams(text: str, n_min: int = N_MIN, n_max: int = N_MAX) -> list[str]:
    """Every n-gram occurrence of normalised `text`, with repeats, block by block."""
    size = len(text)
    return [text[i:i + n] for n in range(n_min, n_max + 1) for i in range(size - n + 1)]


def context_grams(petitioner: str, n_max: int) -> list[str]:
    """The n-grams (1..n_max) of what the petitioner just said: a block of features of its own."""
    if n_max <= 0 or not petitioner:
        return []
    return reply_grams(normalize(petitioner).text, 1, n_max)


def analyze(reply: str) -> list[str]:
    """A raw reply's n-grams (the analyser training hands to its vectoriser)."""
    return reply_grams(normalize(reply).text)
