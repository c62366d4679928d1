"""A rubric's lexicon expanded into the checks the engine runs: plain regexes.

Authors write named phrase families, named gaps and checks composed from them (`family`, `seq`,
`near`, `not`); `expand(check, lexicon)` turns each into a `regex` / `not_regex` check, once, when
the rubric is compiled. Sibling pattern checks under one `any` with the same guard become a few
alternations (see `Expander._merged`), so a reply is scanned once for many of them, as a
hand-written regex would be.

Evidence: a sequence reports the words it is made of, not the gaps between them. Each run of
non-gap items becomes a named group `w0`, `w1`, ...; `checks.regex_finder` reports those groups'
spans (the negation guard still looks at the whole match, so verdicts do not depend on it).
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..content.model import (
    IDENT,
    AllCheck,
    AnyCheck,
    AtLeastCheck,
    Check,
    Family,
    FamilyCheck,
    Gap,
    Lexicon,
    NearCheck,
    NotCheck,
    NotRegexCheck,
    RegexCheck,
    SeqCheck,
    SeqItem,
)
from .literals import required_literals
from .text import normalize_text, trie_pattern

CLAUSE_STOPS = ",.!?;:。…"  # what a gap with `clause: false` never crosses (normalised punctuation)
NEGATION_STOPS = "不没"  # what a gap with `negation: false` never crosses
REFERENCE = re.compile(IDENT)


class LexiconError(ValueError):
    """A reference the lexicon cannot resolve (the validator reports these before anyone plays)."""

    def __init__(self, message: str, names: tuple[str, ...] = ()):
        super().__init__(message)
        self.names = names  # the families a cycle runs through


@dataclass(frozen=True)
class Ref:
    """One item of a sequence, resolved: a family, a gap with its bounds, or an inline pattern."""

    kind: str  # "family", "gap", "pattern", "optional" or "unless"
    name: str  # family or gap name; the pattern itself for "pattern"
    low: int = 0
    high: int | None = None
    items: tuple[SeqItem, ...] = ()  # "optional": the part that may be missing; "unless": what may not follow


def is_reference(item: str) -> bool:
    """Whether a sequence string names a family or gap (`party`) rather than being a pattern (`说|讲`)."""
    return REFERENCE.match(item) is not None


def resolve(item: SeqItem, lexicon: Lexicon) -> Ref:
    """What a sequence item means in this lexicon; LexiconError for an unknown name."""
    if isinstance(item, (tuple, list)):
        if not item:
            raise LexiconError("[] 里至少要有一项（[...] 表示可有可无的一段）")
        return Ref("optional", "", items=tuple(item))
    if isinstance(item, dict):
        if len(item) != 1:
            raise LexiconError(f"应为 {{间隔名: 最多几个字}} 或 {{unless: [...]}}，实际为 {item}")
        ((name, value),) = item.items()
        if name == "unless":
            if isinstance(value, int) or not value or all(isinstance(v, int) or v is None for v in value):
                raise LexiconError("unless 后面应是一列说法，如 {unless: [{sentence: 8}, but]}")
            return Ref("unless", name, items=tuple(value))  # type: ignore[arg-type]
        gap = _gap(lexicon, name)
        if isinstance(value, int):
            low, high = gap.min, value
        elif len(value) == 2 and isinstance(value[0], int) and (value[1] is None or isinstance(value[1], int)):
            low, high = value  # type: ignore[assignment]
        else:
            raise LexiconError(f"间隔 '{name}' 的长度应为整数或 [最少, 最多]，实际为 {value}")
        return Ref("gap", name, low=low, high=high)
    if not is_reference(item):
        return Ref("pattern", item)
    if item in lexicon.families:
        return Ref("family", item)
    if item in lexicon.gaps:
        gap = lexicon.gaps[item]
        return Ref("gap", item, low=gap.min, high=gap.max)
    raise LexiconError(f"未定义的词族或间隔 '{item}'")


def _gap(lexicon: Lexicon, name: str) -> Gap:
    if name not in lexicon.gaps:
        raise LexiconError(f"未定义的间隔 '{name}'")
    return lexicon.gaps[name]


def gap_pattern(gap: Gap, low: int, high: int | None) -> str:
    """A named gap as a character class: what it may not cross, and how long it may be."""
    stops = ("" if gap.clause else CLAUSE_STOPS) + ("" if gap.negation else NEGATION_STOPS) + gap.stops
    chars = "".join(dict.fromkeys(stops))
    body = "[^" + "".join(re.escape(c) if c in "\\]^-" else c for c in chars) + "]" if chars else "(?s:.)"
    return body + "{" + f"{low},{'' if high is None else high}" + "}"


@dataclass
class Expander:
    """Expands the checks of one rubric; family patterns are built once and shared."""

    lexicon: Lexicon
    _families: dict[str, str] = field(default_factory=dict)
    _groups: Iterator[int] = field(default_factory=itertools.count)

    def family(self, name: str, trail: tuple[str, ...] = ()) -> str:
        """The family's pattern: its phrases (as one prefix trie), its patterns, the families it includes."""
        if name in self._families:
            return self._families[name]
        if name in trail:
            cycle = (*trail[trail.index(name):], name)
            raise LexiconError(f"词族循环包含：{' → '.join(cycle)}", cycle)
        family: Family | None = self.lexicon.families.get(name)
        if family is None:
            raise LexiconError(f"未定义的词族 '{name}'")
        phrases = tuple(sorted({p for p in map(normalize_text, family.phrases) if p}))
        parts = ([trie_pattern(phrases)] if phrases else []) + list(family.patterns)
        parts += [self.family(other, (*trail, name)) for other in family.include]
        pattern = "(?:" + "|".join(parts) + ")"  # brackets cost nothing: sre drops non-capturing groups
        self._families[name] = pattern
        return pattern

    def sequence(self, items: tuple[SeqItem, ...], evidence: bool = True) -> str:
        """A sequence: runs of words in evidence groups, gaps between them outside any group."""
        refs = [resolve(item, self.lexicon) for item in items]
        grouped = evidence and any(r.kind == "gap" for r in refs)
        out: list[str] = []
        run: list[str] = []

        def close_run() -> None:
            if run:
                body = "".join(run)
                out.append(f"(?P<w{next(self._groups)}>{body})" if grouped else body)
                run.clear()

        for ref in refs:
            if ref.kind == "gap":
                close_run()
                out.append(gap_pattern(self.lexicon.gaps[ref.name], ref.low, ref.high))
            elif ref.kind == "unless":
                run.append("(?!" + self.sequence(ref.items, evidence=False) + ")")
            elif ref.kind == "optional":
                run.append("(?:" + self.sequence(ref.items, evidence=False) + ")?")
            elif ref.kind == "family":
                run.append(self.family(ref.name))
            else:
                run.append("(?:" + ref.name + ")")  # an item is a unit even when it holds a top-level |
        close_run()
        return "".join(out)

    def near(self, check: NearCheck) -> str:
        first, second = check.near
        return "|".join(self.sequence((a, check.within, b)) for a, b in ((first, second), (second, first)))

    def times(self, check: FamilyCheck) -> str:
        body = self.family(check.family)
        if check.times == 1:
            return body
        return "(?s:.)*?".join(f"(?P<w{next(self._groups)}>{body})" for _ in range(check.times))

    def pattern(self, check: Check) -> str | None:
        """The regex a lexicon check stands for; None for any other kind of check."""
        if isinstance(check, FamilyCheck):
            return self.times(check)
        if isinstance(check, SeqCheck):
            return self.sequence(check.seq)
        if isinstance(check, NearCheck):
            return self.near(check)
        return None

    def expand(self, check: Check, guard: bool = True) -> Check:
        """The same check with every lexicon check replaced by the regex check it stands for.

        `guard` is the negation guard a lexicon check takes when it does not set its own: the
        nearest enclosing any/all/at_least that sets one, else true.
        """
        pattern = self.pattern(check)
        if pattern is not None:
            return RegexCheck(regex=pattern, guard=_guard(check, guard))
        if isinstance(check, NotCheck):
            inner = self.expand(check.negated, guard)
            if isinstance(inner, AnyCheck) and len(inner.any) == 1:
                inner = inner.any[0]
            if isinstance(inner, RegexCheck):
                return NotRegexCheck(not_regex=inner.regex, guard=inner.guard)
            return NotCheck.model_validate({"not": inner})
        if isinstance(check, AnyCheck):
            return AnyCheck(any=self._merged(check.any, _guard(check, guard)))
        if isinstance(check, AllCheck):
            return AllCheck(all=tuple(self.expand(part, _guard(check, guard)) for part in check.all))
        if isinstance(check, AtLeastCheck):
            inner_guard = _guard(check, guard)
            return AtLeastCheck(at_least=check.at_least, of=tuple(self.expand(part, inner_guard) for part in check.of))
        return check

    def _merged(self, parts: tuple[Check, ...], default: bool) -> tuple[Check, ...]:
        """Sibling lexicon checks with the same guard become few alternations, each in the place of its first.

        Every regex is skipped unless the reply holds one of the literals all its matches need.
        Checks whose literals are words of two characters or more share one alternation: its
        prefilter stays selective. A check that only needs a single common character (您, 不)
        would make a shared prefilter pass on nearly every reply, so it joins only checks that
        need the same characters.
        """
        out: list[Check] = []
        slots: dict[tuple[bool, frozenset[str] | None], int] = {}
        for part in parts:
            pattern = self.pattern(part)
            if pattern is None:
                out.append(self.expand(part, default))
                continue
            guard = _guard(part, default)
            needs = required_literals(pattern)
            selective = bool(needs) and min(map(len, needs[0])) >= 2
            key = (guard, None if selective else (needs[0] if needs else frozenset()))
            if key in slots:
                previous = out[slots[key]]
                assert isinstance(previous, RegexCheck)
                out[slots[key]] = RegexCheck(regex=previous.regex + "|" + pattern, guard=guard)
            else:
                slots[key] = len(out)
                out.append(RegexCheck(regex=pattern, guard=guard))
        return tuple(out)


def _guard(check: Check, default: bool) -> bool:
    own = getattr(check, "guard", None)
    return default if own is None else own


def expand(check: Check, lexicon: Lexicon) -> Check:
    """One check with its lexicon references expanded (see the module docstring)."""
    return Expander(lexicon).expand(check)
