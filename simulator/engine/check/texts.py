"""Every authored text of a scenario, with where it sits and who says it.

Roles: `persona` (the petitioner's own words: background and lines), `asserted` (what the library
tells the trainee as true: summary, cues, hints, model answers, the best option, notes, ending
texts) and `wrong` (options other than the best: mistakes written on purpose).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, NamedTuple

from ..content.loader import DataPath
from ..content.model import Scenario

Role = Literal["persona", "asserted", "wrong"]


class Text(NamedTuple):
    where: DataPath
    text: str
    role: Role
    cites: tuple[str, ...]  # the facts this text may rest on (its node's, or the scenario's)
    node: str  # "" for scenario-level texts


def scenario_texts(scenario: Scenario) -> tuple[Text, ...]:
    """Every non-empty text, in file order."""
    return tuple(_texts(scenario))


def _texts(scenario: Scenario) -> Iterator[Text]:
    top = scenario.cites
    if scenario.summary:
        yield Text(("summary",), scenario.summary, "asserted", top, "")
    yield Text(("persona", "background"), scenario.persona.background, "persona", top, "")
    for node_id, node in scenario.nodes.items():
        at: DataPath = ("nodes", node_id)
        cites = node.cites
        if node.say:
            yield Text(at + ("say",), node.say, "persona", cites, node_id)
        for key in ("cue", "hint"):
            if getattr(node, key):
                yield Text(at + (key,), getattr(node, key), "asserted", cites, node_id)
        for index, answer in enumerate(node.model_answers):
            yield Text(at + ("model_answers", index), answer, "asserted", cites, node_id)
        for index, option in enumerate(node.options):
            yield Text(at + ("options", index, "text"), option.text, "asserted" if option.best else "wrong", cites,
                       node_id)
            if option.note:
                yield Text(at + ("options", index, "note"), option.note, "asserted", cites, node_id)
        if node.ending is not None:
            yield Text(at + ("ending", "title"), node.ending.title, "asserted", cites, node_id)
            if node.ending.summary:
                yield Text(at + ("ending", "summary"), node.ending.summary, "asserted", cites, node_id)
