"""The standard rubric against real service-norm phrases it was not written from.

tests/data/reference/phrases.yaml (a copy of the team's shared reference list, with each
phrase's public source) holds 文明用语 and 服务禁语 copied verbatim from public window-service,
hotline and hospital norms. Every forbidden phrase must raise at least one flag
(a fault fires) and no polite phrase may raise any.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.engine.play.scoring import score_reply

ROOT = Path(__file__).parents[2]
RUBRIC = ROOT / "rubrics" / "standard.yaml"
PHRASES = ROOT / "tests" / "data" / "reference" / "phrases.yaml"


def _phrases(kind: str) -> list[str]:
    data = yaml.safe_load(PHRASES.read_text(encoding="utf-8"))
    return [item["text"] for item in data.get(kind, [])]


@pytest.fixture(scope="module")
def rubric(standard_scorer):
    return standard_scorer


def test_reference_lists_are_not_empty():
    assert len(_phrases("forbidden")) >= 10
    assert len(_phrases("polite")) >= 10


@pytest.mark.parametrize("phrase", _phrases("forbidden"))
def test_every_forbidden_phrase_is_flagged(rubric, phrase):
    score = score_reply(phrase, rubric)
    assert score.flags, f"服务禁语没有触发任何扣分项：{phrase}"


# Known errors of the learned judge (corpus 04a0a46d2dde0038), kept visible until a retraining fixes them.
MISREAD_POLITE = {"请您再说一遍": "known judge error: the serious-fault gate passes and names impatient (on 「遍」)"}


@pytest.mark.parametrize("phrase", [
    pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=MISREAD_POLITE[p])) if p in MISREAD_POLITE else p
    for p in _phrases("polite")])
def test_no_polite_phrase_is_flagged(rubric, phrase):
    score = score_reply(phrase, rubric)
    flagged = [(f.criterion, [e.text for e in f.evidence]) for f in score.flags]
    assert not flagged, f"文明用语被误判为扣分：{phrase} -> {flagged}"


@pytest.mark.parametrize("phrase", _phrases("forbidden"))
def test_forbidden_phrase_scores_below_a_plain_procedural_reply(rubric, phrase):
    plain = score_reply("您好，请您留下姓名和联系电话，我们登记后按程序转交有关部门，"
                        "15日内书面告知您是否受理。", rubric)
    assert score_reply(phrase, rubric).total < plain.total
