"""What the debrief says about a finished session, computed from the Session alone."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...engine.play.session import Session, TurnResult


@dataclass
class Tally:
    """One criterion over the whole session."""

    criterion: str
    label: str
    dimension: str
    kind: str
    fired: int = 0
    missed: int = 0  # turns that expected this credit and did not get it
    words: list[str] = field(default_factory=list)
    message: str = ""
    example: str = ""
    source_ref: str = ""
    citations: list[tuple[str, str]] = field(default_factory=list)  # articles the scenario cites for it


def tallies(session: Session) -> list[Tally]:
    found: dict[str, Tally] = {}
    for result in session.history:
        missed = {r.criterion for r in result.score.missed}
        for verdict in result.score.results:
            if not (verdict.fired or verdict.expected):
                continue
            tally = found.setdefault(verdict.criterion, Tally(
                verdict.criterion, verdict.label, verdict.dimension, verdict.kind,
                example=verdict.example, source_ref=verdict.source_ref))
            if verdict.fired == (verdict.kind == "fault"):  # a fault committed or a credit missed
                tally.citations += [(c.ref, c.quote) for c in verdict.citations
                                    if (c.ref, c.quote) not in tally.citations]
            if verdict.fired:
                tally.fired += 1
                tally.words += [e.text for e in verdict.evidence if e.text not in tally.words]
                if verdict.kind == "fault":
                    tally.message = verdict.message
            elif verdict.criterion in missed:
                tally.missed += 1
                tally.message = tally.message or verdict.message
                tally.example = tally.example or verdict.example
    return list(found.values())


def strongest(session: Session, limit: int = 3) -> list[Tally]:
    """Credits earned most often (ties: the fewer misses first)."""
    credits = [t for t in tallies(session) if t.kind == "credit" and t.fired]
    return sorted(credits, key=lambda t: (-t.fired, t.missed, t.label))[:limit]


def weakest(session: Session, limit: int = 3) -> list[Tally]:
    """Faults committed, then credits most often missed."""
    faults = sorted((t for t in tallies(session) if t.kind == "fault" and t.fired), key=lambda t: (-t.fired, t.label))
    missed = sorted((t for t in tallies(session) if t.kind == "credit" and t.missed),
                    key=lambda t: (-t.missed, t.fired, t.label))
    return (faults + missed)[:limit]


def model_answer(session: Session, result: TurnResult) -> str:
    """The authored model answer for a turn, else the best option, else a note that there is none."""
    node = session.scenario.nodes[result.node]
    if node.model_answers:
        return node.model_answers[0]
    best = next((o.text for o in node.options if o.best), "")
    return best or "（本轮没有示范回答）"


@dataclass(frozen=True)
class Move:
    turn: int
    reason: str
    before: int | bool
    after: int | bool


def moves(session: Session) -> list[Move]:
    """Every change in the petitioner's state, in order, with its cause."""
    return [Move(r.turn, c.reason, c.before, c.after) for r in session.history for c in r.changes]
