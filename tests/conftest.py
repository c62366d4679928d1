"""Shared fixtures: the project's paths, isolated user folders, settings, and small content."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from databases import TEST_SERVER, Places, server_problem, server_url

from simulator.settings import CACHE_DIR, CONTENT_DIR, DATA_DIR, DATABASE_URL, Settings, bundled_dir

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session", autouse=True)
def isolated_user_folders(tmp_path_factory):
    """Keep every test (and every `simulator` it starts) off the developer's own data, content and cache."""
    home = tmp_path_factory.mktemp("user")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATA_DIR, str(home / "data"))
        patch.setenv(CONTENT_DIR, str(home / "content"))
        patch.setenv(CACHE_DIR, str(home / "cache"))
        patch.delenv(DATABASE_URL, raising=False)  # nor the developer's own records database
        yield home


@pytest.fixture
def make_settings(tmp_path):
    """Settings on the bundled library with empty user folders under tmp_path; keywords replace fields."""

    def make(**changes) -> Settings:
        base = Settings(bundled_dir=bundled_dir(), content_dir=tmp_path / "content", data_dir=tmp_path / "data",
                        cache_dir=tmp_path / "cache", trainee="学员", theme="textual-dark")
        return replace(base, **changes)

    return make


@pytest.fixture(scope="session")
def engine_content():
    """The tiny scenario and rubric under tests/data/engine/, loaded."""
    from simulator.engine.content.library import require_rubric, require_scenario
    from simulator.engine.content.loader import load_file

    scenario = require_scenario(load_file(DATA / "engine" / "scenario.yaml", "scenario"))
    rubric = require_rubric(load_file(DATA / "engine" / "rubric.yaml", "rubric"))
    return scenario, rubric


@pytest.fixture(scope="session")
def standard_rubric():
    """The bundled standard rubric, loaded and validated."""
    from simulator.engine.check.ready import load_rubric

    return load_rubric(ROOT / "rubrics" / "standard.yaml")


@pytest.fixture(scope="session")
def standard_scorer(standard_rubric):
    """The standard rubric compiled for scoring (as a Session holds it)."""
    from simulator.engine.play.scoring import compile_rubric

    return compile_rubric(standard_rubric)


# ---------------------------------------------------------------- the records store on both backends


@pytest.fixture(scope="session")
def postgres_server():
    """The PostgreSQL server for the tests ($SIMULATOR_TEST_DATABASE_URL; `.ci/run` starts one).

    Unset: the PostgreSQL legs skip. Set but not answering: they fail, so CI cannot pass without them."""
    url = server_url()
    if url is None:
        pytest.skip(f"no PostgreSQL server for the tests: set {TEST_SERVER} "
                    "(or run them as CI does: .ci/with-postgres make test)")
    problem = server_problem(url)
    if problem:
        pytest.fail(f"{TEST_SERVER} is set but its server does not answer: {problem}", pytrace=False)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def places(request):
    """Where this test's stores live: SQLite files, or PostgreSQL schemas of their own (see databases.py)."""
    server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    found = Places(request.param, server)
    yield found
    found.drop()
