"""Start-up time: launch to an interactive home screen, ours against a bare Textual app.

Each app runs many times as a fresh process on a pseudo-terminal (as a user would start it).
Both note the wall-clock moment of their `Ready` event (first screen composed and drawn) in a
file and exit at once; the time counted is from just before the process is spawned to that
moment, so interpreter start-up and imports are included. Our app also gets two more figures:
until the scenario library has been loaded (in a worker) and listed, without and with the JSON
index that later runs reuse. The series run round-robin so that machine load affects them alike.

Target: ours at most 1.3 times the bare app (median). Usage: python bench/bench_startup.py [RUNS]
"""
from __future__ import annotations

import os
import pty
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.3

BARE_APP = """
import os, time
from textual.app import App

class Bare(App):
    def on_ready(self):
        with open(os.environ["SIMULATOR_BENCH_FILE"], "w") as out:
            out.write(repr(time.time()))
        self.exit()

Bare().run()
"""


def simulator_command() -> list[str]:
    """The installed `simulator` script, else the module, run with this interpreter."""
    script = Path(sys.executable).with_name("simulator")
    return [str(script)] if script.exists() else [sys.executable, "-m", "simulator"]


def time_to_ready(command: list[str], exit_when: str, data_dir: str, cache_dir: str | None = None) -> float:
    """Seconds from spawning `command` on a pty to the moment it reports being ready."""
    with tempfile.NamedTemporaryFile("r", suffix=".ready", delete=False) as stamp:
        stamp_path = stamp.name
    primary, secondary = pty.openpty()
    env = {**os.environ, "SIMULATOR_BENCH_FILE": stamp_path, "SIMULATOR_BENCH_EXIT": exit_when,
           "SIMULATOR_DATA_DIR": data_dir, "SIMULATOR_CACHE_DIR": cache_dir or tempfile.mkdtemp(dir=data_dir),
           "TERM": os.environ.get("TERM", "xterm-256color"),
           "COLUMNS": "100", "LINES": "30"}
    started = time.time()
    process = subprocess.Popen(command, stdin=secondary, stdout=secondary, stderr=secondary, env=env,
                               cwd=ROOT, close_fds=True)
    os.close(secondary)
    while True:  # drain the terminal so the app never blocks on a full pty buffer
        try:
            if not os.read(primary, 65536):
                break
        except OSError:
            break
    process.wait(timeout=60)
    os.close(primary)
    try:
        text = Path(stamp_path).read_text().strip()
    finally:
        Path(stamp_path).unlink(missing_ok=True)
    if not text:
        raise RuntimeError(f"{' '.join(command)} did not report ready (exit code {process.returncode})")
    return float(text) - started


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as data_dir:
        bare_file = Path(data_dir) / "bare_app.py"
        bare_file.write_text(BARE_APP)
        warm_cache = tempfile.mkdtemp(dir=data_dir)
        # (label, command, what to wait for, cache directory: None means a fresh empty one each run)
        series = [
            ("bare Textual app: ready", [sys.executable, str(bare_file)], "ready", None),
            ("simulator (home screen): ready", simulator_command(), "ready", warm_cache),
            ("simulator: listed, no index", simulator_command(), "listed", None),
            ("simulator: listed, warm index", simulator_command(), "listed", warm_cache),
        ]
        times: dict[str, list[float]] = {label: [] for label, *_ in series}
        for _label, command, exit_when, cache in series:  # warm the OS file cache (and the index); not counted
            time_to_ready(command, exit_when, data_dir, cache)
        # Round-robin, so that a machine getting busier or quieter affects every series alike.
        for _ in range(runs):
            for label, command, exit_when, cache in series:
                times[label].append(time_to_ready(command, exit_when, data_dir, cache))
    for label, found in times.items():
        print(f"{label:<34} median {statistics.median(found) * 1000:6.0f} ms   "
              f"min {min(found) * 1000:6.0f} ms   max {max(found) * 1000:6.0f} ms   (n={runs})")
    bare = statistics.median(times[series[0][0]])
    ratios = {label: statistics.median(found) / bare for label, found in times.items()}
    ratio = ratios[series[1][0]]
    print(f"ratio ours/bare (ready): {ratio:.2f}  target <= {TARGET}  {'OK' if ratio <= TARGET else 'OVER'}")
    print(f"ratio ours/bare (library listed, no index): {ratios[series[2][0]]:.2f}")
    print(f"ratio ours/bare (library listed, warm index): {ratios[series[3][0]]:.2f}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
