"""YAML syntax errors in Chinese, at the line where the mistake is.

PyYAML reports in English, and where the parser gave up rather than where the author slipped: a
`hint:` dedented by two spaces is reported on the next line ("mapping values are not allowed"),
a node key dedented to the margin twenty lines later ("did not find expected key"). When the
parser fails, `syntax_diagnostic` first reads the indentation of the lines before the failure;
if a key sits at a depth its neighbours do not use, that line is reported (SC018) with what to
fix. Otherwise the parser's own complaint is translated (SC010).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .diagnostics import Diagnostic

KEY = re.compile(r"""^(?:[A-Za-z_][\w-]*|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]|$)""")
BLOCK_SCALAR = re.compile(r"^[|>][+-]?\d*[ \t]*(?:#.*)?$")

# PyYAML's problems (by their start) and contexts, in Chinese, with what usually causes them.
PROBLEMS = (
    ("mapping values are not allowed", "这里不能出现「键: 值」：冒号前的内容被当成了上一行文字的延续"
                                       "（上一行缩进不对，或文字里的「: 」要整句加引号）"),
    ("did not find expected key", "缩进与同一层的键对不齐"),
    ("did not find expected '-' indicator", "列表项的缩进与同一列表的其他项对不齐"),
    ("did not find expected node content", "这里缺少内容（多了一个「-」或「:」？）"),
    ("could not find expected ':'", "这一行缺少冒号「:」，或上一行的引号没有配对"),
    ("found unexpected end of stream", "文件意外结束：有引号或括号没有配对"),
    ("found unexpected ':'", "这里多了一个冒号：文字里的「:」要整句加引号"),
    ("found undefined alias", "引用了未定义的别名（*名字）"),
    ("found unknown escape character", "双引号文字里有无法识别的转义（\\ 后面的字符）：改用单引号，或写成 \\\\"),
    ("found character that cannot start any token", "这个字符不能出现在文字开头：整句加引号"),
    ("expected <document start>", "文件里有多余的内容，像是多了一个文档"),
    ("expected a single document", "文件里有多个文档（---）：一个文件只写一个场景或评分标准"),
    ("expected <block end>", "缩进与上文对不上"),
    ("did not find expected ',' or ']'", "方括号列表 [ ] 没有闭合，或项之间缺少逗号"),
    ("did not find expected ',' or '}'", "花括号 { } 没有闭合，或项之间缺少逗号"),
    ("expected ',' or ']'", "方括号列表 [ ] 没有闭合，或项之间缺少逗号"),
    ("expected ',' or '}'", "花括号 { } 没有闭合，或项之间缺少逗号"),
    ("but found another document", "文件里有多个文档（---）：一个文件只写一个场景或评分标准"),
    ("found duplicate anchor", "锚点（&名字）重复定义"),
    ("while scanning", "文字没有写完整"),
)
CONTEXTS = {
    "while parsing a block mapping": "在解析「键: 值」时",
    "while parsing a block collection": "在解析列表时",
    "while parsing a flow sequence": "在解析方括号列表 [ ] 时",
    "while parsing a flow mapping": "在解析花括号 { } 时",
    "while scanning a simple key": "在读取一个键时",
    "while scanning a quoted scalar": "在读取引号中的文字时",
    "while scanning a block scalar": "在读取多行文字时",
    "while scanning an alias": "在读取别名时",
    "while scanning an anchor": "在读取锚点时",
    "while parsing a block node": "在解析内容时",
    "while parsing a flow node": "在解析内容时",
}


@dataclass(frozen=True)
class Line:
    """A line that holds structure: its number (1-based), its depth (where its key starts; for
    "- key: value" the key's column, where the item's other keys line up), the key, and whether it
    opens a block (a key with no value on the line, or a `|` / `>` text block)."""

    number: int
    indent: int
    key: str
    opens: bool
    item: bool  # starts with "- "
    col: int  # 1-based column of the key


def structure(text: str) -> list[Line]:
    """The lines that carry keys or list items; blank lines, comments and the inside of text blocks
    (`say: |`) are left out."""
    found: list[Line] = []
    block: int | None = None  # the indent of the key whose text block we are inside
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        indent = len(raw) - len(raw.lstrip(" "))
        if block is not None:
            if not stripped or indent > block:
                continue
            block = None
        if not stripped or stripped.startswith("#"):
            continue
        content, item, start = stripped, False, indent
        while content.startswith("- ") or content == "-":
            item = True
            rest = content[1:].lstrip(" ")
            start += len(content) - len(rest)
            content = rest
        key_match = KEY.match(content)
        key = key_match.group(0).rstrip(" \t:").strip("\"'") if key_match else ""
        value = content[key_match.end():].strip() if key_match else content
        opens = bool(key_match) and (not value or value.startswith("#") or bool(BLOCK_SCALAR.match(value)))
        if key_match and BLOCK_SCALAR.match(value):
            block = start
        if key:
            found.append(Line(number, start, key, opens, item, start + 1))
        else:  # "- text" items (or "-" alone), and text that is not a key: the line's own indent
            found.append(Line(number, indent, "", item and not content, item, indent + 1))
    return found


@dataclass(frozen=True)
class Slip:
    line: Line
    message: str


def indentation_slip(text: str, error_line: int) -> Slip | None:
    """The line whose indentation made the parser fail at `error_line`, and what is wrong with it."""
    lines = [line for line in structure(text) if line.number <= error_line]
    levels = [0]
    previous: Line | None = None
    found: Slip | None = None
    for index, line in enumerate(lines):
        indent = line.indent
        if previous is not None and indent > levels[-1]:
            if previous.opens or (previous.item and not previous.key):
                levels.append(indent)
            else:
                found = _too_deep(lines, index, previous) or found
                levels.append(indent)
        else:
            open_levels = tuple(levels)
            while len(levels) > 1 and levels[-1] > indent:
                levels.pop()
            if levels[-1] != indent:
                found = _between_levels(lines, index, open_levels) or found
                levels.append(indent)
        previous = line
    return found


def _name(line: Line) -> str:
    return f"「{line.key}:」" if line.key else "这一项"


def _too_deep(lines: list[Line], index: int, previous: Line) -> Slip:
    """`lines[index]` is deeper than the line before it, which has a value and so no children."""
    line = lines[index]
    before = lines[index - 2] if index >= 2 else None
    if before is not None and previous.indent < before.indent == line.indent and previous.key:
        return Slip(previous, f"{_name(previous)}缩进了 {previous.indent} 格，可它前后同一层的键都缩进 "
                              f"{line.indent} 格：它被当成了上一层的键。请补齐为 {line.indent} 格")
    return Slip(line, f"{_name(line)}比上一行多缩进了 {line.indent - previous.indent} 格，可上一行的"
                      f"{_name(previous)}已经有值，下面不能再有一层：请与上一行对齐")


def _between_levels(lines: list[Line], index: int, levels: tuple[int, ...]) -> Slip:
    """`lines[index]` is at a depth no open block uses: either it is misplaced, or an earlier key
    was dedented and took its siblings' place in the structure."""
    line = lines[index]
    sibling = next((i for i in range(index - 1, -1, -1) if lines[i].indent == line.indent), None)
    if sibling is not None:
        dedented = next((lines[i] for i in range(sibling + 1, index) if lines[i].indent < line.indent), None)
        if dedented is not None and dedented.key:
            return Slip(dedented, f"{_name(dedented)}缩进了 {dedented.indent} 格，可它前面同一层的键"
                                  f"（如第 {lines[sibling].number} 行{_name(lines[sibling])}）缩进 {line.indent} 格："
                                  f"少缩进了，后面的内容都挂错了位置。请改为 {line.indent} 格")
    shown = "、".join(str(level) for level in levels)
    return Slip(line, f"{_name(line)}缩进了 {line.indent} 格，和上文任何一层（{shown} 格）都对不上："
                      "同一层的键必须左对齐")


def _inside_text(text: str, mark: yaml.Mark) -> bool:
    """True when the offending colon follows a key's value on its own line (「say: 老板说: 没钱」)."""
    lines = text.split("\n")
    if mark.line >= len(lines):
        return False
    raw = lines[mark.line]
    content = raw.lstrip(" -")
    key = KEY.match(content)
    return key is not None and len(raw) - len(content) + key.end() < mark.column


def syntax_diagnostic(error: yaml.YAMLError, text: str, path: str) -> Diagnostic:
    """One located diagnostic for a YAML syntax error: an indentation slip (SC018) where the lines
    before the failure show one, else the parser's complaint in Chinese (SC010)."""
    problem_mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context = getattr(error, "context", None) or ""
    if problem_mark is not None:
        slip = indentation_slip(text, problem_mark.line + 1)
        if slip is not None:
            return Diagnostic.of("SC018", f"缩进错误：{slip.message}", path, slip.line.number, slip.line.col)
    # An unclosed quote is reported where the text ends; where it opened is more use.
    mark = context_mark if context.startswith("while scanning a quoted") and context_mark else problem_mark
    mark = mark or context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    said = next((chinese for start, chinese in PROBLEMS if problem.startswith(start)), "")
    if problem.startswith("mapping values") and problem_mark is not None and _inside_text(text, problem_mark):
        said = "文字里的「: 」被当成了「键: 值」的分隔：请给整句文字加引号，如 say: \"老板说: 没钱\""
    where = CONTEXTS.get(context.strip(), "")
    message = f"YAML 语法错误：{said}" if said else f"YAML 语法错误（{problem}）"
    return Diagnostic.of("SC010", message + (f"（{where}）" if where else ""), path, line, col)
