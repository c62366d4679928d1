"""Rubrics `simulator score` validated before: the same file, the same weights, the same program.

Validating the standard rubric (every check's pattern compiled and tried, its lexicon resolved,
the learned layer's rules planned) is a large part of a batch's start-up, and its answer changes
only when the rubric file, the weights it names or the program changes. The key covers all
three (path, size and modification time of each file, and of the engine's own modules); only a
rubric that passed is remembered, so a broken one is reported every time. A cache that cannot be
read or written just means validating again.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from ..engine.check.validate import check_loaded_rubric
from ..engine.content.library import require_rubric
from ..engine.content.loader import load_file
from ..engine.content.model import Rubric

KEPT = 16  # rubric versions remembered


def load_valid_rubric(path: Path, cache: Path | None) -> Rubric:
    """The rubric at `path`, free of validation errors (raises ContentError as `ready.load_rubric` does)."""
    loaded = load_file(path, "rubric")
    key = _key(path, loaded.model) if cache is not None else None
    if key is not None and cache is not None and key in _read(cache):
        return require_rubric(loaded)
    rubric = require_rubric(loaded, check_loaded_rubric(loaded))
    if key is not None and cache is not None:
        _write(cache, [key, *(k for k in _read(cache) if k != key)][:KEPT])
    return rubric


def _key(path: Path, model: object) -> str | None:
    files: list[Path | str] = [path]
    if isinstance(model, Rubric) and model.learned is not None:
        files.append(model.learned.path(model.learned.weights))
    # The program: every engine module this process has loaded (the loader's and the validator's
    # among them), so an edited validator validates again.
    files += sorted({origin for name, module in list(sys.modules.items()) if name.startswith("simulator.engine")
                     and (origin := getattr(getattr(module, "__spec__", None), "origin", None))
                     and origin.endswith(".py")})
    digest = hashlib.sha256()
    try:
        for file in files:
            stat = os.stat(file)
            digest.update(f"{Path(file).resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    except OSError:
        return None  # a file that is not there: validation says so
    return digest.hexdigest()


def _read(cache: Path) -> list[str]:
    try:
        keys = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []


def _write(cache: Path, keys: list[str]) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(keys), encoding="utf-8")
        temporary.replace(cache)
    except OSError:
        pass
