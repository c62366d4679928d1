"""One settings value: every path and environment variable, resolved in one place."""
from __future__ import annotations

from pathlib import Path

from simulator.settings import Settings, bundled_dir

ROOT = Path(__file__).resolve().parent.parent


def test_the_bundled_library_is_package_data_linked_to_the_top_level_folders():
    settings = Settings.from_environment({})
    assert settings.bundled_dir == bundled_dir() and settings.bundled_dir.name == "bundled"
    assert settings.bundled_scenarios == ROOT / "scenarios" and settings.bundled_rubrics == ROOT / "rubrics"
    assert settings.schemas_dir == ROOT / "schemas" and settings.standard_rubric.is_file()
    assert settings.bundled_references == ROOT / "references"
    assert settings.bundled_editable  # a source checkout: `new` adds to the project's folders


def test_the_statute_excerpts_are_the_bundled_ones_then_the_users(tmp_path):
    settings = Settings.from_environment({"SIMULATOR_CONTENT_DIR": str(tmp_path / "mine")})
    assert settings.reference_dirs == (ROOT / "references", tmp_path / "mine" / "references")
    references = settings.references()  # the user's folder does not exist yet: the bundled excerpts alone
    assert references.find("信访工作条例") is not None and references.find("民法典") is not None


def test_data_dir_comes_from_the_option_then_the_environment_then_the_user_folder(tmp_path):
    environ = {"SIMULATOR_DATA_DIR": str(tmp_path / "env")}
    assert Settings.from_environment(environ).data_dir == tmp_path / "env"
    assert Settings.from_environment(environ, data_dir=tmp_path / "flag").data_dir == tmp_path / "flag"
    default = Settings.from_environment({})
    assert default.data_dir.name == "jiefang" and default.reports_dir == default.data_dir / "reports"
    assert default.content_dir == default.data_dir / "content"  # the user's own scenarios and rubrics


def test_every_variable_is_read_here(tmp_path):
    settings = Settings.from_environment({
        "SIMULATOR_CONTENT_DIR": str(tmp_path / "mine"), "SIMULATOR_CACHE_DIR": str(tmp_path / "cache"),
        "SIMULATOR_TRAINEE": " 小王 ", "SIMULATOR_THEME": "textual-light",
        "SIMULATOR_BENCH_FILE": str(tmp_path / "ready"), "SIMULATOR_BENCH_EXIT": "listed",
    })
    assert settings.user_scenarios == tmp_path / "mine" / "scenarios"
    assert settings.index_file == tmp_path / "cache" / "library-index.json"
    assert (settings.trainee, settings.theme) == ("小王", "textual-light")
    assert settings.bench is not None
    assert (settings.bench.file, settings.bench.exit_when) == (tmp_path / "ready", "listed")
    assert Settings.from_environment({}).bench is None


def test_the_theme_follows_the_terminal_background():
    assert Settings.from_environment({"COLORFGBG": "0;15"}).theme == "ansi-light"
    assert Settings.from_environment({"COLORFGBG": "15;0"}).theme == "ansi-dark"
    assert Settings.from_environment({}).theme == "ansi-dark"


def test_user_content_sits_beside_the_bundled_library(tmp_path):
    settings = Settings.from_environment({"SIMULATOR_CONTENT_DIR": str(tmp_path)})
    assert settings.scenario_dirs == (settings.bundled_scenarios, tmp_path / "scenarios")
    assert settings.rubric_dirs == (tmp_path / "rubrics", settings.bundled_rubrics)
    assert settings.content_folders() == [settings.bundled_rubrics, settings.bundled_scenarios]  # none yet
    (tmp_path / "scenarios").mkdir()
    assert tmp_path / "scenarios" in settings.content_folders()


def test_nothing_else_reads_the_environment_or_locates_content_by_file():
    """Only cli.py (which hands os.environ to Settings) and settings.py may touch the environment;
    no module works out a folder from its own location."""
    import ast

    offenders = []
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            environ = isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "putenv")
            here = isinstance(node, ast.Name) and node.id == "__file__"
            if (environ and path.name not in ("cli.py", "settings.py")) or here:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
