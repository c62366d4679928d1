"""`simulator score` with `scenario` and `node`: a reply is scored exactly as `simulator play` scores
it at that node, and a line naming an unknown scenario or node gets an error object of its own."""
from __future__ import annotations

import io
import json
from pathlib import Path

from simulator.commands.score_output import score_stream
from simulator.engine.check.ready import load_rubric, load_scenario_and_rubric
from simulator.engine.content.library import Library
from simulator.engine.play.session import Session

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = Library.at(ROOT / "scenarios", ROOT / "rubrics")
STANDARD = load_rubric(ROOT / "rubrics" / "standard.yaml")


def scored(lines: list[dict]) -> tuple[int, list[dict]]:
    out = io.StringIO()
    stdin = io.StringIO("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n")
    code = score_stream(STANDARD, [], stdin, out, LIBRARY)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_reply_at_a_node_scores_as_play_scores_it_there():
    scenario, rubric, _ = load_scenario_and_rubric("wage_arrears", LIBRARY)
    session = Session.start(scenario, rubric)
    replies = ["师傅，您先坐。八个月的工钱没拿到，换谁都窝火，您慢慢说。", "行了行了，知道了，下一个。"]
    code, out = scored([{"reply": r, "scenario": "wage_arrears", "node": scenario.start, "id": n}
                        for n, r in enumerate(replies)])
    assert code == 0
    for reply, line in zip(replies, out):
        played = session.answer(reply).last
        assert played is not None
        assert line["total"] == played.score.total
        assert line["dimensions"] == {d.dimension: d.score for d in played.score.dimensions}
        assert {h["criterion"] for h in line["hits"]} == {r.criterion for r in played.score.hits}
        assert {f["criterion"] for f in line["flags"]} == {r.criterion for r in played.score.flags}


def test_the_node_changes_what_is_expected():
    reply = "请问您在哪个工地干的活？包工头叫什么？"
    code, (alone, at_node) = scored([{"reply": reply}, {"reply": reply, "scenario": "wage_arrears", "node": "facts"}])
    assert code == 0
    # without a node every default credit is expected; at the facts node only what it asks for
    assert alone["total"] != at_node["total"]


def test_unknown_scenario_or_node_is_an_error_line_and_the_stream_goes_on():
    code, out = scored([
        {"reply": "您好", "scenario": "no_such_scenario", "node": "opening", "id": "a"},
        {"reply": "您好", "scenario": "wage_arrears", "node": "no_such_node", "id": "b"},
        {"reply": "您好", "scenario": "wage_arrears", "id": "c"},
        {"reply": "您好", "id": "d"},
    ])
    assert code == 1
    assert [line["id"] for line in out] == ["a", "b", "c", "d"]
    assert "未知的场景" in out[0]["error"] and out[0]["line"] == 1
    assert "no_such_node" in out[1]["error"]
    assert "scenario 与 node" in out[2]["error"]
    assert "total" in out[3] and "error" not in out[3]


def test_every_span_says_which_layer_decided():
    code, (line,) = scored([{"reply": "这事不归我们管，你去找征收办。", "scenario": "demolition_compensation",
                             "node": "opening"}])
    assert code == 0
    assert line["flags"] and all(span["by"] in ("rubric", "learned", "both") for span in line["flags"] + line["hits"])
