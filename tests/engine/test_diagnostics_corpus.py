"""The broken-file corpus: every file names its own faults in its first line.

`# expect: SC101@14 SC201@20:15` means: a diagnostic with code SC101 at line 14, and one with
SC201 at line 20, column 15. A file must report exactly the listed (code, line) pairs: nothing
missing and nothing extra, so a check that starts cascading or goes quiet fails here.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.engine.check.validate import validate_paths
from simulator.engine.content.diagnostics import CATALOGUE
from simulator.engine.content.loader import load_file
from simulator.engine.content.references import load_references

DATA = Path(__file__).resolve().parent.parent / "data"
BROKEN = DATA / "broken"
REFERENCES = load_references([DATA.parent.parent / "references"])  # the shipped statute excerpts
EXPECT = re.compile(r"(SC\d{3})@(\d+)(?::(\d+))?")
CORPUS = sorted(BROKEN.glob("*.yaml"))


def expectations(path: Path) -> list[tuple[str, int, int | None]]:
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert first.startswith("# expect:"), f"{path.name}: first line must be '# expect: CODE@LINE ...'"
    found = [(code, int(line), int(col) if col else None) for code, line, col in EXPECT.findall(first)]
    assert found, f"{path.name}: no expectation"
    return found


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 30


def test_corpus_covers_every_code_in_the_catalogue():
    covered = {code for path in CORPUS for code, _, _ in expectations(path)}
    assert sorted(set(CATALOGUE) - covered) == []


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_broken_file_reports_exactly_its_faults(path: Path):
    wanted = expectations(path)
    found = validate_paths([path], [DATA], REFERENCES)
    got = sorted({(d.code, d.line) for d in found})
    assert got == sorted({(code, line) for code, line, _ in wanted}), "\n".join(map(str, found))
    for code, line, col in wanted:
        if col is not None:
            cols = [d.col for d in found if d.code == code and d.line == line]
            assert col in cols, f"{code}@{line}: expected column {col}, got {cols}"
    for diagnostic in found:
        assert diagnostic.path == str(path)
        assert diagnostic.severity == CATALOGUE[diagnostic.code][0]
        assert "\\u" not in diagnostic.message


@pytest.mark.parametrize("name", ["multi_parse_faults", "multi_semantic_faults"])
def test_several_faults_are_all_reported_in_one_run(name: str):
    path = BROKEN / f"{name}.yaml"
    wanted = expectations(path)
    assert len({code for code, _, _ in wanted}) >= 5
    found = validate_paths([path], [DATA], REFERENCES)
    assert {(code, line) for code, line, _ in wanted} <= {(d.code, d.line) for d in found}


def test_whole_corpus_in_one_call_is_sorted_and_complete():
    found = validate_paths([BROKEN], [DATA], REFERENCES)
    assert found == sorted(found, key=lambda d: (d.path, d.line, d.col, d.code, d.message))
    total = sum(len({(code, line) for code, line, _ in expectations(p)}) for p in CORPUS)
    assert len({(d.path, d.code, d.line) for d in found}) == total


def test_did_you_mean_hints():
    by_file = {p.stem: [d.message for d in validate_paths([p], [DATA], REFERENCES)] for p in CORPUS}
    assert any("是否想写 'ending'" in m for m in by_file["sc012_unknown_key"])
    assert any("是否想写 'end_escalated'" in m for m in by_file["sc101_goto_missing"])
    assert any("是否想写 'anger'" in m for m in by_file["sc201_undeclared_in_when"])
    assert any("是否想写 'regex'" in m for m in by_file["sc015_unknown_check"])
    assert any("是否想写 'opening'" in m for m in by_file["sc106_missing_start"])
    assert any("是否想写 '信访工作条例'" in m for m in by_file["sc401_law_not_shipped"])
    assert any("是否想写 'answer_in_15_days'" in m for m in by_file["sc405_cites_undeclared_fact"])


def test_valid_fixtures_are_clean():
    found = validate_paths([DATA / "mini_scenario.yaml", DATA / "mini_rubric.yaml"], [DATA], REFERENCES)
    assert found == []


def test_yaml_11_words_stay_strings():
    loaded = load_file(DATA / "yaml11_strings.yaml")
    assert loaded.diagnostics == ()
    assert loaded.model.title == "no"
    assert loaded.model.category == "on"
    assert loaded.model.summary == "12:30"
    assert loaded.model.persona.name == "yes"


def test_clock_time_in_a_number_field_is_an_error_not_sexagesimal():
    loaded = load_file(BROKEN / "sc013_yaml11_time.yaml")
    assert loaded.model is None
    assert any("12:30" in d.message for d in loaded.diagnostics if d.code == "SC013")


def test_every_code_is_documented_with_its_severity():
    text = (DATA.parent.parent / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    headings = dict(re.findall(r"^### (SC\d{3}) .*（(错误|警告|提示)）$", text, re.M))
    words = {"error": "错误", "warning": "警告", "info": "提示"}
    assert headings == {code: words[severity] for code, (severity, _) in CATALOGUE.items()}
