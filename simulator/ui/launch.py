"""Starting the TUI from the command line: build the data sources, run the app, clean up.

Only Textual and this package's UI modules are imported up front; the record store (and with
it the engine) is opened lazily, from a worker thread, after the first frame.
"""
from __future__ import annotations

import getpass
import importlib.util
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from ..engine.content.model import Rubric, Scenario
    from ..engine.play.session import Session
    from .records import Records
    from .watch import ContentWatcher


def default_trainee() -> str:
    name = os.environ.get("SIMULATOR_TRAINEE", "").strip()
    if name:
        return name
    try:
        return getpass.getuser() or "学员"
    except Exception:  # no user name in containers without a passwd entry
        return "学员"


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
        self.problem = ""

    @property
    def target(self) -> Records:
        with self._lock:
            if self._records is None:
                try:
                    self._records = self._factory()
                except Exception as error:  # an unwritable data directory must not stop training
                    from .records import MemoryRecords

                    self.problem = str(error) or type(error).__name__
                    self._records = MemoryRecords()
            return self._records

    def close(self) -> None:
        with self._lock:
            close = getattr(self._records, "close", None)
            if close is not None:
                close()

    def begin(self, trainee: str, session: Session) -> int:
        return self.target.begin(trainee, session)

    def record_turn(self, session_id: int, session: Session) -> None:
        self.target.record_turn(session_id, session)

    def finish(self, session_id: int, session: Session) -> None:
        self.target.finish(session_id, session)

    def unfinished(self, trainee: str, scenario_id: str | None = None) -> list[Any]:
        return self.target.unfinished(trainee, scenario_id)

    def history(self, trainee: str | None = None) -> list[Any]:
        return self.target.history(trainee)

    def best_scores(self, trainee: str) -> dict[str, int]:
        return self.target.best_scores(trainee)

    def abandon(self, session_id: int) -> None:
        """Beyond the protocol: passed on when the keeper supports it (the store does)."""
        abandon = getattr(self.target, "abandon", None)
        if abandon is not None:
            abandon(session_id)


def open_records(data_dir: str | None) -> Records | None:
    """The on-disk record keeper when simulator.store provides one, opened on first use; else None."""
    if importlib.util.find_spec("simulator.store") is None:
        return None
    def factory() -> Records:
        from ..store import Store

        return Store.open(data_dir)

    return LazyRecords(factory)


def index_path() -> Path:
    """Where the library index lives: $SIMULATOR_CACHE_DIR, else the user's cache directory."""
    folder = os.environ.get("SIMULATOR_CACHE_DIR")
    if not folder:
        import platformdirs

        folder = platformdirs.user_cache_dir("jiefang")
    return Path(folder) / "library-index.json"


def reports_dir(data_dir: str | None, records: Records | None) -> Callable[[], Path] | None:
    """Where the debrief exports reports: `reports/` in the records' data directory, looked up when
    first needed (from a worker); None (the current directory) when there is no on-disk store."""
    if records is None:
        return None

    def folder() -> Path:
        from .export import reports_folder

        return reports_folder(data_dir)

    return folder


def run_app(scenarios_dir: Path, rubrics_dir: Path, *, data_dir: str | None = None, trainee: str | None = None,
            play: tuple[Scenario, Rubric] | None = None, mode: str = "practice",
            watch: ContentWatcher | None = None) -> int:
    """Run the TUI; `watch` plays a scenario file and reloads it when saved (`play` is then None)."""
    from .app import JiefangApp
    from .library import DiskLibrary

    records = open_records(data_dir)
    app = JiefangApp(DiskLibrary(scenarios_dir, rubrics_dir, index=index_path), records, trainee or default_trainee(),
                     play=play, mode=mode, watch=watch, reports_dir=reports_dir(data_dir, records))
    try:
        app.run()
    finally:
        close = getattr(records, "close", None)
        if close is not None:
            close()
    return app.return_code or 0
