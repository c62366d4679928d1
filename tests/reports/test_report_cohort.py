"""The cohort report's figures, checked against sessions played here, and its two renderings."""
from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest

from simulator.engine.check.ready import load_scenario_and_rubric
from simulator.engine.content.library import Library
from simulator.engine.play.session import Session
from simulator.reports.cohort import cohort
from simulator.reports.render import render_cohort_csv, render_cohort_html

DATA = Path(__file__).resolve().parent.parent / "data"
CALM, VERIFY = "您先别着急，请坐下慢慢说。", "请您放心，我们会核实情况。"


@pytest.fixture
def played(tmp_path, engine_content, places):
    """Four sessions: two trainees on the engine scenario, one left open on the loop scenario (on both backends)."""
    loop = load_scenario_and_rubric(str(DATA / "store" / "loop.yaml"), Library.at(DATA, DATA))[:2]
    plays = [
        ("小王", engine_content, [CALM, VERIFY]),
        ("小李", engine_content, ["这不归我们管"]),
        ("小李", engine_content, ["你好", "您别着急", VERIFY]),
        ("=HYPERLINK(\"x\")", loop, ["您别着急"]),
    ]
    sessions = []
    with places.open(tmp_path / "data") as store:
        for trainee, (scenario, rubric), replies in plays:
            session = Session.start(scenario, rubric)
            session_id = store.begin(trainee, session)
            for reply in replies:
                session = session.answer(reply)
                store.record_turn(session_id, session)
            sessions.append((trainee, session))
        yield store.sessions(), sessions


def test_averages_per_trainee_and_scenario(played):
    records, sessions = played
    report = cohort(records)
    assert report.sessions == 4 and report.trainee_count == 3
    dims = [d for d, _ in report.dimension_labels]
    assert dims == ["listening", "impartiality", "communication"]
    li = next(row for row in report.trainees if row.name == "小李")
    li_sessions = [s for name, s in sessions if name == "小李"]
    for dim, score in zip(dims, li.scores):
        seen = [s.dimension_scores()[dim] for s in li_sessions if s.dimension_scores()[dim] is not None]
        assert score == (sum(seen) / len(seen) if seen else None)
    assert li.total == sum(s.total() for s in li_sessions) / 2
    assert (li.sessions, li.finished) == (2, 2)
    demo = next(row for row in report.scenarios if row.scenario_id == "engine_demo")
    assert (demo.sessions, demo.finished) == (3, 3)


def test_weakest_criteria_across_the_group(played):
    report = cohort(played[0])
    weakest = [(w.criterion, w.label, w.kind, w.failures, w.opportunities) for w in report.weakest]
    # empathy expected at 5 turns, missed at 2; polite expected at 6, missed at 2;
    # the fault "dismissive" could fire at all 7 turns and fired once; verify was never missed.
    assert weakest == [
        ("empathy", "共情", "credit", 2, 5),
        ("polite", "礼貌", "credit", 2, 6),
        ("dismissive", "推诿", "fault", 1, 7),
    ]
    assert report.weakest[0].source_ref == "篇一·站在低位倾听的心态"


def test_endings_and_branches_taken(played):
    report = cohort(played[0])
    endings = {e.scenario_id: e.counts for e in report.endings}
    assert endings["engine_demo"] == (("resolved", "问题化解", 2), ("escalated", "矛盾升级：越级访、集体访", 1))
    assert endings["store_loop"] == (("active", "未完成", 1),)
    steps = {b.scenario_id: [(s.node, s.next_node, s.count, round(s.share, 2)) for s in b.steps]
             for b in report.branches}
    assert steps["engine_demo"] == [  # in the order the dialogue reaches them
        ("opening", "end_escalated", 1, 0.33), ("opening", "facts", 1, 0.33), ("opening", "opening_again", 1, 0.33),
        ("facts", "end_resolved", 2, 1.0),
        ("opening_again", "facts", 1, 1.0),
    ]
    assert steps["store_loop"] == [("talk", "talk", 1, 1.0)]
    # In words, for the report: the petitioner's line at the node, and where the dialogue went.
    words = {(s.node, s.next_node): (s.said, s.went) for b in report.branches for s in b.steps}
    assert words[("facts", "end_resolved")] == ("「老板说没钱，我们怎么办？」", "结局：登记受理")
    assert words[("opening", "opening_again")][1] == "「你们到底管不管？」"
    assert words[("opening", "facts")][0].startswith("「我老周干了一年，一分钱没拿到")


def test_csv_is_one_fact_per_row_and_defuses_formulas(played):
    rows = list(csv.reader(io.StringIO(render_cohort_csv(played[0]))))
    assert rows[0] == ["类别", "学员", "场景", "项目", "名称", "次数", "数值"]
    assert ["薄弱评分项", "", "", "empathy", "共情", "2", "0.40"] in rows
    assert ["结局分布", "", "engine_demo", "resolved", "问题化解", "2", ""] in rows
    assert ["分支走向", "", "engine_demo", "facts->end_resolved", "「老板说没钱，我们怎么办？」 → 结局：登记受理",
            "2", "1.00"] in rows
    names = {row[1] for row in rows[1:] if row[1]}
    assert names == {"小王", "小李", "'=HYPERLINK(\"x\")"}


def test_cohort_html_escapes_names_and_names_every_section(played):
    html = render_cohort_html(played[0], "学员：<b>全部</b>")

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.found.append(tag)

    parser = Tags()
    parser.feed(html)
    assert "script" not in parser.found and "b" not in parser.found
    for heading in ("学员各维度平均分", "各场景平均分", "全体最薄弱的评分项", "结局分布", "学员实际走过的分支"):
        assert heading in html
    assert "=HYPERLINK(&#34;x&#34;)" in html and "&lt;b&gt;全部&lt;/b&gt;" in html


def test_an_empty_cohort_renders():
    assert "没有符合条件的演练记录" in render_cohort_html([])
    assert render_cohort_csv([]).splitlines() == ["类别,学员,场景,项目,名称,次数,数值"]
