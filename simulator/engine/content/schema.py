"""JSON Schemas of the two formats, derived from the models, for editors' completion and hover.

Kept to the draft-07 subset that yaml-language-server understands: `definitions` instead of
`$defs`, no keywords beside a `$ref`, and a check written as `if/then` on the key that names it
(so an editor says which key is wrong rather than "not valid under any of the given schemas").
Scalars the loader reads as text also accept YAML numbers and booleans, as the loader does.
"""
from __future__ import annotations

import copy
from typing import Any

from .model import CHECK_CLASSES, SCHEMA_VERSION, Rubric, Scenario

DRAFT = "http://json-schema.org/draft-07/schema#"
TITLES: dict[str, tuple[str, type[Scenario] | type[Rubric]]] = {
    "scenario": ("接访演练场景", Scenario), "rubric": ("接访演练评分标准", Rubric)}
CHECK_DESCRIPTION = ("检查条件：用一个键说明检查类型——词族 family、依次出现 seq、相近 near，"
                     "phrases、not_phrases、regex、not_regex、question、length、similar，"
                     "或组合 any、all、not、at_least + of")
EXTRA_CHECK_KEYS = ("guard", "of", "times", "within")


def json_schema(kind: str) -> dict[str, Any]:
    """The draft-07 schema of 'scenario' or 'rubric'."""
    title, model = TITLES[kind]
    raw = model.model_json_schema(ref_template="#/definitions/{model}")
    definitions = raw.pop("$defs", {})
    check_refs = {f"#/definitions/{cls.__name__}" for cls in CHECK_CLASSES.values()}
    if check_refs & {f"#/definitions/{name}" for name in definitions}:
        definitions["Check"] = _check_definition()
    body = _clean(raw, check_refs)
    body["properties"]["schema_version"] = {"const": SCHEMA_VERSION, "description": "格式版本，目前为 1"}
    body.pop("description", None)
    body.pop("title", None)
    schema: dict[str, Any] = {"$schema": DRAFT, "title": title, **body}
    schema["definitions"] = {name: _clean(value, check_refs) if name != "Check" else value
                             for name, value in sorted(definitions.items())}
    return schema


def _check_definition() -> dict[str, Any]:
    keys = list(CHECK_CLASSES)
    return {
        "type": "object",
        "description": CHECK_DESCRIPTION,
        "propertyNames": {"enum": keys + list(EXTRA_CHECK_KEYS)},
        "anyOf": [{"required": [key]} for key in keys],
        "allOf": [{"if": {"required": [key]}, "then": {"$ref": f"#/definitions/{cls.__name__}"}}
                  for key, cls in CHECK_CLASSES.items()],
    }


def _clean(node: Any, check_refs: set[str]) -> Any:
    """Draft-07 form of a pydantic schema fragment (returns a new value)."""
    if isinstance(node, list):
        return [_clean(item, check_refs) for item in node]
    if not isinstance(node, dict):
        return node
    node = copy.copy(node)
    union = node.get("oneOf")
    if isinstance(union, list) and {item.get("$ref") for item in union} == check_refs:
        node.pop("oneOf")
        node["$ref"] = "#/definitions/Check"
    if isinstance(node.get("title"), str) and "properties" not in node:
        node.pop("title")  # pydantic's English field titles; the Chinese description is the hover text
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            result[key] = {name: _clean(prop, check_refs) for name, prop in value.items()}
        else:
            result[key] = _clean(value, check_refs)
    if result.get("type") == "string" and not {"pattern", "enum", "const", "format"} & result.keys():
        result["type"] = ["string", "number", "boolean"]
    if "$ref" in result and len(result) > 1:
        ref = result.pop("$ref")
        result = {**result, "allOf": [{"$ref": ref}]}
    return result
