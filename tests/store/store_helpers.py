"""Constants and helpers for the store tests (their fixtures are in conftest.py beside this file)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
ENGINE_SCENARIO = DATA / "engine" / "scenario.yaml"
LOOP_SCENARIO = DATA / "store" / "loop.yaml"
CALM = "您先别着急，请坐下慢慢说。"
VERIFY = "请您放心，我们会核实情况。"


def simulator_command() -> list[str]:
    """The installed `simulator` script beside this interpreter, else `python -m simulator`."""
    script = Path(sys.executable).parent / "simulator"
    return [str(script)] if script.exists() else [sys.executable, "-m", "simulator"]


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SIMULATOR_DATA_DIR", "SIMULATOR_DATABASE_URL")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env
