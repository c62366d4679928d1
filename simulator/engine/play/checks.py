"""Rubric checks compiled into plain functions, once per rubric.

A compiled check takes a Reply (normalised text plus the turn's model answers) and returns
whether it holds and the spans that made it hold. Regexes get a literal prefilter: the strings
one of which every match must contain (`literals.required_literals`), so most regexes are
skipped after one fast scan instead of being tried at every position of the reply. A rubric's
checks share one `LiteralIndex` of those strings, branch by branch (`required_branches`): once
per reply it says which of them occur, and an `any` or `at_least` skips, without calling it,
every part no branch of which can match (most of a rubric's parts, on most replies).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..content.model import (
    AllCheck,
    AnyCheck,
    AtLeastCheck,
    Check,
    LengthCheck,
    NotCheck,
    NotPhrasesCheck,
    NotRegexCheck,
    PhrasesCheck,
    QuestionCheck,
    RegexCheck,
    SimilarCheck,
)
from .budget import Guarded
from .literals import required_branches, required_literals
from .text import compile_regex, has_question, is_negated, phrase_matcher, similarity, trie_pattern

Spans = list[tuple[int, int]]
EVIDENCE_GROUP = re.compile(r"\(\?P<w\d+>")  # opens a lexicon sequence's words (see lexicon.py)
EVIDENCE_NAME = re.compile(r"w\d+")


@dataclass(frozen=True)
class Reply:
    text: str  # normalised
    answers: tuple[str, ...] = ()  # the turn's model answers, normalised


Compiled = Callable[[Reply], tuple[bool, Spans]]


# A leaf's bits in a LiteralIndex: (all of its branches', then each branch's), or one branch's;
# () for a part that always runs.
Needs = tuple[int, ...]


class LiteralIndex:
    """The literal strings a rubric's positive leaves need, and once per reply which of them occur.

    A leaf (a phrase list, or a branch of a regex) needs each of its gates: a set of strings one
    of which must occur. Each distinct gate is a bit; a reply's mask has the bits of the gates
    it satisfies, so a leaf none of whose branches has all its bits set cannot match and is
    skipped. Strings of up to SHORT characters are looked up among the reply's substrings of
    that length; longer ones (few) by `in`, once their first SHORT characters occur."""

    SHORT = 4

    def __init__(self) -> None:
        self._bits: dict[frozenset[str], int] = {}
        self._table: dict[str, tuple[int, tuple[tuple[str, int], ...]]] | None = None
        self._keys: frozenset[str] = frozenset()
        self._last: tuple[str | None, int] = (None, 0)

    def needs(self, branches: Sequence[Iterable[frozenset[str]]], gates: Iterable[frozenset[str]] = ()) -> Needs:
        """The bits of the gates every match needs (`gates`), then each branch's; () when a branch
        needs nothing, so the leaf must always run."""
        found = tuple(self.need(branch) for branch in branches)
        if not found or 0 in found:
            return ()
        every = self.need(gates)
        return (every, *found) if len(found) > 1 else (every | found[0],)

    def need(self, gates: Iterable[frozenset[str]]) -> int:
        """The bits of one branch's gates (0: nothing can be told)."""
        need = 0
        for gate in gates:
            if not gate or "" in gate:
                continue  # a gate any text passes
            if gate not in self._bits:
                self._bits[gate] = 1 << len(self._bits)
                self._table, self._last = None, (None, 0)
            need |= self._bits[gate]
        return need

    def mask(self, text: str) -> int:
        """The bits of the gates `text` satisfies (the last text's answer is kept: every part of
        every criterion asks about the same reply)."""
        last = self._last
        if last[0] == text:
            return last[1]
        table = self._table if self._table is not None else self._build()
        size, short = len(text), self.SHORT
        present = set(text)
        for n in range(2, min(short, size) + 1):
            present.update([text[i:i + n] for i in range(size - n + 1)])
        mask = 0
        for key in present.intersection(self._keys):  # a set with a set: over the smaller one
            bits, longer = table[key]
            mask |= bits
            for literal, more in longer:
                if literal in text:
                    mask |= more
        self._last = (text, mask)
        return mask

    def _build(self) -> dict[str, tuple[int, tuple[tuple[str, int], ...]]]:
        bits: dict[str, int] = {}
        for gate, bit in self._bits.items():
            for literal in gate:
                bits[literal] = bits.get(literal, 0) | bit
        table: dict[str, tuple[int, tuple[tuple[str, int], ...]]] = {}
        for literal, bit in bits.items():
            key = literal[:self.SHORT]
            own, longer = table.get(key, (0, ()))
            table[key] = (own | bit, longer) if len(literal) <= self.SHORT else (own, (*longer, (literal, bit)))
        self._table, self._keys = table, frozenset(table)
        return table


def compile_check(check: Check, index: LiteralIndex | None = None) -> Compiled:
    """A check as a plain function; the checks of one rubric share `index` (see LiteralIndex)."""
    return _compile(check, LiteralIndex() if index is None else index)[0]


def _compile(check: Check, index: LiteralIndex, indexed: bool = False) -> tuple[Compiled, Needs]:
    """The compiled check and, for a positive leaf, what it needs of `index` (else ()). An
    `indexed` leaf is only called once the index found what it needs (a part of `_at_least`), so
    a regex there scans without its own gates: the index has checked them."""
    if isinstance(check, PhrasesCheck):
        matcher = phrase_matcher(check.phrases)
        needs = index.needs([[frozenset(matcher.phrases)]]) if matcher.phrases else ()
        return _found(matcher.find, check.guard, negative=False), needs
    if isinstance(check, RegexCheck):
        needs = index.needs(required_branches(check.regex), required_literals(check.regex))
        find = regex_finder(check.regex, gated=not (indexed and needs))
        return _found(find, check.guard, negative=False, words=evidence_reader(check.regex)), needs
    return _compiled(check, index), ()


def _compiled(check: Check, index: LiteralIndex) -> Compiled:
    if isinstance(check, NotPhrasesCheck):
        return _found(phrase_matcher(check.not_phrases).find, check.guard, negative=True)
    if isinstance(check, NotRegexCheck):
        return _found(regex_finder(check.not_regex), check.guard, negative=True)
    if isinstance(check, QuestionCheck):
        wanted = check.question
        return lambda reply: (has_question(reply.text) == wanted, [])
    if isinstance(check, LengthCheck):
        low, high = check.length.min, check.length.max
        return lambda reply: (_length_ok(reply.text, low, high), [])
    if isinstance(check, SimilarCheck):
        threshold = check.similar
        return lambda reply: (max((similarity(reply.text, a) for a in reply.answers), default=0.0) >= threshold, [])
    if isinstance(check, NotCheck):
        inner = _compile(check.negated, index)[0]
        return lambda reply: (not inner(reply)[0], [])
    if isinstance(check, AllCheck):
        return _all([_compile(part, index)[0] for part in check.all])
    if isinstance(check, AnyCheck):
        return _at_least([_compile(part, index, indexed=True) for part in check.any], 1, index)
    if isinstance(check, AtLeastCheck):
        return _at_least([_compile(part, index, indexed=True) for part in check.of], check.at_least, index)
    raise TypeError(f"{type(check).__name__} must be expanded with the rubric's lexicon first (lexicon.expand)")


Words = Callable[[str, int], Spans]


def _found(find: Callable[[str], Spans], guard: bool, negative: bool, words: Words | None = None) -> Compiled:
    def run(reply: Reply) -> tuple[bool, Spans]:
        spans = find(reply.text)
        if guard and spans:
            spans = [s for s in spans if not is_negated(reply.text, *s)]
        if negative:
            return not spans, []
        if words is not None and spans:  # the guard judged whole matches; the evidence is their words
            spans = [word for start, end in spans for word in (words(reply.text, start) or [(start, end)])]
        return bool(spans), spans
    return run


def _length_ok(text: str, low: int, high: int | None) -> bool:
    size = sum(1 for c in text if not c.isspace())
    return low <= size and (high is None or size <= high)


def _all(parts: list[Compiled]) -> Compiled:
    def run(reply: Reply) -> tuple[bool, Spans]:
        spans: Spans = []
        for part in parts:
            ok, found = part(reply)
            if not ok:
                return False, []
            spans += found
        return True, spans
    return run


def _at_least(parts: list[tuple[Compiled, Needs]], needed: int, index: LiteralIndex) -> Compiled:
    def run(reply: Reply) -> tuple[bool, Spans]:
        passed, spans = 0, []
        mask = index.mask(reply.text)
        for part, needs in parts:
            if needs and (needs[0] & mask != needs[0]
                          or (len(needs) > 1 and not any(need & mask == need for need in needs[1:]))):
                continue  # a leaf no branch of which finds its strings: it cannot match (LiteralIndex)
            ok, found = part(reply)
            if ok:
                passed += 1
                spans += found
        return (True, spans) if passed >= needed else (False, [])
    return run


def regex_finder(pattern: str, gated: bool = True) -> Callable[[str], Spans]:
    """All non-empty matches of a pattern, skipping the scan when its required literals are absent
    (`gated`; a caller that checked them already passes False).

    Evidence groups (see `evidence_reader`) are scanned as plain groups: capture bookkeeping is
    a large part of a scan's cost, and only a found match needs its words.
    The scan itself keeps to the reply's time budget (`budget.Guarded`); it may raise BudgetExceeded.
    """
    guarded = Guarded(EVIDENCE_GROUP.sub("(?:", pattern))
    fast, fast_up_to = guarded.fast, guarded.fast_up_to
    gates = [re.compile(trie_pattern(tuple(sorted(need)))) for need in required_literals(pattern)] if gated else []

    def find(text: str) -> Spans:
        for gate in gates:
            if gate.search(text) is None:
                return []
        if len(text) <= fast_up_to:  # provably cheap on this reply: Python's re, as fast as ever
            return [(m.start(), m.end()) for m in fast.finditer(text) if m.end() > m.start()]
        return guarded.guarded_spans(text)
    return find


def evidence_reader(pattern: str) -> Words | None:
    """For a pattern with groups named w0, w1, ... (a lexicon sequence's words, without the gaps
    between them): the spans of those groups in the match at a given start. None without them.
    The grouped pattern is compiled on the first match: most patterns never need it."""
    if EVIDENCE_GROUP.search(pattern) is None:
        return None

    def words(text: str, start: int) -> Spans:
        grouped = compile_regex(pattern)
        match = grouped.match(text, start)
        if match is None:
            return []
        return [span for name, index in grouped.groupindex.items()
                if EVIDENCE_NAME.fullmatch(name) and (span := match.span(index))[1] > span[0]]
    return words
