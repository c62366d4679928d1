"""A conversation with a scripted petitioner, as an immutable value.

`Session.start(...)` gives the first petitioner line; `answer(reply)` returns a new Session whose
last TurnResult says how the reply scored, what it changed in the petitioner's state and why,
and where the dialogue went. Because every step is a pure function of the scenario, the rubric
and the replies, rewinding is taking a prefix and resuming is replaying.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ..content.citations import node_citations
from ..content.controls import cleaned
from ..content.model import Ending, Node, Option, Rubric, Scenario
from .scoring import CompiledRubric, NodeTurn, TurnScore, compile_rubric, node_turn, score_reply
from .totals import SessionScore, full_length, session_score

Mode = Literal["practice", "exam", "choice"]
MODES: dict[str, Mode] = {"practice": "practice", "exam": "exam", "choice": "choice"}  # names as typed values
MODE_LABELS: dict[str, str] = {"practice": "练习", "exam": "考试", "choice": "初学"}
Value = int | bool
SCHEMA = "jiefang-session/1"
MAX_TURNS = 100_000  # a record claiming more turns than this is not one a trainee played


class ScenarioError(ValueError):
    """Authored content that fails while playing (a condition that cannot be evaluated)."""


def condition_context(scenario: Scenario, values: dict[str, Value], score: TurnScore, turn: int) -> dict[str, Any]:
    """The names a `when` or `set` expression may use after a turn was scored."""
    results = {r.criterion: r for r in score.results}

    def passed(criterion: str) -> bool:
        result = results.get(criterion)
        return bool(result and result.passed)

    return {**values, "passed": passed, "failed": lambda criterion: not passed(criterion),
            "score": score.dimension, "total": score.total, "serious": bool(score.serious),
            "turn": turn, "persona": scenario.persona.model_dump()}


def scene(scenario: Scenario, node_id: str) -> tuple[NodeTurn, str]:
    """A node as `play` scores a reply to it: its turn (expects, exemplars) and the petitioner's line,
    rendered with the scenario's initial state (how `score` and `calibrate` place a lone reply)."""
    node = scenario.nodes.get(node_id)
    if node is None or node.ending is not None:
        raise ScenarioError(f"场景 {scenario.id} 中没有对话节点 {node_id}")
    return node_turn(node), petitioner_line(scenario, node_id, dict(_initial_state(scenario)), 1)


def petitioner_line(scenario: Scenario, node_id: str, values: dict[str, Value], turn: int) -> str:
    """What the petitioner says at a node, rendered with the given state."""
    from .expr import render  # Jinja2 loads with the first line spoken, not with the engine

    context = {**values, "state": values, "persona": scenario.persona.model_dump(), "turn": turn}
    try:
        return render(scenario.nodes[node_id].say, context).strip()
    except Exception as error:  # authored template failed: say where
        raise ScenarioError(f"节点 {node_id} 的台词无法生成：{error}") from None


def _with_citations(score: TurnScore, scenario: Scenario, node_id: str) -> TurnScore:
    """The score with each criterion's result carrying the articles the node cites for it."""
    cited = node_citations(scenario, node_id)
    if not cited:
        return score
    results = tuple(r._replace(citations=cited[r.criterion]) if r.criterion in cited else r for r in score.results)
    return replace(score, results=results)


def _initial_state(scenario: Scenario) -> tuple[tuple[str, Value], ...]:
    return tuple((name, var.initial) for name, var in scenario.state.items())


def new_seed() -> int:
    """A fresh seed for a session a trainee starts (the UI and the command line pick one each time)."""
    return random.SystemRandom().randrange(2**31)


def option_order(seed: int, node_id: str, count: int) -> tuple[int, ...]:
    """The order a session shows a node's options in: authored indices, shuffled by the session's
    seed and the node, so a replay (and a report) shows what the trainee saw. Authors list the best
    option first; shown in that order, beginner mode would be a matter of pressing 1."""
    order = list(range(count))
    random.Random(f"{seed}:{node_id}").shuffle(order)  # a str seed hashes the same on every platform
    return tuple(order)


@dataclass(frozen=True)
class StateChange:
    variable: str
    label: str
    before: Value
    after: Value
    cause: str  # criterion id, or "scenario" for a node's own effect
    reason: str  # shown to the trainee: 「语气生硬：愤怒 +15」

    @property
    def delta(self) -> int:
        return int(self.after) - int(self.before)


@dataclass(frozen=True)
class TurnResult:
    turn: int
    node: str
    prompt: str
    reply: str
    choice: int | None
    hint_used: bool
    score: TurnScore
    changes: tuple[StateChange, ...]
    state: tuple[tuple[str, Value], ...]
    next_node: str
    ending: Ending | None


@dataclass(frozen=True)
class Tally:
    """Running sums over the turns answered, so a session's scores cost the same at turn 2,000 as at 2."""

    turns: int = 0
    total: int = 0
    dimensions: tuple[tuple[str, int, int], ...] = ()  # (dimension, sum of scores, turns that assessed it)

    def add(self, score: TurnScore) -> Tally:
        sums = {d: (s, n) for d, s, n in self.dimensions}
        for dim in score.dimensions:
            if dim.score is not None:
                total, count = sums.get(dim.dimension, (0, 0))
                sums[dim.dimension] = (total + dim.score, count + 1)
        return Tally(self.turns + 1, self.total + score.total, tuple((d, s, n) for d, (s, n) in sums.items()))

    @classmethod
    def of(cls, history: tuple[TurnResult, ...]) -> Tally:
        tally = cls()
        for result in history:
            tally = tally.add(result.score)
        return tally


@dataclass(frozen=True)
class Session:
    scenario: Scenario
    rubric: Rubric
    scorer: CompiledRubric = field(compare=False, repr=False)  # the rubric, compiled once per start
    node: str
    state: tuple[tuple[str, Value], ...]
    history: tuple[TurnResult, ...] = ()
    mode: Mode = "practice"
    hint_pending: bool = field(default=False)
    tally: Tally = field(default_factory=Tally, compare=False, repr=False)  # follows `history`
    seed: int = 0  # shuffles the options of every node (beginner mode); recorded with the session

    # ------------------------------------------------------------ lifecycle

    @classmethod
    def start(cls, scenario: Scenario, rubric: Rubric, mode: Mode = "practice", *,
              scorer: CompiledRubric | None = None, seed: int = 0) -> Session:
        """The first moment of a conversation; `scorer` reuses a compiled `rubric` (many sessions, one rubric);
        `seed` decides the order options are shown in (callers pick a random one per session)."""
        if scorer is None or scorer.rubric is not rubric:
            scorer = compile_rubric(rubric)
        return cls(scenario, rubric, scorer, scenario.start, _initial_state(scenario), (), mode, seed=seed)

    @property
    def current(self) -> Node:
        return self.scenario.nodes[self.node]

    @property
    def ending(self) -> Ending | None:
        return self.current.ending

    @property
    def finished(self) -> bool:
        return self.current.ending is not None

    @property
    def turn(self) -> int:
        """The number of the turn the trainee is about to answer (1-based)."""
        return len(self.history) + 1

    @property
    def values(self) -> dict[str, Value]:
        return dict(self.state)

    @property
    def prompt(self) -> str:
        """The petitioner's line at the current node, rendered."""
        return petitioner_line(self.scenario, self.node, self.values, self.turn)

    @property
    def last(self) -> TurnResult | None:
        return self.history[-1] if self.history else None

    def shown_options(self, node_id: str | None = None) -> tuple[tuple[int, Option], ...]:
        """A node's options (default: the current one's) as this session shows them: (authored index, option)."""
        node = self.scenario.nodes[node_id or self.node]
        return tuple((i, node.options[i]) for i in option_order(self.seed, node_id or self.node, len(node.options)))

    def use_hint(self) -> Session:
        return replace(self, hint_pending=True)

    def answer(self, reply: str, choice: int | None = None) -> Session:
        """Score a reply at the current node and move on; returns the new Session.

        Control characters and escape sequences in the reply are dropped first: what is scored,
        kept and shown is the text the trainee meant.
        """
        if self.finished:
            raise ScenarioError("对话已经结束")
        reply = cleaned(reply)
        node = self.current
        prompt = self.prompt
        score = _with_citations(score_reply(reply, self.scorer, node_turn(node), prompt), self.scenario, self.node)
        values = self.values
        changes: list[StateChange] = []
        for result in score.results:
            if result.fired:
                effects = self.rubric.by_id[result.criterion].effects
                for name, delta in effects.items():
                    self._apply(values, changes, name, values.get(name), delta, result.criterion, result.label)
        context = self._context(values, score)
        for effect in node.effects:
            if effect.when is not None and not self._holds(effect.when, context, "effects"):
                continue
            reason = effect.because or "场景规则"
            for name, delta in effect.change.items():
                self._apply(values, changes, name, values.get(name), delta, "scenario", reason)
            for name, source in effect.set.items():
                self._set(values, changes, name, self._eval(source, context, "effects"), reason)
            context = self._context(values, score)
        target = self._branch(node, self._context(values, score))
        state = tuple(values.items())
        turn = TurnResult(
            self.turn, self.node, prompt, reply, choice, self.hint_pending, score, tuple(changes), state,
            target, self.scenario.nodes[target].ending,
        )
        return replace(self, node=target, state=state, history=(*self.history, turn), hint_pending=False,
                       tally=self.tally.add(score))

    def choose(self, index: int) -> Session:
        """Beginner mode: answer with the node's option at authored `index`, scored like typed text
        (`shown_options` says which index is at which place on the screen)."""
        options = self.current.options
        if not 0 <= index < len(options):
            raise ScenarioError(f"没有第 {index + 1} 个选项")
        return self.answer(options[index].text, choice=index)

    def rewind(self, turn: int) -> Session:
        """The session as it was just before the given turn (1-based) was answered."""
        if not 1 <= turn <= len(self.history):
            raise ScenarioError(f"无法回到第 {turn} 轮")
        target = self.history[turn - 1]
        before = self.history[turn - 2].state if turn > 1 else _initial_state(self.scenario)
        history = self.history[: turn - 1]
        return replace(self, node=target.node, state=before, history=history, hint_pending=False,
                       tally=Tally.of(history))

    # ------------------------------------------------------------ results

    def dimension_scores(self) -> dict[str, int | None]:
        """Per dimension, the mean over the turns that assessed it."""
        sums = {d: (s, n) for d, s, n in self.tally.dimensions}
        return {dim_id: round(sums[dim_id][0] / sums[dim_id][1]) if dim_id in sums else None
                for dim_id in self.rubric.dimensions}

    def score(self) -> SessionScore:
        """The session's total and its parts: conduct over the full length, and the ending (see totals.py)."""
        ending = self.ending
        return session_score([r.score.total for r in self.history], full_length(self.scenario),
                             ending.kind if ending is not None else None)

    def total(self) -> int | None:
        """None before the first answer; turns not reached count 0 and the ending weighs a quarter."""
        return self.score().total

    # ------------------------------------------------------------ persistence

    def to_json(self, turns: bool = True) -> dict[str, Any]:
        """What `from_json` needs to rebuild this session; without `turns`, the part that does not
        grow with the conversation (a store that keeps the turns itself adds them back)."""
        data: dict[str, Any] = {"schema": SCHEMA, "scenario": self.scenario.id, "rubric": self.rubric.id,
                                "mode": self.mode, "hint_pending": self.hint_pending, "node": self.node,
                                "seed": self.seed}
        if turns:
            data["turns"] = [{"reply": r.reply, "choice": r.choice, "hint": r.hint_used} for r in self.history]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], scenario: Scenario, rubric: Rubric, *,
                  scorer: CompiledRubric | None = None) -> Session:
        """Rebuild a session by replaying its replies; checks it lands where it was saved.

        The data may come from elsewhere (a bundle, a damaged record): anything malformed is a
        ScenarioError saying so, never another exception.
        """
        if not isinstance(data, dict) or data.get("schema") != SCHEMA or data.get("scenario") != scenario.id:
            raise ScenarioError("会话记录与场景不符")
        mode = MODES.get(data.get("mode", "practice")) if isinstance(data.get("mode", "practice"), str) else None
        if mode is None:
            raise ScenarioError(f"未知的模式：{data.get('mode')!r}")
        turns = data.get("turns", [])
        if not isinstance(turns, list) or len(turns) > MAX_TURNS:
            raise ScenarioError("会话记录中的轮次格式不对")
        seed = data.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise ScenarioError(f"会话记录中的 seed 不是整数：{seed!r}")
        session = cls.start(scenario, rubric, mode, scorer=scorer, seed=seed)
        for number, turn in enumerate(turns, 1):
            if not isinstance(turn, dict) or not isinstance(turn.get("reply", ""), str) \
                    or not isinstance(turn.get("choice"), (int, type(None))) or isinstance(turn.get("choice"), bool):
                raise ScenarioError(f"会话记录第 {number} 轮的格式不对")
            if turn.get("hint"):
                session = session.use_hint()
            if turn.get("choice") is not None:
                session = session.choose(turn["choice"])
            else:
                session = session.answer(turn.get("reply", ""))
        if data.get("hint_pending"):
            session = session.use_hint()
        if data.get("node", session.node) != session.node:
            raise ScenarioError("场景内容已改变，记录无法按原路径恢复")
        return session

    # ------------------------------------------------------------ internals

    def _context(self, values: dict[str, Value], score: TurnScore) -> dict[str, Any]:
        return condition_context(self.scenario, values, score, self.turn)

    def _eval(self, source: str, context: dict[str, Any], where: str) -> Any:
        from .expr import compile_condition  # loaded by the first line spoken (petitioner_line)

        try:
            return compile_condition(source)(**context)
        except Exception as error:
            raise ScenarioError(f"节点 {self.node} 的 {where} 表达式 {source!r} 无法计算：{error}") from None

    def _holds(self, source: str, context: dict[str, Any], where: str) -> bool:
        return bool(self._eval(source, context, where))

    def _branch(self, node: Node, context: dict[str, Any]) -> str:
        for branch in node.next:
            if branch.when is None or self._holds(branch.when, context, "next"):
                return branch.goto
        raise ScenarioError(f"节点 {self.node} 没有可走的分支")

    def _apply(self, values, changes, name, before, delta, cause, reason) -> None:
        var = self.scenario.state.get(name)
        if var is None or var.type != "int" or delta == 0:
            return
        low, high = var.bounds
        after = max(low, min(high, int(before) + round(delta)))
        if after != before:
            values[name] = after
            sign = "+" if after > before else ""
            changes.append(StateChange(name, var.label, before, after, cause,
                                       f"{reason}：{var.label} {sign}{after - before}"))

    def _set(self, values, changes, name, value, reason) -> None:
        var = self.scenario.state.get(name)
        if var is None:
            return
        before = values[name]
        if var.type == "int":
            low, high = var.bounds
            try:
                after: Value = max(low, min(high, round(float(value))))
            except (TypeError, ValueError):
                raise ScenarioError(f"节点 {self.node} 给 {name} 赋了非数值：{value!r}") from None
        else:
            after = bool(value)
        if after != before:
            values[name] = after
            shown = ("是" if after else "否") if isinstance(after, bool) else after
            changes.append(StateChange(name, var.label, before, after, "scenario", f"{reason}：{var.label} → {shown}"))
