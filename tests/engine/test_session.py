"""The session: how the petitioner reacts, why, and how rewinds and resumes behave."""
import json
from pathlib import Path

import pytest

from simulator.engine.play.session import ScenarioError, Session

CALM = "您先别着急，请坐下慢慢说。"
VERIFY = "请您放心，我们会核实情况。"


def test_start_renders_the_first_line_with_persona_and_state(engine_content):
    session = Session.start(*engine_content)
    assert session.prompt == "我老周干了一年，一分钱没拿到！（愤怒 70）"
    assert session.turn == 1 and not session.finished


def test_every_state_change_names_its_cause(engine_content):
    session = Session.start(*engine_content).answer(CALM)
    changes = {(c.variable, c.cause): c for c in session.last.changes}
    assert changes[("anger", "empathy")].delta == -10
    assert changes[("anger", "empathy")].reason == "共情：愤怒 -10"
    assert changes[("heard", "scenario")].after is True
    assert changes[("heard", "scenario")].reason == "感到被理解：已倾听 → 是"
    assert session.node == "facts"


def test_dismissal_inflames_and_escalates(engine_content):
    session = Session.start(*engine_content).answer("这不归我们管，你找别的部门去")
    assert session.values["anger"] == 90
    assert session.finished and session.ending.kind == "escalated"
    assert session.last.score.flags[0].criterion == "dismissive"


def test_values_are_clamped_to_their_declared_range(engine_content):
    scenario, rubric = engine_content
    hot = scenario.state["anger"].model_copy(update={"initial": 95})
    scenario = scenario.model_copy(update={"state": {**scenario.state, "anger": hot}})
    session = Session.start(scenario, rubric).answer("这不归我们管")
    change = next(c for c in session.last.changes if c.variable == "anger")
    assert (change.before, change.after, change.delta) == (95, 100, 5)
    assert session.values["anger"] == 100


def test_rewind_returns_the_session_as_it_was(engine_content):
    first = Session.start(*engine_content).answer(CALM)
    finished = first.answer(VERIFY)
    assert finished.finished
    assert finished.rewind(2) == first
    assert finished.rewind(1) == Session.start(*engine_content)
    with pytest.raises(ScenarioError):
        finished.rewind(3)


def test_choose_scores_the_option_text_with_the_same_scorer(engine_content):
    chosen = Session.start(*engine_content).choose(0)
    typed = Session.start(*engine_content).answer(chosen.last.reply)
    assert chosen.last.score == typed.last.score and chosen.last.choice == 0


def test_hint_is_recorded_on_the_turn_it_was_used(engine_content):
    session = Session.start(*engine_content).use_hint().answer(CALM).answer(VERIFY)
    assert [r.hint_used for r in session.history] == [True, False]


def test_serialises_to_json_and_loads_back_equal(engine_content):
    session = Session.start(*engine_content, mode="exam").use_hint().answer(CALM)
    data = json.loads(json.dumps(session.to_json(), ensure_ascii=False))
    assert Session.from_json(data, *engine_content) == session


def test_answering_after_the_end_is_refused(engine_content):
    session = Session.start(*engine_content).answer(CALM).answer(VERIFY)
    with pytest.raises(ScenarioError):
        session.answer("还有别的事吗")


def test_session_scores_average_the_turns_that_assessed_each_dimension(engine_content):
    session = Session.start(*engine_content).answer(CALM).answer(VERIFY)
    assert session.dimension_scores() == {"listening": 100, "impartiality": 100, "communication": 100}
    assert session.total() == 100


def test_options_are_shown_in_a_per_session_order_that_a_replay_keeps():
    """Issue 15.1: the bundled library lists the best option first in every option set."""
    from simulator.engine.check.ready import load_scenario_and_rubric
    from simulator.engine.content.library import Library
    from simulator.engine.play.session import option_order

    root = Path(__file__).resolve().parents[2]
    scenario, rubric, _ = load_scenario_and_rubric("minimum_allowance", Library((root / "scenarios",),
                                                                                (root / "rubrics",)))
    opening = scenario.nodes["opening"].options
    assert opening[0].best  # as authored: shown in this order, beginner mode would be "press 1"
    places = {next(n for n, (_, o) in enumerate(Session.start(scenario, rubric, "choice", seed=seed).shown_options())
                   if o.best) for seed in range(40)}
    assert places == {0, 1, 2, 3}  # over sessions, the best option turns up in every place
    for seed in (0, 7, 2**31 - 1):
        order = option_order(seed, "opening", len(opening))
        assert sorted(order) == list(range(len(opening))) and order == option_order(seed, "opening", len(opening))

    session = Session.start(scenario, rubric, "choice", seed=12345)
    shown = session.shown_options()
    session = session.choose(shown[1][0])
    assert session.last.choice == shown[1][0] and session.last.reply == shown[1][1].text
    restored = Session.from_json(json.loads(json.dumps(session.to_json())), scenario, rubric)
    assert restored == session and restored.seed == 12345
    assert restored.shown_options(restored.node) == session.shown_options(session.node)


def test_a_saved_seed_that_is_not_a_number_is_refused(engine_content):
    data = Session.start(*engine_content).to_json()
    with pytest.raises(ScenarioError):
        Session.from_json({**data, "seed": "x"}, *engine_content)
    assert Session.from_json({k: v for k, v in data.items() if k != "seed"}, *engine_content).seed == 0  # older records


def test_ending_labels_hold_no_brackets_of_their_own():
    """Issue 15.7: 「扬言十几户集体越级上访（矛盾升级（越级访、集体访））」 nested brackets."""
    from simulator.engine.content.model import ENDING_LABELS

    for kind, label in ENDING_LABELS.items():
        assert not set(label) & set("（）()【】「」"), kind
