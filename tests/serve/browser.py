"""Headless Chromium driven over the DevTools protocol (a small client on aiohttp's websocket).

`Browser.start(profile)` launches Debian's chromium with a fresh profile and a debugging port on
loopback; `browser.page()` attaches to its tab. A page can navigate, evaluate JavaScript, type
through the real input path (`Input.insertText`, key events), take a screenshot, and it keeps
every websocket frame the page received (so a test can rebuild the terminal screen it was sent)
and every console error or CSP refusal.
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

import aiohttp


def chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--remote-debugging-address=127.0.0.1",
         "--remote-debugging-port=0", "--window-size=1280,800"]


class Page:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[Any]] = {}
        self.frames: list[bytes] = []  # binary websocket frames the page received, in order
        self.problems: list[str] = []  # console errors, uncaught exceptions, refused loads
        self._loaded = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            data = json.loads(message.data)
            if "id" in data:
                future = self._waiting.pop(data["id"], None)
                if future is not None and not future.done():
                    future.set_result(data)
                continue
            self._event(data.get("method", ""), data.get("params", {}))

    def _event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Network.webSocketFrameReceived":
            response = params["response"]
            if response.get("opcode") == 2:
                self.frames.append(base64.b64decode(response["payloadData"]))
        elif method == "Page.loadEventFired":
            self._loaded.set()
        elif method == "Runtime.exceptionThrown":
            self.problems.append(json.dumps(params["exceptionDetails"], ensure_ascii=False)[:500])
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.problems.append(params["entry"].get("text", ""))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.problems.append(json.dumps(params.get("args"), ensure_ascii=False)[:500])

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting[number] = future
        await self.ws.send_json({"id": number, "method": method, "params": params})
        reply = await asyncio.wait_for(future, 30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def goto(self, url: str) -> None:
        self._loaded.clear()
        await self.send("Page.navigate", url=url)
        await asyncio.wait_for(self._loaded.wait(), 30)

    async def submitted(self, script: str) -> None:
        """Run a script that submits a form, and wait for the page it leads to."""
        self._loaded.clear()
        await self.evaluate(script)
        await asyncio.wait_for(self._loaded.wait(), 30)

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    async def type_text(self, text: str) -> None:
        await self.send("Input.insertText", text=text)

    async def press_enter(self) -> None:
        for kind in ("keyDown", "keyUp"):
            await self.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                            windowsVirtualKeyCode=13, nativeVirtualKeyCode=13,
                            **({"text": "\r"} if kind == "keyDown" else {}))

    async def screenshot(self) -> bytes:
        return base64.b64decode((await self.send("Page.captureScreenshot", format="png"))["data"])

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(BaseException):
            await self._reader
        await self.ws.close()


class Browser:
    def __init__(self, process: subprocess.Popen[bytes], endpoint: str, http: aiohttp.ClientSession) -> None:
        self.process = process
        self.endpoint = endpoint  # http://127.0.0.1:PORT
        self.http = http

    @classmethod
    async def start(cls, executable: str, profile: Path) -> Browser:
        """Launch Chromium in a session of its own; its log goes to a file (a pipe would be held open
        by the crash handler it leaves running, and a reader of it would never finish)."""
        profile.mkdir(parents=True, exist_ok=True)
        log = profile / "chromium.log"
        with log.open("w") as sink:
            process = subprocess.Popen([executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                       stdout=subprocess.DEVNULL, stderr=sink, start_new_session=True)
        endpoint = ""
        for _ in range(600):
            found = re.search(r"DevTools listening on ws://([\d.]+:\d+)/", log.read_text(errors="replace"))
            if found:
                endpoint = f"http://{found.group(1)}"
                break
            if process.poll() is not None:
                break
            await asyncio.sleep(0.1)
        if not endpoint:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            raise RuntimeError(f"Chromium did not open its debugging port: {log.read_text()[-500:]}")
        return cls(process, endpoint, aiohttp.ClientSession())

    async def page(self) -> Page:
        async with self.http.get(self.endpoint + "/json/list") as response:
            targets = await response.json(content_type=None)
        target = next(t for t in targets if t.get("type") == "page")
        ws = await self.http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0)
        page = Page(ws)
        for domain in ("Page", "Runtime", "Network", "Log"):
            await page.send(f"{domain}.enable")
        return page

    async def close(self) -> None:
        await self.http.close()
        for number in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, number)  # the browser and its helper processes
            for _ in range(50):
                if self.process.poll() is not None:
                    return
                await asyncio.sleep(0.1)
