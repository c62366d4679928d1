"""Number facts (SC404): what a scenario says a number is, and the arithmetic that makes it so.

A number fact has a wording (`says: 六万三`), maybe other wordings (`also`), an exact `value`, and
parts that add up (`sum`) or multiply (`product`) to it; a part is a number or another number
fact's id, and `-id` takes it away. Every wording is read as the range people mean by it
(see numbers.py), so 「四十九万」 agrees with 129 × 3800 = 490200 and not with 132 × 3800.
"""
from __future__ import annotations

from ..content.loader import DataPath
from ..content.model import Fact, Scenario
from .findings import Findings, did_you_mean
from .numbers import Mention, Span, exact, wording


def signed(part: str) -> tuple[str, int]:
    """「-days_gone」 -> ("days_gone", -1); 「300」 -> ("300", 1)."""
    return (part[1:], -1) if part.startswith("-") else (part, 1)


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
        """The facts a mention in the text agrees with (same family, overlapping range)."""
        return [fid for fid in self.facts if self.family(fid) == mention.family
                and any(mention.span.overlaps(span) for span in self.spans(fid))]

    def in_family(self, family: str) -> list[str]:
        return [fid for fid in self.facts if self.family(fid) == family]

    @property
    def parts(self) -> set[str]:
        """The ids used as a part of another fact's arithmetic."""
        return {signed(p)[0] for f in self.facts.values() for p in (f.sum or f.product or ())}

    def value(self, fact_id: str, seen: frozenset[str] = frozenset()) -> Span | None:
        """What a fact amounts to: its exact value, its parts' total, or its wording's range."""
        fact = self.facts.get(fact_id)
        if fact is None or fact_id in seen:
            return None
        if fact.value is not None:
            return Span(fact.value, fact.value)
        computed = self.computed(fact, seen | {fact_id})
        if computed is not None:
            return computed
        said = self.said.get(fact_id)
        return said.span if said else None

    def computed(self, fact: Fact, seen: frozenset[str]) -> Span | None:
        """The total of a fact's sum or product, or None when it has none (or a part is unknown)."""
        parts = fact.sum if fact.sum is not None else fact.product
        total: Span | None = None
        for part in parts or ():
            name, sign = signed(part)
            number = exact(name)
            span = Span(number, number) if number is not None else self.value(name, seen)
            if span is None:
                return None
            if sign < 0:
                span = Span(-span.high, -span.low)
            total = span if total is None else (total.plus(span) if fact.sum is not None else total.times(span))
        return total


def check_number_fact(fact_id: str, fact: Fact, numbers: NumberFacts, where: DataPath, report: Findings) -> None:
    said = numbers.said[fact_id]
    if said is None:
        report.add("SC404", f"数字事实的说法「{fact.says}」里没有带单位的数字"
                   "（如「两百多户」「六万三」「一百二十九平」）", where + ("says",))
        return
    for index, other in enumerate(fact.also):
        form = wording(other)
        if form is None or form.family != said.family or not form.span.overlaps(said.span):
            report.add("SC404", f"「{other}」与「{fact.says}」说的不是同一个数", where + ("also", index))
    own = Span(fact.value, fact.value) if fact.value is not None else said.span
    if fact.value is not None and not own.overlaps(said.span):
        report.add("SC404", f"value {own.shown()} 与说法「{fact.says}」（{said.span.shown()}）不符", where + ("value",))
    key = "sum" if fact.sum is not None else "product"
    parts = fact.sum if fact.sum is not None else fact.product
    if not parts:
        return
    for index, part in enumerate(parts):
        name, _ = signed(part)
        if exact(name) is None and name not in numbers.facts:
            report.add("SC405", f"'{part}' 既不是数字，也不是本场景声明的数字事实{did_you_mean(name, numbers.facts)}",
                       where + (key, index))
            return
    computed = numbers.computed(fact, frozenset({fact_id}))
    if computed is not None and not computed.overlaps(own):
        shown = (" + " if key == "sum" else " × ").join(_part(part, numbers) for part in parts)
        report.add("SC404", f"核算不成立：{shown} = {computed.shown()}，与「{fact.says}」（{own.shown()}）不符",
                   where + (key,))


def _part(part: str, numbers: NumberFacts) -> str:
    name, _ = signed(part)
    if exact(name) is not None:
        return part
    span = numbers.value(name)
    return f"{part}（{span.shown() if span else '?'}）"
