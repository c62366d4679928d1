"""Fixtures for driving the TUI: fixture content from tests/data/ui/, fixed clock, in-memory records."""
from __future__ import annotations

import pytest
from uikit import RUBRICS, SCENARIOS, fixed_clock

from simulator.ui.app import JiefangApp
from simulator.ui.library import DiskLibrary
from simulator.ui.records import MemoryRecords


@pytest.fixture
def library() -> DiskLibrary:
    return DiskLibrary([SCENARIOS], [RUBRICS])


@pytest.fixture
def make_app(library):
    """Build the app on fixture content; keyword arguments pass through to JiefangApp."""

    def make(**kwargs) -> JiefangApp:
        kwargs.setdefault("records", MemoryRecords(clock=fixed_clock))
        kwargs.setdefault("trainee", "张三")
        kwargs.setdefault("theme", "textual-dark")
        kwargs.setdefault("seeds", lambda: 0)  # the order of beginner options, the same in every run
        app = JiefangApp(library, **kwargs)
        app.animation_level = "none"
        return app

    return make
