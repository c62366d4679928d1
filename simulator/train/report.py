"""Honest figures of a rubric's judgement: the sealed split, and the tuning side as trained.

The only code that reads the sealed split (data/corpus/sealed/): bench/bench_judge.py calls it
once per weights file and keeps the result beside the weights; `simulator test --metrics` prints
that file. Every sealed file is checked against the split's SHA-256 manifest before it is read.
Sealed replies are scored as `simulator score` scores a line with a `context`: no scenario turn
(expectations do not change which criteria fire), the petitioner's line as the learned layer's context.
"""
from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path
from typing import Any

from ..engine.content.model import Rubric
from ..engine.play.scoring import compile_rubric, score_reply
from .corpus import CRITERIA, FAULTS, Record, load_part_file, part_files
from .figures import summary
from .pipeline import capped


class SealedError(ValueError):
    """The sealed split does not match its manifest."""


MANIFEST = "SEALED.sha256"
TARGETS = {"serious_recall": 0.90, "serious_fa": 0.05, "credit_recall": 0.80, "credit_precision": 0.85}


def sealed_records(sealed: Path) -> tuple[list[Record], str]:
    """The sealed replies, after checking every file against the manifest (and its digest)."""
    manifest = sealed / MANIFEST
    listed = {name: digest for digest, name in (line.split() for line in manifest.read_text(encoding="utf-8")
                                                .splitlines() if line.strip())}
    files = part_files(sealed)
    if sorted(p.name for p in files) != sorted(listed):
        raise SealedError(f"{sealed}: the files differ from {MANIFEST}")
    for path in files:
        if hashlib.sha256(path.read_bytes()).hexdigest() != listed[path.name]:
            raise SealedError(f"{path}: SHA-256 differs from {MANIFEST}; the sealed split was edited")
    return [r for path in files for r in load_part_file(path)], hashlib.sha256(manifest.read_bytes()).hexdigest()


def every_rule_learned(rubric: Rubric) -> Rubric:
    assert rubric.learned is not None
    # every criterion the weights have a model for (the corpus's), not only those the rules name
    layer = rubric.learned.model_copy(update={"rules": {c.id: "learned" for c in rubric.criteria if c.id in CRITERIA}})
    return rubric.model_copy(update={"learned": layer})


def fired_sets(records: list[Record], rubric: Rubric, rubric_only: bool = False) -> list[set[str]]:
    compiled = compile_rubric(rubric, rubric_only=rubric_only)
    return [{r.criterion for r in score_reply(rec.reply, compiled, None, rec.petitioner).results if r.fired}
            for rec in records]


def measure(rubric: Rubric, sealed: Path) -> dict[str, Any]:
    records, manifest_sha = sealed_records(sealed)
    serious = capped(rubric)
    layers = {"rubric": fired_sets(records, rubric, rubric_only=True),
              "learned": fired_sets(records, every_rule_learned(rubric)),
              "combined": fired_sets(records, rubric)}
    assert rubric.learned is not None
    raw = rubric.learned.path(rubric.learned.weights).read_bytes()
    weights = json.loads(raw)
    return {
        "date": datetime.date.today().isoformat(),
        "weights_sha256": hashlib.sha256(raw).hexdigest(),
        "corpus_version": weights["corpus"]["version"],
        "sealed_manifest_sha256": manifest_sha,
        "sealed": {name: summary(records, fired, CRITERIA, serious, FAULTS) for name, fired in layers.items()},
        "tuning": weights.get("tuning"),
        "targets": TARGETS,
        "serious": serious,
    }


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def markdown(figures: dict[str, Any], rubric: Rubric) -> str:
    """The table for docs/rubric.md."""
    sealed, tuning = figures["sealed"], figures["tuning"]
    n = sealed["combined"]["replies"]
    lines = [f"测定日期 {figures['date']}；语料版本 `{figures['corpus_version']}`；封存测试集 {n} 条回复；"
             f"调参集为留一轮交叉验证（{tuning['protocol'] if tuning else '—'}）。", "",
             "| 评分项 | 规则 | 封存：精确率 | 召回率 | 误报率 | 调参：精确率 | 召回率 | 误报率 "
             "| 只用检查条件（封存）：精确率 | 召回率 "
             "| 只用学习模型（封存）：精确率 | 召回率 |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    assert rubric.learned is not None
    for criterion in rubric.criteria:
        if criterion.id not in CRITERIA:
            continue
        s, r = sealed["combined"]["criteria"][criterion.id], sealed["rubric"]["criteria"][criterion.id]
        m = sealed["learned"]["criteria"][criterion.id]
        t = tuning["combined"]["criteria"][criterion.id] if tuning else {}
        lines.append(f"| {criterion.label} `{criterion.id}` | {rubric.learned.rule(criterion.id)} | "
                     f"{pct(s['precision'])} | {pct(s['recall'])} | {pct(s['fa'])} | "
                     f"{pct(t.get('precision'))} | {pct(t.get('recall'))} | {pct(t.get('fa'))} | "
                     f"{pct(r['precision'])} | {pct(r['recall'])} | {pct(m['precision'])} | {pct(m['recall'])} |")
    lines += ["", "| 整句 | 封存：召回率 | 误报率 | 调参：召回率 | 误报率 |", "|---|---|---|---|---|"]
    for layer, label in (("combined", "严重问题（组合，发布的规则）"), ("learned", "严重问题（只用学习模型）"),
                         ("rubric", "严重问题（只用检查条件）")):
        s = sealed[layer]["serious"]
        t = tuning[layer]["serious"] if tuning else {}
        lines.append(f"| {label} | {pct(s['recall'])} | {pct(s['fa'])} | {pct(t.get('recall'))} | {pct(t.get('fa'))} |")
    s, t = sealed["combined"]["all_faults"], (tuning["combined"]["all_faults"] if tuning else {})
    lines.append(f"| 全部扣分项（组合） | {pct(s['recall'])} | {pct(s['fa'])} | "
                 f"{pct(t.get('recall'))} | {pct(t.get('fa'))} |")
    return "\n".join(lines) + "\n"


