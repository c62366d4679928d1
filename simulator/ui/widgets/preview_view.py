"""The author's preview, computed from a Session alone: node, state, expected criteria, branches.

Branch conditions are evaluated the way the engine's `Session.answer` does (same names, same
`passed()` meaning). For the node awaiting a reply the reply is not known yet, so `passed()`,
`failed()`, `score()` and `total` are unknown: each condition is tried under every outcome of the
criteria it asks about, and is "depends" when the outcomes disagree. Variables the reply itself
may change (the node's effects, the rubric's effects) are named beside the verdict, because the
engine branches only after applying them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ...engine.content.model import Node
    from ...engine.play.session import Session, TurnResult

Verdict = Literal["holds", "fails", "depends", "error", "else"]
MAX_TRIES = 64  # outcomes tried per condition: enough for six criteria in one condition


@dataclass(frozen=True)
class BranchView:
    """One `next` branch with what its condition says."""

    when: str | None
    goto: str
    verdict: Verdict
    detail: str = ""  # an error message, or the variables this turn's reply may still change
    chosen: bool = False  # the branch the dialogue would take (current node) or took (last turn)


@dataclass(frozen=True)
class Preview:
    """Everything the preview panel shows."""

    node: str
    turn: int
    ending: str  # 「登记受理（解决）」 once the dialogue has ended, else ""
    state: tuple[tuple[str, str], ...]  # (label, value as shown)
    expects: tuple[tuple[str, str], ...]  # (criterion id, label or a note that the rubric lacks it)
    branches: tuple[BranchView, ...]
    undecided: str  # why the current node's branch cannot be told yet, "" when it can
    last_turn: int | None = None
    last_node: str = ""
    last_target: str = ""
    last_branches: tuple[BranchView, ...] = ()


class _Unknown(Exception):
    """A condition read something the reply decides (a score, the total)."""


class _Need(Exception):
    def __init__(self, criterion: str) -> None:
        super().__init__(criterion)
        self.criterion = criterion


class _UnknownNumber:
    """`total` before the reply: any use of it makes the condition unknown."""

    def _unknown(self, *args: Any) -> Any:
        raise _Unknown()

    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = _unknown
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __bool__ = __int__ = _unknown
    # Defining __eq__ leaves the class unhashable (__hash__ is None), as an unknown number should be.


def _score_unknown(dimension: str) -> Any:
    raise _Unknown()


def evaluate(source: str, base: dict[str, Any], known: Callable[[str], bool] | None = None) -> tuple[Verdict, str]:
    """Whether `source` holds in `base`; with `known` None, criteria outcomes are unknown."""
    from ...engine.play.expr import compile_condition

    try:
        condition = compile_condition(source)
    except Exception as error:
        return "error", str(error)
    outcomes: set[bool | None] = set()
    pending: list[dict[str, bool]] = [{}]
    tries = 0
    while pending and tries < MAX_TRIES:
        assumed = pending.pop()
        tries += 1

        def passed(criterion: str, assumed: dict[str, bool] = assumed) -> bool:
            if known is not None:
                return known(criterion)
            if criterion not in assumed:
                raise _Need(criterion)
            return assumed[criterion]

        context = {**base, "passed": passed, "failed": lambda criterion: not passed(criterion)}
        try:
            outcomes.add(bool(condition(**context)))
        except _Need as need:
            pending += [{**assumed, need.criterion: True}, {**assumed, need.criterion: False}]
        except _Unknown:
            outcomes.add(None)
        except Exception as error:
            return "error", str(error)
    if pending or None in outcomes or len(outcomes) != 1:
        return "depends", ""
    return ("holds" if outcomes.pop() else "fails"), ""


def shown_value(value: int | bool) -> str:
    return ("是" if value else "否") if isinstance(value, bool) else str(value)


def _changeable(session: Session, node: Node) -> dict[str, str]:
    """Variables the reply at `node` may change before branching: name -> label."""
    names: set[str] = set()
    for criterion in session.rubric.criteria:
        names |= set(criterion.effects)
    for effect in node.effects:
        names |= set(effect.change) | set(effect.set)
    state = session.scenario.state
    return {name: state[name].label for name in names if name in state}


def _reads(source: str) -> set[str]:
    from ...engine.play.expr import free_names

    try:
        return free_names(source)
    except Exception:
        return set()


def pending_branches(session: Session) -> tuple[tuple[BranchView, ...], str]:
    """The current node's branches against the current state, the reply still unknown."""
    node = session.current
    base = {**session.values, "score": _score_unknown, "total": _UnknownNumber(), "turn": session.turn,
            "persona": session.scenario.persona.model_dump()}
    changeable = _changeable(session, node)
    views: list[BranchView] = []
    settled = True  # every branch so far has a verdict the reply cannot change
    chosen_at: int | None = None
    for index, branch in enumerate(node.next):
        verdict: Verdict
        if branch.when is None:
            verdict, detail = "else", ""
        else:
            verdict, detail = evaluate(branch.when, base)
            moved = [label for name, label in changeable.items() if name in _reads(branch.when)]
            if moved and verdict != "error":
                detail = "本轮回答可能改变：" + "、".join(moved)
        if chosen_at is None and settled and verdict in ("holds", "else") and not detail:
            chosen_at = index
        settled = settled and verdict == "fails" and not detail
        views.append(BranchView(branch.when, branch.goto, verdict, detail))
    if chosen_at is not None:
        views[chosen_at] = replace(views[chosen_at], chosen=True)
    undecided = "" if chosen_at is not None or not views else "走向取决于本轮回答"
    return tuple(views), undecided


def taken_branches(session: Session, result: TurnResult) -> tuple[BranchView, ...]:
    """The answered node's branches against that turn's scores and state (after its effects)."""
    from ...engine.play.session import condition_context

    node = session.scenario.nodes.get(result.node)
    if node is None:
        return ()
    base = condition_context(session.scenario, dict(result.state), result.score, result.turn)
    known = base["passed"]
    views = [BranchView(b.when, b.goto, *(evaluate(b.when, base, known) if b.when is not None else ("else", "")))
             for b in node.next]
    # The engine's own record of where the turn went marks the branch: the first that holds and
    # leads there (conditions it skipped could not have held).
    for index, view in enumerate(views):
        if view.verdict in ("holds", "else") and view.goto == result.next_node:
            views[index] = replace(view, chosen=True)
            break
    return tuple(views)


def preview_of(session: Session) -> Preview:
    """What the preview panel shows for this moment of the session."""
    from ...engine.content.model import ENDING_LABELS

    scenario = session.scenario
    node = session.current
    ending = node.ending
    labels = session.rubric.by_id
    expects = tuple((c, labels[c].label if c in labels else "（评分标准中没有这一项）") for c in node.expects)
    state = tuple((scenario.state[name].label, shown_value(value)) for name, value in session.state
                  if name in scenario.state)
    branches, undecided = pending_branches(session) if ending is None else ((), "")
    last = session.last
    return Preview(
        node=session.node, turn=session.turn,
        ending=f"{ending.title}（{ENDING_LABELS[ending.kind]}）" if ending is not None else "",
        state=state, expects=expects, branches=branches, undecided=undecided,
        last_turn=last.turn if last else None, last_node=last.node if last else "",
        last_target=last.next_node if last else "",
        last_branches=taken_branches(session, last) if last else (),
    )
