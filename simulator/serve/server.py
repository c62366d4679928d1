"""The classroom server: sign-in from a class roster, the terminal page, and the websocket bridge
to one app process per signed-in trainee (the console's routes are in `console`).

The browser side is textual-serve's terminal client (its static files, served from the installed
package); the server side is ours: no app process is started for a request without a trainee's
pass, the websocket's Origin must be this server, a trainee has one live session (a second tab
takes over: the first is told and closed, its process reaped before the new one starts), and
the room has a cap.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

from ..settings import Settings, served_environment
from ..store.classes import Classes, ClassInfo
from ..store.records import StoreError
from ..store.store import Store, stamp
from .access import CONSOLE_COOKIE, PASS_COOKIE, Access, Pass, same_origin
from .pages import Pages
from .process import GRACE, AppProcess, Live, Registry, app_command
from .slots import StartSlot

log = logging.getLogger("simulator.serve")
T = TypeVar("T")

MAX_INPUT = 64 * 1024  # one websocket message of keystrokes (a paste)
TYPED_EVERY = 10.0  # seconds between writes of a trainee's last keystroke
TAKEN_OVER = "此姓名已在另一个窗口登录，本窗口已断开。"
FULL = "教室已满：本服务器同时最多 {n} 人。请稍后刷新重试，或请教员增加名额。"
ENDED = "教员已结束本次课堂，记录已保存。"
SHUTDOWN = "服务器正在关闭，记录已保存。"
GUARDED_DRIVER = "simulator.ui.web_driver:GuardedWebDriver"
Key = tuple[int, str]


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    capacity: int = 60
    instructor_token: str = ""
    grace: float = GRACE
    starts: int = 0  # app processes starting up at once (0: one per core)


def textual_client() -> Path:
    """textual-serve's browser client (xterm.js and the protocol), as installed."""
    root = resources.files("textual_serve") / "static"
    assert isinstance(root, Path), "textual-serve must be installed as plain files"
    return root


def own_assets() -> Path:
    root = resources.files("simulator.serve") / "assets"
    assert isinstance(root, Path), "simulator must be installed as plain files"
    return root


def app_environment(settings: Settings, trainee: str, class_id: int | str, width: int, height: int) -> dict[str, str]:
    """A served TUI's environment: its settings, and Textual's web driver (with our exit guard) at this size."""
    return {**served_environment(settings, trainee, class_id), "TEXTUAL_DRIVER": GUARDED_DRIVER, "TEXTUAL_FPS": "60",
            "TEXTUAL_COLOR_SYSTEM": "truecolor", "TERM_PROGRAM": "textual", "COLUMNS": str(width), "ROWS": str(height)}


def terminal_note(text: str) -> bytes:
    """A line shown in the tab's terminal (the page's own notice follows when the socket closes)."""
    return f"\x1b[?1049l\x1b[2J\x1b[H\r\n  {text}\r\n".encode()


def clamp(value: Any, low: int, high: int, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


class Classroom:
    """The server's state: settings, store, passes, live sessions, pages."""

    def __init__(self, settings: Settings, options: ServeOptions, store: Store) -> None:
        self.settings = settings
        self.options = options
        self.store = store
        self.classes = Classes(store)
        self.access = Access(options.instructor_token)
        self.registry = Registry(options.capacity)
        self.starting = asyncio.Semaphore(options.starts or os.cpu_count() or 2)
        self.pages = Pages()
        self.command = app_command()
        self._background: set[asyncio.Task[Any]] = set()

    async def db(self, call: Callable[..., T], *args: Any) -> T:
        """A store call off the event loop (SQLite blocks)."""
        return await asyncio.to_thread(call, *args)

    def later(self, call: Callable[..., Any], *args: Any) -> None:
        """A store write nobody waits for (presence), kept referenced until done."""
        task = asyncio.ensure_future(self.noted(call, *args))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def noted(self, call: Callable[..., Any], *args: Any) -> None:
        """A presence write: a busy store loses a presence mark, never a session."""
        try:
            await self.db(call, *args)
        except StoreError as error:
            log.warning("presence not written: %s", error)

    def page(self, name: str, status: int = 200, **context: Any) -> web.Response:
        return web.Response(text=self.pages.render(name, **context), status=status, content_type="text/html")

    def message(self, title: str, *lines: str, status: int = 200, link: tuple[str, str] | None = None) -> web.Response:
        return self.page("message.html.j2", status=status, title=title, lines=lines, link=link)

    def pass_of(self, request: web.Request) -> Pass | None:
        return self.access.trainee(request.cookies.get(PASS_COOKIE))

    def is_instructor(self, request: web.Request) -> bool:
        return self.access.instructor(request.cookies.get(CONSOLE_COOKIE))

    async def open_class(self, class_id: int) -> ClassInfo | None:
        try:
            klass = await self.db(self.classes.get, class_id)
        except StoreError:
            return None
        return klass if klass.is_open else None

    # ------------------------------------------------------------ signing in

    async def index(self, request: web.Request) -> web.StreamResponse:
        if self.pass_of(request) is not None:
            raise web.HTTPFound("/play")
        return self.page("signin.html.j2", title="学员登录", klass=None, error="", online=set())

    async def signin(self, request: web.Request) -> web.StreamResponse:
        if not same_origin(request, required=False):
            return self.message("请求被拒绝", "请从本服务器的登录页面登录。", status=403, link=("/", "返回登录"))
        address = request.remote or ""
        if not self.access.may_try(address):
            return self.message("尝试次数过多", "班级代码输错太多次，请一分钟后再试。", status=429,
                                link=("/", "返回登录"))
        form = await request.post()
        code = str(form.get("code", "")).strip().upper()[:12]
        klass = await self.db(self.classes.by_code, code) if code else None
        if klass is None:
            self.access.failed(address)
            return self.page("signin.html.j2", status=400, title="学员登录", klass=None, online=set(),
                             error=f"没有这个班级代码：{code}（或该班级已结束）。请核对教员给出的代码。")
        name = str(form.get("name", "")).strip()
        online = {key[1] for key in ((klass.id, n) for n in klass.roster) if self.registry.is_live(key)}
        if not name:
            return self.page("signin.html.j2", title="学员登录", klass=klass, error="", online=online)
        if name not in klass.roster:
            return self.page("signin.html.j2", status=400, title="学员登录", klass=klass, online=online,
                             error=f"名单里没有「{name}」。请从列表中选择；名单有误请告诉教员。")
        response = web.HTTPFound("/play")
        response.set_cookie(PASS_COOKIE, self.access.issue(klass.id, name), httponly=True, samesite="Strict",
                            secure=request.secure, path="/")
        raise response

    async def signout(self, request: web.Request) -> web.StreamResponse:
        if not same_origin(request, required=False):
            return self.message("请求被拒绝", "请从本服务器的页面退出。", status=403)
        self.access.revoke(request.cookies.get(PASS_COOKIE))
        response = web.HTTPFound("/")
        response.del_cookie(PASS_COOKIE, path="/")
        raise response

    async def play(self, request: web.Request) -> web.StreamResponse:
        found = self.pass_of(request)
        if found is None:
            raise web.HTTPFound("/")
        klass = await self.open_class(found.class_id)
        if klass is None:
            self.access.revoke(request.cookies.get(PASS_COOKIE))
            return self.message("课堂已结束", "本次课堂已经结束，演练记录都已保存。", link=("/", "返回登录"))
        if self.registry.full and not self.registry.is_live((found.class_id, found.trainee)):
            return self.message("教室已满", FULL.format(n=self.registry.capacity), status=503, link=("/play", "重试"))
        scheme = "wss" if request.secure else "ws"
        return self.page("play.html.j2", title=found.trainee, klass=klass, trainee=found.trainee,
                         websocket_url=f"{scheme}://{request.host}/ws",
                         font_size=clamp(request.query.get("fontsize"), 10, 32, 16))

    # ------------------------------------------------------------ the websocket bridge

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        if not same_origin(request):
            return web.Response(status=403, text="Origin not allowed")
        found = self.pass_of(request)
        if found is None:
            return web.Response(status=401, text="not signed in")
        if await self.open_class(found.class_id) is None:
            return web.Response(status=403, text="class ended")
        ws = web.WebSocketResponse(heartbeat=15, max_msg_size=4 * MAX_INPUT)
        await ws.prepare(request)
        key: Key = (found.class_id, found.trainee)
        width = clamp(request.query.get("width"), 20, 400, 80)
        height = clamp(request.query.get("height"), 8, 200, 24)
        live = await self._start(request, ws, key, width, height)
        if live is None:
            return ws
        try:
            await self.noted(self.classes.arrived, *key)  # awaited: `left` below must come after it
            await self._pump(ws, live.process, key)
        finally:
            # Shielded and kept: a handler cancelled with its connection still reaps and says who left.
            cleanup = asyncio.ensure_future(self._close(ws, live, key))
            self._background.add(cleanup)
            cleanup.add_done_callback(self._background.discard)
            await asyncio.shield(cleanup)
        return ws

    async def _close(self, ws: web.WebSocketResponse, live: Live, key: Key) -> None:
        await self.registry.reap(live)
        await self.noted(self.classes.left, *key)
        if not ws.closed:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.close()

    async def _start(self, request: web.Request, ws: web.WebSocketResponse, key: Key, width: int,
                     height: int) -> Live | None:
        async with self.registry.lock(key):
            if not await self.registry.take_over(key, TAKEN_OVER):
                await self._refuse(ws, "上一个窗口还没有退出，请稍后刷新重试。")
                return None
            if self.registry.full:
                await self._refuse(ws, FULL.format(n=self.registry.capacity))
                return None

            slot = StartSlot(self.starting)

            async def output(data: bytes) -> None:
                slot.output()
                if not ws.closed:
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        await ws.send_bytes(data)

            async def evict(note: str) -> None:
                await self._refuse(ws, note)

            env = app_environment(self.settings, key[1], key[0], width, height)

            async def closed() -> None:
                slot.release()
                await ws.close()

            process = AppProcess(self.command, env, output, closed, grace=self.options.grace)
            live = Live(key, process, evict)
            self.registry.add(live)
            if not await slot.acquire(ws, request):  # the tab went away while it waited its turn
                await self.registry.reap(live)
                return None
            try:
                await process.start()
            except OSError as error:
                slot.release()
                log.error("cannot start the app: %s", error)
                await self.registry.reap(live)
                await self._refuse(ws, "演练程序无法启动，请告诉教员。")
                return None
            slot.started(process.pid or 0)
            return live

    async def _refuse(self, ws: web.WebSocketResponse, note: str) -> None:
        if ws.closed:
            return
        try:
            await ws.send_bytes(terminal_note(note))
            await ws.close()
        except (ConnectionError, RuntimeError):
            pass

    async def _pump(self, ws: web.WebSocketResponse, process: AppProcess, key: Key) -> None:
        """The browser's messages to the app, until either side closes."""
        last_written = 0.0
        loop = asyncio.get_running_loop()
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, body = envelope[0], (envelope[1] if len(envelope) > 1 else None)
            if kind == "stdin" and isinstance(body, str):
                await process.type(body[:MAX_INPUT])
                if loop.time() - last_written >= TYPED_EVERY:
                    last_written = loop.time()
                    self.later(self.classes.typed, *key, stamp(datetime.now(timezone.utc)))
            elif kind == "resize" and isinstance(body, dict):
                await process.resize(clamp(body.get("width"), 20, 400, 80), clamp(body.get("height"), 8, 200, 24))
            elif kind == "ping" and isinstance(body, str):
                await ws.send_json(["pong", body[:64]])
            elif kind in ("focus", "blur"):
                await process.focus(kind == "focus")

    async def end_class(self, class_id: int) -> ClassInfo:
        """The instructor ends the class: it closes (its passes now lead to a notice that it has ended),
        and every live session of it is told and reaped."""
        klass = await self.db(self.classes.end, class_id)
        lives = self.registry.of_class(class_id)
        await asyncio.gather(*(live.evict(ENDED) for live in lives), return_exceptions=True)
        return klass

    # ------------------------------------------------------------ the application

    async def on_shutdown(self, app: web.Application) -> None:
        await self.registry.drain(SHUTDOWN)
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    async def on_cleanup(self, app: web.Application) -> None:
        self.store.close()
