"""Which statute words back which feedback: a node's cited legal facts, by the criteria they name.

A legal fact lists the criteria it backs (`criteria: [time_limit, wrong_time_limit]`); where a
node cites it, the feedback on those criteria at that node shows the article's words. The words
are the fact's own quote (checked against the shipped excerpt by `simulator validate`), so
playing and reporting need no statute files.
"""
from __future__ import annotations

from typing import NamedTuple

from .model import Fact, Scenario


class Citation(NamedTuple):
    """An article as shown beside feedback: 「《信访工作条例》第二十二条」 and the words it rests on."""

    ref: str
    quote: str


def citation(fact: Fact) -> Citation | None:
    """The citation of a legal fact or an in-story document with an article; None for numbers."""
    name = fact.law or fact.document
    if name is None:
        return None
    return Citation(f"《{name.strip('《》')}》{fact.article or ''}", fact.quote or "")


def node_citations(scenario: Scenario, node_id: str) -> dict[str, tuple[Citation, ...]]:
    """Criterion id -> the citations a node's cited facts give it, in the order the node cites them."""
    node = scenario.nodes.get(node_id)
    if node is None:
        return {}
    found: dict[str, list[Citation]] = {}
    for fact_id in node.cites:
        fact = scenario.facts.get(fact_id)
        shown = citation(fact) if fact is not None else None
        if fact is None or shown is None:
            continue
        for criterion in fact.criteria:
            if shown not in found.setdefault(criterion, []):
                found[criterion].append(shown)
    return {criterion: tuple(items) for criterion, items in found.items()}
