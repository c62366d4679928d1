"""The cohort report's figures: averages per trainee and scenario, weak criteria, endings, branches.

Only the conversation as it stands counts (turns taken back by a rewind do not); a session's
dimension scores are those the store keeps for it, averaged over sessions that assessed them.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from ..engine.content.model import ENDING_LABELS
from ..store.records import SessionRecord

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


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _row(name: str, scenario_id: str, records: list[SessionRecord], dims: tuple[tuple[str, str], ...]) -> Row:
    per_dim: dict[str, list[int]] = defaultdict(list)
    for record in records:
        for dim, _, score in record.dimensions:
            if score is not None:
                per_dim[dim].append(score)
    totals = [r.total for r in records if r.total is not None]
    return Row(name, scenario_id, len(records), sum(r.status == "finished" for r in records),
               tuple(_mean(per_dim[d]) for d, _ in dims), _mean(totals))


def _weakest(records: list[SessionRecord]) -> tuple[Weak, ...]:
    failures: Counter[str] = Counter()
    chances: Counter[str] = Counter()
    about: dict[str, tuple[str, str, str, str]] = {}
    dim_labels = {d: label for r in records for d, label, _ in r.dimensions}
    turns = [turn for record in records for turn in record.conversation]
    for turn in turns:  # labels and sources first: any criterion that failed has a finding somewhere
        for finding in turn.hits + turn.flags + turn.missed:
            about.setdefault(finding.criterion, (finding.label, dim_labels.get(finding.dimension, finding.dimension),
                                                 finding.kind, finding.source_ref))
    for turn in turns:
        for criterion, dimension, kind, fired, expected in turn.verdicts:
            if kind == "credit" and expected:
                chances[criterion] += 1
                failures[criterion] += not fired
            elif kind == "fault":
                chances[criterion] += 1
                failures[criterion] += fired
            about.setdefault(criterion, (criterion, dim_labels.get(dimension, dimension), kind, ""))
    weak = [
        Weak(c, *about[c][:3], failures[c], chances[c], failures[c] / chances[c], about[c][3])
        for c in chances if failures[c]
    ]
    weak.sort(key=lambda w: (-w.rate, -w.failures, w.criterion))
    return tuple(weak[:WEAKEST])


def _endings(scenario_id: str, title: str, records: list[SessionRecord]) -> Endings:
    counts = Counter(r.ending_kind or r.status for r in records)
    return Endings(scenario_id, title, len(records),
                   tuple((k, OUTCOME_LABELS[k], counts[k]) for k in OUTCOMES if counts[k]))


def _branches(scenario_id: str, title: str, records: list[SessionRecord]) -> Branches:
    steps: Counter[tuple[str, str]] = Counter(
        (t.node, t.next_node) for r in records for t in r.conversation)
    leaving: Counter[str] = Counter()
    for (node, _), count in steps.items():
        leaving[node] += count
    ordered = sorted(steps.items(), key=lambda item: (item[0][0], -item[1], item[0][1]))
    return Branches(scenario_id, title,
                    tuple(Step(node, target, count, count / leaving[node]) for (node, target), count in ordered))


def cohort(records: list[SessionRecord]) -> Cohort:
    dims: dict[str, str] = {}
    for record in records:
        for dim, label, _ in record.dimensions:
            dims.setdefault(dim, label)
    dim_labels = tuple(dims.items())
    by_trainee: dict[str, list[SessionRecord]] = defaultdict(list)
    by_scenario: dict[str, list[SessionRecord]] = defaultdict(list)
    for record in records:
        by_trainee[record.trainee].append(record)
        by_scenario[record.scenario_id].append(record)
    titles = {sid: rs[-1].scenario_title for sid, rs in by_scenario.items()}
    return Cohort(
        sessions=len(records), trainee_count=len(by_trainee), dimension_labels=dim_labels,
        trainees=tuple(_row(name, "", rs, dim_labels) for name, rs in sorted(by_trainee.items())),
        scenarios=tuple(_row(titles[sid], sid, rs, dim_labels) for sid, rs in sorted(by_scenario.items())),
        weakest=_weakest(records),
        endings=tuple(_endings(sid, titles[sid], rs) for sid, rs in sorted(by_scenario.items())),
        branches=tuple(_branches(sid, titles[sid], rs) for sid, rs in sorted(by_scenario.items())),
    )
