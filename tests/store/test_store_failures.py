"""Issue 16, finding 6: failures are one line that says what to do, never a traceback.

Before: corrupt database pages gave a traceback (and a second one from the COMMIT); a full disk
was masked as "cannot rollback"; forged resume data crashed `play` every time; one deeply nested
JSON line aborted the whole `score` stream; `report 9999999999999999999999` overflowed; a NaN id
was echoed as invalid JSON.
"""
from __future__ import annotations

import json
import sqlite3

import pytest
from store_helpers import CALM, ENGINE_SCENARIO, LOOP_SCENARIO, VERIFY

from simulator.engine.play.session import Session
from simulator.store import Store, StoreError


def one_line(done) -> str:
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    return done.stderr


@pytest.mark.parametrize("places", ["sqlite"], indirect=True)  # a file's pages
def test_corrupt_database_pages_are_one_line_with_what_to_do(tmp_path, run_cli):
    data = tmp_path / "data"
    run_cli("play", str(ENGINE_SCENARIO), "--trainee", "小王", "--script", "-", stdin=f"{CALM}\n{VERIFY}\n")
    path = data / "records.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    raw = bytearray(path.read_bytes())
    raw[page:] = bytes(range(256)) * ((len(raw) - page) // 256) + bytes((len(raw) - page) % 256)  # all but page 1
    path.write_bytes(bytes(raw))
    for args in (["history"], ["report", "1", "--format", "md"], ["cohort", "--format", "csv"],
                 ["play", str(ENGINE_SCENARIO), "--trainee", "小王", "--script", "-"]):
        message = one_line(run_cli(*args, stdin=f"{CALM}\n", check=False))
        assert "已损坏" in message and ".recover" in message and "--data-dir" in message, args


def test_a_full_disk_says_so_and_keeps_what_was_saved(tmp_path, loop_content):
    with Store.open(tmp_path) as store:
        session = Session.start(*loop_content).answer("您别着急")
        session_id = store.begin("小王", session)
        sql = store._db.connection.exec_driver_sql
        sql(f"PRAGMA max_page_count = {sql('PRAGMA page_count').scalar()}")  # the file may not grow: SQLITE_FULL
        store._db.connection.commit()
        for _ in range(20):
            session = session.answer("你好" * 900)
        with pytest.raises(StoreError) as raised:
            store.record_turn(session_id, session)  # twenty long turns at once: more pages than there are
        assert "磁盘已满" in str(raised.value) and "rollback" not in str(raised.value)
        assert store.session(session_id).conversation[0].reply == "您别着急"  # still readable, nothing lost


def test_forged_resume_data_is_a_message_and_new_starts_afresh(tmp_path, run_cli, places):
    run_cli("play", str(LOOP_SCENARIO), "--trainee", "小李", "--script", "-", stdin="您别着急\n你好\n")
    forged = json.dumps({"schema": "jiefang-session/1", "scenario": "store_loop", "mode": ["practice"],
                         "node": {"x": 1}})
    places.sql(tmp_path / "data", "UPDATE sessions SET data = :data", data=forged)
    places.sql(tmp_path / "data", "UPDATE turns SET choice = 99 WHERE turn = 2")
    for _ in range(2):  # every time, not only the first
        message = one_line(run_cli("play", str(LOOP_SCENARIO), "--trainee", "小李", "--script", "-",
                                   stdin="好\n", check=False))
        assert "无法按当前场景恢复" in message and "--new" in message
    fresh = run_cli("play", str(LOOP_SCENARIO), "--trainee", "小李", "--script", "-", "--new", stdin="好\n")
    assert "[第 1 轮]" in fresh.stdout


@pytest.mark.parametrize("data", [{"schema": "jiefang-session/1", "scenario": "store_loop", "turns": "abc"},
                                  {"schema": "jiefang-session/1", "scenario": "store_loop", "turns": [["x"]]},
                                  {"schema": "jiefang-session/1", "scenario": "store_loop", "mode": None},
                                  {"schema": "jiefang-session/1", "scenario": "store_loop",
                                   "turns": [{"reply": 5}]},
                                  {"schema": "jiefang-session/1", "scenario": "store_loop",
                                   "turns": [{"choice": True}]}, []])
def test_session_from_json_turns_any_malformed_data_into_a_scenario_error(loop_content, data):
    from simulator.engine.play.session import ScenarioError

    with pytest.raises(ScenarioError):
        Session.from_json(data, *loop_content)


@pytest.mark.parametrize("ref", ["9999999999999999999999", "9" * 5000, "１２", "²", "-1", "0"])
def test_report_of_an_impossible_id_is_no_such_record(tmp_path, run_cli, ref):
    run_cli("play", str(LOOP_SCENARIO), "--trainee", "小李", "--script", "-", stdin="您别着急\n")
    assert "没有这条演练记录" in one_line(run_cli("report", ref, check=False))


@pytest.mark.parametrize("places", ["sqlite"], indirect=True)  # scoring keeps no records
def test_score_answers_every_line_even_a_nested_or_nan_one_and_stays_valid_json(run_cli):
    lines = ['{"reply": "您先别着急", "id": 1}', '{"reply": "x", "id": ' + "[" * 100_000 + "]" * 100_000 + "}",
             '{"reply": "您好", "id": NaN}', '{"reply": "您好", "id": 1e999}', '{"reply": "您好", "id": [Infinity]}',
             '{"reply": "请慢慢说", "id": 6}']
    done = run_cli("score", stdin="\n".join(lines) + "\n", check=False)
    out = [json.loads(line) for line in done.stdout.splitlines()]  # every line valid JSON
    assert done.returncode == 1 and [o["id"] for o in out] == [1, None, None, None, None, 6]
    assert "嵌套过深" in out[1]["error"] and all("error" in o for o in out[1:5]) and "total" in out[5]
    assert "Traceback" not in done.stderr


def test_a_file_kept_busy_is_one_line_and_the_store_writes_once_it_is_free(tmp_path, monkeypatch, engine_content):
    from simulator.store import database

    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    with Store.open(tmp_path) as store:
        other = sqlite3.connect(tmp_path / "records.sqlite3", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        with pytest.raises(StoreError, match="被其他程序长时间占用"):
            store.begin("小王", Session.start(*engine_content))
        other.execute("ROLLBACK")
        other.close()
        session_id = store.begin("小王", Session.start(*engine_content))
        assert store.history("小王")[0].id == session_id
