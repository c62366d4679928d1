"""Scenario graph checks (SC101-SC108): static and exact, since every target is a literal id.

Also the graph facts other commands need (`simulator list`, `simulator graph`): the live edges
of each node and the set of nodes reachable from the start.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..content.model import Scenario
from .findings import Findings, did_you_mean


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    when: str | None
    index: int  # position in the node's `next`


@dataclass(frozen=True)
class Graph:
    """The branch structure of a scenario, as far as it can ever be taken."""

    edges: dict[str, tuple[Edge, ...]]  # live branches only: up to the first unconditional one
    endings: frozenset[str]
    reachable: frozenset[str]  # from the start; empty when the start is missing

    def ending_kinds(self, scenario: Scenario) -> tuple[str, ...]:
        """The kinds of the endings that can be reached, sorted and unique."""
        endings = (scenario.nodes[n].ending for n in self.reachable & self.endings)
        return tuple(sorted({ending.kind for ending in endings if ending is not None}))


def live_branches(scenario: Scenario, node_id: str) -> tuple[Edge, ...]:
    edges: list[Edge] = []
    for index, branch in enumerate(scenario.nodes[node_id].next):
        edges.append(Edge(node_id, branch.goto, branch.when, index))
        if branch.when is None:
            break
    return tuple(edges)


def build_graph(scenario: Scenario) -> Graph:
    edges = {node_id: live_branches(scenario, node_id) if node.ending is None else ()
             for node_id, node in scenario.nodes.items()}
    endings = frozenset(n for n, node in scenario.nodes.items() if node.ending is not None)
    reachable: set[str] = set()
    if scenario.start in scenario.nodes:
        stack = [scenario.start]
        while stack:
            node_id = stack.pop()
            if node_id in reachable:
                continue
            reachable.add(node_id)
            stack += [e.target for e in edges[node_id] if e.target in scenario.nodes]
    return Graph(edges, endings, frozenset(reachable))


def check_graph(scenario: Scenario, report: Findings) -> Graph:
    """Report SC101-SC108 into `report`; returns the graph for further use."""
    graph = build_graph(scenario)
    nodes = scenario.nodes
    broken: set[str] = set()  # nodes already reported as dead ends; not reported again as traps
    for node_id, node in nodes.items():
        where = ("nodes", node_id)
        if node.ending is not None:
            for field in ("next", "expects", "options"):
                if getattr(node, field):
                    report.add("SC108", f"结局节点 '{node_id}' 不应有 {field}（结局之后对话已结束）",
                               where + (field,), key=True)
            continue
        for index, branch in enumerate(node.next):
            if branch.goto not in nodes:
                broken.add(node_id)
                report.add("SC101", f"跳转目标不存在：'{branch.goto}'{did_you_mean(branch.goto, nodes)}",
                           where + ("next", index, "goto"))
        live = graph.edges[node_id]
        if not node.next:
            broken.add(node_id)
            report.add("SC103", f"节点 '{node_id}' 既不是结局也没有 next 分支，对话会在这里中断",
                       where, key=True)
        elif live[-1].when is not None:
            broken.add(node_id)
            report.add("SC103", f"节点 '{node_id}' 的最后一个分支带有 when；请再加一个不带 when 的分支兜底",
                       where + ("next", len(node.next) - 1, "when"), key=True)
        else:
            for index in range(len(live), len(node.next)):
                report.add("SC107", f"此分支在无条件分支（第 {len(live)} 个）之后，永远不会被执行",
                           where + ("next", index), key=False)
    if scenario.start not in nodes:
        report.add("SC106", f"起点 '{scenario.start}' 不是已定义的节点{did_you_mean(scenario.start, nodes)}",
                   ("start",))
    if not graph.endings:
        report.add("SC106", "场景没有任何结局节点（带 ending 的节点）", ("nodes",), key=True)
    if scenario.start not in nodes:
        return graph
    for node_id, node in nodes.items():
        if node_id not in graph.reachable:
            if node.ending is not None:
                report.add("SC105", f"结局 '{node_id}' 从起点永远无法到达", ("nodes", node_id), key=True)
            else:
                report.add("SC102", f"节点 '{node_id}' 从起点 '{scenario.start}' 不可达",
                           ("nodes", node_id), key=True)
    if graph.endings:
        _report_traps(scenario, graph, broken, report)
    return graph


def _report_traps(scenario: Scenario, graph: Graph, broken: set[str], report: Findings) -> None:
    """SC104: reachable strongly connected sets from which no ending can be reached."""
    incoming: dict[str, list[str]] = {n: [] for n in scenario.nodes}
    for source, edges in graph.edges.items():
        for edge in edges:
            if edge.target in incoming:
                incoming[edge.target].append(source)
    can_finish = set(graph.endings) | broken
    stack = list(can_finish)
    while stack:
        for source in incoming[stack.pop()]:
            if source not in can_finish:
                can_finish.add(source)
                stack.append(source)
    trapped = graph.reachable - can_finish
    if not trapped:
        return
    order = list(scenario.nodes)
    for component in _components(trapped, graph):
        exits = {e.target for n in component for e in graph.edges[n]} - component
        if exits:
            continue  # leads into another trap, which is reported itself
        members = sorted(component, key=order.index)
        names = "、".join(f"'{n}'" for n in members)
        report.add("SC104", f"节点 {names} 构成循环，从这里走不到任何结局", ("nodes", members[0]), key=True)


def _components(subset: frozenset[str] | set[str], graph: Graph) -> list[set[str]]:
    """Strongly connected components of the subgraph on `subset` (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    counter = 0
    for root in sorted(subset):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = [e.target for e in graph.edges[node] if e.target in subset]
            if position < len(targets):
                work.append((node, position + 1))
                target = targets[position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                found.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found
