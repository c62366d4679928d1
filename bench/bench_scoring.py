"""Scoring one reply in-process with the bundled standard rubric. Target: median <= 0.5 ms."""
from __future__ import annotations

import time

from _common import ROOT, replies, summary

from simulator.engine.content.library import require_rubric
from simulator.engine.content.loader import load_file
from simulator.engine.play.scoring import compile_rubric, score_reply


def main() -> None:
    rubric = require_rubric(load_file(ROOT / "rubrics" / "standard.yaml", "rubric"))
    scorer = compile_rubric(rubric)  # once, as a Session or the score command does
    sample = replies(2000)
    for reply in sample[:50]:  # warm the normalisation caches, as a running app would be
        score_reply(reply, scorer)
    timings = []
    for reply in sample:
        start = time.perf_counter()
        score_reply(reply, scorer)
        timings.append(time.perf_counter() - start)
    print(f"rubric: {len(rubric.criteria)} criteria; replies {min(map(len, sample))}-{max(map(len, sample))} chars")
    print(summary("score_reply", timings))


if __name__ == "__main__":
    main()
