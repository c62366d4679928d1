"""A classroom on loopback: N trainees play a scripted scenario in the served TUI while N more connect
and disconnect abruptly with early resizes (the pattern that leaves Textual apps spinning).

`simulator serve` runs as an operator starts it, on 127.0.0.1 with a fresh data folder and a class
of 2N assigned the wage-arrears scenario. Each player signs in over HTTP, opens the websocket as the
browser client does, waits for the petitioner's opening line, and answers six replies typed in
IME-sized chunks (3–4 characters every 1–2 s), pressing Enter once the text shows. Each storm client
signs in, opens the websocket at 133×36, resizes to another size within 0.02–0.4 s and drops the TCP
connection without a close handshake, three times over the players' run.

Reported: sessions held (players that finished every turn), first frame after connecting, echo
latency (a chunk sent to the frame that shows it), memory per app process (USS and PSS, sampled while
all players are in play), records stored against replies sent, app processes left over once every
client is gone (and after the server stops). Done when, for N = 20: every answered turn stored,
0 processes left over, p95 echo under 150 ms.

Usage: python bench/bench_classroom.py [N] (default 20). Loopback only; every loop is bounded.
"""
from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import contextlib

import aiohttp
import pyte

from simulator.store.classes import Classes
from simulator.store.store import Store

SCENARIO = "wage_arrears"
OPENING = "把安全帽往桌上一摔"
ALT_SCREEN = b"\x1b[?1049h"  # the web driver's first output: the app is up
REPLIES = [
    "您好，我是今天的接待员，您先别着急，坐下慢慢说。",
    "工钱拖了八个月，确实让人着急，您说的情况我都记下了。",
    "请问包工头的姓名和工地的名称，您还记得吗？有没有欠条或者考勤记录？",
    "这个情况属于劳动保障监察部门管，我们会把材料转过去，并跟踪办理进度。",
    "按照规定，我们会在十五日内告诉您是否受理，您留个电话，有进展我第一时间通知您。",
    "另外工友们的情况也请一起登记，我们统一核实。",
]
PLAYER, STORM = "学员", "来去"  # roster name prefixes
CHUNK_EVERY = (1.0, 2.0)  # seconds between IME commits: about 140 characters a minute, a fast typist
ECHO_TARGET_MS = 150.0
TURN_TIMEOUT = 60.0
WIDTH, HEIGHT = 120, 36


@dataclass
class Results:
    first_frames: list[float] = field(default_factory=list)  # connected -> the app's driver is up
    playable: list[float] = field(default_factory=list)  # connected -> the petitioner's opening line shown
    echoes: list[tuple[float, float]] = field(default_factory=list)  # (when sent, seconds to the echo)
    all_in_play: float = float("inf")  # when the last player reached the opening line
    replies_sent: dict[str, int] = field(default_factory=dict)
    finished: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    storm_connections: int = 0
    memory: list[tuple[int, int]] = field(default_factory=list)  # (uss, pss) bytes per app process
    peak_processes: int = 0
    in_play: int = 0  # players past the opening line
    turns_stored: dict[str, int] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_processes(marker: str, trainee: str = "") -> list[int]:
    """Served TUIs of this run (their environment names this run's folder and a class), optionally only
    those of trainees whose names start with `trainee`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().split(") ")[-1][:1]
        except OSError:
            continue
        who = f"SIMULATOR_TRAINEE={trainee}".encode()
        if marker.encode() in environ and b"SIMULATOR_CLASS=" in environ and who in environ and state != "Z":
            found.append(int(entry))
    return found


def memory_of(pid: int) -> tuple[int, int] | None:
    try:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
    except (OSError, ValueError):
        return None
    kib = {name: int(value.split()[0]) for name, value in fields.items()}
    return (kib["Private_Clean"] + kib["Private_Dirty"]) * 1024, kib["Pss"] * 1024


def cpu_of(pid: int) -> tuple[float, float]:
    """CPU seconds of a process itself, and of the children it has waited for."""
    fields = [int(f) for f in Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].split()[11:15]]
    tick = os.sysconf("SC_CLK_TCK")
    return (fields[0] + fields[1]) / tick, (fields[2] + fields[3]) / tick


def abort(ws: aiohttp.ClientWebSocketResponse) -> None:
    """Drop the connection without a websocket close (a closed laptop lid, a killed tab)."""
    connection = getattr(ws, "_conn", None)
    transport = getattr(connection, "transport", None)
    if transport is not None:
        transport.abort()


async def sign_in(http: aiohttp.ClientSession, base: str, code: str, name: str) -> None:
    async with http.post("/signin", data={"code": code, "name": name}, headers={"Origin": base},
                         allow_redirects=False) as response:
        if response.status != 302:
            raise RuntimeError(f"sign-in of {name} answered {response.status}")


class Player:
    def __init__(self, name: str, base: str, code: str, results: Results) -> None:
        self.name, self.base, self.code, self.results = name, base, code, results
        self.screen = pyte.Screen(WIDTH, HEIGHT)
        self.stream = pyte.ByteStream(self.screen)
        self.received = bytearray()
        self.arrived = asyncio.Event()
        self.in_play = False

    async def play(self, turns_stored: dict[str, int]) -> None:
        results = self.results
        results.replies_sent[self.name] = 0
        async with aiohttp.ClientSession(base_url=self.base, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            await sign_in(http, self.base, self.code, self.name)
            began = time.monotonic()
            async with http.ws_connect(f"/ws?width={WIDTH}&height={HEIGHT}", headers={"Origin": self.base}) as ws:
                reader = asyncio.create_task(self._read(ws))
                try:
                    await self._until(lambda: ALT_SCREEN in self.received, 120)
                    results.first_frames.append(time.monotonic() - began)
                    await self._until(lambda: OPENING in "\n".join(self.screen.display), 120)
                    self.in_play = True
                    results.playable.append(time.monotonic() - began)
                    results.in_play += 1
                    if results.in_play == len(results.replies_sent):
                        results.all_in_play = time.monotonic()
                    for turn, reply in enumerate(REPLIES, 1):
                        await self._type(ws, reply)
                        await ws.send_json(["stdin", "\r"])
                        results.replies_sent[self.name] += 1
                        await self._until(lambda turn=turn: turns_stored.get(self.name, 0) >= turn, TURN_TIMEOUT)
                        await asyncio.sleep(random.uniform(0.5, 1.5))  # reading the feedback
                    results.finished.append(self.name)
                except TimeoutError as error:
                    results.failures.append(f"{self.name}: {error}")
                finally:
                    reader.cancel()

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.received += message.data
                if not self.in_play:  # the screen is only read for the opening line; after that, raw bytes
                    self.stream.feed(message.data)
                self.arrived.set()

    async def _until(self, done, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"waited {timeout:.0f} s")
            self.arrived.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), min(remaining, 0.25))

    async def _type(self, ws: aiohttp.ClientWebSocketResponse, reply: str) -> None:
        position = 0
        while position < len(reply):
            chunk = reply[position:position + random.choice((3, 4))]
            position += len(chunk)
            mark = len(self.received)
            sent = time.monotonic()
            await ws.send_json(["stdin", chunk])
            needle = chunk.encode()
            await self._until(lambda needle=needle, mark=mark: needle in self.received[mark:], 30)
            self.results.echoes.append((sent, time.monotonic() - sent))
            await asyncio.sleep(random.uniform(*CHUNK_EVERY))


async def storm(name: str, base: str, code: str, results: Results, rounds: int = 3) -> None:
    async with aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        await sign_in(http, base, code, name)
        for _ in range(rounds):
            await asyncio.sleep(random.uniform(0, 20))
            ws = await http.ws_connect("/ws?width=133&height=36", headers={"Origin": base})
            results.storm_connections += 1
            await asyncio.sleep(random.uniform(0.02, 0.4))
            await ws.send_json(["resize", {"width": random.randint(80, 120), "height": random.randint(24, 34)}])
            await asyncio.sleep(random.uniform(0.0, 0.1))
            abort(ws)


async def watch_store(path: Path, names: list[str], turns: dict[str, int], stop: asyncio.Event) -> None:
    """Answered turns per player as the store has them (one reader for everyone, every 0.2 s)."""
    marks = ", ".join("?" * len(names))
    query = ("SELECT t.name, COUNT(u.id) FROM trainees t JOIN sessions s ON s.trainee_id = t.id "
             "JOIN turns u ON u.session_id = s.id AND u.rewound_at IS NULL "
             f"WHERE t.name IN ({marks}) GROUP BY t.name")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        while not stop.is_set():
            with contextlib.suppress(sqlite3.OperationalError):
                turns.update(dict(db.execute(query, names).fetchall()))
            await asyncio.sleep(0.2)
    finally:
        db.close()


async def sample(marker: str, results: Results, stop: asyncio.Event, players: int) -> None:
    while not stop.is_set():
        results.peak_processes = max(results.peak_processes, len(app_processes(marker)))
        if results.in_play >= players and not results.memory:
            await asyncio.sleep(3)  # every player is in play: let the heaps settle, then take one sample
            results.memory = [m for pid in app_processes(marker, PLAYER) if (m := memory_of(pid)) is not None]
        await asyncio.sleep(0.5)


async def run(n: int, base: str, code: str, data: Path, marker: str) -> Results:
    results = Results()
    players = [f"{PLAYER}{i:03d}" for i in range(1, n + 1)]
    stormers = [f"{STORM}{i:03d}" for i in range(1, n + 1)]
    turns: dict[str, int] = {}
    stop = asyncio.Event()
    background = [asyncio.create_task(watch_store(data / "records.sqlite3", players, turns, stop)),
                  asyncio.create_task(sample(marker, results, stop, n))]
    work = [Player(name, base, code, results).play(turns) for name in players]
    work += [storm(name, base, code, results) for name in stormers]
    outcomes = await asyncio.gather(*work, return_exceptions=True)
    results.failures += [repr(o) for o in outcomes if isinstance(o, BaseException)]
    await asyncio.sleep(1.0)  # the last turns' writes
    stop.set()
    await asyncio.gather(*background)
    results.turns_stored = dict(turns)
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    random.seed(n)
    with tempfile.TemporaryDirectory(prefix="bench-classroom-") as folder:
        data = Path(folder) / "data"
        with Store.open(data) as store:
            classes = Classes(store)
            klass = classes.create("压力测试班", [f"{prefix}{i:03d}" for prefix in (PLAYER, STORM)
                                                 for i in range(1, n + 1)])
            classes.assign(klass.id, [SCENARIO])
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "SIMULATOR_DATA_DIR": str(data), "SIMULATOR_CACHE_DIR": f"{folder}/cache",
               "SIMULATOR_CONTENT_DIR": f"{folder}/content", "SIMULATOR_INSTRUCTOR_TOKEN": "bench"}
        server = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--host", "127.0.0.1", "--port",
                                   str(port), "--max-sessions", str(2 * n + 5)], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(600):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            began = time.monotonic()
            load_before = os.getloadavg()[0]
            cpu_before = os.times()
            results = asyncio.run(run(n, base, klass.code, data, folder))
            elapsed = time.monotonic() - began
            bench_cpu = sum(os.times()[:2]) - sum(cpu_before[:2])
            load_after = os.getloadavg()[0]
            left_after_storm = []
            for _ in range(100):  # every client is gone: the reaper's deadlines are 2 + 2 s
                left_after_storm = app_processes(folder)
                if not left_after_storm:
                    break
                time.sleep(0.1)
            server_cpu, apps_cpu = cpu_of(server.pid)  # the server, and every app process it reaped
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        left_after_stop = app_processes(folder)

    stored = results.turns_stored
    sent = sum(results.replies_sent.values())
    kept = sum(min(stored.get(k, 0), v) for k, v in results.replies_sent.items())
    uss = [m[0] for m in results.memory]
    pss = [m[1] for m in results.memory]
    echo_ms = [e * 1000 for _, e in results.echoes]
    settled_ms = [e * 1000 for at, e in results.echoes if at > results.all_in_play]
    p95 = percentile(echo_ms, 0.95)
    print(f"classroom on loopback: {n} players + {n} storm clients ({results.storm_connections} abrupt connections), "
          f"{elapsed:.0f} s, {os.cpu_count()} cores")
    print(f"sessions held:        {len(results.finished)}/{n} played all {len(REPLIES)} turns; "
          f"peak app processes {results.peak_processes}")
    for label, values in (("app up", results.first_frames), ("playable", results.playable)):
        print(f"{label + ':':<22}median {statistics.median(values):.2f} s, p95 {percentile(values, 0.95):.2f} s, "
              f"max {max(values):.2f} s after connecting" if values else f"{label}: none")
    print(f"echo latency:         p50 {percentile(echo_ms, 0.5):.0f} ms, p95 {p95:.0f} ms, "
          f"max {max(echo_ms, default=float('nan')):.0f} ms ({len(echo_ms)} chunks); once every player was in "
          f"play: p50 {percentile(settled_ms, 0.5):.0f} ms, p95 {percentile(settled_ms, 0.95):.0f} ms "
          f"({len(settled_ms)} chunks)")
    if uss:
        print(f"memory per session:   USS median {statistics.median(uss) / 2**20:.0f} MiB, "
              f"PSS median {statistics.median(pss) / 2**20:.0f} MiB ({len(uss)} processes sampled)")
    print(f"records:              {kept} turns stored / {sent} replies sent")
    print(f"left over:            {len(left_after_storm)} app processes after every client left, "
          f"{len(left_after_stop)} after the server stopped")
    print(f"CPU:                  server {server_cpu:.0f} s, app processes {apps_cpu:.0f} s, this bench's clients "
          f"{bench_cpu:.0f} s; "
          f"machine load average {load_before:.1f} before, {load_after:.1f} after")
    for failure in results.failures[:10]:
        print(f"  failure: {failure}")
    ok = (kept == sent and len(results.finished) == n and not left_after_storm and not left_after_stop
          and p95 < ECHO_TARGET_MS)
    print(f"target (every turn stored, 0 left over, p95 echo < {ECHO_TARGET_MS:.0f} ms): {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
