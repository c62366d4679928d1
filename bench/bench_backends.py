"""The records store on SQLite and on PostgreSQL: what a turn costs to record, alone and with a room
of trainees writing at once, and how long the cohort report takes.

- recording alone: one trainee answers 300 turns; each `record_turn` (one committed transaction)
  is timed: p50 and p95.
- a room: WRITERS processes, each a trainee recording TURNS turns as fast as it can (far more than
  a real class, where a trainee answers every 20 s or so): p95 per turn over all of them.
- cohort: the CSV and HTML cohort reports of SESSIONS generated sessions (bench_records' copies
  of real sessions).

PostgreSQL is the server of $SIMULATOR_TEST_DATABASE_URL (each measurement in a schema of its own,
dropped afterwards); run `.ci/with-postgres python bench/bench_backends.py` for a throwaway one.
Without it only SQLite is measured. No targets: the figures compare the two and go in the README.

Usage: python bench/bench_backends.py [WRITERS [TURNS [SESSIONS]]]   (default: 20 40 2000)
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from _common import ROOT

from simulator.reports.render import render_cohort_csv, render_cohort_html
from simulator.store.store import Store

LOOP = ROOT / "tests" / "data" / "store" / "loop.yaml"
REPLIES = ("您别着急", "你好", "请慢慢说")  # the loop scenario never ends on these
WRITER = """
import json, sys, time
from pathlib import Path
from simulator.engine.check.ready import load_scenario_and_rubric
from simulator.engine.content.library import Library
from simulator.engine.play.session import Session
from simulator.store.store import Store
where, trainee, turns, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
loop = Path(sys.argv[5])
scenario, rubric, _ = load_scenario_and_rubric(str(loop), Library.at(loop.parent, loop.parent))
with Store.open(where, url=where if "://" in where else None) as store:
    session = Session.start(scenario, rubric)
    session_id = store.begin(trainee, session)
    Path(f"{go}-{trainee}").touch()  # ready
    while not go.exists():
        time.sleep(0.005)
    each = []
    for i in range(turns):
        session = session.answer(("您别着急", "你好", "请慢慢说")[i % 3])
        before = time.perf_counter()
        store.record_turn(session_id, session)
        each.append(time.perf_counter() - before)
print(json.dumps({"each": each, "ended": time.time()}))
"""


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else values[0] * 1000


@contextmanager
def database(backend: str, server: str | None, folder: Path) -> Iterator[str]:
    """A fresh, empty store's address: an SQLite data directory, or a PostgreSQL URL with its own schema."""
    if backend == "sqlite":
        place = folder / uuid.uuid4().hex
        yield str(place)
        return
    import psycopg
    from sqlalchemy.engine import make_url

    assert server is not None
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')  # type: ignore[arg-type]
    try:
        yield make_url(server).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')  # type: ignore[arg-type]


def opened(where: str) -> Store:
    return Store.open(where, url=where if "://" in where else None)


def alone(where: str, turns: int = 300) -> list[float]:
    from simulator.engine.check.ready import load_scenario_and_rubric
    from simulator.engine.content.library import Library
    from simulator.engine.play.session import Session

    scenario, rubric, _ = load_scenario_and_rubric(str(LOOP), Library.at(LOOP.parent, LOOP.parent))
    with opened(where) as store:
        session = Session.start(scenario, rubric)
        session_id = store.begin("小王", session)
        each = []
        for i in range(turns):
            session = session.answer(REPLIES[i % 3])
            before = time.perf_counter()
            store.record_turn(session_id, session)
            each.append(time.perf_counter() - before)
    return each


def room(where: str, writers: int, turns: int, folder: Path) -> tuple[list[float], float]:
    """Every writer's per-turn times, and the wall time from go to the last writer done."""
    with opened(where):
        pass  # create the schema once, so that the writers measure recording, not migrating
    go = folder / f"go-{uuid.uuid4().hex}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, where, f"学员{i:02d}", str(turns), str(go), str(LOOP)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for i in range(writers)]
    deadline = time.monotonic() + 600
    while len(list(folder.glob(f"{go.name}-*"))) < writers:  # every writer has started and begun its session
        if time.monotonic() > deadline or any(proc.poll() is not None for proc in procs):
            raise SystemExit("the writers did not all start")
        time.sleep(0.05)
    started = time.time()
    go.touch()
    each: list[float] = []
    ended = started
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            raise SystemExit(f"a writer failed: {err.strip().splitlines()[-1:]}")
        result = json.loads(out)
        each += result["each"]
        ended = max(ended, result["ended"])
    return each, ended - started


def cohort(where: str, sessions: int) -> tuple[float, float]:
    from bench_records import fill

    with opened(where) as store:
        fill(store, sessions)
        began = time.perf_counter()
        render_cohort_csv(store.sessions())
        csv_seconds = time.perf_counter() - began
        began = time.perf_counter()
        render_cohort_html(store.sessions())
        return csv_seconds, time.perf_counter() - began


def main(writers: int, turns: int, sessions: int) -> None:
    server = (os.environ.get("SIMULATOR_TEST_DATABASE_URL") or "").strip() or None
    backends = ["sqlite"] + (["postgresql"] if server else [])
    if not server:
        print("PostgreSQL: not measured (set SIMULATOR_TEST_DATABASE_URL, or run through .ci/with-postgres)")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for backend in backends:
            with database(backend, server, folder) as where:
                each = alone(where)
            print(f"{backend:<10} recording alone, 300 turns: p50 {p(each, 50):6.2f} ms  p95 {p(each, 95):6.2f} ms "
                  "a turn")
            with database(backend, server, folder) as where:
                each, wall = room(where, writers, turns, folder)
            print(f"{backend:<10} a room of {writers} writing at once ({turns} turns each, no pause): "
                  f"p50 {p(each, 50):6.2f} ms  p95 {p(each, 95):6.2f} ms a turn; "
                  f"{len(each) / wall:5.0f} turns/s in all")
            with database(backend, server, folder) as where:
                csv_seconds, html_seconds = cohort(where, sessions)
            print(f"{backend:<10} cohort of {sessions:,} sessions: CSV {csv_seconds:5.2f} s, "
                  f"HTML {html_seconds:5.2f} s")


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:]] + [20, 40, 2000][len(sys.argv) - 1:]
    main(*numbers[:3])
