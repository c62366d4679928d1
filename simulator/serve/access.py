"""Who may do what: trainees signed in with a class code and a roster name, the instructor's token,
and a brake on guessing class codes.

Passes live in the server's memory (a restart asks everyone to sign in again) and travel in an
HttpOnly, SameSite=Strict cookie; nothing in a cookie is trusted beyond being a random key.
"""
from __future__ import annotations

import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from aiohttp import web

PASS_COOKIE = "jf_pass"
CONSOLE_COOKIE = "jf_console"
PASS_LIFETIME = 12 * 3600.0
FAILURES_ALLOWED = 10  # wrong class codes from one address ...
FAILURE_WINDOW = 60.0  # ... within this many seconds, then that address waits


@dataclass(frozen=True)
class Pass:
    """A signed-in trainee."""

    class_id: int
    trainee: str
    issued: float


class Access:
    def __init__(self, instructor_token: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.instructor_token = instructor_token
        self._clock = clock
        self._passes: dict[str, Pass] = {}
        self._consoles: dict[str, float] = {}
        self._failures: dict[str, deque[float]] = {}

    # ------------------------------------------------------------ trainees

    def issue(self, class_id: int, trainee: str) -> str:
        token = secrets.token_urlsafe(32)
        self._passes[token] = Pass(class_id, trainee, self._clock())
        return token

    def trainee(self, token: str | None) -> Pass | None:
        found = self._passes.get(token or "")
        if found is None:
            return None
        if self._clock() - found.issued > PASS_LIFETIME:
            del self._passes[token or ""]
            return None
        return found

    def revoke(self, token: str | None) -> None:
        self._passes.pop(token or "", None)

    # ------------------------------------------------------------ the instructor

    def check_instructor(self, token: str) -> str | None:
        """A console session for the right instructor token, else None."""
        if not token or not hmac.compare_digest(token.encode(), self.instructor_token.encode()):
            return None
        session = secrets.token_urlsafe(32)
        self._consoles[session] = self._clock()
        return session

    def instructor(self, session: str | None) -> bool:
        started = self._consoles.get(session or "")
        return started is not None and self._clock() - started <= PASS_LIFETIME

    # ------------------------------------------------------------ guessing

    def may_try(self, address: str) -> bool:
        recent = self._failures.get(address)
        if not recent:
            return True
        while recent and self._clock() - recent[0] > FAILURE_WINDOW:
            recent.popleft()
        return len(recent) < FAILURES_ALLOWED

    def failed(self, address: str) -> None:
        self._failures.setdefault(address, deque()).append(self._clock())


def same_origin(request: web.Request, required: bool = True) -> bool:
    """The page that sent this request came from this server (checked on the websocket and forms)."""
    origin = request.headers.get("Origin") or ("" if required else request.headers.get("Referer", ""))
    if not origin:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == request.host.lower()
