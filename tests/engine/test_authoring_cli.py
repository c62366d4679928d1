"""`simulator validate | list | graph | schema`: output formats, exit codes, one-line errors."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from simulator import cli

DATA = Path(__file__).resolve().parent.parent / "data"
BROKEN = DATA / "broken"


def run(argv, capsys, settings=None):
    code = cli.main(argv, settings)
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_json_has_exactly_the_contract_keys(capsys):
    code, out, _ = run(["validate", str(BROKEN / "sc101_goto_missing.yaml"), "--format", "json"], capsys)
    items = json.loads(out)
    assert code == 1
    assert [list(item) for item in items] == [["file", "line", "column", "code", "severity", "message"]]
    assert items[0]["code"] == "SC101" and items[0]["line"] == 39 and "end_escalated" in items[0]["message"]


def test_warnings_fail_only_with_strict(capsys):
    path = str(BROKEN / "sc102_unreachable_node.yaml")
    code, out, _ = run(["validate", path], capsys)
    assert code == 0
    assert out.splitlines()[-1] == "0 个错误，1 个警告（检查了 1 个文件）"
    assert run(["validate", path, "--strict"], capsys)[0] == 1


def test_clean_files_exit_0(capsys):
    code, out, _ = run(["validate", str(DATA / "mini_scenario.yaml"), str(DATA / "mini_rubric.yaml"), "--strict"],
                       capsys)
    assert code == 0
    assert out == "未发现问题（检查了 2 个文件）\n"


def test_text_lines_show_chinese_as_chinese(capsys):
    _, out, _ = run(["validate", str(BROKEN / "sc201_undeclared_in_when.yaml")], capsys)
    first = out.splitlines()[0]
    assert first.startswith(f"{BROKEN / 'sc201_undeclared_in_when.yaml'}:28:15: error[SC201] ")
    assert "没有在 state 中声明" in first and "\\u" not in first


def test_a_file_named_twice_is_checked_once(capsys):
    path = BROKEN / "sc101_goto_missing.yaml"
    _, out, _ = run(["validate", str(path), str(BROKEN), "--format", "json"], capsys)
    assert sum(item["file"].endswith(path.name) for item in json.loads(out)) == 1


@pytest.fixture
def library(tmp_path, make_settings):
    """A bundled library of one scenario (and no user content): the folder, and settings on it."""
    folder = tmp_path / "bundled" / "scenarios"
    folder.mkdir(parents=True)
    shutil.copy(DATA / "mini_scenario.yaml", folder)
    return folder, make_settings(bundled_dir=folder.parent)


def test_list_json_rows(library, capsys):
    _folder, settings = library
    code, out, err = run(["list", "--format", "json"], capsys, settings)
    assert code == 0 and err == ""
    [row] = json.loads(out)
    assert {k: row[k] for k in ("id", "title", "category", "difficulty", "endings", "nodes")} == {
        "id": "mini_scenario", "title": "测试用最小场景", "category": "测试", "difficulty": 1,
        "endings": ["dissatisfied", "escalated", "resolved"], "nodes": 6}


def test_list_counts_only_reachable_endings(library, capsys):
    folder, settings = library
    shutil.copy(BROKEN / "sc105_unreachable_ending.yaml", folder)
    code, out, _err = run(["list", "--format", "json"], capsys, settings)
    rows = {row["id"]: row for row in json.loads(out)}
    assert "crisis" not in rows["broken"]["endings"]
    assert code == 0


def test_list_reports_broken_files_on_stderr_and_lists_the_rest(library, capsys):
    folder, settings = library
    shutil.copy(BROKEN / "sc001_fullwidth_colon.yaml", folder)
    code, out, err = run(["list"], capsys, settings)
    assert code == 1
    assert "mini_scenario" in out and "共 1 个场景" in out
    assert len(err.strip().splitlines()) == 1 and "SC001" in err


def test_graph_mermaid_and_dot(library, capsys):
    folder, settings = library
    code, out, _ = run(["graph", "mini_scenario"], capsys, settings)
    assert code == 0 and out.startswith("flowchart TD")
    assert 'n_facts -->|"passed(\'verify\') and trust >= 4"| n_end_resolved' in out
    assert "classDef escalated" in out and ":::resolved" in out
    code, out, _ = run(["graph", str(folder / "mini_scenario.yaml"), "--format", "dot"], capsys, settings)
    assert code == 0 and out.startswith('digraph "mini_scenario"')
    assert '"opening" -> "end_escalated" [label="anger >= 9"];' in out
    assert 'shape=doubleoctagon' in out


def test_graph_of_an_unknown_or_broken_scenario_is_one_line(library, capsys):
    _folder, settings = library
    for ref in ("no_such_scenario", str(BROKEN / "sc011_duplicate_key.yaml"), str(DATA / "missing.yaml")):
        code, out, err = run(["graph", ref], capsys, settings)
        assert code == 1 and out == ""
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_schema_out_writes_two_files(tmp_path, capsys):
    code, out, _ = run(["schema", "--out", str(tmp_path / "s")], capsys)
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == ["rubric.schema.json", "scenario.schema.json"]
    assert len(out.splitlines()) == 2
