"""`simulator play SCENARIO --watch`: saved files reload, errors show in a panel, the app keeps going.

Each test copies the fixture scenario and its rubric into tmp_path and edits the copies while the
app runs. The watcher polls every POLL seconds; `until` drives time with `pilot.pause` until what
the test waits for shows (or fails after a generous deadline), so the tests are quick on a fast
machine and still pass on a slow one. Consecutive edits differ in size, so a save is noticed even
when the file system's clock does not tick between two writes.
"""
from __future__ import annotations

import re
from pathlib import Path

from uikit import EMPATHY, POLL, SIZE, VERIFY, edit, send, settle, text_of, until, watched_copy

from simulator.ui.plain import Plain
from simulator.ui.screens.play import PlayScreen
from simulator.ui.screens.waiting import WaitingScreen
from simulator.ui.watch import ContentWatcher, replay
from simulator.ui.widgets.author_tools import AuthorTools
from simulator.ui.widgets.diagnostics import DiagnosticsPanel
from simulator.ui.widgets.transcript import Transcript

FACTS = "包工头说老板没给他钱，老板说早给了，我们到底找谁？"
DIAGNOSTIC = re.compile(r"^\S*wages\.yaml:\d+:\d+: error\[SC\d{3}\] .+$", re.M)


def transcript(app) -> str:
    return text_of(app.screen.query_one(Transcript))


def problems(app) -> tuple[str, ...]:
    return app.screen.query_one(DiagnosticsPanel).problems


def watching(make_app, path: Path, **kwargs):
    return make_app(watch=ContentWatcher(path, [path.parent.parent / "rubrics"], interval=POLL), **kwargs)


async def test_saved_line_shows_an_invalid_save_shows_diagnostics_and_a_fix_recovers(make_app, tmp_path):
    path = watched_copy(tmp_path)
    app = watching(make_app, path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        play = app.screen
        assert isinstance(play, PlayScreen) and play.watched
        await send(pilot, EMPATHY)
        assert FACTS in transcript(app)

        edit(path, FACTS, "包工头说老板没给钱，老板说早就给了，我到底该找谁？")
        await until(pilot, lambda: "我到底该找谁" in transcript(app))
        assert app.screen is play and EMPATHY in transcript(app)  # the conversation carried over
        assert len(play.session.history) == 1 and play.session.node == "facts"
        assert not problems(app) and play.query_one(DiagnosticsPanel).has_class("-empty")

        edit(path, "    say: 包工头说", "    say：包工头说")  # a full-width colon after the key
        await until(pilot, lambda: bool(problems(app)))
        shown = text_of(play.query_one(DiagnosticsPanel))
        assert "error[SC001]" in shown and DIAGNOSTIC.search(shown)
        assert all(DIAGNOSTIC.match(line) for line in problems(app))
        panel = play.query_one(DiagnosticsPanel)
        assert not panel.has_class("-empty") and panel.region.height >= 3  # drawn, not just filled in
        # The last content that loaded stays in play, and the app keeps running.
        assert "我到底该找谁" in transcript(app) and len(play.session.history) == 1
        assert app.is_running and app.return_code is None and app.screen is play

        edit(path, "    say：包工头说老板没给钱，老板说早就给了，我到底该找谁？", f"    say: {FACTS[:-1]}呀？")
        await until(pilot, lambda: "找谁呀" in transcript(app))
        assert not problems(app) and play.query_one(DiagnosticsPanel).has_class("-empty")
        assert EMPATHY in transcript(app) and app.is_running


async def test_a_goto_to_a_missing_node_is_reported_with_its_place(make_app, tmp_path):
    path = watched_copy(tmp_path)
    app = watching(make_app, path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        edit(path, "      - goto: calm_down", "      - goto: calm_dow")
        await until(pilot, lambda: bool(problems(app)))
        found = [line for line in problems(app) if "error[SC101]" in line]
        line = path.read_text(encoding="utf-8").splitlines().index("      - goto: calm_dow") + 1
        assert found and re.match(rf"^\S*wages\.yaml:{line}:\d+: error\[SC101\] .*calm_dow", found[0])
        edit(path, "      - goto: calm_dow", "      - goto: calm_down")
        await until(pilot, lambda: not problems(app))
        assert isinstance(app.screen, PlayScreen) and "一分钱没拿到" in transcript(app)


async def test_replay_keeps_the_turns_that_still_fit_and_says_so(make_app, tmp_path):
    path = watched_copy(tmp_path)
    app = watching(make_app, path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        play = app.screen
        await send(pilot, EMPATHY)
        await send(pilot, VERIFY)
        assert [r.node for r in play.session.history] == ["opening", "facts"]
        # Now an understood petitioner still goes to calm_down: turn 2 was answered at facts.
        edit(path, "      - when: heard\n        goto: facts", "      - when: heard\n        goto: calm_down")
        await until(pilot, lambda: play.session.node == "calm_down")
        assert [r.reply for r in play.session.history] == [EMPATHY]
        assert "你们到底管不管" in transcript(app) and VERIFY not in transcript(app)
        note = next(n for n in app._notifications if n.title == "重新加载")
        assert note.severity == "warning" and isinstance(note.message, Plain)  # never read as markup
        assert "第 2 轮起无法按原回复重放" in str(note.message) and "保留前 1 轮" in str(note.message)
        assert "原在节点 facts" in str(note.message)


async def test_a_new_state_variable_gets_its_meter(make_app, tmp_path):
    from simulator.ui.widgets.meters import Meter

    path = watched_copy(tmp_path)
    app = watching(make_app, path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await send(pilot, EMPATHY)
        edit(path, "  heard: {type: bool", "  patience: {type: int, label: 耐心, min: 0, max: 100, initial: 55}\n"
                                          "  heard: {type: bool")
        await until(pilot, lambda: bool(app.screen.query("#meter-patience")))
        meters = [m.reading.variable for m in app.screen.query(Meter)]
        assert meters == ["anger", "trust", "risk", "patience"]
        assert app.screen.query_one("#meter-patience", Meter).reading.value == 55
        assert app.screen.query_one("#meter-anger", Meter).reading.value == 60  # replayed: 70 - 10


async def test_a_saved_rubric_is_reloaded_too(make_app, tmp_path):
    path = watched_copy(tmp_path)
    app = watching(make_app, path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        preview = app.screen.query_one(AuthorTools)
        assert preview.shown and "empathy（共情）" in text_of(preview)  # on by default with --watch
        edit(path.parent.parent / "rubrics" / "ui.yaml", "    label: 共情\n", "    label: 回应情绪\n")
        await until(pilot, lambda: "empathy（回应情绪）" in text_of(preview))


async def test_a_file_that_does_not_load_yet_waits_then_plays(make_app, tmp_path):
    path = watched_copy(tmp_path)
    edit(path, "start: opening", "start: openin")
    app = watching(make_app, path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WaitingScreen)
        assert any("openin" in line and "error[SC106]" in line for line in problems(app))
        panel = app.screen.query_one(DiagnosticsPanel)
        shown = text_of(panel)  # drawn, not only set: the lines were given before the panel mounted
        assert "error[SC106]" in shown and DIAGNOSTIC.search(shown) and panel.region.height >= 3
        edit(path, "start: openin", "start: opening")
        await until(pilot, lambda: isinstance(app.screen, PlayScreen))
        assert "一分钱没拿到" in transcript(app) and app.screen.watched
        assert len(app.screen_stack) == 2  # home, play: the waiting screen is gone


async def test_a_save_while_the_resume_dialog_is_up_reaches_the_resumed_conversation(make_app, tmp_path):
    from uikit import fixed_clock

    from simulator.engine.play.session import Session
    from simulator.ui.records import MemoryRecords
    from simulator.ui.screens.dialogs import ResumeDialog

    path = watched_copy(tmp_path)
    first = ContentWatcher(path, [tmp_path / "rubrics"]).load()
    records = MemoryRecords(clock=fixed_clock)
    records.begin("张三", Session.start(first.scenario, first.rubric).answer(EMPATHY), "authoring")  # watched before
    app = watching(make_app, path, records=records)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeDialog)
        edit(path, FACTS, "老板说钱早给包工头了，包工头不认，我到底找谁？")
        await until(pilot, lambda: app._watched is not None and app._watched[0] is not first.scenario
                    and "不认" in app._watched[0].nodes["facts"].say)
        await pilot.press("c")  # continue: restored on the content the dialog was opened with
        await until(pilot, lambda: isinstance(app.screen, PlayScreen) and "包工头不认" in transcript(app))
        play = app.screen
        assert play.watched and [r.reply for r in play.session.history] == [EMPATHY]
        assert play.session.scenario is app._watched[0]


def test_replay_keeps_hints_and_choices(tmp_path):
    from simulator.engine.play.session import Session

    watcher = ContentWatcher(watched_copy(tmp_path), [tmp_path / "rubrics"])
    first = watcher.load()
    assert first.ok
    old = Session.start(first.scenario, first.rubric, "choice").use_hint().choose(0).use_hint()
    again = watcher.load()
    replayed = replay(old, again.scenario, again.rubric)
    assert (replayed.kept, replayed.dropped) == (1, 0)
    assert replayed.session.history[0].hint_used and replayed.session.history[0].choice == 0
    assert replayed.session.hint_pending and replayed.session.mode == "choice"
    assert replayed.session.scenario is again.scenario


def test_replay_stops_at_a_turn_that_fails_in_any_way(tmp_path, monkeypatch):
    from simulator.engine.play.session import Session

    watcher = ContentWatcher(watched_copy(tmp_path), [tmp_path / "rubrics"])
    first = watcher.load()
    old = Session.start(first.scenario, first.rubric).answer(EMPATHY).answer(VERIFY)
    original = Session.answer

    def answer(self, reply, choice=None):
        if reply == VERIFY:
            raise RuntimeError("boom")
        return original(self, reply, choice)

    monkeypatch.setattr(Session, "answer", answer)
    replayed = replay(old, first.scenario, first.rubric)
    assert (replayed.kept, replayed.dropped) == (1, 1) and "RuntimeError: boom" in replayed.note


def test_watcher_notices_saves_and_a_missing_file(tmp_path):
    path = watched_copy(tmp_path)
    watcher = ContentWatcher(path, [tmp_path / "rubrics"])
    assert watcher.changed()  # nothing loaded yet
    assert watcher.load().ok and not watcher.changed()
    assert watcher.files == (path, tmp_path / "rubrics" / "ui.yaml")
    edit(tmp_path / "rubrics" / "ui.yaml", "label: 共情", "label: 共情心")
    assert watcher.changed()
    watcher.load()
    path.unlink()
    assert watcher.changed()
    gone = watcher.load()
    assert not gone.ok and "error[SC016]" in gone.problems[0]
