"""Rubric checks (SC206 for tests, SC301-SC312, SC320-SC324, SC330-SC332): regexes, vacuous checks,
dimensions, golden tests, the lexicon (`lexicon.py`), and the learned layer (its weights load, and hold a
model and thresholds for every rule).

Vacuity is decided by structure, never by running the scorer: a check "passes on absence" when
the empty reply satisfies it (a `not_*` list, `question: false`, `length` from 0, `similar: 0`,
and combinators built from such parts).
"""
from __future__ import annotations

from collections.abc import Iterator

from ..content.model import (
    AllCheck,
    AnyCheck,
    AtLeastCheck,
    FamilyCheck,
    LengthCheck,
    NearCheck,
    NotCheck,
    NotPhrasesCheck,
    NotRegexCheck,
    PhrasesCheck,
    QuestionCheck,
    RegexCheck,
    Rubric,
    SeqCheck,
    SimilarCheck,
)
from ..play.learned.model import WeightsError, load_model
from ..play.text import normalize_text
from ..play.verdicts import plan
from .findings import Findings, did_you_mean
from .lexicon import check_lexicon, check_lexicon_check, check_unused
from .patterns import regex_problems

REQUIRED_DIMENSIONS = {"listening": "倾听", "impartiality": "公正", "communication": "沟通"}


def walk_checks(check, where: tuple) -> Iterator[tuple[object, tuple]]:
    """Every check in a tree with its data path, parents first."""
    yield check, where
    for key in ("any", "all", "of"):
        children = getattr(check, key, None)
        if isinstance(children, tuple):
            for index, child in enumerate(children):
                yield from walk_checks(child, where + (key, index))
    if isinstance(check, NotCheck):
        yield from walk_checks(check.negated, where + ("not",))


def passes_on_empty(check) -> bool:
    """Whether the empty reply satisfies the check, judged from its structure alone."""
    if isinstance(check, (NotPhrasesCheck, NotRegexCheck)):
        return True
    if isinstance(check, QuestionCheck):
        return not check.question
    if isinstance(check, LengthCheck):
        return check.length.min <= 0
    if isinstance(check, SimilarCheck):
        return check.similar <= 0
    if isinstance(check, AnyCheck):
        return any(passes_on_empty(child) for child in check.any)
    if isinstance(check, AllCheck):
        return all(passes_on_empty(child) for child in check.all)
    if isinstance(check, AtLeastCheck):
        return sum(passes_on_empty(child) for child in check.of) >= check.at_least
    if isinstance(check, NotCheck):
        return not passes_on_empty(check.negated)
    return False  # phrases, regex and lexicon checks need something said (empty ones are SC304/SC303)


def check_rubric(rubric: Rubric, report: Findings) -> None:
    criteria = rubric.criteria
    if not criteria:
        report.add("SC304", "评分标准没有任何评分项", ("criteria",), key=True)
    missing = [f"{key}（{label}）" for key, label in REQUIRED_DIMENSIONS.items() if key not in rubric.dimensions]
    if missing:
        report.add("SC306", f"缺少必需的维度：{'、'.join(missing)}", ("dimensions",), key=True)
    usable = check_lexicon(rubric, report)
    first_seen: dict[str, int] = {}
    for index, criterion in enumerate(criteria):
        where = ("criteria", index)
        if criterion.id in first_seen:
            line = report.marks.at(("criteria", first_seen[criterion.id], "id"))[0]
            report.add("SC309", f"评分项编号 '{criterion.id}' 重复（第 {line} 行已定义）", where + ("id",))
        else:
            first_seen[criterion.id] = index
        if criterion.dimension not in rubric.dimensions:
            report.add("SC305", f"维度 '{criterion.dimension}' 未在 dimensions 中定义"
                       f"{did_you_mean(criterion.dimension, rubric.dimensions)}", where + ("dimension",))
        _check_tree(rubric, criterion, where + ("check",), usable, report)
        _golden(rubric, criterion, where, report)
    check_unused(rubric, report)
    by_id = rubric.by_id
    for index, name in enumerate(rubric.default_expects):
        if name not in by_id:
            report.add("SC312", f"default_expects 中的 '{name}' 不是本评分标准的评分项{did_you_mean(name, by_id)}",
                       ("default_expects", index))
        elif by_id[name].kind != "credit":
            report.add("SC312", f"default_expects 中的 '{name}' 是扣分项；这里只能列加分项", ("default_expects", index))
    for t, test in enumerate(rubric.tests):
        for name in test.expect:
            if name not in by_id:
                report.add("SC206", f"测试 '{test.name or test.reply}' 引用了不存在的评分项 '{name}'"
                           f"{did_you_mean(name, by_id)}", ("tests", t, "expect", name), key=True)
    if rubric.learned is not None:
        _learned(rubric, report)


def _learned(rubric: Rubric, report: Findings) -> None:
    """The learned block: rules name criteria of this rubric; the weights load and cover every rule."""
    layer = rubric.learned
    assert layer is not None
    unknown = [name for name in layer.rules if name not in rubric.by_id]
    for name in unknown:
        report.add("SC331", f"learned.rules 中的 '{name}' 不是本评分标准的评分项{did_you_mean(name, rubric.by_id)}",
                   ("learned", "rules", name), key=True)
    try:
        load_model(layer.path(layer.weights))
    except WeightsError as error:
        report.add("SC330", str(error).replace(str(layer.path(layer.weights)), layer.weights), ("learned", "weights"))
        return
    if not unknown:
        try:
            plan(rubric, layer)
        except WeightsError as error:
            report.add("SC332", str(error), ("learned", "rules"))


def _check_tree(rubric: Rubric, criterion, where: tuple, usable: set[str], report: Findings) -> None:
    positive: dict[str, str] = {}
    negative: list[tuple[str, tuple]] = []
    for check, at in walk_checks(criterion.check, where):
        if isinstance(check, (PhrasesCheck, NotPhrasesCheck)):
            key = "phrases" if isinstance(check, PhrasesCheck) else "not_phrases"
            phrases = check.phrases if isinstance(check, PhrasesCheck) else check.not_phrases
            if not phrases:
                report.add("SC304", f"{key} 列表为空", at + (key,))
            for i, phrase in enumerate(phrases):
                normal = normalize_text(phrase).strip()
                if not normal:
                    report.add("SC304", f"{key} 中有空短语（会匹配任何回复）", at + (key, i))
                elif key == "phrases":
                    positive.setdefault(normal, phrase)
                else:
                    negative.append((normal, at + (key, i)))
        elif isinstance(check, (RegexCheck, NotRegexCheck)):
            key = "regex" if isinstance(check, RegexCheck) else "not_regex"
            regex_problems(getattr(check, key), at + (key,), report)
        elif isinstance(check, (FamilyCheck, SeqCheck, NearCheck)):
            check_lexicon_check(check, at, rubric, usable, report)
        elif isinstance(check, (AnyCheck, AllCheck)):
            key = "any" if isinstance(check, AnyCheck) else "all"
            if not getattr(check, key):
                report.add("SC304", f"{key} 的子条件列表为空", at + (key,))
        elif isinstance(check, AtLeastCheck) and check.at_least > len(check.of):
            report.add("SC304", f"at_least: {check.at_least} 大于子条件个数 {len(check.of)}，永远无法满足",
                       at + ("at_least",))
    for normal, at in negative:
        if normal in positive:
            report.add("SC307", f"短语「{positive[normal]}」同时出现在肯定（phrases）与否定（not_phrases）列表中", at)
    if passes_on_empty(criterion.check):
        if criterion.kind == "credit":
            report.add("SC310", f"加分项 '{criterion.id}' 对空回复也成立：只靠“没说某话”就能得分；"
                       "请加入必须说出的内容，或改为扣分项", where)
        else:
            report.add("SC311", f"扣分项 '{criterion.id}' 对空回复也会触发：扣分应针对说了什么，而不是没说什么",
                       where)


def _golden(rubric: Rubric, criterion, where: tuple, report: Findings) -> None:
    fires = bool(criterion.golden.fires)
    quiet = bool(criterion.golden.quiet)
    for test in rubric.tests:
        outcome = test.expect.get(criterion.id)
        fires = fires or outcome == "fires"
        quiet = quiet or outcome == "quiet"
    if not (fires and quiet):
        lacking = "、".join(name for name, ok in (("应触发（fires）", fires), ("不应触发（quiet）", quiet)) if not ok)
        report.add("SC308", f"评分项 '{criterion.id}' 缺少{lacking}的黄金测试", where + ("id",))
