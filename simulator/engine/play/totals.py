"""The arithmetic of scores: from verdicts to a turn's total, and from turns to a session's.

Kept apart from the verdicts (scoring.py decides which criteria fired, on which words): these
functions only count. docs/rubric.md states the rules with a worked example.

A turn: each dimension the turn examines (expects a credit in) scores 100 x earned / target,
minus its faults' points. The total is their weighted mean. A fault in a dimension the turn does
not examine still counts: that dimension enters the mean at the turn's own level minus the
fault's points, so it can only pull the total down. A serious fault caps the total; a turn with
a missed expected item or a fault never shows 100.

A session: the turns' totals over the turns a full session takes (turns not reached count 0),
weighed with the ending: 75% conduct, 25% ending.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from ..content.model import ENDING_LABELS, GOOD_ENDINGS, Rubric, Scenario

ENDING_VALUES: dict[str, int] = {"resolved": 100, "referred": 100, "dissatisfied": 40, "escalated": 15, "crisis": 0}
ENDING_SHARE = 0.25  # of the session total; the rest is conduct over the full length


class Verdict(Protocol):
    """What the arithmetic needs of one criterion's verdict (a CriterionResult is one)."""

    @property
    def criterion(self) -> str: ...
    @property
    def dimension(self) -> str: ...
    @property
    def kind(self) -> str: ...  # "credit" or "fault"
    @property
    def fired(self) -> bool: ...
    @property
    def expected(self) -> bool: ...


class DimensionScore(NamedTuple):
    dimension: str
    label: str
    score: int | None  # None: not examined at this turn and no fault in it
    earned: float
    target: float
    penalty: float
    examined: bool = True  # False: a fault outside the turn's examined dimensions (score is what it cost)


def turn_total(rubric: Rubric, verdicts: Sequence[Verdict]) -> tuple[tuple[DimensionScore, ...], int, str | None]:
    """(per-dimension scores, total, the criterion that capped the total or None)."""
    weight_of = {c.id: c.weight for c in rubric.criteria}
    examined: list[DimensionScore] = []
    outside: dict[str, float] = {}  # dimension -> points lost there, outside the examined dimensions
    by_dimension: dict[str, list[Verdict]] = {dim_id: [] for dim_id in rubric.dimensions}
    for v in verdicts:  # one pass, each dimension's verdicts in their order
        if v.dimension in by_dimension:
            by_dimension[v.dimension].append(v)
    for dim_id, spec in rubric.dimensions.items():
        mine = by_dimension[dim_id]
        expected = sum(weight_of[v.criterion] for v in mine if v.expected and v.kind == "credit")
        earned = sum(weight_of[v.criterion] for v in mine if v.fired and v.kind == "credit")
        penalty = sum(weight_of[v.criterion] for v in mine if v.fired and v.kind == "fault")
        if expected:
            target = min(expected, spec.target)
            score = max(0, round(min(100.0, 100.0 * earned / target) - penalty))
            examined.append(DimensionScore(dim_id, spec.label, score, earned, target, penalty))
        elif penalty:
            outside[dim_id] = penalty
    weights = rubric.dimensions
    examined_weight = sum(weights[d.dimension].weight for d in examined)
    level = (sum(weights[d.dimension].weight * (d.score or 0) for d in examined) / examined_weight
             if examined_weight else 0.0)  # the turn's own level, which a fault outside it is taken off
    costs = {dim_id: max(0.0, level - points) for dim_id, points in outside.items()}
    pairs = [(weights[d.dimension].weight, float(d.score or 0)) for d in examined]
    pairs += [(weights[dim_id].weight, cost) for dim_id, cost in costs.items()]
    weight = sum(w for w, _ in pairs)
    total = round(sum(w * s for w, s in pairs) / weight) if weight else 0
    faulted = any(v.fired and v.kind == "fault" for v in verdicts)
    missed = any(v.expected and not v.fired and v.kind == "credit" for v in verdicts)
    if total == 100 and (faulted or missed or any((d.score or 0) < 100 for d in examined)):
        total = 99  # a missed item or a fault never shows beside a perfect turn
    capped_by = None
    for v in verdicts:
        cap = rubric.by_id[v.criterion].cap
        if v.fired and v.kind == "fault" and cap is not None and total > cap:
            total, capped_by = cap, v.criterion
    by_dim = {d.dimension: d for d in examined}
    dimensions = []
    for dim_id, spec in rubric.dimensions.items():
        if dim_id in by_dim:
            dimensions.append(by_dim[dim_id])
        elif dim_id in costs:
            dimensions.append(DimensionScore(dim_id, spec.label, round(costs[dim_id]), 0.0, spec.target,
                                             outside[dim_id], examined=False))
        else:
            dimensions.append(DimensionScore(dim_id, spec.label, None, 0.0, spec.target, 0.0, examined=False))
    return tuple(dimensions), total, capped_by


@dataclass(frozen=True)
class SessionScore:
    """A session's total and how it was reached, for the debrief to explain."""

    total: int | None  # None before the first answer
    conduct: int  # the turns' totals over the full length (turns not reached count 0)
    played: int
    full_length: int  # turns a complete session takes: the shortest way to a good ending
    ending_kind: str | None  # None: the session did not reach an ending
    ending_value: int

    @property
    def explanation(self) -> str:
        """「各轮表现 …×75% + 结局 …×25%」, with the turns not reached said plainly."""
        if self.total is None:
            return "还没有作答"
        share = round(ENDING_SHARE * 100)
        missing = max(0, self.full_length - self.played)
        turns = (f"答了 {self.played} 轮，完整走完至少要 {self.full_length} 轮，没走到的 {missing} 轮记 0 分"
                 if missing else f"共 {self.played} 轮")
        ending = f"结局「{ENDING_LABELS[self.ending_kind]}」" if self.ending_kind else "未到结局"
        return (f"各轮表现 {self.conduct}（{turns}）× {100 - share}% + {ending} {self.ending_value} × {share}%"
                f" = {self.total}")


def session_score(turn_totals: Sequence[int], full_length: int, ending_kind: str | None) -> SessionScore:
    played = len(turn_totals)
    counted = max(played, full_length, 1)
    conduct = sum(turn_totals) / counted
    ending_value = ENDING_VALUES.get(ending_kind, 0) if ending_kind else 0
    total = round((1 - ENDING_SHARE) * conduct + ENDING_SHARE * ending_value) if played else None
    return SessionScore(total, round(conduct), played, full_length, ending_kind, ending_value)


def full_length(scenario: Scenario) -> int:
    """The fewest trainee turns from the start to a good ending (or, if none is reachable, any ending)."""

    def fewest(good: bool) -> int | None:
        frontier, seen, turns = [scenario.start], {scenario.start}, 0
        while frontier:
            following: list[str] = []
            for node_id in frontier:
                node = scenario.nodes.get(node_id)
                if node is None:
                    continue
                if node.ending is not None:
                    if not good or node.ending.kind in GOOD_ENDINGS:
                        return turns
                    continue
                for branch in node.next:
                    if branch.goto not in seen:
                        seen.add(branch.goto)
                        following.append(branch.goto)
            frontier, turns = following, turns + 1
        return None

    return fewest(good=True) or fewest(good=False) or 1
