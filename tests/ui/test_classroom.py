"""The TUI served in a class: the assigned scenarios only (the one assigned opens at once), the exam
lock, sessions linked to the class, changes and the end of the class reaching a running app."""
from __future__ import annotations

import pytest
from uikit import EMPATHY, RUBRICS, SCENARIOS, SIZE, send, settle

from simulator.engine.play.session import Session
from simulator.store.classes import Classes
from simulator.ui.app import JiefangApp
from simulator.ui.classroom import ClassLink, ClassroomLibrary, ClassroomRecords, ClassroomWatch
from simulator.ui.library import DiskLibrary
from simulator.ui.screens.home import HomeScreen
from simulator.ui.screens.play import PlayScreen
from simulator.ui.widgets.reply_input import ReplyInput


@pytest.fixture
def store(tmp_path, places):
    """The class's store, on SQLite and on PostgreSQL."""
    with places.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def klass(store):
    return Classes(store).create("一班", ["张三", "李四"])


@pytest.fixture
def class_app(store, klass):
    def make() -> JiefangApp:
        link = ClassLink(lambda: Classes(store), klass.code)
        app = JiefangApp(ClassroomLibrary(DiskLibrary([SCENARIOS], [RUBRICS]), link), ClassroomRecords(store, link),
                         "张三", theme="textual-dark", classroom=ClassroomWatch(link, interval=0.05, exit_after=0.1))
        app.animation_level = "none"
        return app

    return make


async def wait_for(pilot, condition, rounds: int = 100) -> None:
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app did not get there")


async def test_the_one_assigned_scenario_opens_at_once_and_its_session_joins_the_class(store, klass, class_app):
    Classes(store).assign(klass.id, ["ui_wages"])
    app = class_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen))
        assert [e.id for e in app.entries or ()] == ["ui_wages"]
        await settle(pilot)
        assert app.screen.query_one(ReplyInput).cursor_blink is False  # no redraw twice a second per trainee
        await send(pilot, EMPATHY)
    [record] = Classes(store).sessions(klass.id)
    assert record.trainee == "张三" and [t.reply for t in record.turns] == [EMPATHY]


async def test_the_exam_lock_opens_every_scenario_in_exam_mode(store, klass, class_app):
    Classes(store).assign(klass.id, ["ui_wages", "ui_noise"])
    Classes(store).lock_exam(klass.id, True)
    app = class_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.home.mode == "exam" and bool(app.entries))
        assert isinstance(app.screen, HomeScreen) and {e.id for e in app.entries or ()} == {"ui_wages", "ui_noise"}
        await pilot.press("1")  # the trainee picks practice; the class says exam
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen))
        assert app.screen.mode == "exam"


async def test_practice_outside_the_class_is_not_offered_to_resume(store, klass, class_app):
    scenario, rubric = DiskLibrary([SCENARIOS], [RUBRICS]).load(str(SCENARIOS / "wages.yaml"))
    store.begin("张三", Session.start(scenario, rubric).answer(EMPATHY))  # at home, last week
    Classes(store).assign(klass.id, ["ui_wages"])
    app = class_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayScreen))
        await settle(pilot)  # the screen has mounted (leaving mid-mount fails its handlers)
        assert app.screen.session.history == ()  # a fresh start, no resume dialog


async def test_changes_reach_a_running_app_and_the_end_of_the_class_closes_it(store, klass, class_app):
    app = class_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.entries or ()) == 3)
        Classes(store).assign(klass.id, ["ui_noise", "ui_wages"])
        await wait_for(pilot, lambda: {e.id for e in app.entries or ()} == {"ui_noise", "ui_wages"})
        assert any("教员布置了新的场景" in str(n.message) for n in app._notifications)
        app.action_trainee()  # the name comes from the sign-in
        assert app.trainee == "张三"
        Classes(store).end(klass.id)
        await wait_for(pilot, lambda: app.return_code is not None or not app.is_running)
