"""YAML text -> Scenario or Rubric, with every error located at file:line:col, all at once.

The pipeline: scan the raw text for mistakes YAML hides (full-width colons, U+3000 indents),
compose nodes with PyYAML's BaseResolver (so every scalar is a string and the schema, not
YAML 1.1 guessing, decides types), walk the nodes into plain data while recording where each
value sits and rejecting duplicate keys, then validate with pydantic and map its errors back to
those positions. No object is ever constructed from tags, so loading is safe.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ValidationError

from .controls import has_controls
from .diagnostics import Diagnostic
from .model import CHECK_KEYS, SCHEMA_VERSION, Rubric, Scenario
from .yaml_errors import syntax_diagnostic

Kind = Literal["scenario", "rubric"]
DataPath = tuple[str | int, ...]
MODELS: dict[str, type[Scenario] | type[Rubric]] = {"scenario": Scenario, "rubric": Rubric}
NULLS = {"", "~", "null", "Null", "NULL"}
MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000  # walked nodes per document: aliases must not expand into a "billion laughs"


if TYPE_CHECKING:
    _Loader = yaml.BaseLoader
else:  # the C loader when libyaml is there: the same nodes, several times faster
    _Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class Composer(_Loader):
    """libyaml when available (~15x faster, same marks: line and character column).

    Tags are never used (every scalar is read as text), so resolving them is skipped: the base
    resolver has no implicit or path resolvers and would always answer the default tag anyway.
    """

    NODE_TAGS: dict[type[yaml.Node], str] = {
        yaml.ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
        yaml.SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
        yaml.MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    }

    def resolve(self, kind, value, implicit):
        return self.NODE_TAGS[kind]

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


FULLWIDTH_COLON = re.compile(r"^[ \t\u3000]*(?:-[ \t\u3000]+)?[A-Za-z_][A-Za-z0-9_-]*[ \t]*(：)")
BAD_INDENT = re.compile(r"^[ ]*([\u3000\t])")


def _all_field_names() -> set[str]:
    names: set[str] = set()
    seen: set[type] = set()

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            names.add(name)
            for sub in _models_in(info.annotation):
                visit(sub)

    for model in MODELS.values():
        visit(model)
    return names


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    for arg in getattr(annotation, "__args__", ()) or ():
        found += _models_in(arg)
    for meta in getattr(annotation, "__metadata__", ()) or ():
        found += _models_in(meta)
    if hasattr(annotation, "__origin__") and not found:
        found += _models_in(annotation.__origin__)
    return found


FIELD_NAMES = sorted(_all_field_names())


@dataclass(frozen=True)
class Marks:
    """Where each value (and each mapping key) of a document sits: data path -> (line, col)."""

    values: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[DataPath, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: DataPath, key: bool = False) -> tuple[int, int]:
        """The position of a path, or of its nearest recorded ancestor."""
        table = self.keys if key else self.values
        while path:
            if path in table:
                return table[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))


@dataclass(frozen=True)
class Loaded:
    """The result of loading one file: a model when it is valid, and every diagnostic found."""

    path: str
    kind: Kind | None
    model: Scenario | Rubric | None
    diagnostics: tuple[Diagnostic, ...]
    marks: Marks
    text: str = ""


def load_file(path: str | Path, kind: Kind | None = None) -> Loaded:
    """Load a scenario or rubric file; never raises for bad content."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return _failed(name, kind, Diagnostic.of("SC016", f"无法读取文件：{reason}", name))
    if len(raw) > MAX_FILE_BYTES:
        return _failed(name, kind, Diagnostic.of("SC016", f"文件过大（超过 {MAX_FILE_BYTES} 字节）", name))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return _failed(name, kind, Diagnostic.of("SC016", "文件不是 UTF-8 编码", name, line))
    return load_text(text, name, kind)


def load_text(text: str, path: str = "<text>", kind: Kind | None = None) -> Loaded:
    """Load from a string (used by tests and by the file loader)."""
    text, found = _prescan(text, path)
    try:
        data, marks, found_in_walk = _compose(text, path)
    except yaml.YAMLError as error:
        return _failed(path, kind, *found, syntax_diagnostic(error, text, path), text=text)
    except RecursionError:
        return _failed(path, kind, *found, Diagnostic.of("SC010", "YAML 语法错误：嵌套层次过深", path), text=text)
    found += found_in_walk
    if not isinstance(data, dict):
        found.append(Diagnostic.of("SC016", "顶层必须是一个映射（键: 值）", path, *marks.at(())))
        return Loaded(path, kind, None, tuple(found), marks, text)
    kind = kind or _guess_kind(data)
    if kind is None:
        found.append(Diagnostic.of("SC016", "无法判断文件类型：场景需要 nodes，评分标准需要 criteria", path,
                                   *marks.at(())))
        return Loaded(path, None, None, tuple(found), marks, text)
    version = data.get("schema_version")
    if version is not None and version != str(SCHEMA_VERSION):
        line, col = marks.at(("schema_version",))
        found.append(Diagnostic.of(
            "SC014", f"schema_version 为 {version!r}，本程序只支持 {SCHEMA_VERSION}", path, line, col))
        return Loaded(path, kind, None, tuple(found), marks, text)
    model: Scenario | Rubric | None = None
    try:
        # The folder a file sits in resolves the files it names (a rubric's learned weights).
        folder = str(Path(path).resolve().parent) if not path.startswith("<") else None
        model = MODELS[kind].model_validate(data, context={"folder": folder})
    except ValidationError as error:
        found += _validation_diagnostics(error, data, marks, path)
    if found:
        model = None
    return Loaded(path, kind, model, tuple(found), marks, text)


def _failed(path: str, kind: Kind | None, *found: Diagnostic, text: str = "") -> Loaded:
    return Loaded(path, kind, None, tuple(found), Marks(), text)


def _guess_kind(data: dict) -> Kind | None:
    if "nodes" in data:
        return "scenario"
    if "criteria" in data:
        return "rubric"
    return None


def _prescan(text: str, path: str) -> tuple[str, list[Diagnostic]]:
    """Find what YAML would misread, report it, and repair a copy so parsing can go on."""
    found: list[Diagnostic] = []
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        match = FULLWIDTH_COLON.match(line)
        if match:
            col = match.start(1) + 1
            found.append(Diagnostic.of("SC001", "键后使用了全角冒号「：」，请改为半角冒号「:」", path, number, col))
            line = line[: match.start(1)] + ": " + line[match.end(1):].lstrip(" ")
        indent = BAD_INDENT.match(line)
        if indent:
            what = "全角空格（U+3000）" if indent.group(1) == "\u3000" else "制表符"
            found.append(Diagnostic.of(
                "SC002", f"缩进中含有{what}，YAML 只认半角空格", path, number, indent.start(1) + 1))
            head = len(line) - len(line.lstrip(" \t\u3000"))
            line = line[:head].replace("\u3000", "  ").replace("\t", "  ") + line[head:]
        lines[number - 1] = line
    return "\n".join(lines), found


def _compose(text: str, path: str) -> tuple[Any, Marks, list[Diagnostic]]:
    node = yaml.compose(text, Loader=Composer)
    marks = Marks()
    found: list[Diagnostic] = []
    if node is None:
        return None, marks, found
    budget = [MAX_NODES]

    def walk(node: yaml.Node, where: DataPath, depth: int) -> Any:
        if depth > 60:
            raise yaml.YAMLError("嵌套层次过深")
        budget[0] -= 1
        if budget[0] < 0:
            raise yaml.YAMLError(f"文档过大（别名展开后超过 {MAX_NODES} 个节点）")
        marks.values[where] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            first_seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                if key in first_seen:
                    found.append(Diagnostic.of(
                        "SC011", f"重复的键 '{key}'（第 {first_seen[key]} 行已出现；YAML 会悄悄保留后者）",
                        path, line, col))
                    continue
                first_seen[key] = line
                marks.keys[where + (key,)] = (line, col)
                result[key] = walk(value_node, where + (key,), depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [walk(item, where + (i,), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode) and not node.style and node.value in NULLS:
            return None
        if has_controls(node.value):
            found.append(Diagnostic.of(
                "SC017", "文字中含有控制字符（如 \\e、\\x1b）：终端会把它当作指令执行，请删除",
                path, *marks.values[where]))
        return node.value

    return walk(node, (), 0), marks, found


ERROR_TEXT = {
    "missing": "缺少必填字段",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为文字",
    "dict_type": "应为映射（键: 值）",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "model_type": "应为映射（键: 值）",
    "model_attributes_type": "应为映射（键: 值）",
    "greater_than_equal": "数值过小",
    "greater_than": "数值过小",
    "less_than_equal": "数值过大",
    "string_pattern_mismatch": "格式不符：编号只能用小写字母、数字和下划线，并以字母开头",
}


def _validation_diagnostics(error: ValidationError, data: Any, marks: Marks, path: str) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    seen: set[tuple] = set()
    for item in error.errors(include_url=False):
        where = _data_path(item["loc"], data)
        kind = item["type"]
        if kind == "extra_forbidden":
            key = str(item["loc"][-1])
            where = where if where and where[-1] == key else where + (key,)
            line, col = marks.at(where, key=True)
            hint = difflib.get_close_matches(key, FIELD_NAMES, n=1, cutoff=0.6)
            tip = f"（是否想写 '{hint[0]}'？）" if hint else ""
            diag = Diagnostic.of("SC012", f"未知的键 '{key}'{tip}", path, line, col)
        elif kind == "check_kind":
            line, col = marks.at(where)
            given = next(iter(item["input"]), "") if isinstance(item["input"], dict) else ""
            hint = difflib.get_close_matches(str(given), list(CHECK_KEYS), n=1, cutoff=0.5)
            tip = f"（是否想写 '{hint[0]}'？）" if hint else f"（可用：{'、'.join(CHECK_KEYS)}）"
            diag = Diagnostic.of("SC015", f"无法识别的检查类型 '{given}'{tip}", path, line, col)
        else:
            line, col = marks.at(where, key=kind == "missing")
            field_name = ".".join(str(p) for p in where) or "（顶层）"
            if kind == "missing":
                field_name = ".".join(str(p) for p in where + (item["loc"][-1],))
            diag = Diagnostic.of("SC013", f"{field_name}：{_explain(item)}", path, line, col)
        signature = (diag.line, diag.col, diag.code, diag.message)
        if signature not in seen:
            seen.add(signature)
            found.append(diag)
    return found


def _explain(item: Mapping[str, Any]) -> str:
    kind = item["type"]
    context = item.get("ctx") or {}
    if kind == "literal_error":
        return f"取值应为 {context.get('expected', '')}，实际为 {item.get('input')!r}"
    if kind == "value_error":
        return str(context.get("error", item["msg"]))
    if kind in ("greater_than_equal", "less_than_equal", "greater_than"):
        bound = context.get("ge", context.get("le", context.get("gt")))
        return f"{ERROR_TEXT[kind]}（界限 {bound}，实际为 {item.get('input')!r}）"
    text = ERROR_TEXT.get(kind)
    if text and kind != "missing":
        return f"{text}，实际为 {item.get('input')!r}" if not isinstance(item.get("input"), (dict, list)) else text
    return text or item["msg"]


def _data_path(loc: tuple, data: Any) -> DataPath:
    """Follow pydantic's loc through the data, dropping union tags that are not real keys."""
    where: list[str | int] = []
    node = data
    for part in loc:
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if (isinstance(node, dict) and part in node) or in_list:
            where.append(part)
            node = node[part]
    return tuple(where)
