"""Two processes writing into one store at once: nothing lost, nothing corrupted.

SQLite serialises the writers (each turn is one BEGIN IMMEDIATE transaction; the other waits in
its busy handler), so the turns need not interleave; what must hold is that both processes were
writing during the same time and every turn of both is there afterwards.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from store_helpers import child_env

from simulator.engine.play.session import Session
from simulator.store import Store

WRITER = Path(__file__).resolve().parent / "concurrent_writer.py"
TURNS = 200


def test_two_processes_each_write_200_turns_at_once(tmp_path, loop_content):
    data, go = tmp_path / "data", tmp_path / "go"
    writers = [
        subprocess.Popen([sys.executable, str(WRITER), str(data), name, str(TURNS), str(go)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
        for name in ("甲", "乙")
    ]
    go.touch()
    results = [w.communicate(timeout=300) for w in writers]
    for writer, (_, err) in zip(writers, results):
        assert writer.returncode == 0, err
    runs = [json.loads(out) for out, _ in results]
    assert max(r["started"] for r in runs) < min(r["ended"] for r in runs), f"the writers did not overlap: {runs}"

    db = sqlite3.connect(data / "records.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 2 * TURNS
    per_session = db.execute("SELECT session_id, COUNT(*), MIN(turn), MAX(turn), COUNT(DISTINCT turn) "
                             "FROM turns WHERE rewound_at IS NULL GROUP BY session_id").fetchall()
    assert sorted(row[1:] for row in per_session) == [(TURNS, 1, TURNS, TURNS)] * 2
    db.close()

    scenario, rubric = loop_content
    with Store.open(data) as store:
        for name in ("甲", "乙"):
            (saved,) = store.unfinished(name)
            assert saved.turns == TURNS and len(saved.data["turns"]) == TURNS
            assert Session.from_json(saved.data, scenario, rubric).turn == TURNS + 1
