"""Choosing thresholds (per criterion and rule) and the capped faults' gate from held-out predictions.

Arrays over replies x criteria (corpus.CRITERIA order): P learned probabilities, A the
`any_serious` probability, R the rubric's verdicts, Y labels, K usable pairs (known, not unsure).

Credits and the faults without a cap: the learned verdict is p >= t. For each rule (learned,
either, both) t maximises min(recall / 0.80, precision / PRECISION), PRECISION 0.85 for credits
(the issue's target) and 0.90 for faults (a false flag costs the trainee points). Under `either`
a hit of the rubric's check counts only where the learned probability is at least a veto v
(chosen with t; v = 0 keeps every hit): the rubric's stock phrases keep counting, its false hits
on words the model is sure mean something else do not. The rule recommended is the best
one-layer rule (rubric or learned) unless a two-layer rule beats it by MARGIN: two-layer gains
measured on training writers were small and did not always carry over to a held-out writer.

Capped faults: the target is at reply level (recall >= 0.90 at false alarms <= 0.05), and nine
thresholds tuned jointly overfit. What generalised is one gate:
    (max over capped c of p_c + p_any_serious) / 2 >= t_gate,
then each capped criterion with p_c >= t_attr fires, and always the most probable one. t_gate is
the lowest threshold whose reply-level false alarms (with the rubric's own flags of criteria
under `either` counted in) stay within FA_BUDGET, a margin under 0.05: on the first sealed split
(writers outside the training passes) false alarms ran about 1.5 times the leave-one-pass-out
figure; t_attr maximises the mean F1 of the capped criteria. A capped criterion is recommended
`either` when the rubric alone is precise on it (precision >= 0.90 at false alarms <= 0.003), else `learned`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .corpus import CREDITS, CRITERIA

GRID = tuple(sorted({round(x, 3) for x in [*np.arange(0.05, 0.95, 0.05), 0.93, 0.96, 0.97, 0.98, 0.985, 0.99,
                                              0.993, 0.995, 0.997, 0.998, 0.999]}))
ATTRIBUTE_GRID = (0.2, 0.3, 0.4, 0.5, 0.6)
VETO_GRID = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3)
FA_BUDGET = 0.04
MARGIN = 0.02
RULES = ("learned", "either", "both")


def rule_flags(rule: str, learned: np.ndarray, rubric: np.ndarray) -> np.ndarray:
    if rule == "rubric":
        return rubric.copy()
    if rule == "learned":
        return learned.copy()
    return rubric | learned if rule == "either" else rubric & learned


def _rates(f: np.ndarray, y: np.ndarray, k: np.ndarray) -> tuple[float, float, float]:
    tp, fp = int(np.sum(f & y & k)), int(np.sum(f & ~y & k))
    fn, negatives = int(np.sum(~f & y & k)), max(int(np.sum(~y & k)), 1)
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0), fp / negatives


def _objective(f: np.ndarray, y: np.ndarray, k: np.ndarray, precision_target: float) -> float:
    precision, recall, _ = _rates(f, y, k)
    return round(min(recall / 0.80, precision / precision_target), 6)


def thresholds_for(j: int, P: np.ndarray, R: np.ndarray, Y: np.ndarray, K: np.ndarray,
                   precision_target: float) -> tuple[dict[str, float], dict[str, float], float]:
    """The best threshold of each rule for criterion column j, each rule's objective (rubric too),
    and the veto of `either`."""
    best: dict[str, tuple[float, float, float]] = {}
    for rule in RULES:
        for v in VETO_GRID if rule == "either" else (0.0,):
            rubric = R[:, j] & (P[:, j] >= v)
            for t in GRID:
                value = _objective(rule_flags(rule, P[:, j] >= t, rubric), Y[:, j], K[:, j], precision_target)
                if rule not in best or value > best[rule][0]:
                    best[rule] = (value, t, v)
    scores = {rule: value for rule, (value, _, _) in best.items()}
    scores["rubric"] = _objective(R[:, j], Y[:, j], K[:, j], precision_target)
    return {rule: t for rule, (_, t, _) in best.items()}, scores, best["either"][2]


def capped_veto(j: int, P: np.ndarray, R: np.ndarray, Y: np.ndarray, K: np.ndarray) -> float:
    """For a capped fault under `either`: the veto that gives the rubric's hits their best F1."""
    def f1(v: float) -> float:
        precision, recall, _ = _rates(R[:, j] & (P[:, j] >= v), Y[:, j], K[:, j])
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return max(VETO_GRID, key=lambda v: (round(f1(v), 6), -v))


def recommend(scores: Mapping[str, float]) -> str:
    single = max(("learned", "rubric"), key=lambda rule: (scores[rule], rule == "learned"))
    double = max(("either", "both"), key=lambda rule: scores[rule])
    return double if scores[double] >= scores[single] + MARGIN else single


def gate_scores(P: np.ndarray, A: np.ndarray, serious: Sequence[int]) -> np.ndarray:
    return (P[:, list(serious)].max(axis=1) + A) / 2


def gated(P: np.ndarray, A: np.ndarray, serious: Sequence[int], threshold: float, attribute: float) -> np.ndarray:
    """The gate's learned verdicts on the capped criteria, shape (n, len(serious))."""
    sub = P[:, list(serious)]
    fire = (sub >= attribute) | (sub == sub.max(axis=1, keepdims=True))
    return fire & (gate_scores(P, A, serious) >= threshold)[:, None]


def recommend_capped(j: int, R: np.ndarray, Y: np.ndarray, K: np.ndarray) -> str:
    precision, _, fa = _rates(R[:, j], Y[:, j], K[:, j])
    return "either" if precision >= 0.90 and fa <= 0.003 else "learned"


def choose_gate(P: np.ndarray, A: np.ndarray, R: np.ndarray, Y: np.ndarray, K: np.ndarray,
                serious: Sequence[int], rules: Mapping[int, str], vetoes: Mapping[int, float]) -> dict[str, float]:
    truth = Y[:, list(serious)].any(axis=1)
    usable = K[:, list(serious)] | Y[:, list(serious)]
    rubric_flags = np.zeros(truth.shape[0], dtype=np.bool_)
    for i, j in enumerate(serious):
        if rules[j] == "either":
            rubric_flags = rubric_flags | (R[:, j] & (P[:, j] >= vetoes[j]) & usable[:, i])
    # a flag on a pair the labeller was unsure about is neither right nor wrong
    scores = (np.where(usable, P[:, list(serious)], 0).max(axis=1) + A) / 2
    threshold = 1.0
    for t in np.unique(scores)[::-1]:
        if np.mean(((scores >= t) | rubric_flags)[~truth]) > FA_BUDGET:
            break
        threshold = float(t)
    best_attribute, best_f1 = ATTRIBUTE_GRID[0], -1.0
    for attribute in ATTRIBUTE_GRID:
        L = gated(P, A, serious, threshold, attribute)
        f1s = []
        for i, j in enumerate(serious):
            precision, recall, _ = _rates(L[:, i], Y[:, j], K[:, j])
            f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        if float(np.mean(f1s)) > best_f1:
            best_attribute, best_f1 = attribute, float(np.mean(f1s))
    return {"threshold": rounded6(threshold), "attribute": best_attribute}


def rounded6(x: float) -> float:
    return float(f"{x:.6g}")


def choose(P: np.ndarray, A: np.ndarray, R: np.ndarray, Y: np.ndarray, K: np.ndarray, serious: Sequence[str],
           rules: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Thresholds per rule, the recommended rules, and the gate (for `rules`, else the recommended ones).

    {"thresholds": {criterion: {rule: t}}, "vetoes": {criterion: v}, "recommended": {criterion: rule},
     "serious_gate": {"threshold", "attribute", "criteria"}}"""
    thresholds: dict[str, dict[str, float]] = {}
    vetoes: dict[str, float] = {}
    recommended: dict[str, str] = {}
    serious_columns = [CRITERIA.index(c) for c in serious]
    for j, criterion in enumerate(CRITERIA):
        if criterion in serious:
            recommended[criterion] = recommend_capped(j, R, Y, K)
            vetoes[criterion] = capped_veto(j, P, R, Y, K)
            continue
        precision = 0.85 if criterion in CREDITS else 0.90
        thresholds[criterion], scores, vetoes[criterion] = thresholds_for(j, P, R, Y, K, precision)
        recommended[criterion] = recommend(scores)
    deployed = {j: (rules or recommended).get(CRITERIA[j], recommended[CRITERIA[j]]) for j in serious_columns}
    gate = choose_gate(P, A, R, Y, K, serious_columns, deployed, {j: vetoes[CRITERIA[j]] for j in serious_columns})
    return {"thresholds": thresholds, "vetoes": vetoes, "recommended": recommended,
            "serious_gate": {**gate, "criteria": list(serious)}}


def apply(chosen: Mapping[str, Any], rules: Mapping[str, str], P: np.ndarray, A: np.ndarray, R: np.ndarray,
          serious: Sequence[str]) -> np.ndarray:
    """Verdicts (replies x criteria) under `rules` with the chosen thresholds and gate (no overlap rule)."""
    F = np.zeros(P.shape, bool)
    gate = chosen["serious_gate"]
    serious_columns = [CRITERIA.index(c) for c in serious]
    L = gated(P, A, serious_columns, gate["threshold"], gate["attribute"])
    for j, criterion in enumerate(CRITERIA):
        rule = rules.get(criterion, "rubric")
        kept = P[:, j] >= chosen["vetoes"][criterion]
        if criterion in serious:  # as the engine does: a reply the serious model flags keeps the rubric's hit
            kept = kept | np.greater_equal(A, gate["threshold"])
        rubric = R[:, j] & kept if rule == "either" else R[:, j]
        if rule == "rubric":
            F[:, j] = R[:, j]
        elif criterion in serious:
            F[:, j] = rule_flags(rule, L[:, serious.index(criterion)], rubric)
        else:
            F[:, j] = rule_flags(rule, P[:, j] >= chosen["thresholds"][criterion][rule], rubric)
    return F
