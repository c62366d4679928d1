"""Fitting the learned layer: TF-IDF over character n-grams, one logistic regression per target.

Needs the `.[train]` extra (scikit-learn, numpy, scipy). The features are the engine's own
(`engine.play.learned.features`), so what is trained is what is scored.

The configuration was chosen by leave-one-pass-out on the training side (the prototype's report,
summarised in data/corpus/README.md): character 1-4-grams, min_df 2, rows divided by
||tf*idf||^0.75 (long replies diluted less), C = 30, balanced classes; each target refitted on its
5,000 strongest n-grams (exact, and it keeps the weights file small); the petitioner's line as a
separate 1-2-gram block (own IDF and norm, alpha 0.5) only for the criteria that depend on what
was said to them. Targets: every criterion, plus `any_serious` ("shows any capped fault"), which
the capped faults' reply-level gate averages in.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from ..engine.play.learned.features import context_grams, reply_grams
from ..engine.play.learned.model import SERIOUS_MODEL
from ..engine.play.text import normalize
from .corpus import CRITERIA, Record, label

SEED = 20240611
CONFIG: dict[str, Any] = {
    "name": "char1-4+min_df2+norm0.75+C30+balanced+top5000+context(vigilance,interrupt)",
    "n_min": 1, "n_max": 4,
    "context_n_max": 2, "context_alpha": 0.5,
    "context_targets": ["notice_warning", "safety_first", "interrupt"],
    "min_df": 2, "norm_power": 0.75, "C": 30.0, "select_top": 5000,
}


TARGETS = [*CRITERIA, SERIOUS_MODEL]


def members(target: str, serious: Sequence[str]) -> tuple[str, ...]:
    return tuple(serious) if target == SERIOUS_MODEL else (target,)


@dataclass
class Model:
    config: dict[str, Any]
    vectorizer: TfidfVectorizer
    context_vectorizer: TfidfVectorizer
    targets: list[str]
    coef: dict[str, np.ndarray] = field(default_factory=dict)  # over reply vocabulary + context vocabulary
    intercept: dict[str, float] = field(default_factory=dict)

    @property
    def n_reply(self) -> int:
        return len(self.vectorizer.vocabulary_)

    def transform(self, replies: Sequence[str], petitioners: Sequence[str]) -> sparse.csr_matrix:
        power = self.config["norm_power"]
        x = _renorm(self.vectorizer.transform(list(replies)), power)
        xc = _renorm(self.context_vectorizer.transform(list(petitioners)), power)
        return sparse.hstack([x, self.config["context_alpha"] * xc]).tocsr()

    def predict(self, records: Sequence[Record]) -> np.ndarray:
        """Probabilities, shape (len(records), len(targets))."""
        x = self.transform([r.reply for r in records], [r.petitioner for r in records])
        w = np.column_stack([self.coef[t] for t in self.targets])
        b = np.array([self.intercept[t] for t in self.targets])
        return 1.0 / (1.0 + np.exp(-(np.asarray(x @ w) + b)))


def _renorm(x: sparse.csr_matrix, power: float) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms ** power) @ x)


def _analyzer(config: dict[str, Any]):
    n_min, n_max = config["n_min"], config["n_max"]
    return lambda reply: reply_grams(normalize(reply).text, n_min, n_max)


def _vectorizer(analyzer, min_df: int) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=analyzer, min_df=min_df, norm=None, lowercase=False, dtype=np.float64)


def _regression(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=1000, random_state=SEED)


def fit(records: Sequence[Record], serious: Sequence[str], config: dict[str, Any] = CONFIG) -> Model:
    """One model per target on `records` (pairs unknown for a target are left out of its fit)."""
    vectorizer = _vectorizer(_analyzer(config), config["min_df"])
    vectorizer.fit([r.reply for r in records])
    context_n_max = config["context_n_max"]
    context_vectorizer = _vectorizer(lambda text: context_grams(text, context_n_max), config["min_df"])
    context_vectorizer.fit([r.petitioner for r in records])
    model = Model(config, vectorizer, context_vectorizer, list(TARGETS))
    x = model.transform([r.reply for r in records], [r.petitioner for r in records])
    with_context = set(config["context_targets"])
    idf = np.concatenate([vectorizer.idf_, context_vectorizer.idf_])
    for target in model.targets:
        labels = [label(r, members(target, serious)) for r in records]
        rows = [i for i, y in enumerate(labels) if y is not None]
        y = np.array([labels[i] for i in rows])
        columns = x.shape[1] if target in with_context else model.n_reply
        coef = np.zeros(x.shape[1])
        if len(set(y.tolist())) < 2:  # a small corpus where nobody showed it (or everybody did)
            model.coef[target], model.intercept[target] = coef, (10.0 if y.size and y[0] else -10.0)
            continue
        xt = x[rows][:, :columns]
        regression = _regression(config["C"]).fit(xt, y)
        top = config["select_top"]
        if top and top < columns:
            strength = np.abs(regression.coef_.ravel()) * idf[:columns]
            keep = np.sort(np.lexsort((np.arange(columns), -strength))[:top])  # stable: strength, then column
            regression = _regression(config["C"]).fit(xt[:, keep], y)
            coef[keep] = regression.coef_.ravel()
        else:
            coef[:columns] = regression.coef_.ravel()
        model.coef[target] = coef
        model.intercept[target] = float(regression.intercept_[0])
    return model
