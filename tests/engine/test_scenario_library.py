"""The bundled library: every scenario teaches what it claims, with the standard rubric.

For each scenario: the model answers, played in order, reach a good ending without a single
flag; a rude, dismissive trainee reaches a bad ending; every model answer scores at least 80
at its turn; and every option marked best outscores the other options at its turn.
"""
from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from simulator.engine.check.ready import load_scenario_and_rubric
from simulator.engine.content.library import Library, yaml_files
from simulator.engine.content.model import GOOD_ENDINGS
from simulator.engine.play.scoring import compile_rubric, score_reply
from simulator.engine.play.session import Session

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
RUBRICS = ROOT / "rubrics"
IDS = [path.stem for path in yaml_files([SCENARIOS])]
RUDE = [
    "这事不归我们管，你找别的部门去。",
    "急什么，没看我正忙着吗？",
    "你问我我问谁？",
    "少啰嗦，说完了就回去等着。",
    "要投诉你就去投诉，随便你。",
    "我不是说过了吗，你听不懂啊？",
    "行了行了，就这样吧。",
    "你这人真麻烦。",
]
# Each situation the issue names, as the words a category may use for it.
CATEGORIES = [("拆迁",), ("土地",), ("城建",), ("房地产", "物业"), ("就业",), ("收入分配",), ("环境保护",),
              ("社会保障",), ("涉法涉诉",), ("家庭", "邻里")]


@cache
def content(scenario_id: str):
    scenario, rubric, _ = load_scenario_and_rubric(scenario_id, Library.at(SCENARIOS, RUBRICS))
    return scenario, rubric


def model_path(scenario_id: str) -> Session:
    scenario, rubric = content(scenario_id)
    session = Session.start(scenario, rubric)
    while not session.finished and len(session.history) < 40:
        session = session.answer(session.current.model_answers[0])
    return session


@pytest.mark.parametrize("scenario_id", IDS)
def test_model_answers_reach_a_good_ending_without_flags(scenario_id):
    session = model_path(scenario_id)
    assert session.finished and session.ending.kind in GOOD_ENDINGS, session.node
    flagged = [(r.node, [f.criterion for f in r.score.flags]) for r in session.history if r.score.flags]
    assert not flagged
    assert len(session.history) >= 6, "the main path needs at least six trainee turns"


@pytest.mark.parametrize("scenario_id", IDS)
def test_a_rude_dismissive_trainee_reaches_a_bad_ending(scenario_id):
    scenario, rubric = content(scenario_id)
    session = Session.start(scenario, rubric)
    turn = 0
    while not session.finished and turn < 40:
        session = session.answer(RUDE[turn % len(RUDE)])
        turn += 1
    assert session.finished and session.ending.kind not in GOOD_ENDINGS, session.node


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_model_answer_scores_at_least_80_and_best_options_win(scenario_id):
    scenario, rubric = content(scenario_id)
    scorer = compile_rubric(rubric)
    for node_id, node in scenario.nodes.items():
        if node.ending is not None:
            continue
        for answer in node.model_answers:
            score = score_reply(answer, scorer, node)
            assert score.total >= 80, (node_id, score.total, [m.criterion for m in score.missed])
        if node.options:
            totals = [(score_reply(o.text, scorer, node).total, o.best) for o in node.options]
            best = max(total for total, is_best in totals if is_best)
            others = [total for total, is_best in totals if not is_best]
            assert all(best > total for total in others), (node_id, totals)


def test_the_library_covers_the_situations_a_desk_meets():
    done = subprocess.run([sys.executable, "-m", "simulator", "list", "--format", "json"], capture_output=True,
                          text=True, cwd=ROOT, check=True)
    listed = json.loads(done.stdout)
    assert len(listed) >= 16
    for entry in listed:
        assert len(set(entry["endings"])) >= 3, entry["id"]
    categories = " ".join(entry["category"] for entry in listed)
    missing = [words for words in CATEGORIES if not any(w in categories for w in words)]
    assert missing == []
    assert {"angry", "anxious", "talkative", "taciturn", "rambling", "deferential"} <= {
        content(i)[0].persona.temperament for i in IDS}
    assert {1, 2, 3} <= {content(i)[0].difficulty for i in IDS}


def test_the_catalogue_lists_every_scenario():
    catalogue = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert [i for i in IDS if f"`{i}`" not in catalogue] == []


def test_the_allowance_petitioner_does_not_ask_whom_to_see_right_after_being_told():
    """Issue 15.7: in round 6 she asked 「我该去找谁呀」 although round 4 had just named the 街道 and 民政局."""
    scenario, rubric, _ = load_scenario_and_rubric("minimum_allowance", Library((SCENARIOS,), (RUBRICS,)))
    session = Session.start(scenario, rubric)
    for node in ("opening", "facts", "explain", "details", "warning"):
        assert session.node == node
        session = session.answer(scenario.nodes[node].model_answers[0])
    told = " ".join(r.reply for r in session.history)
    assert "街道" in told and "民政局" in told
    assert session.node == "route"
    line = session.prompt
    assert "找谁" not in line and "去哪" not in line  # she follows what she was told...
    assert "手续" in line  # ...and asks what comes next
