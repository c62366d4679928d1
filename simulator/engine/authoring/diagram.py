"""A scenario's branch graph as Mermaid or Graphviz DOT text (for `simulator graph`).

Edges are labelled with their `when`; endings are drawn by kind; nodes that cannot be reached
from the start are dashed. Only live branches are drawn (none after an unconditional one).
"""
from __future__ import annotations

from ..check.graph import build_graph
from ..content.model import ENDING_LABELS, Scenario

# Fill colours per ending kind: good endings green, bad ones warm, a crisis red.
ENDING_COLOURS = {
    "resolved": "#c8e6c9", "referred": "#bbdefb", "dissatisfied": "#fff9c4",
    "escalated": "#ffe0b2", "crisis": "#ffcdd2",
}


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", " ")


def to_mermaid(scenario: Scenario) -> str:
    graph = build_graph(scenario)
    lines = ["flowchart TD", f"  %% {scenario.id}: {_mermaid_text(scenario.title)}"]
    for node_id, node in scenario.nodes.items():
        name = f"n_{node_id}"
        if node.ending is not None:
            label = f"{node_id}<br/>{ENDING_LABELS[node.ending.kind]}：{node.ending.title}"
            lines.append(f'  {name}(["{_mermaid_text(label)}"]):::{node.ending.kind}')
        else:
            marker = "（起点）" if node_id == scenario.start else ""
            lines.append(f'  {name}["{_mermaid_text(node_id + marker)}"]')
        if node_id not in graph.reachable:
            lines.append(f"  class {name} unreachable")
    for edges in graph.edges.values():
        for edge in edges:
            if edge.target not in scenario.nodes:
                continue
            arrow = f'-->|"{_mermaid_text(edge.when)}"|' if edge.when else "-->"
            lines.append(f"  n_{edge.source} {arrow} n_{edge.target}")
    for kind, colour in ENDING_COLOURS.items():
        lines.append(f"  classDef {kind} fill:{colour},stroke:#555")
    lines.append("  classDef unreachable stroke-dasharray:4 4,color:#888")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(scenario: Scenario) -> str:
    graph = build_graph(scenario)
    lines = [f"digraph {_dot_text(scenario.id)} {{", f"  label={_dot_text(scenario.title)};",
             "  rankdir=TB;", '  node [shape=box, fontname="sans-serif"];', '  edge [fontname="sans-serif"];']
    for node_id, node in scenario.nodes.items():
        styles = [] if node_id in graph.reachable else ["dashed"]
        if node.ending is not None:
            label = f"{node_id}\n{ENDING_LABELS[node.ending.kind]}：{node.ending.title}"
            extra = ["shape=doubleoctagon", f"fillcolor={_dot_text(ENDING_COLOURS[node.ending.kind])}"]
            styles.insert(0, "filled")
        else:
            label = node_id + ("（起点）" if node_id == scenario.start else "")
            extra = ["penwidth=2"] if node_id == scenario.start else []
        attributes = [f"label={_dot_text(label)}"] + extra
        if styles:
            attributes.append(f"style={_dot_text(','.join(styles))}")
        lines.append(f"  {_dot_text(node_id)} [{', '.join(attributes)}];")
    for edges in graph.edges.values():
        for edge in edges:
            if edge.target not in scenario.nodes:
                continue
            label = f" [label={_dot_text(edge.when)}]" if edge.when else ""
            lines.append(f"  {_dot_text(edge.source)} -> {_dot_text(edge.target)}{label};")
    lines.append("}")
    return "\n".join(lines) + "\n"
