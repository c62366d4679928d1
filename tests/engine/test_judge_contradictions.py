"""The four verdicts trainers disputed (issue 12), scored as a trainer would score them, each at the
scenario node where it would be said, as `simulator play` scores it there."""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator.engine.check.ready import load_scenario_and_rubric
from simulator.engine.content.library import Library
from simulator.engine.play.scoring import TurnScore, compile_rubric, score_reply
from simulator.engine.play.session import scene

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = Library.at(ROOT / "scenarios", ROOT / "rubrics")


def at(scenario_id: str, node: str, reply: str) -> TurnScore:
    scenario, rubric, _ = load_scenario_and_rubric(scenario_id, LIBRARY)
    turn, said = scene(scenario, node)
    return score_reply(reply, compile_rubric(rubric), turn, said)


def fired(score: TurnScore) -> set[str]:
    return {r.criterion for r in score.results if r.fired}


def test_pointing_elsewhere_without_help_is_a_brush_off_not_an_explained_route():
    score = at("demolition_compensation", "opening", "这事不归我们管，你去找征收办")
    assert "dismissive" in fired(score)
    assert "explain_route" not in fired(score)
    assert score.total <= 30  # a capped fault


def test_thanking_someone_for_telling_the_truth_is_not_explaining_honestly():
    score = at("unreasonable_demand", "story", "谢谢您跟我说实话")
    assert "explain_honestly" not in fired(score)


@pytest.mark.parametrize("reply", ["上诉期只剩四天",
                                   "上诉期只剩四天，得抓紧，明天就去法院递上诉状，我帮您联系法律援助。"])
def test_the_days_left_of_the_appeal_period_are_not_a_wrong_time_limit(reply):
    score = at("lost_court_case", "follow_up", reply)
    assert "wrong_time_limit" not in fired(score)
    assert not score.flags


def test_a_deposit_paid_out_after_the_labour_inspectors_check_is_not_an_overpromise():
    score = at("wage_arrears", "route", "监察大队核实后可以动用保证金先垫付")
    assert "overpromise" not in fired(score)
    assert not score.flags


def test_no_words_are_credited_and_faulted_in_any_of_them():
    for scenario_id, node, reply in [("demolition_compensation", "opening", "这事不归我们管，你去找征收办"),
                                     ("lost_court_case", "follow_up", "上诉期只剩四天"),
                                     ("wage_arrears", "route", "监察大队核实后可以动用保证金先垫付")]:
        score = at(scenario_id, node, reply)
        credited = [e for r in score.hits for e in r.evidence]
        faulted = [e for r in score.flags for e in r.evidence]
        assert not [(c, f) for c in credited for f in faulted if c.start < f.end and f.start < c.end]


def test_the_learned_layer_alone_does_not_call_the_deposit_an_overpromise():
    from simulator.train.report import every_rule_learned

    scenario, rubric, _ = load_scenario_and_rubric("wage_arrears", LIBRARY)
    assert rubric.learned is not None
    layer = rubric.learned.model_copy(update={"rules": {"overpromise": "learned"}})
    everywhere = rubric.model_copy(update={"learned": layer})
    turn, said = scene(scenario, "route")
    compiled = compile_rubric(every_rule_learned(everywhere))
    score = score_reply("监察大队核实后可以动用保证金先垫付", compiled, turn, said)
    assert "overpromise" not in fired(score)


# Known errors of the learned judge (corpus 04a0a46d2dde0038), kept visible until a retraining fixes them:
# the serious-fault gate, once passed, always names its most probable capped fault, even a weak one.
@pytest.mark.xfail(strict=True, reason="known judge error: the gate passes on this curt reply and names "
                   "overpromise; the model gives brush_off less than its veto, so the rubric's hit is dropped")
def test_let_us_study_it_is_a_brush_off_and_nothing_worse():
    score = at("wage_arrears", "route", "这个我们研究研究。")
    assert fired(score) >= {"brush_off"} and not score.serious
