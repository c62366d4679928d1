"""Serving a classroom: the TUI in trainees' browsers, an instructor's console, one store.

- `process`: one app process per signed-in trainee, speaking Textual's web driver protocol on
  its pipes; the reaper that always ends it; the registry with its cap
- `server`: the aiohttp server: sign-in from a class roster, the terminal page, the websocket
  bridge (Origin checked, one live session per trainee)
- `console`: the instructor's console (the room at a glance, assign, exam lock, end the class)
- `access`: sign-in sessions, the instructor's token, throttling wrong codes
- `pages`: the HTML pages (Jinja2, offline: nothing loads from outside the server)

aiohttp is imported here only, and only by `simulator serve`: the TUI and the engine never load it.
"""
