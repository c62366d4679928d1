"""Coverage: nodes, branches (by index), endings and criteria from golden tests and records."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.engine.authoring.coverage import Run, coverage, golden_runs, session_steps
from simulator.engine.content.library import require
from simulator.engine.content.loader import load_file
from simulator.engine.play.session import Session

DATA = Path(__file__).resolve().parent / "data"
SCENARIO = DATA / "coverage.yaml"


@pytest.fixture(scope="module")
def content():
    return require(load_file(SCENARIO, "scenario")), require(load_file(DATA / "rubric.yaml", "rubric"))


def statuses(cov) -> dict[str, str]:
    return {item.key: item.status for item in cov.items}


def test_golden_tests_cover_what_they_walk(content):
    scenario, rubric = content
    cov = coverage(scenario, golden_runs(scenario, rubric))
    assert (cov.tests, cov.records) == (2, 0)
    assert statuses(cov) == {
        "a": "covered", "b": "covered", "c": "covered",
        # test 2 reaches b through the final `else` (index 2), not the first branch, same target
        "a#0": "covered", "a#1": "justified", "a#2": "covered",
        "b#0": "covered", "b#1": "covered", "c#0": "covered",
        "end_good": "covered", "end_bad": "covered", "end_rare": "justified",
        "a:empathy": "covered", "a:polite": "covered", "b:verify": "covered",
        "c:polite": "partial",  # only ever passed
    }
    assert cov.stale == (("b", "旧理由：这里曾经没有测试"),)
    partial = next(i for i in cov.items if i.key == "c:polite")
    assert (partial.passed, partial.failed) == (1, 0)


def test_a_branch_without_tests_is_a_gap(content):
    scenario, rubric = content
    only_first = tuple(r for r in golden_runs(scenario, rubric) if r.name == "共情一路到底")
    cov = coverage(scenario, only_first)
    found = statuses(cov)
    assert found["end_bad"] == "gap" and found["a:empathy"] == "partial"
    # b's unreached_ok covers the gaps that belong to b: its own branch and the branch into it
    assert found["b#0"] == "justified" and found["a#2"] == "justified"
    assert ("b", "旧理由：这里曾经没有测试") not in cov.stale


def test_unknown_nodes_in_runs_are_counted_not_crashing(content):
    scenario, rubric = content
    steps = session_steps(Session.start(scenario, rubric).answer("您先别着急"))
    stray = Run("record", "9", steps + (steps[0].__class__("gone", "b", 0, frozenset(), frozenset()),))
    cov = coverage(scenario, [stray])
    assert cov.unknown_steps == 1 and statuses(cov)["a#0"] == "covered"


def test_text_and_json_output(capsys, tmp_path):
    code = main(["--data-dir", str(tmp_path), "coverage", str(SCENARIO)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "节点 3/3" in out and "分支 5/6（另 1 已注明理由）" in out
    assert "分支 a#1 → end_rare：要一开口就推诿才会出现" in out
    assert "从未失分的评分项：c: polite" in out
    assert "节点 b 的 unreached_ok" in out
    assert "未找到演练记录" in out

    code = main(["--data-dir", str(tmp_path), "coverage", str(SCENARIO), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    (only,) = report["scenarios"]
    assert only["scenario"] == "workbench_coverage"
    assert only["summary"]["branch"] == {"covered": 5, "partial": 0, "justified": 1, "gap": 0, "total": 6}
    branch = next(i for i in only["items"] if i["key"] == "a#1")
    assert branch["target"] == "end_rare" and branch["status"] == "justified"


def test_a_scenario_that_does_not_load_exits_1_but_others_are_reported(capsys, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema_version: 1\nid: broken\nnodes: {}\n", encoding="utf-8")
    code = main(["--data-dir", str(tmp_path), "coverage", str(SCENARIO), str(broken), "no_such_scenario"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "workbench_coverage" in out
    lines = err.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("simulator: ") for line in lines)
    assert "Traceback" not in err


def test_recorded_sessions_add_coverage(capsys, tmp_path, content):
    store_module = pytest.importorskip("simulator.store")
    scenario, rubric = content
    with store_module.Store.open(tmp_path) as store:
        # a trainee who brushes the petitioner off at once: anger 50 + 60 -> a#1 -> end_rare
        session = Session.start(scenario, rubric).answer("这不归我们管")
        store.begin("张三", session)
        # another who answers, rewinds and answers again: both turns at a were played
        session = Session.start(scenario, rubric).answer("好的")
        sid = store.begin("李四", session)
        session = session.rewind(1).answer("您先别着急")
        store.record_turn(sid, session)
    code = main(["--data-dir", str(tmp_path), "coverage", str(SCENARIO), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    (only,) = report["scenarios"]
    assert only["records"] == 2
    items = {i["key"]: i for i in only["items"]}
    assert items["a#1"]["status"] == "covered" and items["end_rare"]["status"] == "covered"
    assert items["a"]["hits"] == 2 + 3  # two golden tests + three recorded turns (one rewound)
    assert {"node": "end_rare", "reason": "要一开口就推诿才会出现，课堂上演示"} in only["stale"]

    code = main(["--data-dir", str(tmp_path), "coverage", str(SCENARIO), "--tests-only", "--format", "json"])
    assert json.loads(capsys.readouterr().out)["scenarios"][0]["records"] == 0
