"""The aiohttp application and `simulator serve`'s main loop."""
from __future__ import annotations

import logging
import secrets
import socket
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TextIO

from aiohttp import web

from ..settings import Settings
from ..store.store import Store
from .console import add_console_routes
from .pages import SECURITY_HEADERS
from .server import Classroom, ServeOptions, own_assets, textual_client

CLASSROOM = web.AppKey("classroom", Classroom)


@web.middleware
async def security_headers(request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exception:
        exception.headers.update(SECURITY_HEADERS)
        raise
    if response.prepared:  # a websocket: its headers are long sent
        return response
    response.headers.update(SECURITY_HEADERS)
    if response.content_type == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


def make_app(settings: Settings, options: ServeOptions, store: Store) -> web.Application:
    room = Classroom(settings, options, store)
    app = web.Application(middlewares=[security_headers], client_max_size=1024 * 1024)
    app[CLASSROOM] = room
    app.add_routes([
        web.get("/", room.index),
        web.post("/signin", room.signin),
        web.post("/signout", room.signout),
        web.get("/play", room.play),
        web.get("/ws", room.websocket),
        web.static("/client", textual_client()),
        web.static("/assets", own_assets()),
    ])
    add_console_routes(app, room)
    app.on_shutdown.append(room.on_shutdown)
    app.on_cleanup.append(room.on_cleanup)
    return app


def addresses(host: str, port: int) -> list[str]:
    """The URLs trainees can type: the host given, or this machine's addresses when serving on all."""
    if host not in ("0.0.0.0", "::", ""):
        return [f"http://{host}:{port}/"]
    found: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            address = str(info[4][0])
            if not address.startswith("127.") and address not in found:
                found.append(address)
    except OSError:
        pass
    return [f"http://{a}:{port}/" for a in found] or [f"http://<本机地址>:{port}/"]


def serve(settings: Settings, options: ServeOptions, out: TextIO = sys.stderr) -> int:
    """Run the classroom server until SIGINT or SIGTERM; every app process is reaped on the way out."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s", stream=out)
    token = options.instructor_token or secrets.token_urlsafe(12)
    options = replace(options, instructor_token=token)
    store = Store.open(settings.data_dir, url=settings.database_url)
    app = make_app(settings, options, store)
    urls = addresses(options.host, options.port)
    print(f"接访演练课堂服务：记录在 {store.path}，同时最多 {options.capacity} 人", file=out)
    print(f"学员登录：{'  '.join(urls)}", file=out)
    print(f"教员控制台：{urls[0]}console?token={token}", file=out)
    print("按 Ctrl+C 结束服务（所有学员的窗口会断开，已答的每一轮都已保存）", file=out, flush=True)
    try:
        web.run_app(app, host=options.host, port=options.port, print=None, access_log=None,
                    shutdown_timeout=4 * options.grace + 2)
    finally:
        store.close()  # also closed on the app's cleanup; closing twice is harmless
    return 0
