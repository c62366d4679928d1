"""Two processes writing into one store at once: nothing lost, nothing corrupted.

SQLite serialises the writers (each turn is one BEGIN IMMEDIATE transaction; the other waits in
its busy handler); PostgreSQL lets them write at once, each locking its session's row. Either
way, what must hold is that both processes were writing during the same time and every turn of
both is there afterwards. Every test here runs on both.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import LOOP_SCENARIO, child_env, simulator_command

from simulator.engine.play.session import Session

WRITER = Path(__file__).resolve().parent / "concurrent_writer.py"
TURNS = 200


def test_two_processes_each_write_200_turns_at_once(tmp_path, loop_content, places):
    data, go = tmp_path / "data", tmp_path / "go"
    where = places.url(data) or str(data)
    writers = [
        subprocess.Popen([sys.executable, str(WRITER), where, name, str(TURNS), str(go)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
        for name in ("甲", "乙")
    ]
    go.touch()
    results = [w.communicate(timeout=300) for w in writers]
    for writer, (_, err) in zip(writers, results):
        assert writer.returncode == 0, err
    runs = [json.loads(out) for out, _ in results]
    assert max(r["started"] for r in runs) < min(r["ended"] for r in runs), f"the writers did not overlap: {runs}"

    if places.backend == "sqlite":
        assert places.sql(data, "PRAGMA integrity_check") == [("ok",)]
    assert places.count(data, "turns") == 2 * TURNS
    per_session = places.sql(data, "SELECT session_id, COUNT(*), MIN(turn), MAX(turn), COUNT(DISTINCT turn) "
                                   "FROM turns WHERE rewound_at IS NULL GROUP BY session_id")
    assert sorted(row[1:] for row in per_session) == [(TURNS, 1, TURNS, TURNS)] * 2

    scenario, rubric = loop_content
    with places.open(data) as store:
        for name in ("甲", "乙"):
            (saved,) = store.unfinished(name)
            assert saved.turns == TURNS and len(saved.data["turns"]) == TURNS
            assert Session.from_json(saved.data, scenario, rubric).turn == TURNS + 1


# ---------------------------------------------------------------- issue 16, finding 4: one writer per session

PLAYERS, REPLIES_EACH = 20, 12


def test_twenty_players_as_one_trainee_never_displace_or_rewind_each_others_turns(tmp_path, loop_content, places):
    """Before: all exited 0, but thousands of answered turns ended up marked rewound and hundreds of
    rewinds the trainee never made were recorded."""
    data = tmp_path / "data"
    script = "".join(f"{('您别着急', '你好', '请慢慢说')[i % 3]}\n" for i in range(REPLIES_EACH))
    command = simulator_command() + places.cli_args(data) + ["play", str(LOOP_SCENARIO), "--trainee", "同一人",
                                     "--script", "-"]
    players = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, encoding="utf-8", env=child_env()) for _ in range(PLAYERS)]
    results = [p.communicate(script, timeout=600) for p in players]
    for player, (out, err) in zip(players, results):
        assert player.returncode == 0, err
        assert "Traceback" not in err and out.count("[第 ") == REPLIES_EACH
    if places.backend == "sqlite":
        assert places.sql(data, "PRAGMA integrity_check") == [("ok",)]
    assert places.count(data, "turns", "rewound_at IS NOT NULL") == 0
    assert places.count(data, "rewinds") == 0
    assert places.count(data, "turns") == PLAYERS * REPLIES_EACH
    for session_id, count, first, last in places.sql(
            data, "SELECT session_id, COUNT(*), MIN(turn), MAX(turn) FROM turns GROUP BY session_id"):
        assert (first, last) == (1, count), session_id  # each conversation whole, in order
    assert places.count(data, "session_writers") == 0  # every lease given back


def test_a_second_writer_in_the_same_process_is_refused_until_the_first_lets_go(tmp_path, loop_content, places):
    """The TUI and the command line, or two terminals: two stores, one session."""
    from simulator.store import StoreError

    first, second = places.open(tmp_path), places.open(tmp_path)
    try:
        session = Session.start(*loop_content).answer("您别着急")
        session_id = first.begin("小王", session)
        assert second.unfinished("小王") == [] and second.claim(session_id) is None
        places.sql(tmp_path, "UPDATE session_writers SET seen_at = '2020-01-01T00:00:00.000+00:00'")
        assert second.claim(session_id) is None  # a live process keeps it however long the trainee thinks
        with pytest.raises(StoreError, match="正在另一处进行"):
            second.record_turn(session_id, session.rewind(1).answer("你好"))  # would have marked turn 1 rewound
        second.abandon(session_id)  # refused quietly: it is not this store's to set aside
        first.record_turn(session_id, session.answer("你好"))
        first.close()
        (saved,) = second.unfinished("小王")
        assert saved.turns == 2 and second.claim(session_id) is not None
    finally:
        second.close()
    with places.open(tmp_path) as store:
        record = store.session(session_id)
    assert [t.reply for t in record.conversation] == ["您别着急", "你好"] and record.rewinds == ()
    assert record.status == "active"


def test_the_lease_of_a_killed_process_is_free_at_once(tmp_path, loop_content, places):
    with places.open(tmp_path) as store:
        session_id = store.begin("小王", Session.start(*loop_content).answer("您别着急"))
        gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
        places.sql(tmp_path, "UPDATE session_writers SET token = 'other', pid = :pid WHERE session_id = :id",
                   pid=int(gone.stdout), id=session_id)
    with places.open(tmp_path) as store:
        assert store.claim(session_id) is not None
