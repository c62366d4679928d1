"""`simulator calibrate`: reading marked CSVs on both scales, reporting, and refusing bad files."""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
RUBRIC = str(DATA / "rubric.yaml")
EXAMPLE = ROOT / "docs" / "calibration_example.csv"

# Under the test rubric (default expects: empathy, verify, polite; one credit per dimension) the
# machine scores these replies 100 or 0 per dimension:
#                           listening  impartiality  communication
REPLIES = [
    "您先别着急，我们会核实。",  # 100        100           100
    "好的。",                      # 0          0             0
    "您先别着急。",                # 100        0             100
    "这不归我们管。",              # 0          0             0 (fault)
    "请坐，我们会核实。",          # 0          100           100
]


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def marks_file(tmp_path: Path, listening: list[object]) -> Path:
    rows = [[f"r{i}", reply, mark] for i, (reply, mark) in enumerate(zip(REPLIES, listening), 1)]
    return write_csv(tmp_path / "marks.csv", ["id", "reply", "listening"], rows)


def listening(report: dict) -> dict:
    return next(d for d in report["dimensions"] if d["dimension"] == "listening")


# Instructor 5 1 4 1 2 against machine 100 0 100 0 0. Average ranks: instructor 5 1.5 4 1.5 3,
# machine 4.5 2 4.5 2 2 (both means 3). dx = 2 -1.5 1 -1.5 0, dy = 1.5 -1 1.5 -1 -1:
# sum dx*dy = 7.5, sum dx^2 = 9.5, sum dy^2 = 7.5, so rho = 7.5 / sqrt(71.25).
# Bands: instructor 5 1 4 1 2, machine 5 1 5 1 1; squared differences 0 0 1 0 1 -> observed 2/16/5.
# Frequencies: instructor (.4, .2, 0, .2, .2), machine (.6, 0, 0, 0, .4); expected
# = sum p_i q_j (i-j)^2 / 16 = [.4*(.6*0 + .4*16) + .2*(.6*1 + .4*9) + .2*(.6*9 + .4*1) + .2*(.6*16 + 0)] / 16
# = (2.56 + 0.84 + 1.16 + 1.92) / 16 = 6.48 / 16, so kappa = 1 - 0.4 / 6.48.
RHO = 7.5 / math.sqrt(71.25)
KAPPA = 1 - 0.4 / 6.48


def test_five_point_marks(tmp_path, capsys):
    path = marks_file(tmp_path, [5, 1, 4, 1, 2])
    code, out, err = run(capsys, "calibrate", str(path), "--rubric", RUBRIC, "--format", "json")
    assert code == 0, err
    dim = listening(json.loads(out))
    assert dim["scale"] == "1-5" and dim["n"] == 5
    assert dim["spearman"] == pytest.approx(RHO)
    assert dim["kappa"] == pytest.approx(KAPPA)


def test_hundred_point_marks_give_the_same_bands(tmp_path, capsys):
    path = marks_file(tmp_path, [90, 5, 75, 10, 30])  # bands 5 1 4 1 2, same order as above
    code, out, err = run(capsys, "calibrate", str(path), "--rubric", RUBRIC, "--format", "json")
    assert code == 0, err
    dim = listening(json.loads(out))
    assert dim["scale"] == "0-100"
    # Same bands, so the same kappa; but the raw marks 5 and 10 are no longer tied: ranks
    # 5 1 4 2 3, dx = 2 -2 1 -1 0, sum dx^2 = 10, sum dx*dy = 7.5, rho = 7.5 / sqrt(75).
    assert dim["spearman"] == pytest.approx(7.5 / math.sqrt(75))
    assert dim["kappa"] == pytest.approx(KAPPA)


def test_scale_can_be_forced(tmp_path, capsys):
    path = marks_file(tmp_path, [5, 1, 4, 1, 2])
    code, out, _ = run(capsys, "calibrate", str(path), "--rubric", RUBRIC, "--scale", "100", "--format", "json")
    assert code == 0
    assert listening(json.loads(out))["scale"] == "0-100"  # 1-5 read as 0-100: all band 1
    path = marks_file(tmp_path, [90, 5, 75, 10, 30])
    code, _, err = run(capsys, "calibrate", str(path), "--rubric", RUBRIC, "--scale", "5")
    assert code == 1 and "超出 1-5" in err


def test_constant_marks_are_reported_as_undefined(tmp_path, capsys):
    path = marks_file(tmp_path, [3, 3, 3, 3, 3])
    code, out, err = run(capsys, "calibrate", str(path), "--rubric", RUBRIC, "--format", "json")
    assert code == 0, err
    dim = listening(json.loads(out))
    assert dim["spearman"] is None
    code, out, _ = run(capsys, "calibrate", str(path), "--rubric", RUBRIC)
    assert code == 0 and "Spearman 无法计算" in out


def test_disagreements_name_the_criteria_that_fired(tmp_path, capsys):
    # r1 is excellent to the machine (band 5) but marked 1 by the instructor: four bands apart
    path = marks_file(tmp_path, [1, 1, 4, 1, 2])
    _, out, _ = run(capsys, "calibrate", str(path), "--rubric", RUBRIC, "--format", "json")
    worst = listening(json.loads(out))["disagreements"][0]
    assert worst["id"] == "r1" and worst["instructor_band"] == 1 and worst["machine_band"] == 5
    assert {f["criterion"] for f in worst["fired"]} == {"empathy", "verify", "polite"}
    _code, out, _ = run(capsys, "calibrate", str(path), "--rubric", RUBRIC)
    assert "#r1" in out and "+共情「别着急」" in out


def test_labels_as_headers_scenario_nodes_and_ignored_columns(tmp_path, capsys):
    scenario = str(DATA / "coverage.yaml")
    rows = [["r1", "您先别着急", scenario, "a", 5, 4, "一般"], ["r2", "好的", scenario, "a", 1, 2, ""],
            ["r3", "我们会核实", "", "", 2, 5, ""]]
    path = write_csv(tmp_path / "m.csv", ["id", "reply", "scenario", "node", "倾听", "impartiality", "备注"], rows)
    code, out, err = run(capsys, "calibrate", str(path), "--rubric", RUBRIC, "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["ignored_columns"] == ["备注"]
    impartiality = next(d for d in report["dimensions"] if d["dimension"] == "impartiality")
    # node a expects empathy and polite only: impartiality is not assessed there
    assert impartiality["unassessed"] == ["r1", "r2"] and impartiality["n"] == 1


def test_suggestions_flag_a_credit_that_fires_on_poor_replies(tmp_path, capsys):
    rows = [[f"p{i}", "您先别着急。", 1] for i in range(3)] + [[f"g{i}", "请坐，我们会核实。", 5] for i in range(2)]
    path = write_csv(tmp_path / "m.csv", ["id", "reply", "listening"], rows)
    _code, out, _ = run(capsys, "calibrate", str(path), "--rubric", RUBRIC, "--format", "json")
    suggestions = listening(json.loads(out))["suggestions"]
    assert {"criterion": "empathy", "kind": "credit", "problem": "broad", "fired_low": 3, "low": 3,
            "fired_high": 0, "high": 2} in suggestions


def test_the_shipped_example(capsys):
    with open(EXAMPLE, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 40
    for dim in ("listening", "impartiality", "communication"):
        assert len({r[dim] for r in rows}) >= 4, f"{dim}: marks should vary"
    code, out, err = run(capsys, "calibrate", str(EXAMPLE), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["replies"] == len(rows)
    dims = {d["dimension"]: d for d in report["dimensions"]}
    assert set(dims) == {"listening", "impartiality", "communication", "procedure", "vigilance"}
    for dim in ("listening", "impartiality", "communication", "procedure"):
        assert dims[dim]["n"] >= 10 and dims[dim]["spearman"] is not None and dims[dim]["kappa"] is not None


@pytest.mark.parametrize(("header", "rows", "message"), [
    (["id", "listening"], [["1", 3]], "缺少必需的列 reply"),
    (["id", "reply", "note"], [["1", "您好", "x"]], "没有评分列"),
    (["id", "reply", "listening"], [["1", "您好", "好"]], "不是数字"),
    (["id", "reply", "listening"], [["1", "您好", 3, "多出来的"]], "这一行有 4 列"),
    (["id", "reply", "listening"], [["1", "您好"]], "这一行有 2 列"),
    (["id", "reply", "listening"], [["1", "您好", 3], ["1", "请坐", 4]], "id 1 重复"),
    (["id", "reply", "listening"], [["1", "", 3]], "reply 为空"),
    (["id", "reply", "listening"], [["1", "您好", 150]], "既不在 1-5 也不在 0-100"),
    (["id", "reply", "listening"], [], "没有数据行"),
    (["id", "reply", "scenario", "node", "listening"], [["1", "您好", "no_such_scenario", "a", 3]], "未知的场景"),
    (["id", "reply", "scenario", "node", "listening"], [["1", "您好", str(DATA / "coverage.yaml"), "zz", 3]],
     "没有对话节点 zz"),
    (["id", "reply", "scenario", "listening"], [["1", "您好", str(DATA / "coverage.yaml"), 3]], "要同时填写"),
])
def test_malformed_files_are_one_line_errors(tmp_path, capsys, header, rows, message):
    path = write_csv(tmp_path / "bad.csv", header, rows)
    code, out, err = run(capsys, "calibrate", str(path), "--rubric", RUBRIC)
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("simulator: ") and message in err
    assert "Traceback" not in err


def test_unreadable_and_empty_files(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    code, _, err = run(capsys, "calibrate", str(empty), "--rubric", RUBRIC)
    assert code == 1 and "文件是空的" in err and err.count("\n") == 1
    code, _, err = run(capsys, "calibrate", str(tmp_path / "missing.csv"), "--rubric", RUBRIC)
    assert code == 1 and "无法读取" in err and err.count("\n") == 1
    binary = tmp_path / "gbk.csv"
    binary.write_bytes("id,reply,listening\n1,您好,3\n".encode("gbk"))
    code, _, err = run(capsys, "calibrate", str(binary), "--rubric", RUBRIC)
    assert code == 1 and "UTF-8" in err
