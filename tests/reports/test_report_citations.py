"""The cited article beside the feedback that relies on it: session, records, reports and the TUI's text.

wage_arrears' `route` node cites 第二十二条 (15 days to pass the matter on) and 第二十三条第三款
(15 days to answer) for time_limit; a reply that names the channel but no time limit misses
time_limit there, and the debrief shows those articles' words beside that miss.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator.engine.check.ready import load_scenario_and_rubric
from simulator.engine.content.library import Library
from simulator.engine.play.session import Session
from simulator.reports.render import render_session_html, render_session_md
from simulator.store import Store
from simulator.store.codec import finding_from, finding_json
from simulator.store.records import record_from_session

ROOT = Path(__file__).resolve().parents[2]
ARTICLE_22 = "《信访工作条例》第二十二条"
WORDS_22 = "应当予以登记，并区分情况，在15日内分别按照下列方式处理"
NO_TIME_LIMIT = "周师傅，这属于拖欠农民工工资，归人社局劳动保障监察管，我们登记后转交过去。"


@pytest.fixture(scope="module")
def at_route():
    scenario, rubric, _ = load_scenario_and_rubric("wage_arrears", Library.at(ROOT / "scenarios", ROOT / "rubrics"))
    session = Session.start(scenario, rubric)
    while session.node != "route":
        session = session.answer(session.current.model_answers[0])
    return session.answer(NO_TIME_LIMIT)


def test_a_missed_criterion_carries_the_articles_its_node_cites(at_route):
    missed = {r.criterion: r for r in at_route.last.score.missed}
    assert "time_limit" in missed
    refs = [c.ref for c in missed["time_limit"].citations]
    assert refs[:2] == [ARTICLE_22, "《信访工作条例》第二十三条第三款"]
    assert missed["time_limit"].citations[0].quote == WORDS_22
    # only the criteria a fact names: the articles do not crowd every line of feedback
    assert all(not r.citations for r in at_route.last.score.results if r.criterion in ("empathy", "polite"))
    earlier = at_route.history[0].score.results  # the opening cites nothing
    assert all(not r.citations for r in earlier)


def test_records_keep_the_citations_and_older_records_still_load(tmp_path, at_route):
    with Store.open(tmp_path / "data") as store:
        session_id = store.begin("学员", at_route)
        store.finish(session_id, at_route)
        record = store.session(session_id)
    missed = {f.criterion: f for f in record.conversation[-1].missed}
    assert missed["time_limit"].citations[0] == (ARTICLE_22, WORDS_22)
    data = finding_json(missed["time_limit"])
    assert finding_from(data) == missed["time_limit"]
    del data["citations"]  # a record written before citations existed
    assert finding_from(data).citations == ()


def test_the_html_and_markdown_reports_show_the_article_beside_the_miss(at_route):
    html = render_session_html(at_route, "学员")
    last_turn = html[html.rindex("第 "):]
    miss = next(item for item in last_turn.split('<li class="')[1:] if "讲对法定时限" in item)
    assert miss.startswith("miss") and f"法条 · {ARTICLE_22}：「{WORDS_22}」" in miss.split("</li>")[0]
    markdown = render_session_md(record_from_session(at_route, trainee="学员"))
    line = next(text for text in markdown.splitlines() if "○ 讲对法定时限" in text)
    after = markdown[markdown.index(line):]
    assert f"法条：{ARTICLE_22}：「{WORDS_22}」" in after.split("\n- ")[0]


def test_the_turn_feedback_and_the_debrief_show_it_too(at_route):
    from simulator.ui.screens.debrief_view import weakest
    from simulator.ui.widgets.feedback import turn_feedback

    feedback = str(turn_feedback(at_route.last).plain)
    assert f"法条：{ARTICLE_22}" in feedback and f"「{WORDS_22}」" in feedback
    tally = next(t for t in weakest(at_route, limit=10) if t.criterion == "time_limit")
    assert tally.citations[0] == (ARTICLE_22, WORDS_22)
