"""The cohort report's figures: averages per trainee and scenario, trends, weak criteria (overall
and per trainee), endings, branches.

Only the conversation as it stands counts (turns taken back by a rewind do not); a session's
dimension scores are those the store keeps for it, averaged over sessions that assessed them.
Nothing here shows an internal id: criteria by label, dialogue nodes by the petitioner's words
there, endings by title. A trend line is one trainee on one scenario, never a mixture.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..engine.content.model import ENDING_LABELS
from ..store.records import SessionRecord
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


def _tally(records: list[SessionRecord]) -> tuple[Counter[str], Counter[str]]:
    """Per criterion: the turns it was failed at (a credit missed, a fault committed), and the turns it could be."""
    failures: Counter[str] = Counter()
    chances: Counter[str] = Counter()
    for record in records:
        for turn in record.conversation:
            for criterion, _, kind, fired, expected in turn.verdicts:
                if kind == "credit" and expected:
                    chances[criterion] += 1
                    failures[criterion] += not fired
                elif kind == "fault":
                    chances[criterion] += 1
                    failures[criterion] += fired
    return failures, chances


def _weakest(records: list[SessionRecord]) -> tuple[Weak, ...]:
    about: dict[str, tuple[str, str, str, str]] = {}
    dim_labels = {d: label for r in records for d, label, _ in r.dimensions}
    turns = [turn for record in records for turn in record.conversation]
    for turn in turns:  # labels and sources: any criterion that was failed has a finding somewhere
        for finding in turn.hits + turn.flags + turn.missed:
            about.setdefault(finding.criterion, (finding.label, dim_labels.get(finding.dimension, finding.dimension),
                                                 finding.kind, finding.source_ref))
    failures, chances = _tally(records)
    for turn in turns:
        for criterion, dimension, kind, _, _ in turn.verdicts:
            about.setdefault(criterion, ("（未命名的评分项）", dim_labels.get(dimension, dimension), kind, ""))
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


def excerpt(line: str) -> str:
    """「我在工地干了一年…」: the start of the petitioner's words, without the stage direction."""
    words = STAGE.sub("", line.strip()).split("\n")[0].strip() or line.strip()
    return f"「{words[:EXCERPT]}…」" if len(words) > EXCERPT else f"「{words}」"


def _places(records: list[SessionRecord]) -> dict[str, str]:
    """Every node of a scenario the records saw, in words: the petitioner's line there, or the ending's title."""
    places: dict[str, str] = {}
    for record in records:
        if record.ending_node and record.ending_title:
            places.setdefault(record.ending_node, f"结局：{record.ending_title}")
        for turn in record.conversation:
            places.setdefault(turn.node, excerpt(turn.prompt))
    return places


def _branches(scenario_id: str, title: str, records: list[SessionRecord]) -> Branches:
    steps: Counter[tuple[str, str]] = Counter(
        (t.node, t.next_node) for r in records for t in r.conversation)
    leaving: Counter[str] = Counter()
    for (node, _), count in steps.items():
        leaving[node] += count
    places = _places(records)
    first_turn: dict[str, int] = {}
    for record in records:
        for turn in record.conversation:
            first_turn[turn.node] = min(first_turn.get(turn.node, turn.turn), turn.turn)
    ordered = sorted(steps.items(), key=lambda item: (first_turn.get(item[0][0], 0), item[0][0], -item[1], item[0][1]))
    return Branches(scenario_id, title, tuple(
        Step(node, target, count, count / leaving[node], places.get(node, "（一段对话）"),
             places.get(target, "（没有人答到这里）")) for (node, target), count in ordered))


def _trend(trainee: str, records: list[SessionRecord], titles: dict[str, str]) -> Trend:
    """A chart per trainee: a line per scenario, the totals of its sessions in the order played."""
    per_scenario: dict[str, list[int]] = defaultdict(list)
    for record in records:  # oldest first, as the store lists them
        if record.total is not None:
            per_scenario[record.scenario_id].append(record.total)
    longest = max((len(v) for v in per_scenario.values()), default=1)
    series = [(titles[sid], values) for sid, values in sorted(per_scenario.items(), key=lambda i: titles[i[0]])]
    return Trend(trainee, line_chart(series, [f"第{n}次" for n in range(1, longest + 1)], plot_height=100,
                                       legend_columns=1))


def _heat(by_trainee: dict[str, list[SessionRecord]], weakest: tuple[Weak, ...]) -> Heat | None:
    if not weakest or not by_trainee:
        return None
    rows = []
    for name, records in sorted(by_trainee.items()):
        failures, chances = _tally(records)
        cells = []
        for weak in weakest:
            rate = failures[weak.criterion] / chances[weak.criterion] if chances[weak.criterion] else None
            cells.append(Cell(rate, failures[weak.criterion], chances[weak.criterion], heat(rate), heat_ink(rate)))
        rows.append((name, tuple(cells)))
    return Heat(weakest, tuple(rows))


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
    weakest = _weakest(records)
    return Cohort(
        sessions=len(records), trainee_count=len(by_trainee), dimension_labels=dim_labels,
        trainees=tuple(_row(name, "", rs, dim_labels) for name, rs in sorted(by_trainee.items())),
        scenarios=tuple(_row(titles[sid], sid, rs, dim_labels) for sid, rs in sorted(by_scenario.items())),
        weakest=weakest,
        endings=tuple(_endings(sid, titles[sid], rs) for sid, rs in sorted(by_scenario.items())),
        branches=tuple(_branches(sid, titles[sid], rs) for sid, rs in sorted(by_scenario.items())),
        trends=tuple(_trend(name, rs, titles) for name, rs in sorted(by_trainee.items())),
        heat=_heat(by_trainee, weakest),
    )
