"""The authored content as typed, immutable values: Scenario and Rubric.

Every model forbids unknown keys and is frozen. Field descriptions are in Chinese because they
become the hover text of the JSON Schemas that instructors' editors use.
"""
from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, Tag, ValidationInfo, model_validator
from typing_extensions import TypeAliasType

SCHEMA_VERSION = 1
IDENT = r"^[a-z][a-z0-9_]*$"

EndingKind = Literal["resolved", "referred", "dissatisfied", "escalated", "crisis"]
GOOD_ENDINGS: frozenset[str] = frozenset({"resolved", "referred"})
# Shown in brackets after an ending's title, so they hold no brackets of their own.
ENDING_LABELS = {
    "resolved": "问题化解",
    "referred": "引导至正确渠道",
    "dissatisfied": "不满离开，还会再来",
    "escalated": "矛盾升级：越级访、集体访",
    "crisis": "安全危机",
}
# The trainer's playthroughs a scenario carries as golden tests (issue 13): the excellent officer,
# who uses none of the stock phrases, must score highest and end best.
Officer = Literal["excellent", "faulty", "tired", "rude", "danger_handled", "danger_ignored"]
Temperament = Literal["angry", "anxious", "talkative", "taciturn", "rambling", "deferential", "calm"]
TEMPERAMENT_LABELS = {
    "angry": "急躁易怒", "anxious": "焦虑不安", "talkative": "健谈", "taciturn": "沉默寡言",
    "rambling": "絮叨跑题", "deferential": "过分客气", "calm": "平和",
}


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# ---------------------------------------------------------------- rubric checks

class PhrasesCheck(Frozen):
    phrases: tuple[str, ...] = Field(description="出现任一短语即满足（匹配前统一全半角与空白）")
    guard: bool = Field(True, description="否定守卫：短语前同一分句内有「不、没、别……」时不算命中")


class NotPhrasesCheck(Frozen):
    not_phrases: tuple[str, ...] = Field(description="不出现其中任何短语才满足")
    guard: bool = Field(True, description="否定守卫：被否定的短语不算出现")


class RegexCheck(Frozen):
    regex: str = Field(description="正则表达式，匹配即满足（不要在中文旁用 \\b）")
    guard: bool = Field(False, description="否定守卫：匹配前同一分句内有否定词时不算命中")


class NotRegexCheck(Frozen):
    not_regex: str = Field(description="正则表达式，不匹配才满足")
    guard: bool = Field(False, description="否定守卫：被否定的匹配不算出现")


class QuestionCheck(Frozen):
    question: bool = Field(description="true：回复中含有提问；false：回复中没有提问")


class LengthCheck(Frozen):
    length: LengthRange = Field(description="回复字数（去除空白后）范围")


class LengthRange(Frozen):
    min: int = Field(0, ge=0)
    max: int | None = Field(None, ge=0)


class SimilarCheck(Frozen):
    similar: float = Field(ge=0, le=1, description="与本轮示范回答的字符二元组相似度至少达到该值")


INHERITED_GUARD = "其中的 family、seq、near 没写 guard 时的否定守卫（不写则为 true）"


class AnyCheck(Frozen):
    any: tuple[Check, ...] = Field(description="任一子条件满足即满足")
    guard: bool | None = Field(None, description=INHERITED_GUARD)


class AllCheck(Frozen):
    all: tuple[Check, ...] = Field(description="全部子条件满足才满足")
    guard: bool | None = Field(None, description=INHERITED_GUARD)


class AtLeastCheck(Frozen):
    at_least: int = Field(ge=1, description="至少满足多少个子条件")
    of: tuple[Check, ...] = Field(description="子条件列表")
    guard: bool | None = Field(None, description=INHERITED_GUARD)


# ---------------------------------------------------------------- the lexicon: named phrase families and gaps

GapLength = int | tuple[int, int | None]
# A family or gap name, an inline pattern, {gap: length}, {unless: [items]} (not followed by those), or
# [items]: an optional part.
SeqItem = TypeAliasType(
    "SeqItem", "str | dict[str, GapLength | tuple[SeqItem, ...]] | tuple[SeqItem, ...]")


LEXICON_GUARD = "否定守卫：匹配前同一分句内有否定词时不算命中（不写则沿用外层 any/all 的 guard，默认 true）"


class FamilyCheck(Frozen):
    family: str = Field(description="词族名：回复中出现该词族的任一说法即满足")
    times: int = Field(1, ge=1, description="至少出现几次（每一次都作为依据）")
    guard: bool | None = Field(None, description=LEXICON_GUARD)


class SeqCheck(Frozen):
    seq: tuple[SeqItem, ...] = Field(
        min_length=1,
        description="依次出现：词族名、间隔名或 {间隔名: 最多几个字}、一小段正则、[...]（可有可无的一段）、"
        "{unless: [...]}（后面不能紧跟这些）；依据是去掉间隔后的词")
    guard: bool | None = Field(None, description=LEXICON_GUARD)


class NearCheck(Frozen):
    near: tuple[str, str] = Field(description="两个词族名：二者相隔不超过 within，先后不限")
    within: SeqItem = Field(description="间隔名或 {间隔名: 最多几个字}")
    guard: bool | None = Field(None, description=LEXICON_GUARD)


class NotCheck(Frozen):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, populate_by_name=True)
    negated: Check = Field(alias="not", description="子条件不满足才满足（如 not: {near: ...}）")


class Family(Frozen):
    description: str = Field("", description="这一族说法是什么意思")
    phrases: tuple[str, ...] = Field((), description="说法（字面匹配，匹配前统一全半角与空白）")
    patterns: tuple[str, ...] = Field((), description="小段正则（写法同 regex）")
    include: tuple[str, ...] = Field((), description="并入的其他词族")
    examples: tuple[str, ...] = Field((), description="必中的例句：每句都要含有本族的说法（simulator test 检验）")
    near_misses: tuple[str, ...] = Field((), description="形近而不该命中的说法（simulator test 检验）")


class Gap(Frozen):
    description: str = Field("", description="这种间隔用在哪里")
    max: int | None = Field(description="最多隔几个字（null 表示不限）", ge=0)
    min: int = Field(0, ge=0, description="至少隔几个字")
    clause: bool = Field(False, description="能否跨过分句标点（, . ! ? ; : 。 …）")
    negation: bool = Field(True, description="能否跨过否定词「不、没」")
    stops: str = Field("", description="另外不能跨过的字符")


class Lexicon(Frozen):
    gaps: dict[str, Gap] = Field(default_factory=dict, description="命名间隔：名 → 定义")
    families: dict[str, Family] = Field(default_factory=dict, description="词族：名 → 定义")


CHECK_KEYS = {
    "phrases": "phrases", "not_phrases": "not_phrases", "regex": "regex", "not_regex": "not_regex",
    "question": "question", "length": "length", "similar": "similar", "any": "any", "all": "all",
    "at_least": "at_least", "family": "family", "seq": "seq", "near": "near", "not": "not",
}


def check_tag(value: Any) -> str | None:
    """Which kind of check a raw mapping (or model) is, by the key that names it."""
    if isinstance(value, dict):
        for key in CHECK_KEYS:
            if key in value:
                return key
        return None
    for key, cls in CHECK_CLASSES.items():
        if isinstance(value, cls):
            return key
    return None


Check = Annotated[
    Annotated[PhrasesCheck, Tag("phrases")]
    | Annotated[NotPhrasesCheck, Tag("not_phrases")]
    | Annotated[RegexCheck, Tag("regex")]
    | Annotated[NotRegexCheck, Tag("not_regex")]
    | Annotated[QuestionCheck, Tag("question")]
    | Annotated[LengthCheck, Tag("length")]
    | Annotated[SimilarCheck, Tag("similar")]
    | Annotated[AnyCheck, Tag("any")]
    | Annotated[AllCheck, Tag("all")]
    | Annotated[AtLeastCheck, Tag("at_least")]
    | Annotated[FamilyCheck, Tag("family")]
    | Annotated[SeqCheck, Tag("seq")]
    | Annotated[NearCheck, Tag("near")]
    | Annotated[NotCheck, Tag("not")],
    Discriminator(check_tag, custom_error_type="check_kind",
                  custom_error_message="无法识别的检查类型"),
]

CHECK_CLASSES: dict[str, type[Frozen]] = {
    "phrases": PhrasesCheck, "not_phrases": NotPhrasesCheck, "regex": RegexCheck,
    "not_regex": NotRegexCheck, "question": QuestionCheck, "length": LengthCheck,
    "similar": SimilarCheck, "any": AnyCheck, "all": AllCheck, "at_least": AtLeastCheck,
    "family": FamilyCheck, "seq": SeqCheck, "near": NearCheck, "not": NotCheck,
}

# ---------------------------------------------------------------- rubric

class Dimension(Frozen):
    label: str = Field(description="维度的中文名称，如「倾听」")
    weight: float = Field(1.0, ge=0, description="在总分中的权重")
    target: float = Field(2.0, gt=0, description="满分所需的加分项权重之和（无场景上下文时）")
    description: str = Field("", description="维度说明")


class Source(Frozen):
    ref: str = Field(description="出处编号，如「篇一·站在低位倾听的心态」或「条例第二十条」")
    quote: str = Field(description="原文引文")


class Golden(Frozen):
    fires: tuple[str, ...] = Field((), description="应当触发本条的回复")
    quiet: tuple[str, ...] = Field((), description="不应触发本条的回复")


class Criterion(Frozen):
    id: str = Field(pattern=IDENT, description="评分项编号（小写字母、数字、下划线）")
    label: str = Field(description="评分项的中文名称")
    dimension: str = Field(description="所属维度编号")
    kind: Literal["credit", "fault"] = Field(description="credit 加分项；fault 扣分项")
    weight: float = Field(ge=0, description="加分项：权重；扣分项：从该维度扣除的分数")
    cap: int | None = Field(None, ge=0, le=100, description="扣分项触发时本轮总分的上限（严重问题）")
    check: Check = Field(description="检查条件")
    feedback: Feedback = Field(description="反馈文字")
    example: str = Field("", description="示范说法，用于提示与反馈")
    source: Source = Field(description="来源文件中的依据")
    effects: dict[str, float] = Field(
        default_factory=dict,
        description="该项触发时对场景状态的通用影响，如 {anger: 10}（场景声明了该变量才生效）",
    )
    golden: Golden = Field(default_factory=Golden, description="黄金回复测试")


class Feedback(Frozen):
    hit: str = Field(description="触发时给学员看的话")
    miss: str = Field("", description="本轮期望但未做到时给学员看的话（加分项）")


class RubricTest(Frozen):
    name: str = Field("", description="测试名称")
    reply: str = Field(description="学员回复")
    expect: dict[str, Literal["fires", "quiet"]] = Field(
        default_factory=dict, description="评分项编号 → fires（应触发）/ quiet（不应触发）")
    total: ScoreRange | None = Field(None, description="总分范围")


class ScoreRange(Frozen):
    min: float = Field(0, ge=0, le=100)
    max: float = Field(100, ge=0, le=100)


Rule = Literal["rubric", "learned", "either", "both"]
RULES: tuple[Rule, ...] = ("rubric", "learned", "either", "both")


class LearnedLayer(Frozen):
    """The learned layer beside the rubric's checks, and how the two combine per criterion."""

    weights: str = Field(description="学习模型的权重文件（相对本评分标准文件所在目录），由 simulator train 生成；"
                                     "各评分项的阈值也记在其中")
    figures: str = Field("", description="评测结果文件（bench/bench_judge.py 生成）："
                                         "封存测试集与留一轮交叉验证上的数字，simulator test --metrics 显示")
    rules: dict[str, Rule] = Field(
        default_factory=dict,
        description="评分项编号 → 组合规则：rubric 只看本文件的检查条件；learned 只看学习模型；"
                    "either 任一判定触发即触发；both 两者都判定才触发。未列出的评分项只看检查条件")
    _folder: str | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _remember_folder(self, info: ValidationInfo) -> LearnedLayer:
        # Set by the loader: the rubric file's folder, against which `weights` and `figures` resolve.
        if isinstance(info.context, dict) and info.context.get("folder"):
            self._folder = str(info.context["folder"])
        return self

    def path(self, name: str) -> Path:
        """A file this block names, resolved against the rubric file's folder (else as given)."""
        return Path(self._folder) / name if self._folder else Path(name)

    def rule(self, criterion: str) -> Rule:
        return self.rules.get(criterion, "rubric")


class Rubric(Frozen):
    schema_version: int = Field(description="格式版本，目前为 1")
    id: str = Field(pattern=IDENT, description="评分标准编号")
    title: str = Field(description="评分标准名称")
    description: str = Field("", description="说明")
    dimensions: dict[str, Dimension] = Field(description="评分维度：编号 → 定义")
    lexicon: Lexicon = Field(default_factory=Lexicon, description="词族与命名间隔，供检查条件引用")
    default_expects: tuple[str, ...] = Field(
        (), description="无场景上下文时（simulator score）期望的加分项")
    criteria: tuple[Criterion, ...] = Field(description="评分项")
    learned: LearnedLayer | None = Field(
        None, description="学习模型：与检查条件并用，按评分项写明组合规则（省略则只用检查条件）")
    tests: tuple[RubricTest, ...] = Field((), description="整体黄金测试")

    @cached_property
    def by_id(self) -> dict[str, Criterion]:
        """Criteria by id (the last wins; the validator reports duplicates)."""
        return {c.id: c for c in self.criteria}


# ---------------------------------------------------------------- scenario

class Fact(Frozen):
    """One fact a scenario rests on: a statute's words, an in-story document, or a number.

    A legal fact names a law shipped in references/laws/, an article and words of that article;
    a number fact says how the texts put it (「六万三」「两百多户」) and may show its arithmetic.
    """

    what: str = Field("", description="这条事实是什么（写给作者与讲评）")
    law: str | None = Field(None, description="法规名称，如「信访工作条例」「民法典」（须收录在 references/laws/）")
    article: str | None = Field(
        None, pattern=r"^第[零〇一二两三四五六七八九十百千]+条(第[一二三四五六七八九十]+款)?$",
        description="条号，如「第二十二条」，可加款「第二十三条第三款」")
    quote: str | None = Field(None, description="所依据的原文，须与该条原文一字不差（只统一空白）")
    document: str | None = Field(
        None, description="剧情中的文件名称（本单位制度等，不是法律），如「职工住房补贴管理办法」")
    says: str | None = Field(None, description="数字事实在文中的说法，如「六万三」「两百多户」「一百二十九平」")
    also: tuple[str, ...] = Field((), description="同一数字的其他说法，如「六万多」")
    value: float | None = Field(None, description="精确数值（元、户、平方米……），用于核算")
    sum: tuple[str, ...] | None = Field(None, description="加数：数字或其他数字事实的编号，合计应与本事实相符")
    product: tuple[str, ...] | None = Field(None, description="乘数：数字或其他数字事实的编号，乘积应与本事实相符")
    criteria: tuple[str, ...] = Field(
        (), description="以本条为依据的评分项编号：讲评时在这些评分项的反馈旁显示本条原文")

    @model_validator(mode="after")
    def _one_kind(self) -> Fact:
        kinds = [name for name in ("law", "document", "says") if getattr(self, name) is not None]
        if len(kinds) != 1:
            raise ValueError("事实须写 law（法条）、document（剧情文件）或 says（数字）三者之一")
        if self.law is not None and (self.article is None or self.quote is None):
            raise ValueError("法条事实须同时写 article（条号）与 quote（原文）")
        number_only = self.also or self.value is not None or self.sum is not None or self.product is not None
        if self.says is None and number_only:
            raise ValueError("also、value、sum、product 只用于数字事实（says）")
        if self.says is not None and (self.article is not None or self.quote is not None):
            raise ValueError("数字事实不写 article 与 quote")
        if self.sum is not None and self.product is not None:
            raise ValueError("sum 与 product 只能写一个")
        return self


class Persona(Frozen):
    name: str = Field(description="来访人姓名或称呼")
    age: int = Field(ge=0, le=120, description="年龄")
    background: str = Field(description="背景：身份、诉求由来")
    temperament: Temperament = Field(
        description="性情：angry 急躁 / anxious 焦虑 / talkative 健谈 / taciturn 寡言 / "
        "rambling 絮叨 / deferential 过分客气 / calm 平和")
    gender: Literal["男", "女"] | None = Field(None, description="性别")


class Variable(Frozen):
    type: Literal["int", "bool"] = Field(description="变量类型")
    label: str = Field(description="中文名称，如「愤怒」")
    initial: int | bool = Field(description="初始值")
    min: int | None = Field(None, description="下限（int）")
    max: int | None = Field(None, description="上限（int）")

    @model_validator(mode="before")
    @classmethod
    def _typed_initial(cls, data: Any) -> Any:
        # YAML gives strings; the declared type, not the union's guess, decides what "0" means.
        if isinstance(data, dict) and isinstance(data.get("initial"), str):
            text = data["initial"].strip().lower()
            if data.get("type") == "bool" and text in ("true", "false"):
                data = {**data, "initial": text == "true"}
            elif data.get("type") == "int" and re.fullmatch(r"[+-]?\d+", text):
                data = {**data, "initial": int(text)}
        return data

    @property
    def bounds(self) -> tuple[int, int]:
        """(min, max) of an int variable (validation makes both present)."""
        if self.min is None or self.max is None:
            raise ValueError(f"{self.label} 不是整数变量")
        return self.min, self.max

    @model_validator(mode="after")
    def _range(self) -> Variable:
        if self.type == "int":
            if self.min is None or self.max is None:
                raise ValueError("int 变量必须声明 min 与 max")
            if self.min > self.max:
                raise ValueError("min 不能大于 max")
            if isinstance(self.initial, bool) or not self.min <= self.initial <= self.max:
                raise ValueError("initial 必须是 min 与 max 之间的整数")
        elif not isinstance(self.initial, bool):
            raise ValueError("bool 变量的 initial 必须是 true 或 false")
        return self


class Effect(Frozen):
    when: str | None = Field(None, description="条件表达式（Jinja2），省略表示总是生效")
    change: dict[str, int] = Field(default_factory=dict, description="整数变量的增减量，结果截断在范围内")
    set: dict[str, str] = Field(default_factory=dict, description="变量 → 新值表达式")
    because: str = Field("", description="原因说明，显示给学员，如「打断了来访人」")


class Branch(Frozen):
    when: str | None = Field(None, description="条件表达式；最后一个分支必须省略 when（无条件）")
    goto: str = Field(description="目标节点编号")


class Option(Frozen):
    text: str = Field(description="选项文字（初学模式）")
    best: bool = Field(False, description="是否最佳选项")
    note: str = Field("", description="选后讲解：好在哪里或典型错误")


class Ending(Frozen):
    kind: EndingKind = Field(description="结局类型")
    title: str = Field(description="结局标题")
    summary: str = Field("", description="结局说明：意味着什么")


class Node(Frozen):
    say: str = Field("", description="来访人的话（Jinja2 模板，可用 persona 与状态变量）")
    expects: tuple[str, ...] = Field((), description="本轮期望的评分项编号")
    cue: str = Field("", description="本轮的预警信号或要点，用于提示")
    hint: str = Field("", description="提示文字（练习模式）")
    model_answers: tuple[str, ...] = Field((), description="示范回答")
    options: tuple[Option, ...] = Field((), description="初学模式选项")
    effects: tuple[Effect, ...] = Field((), description="本轮对状态的影响")
    next: tuple[Branch, ...] = Field((), description="分支，自上而下取第一个条件成立的")
    ending: Ending | None = Field(None, description="结局（有此项即为结局节点）")
    unreached_ok: str = Field("", description="覆盖率：若本节点在测试中未走到，写明理由")
    cites: tuple[str, ...] = Field(
        (), description="本节点的文字（示范回答、提示、选项讲解、结局说明等）所依据的事实编号（facts 中声明）")


class StateBound(Frozen):
    min: float | None = None
    max: float | None = None


class PathTest(Frozen):
    name: str = Field(description="测试名称")
    replies: tuple[str, ...] = Field(description="依次输入的学员回复")
    path: tuple[str, ...] | None = Field(None, description="期望经过的节点序列（含结局）")
    ending: str | tuple[str, ...] | None = Field(
        None, description="期望到达的结局节点编号或结局类型；写成列表表示其中任一个都算对")
    state: dict[str, StateBound | bool] = Field(default_factory=dict, description="期望的最终状态")
    officer: Officer | None = Field(
        None, description="这条测试扮演哪一类接待员；同一场景里 excellent 的那位必须总分最高、结局最好")
    note: str = Field("", description="写给审阅者：这位接待员做对或做错了什么")
    known_failure: str = Field(
        "", description="已知不通过及原因（如评分误判了哪句话）；simulator test 照常运行它，"
                        "通过了反而报错，提醒删掉这一行")

    @property
    def endings(self) -> tuple[str, ...]:
        """The endings this test accepts (node ids or ending kinds); empty when it names none."""
        if self.ending is None:
            return ()
        return (self.ending,) if isinstance(self.ending, str) else self.ending


class Scenario(Frozen):
    schema_version: int = Field(description="格式版本，目前为 1")
    id: str = Field(pattern=IDENT, description="场景编号（小写字母、数字、下划线）")
    title: str = Field(description="场景标题")
    category: str = Field(description="类别，如「收入分配」「涉法涉诉」")
    difficulty: int = Field(ge=1, le=3, description="难度 1-3")
    summary: str = Field("", description="一句话说明本场景训练什么")
    rubric: str = Field("standard", description="评分标准编号（rubrics/ 下）或相对路径")
    persona: Persona
    state: dict[str, Variable] = Field(description="状态变量声明")
    start: str = Field(description="起始节点编号")
    nodes: dict[str, Node] = Field(description="节点：编号 → 定义")
    tests: tuple[PathTest, ...] = Field((), description="黄金路径测试")
    office: str = Field("", description="接待地点，如「县信访局」：来访人扬言“上县里找”时据此判断是不是越级")
    facts: dict[str, Fact] = Field(
        default_factory=dict,
        description="本场景依据的事实：法条（law + article + quote）、剧情文件（document）或数字（says）")
    cites: tuple[str, ...] = Field((), description="summary 与来访人背景所依据的事实编号")


NODE_ID = re.compile(IDENT)
