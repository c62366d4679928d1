"""Issue 15.3: a reply is never swallowed. Typing reaches the reply box whatever holds the focus,
the panes scroll without taking the box's text, and a draft survives focus changes and refusals."""
from __future__ import annotations

from textual import events
from uikit import EMPATHY, open_scenario, send, settle, text_of

from simulator.ui.widgets.feedback import FeedbackPanel
from simulator.ui.widgets.reply_input import ReplyInput
from simulator.ui.widgets.transcript import Transcript

SHORT = (100, 24)  # the feedback after a reply is taller than its pane here


async def test_typing_after_tab_moves_the_focus_still_reaches_the_reply_and_enter_sends(make_app):
    app = make_app()
    async with app.run_test(size=SHORT) as pilot:
        await open_scenario(pilot, "ui_wages")
        play = app.screen
        reply = play.query_one(ReplyInput)
        reply.insert("老周，")  # a draft under way
        await pilot.press("tab")
        assert isinstance(app.focused, (Transcript, FeedbackPanel))  # Tab does leave the box...
        assert "正在翻看" in text_of(play.query_one("#status"))  # ...and the status line says where the focus is
        assert reply.text == "老周，"  # the draft survives the focus change
        await pilot.press("n", "i")
        assert app.focused is reply and reply.text == "老周，ni"  # typing goes back into the box, after the draft
        assert "正在翻看" not in text_of(play.query_one("#status"))
        reply.text = EMPATHY
        await pilot.press("tab", "enter")  # Enter with a pane focused sends the reply
        await settle(pilot)
        assert [r.reply for r in play.session.history] == [EMPATHY] and reply.text == ""


async def test_the_feedback_scrolls_by_keys_and_wheel_without_leaving_the_reply(make_app):
    app = make_app()
    async with app.run_test(size=SHORT) as pilot:
        await open_scenario(pilot, "ui_wages")
        await send(pilot, EMPATHY)
        play = app.screen
        panel = play.query_one(FeedbackPanel)
        reply = play.query_one(ReplyInput)
        reply.insert("下一句的草稿")
        assert panel.max_scroll_y > 0 and panel.scroll_y == 0
        await pilot.press("pagedown")
        assert panel.scroll_y > 0 and app.focused is reply and reply.text == "下一句的草稿"
        await pilot.press("pageup")
        assert panel.scroll_y == 0
        await pilot.press("ctrl+up")  # the conversation scrolls too, the box keeps its text and cursor
        assert app.focused is reply and reply.text == "下一句的草稿"
        await pilot._post_mouse_events([events.MouseScrollDown], widget=panel, offset=(4, 4))
        await pilot._post_mouse_events([events.MouseScrollDown], widget=panel, offset=(4, 4))
        assert panel.scroll_y > 0 and app.focused is reply and reply.text == "下一句的草稿"


async def test_a_reply_the_engine_refuses_goes_back_into_the_box(make_app):
    app = make_app()
    async with app.run_test(size=SHORT) as pilot:
        await open_scenario(pilot, "ui_wages")
        play = app.screen
        long_reply = "老周，我理解您的心情。" * 300  # over the 2,000-character limit
        await send(pilot, long_reply)
        assert play.session.history == ()
        assert play.query_one(ReplyInput).text == long_reply  # not lost: edit it and send again
        assert any("回复已放回输入框" in str(n.message) for n in app._notifications)


def burst(app, text: str) -> None:
    """Keys arriving in one read, as a browser or a paste-fast terminal sends them: all posted to the
    app before any is handled (Pilot's press waits between keys and would hide the race)."""
    for character in text:
        key = "enter" if character == "\r" else character
        app.post_message(events.Key(key, character))


async def test_a_reply_typed_and_sent_in_one_burst_is_sent_whole(make_app):
    app = make_app()
    async with app.run_test(size=SHORT) as pilot:
        await open_scenario(pilot, "ui_wages")
        play = app.screen
        reply = play.query_one(ReplyInput)
        assert app.focused is reply
        burst(app, EMPATHY + "\r")
        await settle(pilot)
        assert [r.reply for r in play.session.history] == [EMPATHY] and reply.text == ""


async def test_a_burst_typed_while_a_pane_has_the_focus_is_sent_whole_and_in_order(make_app):
    app = make_app()
    async with app.run_test(size=SHORT) as pilot:
        await open_scenario(pilot, "ui_wages")
        play = app.screen
        play.query_one(FeedbackPanel).focus()
        await pilot.pause()
        burst(app, EMPATHY + "\r")
        await settle(pilot)
        assert [r.reply for r in play.session.history] == [EMPATHY]
        assert play.query_one(ReplyInput).text == ""
