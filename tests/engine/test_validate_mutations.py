"""One-line mutations of valid scenarios must make `simulator validate` fail, naming that line."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import cli
from simulator.engine.content.library import rubric_path

ROOT = Path(__file__).resolve().parent.parent.parent
VALID = sorted((ROOT / "scenarios").glob("*.yaml")) + [ROOT / "tests" / "data" / "mini_scenario.yaml"]


def _first(lines: list[str], pattern: str) -> int:
    for index, line in enumerate(lines):
        if re.match(pattern, line):
            return index
    raise AssertionError(f"no line matches {pattern!r}")


def fullwidth_colon(lines):
    i = _first(lines, r"^\s+say: ")
    lines[i] = lines[i].replace("say:", "say：", 1)
    return i, "SC001"


def duplicated_key(lines):
    i = _first(lines, r"^\s+expects:")
    lines.insert(i + 1, lines[i])
    return i + 1, "SC011"


def ideographic_indent(lines):
    i = _first(lines, r"^\s{4,}goto: ")
    lines[i] = "\u3000" + lines[i][2:]
    return i, "SC002"


def unknown_key(lines):
    i = _first(lines, r"^title: ")
    lines.insert(i + 1, "titel: 多写了一个键")
    return i + 1, "SC012"


def goto_to_missing_node(lines):
    i = _first(lines, r"^\s+(- )?goto: ")
    lines[i] = lines[i].rstrip() + "_missing"
    return i, "SC101"


MUTATIONS = [fullwidth_colon, duplicated_key, ideographic_indent, unknown_key, goto_to_missing_node]


def _copy(source: Path, tmp_path: Path) -> Path:
    """The scenario copied into tmp_path with a relative rubric (if any) beside it as before."""
    target = tmp_path / "content" / source.name
    target.parent.mkdir(parents=True)
    shutil.copy(source, target)
    rubric = re.search(r"^rubric:\s*(\S+)", source.read_text(encoding="utf-8"), re.M)
    if rubric and rubric.group(1).endswith((".yaml", ".yml")):
        original = rubric_path(rubric.group(1), source, [ROOT / "rubrics"])
        copied = (target.parent / rubric.group(1))
        copied.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(original, copied)
    return target


def _validate(path: Path, capsys) -> tuple[int, list[dict]]:
    code = cli.main(["validate", str(path), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("source", VALID, ids=lambda p: p.stem)
@pytest.mark.parametrize("mutate", MUTATIONS, ids=lambda f: f.__name__)
def test_one_line_mutation_fails_validation_at_that_line(source: Path, mutate, tmp_path, capsys):
    path = _copy(source, tmp_path)
    _, before = _validate(path, capsys)
    lines = path.read_text(encoding="utf-8").split("\n")
    index, code = mutate(lines)
    path.write_text("\n".join(lines), encoding="utf-8")
    exit_code, after = _validate(path, capsys)
    line = index + 1
    assert exit_code == 1
    assert not [d for d in before if d["line"] == line and d["code"] == code]
    assert any(d["code"] == code and d["line"] == line and d["file"] == str(path) for d in after), after


def test_text_output_through_the_installed_command(tmp_path):
    path = _copy(ROOT / "tests" / "data" / "mini_scenario.yaml", tmp_path)
    lines = path.read_text(encoding="utf-8").split("\n")
    index, _ = goto_to_missing_node(lines)
    path.write_text("\n".join(lines), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "simulator", "validate", str(path)],
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 1
    assert re.search(rf"^{re.escape(str(path))}:{index + 1}:\d+: error\[SC101\] 跳转目标不存在", done.stdout, re.M)
    assert re.search(r"^\d+ 个错误，\d+ 个警告", done.stdout.splitlines()[-1])
    assert "Traceback" not in done.stderr
