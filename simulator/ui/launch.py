"""Starting the TUI from the command line: build the data sources from the settings, run the app.

Only Textual and this package's UI modules are imported up front; the record store (and with
it the engine) is opened lazily, from a worker thread, after the first frame.
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine.content.model import Rubric, Scenario
    from ..engine.play.session import Session
    from ..settings import Settings
    from ..store.classes import Classes
    from ..store.records import SavedSession, SessionRecord, SessionSummary
    from .classroom import ClassroomWatch
    from .library import ScenarioSource
    from .records import Records
    from .watch import ContentWatcher


class LazyRecords:
    """Opens the real record keeper on first use, so its imports stay off the start-up path.

    The first call happens in a worker thread (the home screen's library load), which the
    store allows: it guards its connection with a lock. If the keeper cannot be opened, this
    run keeps its records in memory and `problem` says why.
    """

    def __init__(self, factory: Callable[[], Records]) -> None:
        self._factory = factory
        self._records: Records | None = None
        self._lock = threading.Lock()
        self._problem = ""

    @property
    def target(self) -> Records:
        with self._lock:
            if self._records is None:
                try:
                    self._records = self._factory()
                except Exception as error:  # an unwritable data directory must not stop training
                    from .records import MemoryRecords

                    self._problem = str(error) or type(error).__name__
                    self._records = MemoryRecords()
            return self._records

    @property
    def problem(self) -> str:
        """Why the records are kept in memory this run; "" while all is well (or not yet opened)."""
        return self._problem

    def close(self) -> None:
        with self._lock:
            if self._records is not None:
                self._records.close()

    def begin(self, trainee: str, session: Session, purpose: str = "training") -> int:
        return self.target.begin(trainee, session, purpose)

    def set_purpose(self, session_id: int, purpose: str) -> None:
        self.target.set_purpose(session_id, purpose)

    def record_turn(self, session_id: int, session: Session) -> None:
        self.target.record_turn(session_id, session)

    def finish(self, session_id: int, session: Session) -> None:
        self.target.finish(session_id, session)

    def abandon(self, session_id: int) -> None:
        self.target.abandon(session_id)

    def claim(self, session_id: int) -> SavedSession | None:
        return self.target.claim(session_id)

    def unfinished(self, trainee: str, scenario_id: str | None = None) -> list[SavedSession]:
        return self.target.unfinished(trainee, scenario_id)

    def history(self, trainee: str | None = None, trials: bool = False) -> list[SessionSummary]:
        return self.target.history(trainee, trials)

    def best_scores(self, trainee: str, trials: bool = False) -> dict[str, int]:
        return self.target.best_scores(trainee, trials)

    def record(self, session_id: int) -> SessionRecord:
        return self.target.record(session_id)


def open_records(settings: Settings) -> LazyRecords:
    """The on-disk record keeper in the data directory, opened on first use."""

    def factory() -> Records:
        from ..store.store import Store

        return Store.open(settings.data_dir, url=settings.database_url)

    return LazyRecords(factory)


def in_classroom(settings: Settings, library: ScenarioSource, records: LazyRecords
                 ) -> tuple[ScenarioSource, Records, ClassroomWatch]:
    """The library, records and class watch of a TUI served in a class (the records' store is shared)."""
    from .classroom import ClassLink, ClassroomLibrary, ClassroomRecords, ClassroomWatch

    def classes() -> Classes:
        from ..store.classes import Classes
        from ..store.store import Store

        store = records.target
        return Classes(store if isinstance(store, Store) else Store.open(settings.data_dir, url=settings.database_url))

    link = ClassLink(functools.cache(classes), settings.classroom)
    return ClassroomLibrary(library, link), ClassroomRecords(records, link), ClassroomWatch(link)


def run_app(settings: Settings, *, trainee: str | None = None, play: tuple[Scenario, Rubric] | None = None,
            mode: str = "practice", watch: ContentWatcher | None = None, instructor: bool = False,
            seed: int | None = None) -> int:
    """Run the TUI; `watch` plays a scenario file and reloads it when saved (`play` is then None).

    The trainee is `trainee` (--trainee), else $SIMULATOR_TRAINEE, else the person remembered in
    the data directory's profile, else the login name. `seed` fixes the order of beginner-mode
    options (--seed); None picks a new one for every session.
    """
    from .app import JiefangApp, random_seed
    from .library import DiskLibrary
    from .profile import ProfileFile

    records = open_records(settings)
    library: ScenarioSource = DiskLibrary(settings.scenario_dirs, settings.rubric_dirs, index=settings.index_file)
    keeper: Records = records
    classroom = None
    if settings.classroom:
        library, keeper, classroom = in_classroom(settings, library, records)
    app = JiefangApp(library, keeper, trainee or settings.trainee or None, profiles=ProfileFile(settings.profile_file),
                     login=settings.login, instructor=instructor, play=play, mode=mode, watch=watch,
                     seeds=random_seed if seed is None else (lambda: seed), theme=settings.theme,
                     reports_dir=settings.reports_dir, bench=settings.bench, classroom=classroom)
    try:
        app.run()
    finally:
        records.close()
    return app.return_code or 0
