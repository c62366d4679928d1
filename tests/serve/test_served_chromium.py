"""A served page in a real browser: headless Chromium signs in with the class code and a roster name,
the trainee types a reply through the terminal (xterm.js, the websocket, the app), and feedback
comes back. `simulator serve` runs as the operator would start it; when it stops, no app process
of it is left."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from browser import Browser, chromium
from png_pixels import colour_counts
from serve_helpers import Screen, processes_with

from simulator.store.classes import Classes
from simulator.store.store import Store

BROWSER = chromium()
needs_browser = pytest.mark.skipif(
    BROWSER is None, reason="Chromium is not installed (Debian: apt-get install -y chromium; .ci/run does this)")
REPLY = "您好，我是接待员小李。干了八个月一分钱没拿到，搁谁都窝火。工钱一共欠了多少？"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`simulator serve` on loopback, with a class assigned the wage-arrears scenario."""
    data = tmp_path / "data"
    with Store.open(data) as store:
        classes = Classes(store)
        klass = classes.create("浏览器测试班", ["周敏", "吴刚"])
        classes.assign(klass.id, ["wage_arrears"])
    port = free_port()
    env = {**os.environ, "SIMULATOR_DATA_DIR": str(data), "SIMULATOR_CACHE_DIR": str(tmp_path / "cache"),
           "SIMULATOR_CONTENT_DIR": str(tmp_path / "content"), "SIMULATOR_INSTRUCTOR_TOKEN": "t"}
    process = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--host", "127.0.0.1", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", klass.code, data
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    for _ in range(50):  # the server reaped its app processes before it exited
        if not processes_with(str(data)):
            break
        time.sleep(0.1)
    assert processes_with(str(data)) == []


@needs_browser
async def test_a_trainee_signs_in_replies_and_sees_feedback_in_chromium(server, tmp_path):
    base, code, data = server
    assert BROWSER is not None
    browser = await Browser.start(BROWSER, tmp_path / "profile")
    try:
        page = await browser.page()
        await page.goto(base + "/")
        await page.submitted(f"document.querySelector('#code').value = '{code}'; document.forms[0].submit()")
        assert await page.evaluate("document.querySelector('#name') !== null"), await page.evaluate(
            "document.body.innerText")
        await page.submitted("document.querySelector('#name').value = '周敏'; document.forms[0].submit()")
        assert await page.evaluate("location.pathname") == "/play"

        screen = Screen(width=200, height=80)
        fed = 0

        async def wait_for(text: str, timeout: float = 90) -> bool:
            nonlocal fed
            for _ in range(int(timeout * 10)):
                for frame in page.frames[fed:]:
                    screen.feed(frame)
                fed = len(page.frames)
                if text in screen.text:
                    return True
                await asyncio.sleep(0.1)
            return False

        assert await wait_for("把安全帽往桌上一摔"), screen.text  # the assigned scenario opened by itself
        await page.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        await page.type_text(REPLY)
        assert await wait_for(REPLY[:10]), screen.text
        await page.press_enter()
        assert await wait_for("第 1 轮得分"), screen.text
        assert "共情安抚" in screen.text  # the feedback names the criterion the reply earned

        shot = await page.screenshot()
        (tmp_path / "served.png").write_bytes(shot)  # kept for a look when this fails
        colours = colour_counts(shot)
        assert len(colours) > 20, f"the page looks blank: {len(colours)} colours"
        assert page.problems == []  # no script errors, no refused or missing loads
        await page.close()
    finally:
        await browser.close()

    with Store.open(data) as store:
        [record] = Classes(store).sessions(Classes(store).get(code).id)
    assert record.trainee == "周敏" and [t.reply for t in record.turns] == [REPLY]
