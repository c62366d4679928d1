"""`simulator score` validates a rubric once per version of it: a second run with the same rubric
file, weights and program skips validation; an edited rubric is validated again; a broken one is
never remembered, so its error is reported every run."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator.commands import known_valid
from simulator.engine.content.library import ContentError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def rubric_copy(tmp_path):
    folder = tmp_path / "rubrics"
    folder.mkdir()
    for name in ("standard.yaml", "standard.weights.json", "standard.figures.json"):
        shutil.copyfile(ROOT / "rubrics" / name, folder / name)
    return folder / "standard.yaml"


@pytest.fixture
def validations(monkeypatch):
    calls: list[str] = []
    real = known_valid.check_loaded_rubric

    def counted(loaded):
        calls.append(str(loaded.path))
        return real(loaded)

    monkeypatch.setattr(known_valid, "check_loaded_rubric", counted)
    return calls


def test_the_same_rubric_is_validated_once(rubric_copy, tmp_path, validations):
    cache = tmp_path / "cache" / "validated.json"
    first = known_valid.load_valid_rubric(rubric_copy, cache)
    second = known_valid.load_valid_rubric(rubric_copy, cache)
    assert len(validations) == 1
    assert second == first


def test_an_edited_rubric_or_new_weights_are_validated_again(rubric_copy, tmp_path, validations):
    cache = tmp_path / "validated.json"
    known_valid.load_valid_rubric(rubric_copy, cache)
    rubric_copy.write_text(rubric_copy.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    known_valid.load_valid_rubric(rubric_copy, cache)
    weights = rubric_copy.with_name("standard.weights.json")
    weights.write_bytes(weights.read_bytes() + b"\n")
    known_valid.load_valid_rubric(rubric_copy, cache)
    assert len(validations) == 3


def test_a_broken_rubric_is_reported_every_time(rubric_copy, tmp_path, validations):
    cache = tmp_path / "validated.json"
    text = rubric_copy.read_text(encoding="utf-8")
    assert "\n  rules:\n" in text
    text = text.replace("\n  rules:\n", "\n  rules:\n    no_such_criterion: learned\n", 1)
    rubric_copy.write_text(text, encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ContentError, match="no_such_criterion"):
            known_valid.load_valid_rubric(rubric_copy, cache)
    assert len(validations) == 2


def test_an_unwritable_cache_only_means_validating_again(rubric_copy, tmp_path, validations):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("", encoding="utf-8")
    cache = blocker / "validated.json"
    known_valid.load_valid_rubric(rubric_copy, cache)
    known_valid.load_valid_rubric(rubric_copy, cache)
    assert len(validations) == 2
