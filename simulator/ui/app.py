"""接访演练's Textual app: home, play, debrief, history and help screens.

The app takes its data sources as constructor arguments (a scenario source, a record keeper,
the trainee's name), so tests inject fixtures. Start-up stays close to a bare Textual app:
the home screen is the first thing drawn, and the library (YAML, pydantic) loads in a worker
thread afterwards.

Attributes down, messages up: the app sets screens' attributes (and sends watched content to
`PlayScreen.reload`); screens and widgets post messages (`OpenScenario`, `PlayScreen.Ended`,
`DebriefScreen.PlayAgain`, `AuthorTools.Toggled`) that the handlers below act on, and dialogs
return their answer through `dismiss`.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.binding import Binding

from .app_watch import WatchingApp
from .library import ScenarioEntry, ScenarioSource
from .messages import OpenScenario
from .plain import notify_plain
from .profile import Person, Profile, ProfileFile
from .screens.home import HomeScreen

if TYPE_CHECKING:
    from textual.app import SystemCommand
    from textual.command import Provider
    from textual.screen import Screen
    from textual.widget import AwaitMount

    from ..engine.content.model import Rubric, Scenario
    from ..engine.play.session import Session
    from ..settings import Bench
    from ..store.records import SavedSession
    from .classroom import ClassroomWatch
    from .records import Records
    from .screens.debrief import DebriefScreen
    from .screens.play import PlayScreen
    from .watch import ContentWatcher
    from .widgets.author_tools import AuthorTools

DEFAULT_TRAINEE = "学员"


def scenario_commands() -> type[Provider]:
    """The palette's scenario search, imported when the palette first opens."""
    from .commands import ScenarioCommands

    return ScenarioCommands


def random_seed() -> int:
    """A new session's seed: the order its beginner-mode options are shown in."""
    import random

    return random.SystemRandom().randrange(2**31)


class JiefangApp(WatchingApp):
    """Terminal training for petition reception staff."""

    CSS_PATH = "app.tcss"
    TITLE = "接访演练"
    COMMANDS = App.COMMANDS | {scenario_commands}
    COMMAND_PALETTE_BINDING = "ctrl+p"

    BINDINGS = [
        Binding("f1", "help", "帮助", id="app.help", tooltip="所有按键说明"),
        # Shown by the footer on its right-hand side, as Textual does for the palette.
        Binding("ctrl+p", "command_palette", "搜索", id="app.palette", tooltip="搜索场景、历史与帮助", show=False),
        Binding("ctrl+q", "quit", "退出", id="app.quit", tooltip="退出（演练未结束时先确认）", priority=True),
    ]

    def __init__(self, library: ScenarioSource, records: Records | None = None, trainee: str | None = None, *,
                 profiles: ProfileFile | None = None, login: str = DEFAULT_TRAINEE, instructor: bool = False,
                 rubric: Rubric | None = None, play: tuple[Scenario, Rubric] | None = None,
                 mode: str = "practice", theme: str | None = None, seeds: Callable[[], int] = random_seed,
                 clock: Callable[[], datetime] = datetime.now, watch: ContentWatcher | None = None,
                 preview: bool | None = None, reports_dir: Path | None = None, bench: Bench | None = None,
                 classroom: ClassroomWatch | None = None) -> None:
        """
        Args:
            library: where scenarios are listed and loaded from.
            records: the record keeper (Records protocol); None keeps this run's sessions in memory.
            trainee: whose sessions these are; None: the person remembered in `profiles`, else `login`.
            profiles: where the current trainee (or instructor) is remembered between launches and
                switched; read after the first frame (before it, when a scenario opens directly).
            login: the trainee when nobody has been chosen on this PC yet.
            instructor: an instructor's run (`play --instructor`): sessions are recorded as trials.
            rubric: score every scenario with this rubric instead of the one each names.
            play: open this scenario and rubric straight away (`simulator play`), in `mode`.
            theme: a Textual theme name; None keeps Textual's default.
            seeds: a new seed for every session started (the order of beginner-mode options).
            clock: the time source for in-memory records and exported reports' file names.
            watch: play this watched scenario file (`simulator play --watch`), reloading it when saved;
                used when `play` is None.
            preview: show the author's preview when play starts; None shows it when watching.
            reports_dir: where the debrief exports reports; None writes them to the current directory.
            bench: benchmarks only: note the moment the app is ready (or has listed the library), then exit.
            classroom: served in a class (`simulator serve`): follow its assignment, exam lock and end.
        """
        super().__init__()
        self.library = library
        self.rubric = rubric
        if records is None:
            from .records import MemoryRecords

            records = MemoryRecords(clock)
        self.records: Records = records
        self.trainee = trainee or ""  # "" until the profile is read
        self._named = bool(trainee)  # given by the command line or the environment: the profile does not override it
        self.profiles = profiles or ProfileFile(None)
        self.profile: Profile | None = None  # None until read
        self._login = login
        self._instructor = instructor  # this run, from the command line
        self._instructor_profile = False  # the chosen person is an instructor
        self.seeds = seeds
        self.clock = clock
        self.watcher = watch
        self.preview = (watch is not None) if preview is None else preview
        self.reports_dir = reports_dir
        self._watched: tuple[Scenario, Rubric] | None = None  # the latest content loaded from the watched file
        self._reloading = False
        self.entries: tuple[ScenarioEntry, ...] | None = None
        self._told_problem = False
        self._direct_play = play
        self._mode = mode
        # Set before the first stylesheet pass; setting it on mount would style everything twice.
        if theme:
            self.theme = theme
        self.bench = bench
        self.classroom = classroom

    def get_default_screen(self) -> HomeScreen:
        home = HomeScreen()
        home.trainee = self.trainee
        home.mode = self._mode
        return home

    @property
    def purpose(self) -> str:
        """Whom sessions started now are for: an author watching a file, an instructor, or a trainee."""
        if self.watcher is not None:
            return "authoring"
        if self.classroom is not None:
            return "training"  # a class plays under the signed-in name, whatever this PC remembers
        return "instructor" if self._instructor or self._instructor_profile else "training"

    # ------------------------------------------------------------ the trainee (remembered profile)

    def _apply_profile(self, profile: Profile) -> None:
        """The profile was read: the remembered person becomes the trainee (unless one was named)."""
        self.profile = profile
        if not self._named:
            person = profile.current or Person(self._login or DEFAULT_TRAINEE)
            self.trainee, self._instructor_profile = person.name, person.instructor
        else:
            known = profile.known(self.trainee)
            self._instructor_profile = bool(known and known.instructor)
        self.home.trainee = self.trainee
        self.home.instructor = self.purpose == "instructor"

    def action_trainee(self) -> None:
        from .screens.dialogs import TraineeDialog

        if self.classroom is not None:
            self.notify("课堂中按登录的姓名记录，不能更换学员。", markup=False)
            return
        profile = self.profile or Profile()
        if self.trainee and profile.known(self.trainee) is None:  # so the switch can come back to them
            profile = profile.choose(Person(self.trainee, self._instructor_profile))

        def switch(person: Person | None) -> None:
            if person is None:
                return
            self._named = True
            self.profile = profile.choose(person)
            self.trainee, self._instructor_profile = person.name, person.instructor
            self.home.trainee = person.name
            self.home.instructor = self.purpose == "instructor"
            self._save_profile(self.profile)
            self.refresh_best()

        self.push_screen(TraineeDialog(self.trainee, profile.people, self.purpose == "instructor"), switch)

    @work(thread=True, group="profile", exit_on_error=False)
    def _save_profile(self, profile: Profile) -> None:
        problem = self.profiles.save(profile)
        if problem:
            self.call_from_thread(notify_plain, self, problem, severity="warning", timeout=8)

    @property
    def home(self) -> HomeScreen:
        home = self.screen_stack[0]
        assert isinstance(home, HomeScreen)  # the default screen, never popped
        return home

    async def on_mount(self) -> None:
        opened = None
        if self._direct_play is not None or self.watcher is not None:
            # Opening a scenario at once needs the trainee now (for the resume offer and the record).
            self._apply_profile(self.profiles.load())
        if self._direct_play is not None:
            scenario, rubric = self._direct_play
            opened = self.open_scenario(scenario, rubric, self._mode)
        elif self.watcher is not None:
            opened = self._start_watching(self.watcher)
        if opened is not None:
            # Awaited, so keys typed ahead at launch reach the reply box rather than the home screen.
            await opened

    def on_ready(self) -> None:
        if self.bench is not None and self.bench.exit_when == "ready":
            self._bench_done()
            return
        if self.classroom is not None:
            self.classroom.start(self, lambda mode: setattr(self.home, "mode", mode), self.load_library)
        self.load_library()

    def _bench_done(self) -> None:
        assert self.bench is not None
        with open(self.bench.file, "w", encoding="utf-8") as out:
            out.write(repr(time.time()))
        self.exit()

    # ------------------------------------------------------------ library (worker thread)

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def load_library(self) -> None:
        """Read the profile and list the library; best scores follow once the list is drawn (opening
        the store imports the engine, and a thread doing that would hold the GIL while the list is
        being drawn)."""
        if self.profile is None:
            self.call_from_thread(self._apply_profile, self.profiles.load())
        try:
            entries = tuple(self.library.entries())
        except Exception as error:  # a broken library must still leave a usable app
            self.call_from_thread(notify_plain, self, f"场景库无法读取：{error}", severity="error")
            entries = ()
        self.call_from_thread(self._library_loaded, entries)

    def _progress(self) -> tuple[dict[str, int], dict[str, str]]:
        """The trainee's best scores, and the scenarios with an unfinished session (and its mode)."""
        if not self.trainee:
            return {}, {}
        try:
            best = dict(self.records.best_scores(self.trainee, self.purpose != "training"))
            unfinished: dict[str, str] = {}
            for saved in self.records.unfinished(self.trainee):
                if saved.purpose == self.purpose:
                    unfinished.setdefault(saved.scenario_id, saved.mode)  # the newest first
            return best, unfinished
        except Exception as error:
            self.call_from_thread(notify_plain, self, f"记录无法读取：{error}", severity="warning")
            return {}, {}

    def _library_loaded(self, entries: tuple[ScenarioEntry, ...]) -> None:
        self.entries = entries
        self.home.entries = entries
        if self.bench is not None and self.bench.exit_when == "listed":
            self.call_after_refresh(self._bench_done)
        else:
            self.call_after_refresh(self.refresh_best)
        if self.classroom is not None and len(self.screen_stack) == 1:
            only = self.classroom.listed(entries)  # the class's one assigned scenario: straight in
            if only is not None:
                self.post_message(OpenScenario(only))

    @work(thread=True, exclusive=True, group="records", exit_on_error=False)
    def refresh_best(self) -> None:
        """The trainee's best scores and unfinished sessions onto the home screen (the first call
        may open the store)."""
        best, unfinished = self._progress()
        problem = self.records.problem
        if problem and not self._told_problem:
            self._told_problem = True
            self.call_from_thread(notify_plain, self, f"记录库无法打开，本次演练只保存在内存中：{problem}",
                                  severity="warning", timeout=8)
        self.call_from_thread(self.home.show_progress, best, unfinished)

    # ------------------------------------------------------------ opening a scenario

    def on_open_scenario(self, message: OpenScenario) -> None:
        """Load a library entry (in a worker) and play it."""
        self._load_and_play(message.entry, message.mode or self.home.mode)

    @work(thread=True, group="open", exit_on_error=False)
    def _load_and_play(self, entry: ScenarioEntry, mode: str) -> None:
        try:
            scenario, rubric = self.library.load(entry.ref)
            rubric = self.rubric or rubric
        except Exception as error:
            self.call_from_thread(notify_plain, self, f"无法打开场景：{error}", severity="error")
            return
        self.call_from_thread(self.open_scenario, scenario, rubric, mode)

    def open_scenario(self, scenario: Scenario, rubric: Rubric, mode: str) -> AwaitMount | None:
        """Play a scenario; when the trainee left it unfinished before, first ask whether to continue."""
        saved = self._unfinished(scenario.id)
        if saved is None:
            return self._play(scenario, rubric, mode)
        from .screens.dialogs import ResumeDialog
        from .screens.history import local_time

        def chosen(choice: str | None) -> None:
            if choice == "resume":
                self._resume(scenario, rubric, saved)
            elif choice == "new":
                self.records.abandon(saved.id)
                self._play(scenario, rubric, mode)

        detail = f"{local_time(saved.started_at)} 开始，已回答 {saved.turns} 轮。"
        self.push_screen(ResumeDialog(scenario.title, detail, saved.mode, mode), chosen)
        return None

    def _unfinished(self, scenario_id: str) -> SavedSession | None:
        """The trainee's latest unfinished session of this scenario, run for the same purpose."""
        try:
            found = self.records.unfinished(self.trainee, scenario_id)
        except Exception:  # records that cannot be read offer nothing to resume
            return None
        # Both keepers list the most recent first.
        return next((saved for saved in found if saved.purpose == self.purpose), None)

    def _play(self, scenario: Scenario, rubric: Rubric, mode: str, resume: Session | None = None,
              record_id: int | None = None) -> AwaitMount:
        from ..engine.play.session import MODES
        from .screens.play import PlayScreen

        if self.classroom is not None:
            mode = self.classroom.mode(mode)

        # The watched scenario however it opens (directly, resumed, played again): matched by id,
        # since a save may land while the resume dialog is up and make this copy an older one.
        latest = self._watched
        watched = latest is not None and scenario.id == latest[0].id
        screen = PlayScreen(scenario, rubric, MODES.get(mode, "practice"), self.trainee, records=self.records,
                            resume=resume, record_id=record_id, preview=self.preview, watched=watched,
                            purpose=self.purpose, seed=self.seeds())
        if latest is not None and watched and scenario is not latest[0]:
            screen.queue_reload(*latest)
        return self.push_screen(screen)

    @work(thread=True, group="open", exit_on_error=False)
    def _resume(self, scenario: Scenario, rubric: Rubric, saved: SavedSession) -> None:
        """Become the session's writer, then restore it by replaying its replies (scoring: so in a
        worker thread). While another process writes it, start a new session instead."""
        from ..engine.play.scoring import ReplyTooLong
        from ..engine.play.session import ScenarioError, Session

        mode = str(saved.data.get("mode", "practice"))
        try:
            claimed = self.records.claim(saved.id)
        except Exception as error:  # records that cannot be written: play on, unrecorded
            claimed, problem = None, f"记录无法读取：{error}"
        else:
            problem = "这次演练正在另一处进行（另一个终端或命令行），这里另开一次新的演练。"
        if claimed is None:
            self.call_from_thread(notify_plain, self, problem, severity="warning", timeout=8)
            self.call_from_thread(self._open, scenario, rubric, mode)
            return
        saved = claimed
        try:
            session = Session.from_json(saved.data, scenario, rubric)
        except (ScenarioError, ReplyTooLong, KeyError, TypeError, ValueError) as error:
            self.call_from_thread(notify_plain, self, f"无法继续上次的演练（{error}），将重新开始。",
                                  severity="warning", timeout=8)
            self.call_from_thread(self._open, scenario, rubric, mode)
            return
        self.call_from_thread(self._open, scenario, rubric, session.mode, session, saved.id)

    def _open(self, scenario: Scenario, rubric: Rubric, mode: str, resume: Session | None = None,
              record_id: int | None = None) -> None:
        """`_play` for a worker's call_from_thread (which would wait for the returned mount)."""
        self._play(scenario, rubric, mode, resume, record_id)

    def on_play_screen_ended(self, message: PlayScreen.Ended) -> None:
        from .screens.debrief import DebriefScreen

        self.push_screen(DebriefScreen(message.session, self.trainee, self.reports_dir, self.clock,
                                       records=self.records, record_id=message.record_id))

    def on_debrief_screen_play_again(self, message: DebriefScreen.PlayAgain) -> None:
        """Play the same scenario again from the start, in the same mode."""
        session = message.session
        self.action_home()
        self._play(session.scenario, session.rubric, session.mode)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self.classroom is not None:
            self.classroom.focused(event.widget)

    def on_author_tools_toggled(self, message: AuthorTools.Toggled) -> None:
        """The next play screen opens with the preview as the author left it."""
        self.preview = message.shown

    # ------------------------------------------------------------ navigation

    def action_home(self) -> None:
        """Back to the home screen, refreshing best scores."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.refresh_best()

    def action_history(self) -> None:
        from .screens.history import HistoryScreen

        self.push_screen(HistoryScreen(self.records, self.trainee, trials=self.purpose != "training"))

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # ------------------------------------------------------------ the command palette, in Chinese

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from .palette import system_commands

        return system_commands(self, screen)

    def action_command_palette(self) -> None:
        from .palette import open_palette

        open_palette(self)

    def search_themes(self) -> None:
        from .palette import open_themes

        open_themes(self)

    def action_help_quit(self) -> None:
        """ctrl+c copies in text boxes; elsewhere, say how to quit instead of Textual's English hint."""
        self.notify("按 ctrl+q 退出接访演练", title="退出")

    async def action_quit(self) -> None:
        """Quit, asking first when a conversation is under way."""
        from .screens.dialogs import ConfirmDialog
        from .screens.play import PlayScreen

        if isinstance(self.screen, ConfirmDialog):
            return
        playing = [s for s in self.screen_stack if isinstance(s, PlayScreen) and s.unsaved_work]
        if not playing:
            self.exit()
            return

        def quit_if(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmDialog("对话还没有结束，确定退出吗？", playing[-1].leaving_note,
                                       yes="退出", no="继续演练"), quit_if)
