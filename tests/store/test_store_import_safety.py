"""Issue 16, finding 1: a forged bundle cannot rewrite a session it does not own.

Before: a bundle carrying a victim's session UUID with `updated_at: "9999-12-31…"` (or the non-date
"zzzz"), another trainee and total 100 was imported as 「更新 1 条」, and re-importing the genuine
bundle restored nothing.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_helpers import CALM, ENGINE_SCENARIO, LOOP_SCENARIO, VERIFY

from simulator.store.codec import session_json


def lines(bundle: Path) -> list[dict]:
    return [json.loads(line) for line in bundle.read_text(encoding="utf-8").splitlines()]


def write(bundle: Path, items: list[dict]) -> None:
    bundle.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")


def snapshot(places, data_dir: Path) -> list[tuple]:
    """Every row of every table, to show that nothing here changed."""
    return [(t, *row) for t in ("trainees", "sessions", "turns", "rewinds")
            for row in places.sql(data_dir, f"SELECT * FROM {t} ORDER BY id")]


@pytest.fixture
def victim(tmp_path, run_cli):
    """小王 played one finished session here; `genuine` is its bundle."""
    here, genuine = tmp_path / "here", tmp_path / "genuine.jsonl"
    run_cli("play", str(ENGINE_SCENARIO), "--trainee", "小王", "--script", "-", stdin=f"{CALM}\n{VERIFY}\n",
            data_dir=here)
    run_cli("export", "-o", str(genuine), data_dir=here)
    return here, genuine


@pytest.mark.parametrize("updated_at", ["9999-12-31T23:59:59.999+00:00", "zzzz", "2025-13-45T00:00:00+00:00",
                                        "2025-03-01T10:00:00"])
def test_a_forged_date_is_refused_and_the_session_stays_as_it_was(victim, tmp_path, run_cli, places, updated_at):
    here, genuine = victim
    before = snapshot(places, here)
    header, session = lines(genuine)
    forged = {**session, "updated_at": updated_at, "trainee": "冒名者", "total": 100}
    write(tmp_path / "forged.jsonl", [header, forged])
    done = run_cli("import", str(tmp_path / "forged.jsonl"), data_dir=here, check=False)
    assert done.returncode == 1 and "未导入 第 2 行：updated_at" in done.stderr and "Traceback" not in done.stderr
    assert snapshot(places, here) == before


def test_other_content_under_a_victims_uuid_is_kept_beside_it_as_a_marked_copy(victim, tmp_path, run_cli, places):
    here, genuine = victim
    header, session = lines(genuine)
    before = snapshot(places, here)
    forged = {**session, "trainee": "冒名者", "total": 100}
    forged["turns"] = [{**turn, "total": 100} for turn in session["turns"]]
    write(tmp_path / "forged.jsonl", [header, forged])
    done = run_cli("import", str(tmp_path / "forged.jsonl"), data_dir=here)
    assert "冲突 1 条" in done.stderr and "本机原记录未改动" in done.stderr
    assert set(before) <= set(snapshot(places, here))  # every row that was here is here unchanged
    with places.open(here) as store:
        original = store.session(session["uuid"])
        assert session_json(original) == session  # the victim's session, field for field
        (copy,) = [s for s in store.history() if s.copy_of]
        assert copy.copy_of == session["uuid"] and copy.uuid != session["uuid"] and copy.trainee == "冒名者"
        assert store.best_scores("冒名者") == {}  # a copy earns no best score
        assert [r.uuid for r in store.sessions(copies=False)] == [session["uuid"]]  # nor a place in the cohort
    shown = run_cli("history", data_dir=here).stdout
    assert "导入副本" in shown and session["uuid"][:8] in shown
    # Importing the same forged bundle again adds nothing; the genuine one changes nothing either.
    after = snapshot(places, here)
    assert "已有 1 条" in run_cli("import", str(tmp_path / "forged.jsonl"), data_dir=here).stderr
    assert "已有 1 条" in run_cli("import", str(genuine), data_dir=here).stderr
    assert snapshot(places, here) == after


def test_a_forged_total_changes_nothing_here_and_elsewhere_cannot_exceed_what_the_turns_earn(victim, tmp_path,
                                                                                            run_cli, places):
    here, genuine = victim
    header, session = lines(genuine)
    before = snapshot(places, here)
    forged = {**session, "total": session["total"] // 2,
              "dimensions": [{**d, "score": 100} for d in session["dimensions"]]}
    write(tmp_path / "forged.jsonl", [header, forged])
    assert "已有 1 条" in run_cli("import", str(tmp_path / "forged.jsonl"), data_dir=here).stderr
    assert snapshot(places, here) == before
    # Elsewhere: turns that earned half as much, claiming a total of 100. The session score counts the
    # scenario's full length, which the store cannot see, so the turns and the ending give an upper
    # bound; a stated total above it is cut to it, and the dimensions come from the turns alone.
    halved = [{**t, "total": t["total"] // 2, "dimensions": [{**d, "score": (d["score"] or 0) // 2}
                                                             for d in t["dimensions"]]} for t in session["turns"]]
    inflated = {**forged, "total": 100, "turns": halved}
    write(tmp_path / "inflated.jsonl", [header, inflated])
    there = tmp_path / "there"
    run_cli("import", str(tmp_path / "inflated.jsonl"), data_dir=there)
    with places.open(there) as store:
        record = store.session(session["uuid"])
    assert session["total"] == 100 and record.total is not None and record.total < 100
    assert all(score is not None and score < 100 for _, _, score in record.dimensions)


def test_the_genuine_bundle_imports_once_and_again_changes_nothing(victim, tmp_path, run_cli, places):
    _, genuine = victim
    there = tmp_path / "there"
    assert "新增 1 条" in run_cli("import", str(genuine), data_dir=there).stderr
    once = snapshot(places, there)
    assert "已有 1 条" in run_cli("import", str(genuine), data_dir=there).stderr
    assert snapshot(places, there) == once


def test_a_continuation_only_appends(tmp_path, run_cli, places):
    here, there, bundle = tmp_path / "here", tmp_path / "there", tmp_path / "b.jsonl"
    run_cli("play", str(LOOP_SCENARIO), "--trainee", "小李", "--script", "-", stdin="您别着急\n你好\n", data_dir=here)
    run_cli("export", "-o", str(bundle), data_dir=here)
    run_cli("import", str(bundle), data_dir=there)
    before = [r for r in snapshot(places, there) if r[0] == "turns"]
    run_cli("play", str(LOOP_SCENARIO), "--trainee", "小李", "--script", "-", stdin="请说\n", data_dir=here)
    run_cli("export", "-o", str(bundle), data_dir=here)
    assert "续接 1 条" in run_cli("import", str(bundle), data_dir=there).stderr
    after = [r for r in snapshot(places, there) if r[0] == "turns"]
    assert after[:len(before)] == before and len(after) == len(before) + 1  # the old rows, untouched


def test_imported_text_is_cleaned_and_capped_like_typed_input(victim, tmp_path, run_cli, places):
    _, genuine = victim
    header, session = lines(genuine)
    hostile = {**session, "trainee": "小\x1b]0;PWNED\x07王"}
    hostile["turns"] = [{**session["turns"][0], "reply": "您先\x1b[2J别着急"}, *session["turns"][1:]]
    hostile["turns"][0]["hits"] = hostile["turns"][0]["flags"] = hostile["turns"][0]["missed"] = []
    too_long = {**session, "uuid": "0b7c4d52-4ad0-4b1a-9d55-1e1f1a2b3c4d"}
    too_long["turns"] = [{**session["turns"][0], "reply": "我" * 2001}, *session["turns"][1:]]
    write(tmp_path / "b.jsonl", [header, hostile, too_long])
    there = tmp_path / "there"
    done = run_cli("import", str(tmp_path / "b.jsonl"), data_dir=there, check=False)
    assert done.returncode == 1 and "未导入 第 3 行：第 1 轮记录：回复过长（2001 字，上限为 2000 字" in done.stderr
    with places.open(there) as store:
        record = store.session(session["uuid"])
    assert record.trainee == "小王" and record.turns[0].reply == "您先别着急"


def test_a_deeply_nested_line_is_refused_and_the_rest_imported(victim, tmp_path, run_cli, places):
    _, genuine = victim
    header, session = lines(genuine)
    nested = '{"uuid": ' + "[" * 100_000 + "]" * 100_000 + "}"
    (tmp_path / "b.jsonl").write_text(json.dumps(header) + "\n" + nested + "\n" + json.dumps(session) + "\n",
                                      encoding="utf-8")
    done = run_cli("import", str(tmp_path / "b.jsonl"), data_dir=tmp_path / "there", check=False)
    assert done.returncode == 1 and "未导入 第 2 行：JSON 嵌套过深" in done.stderr and "新增 1 条" in done.stderr


def test_a_bundle_of_the_first_format_still_imports(victim, tmp_path, run_cli, places):
    _, genuine = victim
    header, session = lines(genuine)
    old = {"format": "jiefang-records", "version": 1, "exported_at": header["exported_at"], "sessions": [session]}
    (tmp_path / "old.json").write_text(json.dumps(old, ensure_ascii=False, indent=1), encoding="utf-8")
    assert "新增 1 条" in run_cli("import", str(tmp_path / "old.json"), data_dir=tmp_path / "there").stderr


def test_an_overlong_line_is_refused_without_being_held_whole_and_the_next_line_imported(victim, tmp_path,
                                                                                         monkeypatch):
    from simulator.store import bundle

    _, genuine = victim
    header, session = lines(genuine)
    good = json.dumps(session, ensure_ascii=False)
    limit = len(good) + 100  # the real limit is 64 M characters
    monkeypatch.setattr(bundle, "MAX_LINE", limit)
    path = tmp_path / "b.jsonl"
    path.write_text("\n".join([json.dumps(header), '{"uuid": "' + "x" * 10 * limit + '"}', good]) + "\n",
                    encoding="utf-8")
    asked: list[int] = []

    class Spy:  # the file, counting what the reader asks for
        def __init__(self, inner):
            self.inner = inner

        def readline(self, size=-1):
            asked.append(size)
            return self.inner.readline(size)

    reader = bundle.BundleReader(path)
    with path.open(encoding="utf-8") as source:
        source.readline()  # the header, as __iter__ reads it
        records = list(reader._lines(Spy(source)))
    assert reader.refused == ["第 2 行：过长"]
    assert [r.uuid for r in records] == [session["uuid"]]
    assert len(asked) > 10 and all(0 < size <= limit for size in asked)  # never a whole line at once
