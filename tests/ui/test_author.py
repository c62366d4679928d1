"""The author's preview panel (F2) and the debrief's report export (e)."""
from __future__ import annotations

import html as htmllib
import re
from datetime import datetime
from pathlib import Path

import pytest
from uikit import DEADLINE, EMPATHY, SIZE, VERIFY, loaded, open_scenario, send, settle, text_of

from simulator.engine.play.session import Session
from simulator.ui.plain import Plain
from simulator.ui.screens.debrief import DebriefScreen
from simulator.ui.screens.play import PlayScreen
from simulator.ui.widgets.author_tools import AuthorTools
from simulator.ui.widgets.preview_view import evaluate, preview_of, taken_branches


def seen_in_html(path: Path) -> str:
    """The text a browser shows: tags dropped, entities decoded (evidence is wrapped in spans)."""
    return htmllib.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


def seen_in_markdown(path: Path) -> str:
    """The text a Markdown viewer shows: emphasis markers dropped, backslash escapes undone."""
    return re.sub(r"\\(.)", r"\1", path.read_text(encoding="utf-8").replace("**", "").replace("~~", ""))


def preview_text(app) -> str:
    return text_of(app.screen.query_one(AuthorTools))


async def test_preview_is_off_by_default_and_f2_shows_node_state_criteria_and_branches(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        play = app.screen
        panel = play.query_one(AuthorTools)
        assert not panel.shown and not panel.display
        await pilot.press("f2")
        await settle(pilot)
        assert panel.shown and panel.display and panel.region.height > 0
        shown = preview_text(app)
        assert "节点 opening（第 1 轮）" in shown
        assert "状态 愤怒 70 · 信任 20 · 升级风险 40 · 已倾听 否" in shown
        assert "• empathy（共情）" in shown and "• polite（礼貌）" in shown
        assert "passed()、failed()、score()、total 未知" in shown  # said before any answer
        assert "✗ anger >= 90 → end_escalated  不成立" in shown
        assert "✗ heard → facts  不成立" in shown and "本轮回答可能改变：已倾听" in shown
        assert "· 否则 → calm_down" in shown and "走向取决于本轮回答" in shown

        await send(pilot, EMPATHY)
        shown = preview_text(app)
        assert "节点 facts（第 2 轮）" in shown and "已倾听 是" in shown
        assert "• verify（核实）" in shown and "• restate（复述确认）" in shown
        assert "? passed('verify') → next_step  取决于本轮回答" in shown
        # The answered turn, judged on its own scores and state: the branch it took is marked.
        assert "上一轮（第 1 轮） opening → facts" in shown
        assert "✓ heard → facts  成立 ←实际走向" in shown

        await pilot.press("f2")
        await settle(pilot)
        assert not panel.shown and not panel.display


async def test_preview_names_the_branch_a_settled_condition_takes(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        await pilot.press("f2")
        for reply in (EMPATHY, VERIFY):
            await send(pilot, reply)
        # next_step: `passed('next_step')` is unknown, the last branch is the fallback.
        assert "? passed('next_step') → end_resolved  取决于本轮回答" in preview_text(app)
        await send(pilot, DEADLINE)
        shown = preview_text(app)
        assert "节点 end_resolved（结局：登记受理（问题化解））" in shown and "本轮评分项" not in shown
        assert "✓ passed('next_step') → end_resolved  成立 ←实际走向" in shown


async def test_preview_is_not_offered_in_exam_mode(make_app):
    app = make_app(preview=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages", mode="exam")
        play = app.screen
        await pilot.press("f2")
        await settle(pilot)
        assert not play.query_one(AuthorTools).shown and not play.query_one(AuthorTools).display


async def test_preview_choice_is_remembered_for_the_next_play_screen(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        await pilot.press("f2", "escape")
        await settle(pilot)
        await open_scenario(pilot, "ui_noise")
        assert isinstance(app.screen, PlayScreen) and app.screen.query_one(AuthorTools).shown


def test_conditions_with_unknown_criteria_are_settled_when_the_state_decides():
    base = {"anger": 95, "score": lambda d: None, "total": None, "turn": 1, "persona": {}}
    assert evaluate("anger >= 90 or passed('x')", base)[0] == "holds"
    assert evaluate("passed('x') and anger > 100", base)[0] == "fails"
    assert evaluate("passed('x') or failed('x')", base)[0] == "holds"  # every outcome agrees
    assert evaluate("passed('x') and anger > 10", base)[0] == "depends"
    assert evaluate("anger >=", base)[0] == "error"
    assert evaluate("total >= 60", {**base, "total": 70})[0] == "holds"


@pytest.mark.parametrize("replies", [
    [EMPATHY, VERIFY, DEADLINE],
    ["请您把材料拿出来，我看看。", "你问我我问谁。"],
    ["请您把材料拿出来，我看看。", "您跑了三趟，辛苦了，请您慢慢说。", "肯定是包工头骗你。"],
    ["急什么，这不归我们管。"],
])
def test_the_branch_marked_taken_is_the_first_that_holds(replies):
    scenario, rubric = loaded("ui_wages")
    session = Session.start(scenario, rubric)
    for reply in replies:
        assert not session.finished
        session = session.answer(reply)
        views = taken_branches(session, session.last)
        first = next(v for v in views if v.verdict in ("holds", "else"))
        assert first.chosen and first.goto == session.last.next_node
        assert sum(v.chosen for v in views) == 1 and not any(v.verdict in ("depends", "error") for v in views)
    assert preview_of(session).node == session.node


LITERAL = "[b]好的[/b]，<i>我们</i> & 您 *记下* 了。"  # markup in three languages, shown as typed


async def finish_and_debrief(pilot) -> None:
    """A session finished by the engine, handed to the app the way the play screen asks for its debrief."""
    session = Session.start(*loaded("ui_wages"))
    for reply in (EMPATHY, VERIFY, LITERAL):
        session = session.answer(reply)
    assert session.finished
    await settle(pilot)
    pilot.app.post_message(PlayScreen.Ended(session))
    await settle(pilot)
    assert isinstance(pilot.app.screen, DebriefScreen)


async def test_export_writes_html_and_markdown_reports_into_the_reports_folder(make_app, tmp_path):
    folder = tmp_path / "data" / "[b]reports"  # markup-like text in the path must show literally
    app = make_app(reports_dir=folder, clock=lambda: datetime(2025, 3, 1, 9, 30, 0))
    async with app.run_test(size=SIZE) as pilot:
        await finish_and_debrief(pilot)
        await pilot.press("e")
        await settle(pilot)
        html, md = folder / "ui_wages-20250301-093000.html", folder / "ui_wages-20250301-093000.md"
        assert html.is_file() and md.is_file()
        for seen in (seen_in_html(html), seen_in_markdown(md)):
            assert EMPATHY in seen and VERIFY in seen and LITERAL in seen  # the replies, as typed
        assert "&lt;i&gt;我们&lt;/i&gt;" in html.read_text(encoding="utf-8")  # escaped, never markup
        note = next(n for n in app._notifications if n.title == "导出报告")
        assert isinstance(note.message, Plain)  # text, never read as markup
        assert str(html) in note.message.plain and str(md) in note.message.plain
        # A second export never overwrites the first.
        await pilot.press("e")
        await settle(pilot)
        assert (folder / "ui_wages-20250301-093000-2.html").is_file()
        assert EMPATHY in seen_in_html(html)


async def test_export_of_a_saved_session_carries_its_date_and_record_number(make_app, tmp_path):
    """Issue 15.5: the export wrote 「日期：—」 and 「记录 （未保存）」 for a session that was saved."""
    from uikit import seed

    from simulator.ui.records import MemoryRecords

    records = MemoryRecords(clock=lambda: datetime(2025, 3, 1, 9, 30, 0))
    session = seed(records, "ui_wages", [EMPATHY, VERIFY, LITERAL])
    [summary] = records.history("张三")
    app = make_app(records=records, reports_dir=tmp_path, clock=lambda: datetime(2025, 3, 2, 8, 0, 0))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(PlayScreen.Ended(session, summary.id))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
    md = (tmp_path / "ui_wages-20250302-080000.md").read_text(encoding="utf-8")
    assert "- 日期：2025-03-01 09:30" in md and f"- 记录：1（{summary.uuid[:8]}）" in md
    assert "未保存" not in md and "—" not in md.split("## 结局")[0]
    assert f"记录 1（{summary.uuid[:8]}）" in seen_in_html(tmp_path / "ui_wages-20250302-080000.html")


async def test_export_without_a_data_directory_writes_to_the_current_directory(make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(clock=lambda: datetime(2025, 3, 1, 9, 30, 0))
    async with app.run_test(size=SIZE) as pilot:
        await finish_and_debrief(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["ui_wages-20250301-093000.html",
                                                               "ui_wages-20250301-093000.md"]


async def test_export_falls_back_to_the_current_directory_when_the_folder_cannot_be_written(
        make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    app = make_app(reports_dir=blocked / "reports", clock=lambda: datetime(2025, 3, 1, 9, 30, 0))
    async with app.run_test(size=SIZE) as pilot:
        await finish_and_debrief(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert (tmp_path / "ui_wages-20250301-093000.md").is_file()
        note = next(n for n in app._notifications if n.title == "导出报告")
        assert note.severity == "warning" and "已改存到当前目录" in note.message.plain
