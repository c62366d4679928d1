"""Whether each criterion fired, on which words, and which layer decided: the rubric's checks and
the learned layer combined by the rule the rubric file states for each criterion.

This is the one meeting point of the two layers; scoring takes the verdicts from here and does
its arithmetic (dimensions, caps) on them, whatever decided them.

Rules (`learned.rules` in the rubric file; a criterion not listed is `rubric`):
  rubric    the rubric's check alone              learned   the learned verdict alone
  either    rubric OR learned                     both      rubric AND learned
The learned verdict is p >= the threshold the weights file holds for that criterion and rule,
except for the capped faults, which share one reply-level gate (`Gate`). Under `either` a hit of
the rubric's check counts only where the learned probability reaches the criterion's veto (the
weights' `vetoes`, chosen with the threshold; 0 keeps every hit), or, for a capped fault, where the
reply-level serious model reaches the gate's threshold: the model overrules the rubric only on
words it is sure mean something else. A rubric check runs
only where it can change the verdict: never under `learned`, under `either` only when the
learned verdict is no, under `both` only when it is yes.

Evidence: a verdict the rubric decided keeps the rubric's matches; a learned verdict points at
the words that drove it (`learned.evidence`) when it is confident (p >= EVIDENCE_MIN_P, or a
capped fault through the gate, itself a high-confidence reply-level threshold); otherwise it
stands without a highlight. Last, no words are both credited and faulted: a credit loses the
spans that overlap a fault's, and a credit left with none of its words no longer fires.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..content.model import LearnedLayer, Rubric, Rule
from .checks import Compiled, Reply
from .learned.evidence import learned_span
from .learned.model import SERIOUS_MODEL, LearnedModel, WeightsError, load_model
from .text import Normalized, normalize, sentence_around

EVIDENCE_MIN_P = 0.8

Span = tuple[int, int]


class Verdict(NamedTuple):
    fired: bool
    spans: tuple[Span, ...]  # in the normalised reply
    by: str  # "rubric" | "learned" | "both": whose verdict stands ("both": the two had to agree)


@dataclass(frozen=True)
class Combination:
    """One rubric's plan: per criterion (rubric order) its id, kind, rule and learned threshold."""

    model: LearnedModel
    criteria: tuple[str, ...]
    kinds: tuple[str, ...]
    rules: tuple[Rule, ...]
    thresholds: tuple[float | None, ...]  # None: rubric-only, or decided by the gate
    gated: tuple[int, ...]  # positions of the criteria the gate decides
    vetoes: tuple[float, ...] = ()  # per criterion under `either`: the least p at which a rubric hit counts


def plan(rubric: Rubric, layer: LearnedLayer) -> Combination:
    """Load the weights the rubric names and line their thresholds up with its criteria."""
    model = load_model(layer.path(layer.weights))
    rules: list[Rule] = []
    thresholds: list[float | None] = []
    gated: list[int] = []
    gate_criteria = set(model.gate.criteria) if model.gate else set()
    for position, criterion in enumerate(rubric.criteria):
        rule = layer.rule(criterion.id)
        if rule != "rubric" and criterion.id not in model.index:
            raise WeightsError(f"{layer.weights}: 没有评分项 {criterion.id} 的模型，它的规则只能是 rubric")
        threshold = None
        if rule != "rubric" and criterion.id in gate_criteria:
            gated.append(position)
        elif rule != "rubric":
            threshold = model.thresholds.get(criterion.id, {}).get(rule)
            if threshold is None:
                raise WeightsError(f"{layer.weights}: 没有评分项 {criterion.id} 在规则 {rule} 下的阈值")
        rules.append(rule)
        thresholds.append(threshold)
    if gated and SERIOUS_MODEL not in model.index:
        raise WeightsError(f"{layer.weights}: 缺少 {SERIOUS_MODEL} 模型，严重问题的闸门无法判定")
    vetoes = tuple(model.vetoes.get(c.id, 0.0) if rule == "either" else 0.0 for c, rule in zip(rubric.criteria, rules))
    return Combination(model, tuple(c.id for c in rubric.criteria), tuple(c.kind for c in rubric.criteria),
                       tuple(rules), tuple(thresholds), tuple(gated), vetoes)


def rubric_verdicts(checks: Sequence[Compiled], subject: Reply) -> tuple[Verdict, ...]:
    """Every criterion by its check alone (a rubric without a learned layer)."""
    verdicts = []
    for check in checks:
        fired, spans = check(subject)
        verdicts.append(Verdict(fired, tuple(sorted(set(spans))) if fired else (), "rubric"))
    return tuple(verdicts)


def combined_verdicts(combination: Combination, checks: Sequence[Compiled], subject: Reply,
                      normalized: Normalized, petitioner: str = "") -> tuple[Verdict, ...]:
    """Every criterion by its rule, then the overlap rule (see the module's docstring)."""
    model = combination.model
    scored = model.score(normalized, petitioner)
    probs = scored.probs
    learned = learned_yes(combination, probs)
    verdicts: list[Verdict] = []
    for position, (rule, check) in enumerate(zip(combination.rules, checks)):
        says = learned[position]
        if rule == "rubric" or (rule == "either" and not says) or (rule == "both" and says):
            fired, spans = check(subject)
            if fired and rule == "either" and vetoed(combination, position, probs) and all(
                    model.score(normalize(normalized.text[a:b])).probs[combination.criteria[position]]
                    < combination.vetoes[position]
                    for a, b in sentences_of(normalized.text, spans, position in combination.gated)):
                verdicts.append(Verdict(False, (), "learned"))  # the model is sure the rubric's hit is not it
                continue
            agreed = (rule == "both" and fired) or (rule == "either" and not fired)
            verdicts.append(Verdict(fired, tuple(sorted(set(spans))) if fired else (), "both" if agreed else "rubric"))
            continue
        shown: tuple[Span, ...] = ()
        criterion = combination.criteria[position]
        if says and (position in combination.gated or probs[criterion] >= EVIDENCE_MIN_P):
            span = learned_span(model, scored, criterion)
            shown = (span,) if span else ()
        verdicts.append(Verdict(says, shown, "learned"))
    return no_shared_words(verdicts, combination.kinds)


def sentences_of(text: str, spans: Sequence[Span], capped: bool) -> list[Span]:
    """For a capped fault in a reply of several sentences: the sentences its rubric hit stands in. A long
    warm reply dilutes the reply-level probabilities, so the model's veto of such a hit is asked again
    of the hit's own sentence (「……我们会核实。说到底，这个包工头就是黑心。」)."""
    if not capped:
        return []
    found = {sentence_around(text, start, end) for start, end in spans}
    return sorted(found) if found != {(0, len(text))} else []


def vetoed(combination: Combination, position: int, probs: dict[str, float]) -> bool:
    """Whether the model overrules a rubric hit under `either`: the criterion's probability is below
    its veto, and for a capped fault the reply-level serious model is below the gate's threshold too.
    A reply the model itself finds serious keeps the rubric's naming of the fault (the public norms'
    forbidden phrases, 「少罗嗦」, are serious to the model even where it cannot say which fault)."""
    if probs[combination.criteria[position]] >= combination.vetoes[position]:
        return False
    gate = combination.model.gate
    return not (position in combination.gated and gate is not None and probs[SERIOUS_MODEL] >= gate.threshold)


def learned_yes(combination: Combination, probs: dict[str, float]) -> list[bool]:
    """The learned layer's yes/no per criterion: thresholds, and the gate for the capped faults."""
    yes = [threshold is not None and probs[criterion] >= threshold
           for criterion, threshold in zip(combination.criteria, combination.thresholds)]
    gate = combination.model.gate
    if combination.gated and gate is not None:
        strongest = max(probs[c] for c in gate.criteria if c in probs)
        if (strongest + probs[SERIOUS_MODEL]) / 2 >= gate.threshold:
            top = max(combination.gated, key=lambda position: probs[combination.criteria[position]])
            for position in combination.gated:
                yes[position] = position == top or probs[combination.criteria[position]] >= gate.attribute
    return yes


def no_shared_words(verdicts: Sequence[Verdict], kinds: Sequence[str]) -> tuple[Verdict, ...]:
    """A credit found on words a fault was found on does not fire: the words did the fault.

    All or nothing, because a credit's words are often the parts of one match (「你去」…「征收办」
    for a route): with one part taken by the brush-off 「你去找」, what is left is no route."""
    faulted = [span for verdict, kind in zip(verdicts, kinds) if kind == "fault" and verdict.fired
               for span in verdict.spans]
    if not faulted:
        return tuple(verdicts)
    out = []
    for verdict, kind in zip(verdicts, kinds):
        if kind == "credit" and verdict.fired and any(
                s[0] < f[1] and f[0] < s[1] for s in verdict.spans for f in faulted):
            verdict = Verdict(False, (), verdict.by)
        out.append(verdict)
    return tuple(out)
