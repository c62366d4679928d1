"""Records at scale: export, import and cohort of 10,000 and 100,000 sessions; recording 2,000 turns.

Targets (issue 16): export and cohort hold one session in memory, not the store (peak RSS of the
`simulator` process under 300 MB), and take time linear in the number of sessions; recording a
session of 2,000 turns takes under 5 s.

The sessions are generated: real sessions played on bundled scenarios (so every turn carries its
findings, source quotes and state), copied under new UUIDs, trainees and start times straight into
SQLite. Each command runs in its own process; its peak memory is that process's ru_maxrss.

Usage: python bench/bench_records.py [SESSIONS ...]   (default: 10000 100000)
"""
from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _common import ROOT

from simulator.engine.check.ready import load_scenario_and_rubric
from simulator.engine.content.library import Library
from simulator.engine.play.session import Session
from simulator.store.codec import turn_json
from simulator.store.records import record_from_session
from simulator.store.store import SESSION_COLUMNS, TURN_COLUMNS, Store, dump, stamp

JSON_TURN_COLUMNS = ("dimensions", "hits", "flags", "missed", "verdicts", "changes", "state", "model_answers")

TARGET_MB = 300
SCENARIOS = ("wage_arrears", "demolition_compensation", "neighbour_wall")
REPLIES = ["您好，请坐，您先别着急，慢慢说。", "您说的情况我记下了，我跟您核对一下：是去年三月进场的，对吧？",
           "请问用工单位是哪一家？有没有合同或者记工本？", "我们会向责任单位核实情况，听一听他们的意见。",
           "按规定，我们15日内会书面告诉您是否受理，60日内办结。", "一周内我给您回电话，您留个联系方式。"]


def templates() -> list:
    """A few real sessions (4-6 turns each) to copy."""
    library = Library.at(ROOT / "scenarios", ROOT / "rubrics")
    found = []
    for scenario_id in SCENARIOS:
        scenario, rubric, _ = load_scenario_and_rubric(scenario_id, library)
        for turns in (4, 6):
            session = Session.start(scenario, rubric)
            for reply in REPLIES[:turns]:
                if session.finished:
                    break
                session = session.answer(reply)
            found.append(record_from_session(session, now=stamp(datetime.now(timezone.utc))))
    return found


def generate(path: Path, count: int) -> None:
    """`count` sessions copied from the templates into a fresh store at `path`."""
    with Store.open(path) as store:
        fill(store, count)


def fill(store: Store, count: int) -> None:
    """`count` sessions copied from the templates into an empty store (SQLite or PostgreSQL)."""
    from sqlalchemy import text

    rng = random.Random(16)
    records = templates()
    with store._write() as tx:
        db = tx.connection
        db.execute(text("INSERT INTO trainees (id, name, created_at) VALUES (:id, :name, :at)"),
                   [{"id": i + 1, "name": f"学员{i:03d}", "at": "2025-01-01T00:00:00.000+00:00"} for i in range(300)])
        start = datetime(2025, 1, 1, tzinfo=timezone.utc)
        session_rows, turn_rows = [], []
        for number in range(1, count + 1):
            record = rng.choice(records)
            began = stamp(start + timedelta(minutes=7 * number))
            values = {k: getattr(record, k, None) for k in SESSION_COLUMNS}
            values.update(uuid=f"{rng.getrandbits(128):032x}", trainee_id=rng.randrange(1, 301), started_at=began,
                          updated_at=began, finished_at=began if record.finished_at else None,
                          dimensions=dump([{"id": d, "label": label, "score": s} for d, label, s in record.dimensions]),
                          data=dump({k: v for k, v in record.data.items() if k != "turns"}), copy_of=None)
            session_rows.append({"id": number, **values})
            for turn in record.turns:
                cells = turn_json(turn)
                cells["recorded_at"] = began
                turn_rows.append({"session_id": number, **{k: dump(cells[k]) if k in JSON_TURN_COLUMNS
                                                           else int(cells[k]) if k == "hint_used" else cells[k]
                                                           for k in TURN_COLUMNS}})
            if len(turn_rows) > 20_000 or number == count:
                db.execute(text(f"INSERT INTO sessions (id, {', '.join(SESSION_COLUMNS)}) "
                                f"VALUES (:id, {', '.join(f':{k}' for k in SESSION_COLUMNS)})"), session_rows)
                db.execute(text(f"INSERT INTO turns (session_id, {', '.join(TURN_COLUMNS)}) "
                                f"VALUES (:session_id, {', '.join(f':{k}' for k in TURN_COLUMNS)})"), turn_rows)
                session_rows, turn_rows = [], []
        if tx.kind == "postgresql":  # ids were given: move the sequences past them
            for table in ("trainees", "sessions", "turns"):
                tx.run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


# Linux keeps a process's ru_maxrss across fork and exec: a child forked from this (large) process
# would report this process's peak. A small launcher forks the command and reports its own child's.
LAUNCHER = """
import os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), time.perf_counter() - started, usage.ru_maxrss / 1024)
"""


def run(args: list[str]) -> tuple[float, float]:
    """Seconds and peak resident memory (MB, ru_maxrss) of one `simulator` command in its own process."""
    script = Path(sys.executable).with_name("simulator")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "simulator"]
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *command, *args], capture_output=True, text=True)
    code, seconds, peak = done.stdout.split()
    if code != "0":
        raise SystemExit(f"{args} failed: {done.stderr}")
    return float(seconds), float(peak)


def recording(turns: int = 2000) -> tuple[float, float, float, float]:
    """Answering and recording `turns` turns of one session: seconds in all, the store's share, and
    the store's mean milliseconds a turn over the first and the last hundred turns."""
    data = ROOT / "tests" / "data"
    scenario, rubric, _ = load_scenario_and_rubric(str(data / "store" / "loop.yaml"), Library.at(data, data))
    with tempfile.TemporaryDirectory() as folder, Store.open(folder) as store:
        session = Session.start(scenario, rubric)
        session = session.answer("您别着急")
        session_id = store.begin("小王", session)
        each = []
        started = time.perf_counter()
        for i in range(turns - 1):
            session = session.answer(("你好", "请慢慢说", "您别着急")[i % 3])
            before = time.perf_counter()
            store.record_turn(session_id, session)
            each.append(time.perf_counter() - before)
        return (time.perf_counter() - started, sum(each), sum(each[:100]) * 10, sum(each[-100:]) * 10)


def main(counts: list[int]) -> None:
    total, storing, first, last = recording()
    print(f"record 2,000 turns: {total:.2f} s in all (target < 5 s), of which the store {storing:.2f} s; "
          f"the store's mean a turn: {first:.2f} ms over turns 2-101, {last:.2f} ms over the last 100 "
          "(each is one committed transaction: an fsync)")
    for count in counts:
        with tempfile.TemporaryDirectory() as folder:
            here, there, bundle = Path(folder) / "here", Path(folder) / "there", Path(folder) / "bundle.jsonl"
            began = time.perf_counter()
            generate(here, count)
            made = time.perf_counter() - began
            size = (here / "records.sqlite3").stat().st_size / 1e6
            print(f"{count:,} sessions generated in {made:.0f} s ({size:,.0f} MB)")
            for label, args in (("export", ["--data-dir", str(here), "export", "-o", str(bundle)]),
                                ("cohort html", ["--data-dir", str(here), "cohort", "-o",
                                                 str(Path(folder) / "c.html")]),
                                ("import", ["--data-dir", str(there), "import", str(bundle)])):
                seconds, peak = run(args)
                verdict = "ok" if peak < TARGET_MB else "OVER"
                print(f"  {label:<12} {seconds:7.1f} s  {seconds / count * 1000:6.2f} ms/session  "
                      f"peak {peak:5.0f} MB ({verdict}, target < {TARGET_MB} MB)")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
