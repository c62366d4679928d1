"""Issue 15.6: YAML syntax errors in Chinese, at the line where the mistake is, with a hint for the
usual indentation slips; a node whose `say` swallowed one of its fields is warned about."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from simulator.engine.check.validate import check_loaded_scenario
from simulator.engine.content.loader import load_text

ROOT = Path(__file__).resolve().parents[2]
ALLOWANCE = (ROOT / "scenarios" / "minimum_allowance.yaml").read_text(encoding="utf-8")


def edited(old: str, new: str) -> tuple[str, int]:
    """The bundled scenario with one line changed, and that line's number."""
    assert ALLOWANCE.count(old) == 1, old
    line = ALLOWANCE[:ALLOWANCE.index(old)].count("\n") + 1
    return ALLOWANCE.replace(old, new), line


def parser_line(text: str) -> int:
    with pytest.raises(yaml.YAMLError) as raised:
        yaml.compose(text, Loader=yaml.BaseLoader)
    return raised.value.problem_mark.line + 1


@pytest.mark.parametrize(("old", "new", "col", "words"), [
    ("    hint: 先把她请进来坐下", "  hint: 先把她请进来坐下", 3, "「hint:」缩进了 2 格"),  # dedented hint
    ("    hint: 先把她请进来坐下", "   hint: 先把她请进来坐下", 4, "「hint:」缩进了 3 格"),
    ("  facts:\n", "facts:\n", 1, "「facts:」缩进了 0 格"),  # a node key at the margin
    ("  facts:\n", " facts:\n", 2, "「facts:」缩进了 1 格"),
])
def test_an_indentation_slip_is_reported_in_chinese_on_its_own_line(old, new, col, words):
    text, line = edited(old, new)
    loaded = load_text(text, "allowance.yaml")
    [found] = loaded.diagnostics
    assert (found.code, found.line, found.col) == ("SC018", line, col)
    assert words in found.message
    assert not re.search("[A-Za-z]{3,}", re.sub("「[^」]*」", "", found.message))  # English only in the quoted keys
    assert "请" in found.message or "必须" in found.message  # it says what to do


def test_the_parser_alone_points_elsewhere():
    """What authors saw before: the dedented node key was reported twenty lines further down."""
    text, line = edited("  facts:\n", "facts:\n")
    assert parser_line(text) - line >= 15
    text, line = edited("    hint: 先把她请进来坐下", "  hint: 先把她请进来坐下")
    assert parser_line(text) == line + 1


@pytest.mark.parametrize(("snippet", "words"), [
    ("title: 老板说: 没钱\n", "整句文字加引号"),
    ("say: \"没有结束的引号\nid: x\n", "引号"),
    ("expects: [empathy, polite\nid: x\n", "方括号"),
    ("state: {anger: 1\n", "花括号"),
    ("say: \"转义\\q不认识\"\n", "转义"),
    ("title: @开头\n", "加引号"),
    ("a: 1\n---\nb: 2\n", "多个文档"),
])
def test_common_syntax_errors_are_explained_in_chinese(snippet, words):
    [found] = load_text(snippet, "x.yaml").diagnostics
    assert found.code == "SC010" and words in found.message, found.message
    assert not re.search(r"[A-Za-z]{3,}", found.message.replace("say", "").replace("YAML", "")), found.message


def test_a_field_indented_into_the_speech_is_warned_about(standard_rubric):
    text, line = edited("    expects: [polite, empathy, invite_more]", "      expects: [polite, empathy, invite_more]")
    loaded = load_text(text, "allowance.yaml")
    assert loaded.diagnostics == ()  # valid YAML: the field silently became words the petitioner says
    assert "expects: [polite" in loaded.model.nodes["opening"].say
    found = {(d.code, d.line) for d in check_loaded_scenario(loaded, standard_rubric)}
    assert ("SC213", line) in found and ("SC208", line - 4) in found
