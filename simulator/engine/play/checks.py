"""Rubric checks compiled into plain functions, once per rubric.

A compiled check takes a Reply (normalised text plus the turn's model answers) and returns
whether it holds and the spans that made it hold. Regexes get a literal prefilter: the strings
one of which every match must contain (`literals.required_literals`), so most regexes are
skipped after one fast scan instead of being tried at every position of the reply.
"""
from __future__ import annotations

import re
from collections.abc import Callable
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
from .literals import required_literals
from .text import compile_regex, has_question, is_negated, phrase_matcher, similarity, trie_pattern

Spans = list[tuple[int, int]]
EVIDENCE_GROUP = re.compile(r"\(\?P<w\d+>")  # opens a lexicon sequence's words (see lexicon.py)
EVIDENCE_NAME = re.compile(r"w\d+")


@dataclass(frozen=True)
class Reply:
    text: str  # normalised
    answers: tuple[str, ...] = ()  # the turn's model answers, normalised


Compiled = Callable[[Reply], tuple[bool, Spans]]


def compile_check(check: Check) -> Compiled:
    if isinstance(check, PhrasesCheck):
        return _found(phrase_matcher(check.phrases).find, check.guard, negative=False)
    if isinstance(check, NotPhrasesCheck):
        return _found(phrase_matcher(check.not_phrases).find, check.guard, negative=True)
    if isinstance(check, RegexCheck):
        return _found(regex_finder(check.regex), check.guard, negative=False, words=evidence_reader(check.regex))
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
        inner = compile_check(check.negated)
        return lambda reply: (not inner(reply)[0], [])
    if isinstance(check, AllCheck):
        return _all([compile_check(part) for part in check.all])
    if isinstance(check, AnyCheck):
        return _at_least([compile_check(part) for part in check.any], 1)
    if isinstance(check, AtLeastCheck):
        return _at_least([compile_check(part) for part in check.of], check.at_least)
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


def _at_least(parts: list[Compiled], needed: int) -> Compiled:
    def run(reply: Reply) -> tuple[bool, Spans]:
        passed, spans = 0, []
        for part in parts:
            ok, found = part(reply)
            if ok:
                passed += 1
                spans += found
        return (True, spans) if passed >= needed else (False, [])
    return run


def regex_finder(pattern: str) -> Callable[[str], Spans]:
    """All non-empty matches of a pattern, skipping the scan when its required literals are absent.

    Evidence groups (see `evidence_reader`) are scanned as plain groups: capture bookkeeping is
    a large part of a scan's cost, and only a found match needs its words.
    The scan itself keeps to the reply's time budget (`budget.Guarded`); it may raise BudgetExceeded.
    """
    guarded = Guarded(EVIDENCE_GROUP.sub("(?:", pattern))
    fast, fast_up_to = guarded.fast, guarded.fast_up_to
    gates = [re.compile(trie_pattern(tuple(sorted(need)))) for need in required_literals(pattern)]

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
