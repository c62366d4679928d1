"""Messages posted up to the app by more than one screen or provider.

Screens and widgets never call the app's own methods: they post a message and the app, which
owns navigation, the library and the records, handles it (`JiefangApp.on_open_scenario`, ...).
Messages that belong to one screen are nested in its class (`PlayScreen.Ended`, ...).
"""
from __future__ import annotations

from textual.message import Message

from .library import ScenarioEntry


class OpenScenario(Message):
    """Play a library entry: from the home screen or the command palette."""

    def __init__(self, entry: ScenarioEntry, mode: str | None = None) -> None:
        super().__init__()
        self.entry = entry
        self.mode = mode  # None: the mode chosen on the home screen
