"""Who gets in: sign-in from the roster, the websocket's Origin and pass, the console's token.
None of these tests needs an app process; several check that none was started."""
from __future__ import annotations

import re

import aiohttp
import pytest
from serve_helpers import TOKEN

from simulator.serve.process import AppProcess


@pytest.fixture
def no_app_processes(monkeypatch):
    started: list[AppProcess] = []

    async def start(self):
        started.append(self)
        raise AssertionError("an app process was started")

    monkeypatch.setattr(AppProcess, "start", start)
    return started


async def test_sign_in_is_a_class_code_then_a_name_from_the_roster(served):
    async with served.browser() as http:
        page = await (await http.get("/")).text()
        assert 'name="code"' in page and "班级代码" in page
        response = await http.post("/signin", data={"code": served.klass.code.lower()}, headers=served.origin)
        page = await response.text()
        assert response.status == 200 and "测试班" in page
        assert re.findall(r'<option value="([^"]*)">', page) == ["", "张三", "李四", "王五"]
        response = await http.post("/signin", data={"code": served.klass.code, "name": "张三"},
                                   headers=served.origin, allow_redirects=False)
        assert response.status == 302 and response.headers["Location"] == "/play"
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        page = await (await http.get("/play")).text()
        assert "学员：张三" in page and "data-session-websocket-url=\"ws://" in page


@pytest.mark.parametrize(("form", "says"), [
    ({"code": "NOPE42"}, "没有这个班级代码：NOPE42"),
    ({"code": "{code}", "name": "赵六"}, "名单里没有「赵六」"),
])
async def test_a_wrong_code_or_name_gets_a_clear_page_and_no_pass(served, form, says):
    async with served.browser() as http:
        data = {k: v.format(code=served.klass.code) for k, v in form.items()}
        response = await http.post("/signin", data=data, headers=served.origin)
        assert response.status == 400 and says in await response.text()
        response = await http.get("/play", allow_redirects=False)
        assert response.status == 302 and response.headers["Location"] == "/"


async def test_guessing_class_codes_is_slowed_down(served):
    async with served.browser() as http:
        for attempt in range(10):
            response = await http.post("/signin", data={"code": f"WRONG{attempt}"}, headers=served.origin)
            assert response.status == 400
        response = await http.post("/signin", data={"code": served.klass.code}, headers=served.origin)
        assert response.status == 429 and "一分钟后再试" in await response.text()


async def test_a_form_posted_from_another_site_is_refused(served):
    async with served.browser() as http:
        response = await http.post("/signin", data={"code": served.klass.code, "name": "张三"},
                                   headers={"Origin": "http://evil.example"}, allow_redirects=False)
        assert response.status == 403


async def test_no_app_process_without_a_pass_or_from_another_origin(served, no_app_processes):
    async with served.browser() as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect("/ws", headers=served.origin)
        assert refused.value.status == 401
        await served.sign_in(http, "张三")
        for headers in ({"Origin": "http://evil.example"}, {"Origin": served.base.replace("127.0.0.1", "localhost")},
                        {}):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect("/ws", headers=headers)
            assert refused.value.status == 403
    assert no_app_processes == [] and len(served.room.registry) == 0


async def test_pages_load_nothing_from_outside_the_server(served):
    async with served.browser() as http:
        await served.sign_in(http, "张三")
        for path in ("/", "/play"):
            response = await http.get(path)
            page = await response.text()
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
            assert response.headers["X-Frame-Options"] == "DENY"
            for url in re.findall(r'(?:src|href)="([^"]+)"', page):
                assert url.startswith(("/", "data:")), f"{path} loads {url}"
            assert "fonts.googleapis" not in page
        for asset in ("/client/js/textual.js", "/client/css/xterm.css", "/assets/play.css",
                      "/client/fonts/RobotoMono-VariableFont_wght.ttf"):
            assert (await http.get(asset)).status == 200, asset


async def test_the_console_wants_the_instructor_token(served):
    async with served.browser() as http:
        response = await http.get("/console")
        assert response.status == 401 and "教员口令" in await response.text()
        response = await http.get("/console?token=guess", allow_redirects=False)
        assert response.status == 401
        response = await http.get(f"/console/class/{served.klass.id}/report")
        assert response.status == 401
        response = await http.get(f"/console?token={TOKEN}", allow_redirects=False)
        assert response.status == 302
        page = await (await http.get("/console")).text()
        assert "测试班" in page and served.klass.code in page


async def test_a_trainee_pass_does_not_open_the_console(served):
    async with served.browser() as http:
        await served.sign_in(http, "张三")
        assert (await http.get("/console")).status == 401


async def test_the_console_assigns_locks_adds_and_shows_the_room(served):
    room, class_id = served.room, served.klass.id
    async with served.browser() as http:
        await http.get(f"/console?token={TOKEN}")
        page = await (await http.get(f"/console/class/{class_id}")).text()
        assert served.klass.code in page and "八个月没拿到工钱的钢筋工" in page  # the catalogue to assign from
        for path, form in ((f"/console/class/{class_id}/assign", {"scenario": ["wage_arrears", "no_such_thing"]}),
                           (f"/console/class/{class_id}/exam", {"locked": "1"}),
                           (f"/console/class/{class_id}/roster", {"names": "赵六\n\n钱七"})):
            response = await http.post(path, data=form, headers=served.origin, allow_redirects=False)
            assert response.status == 302, await response.text()
        klass = await room.db(room.classes.get, class_id)
        assert klass.assigned == ("wage_arrears",) and klass.exam_locked
        assert klass.roster == ("张三", "李四", "王五", "赵六", "钱七")
        table = await (await http.get(f"/console/class/{class_id}/room")).text()
        assert table.count("<tr") == 6 and "未登录" in table
        response = await http.post(f"/console/class/{class_id}/end", data={}, headers=served.origin)
        assert response.status == 400 and "确认结束" in await response.text()
        assert (await room.db(room.classes.get, class_id)).is_open
        response = await http.post("/console/classes", data={"name": "二班", "roster": "甲\n乙"},
                                   headers=served.origin, allow_redirects=False)
        assert response.status == 302 and response.headers["Location"].startswith("/console/class/")
