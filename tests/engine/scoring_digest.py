"""The scoring digest: what the standard judgement says on a frozen set of several thousand replies.

A speed-up of the scorer must not change a single verdict, total or evidence span. The digest
pins that down on inputs that do not move when the content does: a frozen copy of the standard
rubric and its weights (as they were when the digest was made) and a snapshot of the replies:
every reply of the training corpus, scored at its scenario's node where that node exists (as
`simulator score` with scenario and node does) and else alone with the petitioner's line as
context, plus every scenario node's model answers and options scored at their node.

    python tests/engine/scoring_digest.py write     # snapshot the inputs and record the digest

Run `write` only on scoring code known to be right (the digest records what that code says);
test_scoring_digest.py compares the code as it is now with it.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "tests" / "data" / "scoring_digest"
INPUTS = FOLDER / "inputs.json.gz"
WEIGHTS = FOLDER / "standard.weights.json.gz"
RUBRIC = FOLDER / "standard.yaml"
DIGEST = FOLDER / "digest.json"


def snapshot_inputs() -> dict[str, Any]:
    """Turns (expects, exemplars, petitioner's line) and replies, from today's scenarios and corpus."""
    sys.path.insert(0, str(ROOT))
    from simulator.engine.content.library import require_scenario
    from simulator.engine.content.loader import load_file
    from simulator.engine.play.session import scene
    from simulator.train.corpus import load_corpus

    turns: dict[str, dict[str, Any]] = {}
    replies: list[dict[str, Any]] = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = require_scenario(load_file(path, "scenario"))
        for node_id, node in scenario.nodes.items():
            if node.ending is not None:
                continue
            turn, line = scene(scenario, node_id)
            key = f"{scenario.id}/{node_id}"
            turns[key] = {"expects": list(turn.expects), "exemplars": list(turn.model_answers), "line": line}
            for text in (*node.model_answers, *(o.text for o in node.options)):
                replies.append({"reply": text, "turn": key})
    for record in load_corpus(ROOT / "data" / "corpus" / "train"):
        key = f"{record.scenario}/{record.node}"
        if key in turns:
            replies.append({"reply": record.reply, "turn": key})
        else:
            replies.append({"reply": record.reply, "turn": None, "context": record.petitioner})
    return {"turns": turns, "replies": replies}


def load_inputs() -> dict[str, Any]:
    with gzip.open(INPUTS, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def frozen_rubric_folder(into: Path) -> Path:
    """The frozen rubric and its weights, unpacked side by side into `into`; the rubric's path."""
    shutil.copyfile(RUBRIC, into / "standard.yaml")
    with gzip.open(WEIGHTS, "rb") as packed, open(into / "standard.weights.json", "wb") as plain:
        shutil.copyfileobj(packed, plain)
    return into / "standard.yaml"


def score_all(rubric_path: Path, inputs: dict[str, Any]) -> list[str]:
    """One short hash per reply of everything its score says (see `fingerprint`)."""
    from simulator.engine.content.library import require_rubric
    from simulator.engine.content.loader import load_file
    from simulator.engine.play.scoring import NodeTurn, compile_rubric, score_reply

    compiled = compile_rubric(require_rubric(load_file(rubric_path, "rubric")))
    turns = {key: NodeTurn(tuple(t["expects"]), tuple(t["exemplars"])) for key, t in inputs["turns"].items()}
    out = []
    for item in inputs["replies"]:
        key = item["turn"]
        turn, context = (turns[key], inputs["turns"][key]["line"]) if key is not None else (None, item["context"])
        out.append(fingerprint(score_reply(item["reply"], compiled, turn, context)))
    return out


def fingerprint(score: Any) -> str:
    """A hash of a TurnScore: total, cap, serious, overruns, dimensions, and per criterion whether it
    fired, was expected, who decided, its evidence spans and words, its message and example."""
    value = [
        score.total, score.capped_by, list(score.serious), list(score.overrun),
        [[d.dimension, d.score] for d in score.dimensions],
        [[r.criterion, r.fired, r.expected, r.by, [list(e) for e in r.evidence], r.message, r.example]
         for r in score.results],
    ]
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest()[:16]


def write() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "rubrics" / "standard.yaml", RUBRIC)
    with open(ROOT / "rubrics" / "standard.weights.json", "rb") as plain, \
            gzip.GzipFile(WEIGHTS, "wb", mtime=0) as packed:
        shutil.copyfileobj(plain, packed)
    inputs = snapshot_inputs()
    with gzip.GzipFile(INPUTS, "wb", mtime=0) as handle:
        handle.write(json.dumps(inputs, ensure_ascii=False).encode())
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        hashes = score_all(frozen_rubric_folder(Path(folder)), inputs)
    DIGEST.write_text(json.dumps({"replies": len(hashes), "hashes": hashes}, indent=0) + "\n", encoding="utf-8")
    print(f"{len(hashes)} replies digested into {DIGEST.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] != ["write"]:
        sys.exit(__doc__)
    write()
