"""`simulator schema`: draft-07 schemas that accept the bundled content and reject typos."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from simulator import cli

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "tests" / "data"
BUNDLED = {
    "scenario": sorted((ROOT / "scenarios").glob("*.yaml")),
    "rubric": sorted((ROOT / "rubrics").glob("*.yaml")),
}
FIXTURES = {
    "scenario": BUNDLED["scenario"] + [DATA / "mini_scenario.yaml", DATA / "yaml11_strings.yaml"],
    "rubric": BUNDLED["rubric"] + [DATA / "mini_rubric.yaml"],
}


@pytest.fixture(scope="module")
def schemas():
    import io
    from contextlib import redirect_stdout

    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["schema"]) == 0
    return json.loads(out.getvalue())


def test_both_schemas_are_draft_07(schemas):
    assert set(schemas) == {"scenario", "rubric"}
    for schema in schemas.values():
        jsonschema.Draft7Validator.check_schema(schema)
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        assert "$defs" not in json.dumps(schema)


def test_descriptions_are_chinese(schemas):
    node = schemas["scenario"]["definitions"]["Node"]["properties"]["say"]
    assert "来访人的话" in node["description"]


@pytest.mark.parametrize(("kind", "path"), [(k, p) for k, paths in FIXTURES.items() for p in paths],
                         ids=lambda v: getattr(v, "name", v))
def test_content_validates_against_its_schema(schemas, kind, path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [f"{list(e.path)}: {e.message}" for e in jsonschema.Draft7Validator(schemas[kind]).iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize(("name", "kind"), [("sc012_unknown_key", "scenario"), ("sc015_unknown_check", "rubric"),
                                       ("sc013_bad_literal", "scenario"), ("sc014_schema_version", "scenario")])
def test_schema_rejects_what_the_loader_rejects(schemas, name, kind):
    data = yaml.safe_load((DATA / "broken" / f"{name}.yaml").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft7Validator(schemas[kind]).iter_errors(data))


def test_committed_schemas_are_up_to_date(schemas, tmp_path):
    assert cli.main(["schema", "--out", str(tmp_path)]) == 0
    for kind in ("scenario", "rubric"):
        written = json.loads((tmp_path / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert written == schemas[kind]
        committed = (ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
        assert json.loads(committed) == written, "run: simulator schema --out schemas"


@pytest.mark.parametrize(("kind", "path"), [(k, p) for k, paths in BUNDLED.items() for p in paths],
                         ids=lambda v: getattr(v, "name", v))
def test_bundled_files_name_their_schema_on_the_first_line(kind, path):
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == f"# yaml-language-server: $schema=../schemas/{kind}.schema.json"
