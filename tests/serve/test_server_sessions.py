"""Live sessions with real app processes: play and record, a second tab, the cap, ending the class,
shutting the server down. Every test ends with no app process left."""
from __future__ import annotations

import asyncio

import aiohttp
from serve_helpers import TOKEN, Screen, alive, read_until

from simulator.serve.server import ENDED, FULL, TAKEN_OVER

OPENING = "把安全帽往桌上一摔"  # wage_arrears: the petitioner's first words
REPLY = "您好，我是今天的接待员，您先别着急，慢慢说，工钱的事我们一起理一理。"


def prompt_shown(screen: Screen) -> bool:
    """The petitioner's opening line is in the transcript (the start step is done: Enter would be refused
    before) and the reply box is there. (The side panel names 周满仓 from the first frame.)"""
    return OPENING in screen.text and "输入回复" in screen.text


async def send_reply(ws: aiohttp.ClientWebSocketResponse) -> None:
    """The reply and Enter in one message, as a browser sends an IME's text typed just before Enter
    (issue 15: Enter used to reach the box's binding before the text, and the reply was dropped)."""
    await ws.send_json(["stdin", REPLY + "\r"])


async def connect(served, http: aiohttp.ClientSession, width: int = 120, height: int = 36):
    return await http.ws_connect(f"/ws?width={width}&height={height}", headers=served.origin)


async def gone(served, pids: list[int], timeout: float = 10.0) -> bool:
    for _ in range(int(timeout * 10)):
        if len(served.room.registry) == 0 and not any(alive(pid) for pid in pids):
            return True
        await asyncio.sleep(0.1)
    return False


def live_pids(served) -> list[int]:
    return [live.process.pid for live in served.room.registry._live.values() if live.process.pid]


async def started(served, count: int) -> list[int]:
    """The live app processes' pids once there are `count` (the handshake returns before the start)."""
    for _ in range(100):
        if len(pids := live_pids(served)) == count:
            return pids
        await asyncio.sleep(0.05)
    raise AssertionError(f"{count} processes expected, {live_pids(served)} running")


async def test_a_signed_in_trainee_plays_the_assigned_scenario_and_every_turn_is_recorded(served):
    room = served.room
    await room.db(room.classes.assign, served.klass.id, ["wage_arrears"])
    async with served.browser() as http:
        await served.sign_in(http, "张三")
        ws = await connect(served, http)
        screen = Screen()
        assert await read_until(ws, screen, prompt_shown), screen.text  # the one assigned scenario, straight in
        pids = live_pids(served)
        await send_reply(ws)
        assert await read_until(ws, screen, lambda s: "第 1 轮得分" in s.text), screen.text
        seat = next(s for s in await room.db(room.classes.room, served.klass.id) if s.trainee == "张三")
        assert (seat.online, seat.turns, seat.scenario_title) == (True, 1, "八个月没拿到工钱的钢筋工")
        [record] = await room.db(room.classes.sessions, served.klass.id)
        assert record.trainee == "张三" and [t.reply for t in record.turns] == [REPLY]
        await ws.close()
    assert await gone(served, pids)
    for _ in range(50):  # the server writes that the trainee left once the process is reaped
        seat = next(s for s in await room.db(room.classes.room, served.klass.id) if s.trainee == "张三")
        if not seat.online:
            break
        await asyncio.sleep(0.1)
    assert not seat.online


async def test_a_second_tab_takes_the_session_over(served):
    async with served.browser() as first, served.browser() as second:
        await served.sign_in(first, "李四")
        await served.sign_in(second, "李四")
        ws1 = await connect(served, first)
        screen1 = Screen()
        assert await read_until(ws1, screen1, lambda s: len(s.received) > 100)
        [old_pid] = live_pids(served)
        ws2 = await connect(served, second)
        assert await read_until(ws1, screen1, lambda s: False, timeout=15) is False
        assert ws1.closed and TAKEN_OVER in screen1.text
        screen2 = Screen()
        assert await read_until(ws2, screen2, lambda s: len(s.received) > 100)
        [new_pid] = live_pids(served)
        assert not alive(old_pid)  # reaped before the new one started
        assert new_pid != old_pid
        await ws2.close()
    assert await gone(served, [old_pid, new_pid])


async def test_a_full_room_says_so_and_starts_nothing_more(served):
    async with served.browser() as a, served.browser() as b, served.browser() as c:
        for http, name in ((a, "张三"), (b, "李四"), (c, "王五")):
            await served.sign_in(http, name)
        sockets = [await connect(served, a), await connect(served, b)]
        pids = await started(served, 2)
        response = await c.get("/play")
        assert response.status == 503 and "教室已满" in await response.text()
        refused = await connect(served, c)
        screen = Screen()
        assert await read_until(refused, screen, lambda s: False, timeout=10) is False
        assert FULL.format(n=2) in screen.text.replace("\n", "") and len(live_pids(served)) == 2
        for ws in sockets:
            await ws.close()
    assert await gone(served, pids)


async def test_ending_the_class_closes_its_sessions_and_shows_its_report(served):
    room = served.room
    await room.db(room.classes.assign, served.klass.id, ["wage_arrears"])
    async with served.browser() as trainee, served.browser() as instructor:
        await served.sign_in(trainee, "王五")
        ws = await connect(served, trainee)
        screen = Screen()
        assert await read_until(ws, screen, prompt_shown), screen.text
        pids = live_pids(served)
        await send_reply(ws)
        assert await read_until(ws, screen, lambda s: "第 1 轮得分" in s.text), screen.text

        await instructor.get(f"/console?token={TOKEN}")
        ending = await instructor.post(f"/console/class/{served.klass.id}/end", data={"confirm": "yes"},
                                       headers=served.origin)
        assert ending.status == 200 and "已于" in await ending.text()
        assert await read_until(ws, screen, lambda s: False, timeout=10) is False
        assert ENDED in screen.text
        assert await gone(served, pids)
        page = await (await trainee.get("/play")).text()
        assert "课堂已结束" in page
        report = await (await instructor.get(f"/console/class/{served.klass.id}/report")).text()
        assert "王五" in report and "八个月没拿到工钱的钢筋工" in report and "张三" not in report


async def test_shutting_the_server_down_reaps_every_process(served):
    async with served.browser() as http:
        await served.sign_in(http, "张三")
        ws = await connect(served, http)
        screen = Screen()
        assert await read_until(ws, screen, lambda s: len(s.received) > 100)
        pids = live_pids(served)
        await served.client.close()
        assert await read_until(ws, screen, lambda s: False, timeout=10) is False
    assert await gone(served, pids)
