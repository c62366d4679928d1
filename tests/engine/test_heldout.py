"""A floor under the rubric layer's agreement with a trainer on the earlier held-out sets.

data/corpus/train/v1_01.yaml and v2_01.yaml hold replies written and labelled by a reception
trainer who never saw the rubric's patterns (bench/bench_heldout.py prints the full table). They
now train the learned layer too, so they measure the rubric's checks alone (`rubric_only`): the
explainable first layer, the instructor's tool, must not regress. The combined judgement is
measured on the sealed split (bench/bench_judge.py). Precision floors are high (a polite, correct
reply must not be flagged); recall floors sit just under what the rubric reaches.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.engine.check.ready import load_rubric
from simulator.engine.play.scoring import compile_rubric, score_reply

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ROOT / "data" / "corpus" / "train"
SETS = [TRAIN / "v1_01.yaml", TRAIN / "v2_01.yaml"]
# v1 was used to tune the rubric's patterns; v2 was not, so it shows the rubric on unseen wording.
FLOORS = {
    "v1_01": {"fault_precision": 0.93, "credit_precision": 0.80, "fault_recall": 0.95, "credit_recall": 0.74},
    "v2_01": {"fault_precision": 0.78, "credit_precision": 0.72, "fault_recall": 0.33, "credit_recall": 0.70},
}


def agreement(path: Path) -> dict[str, float]:
    rubric = compile_rubric(load_rubric(ROOT / "rubrics" / "standard.yaml"), rubric_only=True)
    counts = {kind: [0, 0, 0] for kind in ("fault", "credit")}  # true positives, fired, labelled
    for item in yaml.safe_load(path.read_text(encoding="utf-8"))["replies"]:
        shows, unsure = set(item.get("shows") or ()), set(item.get("unsure") or ()) | {"too_many_reps"}
        for result in score_reply(item["reply"], rubric).results:
            if result.criterion in unsure:
                continue
            tally = counts[result.kind]
            tally[0] += result.fired and result.criterion in shows
            tally[1] += result.fired
            tally[2] += result.criterion in shows
    return {f"{kind}_{name}": tally[0] / tally[index] for kind, tally in counts.items()
            for name, index in (("precision", 1), ("recall", 2))}


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_agreement_with_the_trainer_stays_above_its_floor(path):
    floors = FLOORS[path.stem]
    measured = agreement(path)
    below = {k: round(v, 2) for k, v in measured.items() if v < floors[k]}
    assert not below, f"below the floor on {path.name}: {below} (floors {floors})"
