"""Fixtures for the classroom server: an in-process server on loopback with a class of three."""
from __future__ import annotations

from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from serve_helpers import ROSTER, TOKEN

from simulator.serve.app import CLASSROOM, make_app
from simulator.serve.server import Classroom, ServeOptions
from simulator.store.classes import Classes, ClassInfo
from simulator.store.store import Store


@dataclass
class Served:
    client: TestClient
    klass: ClassInfo
    room: Classroom

    @property
    def base(self) -> str:
        return str(self.client.make_url("")).rstrip("/")

    @property
    def origin(self) -> dict[str, str]:
        return {"Origin": self.base}

    def browser(self) -> aiohttp.ClientSession:
        """A browser of its own (its own cookies) on this server."""
        return aiohttp.ClientSession(base_url=self.base, cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def sign_in(self, http: aiohttp.ClientSession, name: str) -> None:
        response = await http.post("/signin", data={"code": self.klass.code, "name": name}, headers=self.origin,
                                   allow_redirects=False)
        assert response.status == 302, await response.text()


@pytest.fixture
def serve_options():
    return ServeOptions(capacity=2, instructor_token=TOKEN, grace=0.5)


@pytest.fixture
async def served(make_settings, serve_options):
    settings = make_settings()
    store = Store.open(settings.data_dir)
    klass = Classes(store).create("测试班", ROSTER)
    client = TestClient(TestServer(make_app(settings, serve_options, store), host="127.0.0.1"))
    await client.start_server()
    try:
        yield Served(client, klass, client.server.app[CLASSROOM])
    finally:
        await client.close()
