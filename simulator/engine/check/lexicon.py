"""Lexicon checks (SC320-SC324): names that resolve, families that are well formed and tested.

The lexicon is a rubric's vocabulary: named phrase families and named gaps. These checks run
before anything is expanded, so every problem is reported at the family, gap or check item
an author wrote, not in a generated regex nobody wrote.
"""
from __future__ import annotations

import re

from ..content.model import FamilyCheck, NearCheck, Rubric, SeqCheck, SeqItem
from ..play.lexicon import Expander, LexiconError, is_reference, resolve
from ..play.text import normalize_text
from .findings import Findings, did_you_mean
from .patterns import regex_problems


def check_lexicon(rubric: Rubric, report: Findings) -> set[str]:
    """Report problems in the lexicon itself; returns the names of families that are safe to expand."""
    lexicon = rubric.lexicon
    where = ("lexicon",)
    for name in sorted(set(lexicon.families) & set(lexicon.gaps)):
        report.add("SC321", f"'{name}' 既是词族又是间隔：检查条件里无法区分，请改名", where + ("gaps", name), key=True)
    for name, gap in lexicon.gaps.items():
        if gap.max is not None and gap.min > gap.max:
            report.add("SC321", f"间隔 '{name}' 的 min（{gap.min}）大于 max（{gap.max}）", where + ("gaps", name))
    usable: set[str] = set()
    for name, family in lexicon.families.items():
        at = where + ("families", name)
        problems = 0
        if not (family.phrases or family.patterns or family.include):
            report.add("SC321", f"词族 '{name}' 是空的：至少要有 phrases、patterns 或 include 之一", at, key=True)
            problems += 1
        for index, phrase in enumerate(family.phrases):
            if not normalize_text(phrase).strip():
                report.add("SC304", f"词族 '{name}' 中有空短语（会匹配任何回复）", at + ("phrases", index))
                problems += 1
        for index, pattern in enumerate(family.patterns):
            problems += regex_problems(pattern, at + ("patterns", index), report)
        for index, other in enumerate(family.include):
            if other not in lexicon.families:
                hint = did_you_mean(other, lexicon.families)
                report.add("SC320", f"词族 '{name}' 并入了未定义的词族 '{other}'{hint}", at + ("include", index))
                problems += 1
        if not family.examples or not family.near_misses:
            lacking = "、".join(label for label, items in (("必中的例句（examples）", family.examples),
                                                         ("不该命中的近似说法（near_misses）", family.near_misses))
                               if not items)
            report.add("SC323", f"词族 '{name}' 缺少{lacking}", at, key=True)
        if not problems:
            usable.add(name)
    expander = Expander(lexicon)
    in_reported_cycle: set[str] = set()
    for name in [n for n in lexicon.families if n in usable]:
        try:
            expander.family(name)
        except LexiconError as error:
            if not in_reported_cycle & set(error.names):
                report.add("SC321", str(error), where + ("families", name), key=True)
            in_reported_cycle |= set(error.names)
            usable.discard(name)
            continue
        if re.search("(?:" + expander.family(name) + ")", "") is not None:
            report.add("SC303", f"词族 '{name}' 能匹配空字符串，引用它的检查形同虚设", where + ("families", name),
                       key=True)
            usable.discard(name)
    return usable


def check_unused(rubric: Rubric, report: Findings) -> None:
    """SC324 for every family or gap nothing refers to (skipped while a name does not resolve:
    the typo, not the family it was meant to name, is the problem to report)."""
    if any(d.code == "SC320" for d in report.found):
        return
    lexicon = rubric.lexicon
    used: set[str] = {other for family in lexicon.families.values() for other in family.include}
    for criterion in rubric.criteria:
        for check in _walk(criterion.check):
            if isinstance(check, FamilyCheck):
                used.add(check.family)
            elif isinstance(check, SeqCheck):
                used.update(_item_names(check.seq))
            elif isinstance(check, NearCheck):
                used.update(check.near)
                used.update(_item_names((check.within,)))
    for kind, names in (("gaps", lexicon.gaps), ("families", lexicon.families)):
        for name in names:
            if name not in used:
                what = "间隔" if kind == "gaps" else "词族"
                report.add("SC324", f"{what} '{name}' 没有被任何检查条件用到", ("lexicon", kind, name), key=True)


def _item_names(items: tuple[SeqItem, ...]) -> set[str]:
    names: set[str] = set()
    for item in items:
        if isinstance(item, (tuple, list)):
            names |= _item_names(tuple(item))
        elif isinstance(item, dict):
            for key, value in item.items():
                if key == "unless" and isinstance(value, (tuple, list)):
                    names |= _item_names(tuple(value))  # type: ignore[arg-type]
                else:
                    names.add(key)
        elif is_reference(item):
            names.add(item)
    return names


def _walk(check):
    """Every check in a tree, parents first."""
    yield check
    for key in ("any", "all", "of"):
        for child in getattr(check, key, None) or ():
            yield from _walk(child)
    negated = getattr(check, "negated", None)
    if negated is not None:
        yield from _walk(negated)


def check_lexicon_check(check, where: tuple, rubric: Rubric, usable: set[str], report: Findings) -> None:
    """Names in a family/seq/near check resolve; the sequence it stands for compiles and needs words."""
    lexicon = rubric.lexicon
    if isinstance(check, FamilyCheck):
        if check.family not in lexicon.families:
            report.add("SC320", f"未定义的词族 '{check.family}'{did_you_mean(check.family, _names(rubric))}",
                       where + ("family",))
        return
    if isinstance(check, NearCheck):
        broken = False
        for index, name in enumerate(check.near):
            if name not in lexicon.families:
                report.add("SC320", f"未定义的词族 '{name}'{did_you_mean(name, lexicon.families)}",
                           where + ("near", index))
                broken = True
        broken |= _items((check.within,), where, rubric, usable, report, within=True)
        key = "near"
    else:
        broken = _items(check.seq, where + ("seq",), rubric, usable, report)
        key = "seq"
    if broken:
        return
    refs = [resolve(item, lexicon) for item in getattr(check, "seq", ())]
    if refs and all(ref.kind in ("gap", "unless", "optional") for ref in refs):
        report.add("SC304", "seq 里只有间隔，没有要说出的词", where + ("seq",))
        return
    pattern = Expander(lexicon).pattern(check) or ""
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        report.add("SC301", f"{key} 拼成的正则无法编译：{error.msg}（检查各段的括号是否配对）", where + (key,))
        return
    if compiled.search("") is not None:
        report.add("SC303", f"这个 {key} 的每一项都可有可无，能匹配空字符串，检查形同虚设", where + (key,))


def _names(rubric: Rubric) -> set[str]:
    return set(rubric.lexicon.families) | set(rubric.lexicon.gaps)


def _items(items: tuple[SeqItem, ...], where: tuple, rubric: Rubric, usable: set[str], report: Findings,
           within: bool = False) -> bool:
    """Report every item that does not resolve; whether any did not."""
    broken = False
    for index, item in enumerate(items):
        at = where + (("within",) if within else (index,))
        try:
            ref = resolve(item, rubric.lexicon)
        except LexiconError as error:
            name = next(iter(item)) if isinstance(item, dict) and len(item) == 1 else str(item)
            report.add("SC320", f"{error}{did_you_mean(name, _names(rubric))}", at)
            broken = True
            continue
        if within and ref.kind != "gap":
            report.add("SC320", f"within 应为间隔名或 {{间隔名: 最多几个字}}，'{ref.name}' 不是间隔", at)
            broken = True
        elif ref.kind == "gap" and ref.high is not None and ref.low > ref.high:
            report.add("SC321", f"间隔 '{ref.name}' 在这里的上限 {ref.high} 小于下限 {ref.low}", at)
            broken = True
        elif ref.kind == "family" and ref.name not in usable:
            broken = True  # the family's own problem is reported at the family
        elif ref.kind == "unless":
            broken |= _items(ref.items, at + ("unless",), rubric, usable, report)
        elif ref.kind == "optional":
            broken |= _items(ref.items, at, rubric, usable, report)
        elif ref.kind == "pattern":
            broken |= regex_problems_inline(ref.name, at, report)
    return broken


def regex_problems_inline(pattern: str, where: tuple, report: Findings) -> bool:
    """An inline pattern of a sequence compiles on its own (a bracket may not span two items)."""
    try:
        re.compile(pattern)
    except re.error as error:
        report.add_inside("SC301", f"seq 中的这一段无法单独编译：{error.msg}", where, pattern, error.pos)
        return True
    return False
