"""How far to trust the automatic score: agreement with trainers' labels, on the sealed split and on
the tuning side, for the rubric alone, the learned layer alone and the two combined as shipped.

The sealed split (data/corpus/sealed/, written last by writers no tuning ever saw) is read only by
simulator/train/report.py, called from here. Its figures are computed once per weights file: the
result is written beside the weights (the rubric's `learned.figures`, rubrics/standard.figures.json,
with the date, the corpus version and the weights' SHA-256), and a later run for the same weights
prints that file instead of measuring again (--again measures anyway, e.g. after fixing a plain bug;
say so where the figures are published). The tuning-side figures are the leave-one-pass-out ones
`simulator train` stored in the weights. `simulator test --metrics` prints both.

    .venv/bin/python bench/bench_judge.py [--again] [--markdown]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys

from _common import ROOT

from simulator.engine.check.ready import load_rubric
from simulator.train.corpus import CREDITS, corpus_version
from simulator.train.report import TARGETS, markdown, measure, pct

CORPUS = ROOT / "data" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--again", action="store_true", help="measure even though figures for these weights exist")
    parser.add_argument("--markdown", action="store_true", help="print the table for docs/rubric.md")
    args = parser.parse_args()
    rubric = load_rubric(ROOT / "rubrics" / "standard.yaml")
    if rubric.learned is None or not rubric.learned.figures:
        raise SystemExit("the standard rubric names no learned layer or figures file")
    weights = rubric.learned.path(rubric.learned.weights)
    weights_sha = hashlib.sha256(weights.read_bytes()).hexdigest()
    target = rubric.learned.path(rubric.learned.figures)
    existing = json.loads(target.read_text(encoding="utf-8")) if target.is_file() else None
    if existing and existing.get("weights_sha256") == weights_sha and not args.again:
        figures = existing
        print(f"figures for these weights exist ({target.name}, measured {figures['date']}); not measuring again",
              file=sys.stderr)
    else:
        figures = measure(rubric, CORPUS / "sealed")
        target.write_text(json.dumps(figures, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {target}", file=sys.stderr)
    if corpus_version(CORPUS / "train") != figures["corpus_version"]:
        print("note: the corpus has changed since these weights were trained (run simulator train)", file=sys.stderr)
    if args.markdown:
        print(markdown(figures, rubric))
        return
    for layer in ("rubric", "learned", "combined"):
        s, a = figures["sealed"][layer]["serious"], figures["sealed"][layer]["all_faults"]
        print(f"sealed {layer:8}: serious recall {pct(s['recall'])} {s['recall_ci95']} at false alarms "
              f"{pct(s['fa'])} {s['fa_ci95']}; all faults {pct(a['recall'])} at {pct(a['fa'])}")
    credits = figures["sealed"]["combined"]["criteria"]
    short = [c for c, f in credits.items() if c in CREDITS and
             ((f["recall"] or 0) < TARGETS["credit_recall"] or (f["precision"] or 0) < TARGETS["credit_precision"])]
    print(f"credits below recall {TARGETS['credit_recall']} or precision {TARGETS['credit_precision']}: "
          f"{', '.join(short) or 'none'}")


if __name__ == "__main__":
    main()
