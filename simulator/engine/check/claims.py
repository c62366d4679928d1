"""Legal claims in a text: a law by name (《…》 or a shipped title), an article (第X条), a time limit.

A time limit is a number of days, working days, months or years said as a limit (「15日内」「六个月内」
「延长不超过30日」) or next to 时效; its number and unit must appear in the words of a cited fact.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from ..content.references import short_title
from .numbers import NUMBER, exact

ARTICLE = re.compile(r"第([零〇一二两三四五六七八九十百千]+)条")
BRACKETED = re.compile(r"《([^《》]{2,40})》")
TIME = rf"({NUMBER})(个工作日|工作日|个月|日|天|月|年)"
PERIOD = r"(?:仲裁|诉讼|起诉)?(?:时效|上诉期|申请期限|期限)(?:期间)?"
LIMIT = re.compile(rf"(?:(不超过|不得超过|最多|最长|延长|{PERIOD}(?:是|为|只有|有|就)?)\s*)?{TIME}(内|以内|之内)?"
                   rf"(?:的?((?:仲裁|诉讼|起诉)?时效))?")
CLAUSE_MARKS = "，。；！？,;!?\n、：:（）()—"
UNIT_NAMES = {"个工作日": "工作日", "工作日": "工作日", "个月": "月", "月": "月", "日": "日", "天": "日", "年": "年"}


# A limit said of a procedure must be backed by words about that procedure: 「上诉期是15日」 is not the
# petition office's 15 days. Each group names one procedure; the law's title counts as its words.
PROCEDURES = (("上诉",), ("再审",), ("复议",), ("仲裁",), ("诉讼", "起诉", "官司"), ("鉴定",))


class Claim(NamedTuple):
    """One legal statement in a text, and what a cited fact must have to back it."""

    kind: str  # "law" | "article" | "limit" | "period"
    text: str  # the words as written, for the message
    start: int
    law: str = ""  # short title, for "law" and (when named) "article"
    article: str = ""  # 第X条, for "article"
    limit: tuple[float, str] | None = None  # (number, unit) for "limit"
    procedures: tuple[tuple[str, ...], ...] = ()  # for "limit": the procedures its clause speaks of


def _clause(text: str, at: int) -> str:
    """The clause (between commas and stops) around position `at`."""
    start = max(text.rfind(mark, 0, at) for mark in CLAUSE_MARKS) + 1
    ends = [i for i in (text.find(mark, at) for mark in CLAUSE_MARKS) if i >= 0]
    return text[start:min(ends) if ends else len(text)]


def _procedures(words: str) -> tuple[tuple[str, ...], ...]:
    return tuple(group for group in PROCEDURES if any(word in words for word in group))


def speaks_of(words: str, procedures: tuple[tuple[str, ...], ...]) -> bool:
    """Whether statute words (quote and law title) speak of one of the procedures named, if any are."""
    return not procedures or any(word in words for group in procedures for word in group)


@lru_cache(maxsize=1024)
def time_limits(text: str) -> frozenset[tuple[float, str]]:
    """Every (number, unit) of time a text names, as statute words put it (「在15日内」「时效期间为二年」)."""
    found: set[tuple[float, str]] = set()
    for match in re.finditer(TIME, text):
        value = exact(match.group(1))
        if value is not None:
            found.add((value, UNIT_NAMES[match.group(2)]))
    return frozenset(found)


def legal_claims(text: str, law_names: Iterable[str]) -> tuple[Claim, ...]:
    """The legal statements of a trainee-facing text, in order."""
    return _claims(text, tuple(law_names))


@lru_cache(maxsize=256)
def _names_pattern(law_names: tuple[str, ...]) -> re.Pattern[str] | None:
    """One alternation of the laws' names, longest first (「劳动争议调解仲裁法」 before 「仲裁法」)."""
    names = sorted({short_title(n) for n in law_names if len(short_title(n)) >= 3}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names))) if names else None


@lru_cache(maxsize=8192)
def _claims(text: str, law_names: tuple[str, ...]) -> tuple[Claim, ...]:
    claims: list[Claim] = []
    bare = _names_pattern(law_names)
    named: list[tuple[int, int, str]] = []  # (start, end, short title) of every law named
    for match in BRACKETED.finditer(text):
        named.append((match.start(), match.end(), short_title(match.group(1))))
    if bare is not None:
        for match in bare.finditer(text):
            if not any(a <= match.start() < b for a, b, _ in named):
                named.append((match.start(), match.end(), match.group(0)))
    for start, end, law in sorted(named):
        claims.append(Claim("law", text[start:end], start, law=law))
    for match in ARTICLE.finditer(text):
        law = next((name for a, b, name in named if b <= match.start() <= b + 1), "")
        claims.append(Claim("article", match.group(0), match.start(), law=law, article=match.group(0)))
    limits: list[tuple[int, int]] = []
    for match in LIMIT.finditer(text):
        if not (match.group(1) or match.group(4) or match.group(5)):
            continue
        value = exact(match.group(2))
        if value is not None:
            limits.append((match.start(), match.end()))
            claims.append(Claim("limit", match.group(0), match.start(), limit=(value, UNIT_NAMES[match.group(3)]),
                                procedures=_procedures(_clause(text, match.start()))))
    for match in re.finditer("时效", text):
        if not any(a <= match.start() < b for a, b in limits):
            claims.append(Claim("period", "时效", match.start()))
    return tuple(sorted(claims, key=lambda c: c.start))
