"""docs/authoring.md: its complete examples really are complete, and it lists every diagnostic."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.cli import build_parser
from simulator.engine.check.golden import run_rubric, run_scenario
from simulator.engine.check.validate import validate_paths
from simulator.engine.content.diagnostics import CATALOGUE
from simulator.engine.content.library import require
from simulator.engine.content.loader import load_file
from simulator.engine.content.references import load_references

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")


def example(kind: str) -> str:
    match = re.search(rf"<!-- example: {kind} -->\n```yaml\n(.*?)```", GUIDE, re.S)
    assert match, f"no {kind} example in the guide"
    return match.group(1)


@pytest.fixture
def placed(tmp_path):
    """The two examples written where they would live in a project."""
    scenario = tmp_path / "scenarios" / "night_market_noise.yaml"
    rubric = tmp_path / "rubrics" / "window_basics.yaml"
    for path, kind in ((scenario, "scenario"), (rubric, "rubric")):
        path.parent.mkdir()
        path.write_text(example(kind), encoding="utf-8")
    return scenario, rubric


def test_the_examples_validate_clean(placed):
    assert validate_paths(list(placed), [ROOT / "rubrics"], load_references([ROOT / "references"])) == []


def test_the_scenario_example_passes_its_tests_against_the_standard_rubric(placed):
    scenario = require(load_file(placed[0], "scenario"))
    report = run_scenario(scenario, require(load_file(ROOT / "rubrics" / "standard.yaml", "rubric")))
    assert report.failures == () and report.passed == len(scenario.tests)


def test_the_rubric_example_passes_its_golden_tests(placed):
    report = run_rubric(require(load_file(placed[1], "rubric")))
    assert report.failures == () and report.passed > 0


def test_every_diagnostic_code_is_listed():
    missing = [code for code in CATALOGUE if f"| {code} |" not in GUIDE]
    assert missing == []


def test_the_commands_it_teaches_exist():
    commands = set(build_parser()._subparsers._group_actions[0].choices)
    taught = set(re.findall(r"simulator (\w+)", GUIDE))
    assert taught <= commands, taught - commands


def test_the_worked_lexicon_example_judges_as_the_guide_says(placed):
    from simulator.engine.play.scoring import compile_rubric, score_reply

    scorer = compile_rubric(require(load_file(placed[1], "rubric")))
    table = GUIDE.split("逐句看它怎么判", 1)[1].split("\n\n", 2)[1]
    rows = [line.split("|")[1:4] for line in table.splitlines()[2:]]
    assert len(rows) >= 4
    for reply, verdict, _ in rows:
        result = score_reply(reply.strip(), scorer).result("empathy")
        assert result.fired == verdict.strip().startswith("触发"), reply
        for word in re.findall(r"「(.+?)」", verdict):
            assert word in [e.text for e in result.evidence], (reply, word)
