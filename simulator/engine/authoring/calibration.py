"""Agreement between an instructor's marks and the machine's scores, per dimension.

Pure and dependency-free (no numpy, no scipy): Spearman's rank correlation with average ranks
for ties, and Cohen's kappa with quadratic weights on five bands. Both statistics are None when
they are undefined (too few pairs, or a side that never varies), never NaN and never a crash.

Bands: a 1-5 mark is its own band (rounded half up); a 0-100 value falls in 0-19 -> 1,
20-39 -> 2, 40-59 -> 3, 60-79 -> 4, 80-100 -> 5. Machine scores are always 0-100.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..content.model import Rubric
from ..play.scoring import Turn, compile_rubric, score_reply

BANDS = 5
Scale = Literal[5, 100]


class ScaleError(ValueError):
    """Marks that fit neither the 1-5 nor the 0-100 scale (the message is for the user)."""


# ---------------------------------------------------------------- scales and bands

def detect_scale(values: Sequence[float]) -> Scale:
    """1-5 when every mark lies in [1, 5], else 0-100 when every mark lies in [0, 100]."""
    if not values:
        raise ScaleError("没有任何分数")
    if all(1 <= v <= 5 for v in values):
        return 5
    if all(0 <= v <= 100 for v in values):
        return 100
    outside = next(v for v in values if not 0 <= v <= 100)
    raise ScaleError(f"分数 {outside:g} 既不在 1-5 也不在 0-100 范围内")


def check_scale(values: Sequence[float], scale: Scale) -> None:
    low, high = (1, 5) if scale == 5 else (0, 100)
    for value in values:
        if not low <= value <= high:
            raise ScaleError(f"分数 {value:g} 超出 {low}-{high} 的范围")


def band(value: float, scale: Scale) -> int:
    """The 1-5 band of a mark on its scale."""
    if scale == 5:
        return max(1, min(BANDS, math.floor(value + 0.5)))
    return max(1, min(BANDS, math.floor(value / 20) + 1))


# ---------------------------------------------------------------- statistics

def average_ranks(values: Sequence[float]) -> tuple[float, ...]:
    """1-based ranks; tied values share the mean of the ranks they occupy."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        shared = (start + end) / 2 + 1  # mean of the 1-based positions start..end
        for position in range(start, end + 1):
            ranks[order[position]] = shared
        start = end + 1
    return tuple(ranks)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or None with fewer than two pairs or when either side is constant."""
    if len(xs) != len(ys):
        raise ValueError("pearson: sequences differ in length")
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rho: Pearson's r of the average ranks (exact with ties)."""
    return pearson(average_ranks(xs), average_ranks(ys))


def quadratic_kappa(a: Sequence[int], b: Sequence[int], categories: int = BANDS) -> float | None:
    """Cohen's kappa with quadratic weights over bands 1..categories.

    kappa = 1 - sum(w * observed) / sum(w * expected), w_ij = (i - j)^2 / (k - 1)^2, where the
    expected table is the outer product of the two raters' band frequencies. None when the
    expected disagreement is zero (both raters always give the same single band) or no pairs.
    """
    if len(a) != len(b):
        raise ValueError("quadratic_kappa: sequences differ in length")
    n = len(a)
    if n == 0:
        return None
    for value in (*a, *b):
        if not 1 <= value <= categories:
            raise ValueError(f"band {value} outside 1..{categories}")
    scale = (categories - 1) ** 2
    observed = sum((x - y) ** 2 for x, y in zip(a, b)) / scale / n
    freq_a = [sum(1 for x in a if x == k) / n for k in range(1, categories + 1)]
    freq_b = [sum(1 for y in b if y == k) / n for k in range(1, categories + 1)]
    expected = sum(freq_a[i] * freq_b[j] * (i - j) ** 2 / scale
                   for i in range(categories) for j in range(categories))
    if expected == 0:
        return None
    return 1 - observed / expected


# ---------------------------------------------------------------- agreement on one dimension

@dataclass(frozen=True)
class Pair:
    """One reply's mark from the instructor and score from the machine on one dimension."""

    item: str  # the reply's id
    instructor: float  # on the column's scale
    machine: int  # 0-100
    scale: Scale

    @property
    def instructor_band(self) -> int:
        return band(self.instructor, self.scale)

    @property
    def machine_band(self) -> int:
        return band(self.machine, 100)

    @property
    def gap(self) -> int:
        """Machine band minus instructor band: positive when the machine is more generous."""
        return self.machine_band - self.instructor_band


@dataclass(frozen=True)
class Agreement:
    n: int
    spearman: float | None
    kappa: float | None
    exact: float | None  # share of pairs in the same band
    mean_gap: float | None  # mean absolute band difference
    bias: float | None  # mean signed band difference (machine - instructor)


def agreement(pairs: Sequence[Pair]) -> Agreement:
    """The statistics of one dimension's pairs (all None when there are none)."""
    n = len(pairs)
    if n == 0:
        return Agreement(0, None, None, None, None, None)
    gaps = [p.gap for p in pairs]
    return Agreement(
        n,
        spearman([p.instructor for p in pairs], [p.machine for p in pairs]),
        quadratic_kappa([p.instructor_band for p in pairs], [p.machine_band for p in pairs]),
        sum(1 for g in gaps if g == 0) / n,
        sum(abs(g) for g in gaps) / n,
        sum(gaps) / n,
    )


# ---------------------------------------------------------------- review: where and why they differ

LOW_BAND = 2  # an instructor band at or below this marks a poor reply in that dimension
HIGH_BAND = 4  # at or above this, a good one
DISAGREE_BANDS = 2  # one band apart is ordinary disagreement between people; two is worth a look


@dataclass(frozen=True)
class MarkedReply:
    """A reply as the instructor marked it, and the turn it answers (None: the rubric's defaults)."""

    id: str
    reply: str
    marks: tuple[tuple[str, float], ...]  # (dimension, mark on the column's scale)
    context: str = ""  # what the petitioner had said: shown, and read by the learned layer
    where: str = ""  # "scenario/node" when the turn came from a scenario
    turn: Turn | None = None
    shows: tuple[str, ...] | None = None  # criteria the instructor says it shows (None: not labelled)
    unsure: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fired:
    criterion: str
    label: str
    dimension: str
    kind: str  # credit | fault
    texts: tuple[str, ...]  # the matched words


@dataclass(frozen=True)
class Disagreement:
    item: str
    reply: str
    context: str
    where: str
    pair: Pair
    fired: tuple[Fired, ...]  # every criterion that fired on the reply
    missed: tuple[str, ...]  # labels of credits in this dimension the turn expected but did not get


@dataclass(frozen=True)
class Suggestion:
    """A criterion worth a look, with the counts that raised it.

    problem: "broad" (a credit that fires on replies marked low as often as on those marked high),
    "narrow" (a credit expected on replies marked high that rarely fires there), "false_fault"
    (a fault that fires more on replies marked high than on those marked low). For "narrow",
    fired_high/high count only the high-marked replies answering a scenario node that expected
    the credit (without a node every default credit is "expected", which says nothing).
    """

    criterion: str
    label: str
    kind: str
    problem: str
    fired_low: int
    low: int
    fired_high: int
    high: int
    strength: float


@dataclass(frozen=True)
class DimensionReview:
    dimension: str
    label: str
    scale: Scale
    marked: int  # replies the instructor marked in this dimension
    agreement: Agreement  # over the pairs the machine assessed
    unassessed: tuple[str, ...]  # ids of marked replies the machine did not assess here
    disagreements: tuple[Disagreement, ...]
    suggestions: tuple[Suggestion, ...]
    # ids marked low where no fault of this dimension fired: the machine scored them 3 bands or
    # more (uncaught), or did not assess the dimension at all (unflagged)
    uncaught: tuple[str, ...]
    unflagged: tuple[str, ...]
    faults: tuple[str, ...]  # ids of this dimension's faults, for the advice on `uncaught`


@dataclass(frozen=True)
class Calibration:
    replies: int
    dimensions: tuple[DimensionReview, ...]


def calibrate(replies: Sequence[MarkedReply], scales: dict[str, Scale], rubric: Rubric,
              top: int = 3) -> Calibration:
    """Score every reply and compare, per marked dimension, with the instructor's marks."""
    compiled = compile_rubric(rubric)
    scores = [score_reply(r.reply, compiled, r.turn, r.context) for r in replies]
    reviews = []
    for dim_id, spec in rubric.dimensions.items():
        if dim_id not in scales:
            continue
        scale = scales[dim_id]
        marked = [(r, s, dict(r.marks)[dim_id]) for r, s in zip(replies, scores) if dim_id in dict(r.marks)]
        pairs = [(r, s, Pair(r.id, mark, machine, scale))
                 for r, s, mark in marked if (machine := s.dimension(dim_id)) is not None]
        unassessed = tuple(r.id for r, s, _ in marked if s.dimension(dim_id) is None)
        faults = tuple(c.id for c in rubric.criteria if c.dimension == dim_id and c.kind == "fault")
        reviews.append(DimensionReview(
            dim_id, spec.label, scale, len(marked), agreement([p for _, _, p in pairs]), unassessed,
            _disagreements(dim_id, pairs, top), _suggestions(dim_id, rubric, marked, scale),
            *_uncaught(dim_id, marked, scale, faults), faults,
        ))
    return Calibration(len(replies), tuple(reviews))


def _disagreements(dim_id: str, pairs, top: int) -> tuple[Disagreement, ...]:
    wide = [(r, s, p) for r, s, p in pairs if abs(p.gap) >= DISAGREE_BANDS]
    wide.sort(key=lambda x: (-abs(x[2].gap), -abs(x[2].machine - _as_percent(x[2])), x[2].item))
    found = []
    for reply, score, pair in wide[:top]:
        fired = tuple(Fired(r.criterion, r.label, r.dimension, r.kind, tuple(e.text for e in r.evidence))
                      for r in score.results if r.fired)
        # Without a scenario node a reply "expects" every default credit: listing those is noise.
        missed = tuple(r.label for r in score.missed if r.dimension == dim_id) if reply.turn is not None else ()
        found.append(Disagreement(reply.id, reply.reply, reply.context, reply.where, pair, fired, missed))
    return tuple(found)


def _as_percent(pair: Pair) -> float:
    return pair.instructor if pair.scale == 100 else (pair.instructor - 1) * 25


def _suggestions(dim_id: str, rubric: Rubric, marked, scale: Scale) -> tuple[Suggestion, ...]:
    low = [s for _, s, mark in marked if band(mark, scale) <= LOW_BAND]
    high = [s for _, s, mark in marked if band(mark, scale) >= HIGH_BAND]
    found = []
    for criterion in rubric.criteria:
        if criterion.dimension != dim_id:
            continue
        fired_low = sum(1 for s in low if s.result(criterion.id).fired)
        fired_high = sum(1 for s in high if s.result(criterion.id).fired)
        rate_low = fired_low / len(low) if low else 0.0
        rate_high = fired_high / len(high) if high else 0.0
        args = (criterion.id, criterion.label, criterion.kind)
        if criterion.kind == "credit":
            if fired_low >= 2 and rate_low >= rate_high:
                found.append(Suggestion(*args, "broad", fired_low, len(low), fired_high, len(high),
                                        rate_low - rate_high + fired_low / 1000))
            expected = [s for r, s, mark in marked if band(mark, scale) >= HIGH_BAND and r.turn is not None
                        and s.result(criterion.id).expected]
            hits = sum(1 for s in expected if s.result(criterion.id).fired)
            if len(expected) >= 2 and hits * 3 <= len(expected):
                found.append(Suggestion(*args, "narrow", fired_low, len(low), hits, len(expected),
                                        1 - hits / len(expected)))
        elif fired_high >= 1 and rate_high > rate_low:
            found.append(Suggestion(*args, "false_fault", fired_low, len(low), fired_high, len(high),
                                    rate_high - rate_low))
    found.sort(key=lambda s: (-s.strength, s.criterion, s.problem))
    return tuple(found)


def _uncaught(dim_id: str, marked, scale: Scale, faults: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Replies marked low that no fault of the dimension caught: scored not low, and not scored."""
    scored, unscored = [], []
    for reply, score, mark in marked:
        if band(mark, scale) > LOW_BAND or any(score.result(f).fired for f in faults):
            continue
        machine = score.dimension(dim_id)
        if machine is None:
            unscored.append(reply.id)
        elif band(machine, 100) > LOW_BAND:
            scored.append(reply.id)
    return tuple(scored), tuple(unscored)
