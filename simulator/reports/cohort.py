"""The cohort report's figures: averages per trainee and scenario, trends, weak criteria (overall
and per trainee), endings, branches.

Only the conversation as it stands counts (turns taken back by a rewind do not); a session's
dimension scores are those the store keeps for it, averaged over sessions that assessed them.
Nothing here shows an internal id: criteria by label, dialogue nodes by the petitioner's words
there, endings by title. A trend line is one trainee on one scenario, never a mixture.
The figures are sums and counts kept while the sessions stream past (and one total per session
for the trend lines), so a report on 100,000 sessions never holds the sessions themselves.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..engine.content.model import ENDING_LABELS
from ..store.records import SessionRecord, TurnRecord
from .charts import LineChart, heat, heat_ink, line_chart

WEAKEST = 10
EXCERPT = 16  # characters of the petitioner's line that name a point in the dialogue
STAGE = re.compile(r"^\s*[（(][^）)]*[）)]\s*")  # a stage direction before the words: 「（叹气）」
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
    said: str  # the petitioner's words at `node`, which the trainee answered
    went: str  # where the dialogue went: the words at `next_node`, or the ending's title


@dataclass(frozen=True)
class Branches:
    scenario_id: str
    title: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Trend:
    """One trainee's totals, a line per scenario, by attempt."""

    trainee: str
    chart: LineChart


@dataclass(frozen=True)
class Cell:
    rate: float | None  # failures / chances; None: the trainee never had the chance
    failures: int
    chances: int
    colour: str
    ink: str


@dataclass(frozen=True)
class Heat:
    """Trainees x the weakest criteria: how often each trainee failed each."""

    criteria: tuple[Weak, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]  # (trainee, a cell per criterion)


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
    trends: tuple[Trend, ...] = ()
    heat: Heat | None = None


class _Group:
    """Running sums for one trainee or one scenario."""

    def __init__(self) -> None:
        self.sessions = self.finished = 0
        self.dims: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # dimension -> [sum, count]
        self.totals = [0, 0]
        self.title = ""
        self.outcomes: Counter[str] = Counter()
        self.steps: Counter[tuple[str, str]] = Counter()
        self.places: dict[str, str] = {}  # node -> the petitioner's words there, or the ending's title
        self.first_turn: dict[str, int] = {}  # node -> the earliest turn it was answered at
        self.attempts: dict[str, list[int]] = defaultdict(list)  # a trainee's totals per scenario, in order
        self.criteria: _Criteria | None = None  # a trainee's own failures and chances (the heat map)

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

    def walk(self, record: SessionRecord) -> None:
        """A scenario's branches: the steps taken, and the words that name each point."""
        if record.ending_node and record.ending_title:
            self.places.setdefault(record.ending_node, f"结局：{record.ending_title}")
        for turn in record.conversation:
            self.steps[(turn.node, turn.next_node)] += 1
            self.places.setdefault(turn.node, excerpt(turn.prompt))
            self.first_turn[turn.node] = min(self.first_turn.get(turn.node, turn.turn), turn.turn)


class _Criteria:
    """Running counts of each criterion's failures and chances, and what to call it."""

    def __init__(self) -> None:
        self.failures: Counter[str] = Counter()
        self.chances: Counter[str] = Counter()
        self.found: dict[str, tuple[str, str, str, str]] = {}  # from a finding: label, dimension, kind, source
        self.judged: dict[str, tuple[str, str, str, str]] = {}  # from a verdict alone

    def add(self, turn: TurnRecord, names: bool = True) -> None:
        if names:
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
            if names:
                self.judged.setdefault(criterion, ("（未命名的评分项）", dimension, kind, ""))

    def weakest(self, dim_labels: dict[str, str]) -> tuple[Weak, ...]:
        weak = []
        for c in self.chances:
            if self.failures[c]:
                label, dim, kind, source = self.found.get(c) or self.judged[c]
                weak.append(Weak(c, label, dim_labels.get(dim, dim), kind, self.failures[c], self.chances[c],
                                 self.failures[c] / self.chances[c], source))
        weak.sort(key=lambda w: (-w.rate, -w.failures, w.criterion))
        return tuple(weak[:WEAKEST])


def excerpt(line: str) -> str:
    """「我在工地干了一年…」: the start of the petitioner's words, without the stage direction."""
    words = STAGE.sub("", line.strip()).split("\n")[0].strip() or line.strip()
    return f"「{words[:EXCERPT]}…」" if len(words) > EXCERPT else f"「{words}」"


def _branches(scenario_id: str, group: _Group) -> Branches:
    leaving: Counter[str] = Counter()
    for (node, _), count in group.steps.items():
        leaving[node] += count
    first = group.first_turn
    ordered = sorted(group.steps.items(), key=lambda item: (first.get(item[0][0], 0), item[0][0], -item[1], item[0][1]))
    return Branches(scenario_id, group.title, tuple(
        Step(node, target, count, count / leaving[node], group.places.get(node, "（一段对话）"),
             group.places.get(target, "（没有人答到这里）")) for (node, target), count in ordered))


def _trend(trainee: str, group: _Group, titles: dict[str, str]) -> Trend:
    """A chart per trainee: a line per scenario, the totals of its sessions in the order played."""
    longest = max((len(v) for v in group.attempts.values()), default=1)
    series = [(titles[sid], values) for sid, values in sorted(group.attempts.items(), key=lambda i: titles[i[0]])]
    return Trend(trainee, line_chart(series, [f"第{n}次" for n in range(1, longest + 1)], plot_height=100,
                                       legend_columns=1))


def _heat(trainees: dict[str, _Group], weakest: tuple[Weak, ...]) -> Heat | None:
    if not weakest or not trainees:
        return None
    rows = []
    for name, group in sorted(trainees.items()):
        assert group.criteria is not None
        failures, chances = group.criteria.failures, group.criteria.chances
        cells = []
        for weak in weakest:
            rate = failures[weak.criterion] / chances[weak.criterion] if chances[weak.criterion] else None
            cells.append(Cell(rate, failures[weak.criterion], chances[weak.criterion], heat(rate), heat_ink(rate)))
        rows.append((name, tuple(cells)))
    return Heat(weakest, tuple(rows))


def cohort(records: Iterable[SessionRecord]) -> Cohort:
    """The figures, added up one session at a time (memory holds the sums, not the sessions)."""
    dims: dict[str, str] = {}
    trainees: dict[str, _Group] = defaultdict(_Group)
    scenarios: dict[str, _Group] = defaultdict(_Group)
    criteria = _Criteria()
    count = 0
    for record in records:  # oldest first, as the store lists them
        count += 1
        for dim, label, _ in record.dimensions:
            dims.setdefault(dim, label)
        trainee = trainees[record.trainee]
        trainee.add(record)
        if trainee.criteria is None:
            trainee.criteria = _Criteria()
        if record.total is not None:
            trainee.attempts[record.scenario_id].append(record.total)
        scenario = scenarios[record.scenario_id]
        scenario.add(record)
        scenario.outcomes[record.ending_kind or record.status] += 1
        scenario.walk(record)
        for turn in record.conversation:
            criteria.add(turn)
            trainee.criteria.add(turn, names=False)
    dim_labels = tuple(dims.items())
    by_scenario = sorted(scenarios.items())
    titles = {sid: group.title for sid, group in by_scenario}
    weakest = criteria.weakest(dims)
    return Cohort(
        sessions=count, trainee_count=len(trainees), dimension_labels=dim_labels,
        trainees=tuple(group.row(name, "", dim_labels) for name, group in sorted(trainees.items())),
        scenarios=tuple(group.row(group.title, sid, dim_labels) for sid, group in by_scenario),
        weakest=weakest,
        endings=tuple(Endings(sid, group.title, group.sessions,
                              tuple((k, OUTCOME_LABELS[k], group.outcomes[k]) for k in OUTCOMES if group.outcomes[k]))
                      for sid, group in by_scenario),
        branches=tuple(_branches(sid, group) for sid, group in by_scenario),
        trends=tuple(_trend(name, group, titles) for name, group in sorted(trainees.items())),
        heat=_heat(trainees, weakest),
    )
