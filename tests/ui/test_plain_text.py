"""Issue 16, finding 2: no control sequence from a name, a reply or a scenario reaches the terminal.

The TUI turns text into Content only through `ui.plain` (which shows control characters
visibly); this test reads every UI module and fails on any other way in. The end-to-end check
runs the real TUI in a pseudo-terminal with a hostile trainee name and reply, and reads the raw
bytes it writes.
"""
from __future__ import annotations

import ast
import os
import re
import select
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.text import Text
from textual.content import Content
from uikit import SCENARIOS

from simulator.ui.plain import Plain, plain_text

UI = Path(__file__).resolve().parents[2] / "simulator" / "ui"
CONTENT_MAKERS = {"Content", "Text"}
OWN_MARKUP = {("widgets/mode_switch.py", "Content.from_markup")}  # fixed labels carrying a click action
OSC_TITLE = "\x1b]0;PWNED\x07"


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return f"{_name(func.value)}.{func.attr}"
    return ""


@pytest.mark.parametrize("path", sorted(p for p in UI.rglob("*.py") if p.name != "plain.py"),
                         ids=lambda p: str(p.relative_to(UI)))
def test_the_ui_makes_content_and_notifications_only_through_plain(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    for call in _calls(tree):
        name = _name(call.func)
        mine = (str(path.relative_to(UI)), name) in OWN_MARKUP
        if name.split(".")[0] in CONTENT_MAKERS and name != "Content.join" and not mine:
            problems.append(f"line {call.lineno}: {name}(...) (use Plain / plain_text)")
        if name.endswith(".notify") and not (call.args and isinstance(call.args[0], ast.Constant)):
            problems.append(f"line {call.lineno}: notify with computed text (use notify_plain)")
    assert problems == []


def test_plain_shows_control_characters_and_keeps_spans_aligned():
    hostile = f"老{OSC_TITLE}周\x9b31m"
    content = Plain.assemble(("名字：", "bold"), hostile)
    assert "\x1b" not in content.plain and "\x07" not in content.plain and "\x9b" not in content.plain
    assert content.plain == "名字：老␛]0;PWNED␇周�31m"
    assert len(Plain(hostile).plain) == len(hostile)  # evidence spans index the same characters
    assert isinstance(Plain.styled(hostile, "bold"), Content)
    assert "\x1b" not in plain_text(hostile).plain and isinstance(plain_text(hostile), Text)


def _read_for(fd: int, seconds: float, until: bytes = b"") -> bytes:
    out = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (until and until in out):
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
    return out


def simulator() -> str:
    script = Path(sys.executable).parent / "simulator"
    return str(script) if script.exists() else "simulator"


def in_pty(command: list[str], keys: list[tuple[bytes, str]], env: dict[str, str] | None = None) -> str:
    """Run `command` on a pseudo-terminal; type each key once the screen shows its text; all it wrote."""
    import fcntl
    import pty
    import termios

    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 200, 0, 0))  # rows, columns
    # Its own session: nothing the program does to its terminal or process group reaches pytest.
    process = subprocess.Popen(command, stdin=child, stdout=child, stderr=child, close_fds=True, start_new_session=True,
                               env={**{k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")},
                                    "TERM": "xterm-256color", **(env or {})})
    os.close(child)
    shown = b""
    try:
        for key, awaited in keys:
            shown += _read_for(main, 60, awaited.encode())
            time.sleep(1)  # let the screen settle (a busy machine draws slowly)
            shown += _read_for(main, 0.5)
            os.write(main, key)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            shown += _read_for(main, 0.5)
        shown += _read_for(main, 0.5)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        os.close(main)
    return shown.decode("utf-8", "replace")


@pytest.fixture
def hostile_file(tmp_path):
    """A scenario file that does not load, in a folder whose name carries a window-title command."""
    folder = tmp_path / f"课件{OSC_TITLE}"
    folder.mkdir()
    path = folder / "wages.yaml"
    path.write_text((SCENARIOS / "wages.yaml").read_text(encoding="utf-8").replace("nodes:", "nodez:", 1),
                    encoding="utf-8")
    return path


@pytest.fixture
def hostile_say(tmp_path):
    """A playable scenario whose first line renders a window-title command: the template writes
    the escapes, so the loader's SC017 (control characters in the file) cannot see them."""
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "rubrics").mkdir()
    for rubric in (SCENARIOS.parent / "rubrics").glob("*.yaml"):
        (tmp_path / "rubrics" / rubric.name).write_text(rubric.read_text(encoding="utf-8"), encoding="utf-8")
    line = "我在工地干了一年，一分钱没拿到！你们今天必须给我个说法！"
    path = tmp_path / "scenarios" / "hostile_say.yaml"
    path.write_text((SCENARIOS / "wages.yaml").read_text(encoding="utf-8").replace(
        f"say: {line}", "say: '{{ \"\\x1b]0;PWNED\\x07\" }}" + line + "'"), encoding="utf-8")
    return path


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


@posix_only
def test_the_command_line_prints_no_escape_byte_for_hostile_paths_names_and_replies(tmp_path, hostile_file,
                                                                                     hostile_say):
    replies = tmp_path / "replies.txt"
    replies.write_text(f"您先别着急{OSC_TITLE}，慢慢说\n\x1b[2J清屏\n".replace("\\n", "\n"), encoding="utf-8")
    outputs = [
        in_pty([simulator(), "validate", str(hostile_file)], []),
        in_pty([simulator(), "--data-dir", str(tmp_path), "play", str(SCENARIOS / "wages.yaml"),
                "--script", str(replies)], []),
        in_pty([simulator(), "--data-dir", str(tmp_path), "play", str(SCENARIOS / "wages.yaml"),
                "--trainee", f"小王{OSC_TITLE}", "--script", str(replies)], []),
        in_pty([simulator(), "--data-dir", str(tmp_path), "play", str(hostile_file), "--script", str(replies)], []),
        in_pty([simulator(), "--data-dir", str(tmp_path), "play", str(hostile_say), "--script", str(replies),
                "--trainee", "小王"], []),
        in_pty([simulator(), "--data-dir", str(tmp_path), "report", "1", "--format", "md"], []),
        in_pty([simulator(), "--data-dir", str(tmp_path), "history"], []),
    ]
    for shown in outputs:
        assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown, shown
    assert "课件␛]0;PWNED␇" in outputs[0]  # the path, shown visibly
    assert "[第 1 轮]" in outputs[1] and "您先别着急，慢慢说" in outputs[1]  # the reply, cleaned at entry
    assert "控制字符" in outputs[2]  # a name with control characters is refused
    assert "␛]0;PWNED␇我在工地干了一年" in outputs[4]  # an authored line that renders escapes, visibly
    assert "PWNED" in outputs[5] and "小王" in outputs[6]  # the report to stdout and the history, too


@posix_only
def test_the_tui_shows_a_hostile_path_visibly_and_never_as_a_command(tmp_path, hostile_file):
    """`play --watch` on a file that does not load: the waiting screen shows its path and errors."""
    shown = in_pty([simulator(), "--data-dir", str(tmp_path), "play", "--watch", str(hostile_file)],
                   [(b"\x11", "wages.yaml:21:1")], env={"SIMULATOR_THEME": "textual-dark"})  # then ctrl+q
    assert "等待场景可用" in shown  # the screen did draw
    assert "\x1b]0;PWNED" not in shown and "PWNED\x07" not in shown
    screen = re.sub(r"\x1b\[[0-9;?<>$]*[a-zA-Z]", "", shown)  # the text drawn, without Textual's own CSI
    assert "课件␛]0;PWNED␇/wages.yaml" in screen  # the path in the status line and the errors, visibly


@posix_only
def test_the_tui_shows_an_authored_line_that_renders_escapes_visibly(tmp_path, hostile_say):
    shown = in_pty([simulator(), "--data-dir", str(tmp_path), "play", str(hostile_say), "--trainee", "小王"],
                   [(b"\x11", "PWNED")], env={"SIMULATOR_THEME": "textual-dark"})  # ctrl+q once the line shows
    assert "练习模式" in shown and "\x1b]0;PWNED" not in shown and "PWNED\x07" not in shown
    screen = re.sub(r"\x1b\[[0-9;?<>$]*[a-zA-Z]", "", shown)
    assert "␛]0;PWNED␇我在工地" in screen  # in the transcript, visibly
