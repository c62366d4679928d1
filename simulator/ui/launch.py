"""Starting the TUI from the command line: build the data sources, run the app, clean up.

Only Textual and this package's UI modules are imported up front; the record store (and with
it the engine) is opened lazily, from a worker thread, after the first frame.
"""
from __future__ import annotations

import getpass
import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine.model import Rubric, Scenario
    from .records import Records


def default_trainee() -> str:
    name = os.environ.get("SIMULATOR_TRAINEE", "").strip()
    if name:
        return name
    try:
        return getpass.getuser() or "学员"
    except Exception:  # no user name in containers without a passwd entry
        return "学员"


def open_records(data_dir: str | None) -> Records | None:
    """The on-disk record keeper when simulator.store provides one, opened on first use; else None."""
    if importlib.util.find_spec("simulator.store") is None:
        return None
    from .records import LazyRecords

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


def run_app(scenarios_dir: Path, rubrics_dir: Path, *, data_dir: str | None = None, trainee: str | None = None,
            play: tuple[Scenario, Rubric] | None = None, mode: str = "practice") -> int:
    from .app import JiefangApp
    from .library import DiskLibrary

    records = open_records(data_dir)
    app = JiefangApp(DiskLibrary(scenarios_dir, rubrics_dir, index=index_path), records, trainee or default_trainee(),
                     play=play, mode=mode)
    try:
        app.run()
    finally:
        close = getattr(records, "close", None)
        if close is not None:
            close()
    return app.return_code or 0
