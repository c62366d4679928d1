"""Leave-one-pass-out: probabilities for every writer-pass reply from models that never saw its pass.

Outer: for each writer pass k, train on everything but k (the other passes and every part that
always trains) and predict k. Nested: for each pair {k, j}, train without both and predict both;
held-out pass k's rules and thresholds are then chosen on the other passes' predictions from
models that never saw k either. A model trained without {k, j} serves (outer k, inner j) and
(outer j, inner k), so n passes need n + n(n-1)/2 fits, spread over the machine's cores.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path
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


def cache_file(cache: Path, version: str, serious: Sequence[str], config: dict[str, Any], name: str) -> Path:
    """A file in the cache for one computation on one corpus version (its inputs in the name's digest)."""
    key = hashlib.sha256(json.dumps([version, list(serious), config, name], sort_keys=True).encode()).hexdigest()
    return cache / f"{name.split(':')[0]}-{key[:20]}.npz"


def predictions(records: list[Record], folds: Sequence[str], serious: list[str], config: dict[str, Any],
                nested: bool, workers: int = 0, cache: Path | None = None,
                version: str = "") -> dict[Excluded, dict[str, np.ndarray]]:
    """{excluded passes: {pass: probabilities of its replies, in corpus order}} for every job.

    With a cache folder, each job's predictions are kept (keyed by corpus version, targets and
    configuration): choosing again for other rules costs no refitting; the numbers are the same."""
    wanted = jobs_for(folds, nested)
    found: dict[Excluded, dict[str, np.ndarray]] = {}
    if cache is not None:
        for excluded in wanted:
            path = cache_file(cache, version, serious, config, "lopo:" + ",".join(sorted(excluded)))
            if path.is_file():
                with np.load(path) as stored:
                    found[excluded] = {part: stored[part] for part in stored.files}
    jobs = [(records, excluded, serious, config) for excluded in wanted if excluded not in found]
    workers = workers or min(len(jobs), len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                             else (os.cpu_count() or 1))
    if workers < 2:
        computed = dict(map(_run, jobs))
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            computed = dict(pool.imap_unordered(_run, jobs))
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        for excluded, arrays in computed.items():
            path = cache_file(cache, version, serious, config, "lopo:" + ",".join(sorted(excluded)))
            np.savez(path, **arrays)  # type: ignore[arg-type]  # numpy's stubs read ** as allow_pickle
    return found | computed


def outer(results: dict[Excluded, dict[str, np.ndarray]], folds: Sequence[str]) -> np.ndarray:
    """Out-of-fold probabilities of every writer-pass reply, passes in `folds` order."""
    return np.vstack([results[frozenset({k})][k] for k in folds])


def inner(results: dict[Excluded, dict[str, np.ndarray]], folds: Sequence[str], held: str) -> np.ndarray:
    """Out-of-fold probabilities of the passes other than `held`, from models that never saw `held`."""
    return np.vstack([results[frozenset({held, j})][j] for j in folds if j != held])
