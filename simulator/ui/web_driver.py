"""Textual's web driver with an exit guard, for the TUI that `simulator serve` runs per trainee.

A served app whose event loop never yields (Textual 8.2.8: a browser that resizes and leaves
during start-up sets the screen ping-ponging between two sizes) never handles the `quit` it is
sent, nor SIGTERM, whose handler asyncio would run on that same loop. The guard arms a timer
thread that ends the process GRACE seconds after any sign that it should go: `quit` from the
server, its input closing (the server is gone), SIGTERM or SIGINT (a plain Python handler, which
runs between bytecodes even while asyncio is starved). A normal exit gets there first. Every
answered turn is committed when it is answered, so ending the process loses no record.
"""
from __future__ import annotations

import os
import signal
import threading
from typing import Any

from textual import messages
from textual.drivers.web_driver import WebDriver

GRACE = 2.0


class GuardedWebDriver(WebDriver):
    """`TEXTUAL_DRIVER=simulator.ui.web_driver:GuardedWebDriver` (set by the server)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guard: threading.Timer | None = None
        self._guard_lock = threading.Lock()

    def arm_exit_guard(self) -> None:
        """End the process in GRACE seconds unless it has ended by then."""
        with self._guard_lock:
            if self._guard is None:
                self._guard = threading.Timer(GRACE, os._exit, (0,))
                self._guard.daemon = True
                self._guard.start()

    def start_application_mode(self) -> None:
        super().start_application_mode()
        # Asyncio's handlers (set just above) post ExitApp on the loop; asyncio still sees the
        # signals through its wakeup fd, and this handler also arms the guard from any thread state.
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, self._on_signal)

    def _on_signal(self, number: int, frame: object) -> None:
        self.arm_exit_guard()

    def on_meta(self, packet_type: str, payload: dict[str, object]) -> None:
        if packet_type == "quit":
            self.arm_exit_guard()
        super().on_meta(packet_type, payload)

    def run_input_thread(self) -> None:
        super().run_input_thread()
        # Input is over: either the app is stopping, or the server went away (stdin closed),
        # in which case nobody will ever send `quit`.
        if not self.exit_event.is_set():
            self._app.post_message(messages.ExitApp())
        self.arm_exit_guard()
