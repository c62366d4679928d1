"""The instructor's console: classes, the room at a glance, assignments, the exam lock, ending a
class with its cohort report. Behind the instructor's token (given once in the URL, then a cookie).
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..store.classes import ClassInfo, Seat
from ..store.records import StoreError
from .access import CONSOLE_COOKIE, same_origin
from .pages import idle_for

if TYPE_CHECKING:
    from ..settings import Settings
    from .server import Classroom

IDLE_MINUTES = 3


@dataclass(frozen=True)
class CatalogueItem:
    id: str
    title: str
    category: str


def catalogue(settings: Settings) -> list[CatalogueItem]:
    """The scenarios that load, by category and title (what an assignment may name)."""
    from ..engine.content.library import yaml_files
    from ..engine.content.loader import load_file
    from ..engine.content.model import Scenario

    items: dict[str, CatalogueItem] = {}
    for path in yaml_files([folder for folder in settings.scenario_dirs if folder.is_dir()]):
        model = load_file(path, "scenario").model
        if isinstance(model, Scenario) and model.id not in items:  # the bundled library wins, as in play
            items[model.id] = CatalogueItem(model.id, model.title, model.category)
    return sorted(items.values(), key=lambda item: (item.category, item.title))


def idle(seat: Seat) -> bool:
    return seat.online and idle_for(seat.last_input_at) > IDLE_MINUTES * 60


class Console:
    def __init__(self, room: Classroom) -> None:
        self.room = room
        self._catalogue: list[CatalogueItem] | None = None

    async def catalogue(self) -> list[CatalogueItem]:
        if self._catalogue is None:
            self._catalogue = await asyncio.to_thread(catalogue, self.room.settings)
        return self._catalogue

    def guard(self, request: web.Request, form: bool = False) -> web.Response | None:
        """None when the instructor may go on; else the page to show instead."""
        if form and not same_origin(request, required=False):
            return self.room.message("请求被拒绝", "请从控制台页面操作。", status=403, link=("/console", "返回控制台"))
        if not self.room.is_instructor(request):
            return self.room.page("console_login.html.j2", status=401, title="教员控制台", error="")
        return None

    async def klass(self, request: web.Request) -> ClassInfo:
        try:
            return await self.room.db(self.room.classes.get, int(request.match_info["id"]))
        except (StoreError, ValueError):
            raise web.HTTPNotFound(text="没有这个班级") from None

    def address(self, request: web.Request) -> str:
        return f"{request.scheme}://{request.host}/"

    # ------------------------------------------------------------ signing in

    async def login(self, request: web.Request) -> web.StreamResponse:
        if not same_origin(request, required=False):
            return self.room.message("请求被拒绝", "请从控制台页面登录。", status=403)
        form = await request.post()
        return self._enter(request, str(form.get("token", "")))

    def _enter(self, request: web.Request, token: str) -> web.StreamResponse:
        address = request.remote or ""
        if not self.room.access.may_try(address):
            return self.room.message("尝试次数过多", "口令输错太多次，请一分钟后再试。", status=429)
        session = self.room.access.check_instructor(token.strip())
        if session is None:
            self.room.access.failed(address)
            return self.room.page("console_login.html.j2", status=401, title="教员控制台", error="口令不对。")
        response = web.HTTPFound("/console")
        response.set_cookie(CONSOLE_COOKIE, session, httponly=True, samesite="Strict", secure=request.secure,
                            path="/console")
        raise response

    # ------------------------------------------------------------ classes

    async def home(self, request: web.Request, error: str = "") -> web.StreamResponse:
        if "token" in request.query:  # the URL printed at start: trade the token for a cookie
            return self._enter(request, request.query["token"])
        if (refused := self.guard(request)) is not None:
            return refused
        classes = await self.room.db(self.room.classes.all)
        return self.room.page("console_home.html.j2", status=400 if error else 200, title="教员控制台",
                              classes=classes, error=error, address=self.address(request),
                              capacity=self.room.registry.capacity, live=len(self.room.registry))

    async def create(self, request: web.Request) -> web.StreamResponse:
        if (refused := self.guard(request, form=True)) is not None:
            return refused
        form = await request.post()
        try:
            klass = await self.room.db(self.room.classes.create, str(form.get("name", "")),
                                       str(form.get("roster", "")).splitlines())
        except StoreError as error:
            return await self.home(request, str(error))
        raise web.HTTPFound(f"/console/class/{klass.id}")

    async def show(self, request: web.Request, error: str = "") -> web.StreamResponse:
        if (refused := self.guard(request)) is not None:
            return refused
        klass = await self.klass(request)
        items = await self.catalogue()
        titles = {item.id: item.title for item in items}
        return self.room.page("console_class.html.j2", status=400 if error else 200, title=klass.name, klass=klass,
                              error=error, catalogue=items, address=self.address(request),
                              assigned=[titles.get(i, i) for i in klass.assigned], **await self._room(klass))

    async def room_table(self, request: web.Request) -> web.StreamResponse:
        if (refused := self.guard(request)) is not None:
            return refused
        klass = await self.klass(request)
        return self.room.page("console_room.html.j2", title="", **await self._room(klass))

    async def _room(self, klass: ClassInfo) -> dict[str, Any]:
        seats = await self.room.db(self.room.classes.room, klass.id)
        return {"seats": seats, "idle": idle, "idle_minutes": IDLE_MINUTES}

    # ------------------------------------------------------------ changes

    async def assign(self, request: web.Request) -> web.StreamResponse:
        return await self._change(request, self._assign)

    async def _assign(self, klass: ClassInfo, form: Any) -> None:
        known = {item.id for item in await self.catalogue()}
        chosen = [str(value) for value in form.getall("scenario", []) if str(value) in known]
        await self.room.db(self.room.classes.assign, klass.id, chosen)

    async def exam(self, request: web.Request) -> web.StreamResponse:
        async def lock(klass: ClassInfo, form: Any) -> None:
            await self.room.db(self.room.classes.lock_exam, klass.id, form.get("locked") == "1")

        return await self._change(request, lock)

    async def roster(self, request: web.Request) -> web.StreamResponse:
        async def add(klass: ClassInfo, form: Any) -> None:
            await self.room.db(self.room.classes.add_trainees, klass.id, str(form.get("names", "")).splitlines())

        return await self._change(request, add)

    async def end(self, request: web.Request) -> web.StreamResponse:
        async def end(klass: ClassInfo, form: Any) -> None:
            if form.get("confirm") != "yes":
                raise StoreError("请勾选“确认结束本次课堂”")
            await self.room.end_class(klass.id)

        return await self._change(request, end)

    async def _change(self, request: web.Request, change: Any) -> web.StreamResponse:
        if (refused := self.guard(request, form=True)) is not None:
            return refused
        klass = await self.klass(request)
        try:
            await change(klass, await request.post())
        except StoreError as error:
            return await self.show(request, str(error))
        raise web.HTTPFound(f"/console/class/{klass.id}")

    # ------------------------------------------------------------ the class's report

    async def report(self, request: web.Request) -> web.StreamResponse:
        if (refused := self.guard(request)) is not None:
            return refused
        klass = await self.klass(request)
        records = await self.room.db(self.room.classes.sessions, klass.id)
        if request.query.get("format") == "csv":
            from ..reports.render import render_cohort_csv

            text = "\ufeff" + await asyncio.to_thread(render_cohort_csv, records)
            return web.Response(text=text, content_type="text/csv", headers={
                "Content-Disposition": f'attachment; filename="class-{klass.id}.csv"'})
        from ..reports.render import render_cohort_html

        filters = f"班级：{klass.name}（{klass.code}），{len(klass.roster)} 人" + ("" if klass.is_open else "，已结束")
        html = await asyncio.to_thread(render_cohort_html, records, filters)
        return web.Response(text=html, content_type="text/html")


def add_console_routes(app: web.Application, room: Classroom) -> None:
    console = Console(room)
    app.add_routes([
        web.get("/console", console.home),
        web.post("/console/login", console.login),
        web.post("/console/classes", console.create),
        web.get("/console/class/{id}", console.show),
        web.get("/console/class/{id}/room", console.room_table),
        web.post("/console/class/{id}/assign", console.assign),
        web.post("/console/class/{id}/exam", console.exam),
        web.post("/console/class/{id}/roster", console.roster),
        web.post("/console/class/{id}/end", console.end),
        web.get("/console/class/{id}/report", console.report),
    ])
