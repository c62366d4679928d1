"""The Store as the Records protocol: begin, record_turn, finish, unfinished, history, best_scores."""
from __future__ import annotations

import sqlite3

import pytest
from store_helpers import CALM, VERIFY

from simulator.engine.play.session import Session
from simulator.store import SCHEMA_VERSION, Records, Store, StoreError
from simulator.store.schema import REVISIONS


def test_store_satisfies_the_records_protocol(store):
    records: Records = store  # a type-level statement; the calls below are the real check
    assert callable(records.begin) and callable(records.best_scores)


def test_a_full_session_is_recorded_turn_by_turn(store, engine_content):
    scenario, rubric = engine_content
    session = Session.start(scenario, rubric)
    session_id = store.begin("小王", session)
    session = session.answer(CALM)
    store.record_turn(session_id, session)
    record = store.session(session_id)
    assert record.status == "active" and [t.reply for t in record.turns] == [CALM]
    session = session.answer(VERIFY)
    store.finish(session_id, session)

    record = store.session(session_id)
    assert record.status == "finished" and record.finished_at is not None
    assert (record.ending_kind, record.ending_title, record.ending_node) == ("resolved", "登记受理", "end_resolved")
    assert record.closing_line == "那我等你们消息。"
    assert record.total == session.total()
    assert {d: s for d, _, s in record.dimensions} == session.dimension_scores()
    assert record.data == session.to_json()
    first, second = record.conversation
    assert first.node == "opening" and first.next_node == "facts"
    assert [f.criterion for f in first.hits] == ["empathy", "polite"]
    assert first.hits[0].evidence == ((2, 5, "别着急"),)
    assert first.hits[0].source_ref == "篇一·站在低位倾听的心态"
    assert first.model_answers == ("您先别着急，请坐下慢慢说，这一年确实不容易。",)
    assert [c.reason for c in first.changes] == ["共情：愤怒 -10", "共情：信任 +5", "感到被理解：已倾听 → 是"]
    assert {v: value for v, _, value in first.state} == dict(session.history[0].state)
    assert second.ending_kind == "resolved" and second.total == session.history[1].score.total
    assert store.unfinished("小王") == []


def test_faults_and_missed_credits_are_kept_with_their_sources(store, engine_content):
    scenario, rubric = engine_content
    session = Session.start(scenario, rubric).answer("这不归我们管")
    session_id = store.begin("小王", Session.start(scenario, rubric))
    store.finish(session_id, session)
    turn = store.session(session_id).conversation[0]
    assert [(f.criterion, f.evidence) for f in turn.flags] == [("dismissive", ((1, 6, "不归我们管"),))]
    assert turn.flags[0].source_quote == "不得推诿、敷衍、拖延"
    assert {f.criterion for f in turn.missed} == {"empathy", "polite"}
    assert turn.capped_by is None and turn.total == 0
    assert ("dismissive", "communication", "fault", True, False) in turn.verdicts


def test_unfinished_sessions_resume_to_the_exact_state(store, loop_content):
    scenario, rubric = loop_content
    session = Session.start(scenario, rubric)
    session_id = store.begin("小李", session)
    for reply in ["您别着急", "你好", "请说"]:
        session = session.answer(reply)
        store.record_turn(session_id, session)
    session = session.use_hint()
    store.record_turn(session_id, session)

    (saved,) = store.unfinished("小李", "store_loop")
    assert (saved.id, saved.turns, saved.scenario_id) == (session_id, 3, "store_loop")
    restored = Session.from_json(saved.data, scenario, rubric)
    assert restored.turn == 4 and restored.state == session.state and restored.hint_pending
    assert store.unfinished("小李", "other") == [] and store.unfinished("别人") == []


def test_rewinds_mark_turns_and_are_recorded(store, loop_content):
    scenario, rubric = loop_content
    session = Session.start(scenario, rubric)
    session_id = store.begin("小李", session)
    for reply in ["一", "二", "三"]:
        session = session.answer(reply)
        store.record_turn(session_id, session)
    session = session.rewind(2).answer("您别着急")  # rewind and answer again before recording
    store.record_turn(session_id, session)

    record = store.session(session_id)
    assert [t.reply for t in record.conversation] == ["一", "您别着急"]
    assert [(t.turn, t.reply) for t in record.replaced] == [(2, "二"), (3, "三")]
    assert [(r.to_turn, r.from_turn) for r in record.rewinds] == [(2, 3)]
    assert [t.seq for t in record.turns] == [1, 2, 3, 4]


def test_hint_use_is_recorded_on_the_turn(store, loop_content):
    scenario, rubric = loop_content
    session = Session.start(scenario, rubric)
    session_id = store.begin("小李", session)
    session = session.use_hint()
    store.record_turn(session_id, session)
    session = session.answer("您别着急")
    store.record_turn(session_id, session)
    assert store.session(session_id).conversation[0].hint_used is True


def test_history_and_best_scores(store, engine_content, loop_content):
    scenario, rubric = engine_content
    good = Session.start(scenario, rubric).answer(CALM).answer(VERIFY)
    poor = Session.start(scenario, rubric).answer("这不归我们管")
    for session in (poor, good):
        store.finish(store.begin("小王", Session.start(scenario, rubric)), session)
    open_id = store.begin("小王", Session.start(*loop_content))
    store.begin("小张", Session.start(scenario, rubric))

    mine = store.history("小王")
    assert [s.id for s in mine] == [open_id, 2, 1]  # newest first
    assert [s.status for s in mine] == ["active", "finished", "finished"]
    assert mine[1].ending_kind == "resolved" and mine[1].total == good.total()
    assert mine[2].ending_kind == "escalated" and mine[2].turns == 1
    assert len(store.history()) == 4
    assert store.best_scores("小王") == {"engine_demo": good.total()}
    assert store.best_scores("小张") == {}


def test_abandon_sets_a_session_aside(store, loop_content):
    session_id = store.begin("小李", Session.start(*loop_content))
    store.abandon(session_id)
    assert store.unfinished("小李") == []
    assert store.history("小李")[0].status == "abandoned"


def test_unknown_sessions_and_empty_names_are_errors(store, engine_content):
    session = Session.start(*engine_content)
    with pytest.raises(StoreError, match="没有这条演练记录"):
        store.record_turn(42, session)
    with pytest.raises(StoreError, match="没有这条演练记录"):
        store.session("42")
    with pytest.raises(StoreError, match="不能为空"):
        store.begin("  ", session)


def test_sessions_resolve_by_uuid_prefix(store, engine_content):
    session_id = store.begin("小王", Session.start(*engine_content))
    uuid = store.session(session_id).uuid
    assert store.resolve(uuid) == session_id and store.resolve(uuid[:8]) == session_id


def test_the_schema_is_at_the_last_revision(tmp_path, places):
    with places.open(tmp_path):
        pass
    assert places.sql(tmp_path, "SELECT version_num FROM alembic_version") == [(REVISIONS[-1],)]
    for table in ("trainees", "sessions", "turns", "rewinds", "session_writers"):
        assert places.count(tmp_path, table) == 0


def test_sqlite_settings_and_schema_version(tmp_path):
    with Store.open(tmp_path) as store:
        assert store._db.connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert store._db.connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db = sqlite3.connect(tmp_path / "records.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION  # what earlier programs read
    db.close()


def test_reopening_keeps_records_and_a_newer_schema_is_refused(tmp_path, places, engine_content):
    with places.open(tmp_path) as first:
        first.begin("小王", Session.start(*engine_content))
    with places.open(tmp_path) as again:
        assert len(again.history()) == 1
    places.sql(tmp_path, "UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="比本程序新"):
        places.open(tmp_path)


def test_an_sqlite_file_an_earlier_program_upgraded_past_this_one_is_refused(tmp_path, engine_content):
    db = sqlite3.connect(tmp_path / "records.sqlite3")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="比本程序新"):
        Store.open(tmp_path)


def test_in_memory_store_for_tests(engine_content):
    with Store(":memory:") as memory:
        session_id = memory.begin("小王", Session.start(*engine_content))
        assert memory.unfinished("小王")[0].id == session_id
