"""The user's content folder sits beside the bundled library: listed, validated, tested, played."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from simulator.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, settings, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), settings)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_scenario_in_the_content_folder_joins_the_library(tmp_path, capsys, make_settings):
    bundled = tmp_path / "bundled"  # a small bundled library: the real one is checked by make test
    (bundled / "scenarios").mkdir(parents=True)
    shutil.copy(DATA / "ui" / "scenarios" / "wages.yaml", bundled / "scenarios")
    shutil.copytree(DATA / "ui" / "rubrics", bundled / "rubrics")
    shutil.copytree(DATA.parent.parent / "references", bundled / "references")  # the statutes its scenario cites
    settings = make_settings(bundled_dir=bundled, content_dir=tmp_path / "mine")
    settings.user_scenarios.mkdir(parents=True)
    settings.user_rubrics.mkdir()
    text = (DATA / "engine" / "scenario.yaml").read_text(encoding="utf-8")
    # The scenario names its rubric by id: found in the user's rubrics folder.
    (settings.user_scenarios / "demo.yaml").write_text(text.replace("rubric: rubric.yaml", "rubric: mini"),
                                                      encoding="utf-8")
    shutil.copy(DATA / "engine" / "rubric.yaml", settings.user_rubrics / "mini.yaml")

    code, out, _ = run(capsys, settings, "list", "--format", "json")
    ids = [row["id"] for row in json.loads(out)]
    assert code == 0 and "engine_demo" in ids and "ui_wages" in ids

    code, out, _ = run(capsys, settings, "validate", "--format", "json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = run(capsys, settings, "validate")
    assert "检查了 4 个文件" in out  # a bundled scenario and its rubric; the user's scenario and rubric

    code, out, _ = run(capsys, settings, "test")
    assert code == 0 and out.strip().endswith("passed, 0 failed")

    code, out, _ = run(capsys, settings, "play", "engine_demo", "--script", str(tmp_path / "none.txt"))
    assert code == 1  # a missing script: one line, not a traceback
    (tmp_path / "replies.txt").write_text("您先别着急，慢慢说。\n", encoding="utf-8")
    code, out, _ = run(capsys, settings, "play", "engine_demo", "--script", str(tmp_path / "replies.txt"))
    assert code == 0 and "[第 1 轮]" in out
