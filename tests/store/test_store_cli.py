"""`simulator history`, `report`, `cohort` on the command line: output shapes and one-line errors."""
from __future__ import annotations

import json

import pytest
from store_helpers import CALM, ENGINE_SCENARIO, LOOP_SCENARIO, VERIFY


def test_history_json_lists_sessions_with_their_scores(run_cli):
    run_cli("play", str(ENGINE_SCENARIO), "--trainee", "小王", "--script", "-", stdin=f"{CALM}\n{VERIFY}\n")
    run_cli("play", str(LOOP_SCENARIO), "--trainee", "小李", "--script", "-", stdin="您别着急\n")
    sessions = json.loads(run_cli("history", "--format", "json").stdout)
    assert [s["trainee"] for s in sessions] == ["小李", "小王"]  # newest first
    loop, done = sessions
    for item in sessions:
        assert {"trainee", "scenario", "started_at", "ending", "dimensions", "total"} <= item.keys()
    assert (done["scenario"], done["ending"], done["status"]) == ("engine_demo", "resolved", "finished")
    assert done["turns"] == 2
    assert done["dimensions"] == {"listening": 100, "impartiality": 100, "communication": 100}
    assert done["total"] == 100
    assert (loop["scenario"], loop["ending"], loop["status"]) == ("store_loop", None, "active")
    assert set(loop["dimensions"]) == {"listening", "impartiality", "communication"}
    assert loop["dimensions"]["impartiality"] is None
    mine = json.loads(run_cli("history", "--trainee", "小王", "--format", "json").stdout)
    assert [s["trainee"] for s in mine] == ["小王"]


def test_history_text_is_a_table(run_cli):
    assert "还没有演练记录" in run_cli("history").stdout
    run_cli("play", str(ENGINE_SCENARIO), "--trainee", "小王", "--script", "-", stdin=f"{CALM}\n{VERIFY}\n")
    lines = run_cli("history").stdout.splitlines()
    assert lines[0].split() == ["编号", "开始时间", "学员", "场景", "模式", "结局", "总分", "轮数"]
    assert "小王" in lines[1] and " 练习 " in lines[1] and "登记受理（问题化解）" in lines[1]
    assert lines[1].split()[-2:] == ["100", "2"]


def test_report_writes_html_and_markdown(tmp_path, run_cli):
    run_cli("play", str(ENGINE_SCENARIO), "--trainee", "小王", "--script", "-", stdin=f"{CALM}\n{VERIFY}\n")
    html = run_cli("report", "1").stdout
    assert html.startswith("<!DOCTYPE html>") and "登记受理" in html
    target = tmp_path / "report.md"
    run_cli("report", "1", "--format", "md", "-o", str(target))
    assert target.read_text(encoding="utf-8").startswith("# 接访演练记录：引擎测试场景")


def test_cohort_writes_html_and_csv(tmp_path, run_cli):
    run_cli("play", str(ENGINE_SCENARIO), "--trainee", "小王", "--script", "-", stdin=f"{CALM}\n{VERIFY}\n")
    assert "学员各维度平均分" in run_cli("cohort").stdout
    target = tmp_path / "cohort.csv"
    run_cli("cohort", "--format", "csv", "--since", "2000-01-01", "-o", str(target))
    text = target.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "类别,学员,场景,项目,名称,次数,数值"
    assert "学员总分,小王,,total,总分,1,100.0" in text
    later = run_cli("cohort", "--format", "csv", "--since", "2999-01-01").stdout
    assert later.splitlines() == ["类别,学员,场景,项目,名称,次数,数值"]


def test_errors_are_one_line(tmp_path, run_cli):
    cases = [
        (("report", "99"), "没有这条演练记录：99"),
        (("report", "abc"), "没有这条演练记录：abc"),
        (("cohort", "--since", "2025-02-30"), "日期格式不对"),
        (("report", "1", "-o", str(tmp_path / "missing" / "r.html")), "无法写入"),
        (("cohort", "-o", str(tmp_path / "missing" / "c.html")), "无法写入"),
    ]
    run_cli("play", str(ENGINE_SCENARIO), "--trainee", "小王", "--script", "-", stdin=f"{CALM}\n")
    for args, message in cases:
        done = run_cli(*args, check=False)
        assert done.returncode == 1, args
        assert done.stderr.count("\n") == 1 and message in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize("places", ["sqlite"], indirect=True)  # the SQLite file's folder
def test_an_unusable_data_dir_is_a_one_line_error(tmp_path, run_cli):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    done = run_cli("history", data_dir=blocker / "data", check=False)
    assert done.returncode == 1 and "无法创建记录目录" in done.stderr and done.stderr.count("\n") == 1
