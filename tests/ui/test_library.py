"""The TUI's scenario source: listing, the JSON index, loading, and the records kept in memory."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.content import Content
from uikit import RUBRICS, SCENARIOS, fixed_clock, loaded

from simulator.engine.content.library import ContentError
from simulator.engine.play.session import Session
from simulator.ui.commands import markup_literal
from simulator.ui.launch import LazyRecords
from simulator.ui.library import DiskLibrary
from simulator.ui.records import MemoryRecords


def copy_library(tmp_path):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    for path in SCENARIOS.iterdir():
        (scenarios / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return scenarios


def test_entries_describe_each_scenario():
    entries = {e.id: e for e in DiskLibrary([SCENARIOS], [RUBRICS]).entries()}
    wages = entries["ui_wages"]
    assert (wages.title, wages.category, wages.difficulty) == ("讨薪的老周", "劳动保障", 2)
    assert wages.persona == "老周，46 岁，急躁易怒" and not wages.problem


def test_a_broken_file_is_listed_with_its_problem(tmp_path):
    scenarios = copy_library(tmp_path)
    (scenarios / "broken.yaml").write_text("schema_version: 1\nid: broken\n", encoding="utf-8")
    broken = next(e for e in DiskLibrary([scenarios], [RUBRICS]).entries() if e.ref.endswith("broken.yaml"))
    assert broken.problem and "broken.yaml" in broken.problem


def test_the_index_returns_the_same_entries_and_follows_edits(tmp_path):
    scenarios = copy_library(tmp_path)
    index = tmp_path / "cache" / "index.json"
    library = DiskLibrary([scenarios], [RUBRICS], index=index)
    first = library.entries()
    assert index.exists() and library.entries() == first == DiskLibrary([scenarios], [RUBRICS]).entries()
    noise = scenarios / "noise.yaml"
    noise.write_text(noise.read_text(encoding="utf-8").replace("楼上装修的噪音", "楼上装修"), encoding="utf-8")
    assert "楼上装修" in [e.title for e in library.entries()]


def test_a_damaged_or_unwritable_index_is_ignored(tmp_path):
    index = tmp_path / "index.json"
    index.write_text("{not json", encoding="utf-8")
    assert len(DiskLibrary([SCENARIOS], [RUBRICS], index=index).entries()) == 3
    blocked = tmp_path / "file" / "index.json"
    (tmp_path / "file").write_text("a file where the cache directory should be", encoding="utf-8")
    assert len(DiskLibrary([SCENARIOS], [RUBRICS], index=blocked).entries()) == 3


def test_a_warm_index_lists_without_importing_the_engine(tmp_path):
    index = tmp_path / "index.json"
    DiskLibrary([SCENARIOS], [RUBRICS], index=index).entries()
    code = (f"import sys\nfrom pathlib import Path\nfrom simulator.ui.library import DiskLibrary\n"
            f"entries = DiskLibrary([Path({str(SCENARIOS)!r})], [Path({str(RUBRICS)!r})], "
            f"index=Path({str(index)!r})).entries()\n"
            f"assert len(entries) == 3\nprint(sorted(m for m in ('pydantic', 'yaml', 'simulator.engine.content.model') "
            f"if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert done.stdout.strip() == "[]"


def test_load_by_path_and_unknown_ref():
    library = DiskLibrary([SCENARIOS], [RUBRICS])
    scenario, rubric = library.load(str(SCENARIOS / "wages.yaml"))
    assert scenario.id == "ui_wages" and rubric.id == "ui"
    with pytest.raises(ContentError):
        library.load("no_such_scenario")


def test_memory_records_follow_the_protocol():
    scenario, rubric = loaded("ui_wages")
    records = MemoryRecords(clock=fixed_clock)
    session = Session.start(scenario, rubric).answer("您先别着急，请坐下慢慢说。")
    first = records.begin("张三", session)
    assert [s.id for s in records.unfinished("张三", "ui_wages")] == [first]
    session = session.answer("您的意思是他们互相推，我们会核实情况。").answer("请您留个电话，我们15日内给您答复。")
    records.finish(first, session)
    assert records.unfinished("张三") == [] and records.best_scores("张三") == {"ui_wages": 100}
    [summary] = records.history("张三")
    assert (summary.status, summary.ending_kind, summary.started_at) == ("finished", "resolved", "2025-03-01T09:30:00")
    assert ("listening", "倾听", 100) in summary.dimensions
    assert records.history("李四") == [] and records.best_scores("李四") == {}


def test_lazy_records_fall_back_to_memory_when_the_store_cannot_open():
    def broken():
        raise OSError("只读文件系统")

    records = LazyRecords(broken)
    assert records.best_scores("张三") == {} and "只读文件系统" in records.problem


@given(st.text(st.characters(blacklist_categories=("Cc", "Cs"))))  # control codes are stripped anyway
def test_palette_help_text_survives_markup_parsing(text):
    assert Content.from_markup(markup_literal(text)).plain == text


def test_entries_come_from_every_folder_in_order(tmp_path):
    mine = tmp_path / "scenarios"
    mine.mkdir()
    shutil.copy(SCENARIOS / "wages.yaml", mine / "my_wages.yaml")
    library = DiskLibrary([SCENARIOS, mine, tmp_path / "missing"], [RUBRICS])
    refs = [e.ref for e in library.entries()]
    assert len(refs) == 4 and refs[-1] == str(mine / "my_wages.yaml")
    scenario, _ = library.load(refs[-1])
    assert scenario.id == "ui_wages"
