"""`simulator train`: from the corpus to a weights file, choices made by leave-one-pass-out.

1. Read train/ and score every reply with the rubric's checks alone (the rubric layer's verdicts).
2. Leave-one-pass-out predictions over the writer passes (lopo.py); with `nested`, also the
   pairs, for figures in which no choice ever saw the held-out pass.
3. Choose thresholds per criterion and rule, the recommended rules and the capped faults' gate
   on the outer predictions (select.py); the gate is chosen for the rules the rubric states.
4. Fit on the whole corpus; check that the engine's standard-library scorer reproduces
   scikit-learn's probabilities on every training reply (weights to 1e-6, within 1e-4) before
   anything is written; write the weights (integers of 1/1000) with the corpus version, seed,
   choices and tuning figures. Deterministic: the same corpus gives the same bytes.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.content.model import Rubric
from ..engine.play.learned.model import SERIOUS_MODEL, LearnedModel
from ..engine.play.scoring import compile_rubric, score_reply
from ..engine.play.text import normalize
from . import lopo, select
from .corpus import CRITERIA, FAULTS, Record, corpus_version, folds, load_corpus
from .export import CHECK_SCALE, SHIPPED_SCALE, dumps, weights_data
from .figures import reply_figures, summary
from .learn import CONFIG, SEED, TARGETS, fit

TOLERANCE = 1e-4


@dataclass(frozen=True)
class Trained:
    text: str  # the weights file's contents
    sha256: str
    data: dict[str, Any]
    scorer_difference: float  # stdlib vs scikit-learn, weights to 1e-6
    shipped_difference: float  # the same with the shipped quantisation


def capped(rubric: Rubric) -> list[str]:
    """The rubric's capped faults that the corpus labels: what the gate decides."""
    return [c.id for c in rubric.criteria if c.kind == "fault" and c.cap is not None and c.id in CRITERIA]


def rubric_layer(records: Sequence[Record], rubric: Rubric) -> np.ndarray:
    """The rubric's checks alone on every reply (no scenario turn), replies x criteria."""
    compiled = compile_rubric(rubric, rubric_only=True)
    fired = []
    for record in records:
        score = score_reply(record.reply, compiled)
        fired.append({r.criterion for r in score.results if r.fired})
    return np.array([[c in f for c in CRITERIA] for f in fired], bool)


def labels(records: Sequence[Record]) -> tuple[np.ndarray, np.ndarray]:
    Y = np.array([[c in r.shows for c in CRITERIA] for r in records], bool)
    K = np.array([[r.known(c) for c in CRITERIA] for r in records], bool)
    return Y, K


def _split(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return probabilities[:, [TARGETS.index(c) for c in CRITERIA]], probabilities[:, TARGETS.index(SERIOUS_MODEL)]


def _fired(F: np.ndarray) -> list[set[str]]:
    return [{c for c, on in zip(CRITERIA, row) if on} for row in F]


def tuning_figures(records: list[Record], R: np.ndarray, results: dict, fold_names: Sequence[str],
                   serious: list[str], rules: Mapping[str, str], nested: bool) -> dict[str, Any]:
    """Leave-one-pass-out figures of the rubric alone, the learned layer alone and the combination.

    nested: each held-out pass is judged with thresholds chosen on the other passes' predictions
    from models that never saw it. Otherwise the thresholds are chosen once on all the held-out
    predictions (slightly optimistic: the choice saw the pass it is judged on, the models did not)."""
    held_rows = {k: [i for i, r in enumerate(records) if r.part == k] for k in fold_names}
    order = [i for k in fold_names for i in held_rows[k]]
    tests = [records[i] for i in order]
    layers: dict[str, list[set[str]]] = {"rubric": _fired(R[order]), "learned": [], "combined": []}
    every_learned = dict.fromkeys(CRITERIA, "learned")
    if not nested:
        P, A = _split(lopo.outer(results, fold_names))
        Y, K = labels(tests)
        deployed = rules or select.choose(P, A, R[order], Y, K, serious)["recommended"]
        for name, wanted in (("combined", deployed), ("learned", every_learned)):
            chosen = select.choose(P, A, R[order], Y, K, serious, wanted)
            layers[name] = _fired(select.apply(chosen, wanted, P, A, R[order], serious))
    for k in fold_names if nested else ():
        inner_rows = [i for j in fold_names if j != k for i in held_rows[j]]
        iP, iA = _split(lopo.inner(results, fold_names, k))
        iY, iK = labels([records[i] for i in inner_rows])
        deployed = rules or select.choose(iP, iA, R[inner_rows], iY, iK, serious)["recommended"]
        P, A = _split(results[frozenset({k})][k])
        for name, wanted in (("combined", deployed), ("learned", every_learned)):
            chosen = select.choose(iP, iA, R[inner_rows], iY, iK, serious, wanted)
            layers[name] += _fired(select.apply(chosen, wanted, P, A, R[held_rows[k]], serious))
    protocol = "nested" if nested else "thresholds chosen on the same held-out predictions"
    result: dict[str, Any] = {"protocol": f"leave-one-pass-out ({protocol})", "folds": list(fold_names)}
    for name, fired in layers.items():
        result[name] = summary(tests, fired, CRITERIA, serious, FAULTS)
    result["per_pass"] = {}
    for k in fold_names:
        mine = [n for n, r in enumerate(tests) if r.part == k]
        result["per_pass"][k] = {"serious": reply_figures([tests[n] for n in mine],
                                                          [layers["combined"][n] for n in mine], serious)}
    return result


def stdlib_difference(model_probabilities: np.ndarray, data: dict[str, Any], records: Sequence[Record]) -> float:
    scorer = LearnedModel(data)
    got = np.array([[scorer.score(normalize(r.reply), r.petitioner).probs[t] for t in TARGETS] for r in records])
    return float(np.max(np.abs(model_probabilities - got)))


def final_fit(records: list[Record], serious: list[str], cache: Path | None,
              version: str) -> tuple[dict[str, Any], dict[str, Any], np.ndarray]:
    """The model on the whole corpus, exported twice (weights to 1e-6 for the check, to 1e-3 to ship),
    and its probabilities on every training reply; kept in the cache like the held-out predictions."""
    path = lopo.cache_file(cache, version, serious, CONFIG, "final") if cache is not None else None
    if path is not None and path.is_file():
        with np.load(path) as stored:
            return json.loads(str(stored["exact"])), json.loads(str(stored["shipped"])), stored["probabilities"]
    model = fit(records, serious)
    exact, shipped = weights_data(model, CHECK_SCALE), weights_data(model, SHIPPED_SCALE)
    probabilities = model.predict(records)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, exact=json.dumps(exact), shipped=json.dumps(shipped), probabilities=probabilities)
    return exact, shipped, probabilities


def train(corpus: Path, rubric: Rubric, *, nested: bool = True, workers: int = 0, cache: Path | None = None,
          say: Callable[[str], None] = lambda _: None) -> Trained:
    records = load_corpus(corpus)
    version = corpus_version(corpus)
    serious = capped(rubric)
    rules = dict(rubric.learned.rules) if rubric.learned is not None else {}
    fold_names = folds(records)
    if len(fold_names) < 3:
        raise ValueError(f"{corpus}: 至少要有三个写作轮次（w1、w2、w3……）才能做留一轮交叉验证")
    say(f"语料 {len(records)} 条（版本 {version}），写作轮次 {', '.join(fold_names)}；评分标准检查逐条评分……")
    R = rubric_layer(records, rubric)
    jobs = len(lopo.jobs_for(fold_names, nested))
    say(f"留一轮交叉验证：{jobs} 个模型……")
    results = lopo.predictions(records, fold_names, serious, CONFIG, nested, workers, cache, version)
    outer_rows = [i for k in fold_names for i, r in enumerate(records) if r.part == k]
    P, A = _split(lopo.outer(results, fold_names))
    Y, K = labels([records[i] for i in outer_rows])
    chosen = select.choose(P, A, R[outer_rows], Y, K, serious, rules or None)
    tuning = tuning_figures(records, R, results, fold_names, serious, rules, nested)
    say("在全部语料上训练最终模型……")
    exact, shipped, probabilities = final_fit(records, serious, cache, version)
    scorer_difference = stdlib_difference(probabilities, exact, records)
    if scorer_difference >= TOLERANCE:
        raise RuntimeError(f"标准库评分与 scikit-learn 相差 {scorer_difference:.2e}（上限 {TOLERANCE}），未写入权重")
    import sklearn

    parts = {part: sum(r.part == part for r in records) for part in sorted({r.part for r in records})}
    extra = {**chosen, "seed": SEED, "trainer": {"scikit-learn": sklearn.__version__},
             "corpus": {"version": version, "replies": len(records), "parts": parts, "folds": list(fold_names)},
             "tuning": tuning}
    data = {**shipped, **extra}
    shipped_difference = stdlib_difference(probabilities, data, records)
    text = dumps(data)
    return Trained(text, hashlib.sha256(text.encode()).hexdigest(), data, scorer_difference, shipped_difference)
