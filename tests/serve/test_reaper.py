"""The reaper: an app process ends however it behaves, with its whole process group; the registry's
cap and drain. Fake apps stand in for the TUI, so each behaviour is exact."""
from __future__ import annotations

import asyncio
import sys
import time

import pytest
from serve_helpers import alive

from simulator.serve.process import AppProcess, Live, Registry, RoomFull
from simulator.serve.protocol import DATA, PRELUDE, ProtocolError, keys, meta, packet, parse_header

# Prints the prelude and one frame, then ends when it reads the quit meta (as Textual's web driver does).
POLITE = r"""
import json, sys
out = sys.stdout.buffer
out.write(b"__GANGLION__\n"); out.write(b"D" + (5).to_bytes(4, "big") + b"hello"); out.flush()
data = sys.stdin.buffer
while header := data.read(5):
    body = data.read(int.from_bytes(header[1:], "big"))
    if header[:1] == b"M" and json.loads(body)["type"] == "quit":
        sys.exit(0)
"""
# Ignores quit and SIGTERM, and has a child in its process group (what the spinning orphan amounts to).
STUBBORN = r"""
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
sleeper = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"
child = subprocess.Popen([sys.executable, "-c", sleeper])
pid = str(child.pid).encode()
sys.stdout.buffer.write(b"__GANGLION__\nD" + len(pid).to_bytes(4, "big") + pid)
sys.stdout.flush()
time.sleep(600)
"""


class Collected:
    def __init__(self) -> None:
        self.output = b""
        self.closed = asyncio.Event()

    async def write(self, data: bytes) -> None:
        self.output += data

    async def close(self) -> None:
        self.closed.set()


async def run(script: str, grace: float = 0.5, typed: bool = True) -> tuple[AppProcess, Collected]:
    """A fake app, up and (unless `typed` is False) sent a keystroke, so stopping it asks it to quit first."""
    seen = Collected()
    process = AppProcess([sys.executable, "-c", script], {"PATH": "/usr/bin:/bin"}, seen.write, seen.close, grace)
    await process.start()
    for _ in range(200):
        if seen.output:
            break
        await asyncio.sleep(0.05)
    if typed:
        await process.type("好")
    return process, seen


def test_packets_are_framed_as_the_web_driver_reads_them():
    assert keys("好") == b"D\x00\x00\x00\x03" + "好".encode()
    assert meta("resize", width=80, height=24) == b'M\x00\x00\x00\x2d{"type": "resize", "width": 80, "height": 24}'
    assert parse_header(packet(DATA, b"x" * 300)[:5]) == (DATA, 300)
    for junk in (PRELUDE[:5], b"D\xff\xff\xff\xff"):
        with pytest.raises(ProtocolError):
            parse_header(junk)


async def test_a_polite_app_ends_on_quit_at_once():
    process, seen = await run(POLITE)
    assert seen.output == b"hello"
    began = time.monotonic()
    assert await process.stop() == 0
    assert time.monotonic() - began < 0.5 and seen.closed.is_set()


async def test_a_stubborn_app_and_its_child_are_killed():
    process, seen = await run(STUBBORN)
    child = int(seen.output)
    assert alive(child)
    began = time.monotonic()
    assert await process.stop() == -9  # quit ignored, SIGTERM ignored: SIGKILL to the group
    assert 0.9 < time.monotonic() - began < 5
    for _ in range(50):
        if not alive(child):
            break
        await asyncio.sleep(0.05)
    assert not alive(process.pid) and not alive(child)


async def test_an_app_nobody_typed_to_is_killed_at_once():
    process, _ = await run(POLITE, grace=5, typed=False)  # a tab opened and closed during start-up
    began = time.monotonic()
    assert await process.stop() == -9
    assert time.monotonic() - began < 1


async def test_stopping_twice_is_one_stop():
    process, _ = await run(STUBBORN)
    first, second = await asyncio.gather(process.stop(), process.stop())
    assert first == second == -9


async def test_the_registry_caps_takes_over_and_drains():
    registry = Registry(capacity=2)
    told: list[str] = []

    async def live(name: str) -> Live:
        process, _ = await run(STUBBORN, grace=0.2)

        async def evict(note: str) -> None:
            told.append(f"{name}: {note}")
            await registry.reap(entry)

        entry = Live((1, name), process, evict)
        registry.add(entry)
        return entry

    first = await live("甲")
    await live("乙")
    with pytest.raises(RoomFull):
        registry.add(Live((1, "丙"), first.process, first.evict))
    assert await registry.take_over((1, "甲"), "换了窗口")
    assert told == ["甲: 换了窗口"] and not alive(first.process.pid) and len(registry) == 1
    await registry.drain("关闭")
    assert told[-1] == "乙: 关闭" and len(registry) == 0
