"""Cited facts (SC401-SC407, SC411): every legal claim the library makes rests on a checked fact.

A scenario declares its facts (`facts:`): statute words (checked in statutes.py), in-story
documents, numbers (number_facts.py). Nodes cite them (`cites:`), and every legal claim a
trainee-facing text makes (《法规》, a law's name, 第X条, a time limit, 时效) must be backed by a
fact its node cites (SC406). Cited ids must exist (SC405); declared facts must be used (SC407).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from ..content.model import Fact, Rubric, Scenario
from ..content.references import ARTICLE_REF, References, short_title
from .claims import Claim, legal_claims, speaks_of, time_limits
from .findings import Findings, did_you_mean
from .number_facts import NumberFacts, check_number_fact
from .numbers import FAMILY_LABELS, Span, mentions
from .statutes import REGULATION, check_document, check_statute
from .texts import Text

LIMIT_UNITS = {"日": "日", "工作日": "个工作日", "月": "个月", "年": "年"}
PASSED_ON = re.compile(r"转送|转交|转给|转到|转过去|转去|交办|转办")
TOLD = re.compile(r"告知|告诉|答复|通知")
CLAUSE_END = re.compile(r"[，。；！？,;!?\n]")
DIRECT = "第二十三条第二款"  # the body the petitioner came to handles the matter itself: one 15 days


def check_facts(scenario: Scenario, texts: tuple[Text, ...], rubric: Rubric | None, references: References | None,
                report: Findings) -> None:
    """SC401-SC407 and SC411 for one scenario (`texts`: its scenario_texts); statute words need `references`."""
    numbers = NumberFacts(scenario)
    for fact_id, fact in scenario.facts.items():
        where = ("facts", fact_id)
        if fact.law is not None and references is not None:
            check_statute(fact.law, fact.article or "", fact.quote or "", where, references, report)
        if fact.document is not None:
            check_document(fact, texts, where, report)
        if fact.says is not None:
            check_number_fact(fact_id, fact, numbers, where, report)
        if rubric is not None:
            _criteria(fact, rubric, where, report)
    cited = _cites(scenario, report)
    _claims(scenario, texts, references, report)
    _unused(scenario, texts, numbers, cited, report)


def _criteria(fact: Fact, rubric: Rubric, where: tuple, report: Findings) -> None:
    for index, criterion in enumerate(fact.criteria):
        if criterion not in rubric.by_id:
            report.add("SC206", f"评分标准 '{rubric.id}' 中没有评分项 '{criterion}'"
                       f"{did_you_mean(criterion, rubric.by_id)}", where + ("criteria", index))


def _cites(scenario: Scenario, report: Findings) -> set[str]:
    cited: set[str] = set()
    places: list[tuple[tuple, tuple[str, ...]]] = [(("cites",), scenario.cites)]
    places += [(("nodes", node_id, "cites"), node.cites) for node_id, node in scenario.nodes.items()]
    for where, ids in places:
        for index, fact_id in enumerate(ids):
            if fact_id in scenario.facts:
                cited.add(fact_id)
            else:
                report.add("SC405", f"引用了未声明的事实 '{fact_id}'{did_you_mean(fact_id, scenario.facts)}",
                           where + (index,))
    return cited


def _claims(scenario: Scenario, texts: tuple[Text, ...], references: References | None, report: Findings) -> None:
    names = {f.law or f.document or "" for f in scenario.facts.values() if f.law or f.document}
    names |= {law.title for law in references.laws} if references is not None else set()
    ordered = tuple(sorted(names))
    for text in texts:
        if text.role != "asserted":
            continue
        cited = [scenario.facts[c] for c in text.cites if c in scenario.facts]
        claims = legal_claims(text.text, ordered)
        _two_fifteens(text, claims, cited, report)
        for claim in claims:
            if not _backs(claim, cited):
                scope = f"节点 '{text.node}' 的 cites" if text.node else "场景的 cites"
                report.add_in_text("SC406", f"{_describe(claim)}没有出处：{scope} 中没有说到它的事实"
                                   "（在 facts 中声明法条与原文，再写进 cites）", text.where, text.text, claim.start)


def _backs(claim: Claim, facts: Iterable[Fact]) -> bool:
    """Whether one of the cited facts says what the claim states."""
    for fact in facts:
        name = short_title(fact.law or fact.document or "")
        article = ARTICLE_REF.match(fact.article or "")
        if not name:
            continue
        if claim.kind == "law" and name == claim.law:
            return True
        if claim.kind == "article" and article and article.group(1) == claim.article and claim.law in ("", name):
            return True
        if claim.kind == "limit" and claim.limit in time_limits(fact.quote or "") \
                and speaks_of((fact.quote or "") + (fact.law or ""), claim.procedures):
            return True
        if claim.kind == "period" and "时效" in (fact.quote or ""):
            return True
    return False


def _two_fifteens(text: Text, claims: tuple[Claim, ...], cited: list[Fact], report: Findings) -> None:
    """A matter passed on (转送) has two 15-day periods, not one: 第二十二条 for the petition office,
    第二十三条第三款 for the body that receives it. One 15 days is right only where the body the
    petitioner came to handles the matter itself (第二十三条第二款), which the node then cites."""
    fifteens = [c for c in claims if c.kind == "limit" and c.limit == (15.0, "日")]
    if len(fifteens) != 1 or not PASSED_ON.search(text.text):
        return
    start = fifteens[0].start
    clause = CLAUSE_END.split(text.text[start:], maxsplit=1)[0]
    if not (TOLD.search(clause) and "受理" in clause):
        return  # a 15 days that is not the answer on acceptance (「最多再延长15日」)
    if any(short_title(f.law or "") == REGULATION and (f.article or "").startswith(DIRECT) for f in cited):
        return
    report.add_in_text("SC411", "转送的事项有两个15日：信访部门15日内转送（条例第二十二条），有权处理的机关收到后15日内"
                       "书面告知是否受理（第二十三条第三款），从来访算起最长约一个月；只说一个15日会让来访人白等",
                       text.where, text.text, start)


def _describe(claim: Claim) -> str:
    if claim.kind == "limit" and claim.limit is not None:
        number, unit = claim.limit
        return f"时限「{claim.text}」（{Span(number, number).shown()}{LIMIT_UNITS[unit]}）"
    if claim.kind == "period":
        return "「时效」"
    if claim.kind == "article":
        return f"条文「{claim.law + claim.article}」"
    return f"法规「{claim.law}」"


def _unused(scenario: Scenario, texts: tuple[Text, ...], numbers: NumberFacts, cited: set[str],
            report: Findings) -> None:
    mentioned: set[str] = set()
    for text in texts:
        if text.role != "wrong":
            for mention in mentions(text.text):
                mentioned.update(numbers.matches(mention))
    parts = numbers.parts
    for fact_id, fact in scenario.facts.items():
        if fact.says is None and fact_id not in cited:
            report.add("SC407", f"事实 '{fact_id}' 没有被任何 cites 引用", ("facts", fact_id), key=True)
        elif fact.says is not None and fact_id not in mentioned and fact_id not in parts:
            label = FAMILY_LABELS.get(numbers.family(fact_id) or "", "数字")
            report.add("SC407", f"数字事实 '{fact_id}'（{label}「{fact.says}」）在场景的文字中没有出现",
                       ("facts", fact_id), key=True)
