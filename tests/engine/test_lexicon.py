"""The rubric lexicon: families, named gaps and the checks composed from them, expanded at compile time."""
from __future__ import annotations

import re

import pytest

from simulator.engine.check.golden import run_rubric
from simulator.engine.content.loader import load_text
from simulator.engine.content.model import AnyCheck, NotRegexCheck, RegexCheck, Rubric
from simulator.engine.play.lexicon import Expander, LexiconError
from simulator.engine.play.scoring import compile_rubric, score_reply

HEAD = """schema_version: 1
id: lex
title: 词族测试
dimensions:
  listening: {label: 倾听}
  impartiality: {label: 公正}
  communication: {label: 沟通}
lexicon:
  gaps:
    clause: {max: 8}
    firm: {max: 6, negation: false}
    sentence: {max: 20, clause: true, stops: 。}
  families:
    understand:
      phrases: [理解, 体谅]
      patterns: ['明白(?!不)']
      examples: [我理解您]
      near_misses: [明白不了]
    feeling:
      phrases: [心情, 委屈, 着急]
      examples: [您的心情]
      near_misses: [您的材料]
    worry:
      phrases: [担心]
      include: [feeling]
      examples: [我担心]
      near_misses: [我放心]
    polite_you:
      phrases: [您]
      examples: [您好]
      near_misses: [你好]
criteria:
"""
CRITERION = """  - id: c
    label: 测试
    dimension: listening
    kind: credit
    weight: 1
    check:
{check}
    feedback: {{hit: 好}}
    source: {{ref: 篇一, quote: 引文}}
"""


def rubric(check: str, lexicon_extra: str = "") -> Rubric:
    text = HEAD.replace("criteria:\n", lexicon_extra + "criteria:\n") + CRITERION.format(
        check="\n".join("      " + line for line in check.strip().split("\n")))
    loaded = load_text(text, "lex.yaml", "rubric")
    assert loaded.model is not None, loaded.diagnostics
    assert isinstance(loaded.model, Rubric)
    return loaded.model


def verdict(model: Rubric, reply: str) -> tuple[bool, list[str]]:
    result = score_reply(reply, compile_rubric(model)).result("c")
    return result.fired, [e.text for e in result.evidence]


def test_a_family_matches_its_phrases_patterns_and_included_families():
    model = rubric("family: worry")
    assert verdict(model, "我很担心")[0]
    assert not verdict(model, "您别担心")[0]  # the negation guard is on by default
    assert verdict(model, "这份委屈")[0]  # from the included family
    assert not verdict(model, "材料带齐了")[0]


def test_a_sequence_reports_its_words_not_the_gap_between_them():
    model = rubric("seq: [understand, {clause: 8}, feeling]")
    assert verdict(model, "我理解您此刻的心情。") == (True, ["理解", "心情"])
    assert not verdict(model, "我理解，您的心情")[0]  # the clause gap does not cross the comma
    assert not verdict(model, "我理解您这位老同志现在此刻的心情")[0]  # more than 8 characters apart


def test_a_gap_that_may_not_cross_a_negation():
    model = rubric("seq: [feeling, {firm: 6}, understand]")
    assert verdict(model, "您的委屈我们体谅")[0]
    assert not verdict(model, "您的委屈没人体谅")[0]


def test_a_gap_length_can_be_a_range_and_open_ended():
    model = rubric("seq: [understand, {sentence: [3, null]}, feeling]")
    assert verdict(model, "我理解，这件事让您很着急")[0]
    assert not verdict(model, "我理解您着急")[0]  # fewer than three characters between


def test_an_optional_part_and_an_unless_part():
    model = rubric("seq: ['我', [都, {clause: 2}], understand, {unless: [{clause: 3}, '不了']}]")
    assert verdict(model, "我理解")[0]
    assert verdict(model, "我都很理解")[0]
    assert not verdict(model, "我理解得了不了")[0]


def test_near_finds_the_two_families_in_either_order():
    model = rubric("near: [understand, feeling]\nwithin: {clause: 4}")
    assert verdict(model, "理解您的心情")[0]
    assert verdict(model, "心情我理解")[0]
    assert not verdict(model, "理解，心情")[0]


def test_times_counts_occurrences_and_shows_each_of_them():
    model = rubric("family: polite_you\ntimes: 2\nguard: false")
    assert verdict(model, "您好，请坐，您慢慢说") == (True, ["您", "您"])
    assert not verdict(model, "您好，请坐")[0]


def test_not_and_the_negation_guard():
    model = rubric("all:\n  - family: feeling\n  - not: {seq: [understand, {clause: 4}, feeling]}")
    assert verdict(model, "您的委屈")[0]
    assert not verdict(model, "我理解您的委屈")[0]
    guarded = rubric("seq: [understand, {clause: 4}, feeling]")
    assert not verdict(guarded, "我不理解您的委屈")[0]


def test_guard_is_inherited_from_the_nearest_any_that_sets_it():
    unguarded = rubric("any:\n  - seq: [understand, {clause: 4}, feeling]\nguard: false")
    assert verdict(unguarded, "我不理解您的委屈")[0]
    overridden = rubric("any:\n  - seq: [understand, {clause: 4}, feeling]\n    guard: true\nguard: false")
    assert not verdict(overridden, "我不理解您的委屈")[0]


def test_a_lexicon_check_fires_exactly_where_the_regex_it_stands_for_fires():
    model = rubric("seq: [understand, {clause: 8}, feeling]")
    hand = rubric(r"regex: '(?:理解|体谅|明白(?!不))[^,.!?;:。…]{0,8}(?:心情|委屈|着急)'" + "\nguard: true")
    for reply in ["我理解您的心情", "我不理解您的心情", "您的心情我理解", "体谅，委屈", "明白不了委屈", "明白您委屈"]:
        assert verdict(model, reply)[0] == verdict(hand, reply)[0], reply


def test_expansion_gives_the_engine_plain_regex_checks():
    model = rubric("any:\n  - seq: [understand, {clause: 8}, feeling]\n  - family: feeling\n  - not: {family: worry}")
    expanded = Expander(model.lexicon).expand(model.criteria[0].check)
    assert isinstance(expanded, AnyCheck)
    kinds = [type(part) for part in expanded.any]
    assert set(kinds) <= {RegexCheck, NotRegexCheck}
    assert len([k for k in kinds if k is RegexCheck]) < 3  # sibling checks share alternations


def test_an_unknown_name_fails_loudly_at_expansion():
    model = rubric("family: feeling")
    with pytest.raises(LexiconError):
        Expander(model.lexicon).family("feelings")


def test_simulator_test_checks_every_family_example_and_near_miss():
    bad = """  families:
    broken:
      phrases: [理解]
      examples: [我体谅您]
      near_misses: [我理解您]
"""
    text = HEAD.replace("  families:\n", bad) + CRITERION.format(check="      family: broken")
    loaded = load_text(text, "lex.yaml", "rubric")
    assert isinstance(loaded.model, Rubric), loaded.diagnostics
    report = run_rubric(loaded.model)
    messages = [f.message for f in report.failures if f.where == "family broken"]
    assert any("我体谅您" in m and "does not match" in m for m in messages)
    assert any("我理解您" in m and "matches" in m for m in messages)


def test_null_in_a_flow_mapping_is_read_as_null():
    loaded = load_text(HEAD.replace("max: 20, clause", "max: null, clause") + CRITERION.format(
        check="      family: feeling"), "lex.yaml", "rubric")
    assert isinstance(loaded.model, Rubric), loaded.diagnostics
    assert loaded.model.lexicon.gaps["sentence"].max is None


def test_the_compiled_alternations_are_valid_regexes():
    model = rubric("any:\n  - seq: [understand, {clause: 8}, feeling]\n  - seq: [feeling, {firm: 6}, understand]")
    expanded = Expander(model.lexicon).expand(model.criteria[0].check)
    for part in expanded.any:  # type: ignore[union-attr]
        re.compile(part.regex)  # type: ignore[union-attr]
