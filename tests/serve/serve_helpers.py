"""Helpers for the server tests: a terminal screen rebuilt from what a websocket was sent."""
from __future__ import annotations

import asyncio
import os
from collections.abc import Callable

import aiohttp
import pyte

TOKEN = "instructor-t0ken"  # the console's token in the in-process server's options
ROSTER = ["张三", "李四", "王五"]


class Screen:
    """What a browser's terminal would show, fed with the frames the page received."""

    def __init__(self, width: int = 120, height: int = 36) -> None:
        self.screen = pyte.Screen(width, height)
        self.stream = pyte.ByteStream(self.screen)
        self.received = b""

    def feed(self, data: bytes) -> None:
        self.received += data
        self.stream.feed(data)

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)


async def read_until(ws: aiohttp.ClientWebSocketResponse, screen: Screen, done: Callable[[Screen], bool],
                     timeout: float = 60.0) -> bool:
    """Feed the screen from the socket until `done(screen)`; False if the socket closed or time ran out first."""

    async def read() -> bool:
        while not done(screen):
            message = await ws.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                screen.feed(message.data)
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                return done(screen)
        return True

    try:
        return await asyncio.wait_for(read(), timeout)
    except asyncio.TimeoutError:
        return False


def alive(pid: int) -> bool:
    """True while a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return False


def processes_with(marker: str) -> list[int]:
    """Processes whose environment mentions `marker` (a test's own temporary folder)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open(f"/proc/{entry}/environ", "rb") as environ:
                    if marker.encode() in environ.read() and alive(int(entry)):
                        found.append(int(entry))
            except OSError:
                continue
    return found
