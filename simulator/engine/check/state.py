"""Scenario state, expression and content checks (SC201-SC213).

Conditions are parsed (never compiled or run) with Jinja2's own parser, so what is checked here
is exactly what the session later compiles; the parse is cached per source text.
"""
from __future__ import annotations

import re
from functools import lru_cache

from jinja2 import TemplateSyntaxError, nodes
from jinja2.parser import Parser
from jinja2.sandbox import SandboxedEnvironment

from ..content.model import Node, Rubric, Scenario
from ..play import expr
from .findings import Findings, did_you_mean

_env = SandboxedEnvironment(autoescape=False)
ARITHMETIC = (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow,
              nodes.Neg, nodes.Pos)
ORDERING = ("gt", "gteq", "lt", "lteq")
CONVENTION = ("anger", "trust", "risk")
# A line of speech that reads like one of the node's own fields: `expects:` indented under `say: |`
# becomes words the petitioner says, and the node silently loses its field.
FIELD_LINE = re.compile(rf"^\s*-?\s*({'|'.join(sorted(Node.model_fields))})\s*:(\s|$)")


class Parsed:
    """A condition's syntax tree and, from one walk over it, what the checks need."""

    __slots__ = ("arithmetic", "criteria", "dimensions", "names", "ordered", "tree")

    def __init__(self, tree: nodes.Expr):
        self.tree = tree
        names: set[str] = set()
        criteria: list[str] = []
        dimensions: list[str] = []
        arithmetic: list[nodes.Node] = []  # operands of + - * / ... (must not be booleans)
        ordered: list[tuple[nodes.Node, ...]] = []  # sides of < <= > >= comparisons
        for node in _every(tree, nodes.Node):
            if isinstance(node, nodes.Name):
                if node.ctx == "load":
                    names.add(node.name)
            elif isinstance(node, nodes.Call):
                if isinstance(node.node, nodes.Name) and node.args and isinstance(node.args[0], nodes.Const):
                    if node.node.name in ("passed", "failed"):
                        criteria.append(str(node.args[0].value))
                    elif node.node.name == "score":
                        dimensions.append(str(node.args[0].value))
            elif isinstance(node, ARITHMETIC):
                arithmetic += _operands(node)
            elif isinstance(node, nodes.Compare) and any(op.op in ORDERING for op in node.ops):
                ordered.append((node.expr, *(op.expr for op in node.ops if op.op in ORDERING)))
        self.names = frozenset(names)
        self.criteria = tuple(criteria)
        self.dimensions = tuple(dimensions)
        self.arithmetic = tuple(arithmetic)
        self.ordered = tuple(ordered)


def _every(tree: nodes.Node, kinds) -> list:
    """The nodes of the given kinds in a tree, the root included (find_all skips it)."""
    found = [tree] if isinstance(tree, kinds) else []
    return found + list(tree.find_all(kinds))


class ConditionError:
    """A condition that does not parse: a Chinese message and the 0-based offset of the fault."""

    __slots__ = ("message", "offset")

    def __init__(self, message: str, offset: int | None):
        self.message = message
        self.offset = offset


@lru_cache(maxsize=8192)
def parse_condition(source: str) -> Parsed | ConditionError:
    """The parsed condition (exactly what expr.compile_condition accepts), or where it fails."""
    parser = None
    try:
        parser = Parser(_env, source, state="variable")
        tree = parser.parse_expression()
        if not parser.stream.eos:
            raise TemplateSyntaxError("chunk after expression", parser.stream.current.lineno)
        return Parsed(tree)
    except TemplateSyntaxError as error:
        return ConditionError(_explain(error.message or ""), _error_offset(source, parser))


def _explain(message: str) -> str:
    if message == "chunk after expression":
        return "表达式后面有多余的内容"
    if "end of template" in message or "end of print statement" in message:
        return "表达式不完整"
    if message.startswith("unexpected "):
        return f"此处不应出现 {message[len('unexpected '):]}"
    return message


def _error_offset(source: str, parser: Parser | None) -> int | None:
    """Where the parse failed, from token positions (Jinja itself reports only lines)."""
    starts: list[int] = []
    position = 0
    try:
        for _, kind, value in _env.lexer.tokeniter(source, None, state="variable"):
            if kind != "whitespace":
                starts.append(position)
            position += len(value)
    except TemplateSyntaxError:
        return position  # the lexer stopped here
    if parser is None:
        return None
    stream = parser.stream
    if stream.current.type == "eof":
        return len(source.rstrip())
    try:
        remaining = len(list(stream._iter)) + len(stream._pushed)  # private, hence the guard
    except (AttributeError, TypeError, TemplateSyntaxError):
        return None
    index = len(starts) - remaining - 1
    return starts[index] if 0 <= index < len(starts) else None


@lru_cache(maxsize=4096)
def template_names(source: str) -> frozenset[str] | expr.ExpressionError:
    """Free names of a petitioner line, or its syntax error; plain text needs no parse."""
    if "{" not in source:
        return frozenset()
    try:
        return frozenset(expr.free_names(source, template=True))
    except expr.ExpressionError as error:
        return error


class StateChecker:
    """Runs the state and expression checks of one scenario against its rubric (if loaded)."""

    def __init__(self, scenario: Scenario, rubric: Rubric | None, report: Findings):
        self.scenario = scenario
        self.rubric = rubric
        self.report = report
        self.types = {name: var.type for name, var in scenario.state.items()}
        self.bounds = {n: v.bounds for n, v in scenario.state.items() if v.type == "int"}
        self.condition_names = set(self.types) | expr.CONDITION_FUNCTIONS
        self.template_allowed = set(self.types) | expr.TEMPLATE_NAMES

    def run(self) -> None:
        for node_id, node in self.scenario.nodes.items():
            where = ("nodes", node_id)
            self.template(node.say, where + ("say",))
            self.speech(node.say, where + ("say",))
            for index, effect in enumerate(node.effects):
                self.effect(effect, where + ("effects", index))
            for index, branch in enumerate(node.next):
                if branch.when is not None:
                    self.condition(branch.when, where + ("next", index, "when"))
            if self.rubric is not None:
                for index, criterion in enumerate(node.expects):
                    if criterion not in self.rubric.by_id:
                        self.report.add("SC206", self._unknown(criterion), where + ("expects", index))
            if node.ending is None:
                self.dialogue(node_id, node, where)
        self.path_tests()
        self.convention()

    # ------------------------------------------------------------ expressions

    def condition(self, source: str, where: tuple) -> Parsed | None:
        parsed = parse_condition(source)
        if isinstance(parsed, ConditionError):
            self.report.add_inside("SC204", f"表达式 {source!r} 语法错误：{parsed.message}", where, source,
                                   parsed.offset)
            return None
        for name in sorted(parsed.names - self.condition_names):
            hint = did_you_mean(name, self.condition_names)
            self.report.add_inside("SC201", f"表达式中的 '{name}' 没有在 state 中声明{hint}",
                                   where, source, _find_word(source, name))
        if self.rubric is not None:
            for criterion in parsed.criteria:
                if criterion not in self.rubric.by_id:
                    self.report.add_inside("SC206", self._unknown(criterion), where, source,
                                           _find_literal(source, criterion))
            for dimension in parsed.dimensions:
                if dimension not in self.rubric.dimensions:
                    hint = did_you_mean(dimension, self.rubric.dimensions)
                    self.report.add_inside("SC206", f"评分标准 '{self.rubric.id}' 中没有维度 '{dimension}'{hint}",
                                           where, source, _find_literal(source, dimension))
        for operand in parsed.arithmetic:
            if self._type_of(operand) == "bool":
                self.report.add_inside("SC202", f"布尔值 {_describe(operand)} 不能参与算术运算", where, source, None)
        for sides in parsed.ordered:
            if any(self._type_of(side) == "bool" for side in sides):
                self.report.add_inside("SC202", "布尔值不能比较大小（>、<、>=、<=）", where, source, None)
        return parsed

    def _type_of(self, node: nodes.Node) -> str | None:
        if isinstance(node, nodes.Const):
            value = node.value
            if isinstance(value, bool):
                return "bool"
            return "int" if isinstance(value, (int, float)) else None
        if isinstance(node, nodes.Name):
            return self.types.get(node.name)
        if isinstance(node, (nodes.Compare, nodes.Not, nodes.And, nodes.Or)):
            return "bool"
        if isinstance(node, ARITHMETIC):
            return "int"
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
            return "bool" if node.node.name in ("passed", "failed") else None
        return None

    def effect(self, effect, where: tuple) -> None:
        if effect.when is not None:
            self.condition(effect.when, where + ("when",))
        for name in effect.change:
            if self._declared(name, where + ("change", name)) and self.types[name] == "bool":
                self.report.add("SC202", f"'{name}' 是布尔变量，不能用 change 增减；请用 set", where + ("change", name),
                                key=True)
        for name, source in effect.set.items():
            value_at = where + ("set", name)
            parsed = self.condition(source, value_at)
            if not self._declared(name, value_at) or parsed is None:
                continue
            given = self._type_of(parsed.tree)
            wanted = self.types[name]
            if given is not None and given != wanted:
                label = {"int": "整数", "bool": "布尔值（true/false）"}
                self.report.add("SC202", f"'{name}' 是{label[wanted]}变量，不能赋值为{label[given]} {source!r}",
                                value_at)
            elif wanted == "int":
                interval = expr.assigned_interval(source, self.bounds)
                low, high = self.bounds[name]
                if interval is not None and (interval[0] < low or interval[1] > high):
                    self.report.add("SC203", f"'{name}' 的新值可能在 [{_num(interval[0])}, {_num(interval[1])}] 之间，"
                                    f"超出声明范围 [{low}, {high}]（运行时会被截断；相对增减请用 change）", value_at)

    def _declared(self, name: str, where: tuple) -> bool:
        if name in self.types:
            return True
        self.report.add("SC201", f"变量 '{name}' 没有在 state 中声明{did_you_mean(name, self.types)}", where, key=True)
        return False

    def template(self, source: str, where: tuple) -> None:
        names = template_names(source)
        if isinstance(names, expr.ExpressionError):
            self.report.add_template_line("SC205", f"台词模板{names}", where, names.line)
            return
        unknown = sorted(names - self.template_allowed)
        for name in unknown:
            hint = did_you_mean(name, self.template_allowed)
            self.report.add_inside("SC201", f"台词中的 '{name}' 没有在 state 中声明{hint}（可用 persona、state、turn）",
                                   where, source, _find_word(source, name))
        if "{" in source and not unknown:
            problem = expr.limit_problem(source, self._template_contexts())
            if problem is not None:
                self.report.add_template_line("SC220", f"台词模板超出限制：{problem}", where, problem.line)

    def _template_contexts(self) -> list[dict]:
        """The states a line is tried in: the initial one, and every variable at its highest and lowest."""
        persona = self.scenario.persona.model_dump()
        initial = {name: var.initial for name, var in self.scenario.state.items()}
        high = {name: (var.bounds[1] if var.type == "int" else True) for name, var in self.scenario.state.items()}
        low = {name: (var.bounds[0] if var.type == "int" else False) for name, var in self.scenario.state.items()}
        return [{**values, "state": values, "persona": persona, "turn": turn}
                for values, turn in ((initial, 1), (high, 100), (low, 1))]

    # ------------------------------------------------------------ content

    def speech(self, say: str, where: tuple) -> None:
        for number, line in enumerate(say.split("\n"), 1):
            found = FIELD_LINE.match(line)
            if found:
                self.report.add_template_line(
                    "SC213", f"台词里有一行像节点的字段「{found.group(1)}:」：它很可能缩进过深，被当成了台词的一部分，"
                    f"节点因此少了 {found.group(1)}。请让它与 say 对齐", where, number)

    def dialogue(self, node_id: str, node, where: tuple) -> None:
        if not node.expects:
            self.report.add("SC208", f"对话节点 '{node_id}' 没有 expects：这一轮无法评价学员做得好不好", where,
                            key=True)
        if not node.model_answers:
            self.report.add("SC209", f"对话节点 '{node_id}' 没有 model_answers（示范回答）", where, key=True)
        if node.options:
            best = sum(1 for option in node.options if option.best)
            if best != 1:
                self.report.add("SC210", f"节点 '{node_id}' 的选项中有 {best} 个 best: true，应恰有 1 个",
                                where + ("options",), key=True)

    def path_tests(self) -> None:
        kinds = {node.ending.kind for node in self.scenario.nodes.values() if node.ending}
        for t, test in enumerate(self.scenario.tests):
            where = ("tests", t)
            for index, node_id in enumerate(test.path or ()):
                if node_id not in self.scenario.nodes:
                    self.report.add("SC211", f"路径测试 '{test.name}' 中的节点 '{node_id}' 不存在"
                                    f"{did_you_mean(node_id, self.scenario.nodes)}", where + ("path", index))
            for expected_ending in test.endings:
                target = self.scenario.nodes.get(expected_ending)
                if not (expected_ending in kinds or (target is not None and target.ending is not None)):
                    endings = [n for n, v in self.scenario.nodes.items() if v.ending]
                    hint = did_you_mean(expected_ending, list(kinds) + endings)
                    self.report.add("SC211", f"路径测试 '{test.name}' 期望的结局 '{expected_ending}' "
                                    f"既不是结局节点也不是本场景出现的结局类型{hint}", where + ("ending",))
            for name, expected in test.state.items():
                at = where + ("state", name)
                if not self._declared(name, at):
                    continue
                if isinstance(expected, bool) != (self.types[name] == "bool"):
                    self.report.add("SC202", f"路径测试对 '{name}' 的期望与其类型（{self.types[name]}）不符", at)

    def convention(self) -> None:
        ints = [n for n, t in self.types.items() if t == "int"]
        missing = [k for k in CONVENTION
                   if not any(n == k or n.startswith(k + "_") or n.endswith("_" + k) for n in ints)]
        if missing:
            self.report.add("SC212", f"缺少整数状态变量 {'、'.join(missing)}（约定的愤怒 anger、信任 trust、"
                            "升级风险 risk），来访人的情绪变化将无法体现", ("state",), key=True)

    def _unknown(self, criterion: str) -> str:
        if self.rubric is None:
            return f"没有可用的评分标准，无法确认评分项 '{criterion}'"
        hint = did_you_mean(criterion, self.rubric.by_id)
        return f"评分标准 '{self.rubric.id}' 中没有评分项 '{criterion}'{hint}"


def _operands(node: nodes.Node) -> list[nodes.Node]:
    if isinstance(node, (nodes.Neg, nodes.Pos)):
        return [node.node]
    if isinstance(node, nodes.BinExpr):
        return [node.left, node.right]
    return []


def _describe(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return f"'{node.name}'"
    if isinstance(node, nodes.Const):
        return repr(node.value).lower()
    return ""


def _find_word(source: str, word: str) -> int | None:
    match = re.search(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", source)
    return match.start() if match else None


def _find_literal(source: str, value: str) -> int | None:
    for quote in ("'", '"'):
        index = source.find(f"{quote}{value}{quote}")
        if index >= 0:
            return index + 1
    return None


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def check_state(scenario: Scenario, rubric: Rubric | None, report: Findings) -> None:
    StateChecker(scenario, rubric, report).run()
