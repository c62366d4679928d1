"""The loader never raises on bad content: random bytes and YAML-ish text give diagnostics."""
from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine.check.validate import validate_paths
from simulator.engine.content.diagnostics import CATALOGUE
from simulator.engine.content.loader import Loaded, load_file, load_text

YAMLISH = st.lists(
    st.one_of(
        st.sampled_from([
            "schema_version: 1", "id: x", "nodes:", "criteria:", "  - id: a", "  a:", "    next:",
            "      - goto: b", "    ending: {kind: resolved, title: t}", "state:", "  anger: {type: int}",
            "check: {phrases: []}", "- ", ": ", "? ", "&a [*a]", "*a", "!!python/object:os.system", "|", ">-",
            "'", '"', "{", "}", "[", "]", "#", "\t", "\u3000", "：", "---", "...", "%YAML 1.1", "key: 12:30",
        ]),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    ),
    max_size=30,
).map("\n".join)


def _sound(loaded: Loaded) -> None:
    assert isinstance(loaded, Loaded)
    assert loaded.model is not None or loaded.diagnostics
    if loaded.model is not None:
        assert loaded.diagnostics == ()
    for diagnostic in loaded.diagnostics:
        assert diagnostic.code in CATALOGUE
        assert diagnostic.line >= 1 and diagnostic.col >= 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(YAMLISH)
def test_yamlish_text_never_raises(text):
    _sound(load_text(text, "fuzz.yaml"))
    _sound(load_text(text, "fuzz.yaml", "scenario"))
    _sound(load_text(text, "fuzz.yaml", "rubric"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(tmp_path, data):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    _sound(load_file(path))


def test_deep_nesting_and_alias_bombs_are_diagnostics():
    _sound(load_text("[" * 5000 + "]" * 5000))
    _sound(load_text("a: " + "[" * 900 + "]" * 900))
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    bomb += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    loaded = load_text("\n".join(bomb))
    _sound(loaded)
    assert loaded.diagnostics[0].code == "SC010"


DATA = Path(__file__).resolve().parent.parent / "data"
VALID_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("mini_*.yaml"))]
EDIT = st.tuples(st.sampled_from(["delete", "duplicate", "swap", "replace"]), st.integers(0, 200),
                 st.integers(0, 200), st.sampled_from(["goto: opening", "when: anger >", "- {{", "regex: '('",
                                                       "  at_least: 9", "next: []", "ending: {kind: crisis}"]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(VALID_TEXTS), st.lists(EDIT, min_size=1, max_size=4))
def test_validate_never_raises_on_edited_files(tmp_path, text, edits):
    lines = text.split("\n")
    for action, i, j, fragment in edits:
        i, j = i % len(lines), j % len(lines)
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        else:
            indent = len(lines[i]) - len(lines[i].lstrip())
            lines[i] = " " * indent + fragment
        lines = lines or [""]
    path = tmp_path / "edited.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    shutil.copy(DATA / "mini_rubric.yaml", tmp_path / "mini_rubric.yaml")
    for diagnostic in validate_paths([path], [tmp_path]):
        assert diagnostic.code in CATALOGUE
