"""`simulator score` over 10,000 JSON Lines replies, start-up included. Target: under 5 s."""
from __future__ import annotations

import json
import subprocess
import sys
import time

from _common import ROOT, replies


def main(runs: int = 3) -> None:
    stdin = "\n".join(json.dumps({"reply": r, "id": i}, ensure_ascii=False) for i, r in enumerate(replies(10_000)))
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "simulator", "score"], input=stdin, capture_output=True,
                              text=True, cwd=ROOT, check=True)
        timings.append(time.perf_counter() - start)
        assert len(done.stdout.splitlines()) == 10_000
    print(f"simulator score, 10,000 replies: best {min(timings):.2f} s, worst {max(timings):.2f} s over {runs} runs")


if __name__ == "__main__":
    main()
