"""A player killed with SIGKILL keeps every answered turn; playing again resumes at the next turn."""
from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from store_helpers import DATA, ENGINE_SCENARIO, LOOP_SCENARIO, VERIFY, child_env, simulator_command

from simulator.engine.play.session import Session

FIRST, SECOND = "你好", "您别着急"  # opening -> opening_again -> facts: two turns, no ending yet


def committed_turns(places, data_dir: Path) -> int:
    """Turns another process has committed, read the way any second process would."""
    from sqlalchemy.exc import DBAPIError

    if places.backend == "sqlite" and not (data_dir / "records.sqlite3").exists():
        return 0
    try:
        return places.count(data_dir, "turns")
    except DBAPIError:  # the first process is still creating the tables
        return 0


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_after_two_replies_keeps_both_turns_and_play_resumes(tmp_path, engine_content, run_cli, places):
    data = tmp_path / "data"
    command = simulator_command() + places.cli_args(data) + ["play", str(ENGINE_SCENARIO),
                                     "--trainee", "X", "--script", "-"]
    with open(tmp_path / "player.log", "wb") as log:
        player = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
                                  env=child_env())
        try:
            player.stdin.write(f"{FIRST}\n{SECOND}\n".encode())
            player.stdin.flush()
            deadline = time.monotonic() + 60
            while committed_turns(places, data) < 2:
                assert player.poll() is None, (tmp_path / "player.log").read_text()
                assert time.monotonic() < deadline, "the player did not commit two turns within 60 s"
                time.sleep(0.02)
            player.send_signal(signal.SIGKILL)
            player.wait(timeout=30)
        finally:
            if player.poll() is None:
                player.kill()
    assert player.returncode == -signal.SIGKILL  # killed while waiting for a third line

    scenario, rubric = engine_content
    with places.open(data) as store:
        (saved,) = store.unfinished("X", "engine_demo")
        record = store.session(saved.id)
    assert saved.turns == 2
    assert [t.reply for t in record.conversation] == [FIRST, SECOND]
    resumed = Session.from_json(saved.data, scenario, rubric)
    replayed = Session.start(scenario, rubric).answer(FIRST).answer(SECOND)
    assert resumed.turn == 3 and resumed.node == "facts"
    assert resumed.state == replayed.state
    assert dict(resumed.state) == {v: value for v, _, value in record.conversation[-1].state}

    done = run_cli("play", str(ENGINE_SCENARIO), "--trainee", "X", "--script", "-", stdin=f"{VERIFY}\n")
    assert "继续" in done.stderr and f"记录 {saved.id}" in done.stderr
    assert "[第 3 轮] 老周：老板说没钱，我们怎么办？" in done.stdout
    assert "[第 1 轮]" not in done.stdout and "[第 2 轮]" not in done.stdout
    assert "结局：登记受理" in done.stdout
    with places.open(data) as store:
        (summary,) = store.history("X")
        record = store.session(saved.id)
    assert (summary.id, summary.status, summary.ending_kind, summary.turns) == (saved.id, "finished", "resolved", 3)
    assert [t.reply for t in record.conversation] == [FIRST, SECOND, VERIFY]
    assert record.total == replayed.answer(VERIFY).total()


def test_new_starts_afresh_and_sets_the_old_session_aside(tmp_path, run_cli, places):
    scenario = str(LOOP_SCENARIO)
    run_cli("play", scenario, "--trainee", "小李", "--script", "-", stdin="您别着急\n你好\n")
    again = run_cli("play", scenario, "--trainee", "小李", "--script", "-", "--new", stdin="请说\n")
    assert "继续" not in again.stderr and "[第 1 轮]" in again.stdout
    resumed = run_cli("play", scenario, "--trainee", "小李", "--script", "-", stdin="好的\n")
    assert "[第 2 轮]" in resumed.stdout
    with places.open(tmp_path / "data") as store:
        newest, oldest = store.history("小李")
    assert (oldest.status, oldest.turns) == ("abandoned", 2)
    assert (newest.status, newest.turns) == ("active", 2)


def test_each_trainee_and_scenario_resumes_its_own_session(tmp_path, run_cli):
    run_cli("play", str(LOOP_SCENARIO), "--trainee", "甲", "--script", "-", stdin="您别着急\n")
    other = run_cli("play", str(LOOP_SCENARIO), "--trainee", "乙", "--script", "-", stdin="你好\n")
    assert "继续" not in other.stderr
    plain = run_cli("play", str(ENGINE_SCENARIO), "--trainee", "甲", "--script", "-", stdin="你好\n")
    assert "继续" not in plain.stderr


def test_without_a_trainee_nothing_is_recorded(tmp_path, run_cli, places):
    script = tmp_path / "replies.txt"
    script.write_text("您别着急\n", encoding="utf-8")
    run_cli("play", str(LOOP_SCENARIO), "--script", str(script))
    assert not (tmp_path / "data").exists()
    if places.backend == "postgresql":  # not even the tables
        assert places.sql(tmp_path / "data", "SELECT COUNT(*) FROM information_schema.tables "
                                             "WHERE table_schema = current_schema()") == [(0,)]


def test_a_scenario_changed_since_is_a_one_line_error(tmp_path, run_cli):
    run_cli("play", str(LOOP_SCENARIO), "--trainee", "小李", "--script", "-", stdin="您别着急\n你好\n")
    changed = tmp_path / "loop.yaml"
    text = LOOP_SCENARIO.read_text(encoding="utf-8")
    text = text.replace("rubric: ../engine/rubric.yaml", f"rubric: {DATA / 'engine' / 'rubric.yaml'}")
    text = text.replace("      - when: passed('verify')\n        goto: end_done\n", "")
    changed.write_text(text.replace("      - goto: talk", "      - goto: end_done"), encoding="utf-8")
    failed = run_cli("play", str(changed), "--trainee", "小李", "--script", "-", stdin="好\n", check=False)
    assert failed.returncode == 1
    assert failed.stderr.count("\n") == 1 and "无法按当前场景恢复" in failed.stderr and "--new" in failed.stderr
    assert "Traceback" not in failed.stderr
