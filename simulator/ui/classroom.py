"""A served TUI's class: what the trainee may play and in which mode, read from the store as the
class goes on, and the trainee's sessions linked to the class.

`simulator serve` starts the TUI with the class's id and the signed-in trainee in its settings;
`launch.run_app` then wraps the library and the record keeper (`ClassroomLibrary`,
`ClassroomRecords`) and gives the app a `ClassroomWatch`, which polls the class every few seconds
(from a worker thread) so an assignment, an exam lock or the end of the class reaches a trainee
already in the room. SSH-served TUIs with SIMULATOR_CLASS set behave the same.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.widgets import Input, TextArea

from .library import ScenarioEntry, ScenarioSource
from .plain import notify_plain

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

    from ..engine.content.model import Rubric, Scenario
    from ..engine.play.session import Session
    from ..store.classes import Classes
    from ..store.records import SavedSession, SessionRecord, SessionSummary
    from .records import Records

POLL_SECONDS = 5.0


@dataclass(frozen=True)
class ClassRules:
    name: str
    assigned: tuple[str, ...]  # scenario ids; empty: the whole library
    exam: bool  # every scenario opened from now on is played in exam mode
    open: bool


class ClassLink:
    """The trainee's class in the store (opened on first use, from a worker thread)."""

    def __init__(self, classes: Callable[[], Classes], ref: str) -> None:
        self._classes = classes
        self.ref = ref  # the class's id (as the server sets it) or join code (an SSH login's setting)
        self._id: int | None = None
        self._lock = threading.Lock()
        self._linked: set[int] | None = None
        self.last: ClassRules | None = None  # as read most recently

    @property
    def class_id(self) -> int:
        if self._id is None:
            self._id = self._classes().get(self.ref).id
        return self._id

    def rules(self) -> ClassRules:
        info = self._classes().get(self.class_id)
        self.last = ClassRules(info.name, info.assigned, info.exam_locked, info.is_open)
        return self.last

    def link(self, session_id: int) -> None:
        self._classes().link(self.class_id, session_id)
        with self._lock:
            if self._linked is not None:
                self._linked.add(session_id)

    def linked(self) -> set[int]:
        with self._lock:
            if self._linked is None:
                self._linked = self._classes().session_ids(self.class_id)
            return set(self._linked)


class ClassroomLibrary:
    """The library as the class sees it: only the assigned scenarios, when some are."""

    def __init__(self, library: ScenarioSource, link: ClassLink) -> None:
        self.library = library
        self.link = link

    def entries(self) -> list[ScenarioEntry]:
        entries = self.library.entries()
        assigned = self.link.rules().assigned
        if not assigned:
            return entries
        by_id = {e.id: e for e in reversed(entries)}  # the first folder's copy of an id, as play loads it
        return [by_id[i] for i in assigned if i in by_id]

    def load(self, ref: str) -> tuple[Scenario, Rubric]:
        return self.library.load(ref)


class ClassroomRecords:
    """The record keeper in class: every session begun is linked to the class, and only the
    class's own unfinished sessions are offered to resume (not last week's practice at home)."""

    def __init__(self, records: Records, link: ClassLink) -> None:
        self.records = records
        self.link = link

    @property
    def problem(self) -> str:
        return self.records.problem

    def begin(self, trainee: str, session: Session, purpose: str = "training") -> int:
        session_id = self.records.begin(trainee, session, purpose)
        if not self.records.problem:  # kept in memory: there is no store row to link
            self.link.link(session_id)
        return session_id

    def set_purpose(self, session_id: int, purpose: str) -> None:
        self.records.set_purpose(session_id, purpose)

    def record_turn(self, session_id: int, session: Session) -> None:
        self.records.record_turn(session_id, session)

    def finish(self, session_id: int, session: Session) -> None:
        self.records.finish(session_id, session)

    def abandon(self, session_id: int) -> None:
        self.records.abandon(session_id)

    def claim(self, session_id: int) -> SavedSession | None:
        return self.records.claim(session_id)

    def unfinished(self, trainee: str, scenario_id: str | None = None) -> list[SavedSession]:
        linked = self.link.linked()
        return [s for s in self.records.unfinished(trainee, scenario_id) if s.id in linked]

    def history(self, trainee: str | None = None, trials: bool = False) -> list[SessionSummary]:
        return self.records.history(trainee, trials)

    def best_scores(self, trainee: str, trials: bool = False) -> dict[str, int]:
        return self.records.best_scores(trainee, trials)

    def record(self, session_id: int) -> SessionRecord:
        return self.records.record(session_id)

    def close(self) -> None:
        self.records.close()


class ClassroomWatch:
    """The app's side: polls the class and applies what changed (the app calls `start`, `mode`)."""

    def __init__(self, link: ClassLink, interval: float = POLL_SECONDS, exit_after: float = 3.0) -> None:
        self.link = link
        self.interval = interval
        self.exit_after = exit_after  # seconds the trainee sees that the class has ended
        self.rules: ClassRules | None = None
        self._opened: tuple[str, ...] = ()  # the single assignment the trainee was last taken to
        self._reading = False

    def start(self, app: App[Any], show_mode: Callable[[str], None], relist: Callable[[], object]) -> None:
        """Poll from now on; `show_mode` puts a mode on the home screen, `relist` lists the library again."""
        self.app = app
        self.show_mode = show_mode
        self.relist = relist
        app.set_interval(self.interval, self.poll, name="classroom")
        self.poll()

    @staticmethod
    def focused(widget: Widget) -> None:
        """Text cursors hold still in a served app: each blink is a redraw sent over the network twice
        a second, for every trainee in the room (about a third of a core for sixty of them)."""
        if isinstance(widget, (TextArea, Input)):
            widget.cursor_blink = False

    def mode(self, mode: str) -> str:
        """The mode a scenario opens in: exam while the class is locked to it."""
        rules = self.link.last
        return "exam" if rules is not None and rules.exam else mode

    def poll(self) -> None:
        if not self._reading:  # a slow read (a busy store) is left to finish, not stacked or cancelled
            self._reading = True
            self.app.run_worker(self._read, thread=True, group="classroom", exit_on_error=False)

    def _read(self) -> None:
        try:
            rules = self.link.rules()
        except Exception:  # a busy or unreadable store: try again at the next poll
            rules = None
        self.app.call_from_thread(self._apply, rules)

    def _apply(self, rules: ClassRules | None) -> None:
        self._reading = False
        if rules is None:
            return
        before, self.rules = self.rules, rules
        app = self.app
        if not rules.open:
            app.notify("教员已结束本次课堂，记录已保存。", title=rules.name, timeout=10, markup=False)
            app.set_timer(self.exit_after, app.exit)
            return
        if rules.exam:
            self.show_mode("exam")
        if before is None:
            return
        if rules.exam != before.exam:
            notify_plain(app, "本班已锁定为考核模式：此后打开的场景不提示、不回退。" if rules.exam
                         else "考核锁定已解除，可以选择练习模式。", title="教员通知", timeout=8)
        if rules.assigned != before.assigned:
            app.notify("教员布置了新的场景。", title="教员通知", timeout=8, markup=False)
            self.relist()

    def listed(self, entries: tuple[ScenarioEntry, ...]) -> ScenarioEntry | None:
        """The entry to take the trainee straight to: the class's one assigned scenario, once."""
        rules = self.link.last  # read by the listing itself, so never older than these entries
        assigned = rules.assigned if rules is not None else ()
        if len(entries) != 1 or len(assigned) != 1 or assigned == self._opened:
            return None
        self._opened = assigned
        return entries[0]
