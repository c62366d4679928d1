"""A score a trainer would sign: turns and sessions (rules and worked example in docs/rubric.md)."""
from __future__ import annotations

from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.engine.check.ready import load_scenario_and_rubric
from simulator.engine.content.library import Library
from simulator.engine.content.model import GOOD_ENDINGS
from simulator.engine.play.scoring import compile_rubric, score_reply
from simulator.engine.play.session import Session
from simulator.engine.play.totals import ENDING_VALUES, full_length, session_score, turn_total

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = Library((ROOT / "scenarios",), (ROOT / "rubrics",))
IDS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))


@cache
def content(scenario_id: str):
    scenario, rubric, _ = load_scenario_and_rubric(scenario_id, LIBRARY)
    return scenario, rubric


@pytest.fixture(scope="module")
def standard(standard_scorer):
    return standard_scorer


def turn(*expects: str) -> SimpleNamespace:
    return SimpleNamespace(expects=expects, model_answers=(), options=())


# ---------------------------------------------------------------- one turn

def test_a_brush_off_outside_the_examined_dimensions_does_not_pay(standard):
    """The issue's case: 「这个我们研究研究」 scored 20 with its brush-off flag and 0 without it. (The learned
    judge now misreads that very reply: tests/engine/test_judge_contradictions.py marks it; the arithmetic is
    shown here with a brush-off it reads right.)"""
    at = turn("explain_route", "next_step", "record_details")
    flagged = score_reply("你回去等通知吧。", standard, at)
    assert [r.criterion for r in flagged.flags] == ["brush_off"]
    plain = score_reply("这个我们再看看。", standard, at)
    assert not any(r.fired for r in plain.results)
    assert flagged.total <= plain.total
    listening = next(d for d in flagged.dimensions if d.dimension == "listening")
    assert not listening.examined and listening.penalty == 45


def test_a_fault_outside_the_examined_dimensions_costs_a_good_reply(standard):
    at = turn("explain_route", "next_step", "record_details")
    good = "请留个电话，我们登记后按程序转交人社部门处理，一周内给您回电话。"
    clean = score_reply(good, standard, at)
    faulted = score_reply("打住，你说的这些我都知道。" + good, standard, at)
    assert faulted.result("interrupt").fired and not clean.flags
    assert faulted.total < clean.total


VERDICTS = st.lists(st.tuples(st.sampled_from(["empathy", "restate", "polite", "verify_facts", "time_limit",
                                               "notice_warning", "brush_off", "wrong_time_limit", "too_many_reps"]),
                              st.booleans(), st.booleans()), max_size=9, unique_by=lambda v: v[0])


@settings(max_examples=300, deadline=None)
@given(verdicts=VERDICTS, extra=st.sampled_from(["brush_off", "interrupt", "wrong_time_limit", "too_many_reps",
                                                  "take_sides", "dismissive"]))
def test_a_fault_can_only_lower_a_turn(standard_rubric, verdicts, extra):
    """Whatever else the turn holds, one more fault never raises its total."""
    by_id = standard_rubric.by_id

    def verdict(criterion: str, fired: bool, expected: bool) -> SimpleNamespace:
        c = by_id[criterion]
        return SimpleNamespace(criterion=criterion, dimension=c.dimension, kind=c.kind, fired=fired,
                               expected=expected and c.kind == "credit")

    base = [verdict(*v) for v in verdicts if v[0] != extra]
    _, without, _ = turn_total(standard_rubric, base)
    _, with_fault, _ = turn_total(standard_rubric, [*base, verdict(extra, True, False)])
    assert with_fault <= without


def test_a_serious_fault_caps_the_turn_whatever_the_other_dimensions_say(standard_rubric):
    by_id = standard_rubric.by_id

    def verdict(criterion: str, fired: bool) -> SimpleNamespace:
        c = by_id[criterion]
        return SimpleNamespace(criterion=criterion, dimension=c.dimension, kind=c.kind, fired=fired,
                               expected=c.kind == "credit")
    credits = ["empathy", "verify_facts", "polite", "record_details", "ask_facts"]
    _, best, _ = turn_total(standard_rubric, [verdict(c, True) for c in credits])
    _, faulted, capped_by = turn_total(standard_rubric, [*(verdict(c, True) for c in credits),
                                                         verdict("take_sides", True)])
    assert best == 100
    assert faulted <= 30 and capped_by == "take_sides"


@pytest.mark.parametrize(("added", "fault"), [("说到底，这个包工头就是黑心。", "take_sides"),
                                            ("少罗嗦，捡要紧的说。", "impatient"),
                                            ("这种事不归我们管。", "dismissive")])
def test_a_serious_fault_hidden_in_a_warm_reply_caps_it(standard, added, fault):
    # the rubric's hit is checked against its own sentence: the warm answer around it does not dilute it away
    scenario, _ = content("wage_arrears")
    node = scenario.nodes["details"]
    best = score_reply(node.model_answers[0], standard, node)
    faulted = score_reply(node.model_answers[0] + added, standard, node)
    assert best.total >= 80 and faulted.result(fault).fired
    assert faulted.total <= 40 and faulted.capped_by == fault


def test_a_warm_reply_that_denies_a_fault_is_not_faulted(standard):
    scenario, _ = content("wage_arrears")
    node = scenario.nodes["details"]
    fair = score_reply(node.model_answers[0] + "谁对谁错，等核实清楚再说，我们不会先偏向哪一方。", standard, node)
    assert not fair.serious and fair.total >= 80


def test_a_serious_fault_is_serious_even_where_the_turn_was_already_below_its_cap(standard):
    # the condition `serious` must not depend on whether the cap happened to lower the total
    faulted = score_reply("包工头就是黑心，你回去等着吧。", standard, turn("ask_facts", "record_details"))
    assert faulted.result("take_sides").fired and faulted.capped_by is None  # nothing for the cap to lower
    assert "take_sides" in faulted.serious
    clean = score_reply("您把欠条和工地名字跟我说说，我一条条记下来。", standard, turn("ask_facts", "record_details"))
    assert clean.serious == ()


def test_vigilance_weighs_at_least_as_much_as_any_other_dimension(standard_rubric):
    weights = {d: spec.weight for d, spec in standard_rubric.dimensions.items()}
    assert weights["vigilance"] >= max(w for d, w in weights.items() if d != "vigilance")


def test_where_danger_is_present_handling_it_counts_as_much_as_comforting(standard):
    at = turn("empathy", "safety_first")
    comfort_only = score_reply("您先别着急，这事搁谁都着急。", standard, at)
    safety_only = score_reply("您的安全最要紧，千万别做傻事。", standard, at)
    assert comfort_only.result("empathy").fired and safety_only.result("safety_first").fired
    assert safety_only.total >= comfort_only.total


# ---------------------------------------------------------------- a session

def test_turns_not_reached_count_zero_and_the_ending_weighs_a_quarter():
    full = session_score([80, 80, 80, 80], full_length=4, ending_kind="referred")
    assert (full.conduct, full.total) == (80, 85)  # 0.75 * 80 + 0.25 * 100
    early = session_score([80], full_length=4, ending_kind="dissatisfied")
    assert (early.conduct, early.total) == (20, 25)  # 0.75 * 80/4 + 0.25 * 40
    unfinished = session_score([80], full_length=4, ending_kind=None)
    assert unfinished.total == 15 and unfinished.ending_value == 0
    assert session_score([], full_length=4, ending_kind=None).total is None
    assert ENDING_VALUES["crisis"] < ENDING_VALUES["escalated"] < ENDING_VALUES["dissatisfied"] < ENDING_VALUES[
        "referred"]


def test_the_worked_example_in_the_rubric_guide():
    """docs/rubric.md, 一.6: the numbers there are these."""
    diligent = session_score([64, 58, 70, 61, 55, 66], full_length=6, ending_kind="referred")
    assert (diligent.conduct, diligent.total) == (62, 72)
    quitter = session_score([86], full_length=6, ending_kind="dissatisfied")
    assert (quitter.conduct, quitter.total) == (14, 21)


@pytest.mark.parametrize("scenario_id", IDS)
def test_full_length_is_the_shortest_way_to_a_good_ending(scenario_id):
    scenario, _ = content(scenario_id)
    length = full_length(scenario)
    good_paths = [t for t in scenario.tests if t.path and scenario.nodes[t.path[-1]].ending is not None
                  and scenario.nodes[t.path[-1]].ending.kind in GOOD_ENDINGS]
    assert good_paths, "every scenario has a tested way to a good ending"
    assert length <= min(len(t.path) - 1 for t in good_paths)


@pytest.mark.parametrize("scenario_id", IDS)
def test_one_good_turn_and_leaving_does_not_beat_a_full_decent_session(scenario_id):
    """The issue's case: leaving after one decent turn paid, because the session was the mean of the turns played."""
    scenario, rubric = content(scenario_id)
    scorer = compile_rubric(rubric)
    start = scenario.nodes[scenario.start]
    one_turn = Session.start(scenario, rubric, scorer=scorer).answer(start.model_answers[0])
    decent = Session.start(scenario, rubric, scorer=scorer)
    while not decent.finished and len(decent.history) < 30:
        decent = decent.answer(decent.current.model_answers[-1])
    assert decent.finished and decent.ending is not None and decent.ending.kind in GOOD_ENDINGS
    assert one_turn.total() is not None and decent.total() is not None
    assert one_turn.total() < decent.total()
