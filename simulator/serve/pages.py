"""The server's HTML: Jinja2 templates from this package, always autoescaped (names and class
titles are typed by people), and the headers every response carries."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

# Nothing is loaded from anywhere but this server; the terminal client needs inline styles.
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
                                "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make browsers send `Origin: null` on forms
    "X-Frame-Options": "DENY",
}


def environment() -> Environment:
    env = Environment(loader=PackageLoader("simulator.serve", "templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True), trim_blocks=True, lstrip_blocks=True)
    env.filters["ago"] = ago
    return env


def ago(stamp: str | None, now: datetime | None = None) -> str:
    """「3 分钟前」 for one of the store's UTC timestamps ("—" for none)."""
    if not stamp:
        return "—"
    try:
        then = datetime.fromisoformat(stamp)
    except ValueError:
        return "—"
    seconds = int(((now or datetime.now(timezone.utc)) - then).total_seconds())
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"{seconds // 60} 分钟前"
    if seconds < 86400:
        return f"{seconds // 3600} 小时前"
    return then.astimezone().strftime("%m-%d %H:%M")


def idle_for(stamp: str | None, now: datetime | None = None) -> float:
    """Seconds since a UTC timestamp (0 for none)."""
    if not stamp:
        return 0.0
    try:
        return ((now or datetime.now(timezone.utc)) - datetime.fromisoformat(stamp)).total_seconds()
    except ValueError:
        return 0.0


class Pages:
    def __init__(self) -> None:
        self.env = environment()

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)
