"""The literal strings every match of a regex must contain: a cheap prefilter for scoring.

`required_literals(pattern)` reads the pattern with a small parser of its own (Python's is
private) and returns sets of strings such that every match contains a member of each set. A
reply that lacks one is skipped after one fast scan instead of the regex being tried at every
position. `required_branches(pattern)` says more of a pattern that is an alternation: what each
branch needs, so a reply must hold everything one branch needs. The parser only has to be
*safe*: whatever it does not understand (a class such as `\\d`, a back reference,
case-insensitive or verbose flags) promises nothing, so the worst case is no prefilter, never
a missed match.
"""
from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

MAX_GATES = 3
MAX_RANGE = 32  # a class range wider than this (say [一-龥]) is not worth a gate
SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
CLASS_ESCAPES = set("dDwWsS")  # character classes: no literal can be promised
ZERO_WIDTH_ESCAPES = set("bBAZ")
QUANTIFIERS = set("*+?")
DIGITS = set("0123456789")
OCTAL = set("01234567")


class _Unknown(Exception):
    """The pattern uses something this parser does not model; no literal can be promised."""


# ---------------------------------------------------------------- the parse tree

@dataclass(frozen=True)
class Lit:
    char: str


@dataclass(frozen=True)
class CharSet:
    chars: frozenset[str] | None  # None: too broad or negated, promises nothing


@dataclass(frozen=True)
class Opaque:
    """Something that matches text we cannot name (`.`, `\\d`, a back reference, an i-flag group)."""


@dataclass(frozen=True)
class ZeroWidth:
    """An anchor or a lookaround: it matches no text of its own."""

    body: Alternation | None = None  # a lookaround's pattern (the backtracking analysis reads it)


@dataclass(frozen=True)
class Repeat:
    minimum: int
    item: Node
    maximum: int | None = None  # None: unbounded (*, +, {m,})


@dataclass(frozen=True)
class Alternation:
    branches: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True)
class Group:
    body: Alternation


Node = Lit | CharSet | Opaque | ZeroWidth | Repeat | Group


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.at = 0

    def peek(self, size: int = 1) -> str:
        return self.text[self.at:self.at + size]

    def take(self) -> str:
        if self.at >= len(self.text):
            raise _Unknown("unexpected end")
        char = self.text[self.at]
        self.at += 1
        return char

    def alternation(self) -> Alternation:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.at += 1
            branches.append(self.sequence())
        return Alternation(tuple(branches))

    def sequence(self) -> tuple[Node, ...]:
        items: list[Node] = []
        while self.at < len(self.text) and self.peek() not in ("|", ")"):
            atom = self.atom()
            if atom is None:
                continue
            items.append(self.quantified(atom))
        return tuple(items)

    def quantified(self, atom: Node) -> Node:
        while True:
            char = self.peek()
            maximum: int | None = None
            if char and char in QUANTIFIERS:
                self.at += 1
                minimum, maximum = (1, None) if char == "+" else (0, 1) if char == "?" else (0, None)
            elif char == "{":
                bounds = self.braces()
                if bounds is None:
                    return atom
                minimum, maximum = bounds
            else:
                return atom
            if self.peek() and self.peek() in "?+":  # lazy or possessive
                self.at += 1
            if isinstance(atom, ZeroWidth):
                raise _Unknown("nothing to repeat")
            atom = Repeat(minimum, atom, maximum)

    def braces(self) -> tuple[int, int | None] | None:
        """`{m}`, `{m,}`, `{,n}`, `{m,n}`: (minimum, maximum or None); None when `{` is a literal."""
        start = self.at
        self.at += 1
        low = high = ""
        while self.peek().isdigit() and self.peek().isascii():
            low += self.take()
        comma = self.peek() == ","
        if comma:
            self.at += 1
            while self.peek().isdigit() and self.peek().isascii():
                high += self.take()
        if self.peek() != "}" or self.at == start + 1:
            self.at = start
            return None
        self.at += 1
        minimum = int(low) if low else 0
        return minimum, (int(high) if high else None) if comma else minimum

    def atom(self) -> Node | None:
        char = self.take()
        if char == "(":
            return self.group()
        if char == "[":
            return self.char_set()
        if char == "\\":
            return self.escape(in_class=False)
        if char == ".":
            return Opaque()
        if char in "^$":
            return ZeroWidth()
        if char in QUANTIFIERS or char == ")":
            raise _Unknown("misplaced operator")
        return Lit(char)  # including a `{` that starts no quantifier

    def group(self) -> Node | None:
        if self.peek() != "?":
            return self.closed(Group(self.alternation()))
        self.at += 1
        kind = self.take()
        if kind == ":" or kind == ">":  # non-capturing, atomic
            return self.closed(Group(self.alternation()))
        if kind == "P":
            after = self.take()
            if after == "<":
                self.name(">")
                return self.closed(Group(self.alternation()))
            if after == "=":
                self.name(")")
                return Opaque()
            raise _Unknown("unknown (?P")
        if kind == "#":
            while self.take() != ")":
                pass
            return None
        if kind in "=!":
            return ZeroWidth(self.lookaround())
        if kind == "<":
            if self.take() not in "=!":
                raise _Unknown("unknown (?<")
            return ZeroWidth(self.lookaround())
        if kind == "(":
            self.name(")")
            self.closed(self.alternation())
            return Opaque()  # a conditional: which branch matches depends on a group
        return self.flags(kind)

    def flags(self, first: str) -> Node | None:
        letters = first
        while self.peek() and self.peek() not in ":)":
            letters += self.take()
        if not letters or not set(letters) <= set("aiLmsux-"):
            raise _Unknown("unknown group")
        folds = bool(set(letters.split("-")[0]) & set("ix"))
        if self.take() == ")":  # global flags
            if folds:
                raise _Unknown("case-insensitive or verbose pattern")
            return None
        body = self.closed(Group(self.alternation()))
        return Opaque() if folds else body

    def lookaround(self) -> Alternation:
        body = self.alternation()
        if self.take() != ")":
            raise _Unknown("unbalanced group")
        return body

    def closed(self, node: Node | Alternation) -> Node:
        if self.take() != ")":
            raise _Unknown("unbalanced group")
        return node if not isinstance(node, Alternation) else Group(node)

    def name(self, end: str) -> None:
        while self.take() != end:
            pass

    def escape(self, in_class: bool) -> Node:
        char = self.take()
        if char in SIMPLE_ESCAPES:
            return Lit(SIMPLE_ESCAPES[char])
        if char in CLASS_ESCAPES:
            return Opaque()
        if char in ZERO_WIDTH_ESCAPES and not in_class:
            return ZeroWidth()
        if char in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[char]
            digits = self.text[self.at:self.at + size]
            if len(digits) != size or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise _Unknown("bad hex escape")
            self.at += size
            return Lit(chr(int(digits, 16)))
        if char == "N":  # a named character: \N{...}
            if self.take() != "{":
                raise _Unknown("bad \\N escape")
            self.name("}")
            return Opaque()
        if char in DIGITS:
            return self.numbered(char, in_class)
        if char.isascii() and char.isalpha():  # an escape Python rejects
            raise _Unknown("bad escape")
        return Lit(char)

    def numbered(self, first: str, in_class: bool) -> Node:
        """An octal escape (a character) or a group reference (text we cannot name), as Python reads them."""
        if first == "0" or (in_class and first in OCTAL):
            digits = first
            while len(digits) < 3 and self.peek() and self.peek() in OCTAL:
                digits += self.take()
            return Lit(chr(int(digits, 8)))
        if in_class:
            raise _Unknown("group reference in a class")
        if self.peek() and self.peek() in DIGITS:
            second = self.take()
            if first in OCTAL and second in OCTAL and self.peek() and self.peek() in OCTAL:
                return Lit(chr(int(first + second + self.take(), 8)))
        return Opaque()

    def char_set(self) -> CharSet:
        negated = self.peek() == "^"
        if negated:
            self.at += 1
        chars: set[str] | None = set()
        first = True
        while True:
            char = self.take()
            if char == "]" and not first:
                break
            first = False
            member = self.escape(in_class=True) if char == "\\" else Lit(char)
            if self.peek() == "-" and self.peek(2) not in ("-]", "-"):
                self.at += 1
                end_char = self.take()
                end = self.escape(in_class=True) if end_char == "\\" else Lit(end_char)
                if not isinstance(member, Lit) or not isinstance(end, Lit):
                    raise _Unknown("bad range")
                low, high = ord(member.char), ord(end.char)
                if chars is not None and 0 <= high - low <= MAX_RANGE:
                    chars.update(chr(c) for c in range(low, high + 1))
                else:
                    chars = None
            elif isinstance(member, Lit):
                if chars is not None:
                    chars.add(member.char)
            else:
                chars = None
        return CharSet(None if negated or not chars else frozenset(chars))


@lru_cache(maxsize=4096)
def parse(pattern: str) -> Alternation | None:
    """The pattern's parse tree, or None where this parser does not model everything it uses
    (immutable, so kept: the literals, the branches and the backtracking bound all read it)."""
    parser = _Parser(pattern)
    try:
        tree = parser.alternation()
        if parser.at != len(pattern):
            raise _Unknown("unbalanced group")
    except _Unknown:
        return None
    return tree


# ---------------------------------------------------------------- requirements

@lru_cache(maxsize=4096)
def required_literals(pattern: str) -> tuple[frozenset[str], ...]:
    """Sets of strings such that every match of `pattern` contains a member of each set.

    Each part of a concatenation is required, so a reply must hold something from each. Only
    the most selective few are kept; [] when nothing can be told (for example under IGNORECASE).
    """
    tree = parse(pattern)
    if tree is None:
        return ()
    needs = [_simplest(need) for need in _alternation(tree)]
    return tuple(sorted(needs, key=_selectivity, reverse=True)[:MAX_GATES])


@lru_cache(maxsize=4096)
def required_branches(pattern: str) -> tuple[tuple[frozenset[str], ...], ...]:
    """The pattern's branches' requirements: every match contains a member of each set of at
    least one of the tuples. Alternations that make up a whole branch are opened in turn (a
    lexicon's families joined by `|`); a sequence is one branch. () when some branch promises no
    literal, or when nothing can be told."""
    tree = parse(pattern)
    found = _branches(tree) if tree is not None else None
    return tuple(found) if found else ()


def _branches(alternation: Alternation) -> list[tuple[frozenset[str], ...]] | None:
    out: list[tuple[frozenset[str], ...]] = []
    for items in alternation.branches:
        if len(items) == 1 and isinstance(items[0], Group):
            inner = _branches(items[0].body)
            if inner is None:
                return None
            out += inner
            continue
        needs = [_simplest(need) for need in _sequence(items)]
        if not needs:
            return None  # this branch can match without any literal
        out.append(tuple(sorted(needs, key=_selectivity, reverse=True)[:MAX_GATES]))
    return out


def _simplest(need: frozenset[str]) -> frozenset[str]:
    """Drop members that contain another member: text holding 我们 holds 我 anyway."""
    return frozenset(m for m in need if not any(o != m and o in m for o in need))


def _selectivity(need: AbstractSet[str]) -> tuple[int, int]:
    return (min(map(len, need)), -len(need))


def _sequence(items: tuple[Node, ...]) -> list[frozenset[str]]:
    """Every requirement of a concatenation: one per required part; adjacent literals join."""
    needs: list[frozenset[str]] = []
    run = ""
    for item in items:
        if isinstance(item, Lit):
            run += item.char
            continue
        if run:
            needs.append(frozenset({run}))
            run = ""
        needs += _node(item)
    if run:
        needs.append(frozenset({run}))
    return needs


def _alternation(alternation: Alternation) -> list[frozenset[str]]:
    if len(alternation.branches) == 1:
        return _sequence(alternation.branches[0])
    union: set[str] = set()
    for branch in alternation.branches:
        needs = _sequence(branch)
        if not needs:
            return []  # this branch can match without any literal
        union |= max(needs, key=_selectivity)
    return [frozenset(union)]


def _node(node: Node) -> list[frozenset[str]]:
    if isinstance(node, CharSet):
        return [node.chars] if node.chars else []
    if isinstance(node, Group):
        return _alternation(node.body)
    if isinstance(node, Repeat):
        return _sequence((node.item,)) if node.minimum >= 1 else []
    return []  # Opaque, ZeroWidth
