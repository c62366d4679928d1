"""Cited facts (SC401-SC407): statutes quoted right, sums that add up, legal claims that are cited.

A legal fact must name a shipped law (SC401), an article of its excerpt (SC402) and words that
stand in that article (SC403). A number fact's wordings, value and arithmetic must agree (SC404).
Cited ids must exist (SC405). Every legal claim a trainee-facing text makes (《law》, 第X条, a
time limit, 时效) must be backed by a fact the text's node cites (SC406), and a declared fact
must be used (SC407). Rubric sources that cite a law are held to the same words (SC401-SC403).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from ..content.model import Fact, Rubric, Scenario
from ..content.references import ARTICLE_REF, References, short_title, squeeze
from .claims import Claim, legal_claims, time_limits
from .findings import Findings, did_you_mean
from .numbers import FAMILY_LABELS, Mention, Span, exact, mentions, wording
from .texts import Text, scenario_texts

RUBRIC_SOURCE = re.compile(r"^《?(?P<law>[^《》第]{2,40}?)》?(?P<article>第[零〇一二两三四五六七八九十百千]+条"
                           r"(?:第[一二三四五六七八九十]+款)?)")
LIMIT_UNITS = {"日": "日", "工作日": "个工作日", "月": "个月", "年": "年"}
PASSED_ON = re.compile(r"转送|转交|转给|转到|转过去|转去|交办|转办")
TOLD = re.compile(r"告知|告诉|答复|通知")


class NumberFacts:
    """The number facts of a scenario: each one's family and the ranges its wordings allow."""

    def __init__(self, scenario: Scenario):
        self.facts = {fid: f for fid, f in scenario.facts.items() if f.says is not None}
        self.said: dict[str, Mention | None] = {fid: wording(f.says or "") for fid, f in self.facts.items()}

    def family(self, fact_id: str) -> str | None:
        said = self.said.get(fact_id)
        return said.family if said else None

    def spans(self, fact_id: str) -> list[Span]:
        """Every range the fact may be stated as: its wording, its other wordings, its exact value."""
        fact = self.facts[fact_id]
        found = [m.span for m in (self.said[fact_id], *(wording(a) for a in fact.also)) if m is not None]
        if fact.value is not None:
            found.append(Span(fact.value, fact.value))
        return found

    def matches(self, mention: Mention) -> list[str]:
        return [fid for fid in self.facts if self.family(fid) == mention.family
                and any(mention.span.overlaps(span) for span in self.spans(fid))]

    def in_family(self, family: str) -> list[str]:
        return [fid for fid in self.facts if self.family(fid) == family]


def check_facts(scenario: Scenario, rubric: Rubric | None, references: References | None,
                report: Findings) -> None:
    numbers = NumberFacts(scenario)
    for fact_id, fact in scenario.facts.items():
        where = ("facts", fact_id)
        if fact.law is not None and references is not None:
            _statute(fact.law, fact.article or "", fact.quote or "", where, references, report)
        if fact.says is not None:
            _arithmetic(fact_id, fact, numbers, where, report)
        if rubric is not None:
            for index, criterion in enumerate(fact.criteria):
                if criterion not in rubric.by_id:
                    report.add("SC206", f"评分标准 '{rubric.id}' 中没有评分项 '{criterion}'"
                               f"{did_you_mean(criterion, rubric.by_id)}", where + ("criteria", index))
    cited = _cites(scenario, report)
    _claims(scenario, references, report)
    _unused(scenario, numbers, cited, report)


def _statute(law_name: str, article: str, quote: str, where: tuple, references: References,
             report: Findings, keys: tuple[str, str, str] = ("law", "article", "quote")) -> None:
    law = references.find(law_name)
    if law is None:
        report.add("SC401", f"没有收录法规「{law_name}」{did_you_mean(short_title(law_name), references.names)}"
                   "（收录的法规在 references/laws/）", where + (keys[0],))
        return
    if law.paragraphs(article) is None:
        head = ARTICLE_REF.match(article)
        what = "没有这一款" if head and head.group(1) in law.articles else "没有收录这一条"
        shipped = "、".join(list(law.articles)[:12]) + ("……" if len(law.articles) > 12 else "")
        report.add("SC402", f"《{law.short}》的摘录中{what}：{article}（收录的条目：{shipped}）", where + (keys[1],))
        return
    if not squeeze(quote) or not law.contains(article, quote):
        report.add("SC403", f"引文不在《{law.short}》{article}中：「{quote}」（须与原文一字不差，只统一空白）",
                   where + (keys[2],))


def _value_span(fact_id: str, numbers: NumberFacts, seen: frozenset[str] = frozenset()) -> Span | None:
    """What a number fact amounts to: its exact value, its parts' total, or its wording's range."""
    fact = numbers.facts.get(fact_id)
    if fact is None or fact_id in seen:
        return None
    if fact.value is not None:
        return Span(fact.value, fact.value)
    computed = _parts_span(fact, numbers, seen | {fact_id})
    if computed is not None:
        return computed
    said = numbers.said.get(fact_id)
    return said.span if said else None


def _parts_span(fact: Fact, numbers: NumberFacts, seen: frozenset[str]) -> Span | None:
    parts = fact.sum if fact.sum is not None else fact.product
    if not parts:
        return None
    total: Span | None = None
    for part in parts:
        name = part.removeprefix("-")  # 「-days_gone」: a part taken away
        value = exact(name)
        span = Span(value, value) if value is not None else _value_span(name, numbers, seen)
        if span is None:
            return None
        if name != part:
            span = Span(-span.high, -span.low)
        total = span if total is None else (total + span if fact.sum is not None else total.times(span))
    return total


def _arithmetic(fact_id: str, fact: Fact, numbers: NumberFacts, where: tuple, report: Findings) -> None:
    said = numbers.said[fact_id]
    if said is None:
        report.add("SC404", f"数字事实的说法「{fact.says}」里没有带单位的数字（如「两百多户」「六万三」「一百二十九平」）",
                   where + ("says",))
        return
    for index, other in enumerate(fact.also):
        form = wording(other)
        if form is None or form.family != said.family or not form.span.overlaps(said.span):
            report.add("SC404", f"「{other}」与「{fact.says}」说的不是同一个数", where + ("also", index))
    if fact.value is not None and not Span(fact.value, fact.value).overlaps(said.span):
        report.add("SC404", f"value {Span(fact.value, fact.value).shown()} 与说法「{fact.says}」"
                   f"（{said.span.shown()}）不符", where + ("value",))
    key = "sum" if fact.sum is not None else "product"
    parts = fact.sum if fact.sum is not None else fact.product
    if not parts:
        return
    for index, part in enumerate(parts):
        if exact(part.removeprefix("-")) is None and part.removeprefix("-") not in numbers.facts:
            report.add("SC405", f"'{part}' 既不是数字，也不是本场景声明的数字事实{did_you_mean(part, numbers.facts)}",
                       where + (key, index))
            return
    computed = _parts_span(fact, numbers, frozenset({fact_id}))
    if computed is None:
        return
    own = Span(fact.value, fact.value) if fact.value is not None else said.span
    if not computed.overlaps(own):
        sign = " + " if key == "sum" else " × "
        shown = sign.join(part if exact(part.removeprefix("-")) is not None
                          else f"{part}（{_shown(part.removeprefix('-'), numbers)}）" for part in parts)
        report.add("SC404", f"核算不成立：{shown} = {computed.shown()}，与「{fact.says}」"
                   f"（{own.shown()}）不符", where + (key,))


def _shown(fact_id: str, numbers: NumberFacts) -> str:
    span = _value_span(fact_id, numbers)
    return span.shown() if span else "?"


def _cites(scenario: Scenario, report: Findings) -> set[str]:
    cited: set[str] = set()
    places = [(("cites",), scenario.cites)] + [(("nodes", n, "cites"), node.cites) for n, node in scenario.nodes.items()]
    for where, ids in places:
        for index, fact_id in enumerate(ids):
            if fact_id in scenario.facts:
                cited.add(fact_id)
            else:
                report.add("SC405", f"引用了未声明的事实 '{fact_id}'{did_you_mean(fact_id, scenario.facts)}",
                           where + (index,))
    return cited


def _backs(claim: Claim, facts: Iterable[Fact]) -> bool:
    """Whether one of the cited facts says what the claim states."""
    for fact in facts:
        name = short_title(fact.law or fact.document or "")
        if not name:
            continue
        article = ARTICLE_REF.match(fact.article or "")
        if claim.kind == "law" and name == claim.law:
            return True
        if claim.kind == "article" and article and article.group(1) == claim.article \
                and claim.law in ("", name):
            return True
        if claim.kind == "limit" and claim.limit in time_limits(fact.quote or ""):
            return True
        if claim.kind == "period" and "时效" in (fact.quote or ""):
            return True
    return False


def _claims(scenario: Scenario, references: References | None, report: Findings) -> None:
    names = [f.law or f.document or "" for f in scenario.facts.values() if f.law or f.document]
    if references is not None:
        names += [law.title for law in references.laws]
    for text in scenario_texts(scenario):
        if text.role != "asserted":
            continue
        cited = [scenario.facts[c] for c in text.cites if c in scenario.facts]
        claims = legal_claims(text.text, names)
        _two_fifteens(text, claims, cited, report)
        for claim in claims:
            if _backs(claim, cited):
                continue
            scope = f"节点 '{text.node}' 的 cites" if text.node else "场景的 cites"
            report.add_in_text("SC406", f"{_describe(claim)}没有出处：{scope} 中没有说到它的事实"
                               "（在 facts 中声明法条与原文，再写进 cites）", text.where, text.text, claim.start)


def _two_fifteens(text: Text, claims: list[Claim], cited: list[Fact], report: Findings) -> None:
    """A matter passed on (转送) gets two 15-day periods, not one: 第二十二条 for the petition office,
    第二十三条第三款 for the body that receives it. One 15 days is right only where the body the
    petitioner came to handles the matter itself (第二十三条第二款), which the node then cites."""
    fifteens = [c for c in claims if c.kind == "limit" and c.limit == (15.0, "日")]
    if len(fifteens) != 1 or not PASSED_ON.search(text.text):
        return
    start = fifteens[0].start
    clause = text.text[start:start + len(re.split(r"[，。；！？,;!?\n]", text.text[start:], maxsplit=1)[0])]
    if not (TOLD.search(clause) and "受理" in clause):
        return  # a 15 days that is not the answer on acceptance (「最多再延长15日」)
    if any(short_title(f.law or "") == "信访工作条例" and (f.article or "").startswith("第二十三条第二款") for f in cited):
        return
    report.add_in_text("SC411", "转送的事项有两个15日：信访部门15日内转送（条例第二十二条），有权处理的机关收到后15日内"
                       "书面告知是否受理（第二十三条第三款），从来访算起最长约一个月；只说一个15日会让来访人白等",
                       text.where, text.text, fifteens[0].start)


def _describe(claim: Claim) -> str:
    if claim.kind == "limit" and claim.limit is not None:
        number, unit = claim.limit
        return f"时限「{claim.text}」（{Span(number, number).shown()}{LIMIT_UNITS[unit]}）"
    if claim.kind == "period":
        return "「时效」"
    if claim.kind == "article":
        return f"条文「{claim.law + claim.article if claim.law else claim.article}」"
    return f"法规「{claim.law}」"


def _unused(scenario: Scenario, numbers: NumberFacts, cited: set[str], report: Findings) -> None:
    mentioned = set()
    parts = {p.removeprefix("-") for f in numbers.facts.values() for p in (f.sum or f.product or ())}
    for text in scenario_texts(scenario):
        if text.role == "wrong":
            continue
        for mention in mentions(text.text):
            mentioned.update(numbers.matches(mention))
    for fact_id, fact in scenario.facts.items():
        if fact.says is None and fact_id not in cited:
            report.add("SC407", f"事实 '{fact_id}' 没有被任何 cites 引用", ("facts", fact_id), key=True)
        elif fact.says is not None and fact_id not in mentioned and fact_id not in parts:
            label = FAMILY_LABELS.get(numbers.family(fact_id) or "", "数字")
            report.add("SC407", f"数字事实 '{fact_id}'（{label}「{fact.says}」）在场景的文字中没有出现",
                       ("facts", fact_id), key=True)


def check_rubric_sources(rubric: Rubric, references: References, report: Findings) -> None:
    """A criterion whose source cites a law article: the quote must be that article's words."""
    for index, criterion in enumerate(rubric.criteria):
        match = RUBRIC_SOURCE.match(criterion.source.ref.strip())
        if match is None:
            continue  # the source document's passages (篇一·…) are not shipped
        where = ("criteria", index, "source")
        name = match.group("law")
        if name == "条例":
            name = "信访工作条例"
        _statute(name, match.group("article"), criterion.source.quote, where, references, report,
                 keys=("ref", "ref", "quote"))
