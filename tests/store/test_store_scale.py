"""Issue 16, finding 5: costs that stay flat as the store and the session grow.

Before: exporting 10,000 sessions took 8.3 GB (100,000: MemoryError), the cohort report of
100,000 took 15.5 GB, and recording a session cost quadratically in its length (2,000 turns: 43 s).
Timings are for bench/bench_records.py; here the work itself is counted: statements and bytes per
recorded turn, and the peak memory of exporting and reporting ten times as many sessions.
"""
from __future__ import annotations

import tracemalloc
import uuid

from sqlalchemy import event

from simulator.engine.play.session import Session
from simulator.reports.render import render_cohort_csv
from simulator.store.bundle import BundleReader, export_bundle


def test_recording_a_turn_costs_the_same_at_turn_400_as_at_turn_5(tmp_path, loop_content, places):
    statements: list[str] = []

    def sent(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement + repr(parameters))

    with places.open(tmp_path) as store:
        session = Session.start(*loop_content).answer("您别着急")
        session_id = store.begin("小王", session)
        costs = {}
        for turn in range(2, 401):
            session = session.answer(("你好", "请慢慢说")[turn % 2])
            statements.clear()
            event.listen(store._db.connection, "before_cursor_execute", sent)
            store.record_turn(session_id, session)
            event.remove(store._db.connection, "before_cursor_execute", sent)
            if turn in (5, 400):
                data = places.sql(tmp_path, "SELECT length(data) FROM sessions WHERE id = :id", id=session_id)
                costs[turn] = (len(statements), sum(map(len, statements)), data[0][0])
    (count5, bytes5, data5), (count400, bytes400, data400) = costs[5], costs[400]
    assert count400 == count5 and data400 == data5  # the same statements; the resume data does not grow
    assert bytes400 < 1.05 * bytes5  # the same SQL text, give or take the digits of the turn number


def copies(store, count: int) -> None:
    """`count` more sessions, copied in SQL from the one there is (under new UUIDs and start times)."""
    with store._write() as db:
        for number in range(count):
            new = db.value(
                "INSERT INTO sessions (uuid, trainee_id, scenario_id, scenario_title, rubric_id, persona, mode, "
                "status, started_at, updated_at, finished_at, ending_node, ending_kind, ending_title, "
                "ending_summary, closing_line, total, dimensions, data) SELECT :uuid, trainee_id, scenario_id, "
                "scenario_title, rubric_id, persona, mode, status, :started, updated_at, finished_at, ending_node, "
                "ending_kind, ending_title, ending_summary, closing_line, total, dimensions, data FROM sessions "
                "WHERE id = 1 RETURNING id",
                uuid=str(uuid.uuid4()), started=f"2025-01-01T00:{number // 60:02d}:{number % 60:02d}.000+00:00")
            db.run("INSERT INTO turns (session_id, seq, turn, node, prompt, reply, choice, hint_used, total, "
                   "capped_by, dimensions, hits, flags, missed, verdicts, changes, state, next_node, ending_kind, "
                   "model_answers, recorded_at, rewound_at) SELECT :new, seq, turn, node, prompt, reply, choice, "
                   "hint_used, total, capped_by, dimensions, hits, flags, missed, verdicts, changes, state, "
                   "next_node, ending_kind, model_answers, recorded_at, rewound_at FROM turns WHERE session_id = 1",
                   new=new)


def peak(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_export_import_and_cohort_hold_one_page_of_sessions_not_the_store(tmp_path, engine_content, places):
    with places.open(tmp_path / "here") as store:
        session = Session.start(*engine_content)
        session_id = store.begin("小王", session.answer("您先别着急，慢慢说。"))
        store.record_turn(session_id, session.answer("您先别着急，慢慢说。").answer("我们会核实情况。"))
        copies(store, 299)
        few = [peak(lambda: export_bundle(store, tmp_path / "few.jsonl")),
               peak(lambda: render_cohort_csv(store.sessions()))]
        copies(store, 2700)
        many = [peak(lambda: export_bundle(store, tmp_path / "many.jsonl")),
                peak(lambda: render_cohort_csv(store.sessions()))]
    with places.open(tmp_path / "there") as there:
        from simulator.store.merge import merge

        reader = BundleReader(tmp_path / "many.jsonl")
        imported = peak(lambda: merge(there, reader))
        assert places.count(tmp_path / "there", "sessions") == 3000 and not reader.refused
    for small, large in zip(few, many):
        assert large < 1.5 * small + 1_000_000, (few, many)  # ten times the sessions, about the same memory
    assert imported < 3 * many[0] + 2_000_000
    assert places.count(tmp_path / "here", "sessions") == 3000
