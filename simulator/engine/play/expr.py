"""Conditions and petitioner lines: Jinja2 in a bounded sandbox, never eval().

Conditions (`when:`, `set:`) are Jinja2 expressions such as ``anger >= 70 and passed('empathy')``;
petitioner lines are Jinja2 templates over ``persona`` and the state variables. Both are compiled
once and cached, and their free names can be listed statically for the validator.

The sandbox is bounded as well as safe: an authored `{{ 'x' * 4000000000 }}` or nested
`range(100000)` loops must fail at once with a message, not fill the memory (issue 16). So
repetition and concatenation may not build values past MAX_TEXT, `range` past MAX_RANGE, loops
take at most MAX_LOOP_STEPS turns per line, a rendered line stops at MAX_TEXT characters, and
the constructs a petitioner's line never needs (macros, includes, recursive loops, namespaces,
padding filters) are not there. `limit_problem` lets the validator try a line against these
limits before anyone plays it.
"""
from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

# Names every condition may use besides the declared state variables.
# `serious`: the reply committed a serious fault (one that caps the turn), whichever it was.
CONDITION_FUNCTIONS = frozenset({"passed", "failed", "score", "total", "serious", "turn", "persona"})
TEMPLATE_NAMES = frozenset({"persona", "state", "turn"})

MAX_TEXT = 10_000  # characters (or items) a value may grow to, and a rendered line may have
MAX_RANGE = 1_000  # items one range() may give
MAX_LOOP_STEPS = 10_000  # loop turns in one rendering of a line
MAX_EXPONENT = 64
UNSUPPORTED = {nodes.Macro: "macro", nodes.CallBlock: "call", nodes.Import: "import", nodes.FromImport: "from",
               nodes.Include: "include", nodes.Extends: "extends", nodes.Block: "block"}
FILTERS = ("abs", "capitalize", "count", "d", "default", "first", "float", "int", "join", "last", "length",
           "list", "lower", "max", "min", "replace", "reverse", "round", "sort", "string", "sum", "title",
           "trim", "truncate", "unique", "upper")

_steps: ContextVar[list[int] | None] = ContextVar("template_steps", default=None)


class TemplateLimit(ValueError):
    """An authored line or condition went past the sandbox's limits; the message says which."""


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimit(f"range() 最多 {MAX_RANGE} 项，这里是 {len(numbers)} 项")
    return numbers


def _counted(iterable: Iterable[Any]) -> Iterator[Any]:
    """A loop's items, each one spending a turn of the line's loop budget."""
    left = _steps.get()
    for item in iterable:
        if left is not None:
            left[0] -= 1
            if left[0] < 0:
                raise TemplateLimit(f"循环总共超过 {MAX_LOOP_STEPS} 次")
        yield item


def _checked_join(value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
    items = [str(v) for v in value]
    if sum(map(len, items)) + len(d) * max(len(items) - 1, 0) > MAX_TEXT:
        raise TemplateLimit(f"join 生成的文字超过 {MAX_TEXT} 字")
    return d.join(items)


def _checked_replace(value: str, old: str, new: str, count: int | None = None) -> str:
    text = str(value)
    times = text.count(old) if count is None else min(count, text.count(old))
    if len(text) + times * (len(new) - len(old)) > MAX_TEXT:
        raise TemplateLimit(f"replace 生成的文字超过 {MAX_TEXT} 字")
    return text.replace(old, new, -1 if count is None else count)


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox with limits on what an expression may build (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**", "+"})  # also stops the compiler folding `'x' * 4000000000`

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False)
        self.globals = {"range": _bounded_range, "dict": dict, "_counted": _counted}
        base = self.filters
        self.filters = {name: base[name] for name in FILTERS}
        self.filters.update(join=_checked_join, replace=_checked_replace)

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise TemplateLimit(f"乘方的指数不能超过 {MAX_EXPONENT}")
        if op == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(times, int) \
                        and len(sequence) * times > MAX_TEXT:
                    raise TemplateLimit(f"重复生成的文字或列表超过 {MAX_TEXT} 项")
        if op == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)) \
                and len(left) + len(right) > MAX_TEXT:
            raise TemplateLimit(f"拼接生成的文字或列表超过 {MAX_TEXT} 项")
        return {"*": operator.mul, "**": operator.pow, "+": operator.add}[op](left, right)


class _CountLoops(NodeTransformer):
    """Wraps every `for` loop's iterable in `_counted`, so loops spend one shared budget."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Call(nodes.Name("_counted", "load"), [node.iter], [], None, None, lineno=node.lineno)
        return node


_env = BoundedEnvironment()


class ExpressionError(ValueError):
    """A condition or template that does not compile; carries the column or line of the fault."""

    def __init__(self, message: str, line: int = 1, col: int | None = None):
        super().__init__(message)
        self.line = line
        self.col = col


@lru_cache(maxsize=4096)
def compile_condition(source: str) -> Callable[..., Any]:
    try:
        return _env.compile_expression(source, undefined_to_none=False)
    except TemplateSyntaxError as error:
        raise ExpressionError(_syntax_message(error), error.lineno, _column(source, error)) from None


@lru_cache(maxsize=4096)
def compile_template(source: str):
    try:
        tree = _env.parse(source)
    except TemplateSyntaxError as error:
        raise ExpressionError(_syntax_message(error), error.lineno) from None
    for node in tree.find_all(tuple(UNSUPPORTED)):
        raise ExpressionError(f"台词里不能用 {{% {UNSUPPORTED[type(node)]} %}}", node.lineno)
    for loop in tree.find_all(nodes.For):
        if loop.recursive:
            raise ExpressionError("台词里不能用递归循环（recursive）", loop.lineno)
    try:
        return _env.from_string(_CountLoops().visit(tree))
    except TemplateSyntaxError as error:  # a filter this sandbox does not offer
        raise ExpressionError(_syntax_message(error), error.lineno) from None


def free_names(source: str, template: bool = False) -> set[str]:
    """Names a condition or template reads that it does not define itself."""
    wrapped = source if template else "{{ " + source + " }}"
    try:
        ast = _env.parse(wrapped)
    except TemplateSyntaxError as error:
        raise ExpressionError(_syntax_message(error), error.lineno,
                              None if template else _column(source, error)) from None
    return set(meta.find_undeclared_variables(ast))


def assigned_interval(source: str, bounds: dict[str, tuple[int, int]]) -> tuple[float, float] | None:
    """The range of values an integer expression can take, for simple forms; None if unknown."""
    try:
        output = _env.parse("{{ " + source + " }}").body[0]
    except (TemplateSyntaxError, IndexError):
        return None
    if not isinstance(output, nodes.Output) or not output.nodes:
        return None
    expr = output.nodes[0]
    return _interval(expr, bounds)


def _interval(expr: nodes.Node, bounds: dict[str, tuple[int, int]]) -> tuple[float, float] | None:
    if isinstance(expr, nodes.Const) and isinstance(expr.value, (int, float)) and not isinstance(expr.value, bool):
        return (expr.value, expr.value)
    if isinstance(expr, nodes.Name) and expr.name in bounds:
        return bounds[expr.name]
    if isinstance(expr, nodes.Neg):
        inner = _interval(expr.node, bounds)
        return None if inner is None else (-inner[1], -inner[0])
    if isinstance(expr, (nodes.Add, nodes.Sub)):
        left, right = _interval(expr.left, bounds), _interval(expr.right, bounds)
        if left is None or right is None:
            return None
        if isinstance(expr, nodes.Add):
            return (left[0] + right[0], left[1] + right[1])
        return (left[0] - right[1], left[1] - right[0])
    return None


def _template_line(error: BaseException) -> int:
    """The line of the template that raised (Jinja rewrites its frames to the template's lines)."""
    line, frame = 1, error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename == "<template>":
            line = frame.tb_lineno
        frame = frame.tb_next
    return line


def _syntax_message(error: TemplateSyntaxError) -> str:
    return f"语法错误：{error.message}"


def _column(source: str, error: TemplateSyntaxError) -> int | None:
    # Jinja reports lines, not columns; for one-line expressions point at the first token it
    # could not use, which it usually names in its message.
    message = error.message or ""
    for quote in ("'", '"'):
        if message.count(quote) >= 2:
            token = message.split(quote)[1]
            index = source.find(token)
            if token and index >= 0:
                return index + 1
    return None


def render(source: str, context: dict[str, Any]) -> str:
    """A petitioner's line, within the limits (TemplateLimit past them)."""
    template = compile_template(source)
    token = _steps.set([MAX_LOOP_STEPS])
    try:
        pieces: list[str] = []
        size = 0
        for piece in template.generate(context):
            size += len(piece)
            if size > MAX_TEXT:
                raise TemplateLimit(f"台词超过 {MAX_TEXT} 字")
            pieces.append(piece)
        return "".join(pieces)
    finally:
        _steps.reset(token)


def limit_problem(source: str, contexts: Iterable[dict[str, Any]]) -> ExpressionError | None:
    """Whether the line uses what the sandbox refuses, or goes past a limit in one of `contexts`
    (the validator passes the initial state and the extremes); other errors are not its business."""
    try:
        compile_template(source)
    except ExpressionError as error:
        return error
    for context in contexts:
        try:
            render(source, context)
        except TemplateLimit as error:
            return ExpressionError(str(error), _template_line(error))
        except Exception:  # an undefined name or a type error: reported elsewhere, or at play
            continue
    return None
