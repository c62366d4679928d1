"""Feedback from the case itself: examples from the node's own model answer, words that matter,
forms of address that fit, and a score that never contradicts its ticks."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine.check.address import addresses, unfit
from simulator.engine.check.ready import load_scenario_and_rubric
from simulator.engine.content.library import Library
from simulator.engine.play.examples import exemplars
from simulator.engine.play.scoring import compile_rubric, expected_examples, score_reply

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = Library((ROOT / "scenarios",), (ROOT / "rubrics",))
IDS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
SENTENCE_MARKS = "。！？!?"


@cache
def content(scenario_id: str):
    scenario, rubric, _ = load_scenario_and_rubric(scenario_id, LIBRARY)
    return scenario, compile_rubric(rubric)


def turns(scenario_id: str):
    scenario, _ = content(scenario_id)
    return [(node_id, node) for node_id, node in scenario.nodes.items() if node.ending is None]


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_expected_credit_is_shown_with_words_from_the_nodes_own_answer(scenario_id):
    _, scorer = content(scenario_id)
    for node_id, node in turns(scenario_id):
        shown = " ".join(exemplars(node))
        for label, example in expected_examples(scorer, node):
            assert example, (node_id, label)
            assert example in shown, (node_id, label, example)
            criterion = next(c.id for c in scorer.rubric.criteria if c.label == label)
            assert score_reply(example, scorer, node).result(criterion).fired, (node_id, label, example)


@pytest.mark.parametrize("scenario_id", IDS)
def test_a_missed_credit_and_a_fault_are_answered_from_the_case(scenario_id):
    _, scorer = content(scenario_id)
    generic = {c.example for c in scorer.rubric.criteria}
    for node_id, node in turns(scenario_id):
        shown = " ".join(exemplars(node))
        for reply in ("好的。", "这不归我们管，你找别的部门去。"):
            score = score_reply(reply, scorer, node)
            for result in (*score.missed, *score.flags):
                assert result.example and result.example in shown, (node_id, result.criterion, result.example)
                assert result.example not in generic or result.example in shown


@pytest.mark.parametrize("scenario_id", IDS)
def test_examples_address_the_petitioner_as_the_persona_is(scenario_id):
    scenario, scorer = content(scenario_id)
    for node_id, node in turns(scenario_id):
        for _, example in expected_examples(scorer, node):
            wrong = [unfit(term, scenario.persona) for _, term in addresses(example)]
            assert not any(wrong), (node_id, example, wrong)


def test_wage_arrears_hints_call_the_46_year_old_worker_shifu_not_daye():
    scenario, scorer = content("wage_arrears")
    assert scenario.persona.age == 46
    for _, node in turns("wage_arrears"):
        for _, example in expected_examples(scorer, node):
            assert "大爷" not in example
        for missed in score_reply("好的。", scorer, node).missed:
            assert "大爷" not in missed.example


@pytest.mark.parametrize("scenario_id", IDS)
def test_a_turn_never_shows_100_beside_a_missed_item_or_a_fault(scenario_id):
    _, scorer = content(scenario_id)
    for node_id, node in turns(scenario_id):
        for reply in (*exemplars(node), *(o.text for o in node.options)):
            score = score_reply(reply, scorer, node)
            if score.total == 100:
                assert not score.missed and not score.flags, (node_id, reply)
            for dimension in score.dimensions:
                credited = [r for r in score.hits if r.dimension == dimension.dimension]
                if credited and dimension.score is None:
                    assert not dimension.examined  # shown as 「本轮不计分」, never as 「本轮未考察」


FRAGMENTS = st.sampled_from([
    "大爷您好", "您先别着急", "我理解您的心情", "您的委屈我们都体谅", "您好，请坐，您慢慢说", "您说的情况我记下了",
    "我跟您核对一下：您是去年三月进场的，对吧？", "这事不归我们管，你去找别的部门", "请问用工单位是哪一家？",
    "我们会向责任单位核实情况，听一听他们的意见", "按照《信访工作条例》第二十三条", "15日内书面告知您是否受理",
    "包在我身上，明天就让他们把钱打给你", "急什么，没看我正忙着吗", "你问我我问谁", "这家物业就是坑人",
    "我把您的举报材料转给你们村书记", "您的安全最要紧，千万别做傻事", "还有多少工友没拿到钱？", "研究研究",
])
PUNCTUATION = st.sampled_from(["，", "。", "！", "？", "", " "])
REPLIES = st.lists(st.tuples(FRAGMENTS, PUNCTUATION), min_size=1, max_size=6).map(
    lambda parts: "".join(f + p for f, p in parts))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reply=REPLIES)
def test_evidence_is_the_words_that_matter_each_shown_once(standard_scorer, reply):
    for result in score_reply(reply, standard_scorer).results:
        previous_end = -1
        for evidence in result.evidence:
            assert reply[evidence.start:evidence.end] == evidence.text
            assert evidence.start >= previous_end, (result.criterion, result.evidence)  # sorted, no overlap
            previous_end = evidence.end
            inner = evidence.text[:-1]
            assert not any(mark in inner for mark in SENTENCE_MARKS), (result.criterion, evidence.text)
            words = re.sub(r"《[^》]*》", "", evidence.text)
            assert len(words) <= 16, (result.criterion, evidence.text)
        if result.criterion == "polite":
            assert all(e.text.count("您") <= 1 for e in result.evidence), result.evidence
