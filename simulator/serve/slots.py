"""Start-up slots: a class signing in at once is started a few apps at a time.

Starting the served TUI costs about a CPU-second (interpreter, Textual, the engine, loading and
compiling the scenario and rubric). Twenty trainees signing in together would otherwise share two
cores twenty ways, and the ones already playing would wait seconds for their keystrokes to echo.
A slot is held from just before an app is started until it settles: its CPU use falls below a
fifth of a core for two samples in a row after it has drawn something (read from /proc; where
there is no /proc, at its first output), or START_SLOT_SECONDS at most.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

START_SLOT_SECONDS = 15.0
SAMPLE_SECONDS = 0.2
SETTLED = 0.2  # of a core
QUEUED = "正在启动演练程序，请稍候……（同时登录的人较多）"


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a process so far; None if it is gone or there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class StartSlot:
    """One app's place in the start-up queue."""

    def __init__(self, slots: asyncio.Semaphore) -> None:
        self.slots = slots
        self.held = False
        self.drew = False  # the app has sent output
        self._at_output = False  # no /proc: give the slot back at the first output
        self._watcher: asyncio.Task[None] | None = None

    async def acquire(self, ws: web.WebSocketResponse, request: web.Request) -> bool:
        """Wait for a slot (telling the tab if that takes a while); False if the tab went away meanwhile."""
        waiting = asyncio.ensure_future(self.slots.acquire())
        done, _ = await asyncio.wait({waiting}, timeout=0.5)
        if not done:
            try:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await ws.send_bytes(f"\r\n  {QUEUED}\r\n".encode())
                await waiting
            except asyncio.CancelledError:  # the handler is going: never leave a slot taken
                if waiting.done() and not waiting.cancelled():
                    self.slots.release()
                waiting.cancel()
                raise
        self.held = True
        if ws.closed or request.transport is None or request.transport.is_closing():
            self.release()
            return False
        return True

    def started(self, pid: int) -> None:
        """The app is running: give the slot back once it settles."""
        if cpu_seconds(pid) is None:
            self._at_output = True
        self._watcher = asyncio.ensure_future(self._watch(pid))

    def output(self) -> None:
        self.drew = True
        if self._at_output:
            self.release()

    async def _watch(self, pid: int) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_SLOT_SECONDS
        last = cpu_seconds(pid)
        calm = 0
        try:
            while self.held and loop.time() < deadline and not self._at_output:
                await asyncio.sleep(SAMPLE_SECONDS)
                now = cpu_seconds(pid)
                if now is None or last is None:
                    break  # the app is gone
                calm = calm + 1 if self.drew and (now - last) / SAMPLE_SECONDS < SETTLED else 0
                last = now
                if calm >= 2:
                    break
            if self._at_output:
                await asyncio.sleep(max(0.0, deadline - loop.time()))
        finally:
            self.release()

    def release(self) -> None:
        if self.held:
            self.held = False
            self.slots.release()
