"""A fitted model -> the weights file the engine reads (format in engine/play/learned/model.py).

Deterministic: keys sorted, floats to 6 significant digits, weights as integers of `scale`, no
timestamps; the same corpus and seed give the same bytes. IDF is folded into the weights; the
IDF of every vocabulary n-gram is kept because the norm needs it.
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ..engine.play.learned.model import FORMAT
from .learn import Model

SHIPPED_SCALE = 0.001  # weights written as integers of 1/1000 (the shipped file)
CHECK_SCALE = 1e-6  # weights to a millionth: to check the scorer itself against scikit-learn


def rounded(x: float) -> float:
    return float(f"{x:.6g}")


def _block(vectorizer: TfidfVectorizer, coef: list[np.ndarray], offset: int,
           scale: float) -> tuple[dict[str, list[float]], dict[str, float]]:
    vocabulary, idf = vectorizer.vocabulary_, vectorizer.idf_
    weighted: dict[str, list[float]] = {}
    idf_only: dict[str, float] = {}
    for gram in sorted(vocabulary):
        j = vocabulary[gram]
        pairs: list[float] = []
        for k, row in enumerate(coef):
            q = round(float(row[offset + j] * idf[j]) / scale)
            if q:
                pairs += [k, q]
        if pairs:
            weighted[gram] = [rounded(idf[j]), *pairs]
        else:
            idf_only[gram] = rounded(idf[j])
    return weighted, idf_only


def weights_data(model: Model, scale: float = SHIPPED_SCALE, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    coef = [model.coef[t] for t in model.targets]
    weighted, idf_only = _block(model.vectorizer, coef, 0, scale)
    context_weighted, context_idf_only = _block(model.context_vectorizer, coef, model.n_reply, scale)
    config = model.config
    data: dict[str, Any] = {
        "format": FORMAT,
        "targets": list(model.targets),
        "intercepts": [rounded(model.intercept[t]) for t in model.targets],
        "config": {"n_min": config["n_min"], "n_max": config["n_max"], "norm_power": config["norm_power"],
                   "context_n_max": config["context_n_max"] if context_weighted else 0,
                   "context_alpha": config["context_alpha"] if context_weighted else 0.0,
                   "name": config["name"]},
        "weight_scale": scale,
        "weighted": weighted,
        "idf_only": idf_only,
        "context_weighted": context_weighted,
        "context_idf_only": context_idf_only if context_weighted else {},
    }
    data.update(extra or {})
    return data


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
