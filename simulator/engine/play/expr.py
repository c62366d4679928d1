"""Conditions and petitioner lines: Jinja2 in its sandbox, never eval().

Conditions (`when:`, `set:`) are Jinja2 expressions such as ``anger >= 70 and passed('empathy')``;
petitioner lines are Jinja2 templates over ``persona`` and the state variables. Both are compiled
once and cached, and their free names can be listed statically for the validator.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

# Names every condition may use besides the declared state variables.
# `serious`: the reply committed a serious fault (one that caps the turn), whichever it was.
CONDITION_FUNCTIONS = frozenset({"passed", "failed", "score", "total", "serious", "turn", "persona"})
TEMPLATE_NAMES = frozenset({"persona", "state", "turn"})

_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


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
        return _env.from_string(source)
    except TemplateSyntaxError as error:
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
    return compile_template(source).render(context)
