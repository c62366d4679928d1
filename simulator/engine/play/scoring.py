"""Explainable scoring of one reply against a rubric, at one turn of a conversation.

Every point earned or lost names its criterion, the words that triggered it (spans in the
reply as typed), its dimension and the source passage it serves. Scoring is a pure function:
the same reply, rubric and turn always give the same TurnScore.

A rubric is compiled once into a `CompiledRubric` (`compile_rubric`), an explicit value that
whoever scores holds on to (a Session, the `score` command, a golden-test run); `score_reply`
takes that value. Whether each criterion fired comes from `verdicts`: the rubric's checks, and
where the rubric file says so its learned layer (weights loaded on the first reply scored).
"""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple, Protocol

from ..content.citations import Citation
from ..content.model import Criterion, Node, Rubric
from .budget import BudgetExceeded, reply_budget
from .checks import Compiled, LiteralIndex, Reply, Spans, compile_check
from .examples import case_examples, exemplars
from .lexicon import Expander
from .text import Normalized, normalize
from .totals import DimensionScore, turn_total
from .verdicts import Combination, Verdict, combined_verdicts, plan, rubric_verdicts

MAX_REPLY_CHARS = 2000
_NOTHING = Normalized("", ())  # what an unfired verdict's (absent) evidence is mapped on


class ReplyTooLong(ValueError):
    """A reply over MAX_REPLY_CHARS characters: scored never, reported always."""

    def __init__(self, length: int):
        super().__init__(f"回复过长：{length} 字，上限为 {MAX_REPLY_CHARS} 字")
        self.length = length


class Turn(Protocol):
    """What the scorer needs to know about the moment of the conversation (a scenario Node fits)."""

    @property
    def expects(self) -> tuple[str, ...]: ...

    @property
    def model_answers(self) -> tuple[str, ...]: ...


# Per-criterion values are NamedTuples: immutable like the rest, and several times cheaper to
# build than frozen dataclasses, which matters at 30-odd per reply on the scoring hot path.
class Evidence(NamedTuple):
    start: int
    end: int
    text: str


class CriterionResult(NamedTuple):
    """One criterion's verdict on a reply, with the words that decided it."""

    criterion: str
    label: str
    dimension: str
    kind: str
    fired: bool
    expected: bool
    evidence: tuple[Evidence, ...]
    message: str
    example: str
    source_ref: str
    source_quote: str
    by: str = "rubric"  # which layer's verdict stands: rubric | learned | both (see verdicts.py)
    citations: tuple[Citation, ...] = ()  # the articles a scenario's node cites for this criterion

    @property
    def passed(self) -> bool:
        """The trainee did right by this criterion: a credit fired, or a fault did not."""
        return self.fired if self.kind == "credit" else not self.fired


@dataclass(frozen=True)
class TurnScore:
    reply: str
    results: tuple[CriterionResult, ...]
    dimensions: tuple[DimensionScore, ...]
    total: int
    capped_by: str | None
    overrun: tuple[str, ...] = ()  # criteria whose check ran out of the reply's time budget (not fired)
    # every capping fault that fired, also where the cap did not lower an already low total
    serious: tuple[str, ...] = ()

    @property
    def hits(self) -> tuple[CriterionResult, ...]:
        return tuple(r for r in self.results if r.fired and r.kind == "credit")

    @property
    def flags(self) -> tuple[CriterionResult, ...]:
        return tuple(r for r in self.results if r.fired and r.kind == "fault")

    @property
    def missed(self) -> tuple[CriterionResult, ...]:
        """Credits this turn expected that the reply did not earn (the turn then shows at most 99)."""
        return tuple(r for r in self.results if r.expected and not r.fired)

    def result(self, criterion_id: str) -> CriterionResult:
        return next(r for r in self.results if r.criterion == criterion_id)

    def dimension(self, dimension_id: str) -> int | None:
        return next((d.score for d in self.dimensions if d.dimension == dimension_id), None)


class NodeTurn(NamedTuple):
    """A scenario node as the scorer sees it: what it expects, and its exemplars (model answers and
    the beginner options marked best). `simulator play` and `simulator score` both score through this."""

    expects: tuple[str, ...]
    model_answers: tuple[str, ...]


def node_turn(node: Node) -> NodeTurn:
    return NodeTurn(node.expects, node.model_answers + tuple(o.text for o in node.options if o.best))


class _LearnedPlan:
    """The rubric's learned layer, planned (weights loaded) on the first reply scored, then kept."""

    def __init__(self, rubric: Rubric):
        self.rubric = rubric
        self.value: Combination | None = None

    def get(self) -> Combination:
        if self.value is None:
            assert self.rubric.learned is not None
            self.value = plan(self.rubric, self.rubric.learned)
        return self.value


@dataclass(frozen=True)
class CompiledRubric:
    """A rubric with every criterion's check compiled into a plain function, ready to score."""

    rubric: Rubric
    checks: tuple[Compiled, ...]  # one per criterion, in `rubric.criteria` order
    learned: _LearnedPlan | None = field(default=None, compare=False, repr=False)
    # A turn's examples depend only on its model answers, best option and expects: found once per turn.
    _examples: dict[tuple[tuple[str, ...], tuple[str, ...]], dict[str, str]] = field(
        default_factory=dict, compare=False, repr=False)
    # A turn's model answers, normalised for the `similar` checks: once per turn, not per reply.
    _answers: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    # A criterion that did not fire says the same thing every time (values are immutable): one copy
    # per (position, expected, layer, example) instead of a new one per reply.
    _unfired: dict[tuple[int, bool, str, str], CriterionResult] = field(
        default_factory=dict, compare=False, repr=False)

    @cached_property
    def guarded(self) -> tuple[Compiled, ...]:
        """The checks as scoring runs them: out of the reply's regex budget, not fired (`_guarded`)."""
        return tuple(_guarded(c.id, check) for c, check in zip(self.rubric.criteria, self.checks))

    def answers(self, turn: Turn) -> tuple[str, ...]:
        key = tuple(turn.model_answers)
        found = self._answers.get(key)
        if found is None:
            found = self._answers[key] = tuple(normalize(a).text for a in key)
        return found

    def unfired(self, position: int, expected: bool, by: str, example: str) -> CriterionResult:
        key = (position, expected, by, example)
        found = self._unfired.get(key)
        if found is None:
            criterion = self.rubric.criteria[position]
            found = self._unfired[key] = _judge(criterion, Verdict(False, (), by), "", _NOTHING, expected, example)
        return found

    def examples(self, turn: Turn) -> dict[str, str]:
        """Every criterion's example at this turn, from the turn's own model answer (see examples.py)."""
        key = (exemplars(turn), tuple(turn.expects))
        found = self._examples.get(key)
        if found is None:
            found = case_examples(self.rubric, self.deciding_checks(), turn, [c.id for c in self.rubric.criteria])
            self._examples[key] = found
        return found

    def deciding_checks(self) -> tuple[Compiled, ...]:
        """One check per criterion that gives the verdict as scoring does (the learned layer
        included where the rubric's rules hand it a criterion), so an example is text that earns
        the criterion in play, not only under the rubric's own check."""
        combination = self.combination()
        if combination is None:
            return self.checks

        judged: dict[Reply, tuple[Verdict, ...]] = {}  # one judgement per text, shared by every criterion

        def verdict_of(position: int) -> Compiled:
            def run(subject: Reply) -> tuple[bool, Spans]:
                if subject not in judged:
                    judged[subject] = combined_verdicts(combination, self.checks, subject, normalize(subject.text))
                verdict = judged[subject][position]
                return verdict.fired, list(verdict.spans)
            return run
        return tuple(verdict_of(i) for i in range(len(self.checks)))

    def combination(self) -> Combination | None:
        """The learned layer's plan (loading the weights if no reply was scored yet), or None."""
        return self.learned.get() if self.learned is not None else None


def compile_rubric(rubric: Rubric, *, rubric_only: bool = False) -> CompiledRubric:
    """Compile a rubric's checks (lexicon expanded, regexes, phrase tries, prefilters) once, for many replies.

    `rubric_only` leaves the learned layer out: every criterion is decided by its check (the
    rubric's own figures, and what an instructor sees of the explainable layer alone)."""
    expander = Expander(rubric.lexicon)
    learned = _LearnedPlan(rubric) if rubric.learned is not None and not rubric_only else None
    index = LiteralIndex()  # one per rubric: a reply's literals are looked up once for all its checks
    return CompiledRubric(rubric, tuple(compile_check(expander.expand(c.check), index) for c in rubric.criteria),
                          learned)


def score_reply(reply: str, compiled: CompiledRubric, turn: Turn | None = None, context: str = "") -> TurnScore:
    """Score one reply; `context` is what the petitioner just said (the learned layer reads it).

    Raises ReplyTooLong past MAX_REPLY_CHARS, WeightsError when the rubric's weights cannot be
    loaded (the validator reports that first); never anything else."""
    rubric = compiled.rubric
    if len(reply) > MAX_REPLY_CHARS:
        raise ReplyTooLong(len(reply))
    normalized = normalize(reply)
    expects = set(turn.expects if turn is not None else rubric.default_expects)
    subject = Reply(normalized.text, compiled.answers(turn) if turn is not None else ())
    overrun: list[str] = []  # criteria whose check ran out of the reply's regex budget (a hostile pattern)
    combination = compiled.combination()  # loads the weights on the first reply, outside the budget
    token = _overrun.set(overrun)
    try:
        with reply_budget():
            verdicts = combined_verdicts(combination, compiled.guarded, subject, normalized, context) \
                if combination is not None else rubric_verdicts(compiled.guarded, subject)
    finally:
        _overrun.reset(token)
    # At a scenario turn every example comes from that turn's model answer (see examples.py).
    examples = compiled.examples(turn) if turn is not None else None
    results = []
    for position, (criterion, verdict) in enumerate(zip(rubric.criteria, verdicts)):
        expected = criterion.id in expects
        example = criterion.example if examples is None else \
            examples.get(criterion.id, "") if expected or verdict.fired else ""
        results.append(_judge(criterion, verdict, reply, normalized, expected, example) if verdict.fired
                       else compiled.unfired(position, expected, verdict.by, example))
    dimensions, total, capped_by = turn_total(rubric, results)
    serious = tuple(r.criterion for r in results
                    if r.fired and r.kind == "fault" and rubric.by_id[r.criterion].cap is not None)
    return TurnScore(reply, tuple(results), dimensions, total, capped_by, tuple(overrun), serious)


_overrun: ContextVar[list[str]] = ContextVar("overrun")  # the reply being scored: criteria out of budget


def _guarded(criterion_id: str, check: Compiled) -> Compiled:
    """A check that, out of the reply's regex budget, does not fire and says so in the score."""
    def run(subject: Reply) -> tuple[bool, Spans]:
        try:
            return check(subject)
        except BudgetExceeded:
            _overrun.get().append(criterion_id)
            return False, []
    return run


def expected_examples(compiled: CompiledRubric, turn: Turn) -> tuple[tuple[str, str], ...]:
    """(label, example) for each credit the turn expects, the example from its own model answer."""
    by_id = compiled.rubric.by_id
    wanted = [c for c in turn.expects if c in by_id and by_id[c].kind == "credit"]
    examples = compiled.examples(turn)
    return tuple((by_id[c].label, examples.get(c, "")) for c in wanted)


def _judge(criterion: Criterion, verdict: Verdict, reply: str, normalized: Normalized,
           expected: bool, example: str) -> CriterionResult:
    fired = verdict.fired
    evidence = tuple(Evidence(*normalized.span(s, e, reply)) for s, e in _merged(list(verdict.spans))) if fired else ()
    if criterion.kind == "fault":
        message = criterion.feedback.hit if fired else ""
    else:
        message = criterion.feedback.hit if fired else (criterion.feedback.miss if expected else "")
    return CriterionResult(
        criterion.id, criterion.label, criterion.dimension, criterion.kind, fired, expected,
        evidence, message, example, criterion.source.ref, criterion.source.quote, verdict.by,
    )


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, each word shown once: duplicates dropped, overlapping spans joined."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(set(spans)):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out
