"""Issue 16, finding 3: a rubric regex with catastrophic backtracking can neither pass validation
nor stall scoring, `simulator score` or `simulator test`.

Before: `regex: '(a+)+$'` passed `validate --strict`, and scoring 'a' * 28 + '!' took 32 s,
doubling with every character.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main
from simulator.engine.check.rubric import walk_checks
from simulator.engine.check.validate import validate_paths
from simulator.engine.content.library import require_rubric
from simulator.engine.content.loader import load_file, load_text
from simulator.engine.play.backtracking import catastrophic, degree
from simulator.engine.play.budget import Guarded
from simulator.engine.play.lexicon import Expander
from simulator.engine.play.scoring import compile_rubric, score_reply

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "mini_rubric.yaml"
HOSTILE = ["(a+)+$", "(a|a)*$", "(a|a)+$", r"(\w+\s?)*$", "((ab)+)+$", "(a|aa)+$"]
SLOW_INPUT = "a" * 40 + "!"  # exponential for every pattern above: hours on Python's re


def rubric_with(pattern: str) -> str:
    """The mini rubric with its `verify` criterion checked by `pattern`."""
    text = MINI.read_text(encoding="utf-8")
    return text.replace("regex: '核实|了解一下情况'", f"regex: '{pattern}'", 1)


def standard_rubric():
    return require_rubric(load_file(ROOT / "rubrics" / "standard.yaml", "rubric"))


def standard_patterns() -> list[str]:
    """Every regex the scorer runs for the standard rubric: its own and those built from its lexicon."""
    rubric = standard_rubric()
    expander = Expander(rubric.lexicon)
    found = []
    for criterion in rubric.criteria:
        for check, _ in walk_checks(expander.expand(criterion.check), ()):
            pattern = getattr(check, "regex", None) or getattr(check, "not_regex", None)
            if pattern:
                found.append(pattern)
    return found


def test_the_mini_rubric_can_take_a_regex():
    assert "regex: '(a+)+$'" in rubric_with("(a+)+$")


@pytest.mark.parametrize("pattern", [*HOSTILE, r"(\d+\s?)+x"])
def test_catastrophic_patterns_are_recognised(pattern):
    assert catastrophic(pattern) is not None
    assert degree(pattern) is None  # never run on re without the budget


@pytest.mark.parametrize("pattern", ["(ab+c)+", "(a|ab)*c", "[^,。]{0,8}(理解|体谅)", r"(\d+|[一二]+)天",
                                     "(您|你)?(先)?别着急", "(?<!不)理解"])
def test_ordinary_patterns_are_not_reported(pattern):
    assert catastrophic(pattern) is None


def test_no_pattern_of_the_standard_rubric_is_reported_and_nearly_all_run_on_re():
    patterns = standard_patterns()
    assert len(patterns) > 100
    assert [p for p in patterns if catastrophic(p)] == []
    assert sum(degree(p) is None for p in patterns) == 0


def test_validate_reports_a_catastrophic_regex_as_an_error_with_its_place(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(rubric_with("(a+)+$"), encoding="utf-8")
    found = [d for d in validate_paths([path], []) if d.code == "SC325"]
    assert len(found) == 1 and found[0].severity == "error" and found[0].line > 1
    assert main(["validate", "--strict", str(path)]) == 1


@pytest.mark.parametrize("pattern", HOSTILE)
def test_scoring_a_hostile_pattern_keeps_to_the_budget_and_says_so(pattern):
    rubric = require_rubric(load_text(rubric_with(pattern), "hostile.yaml", "rubric"))
    score = score_reply(SLOW_INPUT, compile_rubric(rubric))  # returns: before, this never finished
    assert not score.result("verify").fired
    if pattern.startswith("(a|a)"):  # the ones the budgeted engine has no shortcut for: it runs out of time
        assert score.overrun == ("verify",)
    assert score_reply("我们会核实。", compile_rubric(rubric)).overrun == ()


def test_simulator_test_and_score_finish_on_a_hostile_rubric(tmp_path, capsys):
    path = tmp_path / "hostile.yaml"
    path.write_text(rubric_with("(a|a)+$").replace("quiet: [好的。]", f"quiet: [好的。, {SLOW_INPUT}]", 1),
                    encoding="utf-8")
    assert main(["test", str(path)]) == 1
    out = capsys.readouterr().out
    assert "time budget" in out and SLOW_INPUT in out
    assert main(["score", "--rubric", str(path), SLOW_INPUT]) == 1  # the rubric does not validate
    assert "SC325" in capsys.readouterr().err


def test_the_budgeted_engine_finds_exactly_what_re_finds_on_the_standard_rubric():
    rubric = standard_rubric()
    texts = sorted({reply for c in rubric.criteria for reply in (*c.golden.fires, *c.golden.quiet)}
                   | {test.reply for test in rubric.tests})
    assert len(texts) > 200
    for pattern in standard_patterns():
        guarded = Guarded(pattern)
        for text in texts:
            assert guarded.guarded_spans(text) == guarded.spans(text), (pattern, text)


def test_long_replies_take_the_budgeted_path_for_patterns_that_grow_with_length():
    guarded = Guarded("[^,.!?;:。…]{4,}(对吧|是吧)\\?")
    assert guarded.fast_up_to >= 500  # typed replies (up to a few hundred characters) stay on re
    assert guarded.fast_up_to < 2000  # a 2,000-character reply goes through the budget
    reply = "您是说去年三月进场的对吧?"
    assert guarded.spans(reply) == guarded.guarded_spans(reply) == [(0, len(reply))]
