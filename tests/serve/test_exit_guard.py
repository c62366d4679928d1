"""The served TUI's exit guard: it ends by itself, without the reaper, when the server goes away,
when it is sent `quit` during the start-up that starves Textual's event loop (a browser that
resizes and leaves at once), and on SIGTERM then. The reaper's grace is set far beyond the test,
so only the app's own guard can end it in time."""
from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest
from serve_helpers import alive

from simulator.serve.process import AppProcess, app_command
from simulator.serve.server import app_environment
from simulator.ui.web_driver import GRACE

DEADLINE = GRACE + 12  # seconds: the guard's grace, plus start-up on a busy two-core machine


async def start(make_settings) -> tuple[AppProcess, asyncio.Event]:
    first_frame = asyncio.Event()

    async def output(data: bytes) -> None:
        first_frame.set()

    async def closed() -> None:
        pass

    env = app_environment(make_settings(), "学员", "", 133, 36)
    process = AppProcess(app_command(), env, output, closed, grace=600)
    await process.start()
    return process, first_frame


async def ended_by_itself(process: AppProcess) -> float:
    began = time.monotonic()
    assert process.process is not None
    try:
        await asyncio.wait_for(process.process.wait(), DEADLINE)
    except asyncio.TimeoutError:
        os.killpg(process.pid, signal.SIGKILL)
        await process.process.wait()
        pytest.fail(f"the served app was still running {DEADLINE} s later")
    return time.monotonic() - began


async def test_the_app_ends_when_the_server_goes_away(make_settings):
    process, first_frame = await start(make_settings)
    await asyncio.wait_for(first_frame.wait(), 60)
    assert process.process is not None and process.process.stdin is not None
    process.process.stdin.close()  # what a killed server leaves behind
    await ended_by_itself(process)


@pytest.mark.parametrize("ending", ["quit", "sigterm"])
async def test_the_app_ends_after_a_resize_and_leave_during_start_up(make_settings, ending):
    process, _ = await start(make_settings)
    await asyncio.sleep(0.1)
    await process.resize(90, 28)  # a different size from the one it was started with
    await asyncio.sleep(0.1)
    if ending == "quit":
        await process._send(b"M" + len(b'{"type": "quit"}').to_bytes(4, "big") + b'{"type": "quit"}')
    else:
        os.kill(process.pid or 0, signal.SIGTERM)  # the process alone, not its group
    await ended_by_itself(process)
    assert not alive(process.pid or 0)
