"""Scoring one reply in-process with the bundled standard rubric: the whole judgement (the rubric's
checks and the learned layer combined as the rubric states, evidence included). Target: median
<= 0.5 ms. The rubric's checks alone are timed beside it for comparison; the weights' one-off
load (on the first reply) is reported apart."""
from __future__ import annotations

import time

from _common import ROOT, replies, summary

from simulator.engine.content.library import require_rubric
from simulator.engine.content.loader import load_file
from simulator.engine.play.scoring import compile_rubric, score_reply


def timed(scorer, sample: list[str], context: str) -> list[float]:
    timings = []
    for reply in sample:
        start = time.perf_counter()
        score_reply(reply, scorer, None, context)
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    rubric = require_rubric(load_file(ROOT / "rubrics" / "standard.yaml", "rubric"))
    scorer = compile_rubric(rubric)  # once, as a Session or the score command does
    alone = compile_rubric(rubric, rubric_only=True)
    sample = replies(2000)
    context = "我在城南那个工地干了八个月，一分钱没见着！明天我们几十个人去县政府门口，大不了爬塔吊。"
    start = time.perf_counter()
    score_reply(sample[0], scorer)  # the first reply loads the weights
    load = time.perf_counter() - start
    for reply in sample[:50]:  # warm the normalisation caches, as a running app would be
        score_reply(reply, scorer, None, context)
        score_reply(reply, alone)
    print(f"rubric: {len(rubric.criteria)} criteria; replies {min(map(len, sample))}-{max(map(len, sample))} chars; "
          f"weights loaded on the first reply in {load * 1000:.0f} ms")
    print(summary("score_reply (rubric + learned, as shipped)", timed(scorer, sample, context)))
    print(summary("score_reply (the rubric's checks alone)", timed(alone, sample, "")))


if __name__ == "__main__":
    main()
