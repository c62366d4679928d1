"""Pilot tests for every flow: pick, reply, feedback, hint, rewind, finish, debrief."""
from __future__ import annotations

import threading

from uikit import DEADLINE, EMPATHY, SIZE, VERIFY, loaded, open_scenario, send, settle, text_of

from simulator.engine.play.session import Session
from simulator.ui.screens.debrief import DebriefScreen
from simulator.ui.screens.dialogs import RewindDialog
from simulator.ui.screens.home import HomeScreen
from simulator.ui.screens.play import PlayScreen
from simulator.ui.widgets.feedback import FeedbackPanel
from simulator.ui.widgets.meters import Meter
from simulator.ui.widgets.reply_input import ReplyInput
from simulator.ui.widgets.transcript import Transcript


async def test_home_lists_the_library_by_category(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        prompts = [str(o.prompt) for o in app.home.query_one("#scenarios").options]
        assert prompts[0] == "[显示测试]（1）"
        assert any("讨薪的老周" in p and "★★☆" in p and "未练习" in p for p in prompts)
        assert "劳动保障（1）" in prompts and "邻里纠纷（1）" in prompts


async def test_practice_reply_shows_feedback_with_evidence_and_moves_meters(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        play = app.screen
        assert isinstance(play, PlayScreen) and play.mode == "practice"
        assert "一分钱没拿到" in text_of(play.query_one(Transcript))
        await send(pilot, EMPATHY)
        result = play.query_one(FeedbackPanel).result
        assert result is not None and result.reply == EMPATHY
        card = play.query_one("#turn-card").visual
        assert "第 1 轮得分" in card.plain and "「别着急」" in card.plain and "篇一·站在低位倾听的心态" in card.plain
        # The evidence is styled inside the reply as typed, at the engine's offsets.
        start = card.plain.index(EMPATHY)
        hit = next(r for r in result.score.hits if r.criterion == "empathy").evidence[0]
        styled = [s for s in card.spans if s.start <= start + hit.start and s.end >= start + hit.end]
        assert any("underline" in str(s.style) for s in styled)
        anger = play.query_one("#meter-anger", Meter)
        assert anger.reading.value == 60 and anger.reading.delta == -10
        assert "共情：愤怒 -10" in anger.reading.reasons
        assert "老周" in text_of(play.query_one(Transcript)) and EMPATHY in text_of(play.query_one(Transcript))


async def test_scoring_runs_in_a_worker_thread(make_app, monkeypatch):
    threads = []
    original = Session.answer

    def spy(self, reply, choice=None):
        threads.append(threading.current_thread())
        return original(self, reply, choice)

    monkeypatch.setattr(Session, "answer", spy)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        await send(pilot, EMPATHY)
    assert threads and all(t is not threading.main_thread() for t in threads)


async def test_hint_shows_what_the_turn_expects_and_is_recorded(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        await pilot.press("ctrl+t")
        await settle(pilot)
        play = app.screen
        hint = play.query_one("#hint-card").visual.plain
        assert "先回应他的情绪，请他坐下慢慢说。" in hint  # node.hint
        assert "来访人情绪激动" in hint  # node.cue
        # the criterion's label, and as its example the node's own model answer, not the rubric's generic sentence
        assert "共情" in hint and play.session.current.model_answers[0] in hint
        assert "您先别着急，这事搁谁身上都窝火。" not in hint
        assert play.session.hint_pending
        await send(pilot, EMPATHY)
        assert play.session.last.hint_used
        assert "用了提示" in text_of(play.query_one(Transcript))


async def test_rewind_and_reply_differently_shows_old_and_new_scores(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        play = app.screen
        await send(pilot, "请您把材料拿出来，我看看。")
        first_total = play.session.last.score.total
        await send(pilot, "您跑了三趟，辛苦了，请您慢慢说。")
        assert play.session.turn == 3
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, RewindDialog)
        await pilot.press("up", "enter")  # from the last turn up to turn 1
        await settle(pilot)
        assert app.screen is play and play.session.turn == 1 and not play.session.history
        await send(pilot, EMPATHY)
        compare = play.query_one("#compare-card").visual.plain
        assert "第 1 轮：上次与这次" in compare
        assert "请您把材料拿出来，我看看。" in compare and EMPATHY in compare
        assert str(first_total) in compare and str(play.session.last.score.total) in compare


async def test_whole_practice_session_to_the_debrief(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        for reply in (EMPATHY, VERIFY, DEADLINE):
            await send(pilot, reply)
        play = app.screen
        assert play.session.finished and play.session.ending.kind == "resolved"
        assert "结局：登记受理（问题化解）" in text_of(play.query_one(Transcript))
        assert play.query_one(ReplyInput).has_class("-hidden")
        await pilot.press("enter")  # the focused 查看总结 button
        await settle(pilot)
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        ending = debrief.query_one("#ending").visual.plain
        assert "登记受理" in ending and "问题化解" in ending and "按时限答复" in ending
        shown = text_of(debrief)
        assert "示范回答" in shown and "请您留个电话，我们会在15日内告诉您是否受理。" in shown
        assert "✓共情×1：「别着急」、「不容易」" in debrief.query_one("#strong").visual.plain
        assert "第 1 轮  共情：愤怒 -10" in debrief.query_one("#moves").visual.plain
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.home.best["ui_wages"] == play.session.total()


async def test_exam_mode_gives_no_feedback_hints_or_rewind_until_the_end(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages", mode="exam")
        play = app.screen
        assert play.mode == "exam" and not play.query(FeedbackPanel)
        await send(pilot, "请您把材料拿出来，我看看。")
        await pilot.press("ctrl+t", "ctrl+r")
        await settle(pilot)
        assert app.screen is play and not play.session.hint_pending and len(play.session.history) == 1
        transcript = text_of(play.query_one(Transcript))
        assert "分" not in transcript.replace("一分钱", "")  # no scores while the exam runs
        assert not play.query_one("#meter-anger", Meter).show_reasons
        for reply in (EMPATHY, VERIFY, DEADLINE):
            if not play.session.finished:
                await send(pilot, reply)
        assert play.session.finished
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen) and "考试模式" in text_of(app.screen)


async def test_beginner_mode_shuffles_the_options_and_number_keys_choose(make_app):
    """Issue 15.1: authors list the best option first; the screen must not, and the digits choose."""
    app = make_app(seeds=lambda: 0)  # seed 0 shows the opening's options as authored 2nd, 3rd, 1st
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages", mode="choice")
        play = app.screen
        choices = play.query_one("#choices")
        assert not choices.has_class("-hidden") and play.query_one(ReplyInput).has_class("-hidden")
        shown = [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]
        assert shown == ["1. 请您把材料拿出来，我看看。", "2. 急什么，这不归我们管。",
                         "3. 老周，您先别着急，请坐下慢慢说，这一年确实不容易。"]
        assert "按数字键 1–3 选择" in str(choices.border_title)  # the screen says how
        await pilot.press("1")
        await settle(pilot)
        assert play.session.last.reply == "请您把材料拿出来，我看看。" and play.session.last.choice == 1
        assert "礼貌，但跳过了情绪" in play.query_one("#turn-card").visual.plain  # the option's note
        await pilot.press("ctrl+r", "enter")  # beginners may go back too
        await settle(pilot)
        assert play.session.turn == 1
        await pilot.press("9")  # no ninth option: nothing happens
        await settle(pilot)
        assert play.session.turn == 1
        while not play.session.finished:
            place = next(n for n, (_, option) in enumerate(play.session.shown_options(), 1) if option.best)
            await pilot.press(str(place))
            await settle(pilot)
        assert [r.choice for r in play.session.history] == [0, 0, 0]
        assert play.session.ending.kind == "resolved" and play.session.seed == 0
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)


async def test_each_beginner_session_gets_its_own_order(make_app):
    seeds = iter(range(100))
    app = make_app(seeds=lambda: next(seeds))
    async with app.run_test(size=SIZE) as pilot:
        firsts = set()
        for _ in range(6):
            await open_scenario(pilot, "ui_wages", mode="choice")
            choices = app.screen.query_one("#choices")
            firsts.add(str(choices.get_option_at_index(0).prompt))
            await pilot.press("escape")
            await settle(pilot)
        assert len(firsts) == 3  # the best option is not always the first one shown


async def test_ctrl_j_starts_a_new_line_and_enter_sends(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        reply = app.screen.query_one(ReplyInput)
        reply.insert("您先别着急，")
        await pilot.press("ctrl+j")
        reply.insert("请坐。")
        assert reply.text == "您先别着急，\n请坐。"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.session.last.reply == "您先别着急，\n请坐。"
        assert reply.text == ""


async def test_a_reply_too_long_is_refused_without_losing_the_session(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        await send(pilot, "好" * 2001)
        play = app.screen
        assert not play.session.history and not play.busy
        assert any("回复过长" in str(n.message) for n in app._notifications)


async def test_play_opens_directly_in_the_given_mode(make_app):
    app = make_app(play=loaded("ui_noise"), mode="exam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen) and app.screen.mode == "exam"
        assert "楼上天天电钻" in text_of(app.screen.query_one(Transcript))


async def test_rewinding_after_the_ending_reopens_the_conversation(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        for reply in (EMPATHY, VERIFY, "您回去等通知吧。"):
            await send(pilot, reply)
        play = app.screen
        assert play.session.ending.kind == "referred"
        await pilot.press("ctrl+r", "enter")  # the dialog starts on the last turn
        await settle(pilot)
        assert not play.session.finished and not play.query_one(ReplyInput).has_class("-hidden")
        await send(pilot, DEADLINE)
        assert play.session.ending.kind == "resolved"
        assert "您回去等通知吧。" in play.query_one("#compare-card").visual.plain


async def test_an_injected_rubric_scores_every_scenario(make_app):
    from uikit import UI_DATA

    from simulator.engine.content.library import require
    from simulator.engine.content.loader import load_file

    other = require(load_file(UI_DATA.parent / "engine" / "rubric.yaml", "rubric"))
    app = make_app(rubric=other)
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        assert app.screen.session.rubric.id == "mini"
        await send(pilot, EMPATHY)
        assert {r.criterion for r in app.screen.session.last.score.results} == {"empathy", "verify", "polite",
                                                                               "dismissive"}


async def test_the_transcript_follows_the_newest_line(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_scenario(pilot, "ui_wages")
        for reply in ("请您把材料拿出来，我看看。" * 3, "您跑了三趟，辛苦了，请您慢慢说。" * 2, VERIFY):
            await send(pilot, reply)
        transcript = app.screen.query_one(Transcript)
        assert transcript.max_scroll_y > 0 and transcript.scroll_y == transcript.max_scroll_y
