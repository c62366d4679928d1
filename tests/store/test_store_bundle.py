"""Moving records between PCs: export, import into an empty data directory, import again."""
from __future__ import annotations

import json

from store_helpers import CALM, ENGINE_SCENARIO, LOOP_SCENARIO, VERIFY

from simulator.engine.play.session import Session
from simulator.store.codec import session_json


def row_counts(places, data_dir) -> dict[str, int]:
    return {t: places.count(data_dir, t) for t in ("trainees", "sessions", "turns", "rewinds")}


def without_local_ids(history: list[dict]) -> list[dict]:
    return [{k: v for k, v in item.items() if k != "id"} for item in history]


def fill(run_cli, places, data_dir, loop_content) -> None:
    run_cli("play", str(ENGINE_SCENARIO), "--trainee", "小王", "--script", "-", stdin=f"{CALM}\n{VERIFY}\n",
            data_dir=data_dir)
    run_cli("play", str(LOOP_SCENARIO), "--trainee", "小李", "--script", "-", stdin="您别着急\n你好\n",
            data_dir=data_dir)
    with places.open(data_dir) as store:  # a rewind too, as the TUI would record it
        session = Session.start(*loop_content)
        session_id = store.begin("小张", session)
        for reply in ("一", "二"):
            session = session.answer(reply)
            store.record_turn(session_id, session)
        store.record_turn(session_id, session.rewind(2).answer("<b>三</b>"))


def test_export_then_import_reproduces_the_history_and_a_second_import_changes_nothing(tmp_path, run_cli,
                                                                                         loop_content, places):
    here, there, bundle = tmp_path / "here", tmp_path / "there", tmp_path / "records.json"
    fill(run_cli, places, here, loop_content)
    exported = run_cli("export", "-o", str(bundle), data_dir=here)
    assert "3 条" in exported.stderr

    run_cli("import", str(bundle), data_dir=there)
    original = json.loads(run_cli("history", "--format", "json", data_dir=here).stdout)
    copied = json.loads(run_cli("history", "--format", "json", data_dir=there).stdout)
    assert len(copied) == 3
    assert without_local_ids(copied) == without_local_ids(original)
    with places.open(here) as a, places.open(there) as b:
        for item in original:
            left, right = a.session(item["uuid"]), b.session(item["uuid"])
            assert session_json(left) == session_json(right)  # turns, rewinds, evidence, data: all of it
    counts = row_counts(places, there)
    assert counts == row_counts(places, here) and counts["rewinds"] == 1

    again = run_cli("import", str(bundle), data_dir=there)
    assert "新增 0 条" in again.stderr and "已有 3 条" in again.stderr
    assert row_counts(places, there) == counts
    assert json.loads(run_cli("history", "--format", "json", data_dir=there).stdout) == copied


def test_a_session_continued_elsewhere_appends_its_new_turns(tmp_path, run_cli, loop_content, places):
    here, there, bundle = tmp_path / "here", tmp_path / "there", tmp_path / "records.json"
    run_cli("play", str(LOOP_SCENARIO), "--trainee", "小李", "--script", "-", stdin="您别着急\n", data_dir=here)
    run_cli("export", "-o", str(bundle), data_dir=here)
    run_cli("import", str(bundle), data_dir=there)
    run_cli("play", str(LOOP_SCENARIO), "--trainee", "小李", "--script", "-", stdin="我们会核实\n", data_dir=here)
    run_cli("export", "-o", str(bundle), data_dir=here)
    result = run_cli("import", str(bundle), data_dir=there)
    assert "续接 1 条" in result.stderr
    (summary,) = json.loads(run_cli("history", "--format", "json", data_dir=there).stdout)
    assert (summary["ending"], summary["turns"]) == ("resolved", 2)
    assert row_counts(places, there)["turns"] == 2


def test_export_for_one_trainee(tmp_path, run_cli, loop_content, places):
    here, bundle = tmp_path / "here", tmp_path / "one.json"
    fill(run_cli, places, here, loop_content)
    run_cli("export", "--trainee", "小李", "-o", str(bundle), data_dir=here)
    header, *sessions = [json.loads(line) for line in bundle.read_text(encoding="utf-8").splitlines()]
    assert (header["format"], header["version"]) == ("jiefang-records", 2)  # JSON Lines: one session a line
    assert [s["trainee"] for s in sessions] == ["小李"]


def test_unreadable_bundles_are_one_line_errors(tmp_path, run_cli, places):
    cases = {
        "missing.json": None,
        "text.json": "not json",
        "other.json": json.dumps({"format": "something-else"}),
        "future.json": json.dumps({"format": "jiefang-records", "version": 9, "sessions": []}),
    }
    for name, content in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_text(content, encoding="utf-8")
        done = run_cli("import", str(path), check=False)
        assert done.returncode == 1, name
        assert done.stderr.startswith("simulator: 无法读取记录包") and done.stderr.count("\n") == 1, done.stderr
    if places.backend == "postgresql" or (tmp_path / "data" / "records.sqlite3").exists():
        assert row_counts(places, tmp_path / "data")["sessions"] == 0


def test_a_bad_record_is_refused_by_line_and_the_others_are_imported(tmp_path, run_cli, loop_content, places):
    here, there, bundle = tmp_path / "here", tmp_path / "there", tmp_path / "records.jsonl"
    fill(run_cli, places, here, loop_content)
    run_cli("export", "-o", str(bundle), data_dir=here)
    lines = bundle.read_text(encoding="utf-8").splitlines()
    lines.insert(2, json.dumps({"uuid": "x"}))
    bundle.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_cli("import", str(bundle), data_dir=there, check=False)
    assert done.returncode == 1 and "新增 3 条" in done.stderr
    assert "未导入 第 3 行：缺少字段" in done.stderr and "Traceback" not in done.stderr


def test_export_to_an_unwritable_path_is_a_one_line_error(tmp_path, run_cli):
    done = run_cli("export", "-o", str(tmp_path / "no" / "such" / "dir.json"), check=False)
    assert done.returncode == 1 and done.stderr.startswith("simulator: 无法写入") and done.stderr.count("\n") == 1
