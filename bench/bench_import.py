"""Importing the engine without the UI. Target: under 150 ms; Textual, Rich, jieba and the database
layers (sqlite3, SQLAlchemy, Alembic, psycopg) never load.

Import time alone can be bought by moving work to first use, so the time to a first scored
reply is reported beside it: a fresh process imports the session, loads a bundled scenario and
its rubric, starts a session (the petitioner's first line rendered) and scores one reply,
learned layer included. Jinja2, for instance, is no longer imported with the session: it loads
with the first line rendered, inside that second figure."""
from __future__ import annotations

import statistics
import subprocess
import sys

from _common import ROOT

PROBE = """
import sys, time
start = time.perf_counter()
import {module}
elapsed = time.perf_counter() - start
heavy = sorted(m for m in ("textual", "rich", "jieba", "sqlite3", "sqlalchemy", "alembic", "psycopg")
               if m in sys.modules)
print(elapsed, ",".join(heavy))
"""

FIRST_REPLY = """
import time
start = time.perf_counter()
from pathlib import Path
from simulator.engine.content.library import require_rubric, require_scenario
from simulator.engine.content.loader import load_file
from simulator.engine.play.session import Session
imported = time.perf_counter()
scenario = require_scenario(load_file(Path("scenarios/wage_arrears.yaml"), "scenario"))
rubric = require_rubric(load_file(Path("rubrics") / (scenario.rubric + ".yaml"), "rubric"))
loaded = time.perf_counter()
session = Session.start(scenario, rubric)
session.prompt
started = time.perf_counter()
session.answer("您先别急，慢慢说，工钱拖了几个月了？我都记下来。")
done = time.perf_counter()
print(imported - start, loaded - imported, started - loaded, done - started, done - start)
"""


def measure(module: str, runs: int = 15) -> tuple[float, str]:
    times, heavy = [], ""
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)], capture_output=True, text=True,
                             cwd=ROOT, check=True).stdout.split()
        times.append(float(out[0]))
        heavy = out[1] if len(out) > 1 else ""
    return statistics.median(times), heavy


def first_reply(runs: int = 7) -> list[float]:
    """Medians of: import, content loaded, session started, first reply scored, and the whole."""
    rows = [[float(x) for x in subprocess.run([sys.executable, "-c", FIRST_REPLY], capture_output=True, text=True,
                                              cwd=ROOT, check=True).stdout.split()] for _ in range(runs)]
    return [statistics.median(column) for column in zip(*rows)]


def main() -> None:
    for module in ("simulator.engine", "simulator.engine.play.session", "simulator.engine.check.validate"):
        median, heavy = measure(module)
        print(f"import {module}: median {median * 1000:.1f} ms; heavy modules loaded: {heavy or 'none'}")
    imported, loaded, started, scored, whole = (x * 1000 for x in first_reply())
    print(f"time to a first scored reply (fresh process, wage_arrears): median {whole:.0f} ms = import {imported:.0f}"
          f" + scenario and rubric loaded {loaded:.0f} + session started {started:.0f}"
          f" + first reply scored (weights loaded) {scored:.0f}")


if __name__ == "__main__":
    main()
