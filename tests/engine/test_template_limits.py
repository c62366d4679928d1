"""Issue 16, finding 7: authored templates are rendered within limits, and `validate` checks them.

Before: `say: "{{ 'x' * 4000000000 }}"` made `validate` itself run out of memory (Jinja folded the
constant while compiling), and a nested `range(100000)` passed validation, then `play` and `test`
took 36 s and 3.8 GB before failing.
"""
from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from simulator.cli import main
from simulator.engine.check.validate import validate_paths
from simulator.engine.content.library import require_rubric, require_scenario
from simulator.engine.content.loader import load_file
from simulator.engine.play.expr import (
    MAX_LOOP_STEPS,
    MAX_TEXT,
    ExpressionError,
    TemplateLimit,
    compile_condition,
    render,
)
from simulator.engine.play.session import ScenarioError, Session

DATA = Path(__file__).resolve().parents[1] / "data"
TOO_LARGE = DATA / "broken" / "sc220_template_too_large.yaml"
LOOPS = DATA / "broken" / "sc220_template_loops.yaml"
CONTEXT = {"persona": {"name": "老周"}, "anger": 5, "state": {"anger": 5}, "turn": 1}


@pytest.mark.parametrize(("path", "line"), [(TOO_LARGE, 21), (LOOPS, 23)])
def test_validate_reports_a_template_past_the_limits_at_its_line_without_running_out_of_memory(path, line):
    tracemalloc.start()
    try:
        found = validate_paths([path], [DATA])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(d.code, d.line, d.severity) for d in found] == [("SC220", line, "error")]
    assert peak < 50_000_000  # bytes: the 4 GB string is never built


def test_play_refuses_such_a_scenario_with_one_line(tmp_path, capsys):
    script = tmp_path / "replies.txt"
    script.write_text("您好\n", encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "play", str(LOOPS), "--script", str(script)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SC220" in err


def test_an_unvalidated_scenario_fails_its_line_at_once_instead_of_looping_for_minutes():
    """`simulator test` and the watcher load scenarios without refusing them: the engine holds the line."""
    scenario = require_scenario(load_file(LOOPS, "scenario"))
    rubric = require_rubric(load_file(DATA / "mini_rubric.yaml", "rubric"))
    session = Session.start(scenario, rubric)
    tracemalloc.start()
    try:
        with pytest.raises(ScenarioError, match="循环总共超过"):
            _ = session.prompt
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000


@pytest.mark.parametrize(("source", "message"), [
    ("{{ 'x' * 4000000000 }}", "重复生成"),
    ("{{ [0] * 100000 }}", "重复生成"),
    ("{{ 2 ** 100000000 }}", "指数"),
    ("{% for i in range(100000) %}{% endfor %}", "range()"),
    ("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}", "循环总共超过"),
    ("{% for i in range(900) %}{{ 'x' * 9000 }}{% endfor %}", f"台词超过 {MAX_TEXT} 字"),
    ("{{ range(1000)|join('x' * 9000) }}", "join"),
    ("{{ 'aaaa'|replace('a', 'x' * 9000) }}", "replace"),
    ("{{ ('x' * 6000) + ('x' * 6000) }}", "拼接"),
])
def test_each_limit_stops_rendering_with_a_message(source, message):
    with pytest.raises(TemplateLimit, match=message.replace("(", r"\(").replace(")", r"\)")):
        render(source, CONTEXT)


@pytest.mark.parametrize(("source", "refused"), [
    ("{% macro f() %}{% endmacro %}", ExpressionError), ("{% include 'x' %}", ExpressionError),
    ("{% for x in [1] recursive %}{{ loop(x) }}{% endfor %}", ExpressionError),
    ("{{ 'x'|center(1000000000) }}", ExpressionError), ("{{ '%999999999s'|format(1) }}", ExpressionError),
    ("{{ lipsum(100000) }}", UndefinedError), ("{% set ns = namespace(s='x') %}", UndefinedError),
])
def test_what_a_line_never_needs_is_not_there(source, refused):
    with pytest.raises(refused):
        render(source, CONTEXT)


def test_ordinary_lines_and_conditions_still_work():
    line = ("{{ persona.name }}：我都来了{{ turn + 2 }}趟了{% if anger > 3 %}！{% endif %}"
            "{% for i in range(3) %}…{% endfor %}")
    assert render(line, CONTEXT) == "老周：我都来了3趟了！………"
    assert render("{{ ['一', '二']|join('、') }}{{ '讨薪'|replace('薪', '钱') }}", CONTEXT) == "一、二讨钱"
    assert compile_condition("anger * 2 >= 10 and 'ab' * 2 == 'abab'")(anger=5) is True
    assert MAX_LOOP_STEPS >= 1000
    with pytest.raises(TemplateLimit):
        compile_condition("'x' * 4000000000")()
