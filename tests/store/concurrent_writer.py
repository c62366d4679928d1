"""Run as a script by the concurrency test: wait for a go-file, then record N turns for one trainee.

Usage: concurrent_writer.py DATA_DIR_OR_DATABASE_URL TRAINEE COUNT GO_FILE
Prints {"session", "started", "ended"}: when both writers were ready to write, and when this one finished.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from simulator.engine.check.ready import load_scenario_and_rubric
from simulator.engine.content.library import Library
from simulator.engine.play.session import Session
from simulator.store import Store

LOOP = Path(__file__).resolve().parent.parent / "data" / "store" / "loop.yaml"
REPLIES = ("您别着急", "你好", "请慢慢说")  # none of them verifies, so the loop never ends


def main(where: str, trainee: str, count: int, go: str) -> None:
    scenario, rubric, _ = load_scenario_and_rubric(str(LOOP), Library.at(LOOP.parent, LOOP.parent))
    while not Path(go).exists():
        time.sleep(0.002)
    # both writers create the fresh database at the same moment
    with Store.open(where, url=where if "://" in where else None) as store:
        session = Session.start(scenario, rubric)
        session_id = store.begin(trainee, session)
        # Recording is quick now: wait for the other writer too, so that both write at the same time.
        Path(f"{go}-{trainee}").touch()
        while len(list(Path(go).parent.glob(f"{Path(go).name}-*"))) < 2:
            time.sleep(0.002)
        started = time.time()
        for i in range(count):
            session = session.answer(REPLIES[i % len(REPLIES)])
            store.record_turn(session_id, session)
    print(json.dumps({"session": session_id, "started": started, "ended": time.time()}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
