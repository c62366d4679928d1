"""The whole judgement says exactly what it said when the digest was recorded (see scoring_digest.py):
same verdicts, totals, evidence spans, messages and examples on several thousand frozen replies.
A change meant to alter scoring re-records the digest (`python tests/engine/scoring_digest.py write`)
and says so in its commit; a speed-up never does."""
from __future__ import annotations

import json

from scoring_digest import DIGEST, frozen_rubric_folder, load_inputs, score_all


def test_scoring_matches_the_recorded_digest(tmp_path):
    inputs = load_inputs()
    recorded = json.loads(DIGEST.read_text(encoding="utf-8"))["hashes"]
    assert len(inputs["replies"]) == len(recorded) > 5000

    now = score_all(frozen_rubric_folder(tmp_path), inputs)

    changed = [i for i, (a, b) in enumerate(zip(now, recorded)) if a != b]
    shown = "\n".join(f"  #{i} {inputs['replies'][i]['reply'][:60]}" for i in changed[:10])
    assert not changed, f"{len(changed)} of {len(recorded)} replies now score differently:\n{shown}"
