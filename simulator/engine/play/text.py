"""Chinese text handling: normalisation, phrase matching and the negation guard.

Matching happens on normalised text, but every span is reported in the original reply's
indices, so the UI can highlight exactly the words the trainee typed.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

QUOTES = "\"'“”‘’「」『』《》〈〉‹›«»`"
CLAUSE_BREAKS = ",。.!?;:…\n"
SENTENCE_BREAKS = "。.!?…\n"
GUARD_WINDOW = 8

NEGATORS = re.compile(r"并非|绝非|[不没未别无勿莫甭]")
# Words that contain a negator character but negate nothing; removed before counting.
LEXICAL = re.compile(
    "对不起|不好意思|不客气|不要紧|没关系|没事儿?|不错|不用谢|差不多|不仅|不但|不管|不论|无论|不断|"
    "不少|不同|不久|不过|别人|别的|别处|无须|不妨|了不起|来不及|忍不住|禁不住|免不了|少不了|不得不|"
    "无偿|无障碍|未来|未成年|没想到|不一定|毫无疑问|万无一失|要不然|要不|不然|没了|"
    # Adjectives that carry their own 不 (不服气, 不放心) describe; they govern nothing after them.
    "不服气|不服|不满意|不满|不舒服|不容易|不好受|不高兴|不放心|不合理|不公平|不方便|不甘心|不像话|"
    # Potential complements (放心不下, 等不起, 睡不着, 受不了) negate their own verb only.
    "[\u4e00-\u9fff]不[起下着住了通惯完动]"
)
# A-not-A questions (堵不堵, 有没有, 能不能) ask; they negate nothing.
A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")
# A potential complement right after a verb negates it: 撤不了, 理解不了, 放心不下.
NEGATED_AFTER = re.compile(r"[不没](?:了|掉|成|动|到|下|起)")
RETRACTION = re.compile("不对|不该|不应该|道歉|抱歉|对不起|绝不|决不|不会|不能|不许|不准|禁止|错了|不礼貌|不妥")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Normalized:
    """Normalised text and, for each of its characters, the index it came from in the original."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int, original: str) -> tuple[int, int, str]:
        """Map a normalised [start, end) back to the original reply."""
        if start >= end or not self.origin:
            return (0, 0, "")
        first = self.origin[start]
        last = self.origin[end - 1] + 1
        return (first, last, original[first:last])


@lru_cache(maxsize=8192)
def _char_form(char: str) -> str:
    if char in QUOTES:
        return '"'
    form = unicodedata.normalize("NFKC", char).lower()
    return "…" if form == "..." and char in "…⋯" else form


# One-to-one replacements that cover what most replies need (full-width ASCII forms, quote
# marks, capitals), so the common case is two C-level passes instead of a loop per character.
_ONE_TO_ONE = {
    **{0xFF01 + i: chr(0x21 + i).lower() for i in range(94)},
    **{ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
    **{ord(q): '"' for q in QUOTES},
}
_SPACE = re.compile(r"\s")


def normalize(text: str) -> Normalized:
    """NFKC per character, lowercased, quote marks unified, whitespace collapsed."""
    quick = text.translate(_ONE_TO_ONE)
    if not _SPACE.search(quick) and quick.lower() == quick and unicodedata.is_normalized("NFKC", quick):
        return Normalized(quick, tuple(range(len(text))))
    return normalize_slowly(text)


def normalize_slowly(text: str) -> Normalized:
    """The reference definition, one character at a time; `normalize` takes a shortcut when it can."""
    chars: list[str] = []
    origin: list[int] = []
    pending_space = -1
    for index, char in enumerate(text):
        if char.isspace() and char != "\n":
            pending_space = index if pending_space < 0 else pending_space
            continue
        form = _char_form(char)
        if not form:
            continue
        if pending_space >= 0:
            if chars and not (CJK.match(chars[-1]) or CJK.match(form[0])) and chars[-1] != "\n":
                chars.append(" ")
                origin.append(pending_space)
            pending_space = -1
        for piece in form:
            if piece.isspace() and piece != "\n":
                continue
            chars.append(piece)
            origin.append(index)
    return Normalized("".join(chars), tuple(origin))


def normalize_text(text: str) -> str:
    return normalize(text).text


def _clause_start(text: str, position: int) -> int:
    return max(text.rfind(c, 0, position) for c in CLAUSE_BREAKS) + 1


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(c, 0, start) for c in SENTENCE_BREAKS) + 1
    rights = [i for i in (text.find(c, end) for c in SENTENCE_BREAKS) if i >= 0]
    return left, min(rights, default=len(text))


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of text that holds text[start:end] (its bounds, without the closing mark)."""
    return _sentence(text, start, end)


def is_negated(text: str, start: int, end: int) -> bool:
    """Whether a match at text[start:end] is negated or merely quoted in a retraction.

    Only what stands before the match in its own clause counts, so a phrase that itself begins
    with a negator (别着急, 不知道) is judged by its context, not by its first character.
    """
    clause_from = max(_clause_start(text, start), start - GUARD_WINDOW)
    before = LEXICAL.sub("", A_NOT_A.sub("", text[clause_from:start]))
    if len(NEGATORS.findall(before)) % 2 == 1 or NEGATED_AFTER.match(text, end):
        return True
    left, right = _sentence(text, start, end)
    quotes_before = text.count('"', left, start)
    if quotes_before % 2 == 1 and '"' in text[end:right]:
        outside = text[left:start] + text[end:right]
        return bool(RETRACTION.search(LEXICAL.sub("", outside.replace("对不起", "道歉"))))
    return False


class PhraseMatcher:
    """All phrases of a list compiled into one pattern (a character trie), found in one pass.

    The pattern sits in a lookahead, so matches may overlap: at every position the longest
    phrase starting there is reported.
    """

    def __init__(self, phrases: tuple[str, ...]):
        self.phrases = tuple(sorted({normalize_text(p) for p in phrases if normalize_text(p)}))
        trie = trie_pattern(self.phrases) if self.phrases else ""
        # A plain search first: most replies contain none of a list's phrases, and a pattern
        # that starts with literals is scanned far faster than a lookahead tried at each position.
        self.gate = re.compile(trie) if trie else None
        self.pattern = re.compile("(?=(" + trie + "))") if trie else None

    def find(self, text: str) -> list[tuple[int, int]]:
        if self.gate is None or self.pattern is None or self.gate.search(text) is None:
            return []
        return [(m.start(1), m.end(1)) for m in self.pattern.finditer(text)]


def trie_pattern(phrases: tuple[str, ...]) -> str:
    """One regex for a set of literal strings, factored by shared prefixes so it scans fast."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = True

    def build(node: dict) -> str:
        ends_here = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends_here:
            # Greedy optional tail: the longest phrase wins, a shorter one still matches.
            return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
        return body

    return build(trie)


@lru_cache(maxsize=2048)
def phrase_matcher(phrases: tuple[str, ...]) -> PhraseMatcher:
    return PhraseMatcher(phrases)


@lru_cache(maxsize=2048)
def compile_regex(pattern: str) -> re.Pattern[str]:
    """Compile an authored pattern for matching, with its plain groups made non-capturing.

    Only whole-match spans are ever used, and capture bookkeeping costs Python's engine about a
    third of its time on the rubric's alternation-heavy patterns. Patterns that refer back to a
    group by number keep their groups.
    """
    if re.search(r"\\[1-9]", pattern):
        return re.compile(pattern)
    try:
        return re.compile(without_captures(pattern))
    except re.error:
        return re.compile(pattern)


def without_captures(pattern: str) -> str:
    """`(` that opens a plain capturing group becomes `(?:`; escapes and classes are left alone."""
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index:index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            out.append(char)
            index += 1
            # A ']' right after '[' or '[^' is a literal member, not the end of the class.
            if pattern[index:index + 1] == "^":
                out.append("^")
                index += 1
            if pattern[index:index + 1] == "]":
                out.append("]")
                index += 1
            continue
        elif char == "(" and pattern[index + 1:index + 2] != "?":
            out.append("(?:")
            index += 1
            continue
        out.append(char)
        index += 1
    return "".join(out)


QUESTION = re.compile(
    r"\?|[吗呢嘛][,。.!]|[吗呢嘛]$|什么|哪|谁|几[个天号时月年次位人点]|多少|多久|怎么|怎样|如何|为什么|为啥|啥|是否|"
    r"有没有|是不是|能不能|可不可以|对不对|好不好|行不行|要不要"
)


def has_question(text: str) -> bool:
    return QUESTION.search(text) is not None


def bigrams(text: str) -> frozenset[str]:
    chars = [c for c in text if not c.isspace() and c not in CLAUSE_BREAKS and c != '"']
    return frozenset(a + b for a, b in itertools.pairwise(chars))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams: robust for Chinese, where words are unspaced."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))
