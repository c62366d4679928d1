"""Agreement figures between verdicts and a trainer's labels (standard library only).

Per criterion, over the pairs the labeller was sure about: precision, recall and false alarms
(FP / (FP + TN)). Per reply, for a group of faults (the capped ones, or all): recall = replies
showing any fault of the group that get any flag of the group; false alarms = replies showing
none that get one. A flag on a criterion the labeller was unsure about counts for neither side.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from .corpus import Record


def criterion_figures(records: Sequence[Record], fired: Sequence[Iterable[str]],
                      criteria: Sequence[str]) -> dict[str, dict[str, Any]]:
    table = {c: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for c in criteria}
    for record, flags in zip(records, fired):
        flagged = set(flags)
        for c in criteria:
            if not record.known(c):
                continue
            shown, got = c in record.shows, c in flagged
            table[c]["tp" if shown and got else "fn" if shown else "fp" if got else "tn"] += 1
    return {c: _rates(counts) for c, counts in table.items()}


def _rates(counts: dict[str, int]) -> dict[str, Any]:
    tp, fp, fn, tn = counts["tp"], counts["fp"], counts["fn"], counts["tn"]
    return {**counts, "n_pos": tp + fn,
            "precision": tp / (tp + fp) if tp + fp else None,
            "recall": tp / (tp + fn) if tp + fn else None,
            "fa": fp / (fp + tn) if fp + tn else None}


def reply_figures(records: Sequence[Record], fired: Sequence[Iterable[str]], group: Sequence[str]) -> dict[str, Any]:
    tp = fp = fn = tn = 0
    for record, flags in zip(records, fired):
        truth = any(c in record.shows for c in group)
        flagged = any(c in group and (record.known(c) or c in record.shows) for c in flags)
        if truth:
            tp, fn = tp + flagged, fn + (not flagged)
        else:
            fp, tn = fp + flagged, tn + (not flagged)
    return {"n_pos": tp + fn, "n_neg": fp + tn, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "recall": tp / (tp + fn) if tp + fn else None, "fa": fp / (fp + tn) if fp + tn else None,
            "recall_ci95": wilson(tp, tp + fn), "fa_ci95": wilson(fp, fp + tn)}


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion k/n (95 % by default)."""
    if n == 0:
        return None
    p = k / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (round((c - h) / d, 4), round((c + h) / d, 4))


def summary(records: Sequence[Record], fired: Sequence[Iterable[str]], criteria: Sequence[str],
            serious: Sequence[str], faults: Sequence[str]) -> dict[str, Any]:
    """Everything reported for one layer on one set of replies."""
    fired = [set(f) for f in fired]
    return {"replies": len(records),
            "criteria": criterion_figures(records, fired, criteria),
            "serious": reply_figures(records, fired, serious),
            "all_faults": reply_figures(records, fired, faults)}
