"""Checks of one authored regex (SC301-SC303, SC322, SC325), wherever it is written: a check or a family."""
from __future__ import annotations

import re
from functools import lru_cache

from ..play.backtracking import catastrophic
from .findings import Findings

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
WORD_BOUNDARY = re.compile(r"(?<!\\)(?:\\\\)*\\b")
LONG_REGEX = 300  # characters: longer than this, a regex is split into families (SC322)


@lru_cache(maxsize=4096)
def compiled(pattern: str) -> re.Pattern[str] | re.error:
    try:
        return re.compile(pattern)
    except re.error as error:
        return error


def regex_problems(pattern: str, where: tuple, report: Findings) -> int:
    """Report what is wrong with `pattern`, written at `where`; the number of errors (warnings not counted)."""
    if len(pattern) > LONG_REGEX:
        report.add("SC322", f"正则有 {len(pattern)} 个字符（超过 {LONG_REGEX}），难以审阅：把其中的说法提成词族"
                   "（lexicon.families），用 family、seq、near 组合", where)
    result = compiled(pattern)
    if isinstance(result, re.error):
        report.add_inside("SC301", f"正则表达式无法编译：{result.msg}", where, pattern, result.pos)
        return 1
    for match in WORD_BOUNDARY.finditer(pattern):
        at = match.end() - 2
        before, after = pattern[at - 1:at], pattern[at + 2:at + 3]
        if CJK.match(before) or CJK.match(after):
            report.add_inside("SC302", "\\b 紧挨着中文字符：中文字之间没有“单词边界”，这里永远匹配不上",
                              where, pattern, at)
        elif CJK.search(pattern):
            report.add_inside("SC302", "\\b 用在含中文的正则中：中文字之间没有“单词边界”，可能永远匹配不上",
                              where, pattern, at)
    if result.search("") is not None:
        report.add("SC303", f"正则表达式 {pattern!r} 能匹配空字符串，检查形同虚设", where)
        return 1
    reason = catastrophic(pattern)
    if reason:
        report.add("SC325", f"正则表达式 {pattern!r} 可能灾难性回溯（{reason}）：某些回复会让评分卡住，"
                   "请改写，例如把 (a+)+ 写成 a+", where)
        return 1
    return 0
