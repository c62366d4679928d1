"""A weights file read into a scorer: reply (and petitioner's line) -> probability per criterion.

The model, identical to training (simulator/train/learn.py): the reply's character n-grams form
a TF-IDF vector x_f = tf_f * idf_f / ||tf * idf||_2 ** p over the training vocabulary; the
petitioner's line is a second block normalised on its own and scaled by alpha (only the
criteria that need context have weights there). For criterion k,
    p_k = sigmoid(b_k + sum_f x_f * coef_kf + alpha * sum_g xc_g * coef_kg).

Weights file (JSON, format "jiefang-judge/2", written by `simulator train`):
  targets, intercepts     criterion ids (plus "any_serious") and b_k, in one order
  config                  n_min, n_max, context_n_max, norm_power, context_alpha
  weight_scale            w_kf = q_kf * weight_scale, q_kf an integer
  weighted                {ngram: [idf, k, q_kf, k, q_kf, ...]}   IDF folded in: w_kf = coef_kf * idf_f
  idf_only                {ngram: idf}    the rest of the vocabulary (the norm needs it)
  context_weighted, context_idf_only      the same for the petitioner's line
  thresholds              {criterion: {rule: threshold}}   chosen per rule by leave-one-pass-out
  vetoes                  {criterion: v}   under `either`, a rubric hit counts only where p >= v
  serious_gate            {threshold, attribute, criteria}  one reply-level gate for the capped faults
  recommended             {criterion: rule}   what the selection preferred (the rubric decides)
  corpus, seed, trainer, tuning           where the weights came from and how they did

Scoring is one pass: the n-grams are listed once, each distinct one is looked up once, and every
target's weights for an n-gram are packed into one Python int (target k in its own signed field
of `field` bits), so one C-level `sum(map(mul, ...))` adds all targets at once, exactly.
"""
from __future__ import annotations

import json
import math
import os
from collections import Counter
from functools import lru_cache
from itertools import repeat
from operator import lshift, mul
from pathlib import Path
from typing import Any, NamedTuple

from ..text import Normalized
from .features import context_grams, reply_grams

FORMAT = "jiefang-judge/2"
SERIOUS_MODEL = "any_serious"  # the reply-level model of "shows any capped fault"
MAX_OCCURRENCES = 1 << 14  # n-gram occurrences per block the packing is exact for (2,000 chars x 4 = 8,000)
_UNKNOWN = (0.0, 0)


class WeightsError(ValueError):
    """A weights file that is missing, unreadable or not in the expected format (one line for the user)."""


class Gate(NamedTuple):
    """The capped faults' shared gate: open when (max p_c + p_any) / 2 >= threshold; then every
    gated criterion with p_c >= attribute fires, and always the most probable one."""

    threshold: float
    attribute: float
    criteria: tuple[str, ...]


class Probabilities(NamedTuple):
    """One reply's learned probabilities, with what evidence needs to point at words."""

    probs: dict[str, float]
    text: str  # the normalised reply
    grams: list[str]  # its n-grams, block by block (features.reply_grams)
    scale: float  # weight_scale / ||tf * idf|| ** p of the reply block


class LearnedModel:
    """The weights of one file, packed for scoring. Build with `load_model(path)`."""

    def __init__(self, data: dict[str, Any], source: str = "<weights>"):
        if data.get("format") != FORMAT:
            raise WeightsError(f"{source}: 不是 {FORMAT} 格式的权重文件（请用 simulator train 重新生成）")
        try:
            self.targets: tuple[str, ...] = tuple(data["targets"])
            self.intercepts: tuple[float, ...] = tuple(float(b) for b in data["intercepts"])
            config = data["config"]
            self.n_min, self.n_max = int(config["n_min"]), int(config["n_max"])
            self.context_n_max = int(config.get("context_n_max", 0))
            self.power = float(config["norm_power"])
            self.alpha = float(config.get("context_alpha", 0.0))
            self.weight_scale = float(data["weight_scale"])
            self.rows: dict[str, list[float]] = data["weighted"]
            self.thresholds: dict[str, dict[str, float]] = data.get("thresholds") or {}
            gate = data.get("serious_gate")
            self.gate = Gate(float(gate["threshold"]), float(gate["attribute"]), tuple(gate["criteria"])) \
                if gate else None
            self.vetoes: dict[str, float] = {c: float(v) for c, v in (data.get("vetoes") or {}).items()}
            self.recommended: dict[str, str] = data.get("recommended") or {}
            self.meta = {key: data.get(key) for key in ("corpus", "seed", "trainer", "tuning")}
            largest = max((abs(int(q)) for block in ("weighted", "context_weighted")
                           for row in (data.get(block) or {}).values() for q in row[2::2]), default=1)
            self.field = (largest * MAX_OCCURRENCES).bit_length() + 2
            self.table = _pack(data["weighted"], data["idf_only"], self.field)
            self.context_table = _pack(data.get("context_weighted") or {}, data.get("context_idf_only") or {},
                                       self.field)
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise WeightsError(f"{source}: 权重文件内容不完整（{type(error).__name__}: {error}）") from None
        if len(self.intercepts) != len(self.targets):
            raise WeightsError(f"{source}: targets 与 intercepts 数目不一致")
        self.index = {t: k for k, t in enumerate(self.targets)}
        self._half, self._mask = 1 << (self.field - 1), (1 << self.field) - 1
        self._per_target: list[dict[str, int]] | None = None

    @property
    def corpus_version(self) -> str:
        corpus = self.meta.get("corpus") or {}
        return str(corpus.get("version", "")) if isinstance(corpus, dict) else ""

    def score(self, normalized: Normalized, petitioner: str = "") -> Probabilities:
        """Every target's probability for a reply (normalised by the caller, shared with the rubric)."""
        text = normalized.text
        grams = reply_grams(text, self.n_min, self.n_max)
        total, scale = self._block_sum(grams, self.table)
        sums = [q * scale for q in self._unpack(total)]
        if petitioner and self.context_n_max and self.context_table:
            extra, context_scale = self._block_sum(context_grams(petitioner, self.context_n_max), self.context_table)
            if extra:
                context_scale *= self.alpha
                sums = [a + q * context_scale for a, q in zip(sums, self._unpack(extra))]
        exp = math.exp
        probs = {t: 1.0 / (1.0 + exp(-z)) if z > -700 else 0.0
                 for t, z in zip(self.targets, map(float.__add__, sums, self.intercepts))}
        return Probabilities(probs, text, grams, scale)

    def _block_sum(self, grams: list[str], table: dict[str, tuple[float, int]]) -> tuple[int, float]:
        """The packed sum of one block's weights times tf, and weight_scale / ||tf * idf|| ** p."""
        if not grams:
            return 0, 0.0
        counts = Counter(grams)
        tf = counts.values()  # the same order as iterating the keys
        idf2, packed = zip(*map(table.get, counts, repeat(_UNKNOWN)))
        squares = sum(map(mul, map(mul, tf, tf), idf2))
        total = sum(map(mul, tf, packed))
        return total, (self.weight_scale / math.sqrt(squares) ** self.power if squares > 0 else 0.0)

    def _unpack(self, total: int) -> list[int]:
        out = []
        half, mask, field = self._half, self._mask, self.field
        for _ in self.targets:
            value = ((total + half) & mask) - half
            out.append(value)
            total = (total - value) >> field
        return out

    def target_weights(self, target: str) -> dict[str, int]:
        """{reply n-gram: quantised weight} of one target (all targets split out on first use)."""
        if self._per_target is None:
            per_target: list[dict[str, int]] = [{} for _ in self.targets]
            for gram, row in self.rows.items():
                for k, q in zip(row[1::2], row[2::2]):
                    per_target[int(k)][gram] = int(q)
            self._per_target = per_target
        return self._per_target[self.index[target]]


def _pack(weighted: dict[str, list[float]], idf_only: dict[str, float], field: int) -> dict[str, tuple[float, int]]:
    """n-gram -> (idf squared, for the norm; all its target weights packed into one int, 0 if none)."""
    table = {gram: (idf * idf, 0) for gram, idf in idf_only.items()}
    for gram, row in weighted.items():
        targets = map(mul, map(int, row[1::2]), repeat(field))
        table[gram] = (row[0] * row[0], sum(map(lshift, map(int, row[2::2]), targets)))
    return table


def load_model(path: str | Path) -> LearnedModel:
    """The weights at `path`, read once per process while the file is unchanged."""
    try:
        stat = os.stat(path)
    except OSError as error:
        raise WeightsError(f"{path}: 找不到权重文件（{error.strerror}）") from None
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


# The weights are an immutable file of a few MB that takes ~0.2 s to pack: every scorer of the same
# file in one process (sessions, golden runs, validation) shares one copy, keyed so an edit reloads.
@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, size: int) -> LearnedModel:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WeightsError(f"{path}: 无法读取权重文件（{error}）") from None
    if not isinstance(data, dict):
        raise WeightsError(f"{path}: 权重文件应为一个 JSON 对象")
    return LearnedModel(data, path)
