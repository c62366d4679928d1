"""`simulator new`: skeletons that validate clean, pass their golden tests, and never overwrite."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.commands.scaffold import schema_ref
from simulator.engine.authoring.coverage import coverage, golden_runs
from simulator.engine.authoring.skeleton import rubric_skeleton, scenario_skeleton
from simulator.engine.check.golden import run_rubric, run_scenario
from simulator.engine.check.validate import validate_paths
from simulator.engine.content.library import require
from simulator.engine.content.loader import FIELD_NAMES, load_file

ROOT = Path(__file__).resolve().parents[2]
STANDARD = ROOT / "rubrics" / "standard.yaml"
KEY = re.compile(r"^(\s*)(?:-\s+)?([a-z_]+):")


def run(capsys, *argv: str, settings=None) -> tuple[int, str, str]:
    code = main(list(argv), settings)
    out, err = capsys.readouterr()
    return code, out, err


def uncommented_fields(text: str) -> set[str]:
    """Format fields whose first appearance has no comment on its line, just above it, or naming it."""
    lines = text.splitlines()
    comments = " ".join(line for line in lines if line.lstrip().startswith("#"))
    seen: set[str] = set()
    missing: set[str] = set()
    for number, line in enumerate(lines):
        match = KEY.match(line)
        if not match or match.group(2) in seen or match.group(2) not in FIELD_NAMES:
            continue  # node ids, variable names and the like are the author's words, not fields
        key = match.group(2)
        seen.add(key)
        above = next((lines[i] for i in range(number - 1, -1, -1) if lines[i].strip()), "")
        named = re.search(rf"(?<![A-Za-z_]){key}(?![A-Za-z_])", comments)
        if "#" not in line and not above.lstrip().startswith("#") and not named:
            missing.add(key)
    return missing


@pytest.fixture
def scenario_file(tmp_path, capsys) -> Path:
    target = tmp_path / "scenarios" / "rent_dispute.yaml"
    code, out, err = run(capsys, "new", "scenario", "rent_dispute", "--category", "房地产", "--out", str(target))
    assert code == 0, err
    assert "已生成" in out
    return target


def test_scenario_skeleton_is_strict_clean_and_its_tests_pass(scenario_file):
    assert validate_paths([scenario_file], [ROOT / "rubrics"]) == []
    scenario = require(load_file(scenario_file, "scenario"))
    assert (scenario.id, scenario.category, scenario.rubric) == ("rent_dispute", "房地产", "standard")
    report = run_scenario(scenario, require(load_file(STANDARD, "rubric")))
    assert report.failures == () and report.passed == len(scenario.tests) >= 4


def test_scenario_skeleton_tests_cover_every_node_branch_and_ending(scenario_file):
    scenario = require(load_file(scenario_file, "scenario"))
    cov = coverage(scenario, golden_runs(scenario, require(load_file(STANDARD, "rubric"))))
    gaps = [i.key for i in cov.items if i.kind != "criterion" and i.status != "covered"]
    assert gaps == []
    kinds = {node.ending.kind for node in scenario.nodes.values() if node.ending}
    assert {"referred", "dissatisfied", "escalated"} <= kinds


def test_validate_and_test_commands_accept_the_skeletons(scenario_file, tmp_path, capsys):
    rubric_file = tmp_path / "rubrics" / "house_rules.yaml"
    assert run(capsys, "new", "rubric", "house_rules", "--out", str(rubric_file))[0] == 0
    code, out, _ = run(capsys, "validate", "--strict", str(scenario_file), str(rubric_file))
    assert code == 0 and "未发现问题" in out
    code, out, _ = run(capsys, "test", str(scenario_file), str(rubric_file))
    assert code == 0 and "0 failed" in out


def test_rubric_skeleton_is_strict_clean_and_its_golden_tests_pass(tmp_path, capsys):
    target = tmp_path / "house_rules.yaml"
    assert run(capsys, "new", "rubric", "house_rules", "--out", str(target))[0] == 0
    assert validate_paths([target], [ROOT / "rubrics"]) == []
    rubric = require(load_file(target, "rubric"))
    assert rubric.id == "house_rules"
    assert {"listening", "impartiality", "communication"} <= set(rubric.dimensions)
    assert {c.kind for c in rubric.criteria} == {"credit", "fault"}
    report = run_rubric(rubric)
    assert report.failures == () and report.passed >= 2 * len(rubric.criteria)


def test_every_field_is_explained_by_a_comment():
    for text in (scenario_skeleton("probe"), rubric_skeleton("probe")):
        assert uncommented_fields(text) == set()
        assert text.startswith("# yaml-language-server: $schema=")


def test_default_places_and_no_overwrite(tmp_path, capsys, make_settings):
    """Installed (the bundled library read-only): skeletons go to the user's content folder."""
    settings = make_settings(content_dir=tmp_path, bundled_editable=False)
    assert run(capsys, "new", "scenario", "first_case", settings=settings)[0] == 0
    assert run(capsys, "new", "rubric", "first_rules", settings=settings)[0] == 0
    scenario = tmp_path / "scenarios" / "first_case.yaml"
    assert scenario.is_file() and (tmp_path / "rubrics" / "first_rules.yaml").is_file()
    scenario.write_text("keep me\n", encoding="utf-8")
    code, out, err = run(capsys, "new", "scenario", "first_case", settings=settings)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "已存在" in err and "Traceback" not in err
    assert scenario.read_text(encoding="utf-8") == "keep me\n"
    code, _, err = run(capsys, "new", "rubric", "first_rules", settings=settings)
    assert code == 1 and "已存在" in err


def test_a_source_checkout_adds_to_the_bundled_folders(tmp_path, capsys, make_settings):
    bundled = tmp_path / "bundled"
    for name in ("scenarios", "rubrics"):
        (tmp_path / name).mkdir()
        (bundled / name).parent.mkdir(exist_ok=True)
        (bundled / name).symlink_to(tmp_path / name)
    settings = make_settings(bundled_dir=bundled, content_dir=tmp_path / "user", bundled_editable=True)
    assert run(capsys, "new", "scenario", "here_case", settings=settings)[0] == 0
    assert (tmp_path / "scenarios" / "here_case.yaml").is_file() and not (tmp_path / "user").exists()


def test_out_may_name_a_folder(tmp_path, capsys):
    assert run(capsys, "new", "rubric", "folder_rules", "--out", str(tmp_path))[0] == 0
    assert (tmp_path / "folder_rules.yaml").is_file()


@pytest.mark.parametrize("bad", ["Bad", "1case", "with-dash", "中文", "a b", "_x", "x" * 65])
def test_ids_must_be_lowercase_ascii_slugs(tmp_path, capsys, bad):
    code, out, err = run(capsys, "new", "scenario", bad, "--out", str(tmp_path / "x.yaml"))
    assert code == 1 and out == "" and err.count("\n") == 1 and err.startswith("simulator: ")
    assert not (tmp_path / "x.yaml").exists()


def test_awkward_categories_and_titles_are_quoted(tmp_path, capsys):
    target = tmp_path / "odd.yaml"
    code, _, err = run(capsys, "new", "scenario", "odd", "--category", "涉法: 涉诉 #1",
                       "--title", "\"引号\" 与 [括号]", "--out", str(target))
    assert code == 0, err
    scenario = require(load_file(target, "scenario"))
    assert scenario.category == "涉法: 涉诉 #1" and scenario.title == "\"引号\" 与 [括号]"
    code, _, err = run(capsys, "new", "scenario", "odd2", "--title", "两行\n标题", "--out", str(tmp_path / "o2.yaml"))
    assert code == 1 and "不能换行" in err


def test_schema_modeline_is_relative_inside_the_project():
    schema = ROOT / "schemas" / "scenario.schema.json"
    assert schema_ref(schema, ROOT / "scenarios" / "x.yaml") == "../schemas/scenario.schema.json"
    assert schema_ref(schema, ROOT / "scenarios" / "sub" / "x.yaml") == "../../schemas/scenario.schema.json"
    assert schema_ref(schema, Path("/elsewhere/x.yaml")).startswith("file://")
