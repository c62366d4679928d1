"""Diagnostics: the catalogue of codes and the value every check reports.

Each code has a default severity and a one-line Chinese title; docs/diagnostics.md documents
each with an example. A Diagnostic prints as ``path:line:col: severity[CODE] message``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]

CATALOGUE: dict[str, tuple[Severity, str]] = {
    # read and parse
    "SC001": ("error", "键后使用了全角冒号"),
    "SC002": ("error", "缩进中含有全角空格或制表符"),
    "SC010": ("error", "YAML 语法错误"),
    "SC011": ("error", "重复的键"),
    "SC012": ("error", "未知的键"),
    "SC013": ("error", "类型错误或缺少字段"),
    "SC014": ("error", "不支持的格式版本"),
    "SC015": ("error", "未知的检查类型"),
    "SC016": ("error", "文件无法读取或不是场景/评分标准"),
    "SC017": ("error", "文字中含有控制字符"),
    "SC018": ("error", "缩进与同一层的键不一致"),
    # scenario graph
    "SC101": ("error", "跳转到不存在的节点"),
    "SC102": ("warning", "节点从起点不可达"),
    "SC103": ("error", "非结局节点缺少最后的无条件分支"),
    "SC104": ("error", "陷入循环：从这里走不到任何结局"),
    "SC105": ("warning", "结局永远无法到达"),
    "SC106": ("error", "起点不存在或没有任何结局"),
    "SC107": ("warning", "无条件分支之后的分支永远不会被执行"),
    "SC108": ("error", "结局节点不应再有分支、期望或选项"),
    # state, expressions, templates
    "SC201": ("error", "使用了未声明的变量"),
    "SC202": ("error", "变量类型不符"),
    "SC203": ("warning", "效果可能使变量超出声明范围"),
    "SC204": ("error", "表达式语法错误"),
    "SC205": ("error", "模板语法错误"),
    "SC206": ("error", "引用了评分标准中不存在的评分项"),
    "SC207": ("error", "找不到场景使用的评分标准"),
    "SC208": ("warning", "对话节点没有期望的评分项"),
    "SC209": ("warning", "对话节点没有示范回答"),
    "SC210": ("error", "初学模式选项必须恰有一个最佳选项"),
    "SC211": ("error", "路径测试引用了不存在的节点或结局"),
    "SC212": ("warning", "缺少愤怒、信任、升级风险等基本状态变量"),
    "SC213": ("warning", "台词中出现了像节点字段的行（缩进过深？）"),
    "SC230": ("warning", "称呼与来访人的年纪不符"),
    "SC220": ("error", "台词模板超出限制或使用了不支持的写法"),
    # rubric
    "SC301": ("error", "正则表达式无法编译"),
    "SC302": ("warning", "在中文旁使用了 \\b"),
    "SC303": ("error", "正则表达式能匹配空字符串"),
    "SC304": ("error", "评分项没有有效的检查"),
    "SC305": ("error", "评分项所属维度未定义"),
    "SC306": ("error", "缺少必需的维度（倾听、公正、沟通）"),
    "SC307": ("warning", "同一短语同时出现在肯定与否定列表中"),
    "SC308": ("warning", "评分项缺少双向黄金测试"),
    "SC309": ("error", "重复的评分项编号"),
    "SC310": ("error", "加分项仅凭“没说某话”就能得分"),
    "SC311": ("error", "扣分项对空回复也会触发"),
    "SC312": ("error", "默认期望引用了不存在的加分项"),
    # rubric lexicon: phrase families and named gaps
    "SC320": ("error", "引用了未定义的词族或间隔"),
    "SC321": ("error", "词族或间隔定义有误"),
    "SC322": ("warning", "正则表达式过长（超过 300 个字符）"),
    "SC323": ("warning", "词族缺少必中例句或近似说法"),
    "SC324": ("warning", "词族或间隔没有被用到"),
    "SC325": ("error", "正则表达式可能灾难性回溯"),
    # rubric: the learned layer
    "SC330": ("error", "学习模型的权重文件无法加载"),
    "SC331": ("error", "组合规则引用了不存在的评分项"),
    "SC332": ("error", "权重中没有该评分项的模型或阈值"),
    # cited facts and persona consistency
    "SC401": ("error", "引用的法规没有收录"),
    "SC402": ("error", "法规摘录中没有引用的条款"),
    "SC403": ("error", "引文不在所引条款的原文中"),
    "SC404": ("error", "数字事实的说法或核算不成立"),
    "SC405": ("error", "引用了未声明的事实"),
    "SC406": ("warning", "法律陈述没有引用事实"),
    "SC407": ("warning", "声明的事实没有用到"),
    "SC408": ("warning", "来访人的事实前后说法不一"),
    "SC409": ("warning", "同一数量有两种说法"),
    "SC410": ("warning", "来访人用带性别的称呼叫接待人员"),
    "SC411": ("warning", "转送的事项只说了一个15日"),
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, located in a file."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = "error"

    @classmethod
    def of(cls, code: str, message: str, path: str, line: int = 1, col: int = 1) -> Diagnostic:
        return cls(path, line, col, code, message, CATALOGUE[code][0])

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}[{self.code}] {self.message}"

    def as_json(self) -> dict:
        return asdict(self)
