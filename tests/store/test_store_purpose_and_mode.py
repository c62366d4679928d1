"""Issue 15.2 and 15.4: whom a session is for, and the mode it stays in, from the store to the command line.

Instructors' and authors' runs are kept, marked, and left out of trainee history, cohort reports
and exports unless asked for; an exam left unfinished continues only as an exam.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from store_helpers import CALM, DATA, ENGINE_SCENARIO, VERIFY

from simulator.cli import main
from simulator.engine.play.session import Session
from simulator.store import Store, StoreError
from simulator.store.resume import resume_or_begin

UI_WAGES = DATA / "ui" / "scenarios" / "wages.yaml"


def test_trials_are_kept_but_left_out_unless_asked_for(store, engine_content):
    scenario, rubric = engine_content
    finished = Session.start(scenario, rubric).answer(CALM).answer(VERIFY)
    for trainee, purpose in (("小王", "training"), ("王老师", "instructor"), ("小王", "authoring")):
        store.finish(store.begin(trainee, Session.start(scenario, rubric), purpose), finished)
    assert [(s.trainee, s.purpose) for s in store.history()] == [("小王", "training")]
    assert {(s.trainee, s.purpose) for s in store.history(trials=True)} == {
        ("小王", "training"), ("王老师", "instructor"), ("小王", "authoring")}
    assert [r.purpose for r in store.sessions()] == ["training"]
    assert len(list(store.sessions(trials=True))) == 3
    assert store.best_scores("王老师") == {} and store.best_scores("王老师", trials=True) == {"engine_demo": 100}
    assert [s.purpose for s in store.history("小王", trials=True)] == ["authoring", "training"]


def test_an_author_opening_the_preview_midway_marks_the_session(store, engine_content):
    scenario, rubric = engine_content
    session_id = store.begin("小王", Session.start(scenario, rubric).answer(CALM))
    store.set_purpose(session_id, "authoring")
    assert store.history() == [] and store.session(session_id).purpose == "authoring"
    with pytest.raises(StoreError):
        store.set_purpose(session_id, "holiday")


def test_a_beginner_turn_keeps_the_options_in_the_order_shown(store):
    from simulator.engine.check.ready import load_scenario_and_rubric
    from simulator.engine.content.library import Library

    scenario, rubric, _ = load_scenario_and_rubric(str(UI_WAGES), Library.at(DATA / "ui", DATA / "ui"))
    session = Session.start(scenario, rubric, "choice", seed=0)
    shown = session.shown_options()
    session = session.choose(shown[2][0])
    store.record_turn(session_id := store.begin("小王", Session.start(scenario, rubric, "choice", seed=0)), session)
    [turn] = store.session(session_id).conversation
    assert [text for text, _, _ in turn.options] == [option.text for _, option in shown]
    assert turn.options[2][1] and turn.reply == turn.options[2][0]  # the best one, shown third, was chosen
    assert store.session(session_id).data["seed"] == 0
    from simulator.reports.render import render_session_html, render_session_md

    html, md = render_session_html(store.session(session_id)), render_session_md(store.session(session_id))
    positions = [html.index(option.text) for _, option in shown]
    assert positions == sorted(positions)  # the report lists them in the order the trainee saw them
    assert "3\\. " + shown[2][1].text + "（所选）（最佳）" in md


def test_a_version_1_database_is_migrated_in_place(tmp_path, engine_content):
    """A file written before purposes and options were kept opens with its sessions counted as training."""
    import shutil

    path = tmp_path / "old.sqlite3"
    shutil.copy(Path(__file__).resolve().parent.parent / "data" / "store" / "records-v1.sqlite3", path)  # release 1
    db = sqlite3.connect(path)
    db.execute("""INSERT INTO sessions (uuid, trainee_id, scenario_id, scenario_title, rubric_id, persona, mode,
                  status, started_at, updated_at, dimensions, data) VALUES ('u-1', 1, 'engine_demo', '讨薪', 'demo',
                  '老周', 'exam', 'active', '2025-01-01T00:00:00.000+00:00', '2025-01-01T00:00:00.000+00:00', '[]',
                  '{"mode": "exam"}')""")
    db.commit()
    db.close()
    with Store(path) as store:
        (summary,) = [s for s in store.history() if s.uuid == "u-1"]
        assert (summary.purpose, summary.mode) == ("training", "exam")
        assert store.session(summary.id).purpose == "training"
        assert {s.purpose for s in store.history()} == {"training"}


def test_an_exam_continues_only_as_an_exam(store, engine_content):
    scenario, rubric = engine_content
    opened = resume_or_begin(store, "小王", scenario, rubric, "exam")
    store.record_turn(opened.session_id, opened.session.answer(CALM))
    with pytest.raises(StoreError, match="考试模式") as refused:
        resume_or_begin(store, "小王", scenario, rubric, "practice")
    assert "--mode exam" in str(refused.value) and "--new" in str(refused.value)
    again = resume_or_begin(store, "小王", scenario, rubric, "exam")
    assert again.resumed is not None and again.session.mode == "exam" and len(again.session.history) == 1
    # An instructor's run of the same scenario under the same name neither continues nor abandons it.
    trial = resume_or_begin(store, "小王", scenario, rubric, "practice", purpose="instructor")
    assert trial.resumed is None and store.unfinished("小王")[-1].id == opened.session_id


def run(argv: list[str], settings, capsys, stdin: str = "", monkeypatch=None) -> tuple[int, str, str]:
    if monkeypatch is not None:
        import io

        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv, settings)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_headless_exam_is_recorded_as_an_exam_and_not_continued_as_practice(make_settings, capsys, monkeypatch):
    settings = make_settings()
    scenario = str(ENGINE_SCENARIO)
    code, _, _ = run(["play", scenario, "--script", "-", "--mode", "exam", "--trainee", "小王"], settings, capsys,
                     f"{CALM}\n", monkeypatch)
    assert code == 0
    code, _, err = run(["play", scenario, "--script", "-", "--trainee", "小王"], settings, capsys, f"{VERIFY}\n",
                       monkeypatch)
    assert code == 1 and "未完成的考试模式演练" in err and err.count("\n") == 1  # one line, no traceback
    code, out, _ = run(["history", "--format", "json"], settings, capsys)
    [session] = json.loads(out)
    assert (session["mode"], session["status"], session["turns"]) == ("exam", "active", 1)
    code, out, _ = run(["history"], settings, capsys)
    assert " 考试 " in out.splitlines()[1] and "未完成" in out.splitlines()[1]


def test_instructor_runs_stay_out_of_history_cohort_and_export(make_settings, capsys, monkeypatch, tmp_path):
    settings = make_settings()
    scenario = str(ENGINE_SCENARIO)
    script = f"{CALM}\n{VERIFY}\n"
    assert run(["play", scenario, "--script", "-", "--trainee", "小王"], settings, capsys, script, monkeypatch)[0] == 0
    code, _, err = run(["play", scenario, "--script", "-", "--trainee", "王老师", "--instructor"], settings, capsys,
                       script, monkeypatch)
    assert code == 0 and "教员试玩" in err
    names = lambda out: {s["trainee"] for s in json.loads(out)}
    assert names(run(["history", "--format", "json"], settings, capsys)[1]) == {"小王"}
    assert names(run(["history", "--format", "json", "--include-trials"], settings, capsys)[1]) == {"小王", "王老师"}
    csv_text = run(["cohort", "--format", "csv"], settings, capsys)[1]
    assert "小王" in csv_text and "王老师" not in csv_text
    assert "王老师" in run(["cohort", "--format", "csv", "--include-trials"], settings, capsys)[1]
    bundle = tmp_path / "out.json"
    run(["export", "-o", str(bundle)], settings, capsys)
    sessions = lambda: [json.loads(line) for line in bundle.read_text(encoding="utf-8").splitlines()[1:]]
    assert [s["trainee"] for s in sessions()] == ["小王"]
    run(["export", "-o", str(bundle), "--include-trials"], settings, capsys)
    exported = {s["trainee"]: s["purpose"] for s in sessions()}
    assert exported == {"小王": "training", "王老师": "instructor"}


def test_a_script_in_beginner_mode_chooses_options_by_number(make_settings, capsys, monkeypatch):
    settings = make_settings()
    code, out, _ = run(["play", str(UI_WAGES), "--mode", "choice", "--seed", "0", "--script", "-",
                        "--format", "json"], settings, capsys, "3\n", monkeypatch)
    assert code == 0
    result = json.loads(out)
    assert result["seed"] == 0 and result["mode"] == "choice"
    assert result["turns"][0]["choice"] == 0  # seed 0 shows the authored first option third
    assert result["turns"][0]["reply"] == "老周，您先别着急，请坐下慢慢说，这一年确实不容易。"
    code, _, err = run(["play", str(UI_WAGES), "--mode", "choice", "--seed", "0", "--script", "-"], settings, capsys,
                       "7\n", monkeypatch)
    assert code == 1 and "只有 3 个选项" in err


def test_a_bundle_carries_purpose_mode_seed_and_options_and_refuses_forged_ones(store, tmp_path):
    """Export streams the rows as stored and import checks every field: purpose, mode, the
    options' seed and the options shown survive the trip, and forged values are refused by line."""
    from simulator.engine.check.ready import load_scenario_and_rubric
    from simulator.engine.content.library import Library
    from simulator.store.bundle import BundleReader, export_bundle
    from simulator.store.merge import merge

    scenario, rubric, _ = load_scenario_and_rubric(str(UI_WAGES), Library.at(DATA / "ui", DATA / "ui"))
    session = Session.start(scenario, rubric, "choice", seed=7)
    shown = session.shown_options()
    session_id = store.begin("王老师", session, "instructor")
    store.record_turn(session_id, session.choose(shown[1][0]))
    path = tmp_path / "out.jsonl"
    assert export_bundle(store, path) == 0  # an instructor's run stays home unless asked for
    assert export_bundle(store, path, trials=True) == 1
    with Store.open(tmp_path / "elsewhere") as there:
        assert merge(there, BundleReader(path)).added == 1
        [summary] = there.history(trials=True)
        copied, original = there.session(summary.id), store.session(session_id)
        assert (copied.purpose, copied.mode, copied.data["seed"]) == ("instructor", "choice", 7)
        assert copied.conversation[0].options == original.conversation[0].options
        assert [text for text, _, _ in copied.conversation[0].options] == [o.text for _, o in shown]
        assert there.history() == []  # still a trial there
    header, line = path.read_text(encoding="utf-8").splitlines()
    for forged, why in ((line.replace('"purpose":"instructor"', '"purpose":"boss"'), "演练用途"),
                        (line.replace('"seed":7', '"seed":"7"'), "seed"),
                        (line.replace('"best":true', '"best":"yes"', 1), "best")):
        path.write_text(header + "\n" + forged + "\n", encoding="utf-8")
        reader = BundleReader(path)
        assert list(reader) == [] and len(reader.refused) == 1 and why in reader.refused[0]
