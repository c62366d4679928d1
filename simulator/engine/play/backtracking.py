"""How much backtracking a regex can cost, read from its structure (the tree of `literals.parse`).

Python's engine backtracks: a pattern that can match the same text in many ways tries them all
before it gives up. Two questions are answered here, both without running the pattern:

- `catastrophic(pattern)`: a reason when the pattern is exponential on some input (a repeated
  group whose body is itself a repeat the rest of the body cannot stop, as in `(a+)+` or
  `(\\w+\\s?)*`; or a repeated choice between branches that match the same text, as in `(a|a)*`).
  The validator reports it as an error (SC325).
- `degree(pattern)`: for any other pattern, how the work grows with the reply's length n: about
  n^(degree + 1) steps in the worst case (each unbounded repeat adds one); None when it cannot be
  bounded (exponential risk, or constructs the parser does not model). Scoring runs a pattern
  on Python's `re` only where that bound is small for the reply at hand, and under a time budget
  otherwise (`budget.py`).
"""
from __future__ import annotations

from functools import lru_cache

from .literals import Alternation, CharSet, Group, Lit, Node, Repeat, ZeroWidth, parse

ANY = None  # a first-character set that may hold any character
LONG_REPEAT = 50  # a bounded repeat this long costs like an unbounded one
FEW = 4  # a repeat of at most this many turns multiplies the work by a constant, whatever it repeats


def _children(node: Node | Alternation) -> list[Node]:
    if isinstance(node, Alternation):
        return [item for branch in node.branches for item in branch]
    if isinstance(node, Group):
        return _children(node.body)
    if isinstance(node, Repeat):
        return [node.item]
    if isinstance(node, ZeroWidth) and node.body is not None:
        return _children(node.body)
    return []


def _walk(node: Node | Alternation):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(_children(current))


def _nullable(node: Node | tuple[Node, ...] | Alternation) -> bool:
    """Whether it can match the empty string."""
    if isinstance(node, tuple):
        return all(_nullable(item) for item in node)
    if isinstance(node, Alternation):
        return any(_nullable(branch) for branch in node.branches)
    if isinstance(node, Group):
        return _nullable(node.body)
    if isinstance(node, Repeat):
        return node.minimum == 0 or _nullable(node.item)
    return isinstance(node, ZeroWidth)


def _varies(node: Node) -> bool:
    """Whether it is (or holds) a repeat of more than one iteration: its match length can vary."""
    return any(isinstance(n, Repeat) and (n.maximum is None or n.maximum > 1) for n in _walk(node))


def _first(items: tuple[Node, ...]) -> frozenset[str] | None:
    """Characters a match of the sequence can start with; ANY when it cannot be told."""
    found: set[str] = set()
    for item in items:
        head = _head(item)
        if head is ANY:
            return ANY
        found |= head
        if not _nullable(item):
            return frozenset(found)
    return frozenset(found)


def _head(node: Node) -> frozenset[str] | None:
    if isinstance(node, Lit):
        return frozenset(node.char)
    if isinstance(node, CharSet):
        return node.chars  # None when negated or broad
    if isinstance(node, ZeroWidth):
        return frozenset()
    if isinstance(node, Group):
        heads = [_first(branch) for branch in node.body.branches]
        return ANY if any(h is ANY for h in heads) else frozenset().union(*heads)  # type: ignore[arg-type]
    if isinstance(node, Repeat):
        return _head(node.item)
    return ANY  # Opaque: `.`, `\d`, a back reference


def _overlap(a: frozenset[str] | None, b: frozenset[str] | None) -> bool:
    return a is ANY or b is ANY or bool(a & b)


def _ambiguous_choice(body: Alternation) -> bool:
    """Whether repeating this choice can split one text in several ways: two branches match the
    same text (the same branch twice; two one-character branches with a character in common), or
    a literal branch is a run of other branches (`aa` in `(a|aa)`)."""
    branches = body.branches
    for i, left in enumerate(branches):
        for right in branches[i + 1:]:
            if left == right:
                return True
            single = len(left) == 1 and len(right) == 1 and not _varies(left[0]) and not _varies(right[0])
            if single and _overlap(_head(left[0]), _head(right[0])):
                return True
    words = [_literal(branch) for branch in branches]
    pieces = {w for w in words if w}
    return any(w and _splits(w, pieces - {w}) for w in words)


def _literal(branch: tuple[Node, ...]) -> str | None:
    chars = [item.char for item in branch if isinstance(item, Lit)]
    return "".join(chars) if len(chars) == len(branch) else None


def _splits(word: str, pieces: set[str]) -> bool:
    """Whether `word` is a concatenation of two or more `pieces` (or of itself plus more)."""
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        reachable[end] = any(reachable[end - len(p)] for p in pieces if word[:end].endswith(p))
    return reachable[-1]


def _repeat_reason(repeat: Repeat) -> str | None:
    """Why repeating this item many times can split one text in exponentially many ways."""
    if repeat.maximum is not None and repeat.maximum < 2:
        return None
    item = repeat.item
    body = item.body if isinstance(item, Group) else Alternation(((item,),))
    if len(body.branches) > 1 and _ambiguous_choice(body):
        return "重复的分组中有能匹配相同文字的分支（如 (a|a)*）"
    for branch in body.branches:
        for index, part in enumerate(branch):
            if _varies(part) and _nullable(branch[:index] + branch[index + 1:]):
                return "量词套量词：重复的分组里只有一段可长可短的重复（如 (a+)+、(\\w+\\s?)*）"
    return None


@lru_cache(maxsize=4096)
def catastrophic(pattern: str) -> str | None:
    """Why the pattern can take exponential time on some reply, or None."""
    tree = parse(pattern)
    if tree is None:
        return None
    for node in _walk(tree):
        if isinstance(node, Repeat):
            reason = _repeat_reason(node)
            if reason:
                return reason
    return None


@lru_cache(maxsize=4096)
def degree(pattern: str) -> int | None:
    """How many unbounded repeats can run one after another (work grows as length ** (degree + 1));
    None where no such bound holds (a repeat of something that can itself match in several ways)."""
    tree = parse(pattern)
    if tree is None or catastrophic(pattern):
        return None
    return _degree(tree)


def _degree(node: Node | Alternation) -> int | None:
    if isinstance(node, Alternation):
        found = [_sequence_degree(branch) for branch in node.branches]
        return None if None in found else max(found, default=0)  # type: ignore[type-var]
    if isinstance(node, Group):
        return _degree(node.body)
    if isinstance(node, ZeroWidth):
        return 0 if node.body is None else _degree(node.body)
    if isinstance(node, Repeat):
        inner = _degree(node.item)
        if inner is None:
            return None
        if node.maximum is not None and node.maximum <= FEW:
            return inner * node.maximum  # (国家|有关){0,2}: a few turns of a choice, a constant factor
        if inner != 0 or _varies(node.item) or _has_choice(node.item):
            return None  # many turns of something that can match in several ways: no small bound
        return 1 if node.maximum is None or node.maximum > LONG_REPEAT else 0
    return 0


def _sequence_degree(items: tuple[Node, ...]) -> int | None:
    total = 0
    for item in items:
        found = _degree(item)
        if found is None:
            return None
        total += found
    return total


def _has_choice(node: Node) -> bool:
    return any(isinstance(n, (Group, ZeroWidth)) and _choices(n) for n in _walk(node))


def _choices(node: Group | ZeroWidth) -> bool:
    body = node.body
    return body is not None and len(body.branches) > 1
