"""One app process per signed-in trainee, and the reaper that always ends it.

A process is started with exec (no shell, so the PID we hold is the app's) in a session of its
own (so its whole process group can be signalled). Stopping is `quit` on the protocol, then
SIGTERM to the group, then SIGKILL, each after a grace period: a Textual app whose event loop
is starved (a browser that resizes and leaves during start-up) handles neither `quit` nor
SIGTERM's asyncio handler, and must still be gone. The app's own exit guard
(`simulator.ui.web_driver`) ends it from the inside too. An app that was never sent a keystroke
has nothing to save (answers are recorded as they are given) and is killed at once: a storm of
tabs opened and closed must not cost a core for seconds each.

`Registry` holds every process from start until it is reaped: the cap counts them, one trainee
has at most one, and shutting the server down drains it.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .protocol import DATA, HEADER, META, PRELUDE, ProtocolError, keys, meta, parse_header

log = logging.getLogger("simulator.serve")

GRACE = 2.0  # seconds for each step of stopping: quit, then SIGTERM, then SIGKILL
STDERR_TAIL = 8192

Output = Callable[[bytes], Awaitable[None]]
Closed = Callable[[], Awaitable[None]]


def app_command() -> list[str]:
    """The served app: this interpreter running this package's TUI (its settings come in the environment)."""
    return [sys.executable, "-m", "simulator"]


class AppProcess:
    """A Textual app run with the web driver on pipes; `output` gets its screen updates."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], output: Output, closed: Closed,
                 grace: float = GRACE) -> None:
        self.argv = list(argv)
        self.env = dict(env)
        self.output = output
        self.closed = closed  # the app said it exits (or its output ended)
        self.grace = grace
        self.process: asyncio.subprocess.Process | None = None
        self.stderr_tail = b""
        self.typed_to = False  # the trainee has typed: from then on stopping asks the app to quit first
        self._reader: asyncio.Task[None] | None = None
        self._stderr: asyncio.Task[None] | None = None
        self._stopped = asyncio.Event()
        self._stopping: asyncio.Future[int | None] | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self.env, start_new_session=True)
        self._reader = asyncio.create_task(self._read_output())
        self._stderr = asyncio.create_task(self._read_stderr())

    # ------------------------------------------------------------ to the app

    async def _send(self, data: bytes) -> bool:
        process = self.process
        if process is None or process.stdin is None or process.returncode is not None:
            return False
        try:
            process.stdin.write(data)
            await process.stdin.drain()
        except (ConnectionError, RuntimeError, OSError):
            return False
        return True

    async def type(self, text: str) -> bool:
        self.typed_to = True
        return await self._send(keys(text))

    async def resize(self, width: int, height: int) -> bool:
        return await self._send(meta("resize", width=width, height=height))

    async def focus(self, focused: bool) -> bool:
        return await self._send(meta("focus" if focused else "blur"))

    # ------------------------------------------------------------ from the app

    async def _read_output(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        stdout = self.process.stdout
        try:
            for _ in range(20):  # anything printed before the driver starts is not for the browser
                line = await stdout.readline()
                if not line or line == PRELUDE:
                    break
            while True:
                kind, size = parse_header(await stdout.readexactly(HEADER))
                payload = await stdout.readexactly(size)
                if kind == DATA:
                    await self.output(payload)
                elif kind == META and self._meta_type(payload) == "exit":
                    break
                # open_url and file deliveries are not offered to trainees' browsers
        except (asyncio.IncompleteReadError, ConnectionError, ProtocolError) as error:
            if isinstance(error, ProtocolError):
                log.warning("app %s: %s", self.pid, error)
        finally:
            with contextlib.suppress(Exception):
                await self.closed()

    @staticmethod
    def _meta_type(payload: bytes) -> str:
        try:
            return str(json.loads(payload).get("type", ""))
        except (ValueError, AttributeError):
            return ""

    async def _read_stderr(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        while chunk := await self.process.stderr.read(4096):
            self.stderr_tail = (self.stderr_tail + chunk)[-STDERR_TAIL:]

    # ------------------------------------------------------------ the reaper

    async def stop(self) -> int | None:
        """End the app however it behaves: quit, SIGTERM to its group, SIGKILL; returns its exit status.

        Calling it again (or while it runs) waits for the same stop.
        """
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop())
        return await asyncio.shield(self._stopping)

    async def _stop(self) -> int | None:
        process = self.process
        if process is None:
            return None
        try:
            if process.returncode is None and not self.typed_to:
                # Nobody typed a key: there is no answer to save, and an app still starting up (a tab
                # opened and closed at once) would spend a core on it until the deadlines. End it now.
                self._signal_group(signal.SIGKILL)
                await process.wait()
            elif process.returncode is None:
                await self._send(meta("quit"))
                if not await self._exited(self.grace):
                    self._signal_group(signal.SIGTERM)
                    if not await self._exited(self.grace):
                        self._signal_group(signal.SIGKILL)
                        await process.wait()
        finally:
            for task in (self._reader, self._stderr):
                if task is not None and not task.done():
                    task.cancel()
            if process.stdin is not None:
                with contextlib.suppress(Exception):
                    process.stdin.close()
            self._stopped.set()
        return process.returncode

    async def wait_stopped(self) -> None:
        await self._stopped.wait()

    async def _exited(self, timeout: float) -> bool:
        assert self.process is not None
        try:
            await asyncio.wait_for(self.process.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        return True

    def _signal_group(self, number: signal.Signals) -> None:
        assert self.process is not None
        if self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)  # its own session: the group id is its pid


@dataclass
class Live:
    """A trainee's live session: the process and how to tell its browser tab to go."""

    key: tuple[int, str]  # (class id, trainee)
    process: AppProcess
    evict: Callable[[str], Awaitable[None]]  # show a line in the tab and close it
    stopped: asyncio.Event = field(default_factory=asyncio.Event)


class RoomFull(Exception):
    """The server already runs as many sessions as it may."""


class Registry:
    """Every app process from start until reaped: at most `capacity`, at most one per trainee."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._live: dict[tuple[int, str], Live] = {}
        self._stopping: set[AppProcess] = set()
        self._locks: dict[tuple[int, str], asyncio.Lock] = {}

    def __len__(self) -> int:
        return len(self._live) + len(self._stopping)

    @property
    def full(self) -> bool:
        return len(self) >= self.capacity

    def is_live(self, key: tuple[int, str]) -> bool:
        return key in self._live

    def lock(self, key: tuple[int, str]) -> asyncio.Lock:
        """Held while a trainee's session is being replaced, so two tabs cannot both start one."""
        return self._locks.setdefault(key, asyncio.Lock())

    async def take_over(self, key: tuple[int, str], note: str, timeout: float = 4 * GRACE) -> bool:
        """Ask the trainee's other tab to go and wait until its process is reaped; False if it did not."""
        old = self._live.get(key)
        if old is None:
            return True
        await old.evict(note)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(old.stopped.wait(), timeout)
        return key not in self._live

    def add(self, live: Live) -> None:
        if self.full:
            raise RoomFull
        self._live[live.key] = live

    async def reap(self, live: Live) -> None:
        """Stop the process (shielded: a cancelled handler still reaps) and forget it."""
        if self._live.get(live.key) is live:
            del self._live[live.key]
        self._stopping.add(live.process)
        try:
            await live.process.stop()
        finally:
            self._stopping.discard(live.process)
            live.stopped.set()

    def of_class(self, class_id: int) -> list[Live]:
        return [live for key, live in self._live.items() if key[0] == class_id]

    async def drain(self, note: str) -> None:
        """Server shutdown: every tab told, every process reaped."""
        lives = list(self._live.values())
        await asyncio.gather(*(live.evict(note) for live in lives), return_exceptions=True)
        await asyncio.gather(*(self.reap(live) for live in lives), return_exceptions=True)
        await asyncio.gather(*(p.wait_stopped() for p in list(self._stopping)), return_exceptions=True)
