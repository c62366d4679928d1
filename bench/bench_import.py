"""Importing the engine without the UI. Target: under 150 ms; Textual, Rich, jieba and the database
layers (sqlite3, SQLAlchemy, Alembic, psycopg) never load."""
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


def measure(module: str, runs: int = 15) -> tuple[float, str]:
    times, heavy = [], ""
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)], capture_output=True, text=True,
                             cwd=ROOT, check=True).stdout.split()
        times.append(float(out[0]))
        heavy = out[1] if len(out) > 1 else ""
    return statistics.median(times), heavy


def main() -> None:
    for module in ("simulator.engine", "simulator.engine.play.session", "simulator.engine.check.validate"):
        median, heavy = measure(module)
        print(f"import {module}: median {median * 1000:.1f} ms; heavy modules loaded: {heavy or 'none'}")


if __name__ == "__main__":
    main()
