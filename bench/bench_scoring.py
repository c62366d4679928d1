"""Scoring one reply in-process with the bundled standard rubric. Target: median <= 0.5 ms."""
from __future__ import annotations

import time

from _common import ROOT, replies, summary

from simulator.engine.library import require
from simulator.engine.loader import load_file
from simulator.engine.scoring import score_reply


def main() -> None:
    rubric = require(load_file(ROOT / "rubrics" / "standard.yaml", "rubric"))
    sample = replies(2000)
    for reply in sample[:50]:  # warm the compiled-pattern caches, as a running app would be
        score_reply(reply, rubric)
    timings = []
    for reply in sample:
        start = time.perf_counter()
        score_reply(reply, rubric)
        timings.append(time.perf_counter() - start)
    print(f"rubric: {len(rubric.criteria)} criteria; replies {min(map(len, sample))}-{max(map(len, sample))} chars")
    print(summary("score_reply", timings))


if __name__ == "__main__":
    main()
