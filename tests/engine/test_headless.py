"""`simulator score`, `play --script` and `test`: their output is a contract other tools rely on."""
import json
import subprocess
import sys
from pathlib import Path

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"

RUBRIC = str(DATA / "engine" / "rubric.yaml")
SCENARIO = str(DATA / "engine" / "scenario.yaml")


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simulator", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def test_score_reads_json_lines_and_echoes_ids():
    lines = [{"reply": "您先别着急，我们会核实情况。", "id": "a"}, {"reply": "这不归我们管", "id": 2}]
    done = run("score", "--rubric", RUBRIC, stdin="\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    assert done.returncode == 0, done.stderr
    first, second = [json.loads(line) for line in done.stdout.splitlines()]
    assert first["id"] == "a" and second["id"] == 2
    assert set(first) == {"id", "total", "dimensions", "hits", "flags"}
    assert {"listening", "impartiality", "communication"} <= set(first["dimensions"])
    assert first["hits"][0] == {"criterion": "empathy", "dimension": "listening", "start": 2, "end": 5,
                                "text": "别着急", "by": "rubric"}
    assert second["flags"] == [{"criterion": "dismissive", "dimension": "communication", "start": 1, "end": 6,
                                "text": "不归我们管", "by": "rubric"}]
    assert second["total"] < first["total"]


def test_score_reports_a_malformed_line_and_carries_on():
    stdin = '{"reply": "您好"}\nnot json\n{"reply": 3}\n' + json.dumps({"reply": "啊" * 2001}) + '\n{"reply": "请"}\n'
    done = run("score", "--rubric", RUBRIC, stdin=stdin)
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == 5 and done.returncode == 1
    assert [("error" in o) for o in out] == [False, True, True, True, False]
    assert out[1]["line"] == 2 and "2000" in out[3]["error"]


def test_score_takes_replies_as_arguments(capsys):
    assert main(["score", "--rubric", RUBRIC, "您好", "[/]<script>"]) == 0
    first, second = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert first["hits"] and not second["hits"]


def test_play_script_json_reports_turns_state_and_ending(tmp_path):
    script = tmp_path / "replies.txt"
    script.write_text("您先别着急，请坐下慢慢说。\n请您放心，我们会核实情况。\n", encoding="utf-8")
    done = run("play", SCENARIO, "--script", str(script), "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [t["node"] for t in data["turns"]] == ["opening", "facts"]
    assert data["turns"][0]["petitioner"].startswith("我老周")
    assert data["turns"][0]["state"]["anger"] == 60
    assert data["turns"][0]["changes"][0]["reason"] == "共情：愤怒 -10"
    assert data["ending"] == {"node": "end_resolved", "kind": "resolved", "title": "登记受理"}
    assert data["dimensions"] == {"listening": 100, "impartiality": 100, "communication": 100}


def test_play_script_text_shows_lines_scores_flags_state_and_ending(tmp_path):
    script = tmp_path / "replies.txt"
    script.write_text("这不归我们管\n", encoding="utf-8")
    done = run("play", SCENARIO, "--script", str(script))
    assert done.returncode == 0, done.stderr
    for expected in ("老周：我老周干了一年", "学员：这不归我们管", "- 推诿：不归我们管", "愤怒 90", "结局：扬言去市里"):
        assert expected in done.stdout


def test_unknown_scenario_and_missing_script_are_one_line_errors(tmp_path):
    for args in (["play", "no_such_scenario", "--script", "x"], ["play", SCENARIO, "--script", str(tmp_path / "no")]):
        done = run(*args)
        assert done.returncode == 1
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_test_command_passes_on_good_content_and_shows_metrics():
    done = run("test", str(DATA / "engine"), "--metrics")
    assert done.returncode == 0, done.stdout
    assert "empathy" in done.stdout and "1.00" in done.stdout
    assert done.stdout.strip().endswith("passed, 0 failed")


def test_test_command_fails_on_a_wrong_golden_showing_the_matched_words():
    done = run("test", str(DATA / "golden_wrong"))
    assert done.returncode == 1
    assert 'empathy: expected quiet, got fires: matched "理解" at 1-3 in "我理解您的难处"' in done.stdout


def test_score_keeps_order_when_a_long_input_is_spread_over_processes():
    from simulator.commands.score_output import PARALLEL_FROM

    count = PARALLEL_FROM + 137
    replies = ["您先别着急", "这不归我们管", "请您放心，我们会核实情况。"]
    stdin = "\n".join(json.dumps({"reply": replies[i % 3], "id": i}, ensure_ascii=False) for i in range(count))
    stdin += "\nnot json\n"
    done = run("score", "--rubric", RUBRIC, stdin=stdin)
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out[:count]] == list(range(count))
    assert [bool(o["flags"]) for o in out[:6]] == [False, True, False, False, True, False]
    assert out[-1]["line"] == count + 1 and done.returncode == 1


def test_score_refuses_a_rubric_with_a_broken_regex_in_one_line(tmp_path):
    broken = tmp_path / "rubric.yaml"
    broken.write_text((DATA / "engine" / "rubric.yaml").read_text(encoding="utf-8").replace(
        "regex: '核实|了解一下情况", "regex: '核实(|了解一下情况"), encoding="utf-8")
    done = run("score", "--rubric", str(broken), "您好")
    assert done.returncode == 1 and done.stdout == ""
    assert "error[SC301]" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
