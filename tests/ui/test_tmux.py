"""The real thing in a real terminal: `simulator play` in a detached tmux session at 100x30.

Types a Chinese reply with full-width punctuation the way a terminal delivers it (`send-keys -l`),
presses Enter, and reads the screen back with capture-pane. Uses its own tmux socket, so a
developer's tmux sessions are never touched.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from uikit import SCENARIOS

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="没有安装 tmux，跳过真实终端测试（apt install tmux）")

REPLY = "您先别着急，请坐下慢慢说？"


def simulator_command() -> str:
    script = Path(sys.executable).with_name("simulator")
    return str(script) if script.exists() else f"{sys.executable} -m simulator"


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def __call__(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "play")

    def wait_for(self, text: str, seconds: float = 20.0) -> str:
        deadline = time.monotonic() + seconds
        while True:
            shown = self.screen()
            if text in shown:
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not appear; the screen shows:\n{shown}")
            time.sleep(0.2)


@pytest.fixture
def tmux(tmp_path):
    server = Tmux(f"jiefang-test-{os.getpid()}")
    yield server
    subprocess.run(["tmux", "-L", server.socket, "kill-server"], capture_output=True, timeout=20)


def test_a_chinese_reply_typed_in_a_real_terminal_is_sent_intact_and_scored(tmux, tmp_path):
    scenario = SCENARIOS / "wages.yaml"
    command = (f"env TERM=xterm-256color SIMULATOR_THEME=textual-dark {simulator_command()} "
               f"--data-dir {tmp_path} play {scenario} --trainee 测试")
    tmux("new-session", "-d", "-s", "play", "-x", "100", "-y", "30", command)
    # Type as soon as the play screen is up, without waiting for the petitioner's first line:
    # keys typed ahead must land in the reply box.
    tmux.wait_for("练习模式")
    tmux("send-keys", "-t", "play", "-l", REPLY)
    tmux.wait_for(REPLY)  # echoed in the reply box before sending
    tmux("send-keys", "-t", "play", "Enter")
    shown = tmux.wait_for("第 1 轮得分")
    assert f"你：{REPLY}" in shown  # the transcript line, full-width punctuation intact
    assert "一分钱没拿到" in shown and "包工头说老板没给他钱" in shown  # the first line and the next
    assert "✓共情：「别着急」" in shown  # feedback with the words that earned the credit
