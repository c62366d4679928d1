"""The engine is a library: importing every module of it loads no Textual, no Rich, no SQLite."""
from __future__ import annotations

import json
import subprocess
import sys

CODE = (
    "import importlib, json, pkgutil, sys\n"
    "import simulator.engine as engine\n"
    "for module in pkgutil.walk_packages(engine.__path__, 'simulator.engine.'):\n"
    "    importlib.import_module(module.name)\n"
    "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'sqlite3'))))\n"
)


def test_engine_imports_no_ui_or_storage():
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


def test_validate_command_stays_off_the_ui(tmp_path):
    code = ("import sys; from simulator import cli\n"
            f"cli.main(['validate', {str(tmp_path)!r}, '--format', 'json'])\n"
            "print('textual' in sys.modules, 'rich' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stderr.strip().splitlines()[-1] == "False False"
