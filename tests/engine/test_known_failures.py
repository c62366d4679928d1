"""A path test marked known_failure is run as usual: still failing it is listed as known, passing it is an error."""
from pathlib import Path

import yaml

from simulator.engine.check.golden import run_scenario
from simulator.engine.content.model import Rubric, Scenario

DATA = Path(__file__).parent.parent / "data"


def scenario_with(tests: list[dict]) -> Scenario:
    data = yaml.safe_load((DATA / "mini_scenario.yaml").read_text(encoding="utf-8"))
    data["tests"] = tests
    return Scenario.model_validate(data)


def rubric() -> Rubric:
    return Rubric.model_validate(yaml.safe_load((DATA / "mini_rubric.yaml").read_text(encoding="utf-8")))


# The ending these two replies reach in the fixture, whatever it is, is what GOOD expects: the tests
# are about the mark, not the fixture's branching.
GOOD = {"name": "共情后核实", "replies": ["您先别着急，请坐下慢慢说。", "请您放心，我们会核实情况。"],
        "ending": "dissatisfied"}


def test_a_marked_test_that_still_fails_is_known_not_failed():
    wrong = {**GOOD, "ending": "escalated", "known_failure": "评分还认不出这句话"}
    report = run_scenario(scenario_with([wrong]), rubric())
    assert report.failures == () and report.passed == 0
    assert len(report.known) == 1 and "评分还认不出这句话" in report.known[0].message


def test_a_marked_test_that_passes_is_an_error_so_the_mark_is_removed():
    report = run_scenario(scenario_with([{**GOOD, "known_failure": "以前不通过"}]), rubric())
    assert report.known == () and len(report.failures) == 1
    assert "remove the mark" in report.failures[0].message


def test_several_acceptable_endings_and_an_unmarked_failure():
    either = {**GOOD, "ending": ["escalated", "dissatisfied"]}
    wrong = {**GOOD, "name": "错的", "ending": "escalated"}
    report = run_scenario(scenario_with([either, wrong]), rubric())
    assert report.passed == 1 and [f.where for f in report.failures] == ["path 错的"]
