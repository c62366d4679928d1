"""Leave-one-pass-out: probabilities for every writer-pass reply from models that never saw its pass.

Outer: for each writer pass k, train on everything but k (the other passes and every part that
always trains) and predict k. Nested: for each pair {k, j}, train without both and predict both;
held-out pass k's rules and thresholds are then chosen on the other passes' predictions from
models that never saw k either. A model trained without {k, j} serves (outer k, inner j) and
(outer j, inner k), so n passes need n + n(n-1)/2 fits, spread over the machine's cores.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np

from .corpus import Record
from .learn import fit

Excluded = frozenset[str]


def jobs_for(folds: Sequence[str], nested: bool) -> list[Excluded]:
    outer = [frozenset({k}) for k in folds]
    return outer + ([frozenset(pair) for pair in combinations(folds, 2)] if nested else [])


def _run(job: tuple[list[Record], Excluded, list[str], dict[str, Any]]) -> tuple[Excluded, dict[str, np.ndarray]]:
    records, excluded, serious, config = job
    model = fit([r for r in records if r.part not in excluded], serious, config)
    return excluded, {part: model.predict([r for r in records if r.part == part]) for part in sorted(excluded)}


def predictions(records: list[Record], folds: Sequence[str], serious: list[str], config: dict[str, Any],
                nested: bool, workers: int = 0) -> dict[Excluded, dict[str, np.ndarray]]:
    """{excluded passes: {pass: probabilities of its replies, in corpus order}} for every job."""
    jobs = [(records, excluded, serious, config) for excluded in jobs_for(folds, nested)]
    workers = workers or min(len(jobs), len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                             else (os.cpu_count() or 1))
    if workers < 2:
        return dict(map(_run, jobs))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return dict(pool.imap_unordered(_run, jobs))


def outer(results: dict[Excluded, dict[str, np.ndarray]], folds: Sequence[str]) -> np.ndarray:
    """Out-of-fold probabilities of every writer-pass reply, passes in `folds` order."""
    return np.vstack([results[frozenset({k})][k] for k in folds])


def inner(results: dict[Excluded, dict[str, np.ndarray]], folds: Sequence[str], held: str) -> np.ndarray:
    """Out-of-fold probabilities of the passes other than `held`, from models that never saw `held`."""
    return np.vstack([results[frozenset({held, j})][j] for j in folds if j != held])
