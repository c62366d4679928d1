"""The cohort report's figures: averages per trainee and scenario, weak criteria, endings, branches.

Only the conversation as it stands counts (turns taken back by a rewind do not); a session's
dimension scores are those the store keeps for it, averaged over sessions that assessed them.
The figures are sums and counts kept while the sessions stream past, so a report on 100,000
sessions needs no more memory than one on a hundred.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..engine.content.model import ENDING_LABELS
from ..store.records import SessionRecord, TurnRecord

WEAKEST = 10
OUTCOMES = (*ENDING_LABELS, "active", "abandoned")
OUTCOME_LABELS = {**ENDING_LABELS, "active": "未完成", "abandoned": "已放弃"}


@dataclass(frozen=True)
class Row:
    name: str  # trainee name, or scenario title
    scenario_id: str
    sessions: int
    finished: int
    scores: tuple[float | None, ...]  # aligned with Cohort.dimension_labels
    total: float | None


@dataclass(frozen=True)
class Weak:
    criterion: str
    label: str
    dimension: str
    kind: str
    failures: int  # credits expected but missed, or faults committed
    opportunities: int  # turns that expected the credit, or turns a fault could fire at
    rate: float
    source_ref: str


@dataclass(frozen=True)
class Endings:
    scenario_id: str
    title: str
    total: int
    counts: tuple[tuple[str, str, int], ...]  # (kind, label, count), non-zero only


@dataclass(frozen=True)
class Step:
    node: str
    next_node: str
    count: int
    share: float  # of all departures from `node`


@dataclass(frozen=True)
class Branches:
    scenario_id: str
    title: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Cohort:
    sessions: int
    trainee_count: int
    dimension_labels: tuple[tuple[str, str], ...]
    trainees: tuple[Row, ...]
    scenarios: tuple[Row, ...]
    weakest: tuple[Weak, ...]
    endings: tuple[Endings, ...]
    branches: tuple[Branches, ...]


class _Group:
    """Running sums for one trainee or one scenario."""

    def __init__(self) -> None:
        self.sessions = self.finished = 0
        self.dims: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # dimension -> [sum, count]
        self.totals = [0, 0]
        self.title = ""
        self.outcomes: Counter[str] = Counter()
        self.steps: Counter[tuple[str, str]] = Counter()

    def add(self, record: SessionRecord) -> None:
        self.sessions += 1
        self.finished += record.status == "finished"
        for dim, _, score in record.dimensions:
            if score is not None:
                self.dims[dim][0] += score
                self.dims[dim][1] += 1
        if record.total is not None:
            self.totals[0] += record.total
            self.totals[1] += 1
        self.title = record.scenario_title

    def row(self, name: str, scenario_id: str, dims: tuple[tuple[str, str], ...]) -> Row:
        def mean(pair: list[int]) -> float | None:
            return pair[0] / pair[1] if pair[1] else None

        return Row(name, scenario_id, self.sessions, self.finished,
                   tuple(mean(self.dims[d]) if d in self.dims else None for d, _ in dims), mean(self.totals))


class _Criteria:
    """Running counts of each criterion's failures and chances, and what to call it."""

    def __init__(self) -> None:
        self.failures: Counter[str] = Counter()
        self.chances: Counter[str] = Counter()
        self.found: dict[str, tuple[str, str, str, str]] = {}  # from a finding: label, dimension, kind, source
        self.judged: dict[str, tuple[str, str, str, str]] = {}  # from a verdict alone

    def add(self, turn: TurnRecord) -> None:
        for finding in turn.hits + turn.flags + turn.missed:
            self.found.setdefault(finding.criterion, (finding.label, finding.dimension, finding.kind,
                                                      finding.source_ref))
        for criterion, dimension, kind, fired, expected in turn.verdicts:
            if kind == "credit" and expected:
                self.chances[criterion] += 1
                self.failures[criterion] += not fired
            elif kind == "fault":
                self.chances[criterion] += 1
                self.failures[criterion] += fired
            self.judged.setdefault(criterion, (criterion, dimension, kind, ""))

    def weakest(self, dim_labels: dict[str, str]) -> tuple[Weak, ...]:
        weak = []
        for c in self.chances:
            if self.failures[c]:
                label, dim, kind, source = self.found.get(c) or self.judged[c]
                weak.append(Weak(c, label, dim_labels.get(dim, dim), kind, self.failures[c], self.chances[c],
                                 self.failures[c] / self.chances[c], source))
        weak.sort(key=lambda w: (-w.rate, -w.failures, w.criterion))
        return tuple(weak[:WEAKEST])


def _branches(scenario_id: str, group: _Group) -> Branches:
    leaving: Counter[str] = Counter()
    for (node, _), count in group.steps.items():
        leaving[node] += count
    ordered = sorted(group.steps.items(), key=lambda item: (item[0][0], -item[1], item[0][1]))
    return Branches(scenario_id, group.title,
                    tuple(Step(node, target, count, count / leaving[node]) for (node, target), count in ordered))


def cohort(records: Iterable[SessionRecord]) -> Cohort:
    """The figures, added up one session at a time (memory holds the sums, not the sessions)."""
    dims: dict[str, str] = {}
    trainees: dict[str, _Group] = defaultdict(_Group)
    scenarios: dict[str, _Group] = defaultdict(_Group)
    criteria = _Criteria()
    count = 0
    for record in records:
        count += 1
        for dim, label, _ in record.dimensions:
            dims.setdefault(dim, label)
        trainees[record.trainee].add(record)
        scenario = scenarios[record.scenario_id]
        scenario.add(record)
        scenario.outcomes[record.ending_kind or record.status] += 1
        for turn in record.conversation:
            criteria.add(turn)
            scenario.steps[(turn.node, turn.next_node)] += 1
    dim_labels = tuple(dims.items())
    by_scenario = sorted(scenarios.items())
    return Cohort(
        sessions=count, trainee_count=len(trainees), dimension_labels=dim_labels,
        trainees=tuple(group.row(name, "", dim_labels) for name, group in sorted(trainees.items())),
        scenarios=tuple(group.row(group.title, sid, dim_labels) for sid, group in by_scenario),
        weakest=criteria.weakest(dims),
        endings=tuple(Endings(sid, group.title, group.sessions,
                              tuple((k, OUTCOME_LABELS[k], group.outcomes[k]) for k in OUTCOMES if group.outcomes[k]))
                      for sid, group in by_scenario),
        branches=tuple(_branches(sid, group) for sid, group in by_scenario),
    )
