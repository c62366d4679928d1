"""Issue 15.2 and 15.4 in the TUI: the trainee remembered between launches (and switched), instructors'
and authors' runs marked, an exam resumed only as an exam, 未完成 on the home screen."""
from __future__ import annotations

import threading

from textual.widgets import Button, Checkbox, DataTable
from uikit import EMPATHY, SIZE, VERIFY, fixed_clock, open_scenario, seed, send, settle, text_of

from simulator.ui.profile import Person, Profile, ProfileFile
from simulator.ui.records import MemoryRecords
from simulator.ui.screens.dialogs import ResumeDialog, TraineeDialog
from simulator.ui.screens.play import PlayScreen


def home_rows(app) -> list[str]:
    return [str(o.prompt) for o in app.home.query_one("#scenarios").options]


async def choose_person(pilot, name: str, instructor: bool = False) -> None:
    await pilot.press("t")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, TraineeDialog)
    dialog.query_one(Checkbox).value = instructor
    dialog.query_one("#name").value = name
    dialog.query_one("#name").focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_the_trainee_is_remembered_between_launches(make_app, tmp_path):
    profiles = ProfileFile(tmp_path / "data" / "profile.json")
    records = MemoryRecords(clock=fixed_clock)
    seed(records, "ui_wages", [EMPATHY], trainee="李四")  # 李四 left a session unfinished last time
    first = make_app(records=records, trainee=None, profiles=profiles, login="os_user")
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert first.trainee == "os_user"  # nobody chosen on this PC yet: the login name
        assert any("讨薪的老周" in row and "未练习" in row for row in home_rows(first))
        await choose_person(pilot, "李四")
        assert "学员：李四" in text_of(first.home.query_one("#brand"))
        assert any("讨薪的老周" in row and "未完成" in row for row in home_rows(first))
    assert profiles.load().current == Person("李四")

    second = make_app(records=records, trainee=None, profiles=profiles, login="os_user")
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert second.trainee == "李四" and "学员：李四" in text_of(second.home.query_one("#brand"))
        assert any("讨薪的老周" in row and "未完成" in row for row in home_rows(second))  # not 未练习
        await open_scenario(pilot, "ui_wages")
        assert isinstance(second.screen, ResumeDialog)  # the resume offer is back without typing the name


async def test_the_profile_is_read_after_the_first_frame(make_app, tmp_path):
    class Watched(ProfileFile):
        def load(self) -> Profile:
            self.thread = threading.current_thread()
            return super().load()

    profiles = Watched(tmp_path / "profile.json")
    profiles.save(Profile().choose(Person("王五")))
    app = make_app(trainee=None, profiles=profiles)
    async with app.run_test(size=SIZE) as pilot:
        assert app.home.trainee == ""  # the first frame does not wait for it
        await settle(pilot)
        assert app.trainee == "王五" and profiles.thread is not threading.main_thread()


async def test_switching_offers_recent_people_and_marks_instructors(make_app, tmp_path):
    profiles = ProfileFile(tmp_path / "profile.json")
    records = MemoryRecords(clock=fixed_clock)
    app = make_app(records=records, trainee=None, profiles=profiles, login="os_user")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose_person(pilot, "王老师", instructor=True)
        assert app.purpose == "instructor" and "教员：王老师" in text_of(app.home.query_one("#brand"))
        await open_scenario(pilot, "ui_wages")
        await send(pilot, EMPATHY)
        assert "教员试玩" in text_of(app.screen.query_one("#status"))
        await pilot.press("escape", "y")
        await settle(pilot)
        await choose_person(pilot, "小王")
        assert app.purpose == "training"
        await pilot.press("t")
        await settle(pilot)
        recent = app.screen.query_one("#recent")
        assert [str(o.prompt) for o in recent.options] == ["王老师（教员）", "os_user"]  # the first one, too
        await pilot.press("escape")
    assert [(s.trainee, s.purpose) for s in records.history(trials=True)] == [("王老师", "instructor")]
    assert records.history() == []  # a trainee's history (everyone's, too) has no instructor's runs
    assert [p.name for p in profiles.load().people] == ["小王", "王老师", "os_user"]


async def test_an_author_opening_the_preview_marks_the_session(make_app):
    records = MemoryRecords(clock=fixed_clock)
    app = make_app(records=records)
    async with app.run_test(size=SIZE) as pilot:
        await open_scenario(pilot, "ui_wages")
        await send(pilot, EMPATHY)
        await pilot.press("f2")
        await settle(pilot)
        assert "编写预览" in text_of(app.screen.query_one("#status"))
        await send(pilot, VERIFY)
    [summary] = records.history(trials=True)
    assert summary.purpose == "authoring" and records.history() == []


async def test_an_exam_started_headless_is_resumed_only_as_an_exam(make_app, make_settings, tmp_path, monkeypatch):
    """The issue's steps: `play X --script - --mode exam --trainee T`, then open X in practice mode."""
    import io

    from uikit import SCENARIOS

    from simulator.cli import main
    from simulator.store import Store

    settings = make_settings()
    monkeypatch.setattr("sys.stdin", io.StringIO(EMPATHY + "\n"))
    assert main(["play", str(SCENARIOS / "wages.yaml"), "--script", "-", "--mode", "exam", "--trainee", "张三"],
                settings) == 0
    store = Store.open(settings.data_dir)
    app = make_app(records=store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("讨薪的老周" in row and "未完成" in row for row in home_rows(app))
        await open_scenario(pilot, "ui_wages", mode="practice")
        dialog = app.screen
        assert isinstance(dialog, ResumeDialog)
        assert "未完成的考试模式演练" in text_of(dialog) and "只能以考试模式" in text_of(dialog)
        buttons = {b.id: str(b.label) for b in dialog.query(Button)}
        assert buttons == {"resume": "继续考试(c)", "new": "重新开始练习(r)"}
        await pilot.press("c")
        await settle(pilot)
        play = app.screen
        assert isinstance(play, PlayScreen) and play.mode == "exam" and len(play.session.history) == 1
        assert "考试模式" in text_of(play.query_one("#status")) and "练习模式" not in text_of(play.query_one("#status"))
        assert not play.check_action("hint", ()) and not play.check_action("rewind", ())
        await pilot.press("h")  # typed into the reply box: the history key is not live while playing
        await pilot.press("escape", "y")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert "考试" in str(table.get_row_at(0)[2])  # the mode column
    store.close()
