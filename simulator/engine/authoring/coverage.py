"""Scenario coverage: what golden path tests (and played sessions) exercised, and what never was.

Items, per scenario:
- node: a dialogue node answered at least once;
- branch: a live branch taken (identified by its node and its index in that node's `next`);
- ending: an ending node reached;
- criterion: a criterion a node `expects`, seen both passed and failed at that node
  (seen only one way it is "partial").

A node's `unreached_ok: "理由"` justifies every gap that belongs to it: the node (or ending)
itself, the criteria it expects, its own branches and the branches that lead into it. A reason
that justifies nothing any more is reported as stale.

Pure: runs come in as values (from golden tests here, from records via the caller).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..check.graph import build_graph
from ..content.model import Rubric, Scenario
from ..play.expr import compile_condition
from ..play.scoring import ReplyTooLong, compile_rubric
from ..play.session import ScenarioError, Session

ItemKind = Literal["node", "branch", "ending", "criterion"]
Status = Literal["covered", "partial", "justified", "gap"]
KINDS: tuple[ItemKind, ...] = ("node", "branch", "ending", "criterion")


@dataclass(frozen=True)
class Step:
    """One answered turn: where it was, where it went, by which branch, and the verdicts."""

    node: str
    target: str
    branch: int | None  # index in the node's `next`; None when it cannot be told
    passed: frozenset[str]
    failed: frozenset[str]


@dataclass(frozen=True)
class Run:
    kind: Literal["test", "record"]
    name: str  # the test's name, or the session's id
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Item:
    kind: ItemKind
    key: str  # node id; "node#index" for a branch; "node:criterion" for a criterion
    node: str  # the node it belongs to (a branch's source)
    target: str = ""  # a branch's target
    criterion: str = ""
    hits: int = 0  # turns answered, branches taken, endings reached, turns judged
    passed: int = 0
    failed: int = 0
    reason: str = ""  # the unreached_ok that applies, if any
    reason_node: str = ""  # the node that gives it

    @property
    def status(self) -> Status:
        if self.kind == "criterion":
            if self.passed and self.failed:
                return "covered"
            if self.reason:
                return "justified"
            return "partial" if self.passed or self.failed else "gap"
        if self.hits:
            return "covered"
        return "justified" if self.reason else "gap"


@dataclass(frozen=True)
class Coverage:
    scenario: str
    title: str
    tests: int
    records: int
    items: tuple[Item, ...]
    stale: tuple[tuple[str, str], ...]  # (node, reason) whose unreached_ok justifies nothing
    unknown_steps: int  # recorded turns at nodes or branches the scenario no longer has

    def of(self, kind: ItemKind) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.kind == kind)

    def count(self, kind: ItemKind, status: Status) -> int:
        return sum(1 for i in self.items if i.kind == kind and i.status == status)


# ---------------------------------------------------------------- runs

def taken_branch(scenario: Scenario, node_id: str, context: Mapping[str, Any], target: str) -> int | None:
    """The index of the branch that led from node_id to target, re-deciding the conditions."""
    node = scenario.nodes.get(node_id)
    if node is None:
        return None
    for index, branch in enumerate(node.next):
        try:
            holds = branch.when is None or bool(compile_condition(branch.when)(**context))
        except Exception:  # a condition that cannot be decided from what was recorded
            break
        if holds:
            if branch.goto == target:
                return index
            break
    return next((i for i, b in enumerate(node.next) if b.goto == target), None)


def observed_step(scenario: Scenario, node: str, target: str, values: Mapping[str, Any],
                  outcomes: Mapping[str, bool], dimensions: Mapping[str, int | None], total: int,
                  turn: int, serious: bool = False) -> Step:
    """A Step from what a turn left behind: state after its effects and each criterion's verdict."""
    context = {
        **values, "passed": lambda c: bool(outcomes.get(c, False)),
        "failed": lambda c: not outcomes.get(c, False), "score": lambda d: dimensions.get(d),
        "total": total, "serious": serious, "turn": turn, "persona": scenario.persona.model_dump(),
    }
    passed = frozenset(c for c, ok in outcomes.items() if ok)
    failed = frozenset(c for c, ok in outcomes.items() if not ok)
    return Step(node, target, taken_branch(scenario, node, context, target), passed, failed)


def session_steps(session: Session) -> tuple[Step, ...]:
    steps = []
    for result in session.history:
        score = result.score
        steps.append(observed_step(
            session.scenario, result.node, result.next_node, dict(result.state),
            {r.criterion: r.passed for r in score.results},
            {d.dimension: d.score for d in score.dimensions}, score.total, result.turn,
            score.capped_by is not None,
        ))
    return tuple(steps)


def golden_runs(scenario: Scenario, rubric: Rubric) -> tuple[Run, ...]:
    """Each path test replayed as far as it goes (a failing test still exercised what it reached)."""
    runs = []
    scorer = compile_rubric(rubric)
    for test in scenario.tests:
        session = Session.start(scenario, rubric, scorer=scorer)
        for reply in test.replies:
            if session.finished:
                break
            try:
                session = session.answer(reply)
            except (ScenarioError, ReplyTooLong):
                break
        runs.append(Run("test", test.name, session_steps(session)))
    return tuple(runs)


# ---------------------------------------------------------------- coverage

def coverage(scenario: Scenario, runs: Iterable[Run]) -> Coverage:
    runs = tuple(runs)
    graph = build_graph(scenario)
    nodes = scenario.nodes
    visits: dict[str, int] = {}
    taken: dict[tuple[str, int], int] = {}
    reached: dict[str, int] = {}
    verdicts: dict[tuple[str, str], list[int]] = {}
    unknown = 0
    for run in runs:
        for step in run.steps:
            if step.node not in nodes or step.target not in nodes or step.branch is None:
                unknown += 1
                continue
            visits[step.node] = visits.get(step.node, 0) + 1
            taken[(step.node, step.branch)] = taken.get((step.node, step.branch), 0) + 1
            if nodes[step.target].ending is not None:
                reached[step.target] = reached.get(step.target, 0) + 1
            for criterion in nodes[step.node].expects:
                seen = verdicts.setdefault((step.node, criterion), [0, 0])
                seen[0] += criterion in step.passed
                seen[1] += criterion in step.failed

    def justified(item: Item, *node_ids: str) -> Item:
        """The item with the first unreached_ok among the nodes it belongs to, if any."""
        found = next((n for n in node_ids if n in nodes and nodes[n].unreached_ok), "")
        return replace(item, reason=nodes[found].unreached_ok, reason_node=found) if found else item

    items: list[Item] = []
    for node_id, node in nodes.items():
        if node.ending is not None:
            items.append(justified(Item("ending", node_id, node_id, hits=reached.get(node_id, 0)), node_id))
            continue
        items.append(justified(Item("node", node_id, node_id, hits=visits.get(node_id, 0)), node_id))
        for edge in graph.edges[node_id]:
            items.append(justified(Item("branch", f"{node_id}#{edge.index}", node_id, target=edge.target,
                                        hits=taken.get((node_id, edge.index), 0)), node_id, edge.target))
        for criterion in dict.fromkeys(node.expects):
            passed, failed = verdicts.get((node_id, criterion), (0, 0))
            items.append(justified(Item("criterion", f"{node_id}:{criterion}", node_id, criterion=criterion,
                                        hits=passed + failed, passed=passed, failed=failed), node_id))
    items.sort(key=lambda i: KINDS.index(i.kind))
    used = {i.reason_node for i in items if i.status == "justified"}
    stale = tuple((n, node.unreached_ok) for n, node in nodes.items() if node.unreached_ok and n not in used)
    tests = sum(1 for r in runs if r.kind == "test")
    return Coverage(scenario.id, scenario.title, tests, len(runs) - tests, tuple(items), stale, unknown)
