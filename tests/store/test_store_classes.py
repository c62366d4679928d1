"""Classes in the store: roster and join code, assignment, exam lock, the class's sessions, the room."""
from __future__ import annotations

import sqlite3

import pytest
from store_helpers import CALM

from simulator.engine.play.session import Session
from simulator.store import SCHEMA_VERSION, Store, StoreError
from simulator.store.classes import CODE_ALPHABET, CODE_LENGTH, Classes


@pytest.fixture
def classes(store):
    return Classes(store)


def test_a_class_gets_a_join_code_and_keeps_its_roster_in_order(classes):
    klass = classes.create("  十二月一班 ", ["王芳", "", "李强", "王芳", " 赵敏 "])
    assert klass.name == "十二月一班" and klass.roster == ("王芳", "李强", "赵敏")
    assert len(klass.code) == CODE_LENGTH and set(klass.code) <= set(CODE_ALPHABET)
    assert klass.is_open and not klass.exam_locked and klass.assigned == ()
    assert classes.get(klass.code.lower()) == classes.get(klass.id) == classes.get("十二月一班") == klass
    assert classes.by_code(f" {klass.code.lower()} ") == klass


def test_codes_differ_between_classes(classes):
    codes = {classes.create(f"班{i}", ["甲"]).code for i in range(30)}
    assert len(codes) == 30


@pytest.mark.parametrize(("name", "message"), [("\x1b]0;pwned\x07张三", "控制字符"), ("长" * 41, "太长")])
def test_roster_names_with_control_characters_or_too_long_are_refused(classes, name, message):
    with pytest.raises(StoreError, match=message):
        classes.create("一班", ["李四", name])
    assert classes.all() == []  # nothing half-made


def test_an_unknown_class_is_a_clear_error(classes):
    with pytest.raises(StoreError, match="没有这个班级：ZZZZZZ"):
        classes.get("ZZZZZZ")


def test_assign_lock_add_and_remove(classes):
    klass = classes.create("一班", ["甲", "乙"])
    assert classes.assign(klass.id, ["wage_arrears", "group_visit", "wage_arrears"]).assigned == (
        "wage_arrears", "group_visit")
    assert classes.assign(klass.id, []).assigned == ()
    assert classes.lock_exam(klass.id, True).exam_locked
    assert not classes.lock_exam(klass.id, False).exam_locked
    assert classes.add_trainees(klass.id, ["丙", "甲"]).roster == ("甲", "乙", "丙")
    assert classes.remove_trainees(klass.id, ["乙"]).roster == ("甲", "丙")


def test_an_ended_class_takes_no_sign_ins_and_no_changes(classes):
    klass = classes.create("一班", ["甲"])
    ended = classes.end(klass.id)
    assert not ended.is_open and ended.ended_at is not None
    assert classes.by_code(klass.code) is None
    with pytest.raises(StoreError, match="已结束"):
        classes.assign(klass.id, ["wage_arrears"])


def test_the_class_report_holds_only_the_class_sessions(store, classes, engine_content):
    scenario, rubric = engine_content
    klass = classes.create("一班", ["甲"])
    in_class = store.begin("甲", Session.start(scenario, rubric).answer(CALM))
    classes.link(klass.id, in_class)
    store.begin("甲", Session.start(scenario, rubric).answer(CALM))  # practice at home, same name
    assert classes.session_ids(klass.id) == {in_class}
    assert [r.id for r in classes.sessions(klass.id)] == [in_class]


def test_the_room_shows_presence_progress_and_the_last_fault(store, classes, engine_content):
    scenario, rubric = engine_content
    klass = classes.create("一班", ["甲", "乙", "丙"])
    session = Session.start(scenario, rubric).answer("这不归我们管，你找别的部门吧")
    session_id = store.begin("甲", session)
    classes.link(klass.id, session_id)
    classes.arrived(klass.id, "甲")
    classes.arrived(klass.id, "乙")
    classes.typed(klass.id, "乙", "2030-01-01T00:00:00.000+00:00")
    classes.left(klass.id, "乙")

    first, second, third = classes.room(klass.id)
    assert (first.trainee, first.online, first.scenario_title, first.turns, first.status) == (
        "甲", True, scenario.title, 1, "finished" if session.finished else "active")
    assert first.total == session.total() and first.last_fault == "推诿"
    assert first.last_fault_words and "不归我们管" in first.last_fault_words
    assert (second.online, second.last_input_at, second.sessions) == (False, "2030-01-01T00:00:00.000+00:00", 0)
    assert (third.online, third.connected_at, third.scenario_title) == (False, None, None)
    classes.end(klass.id)
    assert not any(seat.online for seat in classes.room(klass.id))


def test_a_version_one_database_is_migrated_with_its_records(tmp_path, engine_content):
    path = tmp_path / "old.sqlite3"
    with Store(path) as store:
        session_id = store.begin("甲", Session.start(*engine_content).answer(CALM))
    db = sqlite3.connect(path)
    for table in ("presence", "class_sessions", "class_assignments", "class_members", "classes",
                  "session_writers"):  # and what version 4 adds
        db.execute(f"DROP TABLE {table}")
    db.execute("DROP INDEX turns_live")  # 3 -> 4
    db.execute("ALTER TABLE sessions DROP COLUMN copy_of")
    db.execute("ALTER TABLE sessions DROP COLUMN purpose")  # 2 -> 3
    db.execute("ALTER TABLE turns DROP COLUMN options")
    db.execute("DROP TABLE alembic_version")  # as a version-1 file has it: PRAGMA user_version only
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()

    with Store(path) as store:
        assert store.session(session_id).trainee == "甲"
        klass = Classes(store).create("一班", ["甲"])
        Classes(store).link(klass.id, session_id)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
