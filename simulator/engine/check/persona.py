"""Persona consistency (SC408-SC410): a petitioner's numbers, names and places agree wherever they recur.

- Numbers: every number with a unit the scenario states (the petitioner's words and what the
  library asserts) is filed under a family (户数, 人数, 面积, 金额...). Where the scenario declares
  number facts of that family, each statement must agree with one of them (SC408). Where it
  declares none, two statements of a counting family that cannot be the same number are flagged
  (SC409): say which thing each is by declaring them, or make them agree.
- Names: 「我叫…」「我姓…」 against the persona's name; the surname and the sex in the officer's
  address (「周师傅」「大爷」); the same role with two surnames (「包工头姓刘」 / 「包工头姓王」).
- Places: a petitioner who threatens to go 「上县里」 from a county office is not going over anyone.
- The officer's sex is unknown: the petitioner must not address the trainee as 「闺女」「小伙子」 (SC410).
"""
from __future__ import annotations

import re

from ..content.model import Scenario
from .findings import Findings
from .number_facts import NumberFacts
from .numbers import FAMILY_LABELS, NUMBER, QUANTITIES, Mention, Span, mentions, spoken
from .texts import Text

SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
               "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫"
               "孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅"
               "童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车"
               "项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛"
               "仲虞敖巩明佘池查麻苑迟邝")
MALE_ADDRESS = ("大爷", "大哥", "大叔", "叔", "爷爷", "老哥", "兄弟")
FEMALE_ADDRESS = ("大娘", "大妈", "阿姨", "大姐", "婶", "奶奶", "嫂子", "大嫂")
ADDRESS = re.compile(rf"([{''.join(sorted(SURNAMES))}]?)(师傅|老师|{'|'.join(MALE_ADDRESS + FEMALE_ADDRESS)})")
SELF_NAME = re.compile(r"我叫([\u4e00-\u9fff]{2,4}?)(?=[，。,！!？?、；;\s（(]|$)")
SELF_SURNAME = re.compile(r"我姓([\u4e00-\u9fff])")
SELF_AGE = re.compile(rf"我(?:今年|都|已经)?({NUMBER})(?:岁|了)")
ROLES = "包工头|老板|经理|主任|书记|村长|村支书|厂长|队长|组长|站长|院长|律师|法官|医生|大夫"
ROLE_SURNAME = re.compile(rf"({ROLES})姓([\u4e00-\u9fff])")
LEVELS = {"村": 1, "镇": 2, "乡": 2, "街道": 2, "县": 3, "区": 3, "市": 4, "省": 5, "北京": 6, "中央": 6}
THREAT = re.compile(r"(?:我|我们|咱|咱们|俺|俺们)[^，。！？!?,]{0,8}?(?:上|去|到)(北京|中央|省|市|县|区)"
                    r"(?:里|城|上|政府|委)?(?:信访局|信访办)?去?(?:找|告|反映|上访|讨说法|要说法|说理|评理)"
                    r"(?P<rest>[^，。！？!?,]*)")
TO_OFFICER = ("闺女", "姑娘", "小姑娘", "丫头", "大妹子", "妹子", "小妹", "小伙子", "小伙", "大兄弟", "老弟", "小哥",
              "美女", "帅哥")
VOCATIVE = re.compile(rf"(?<![我俺你您他她家的咱])({'|'.join(sorted(TO_OFFICER, key=len, reverse=True))})"
                      r"(?=[，,！!。？?…~～]|$)")


def check_persona(scenario: Scenario, every: tuple[Text, ...], report: Findings) -> None:
    """SC408-SC410 over `every` text of the scenario (its scenario_texts)."""
    texts = [t for t in every if t.role != "wrong"]
    _numbers(scenario, texts, report)
    _names(scenario, list(every), report)
    _places(scenario, texts, report)
    for text in texts:
        if text.role == "persona":
            for match in VOCATIVE.finditer(text.text):
                report.add_in_text("SC410", f"来访人称接待人员为「{match.group(1)}」：学员的性别不知道，"
                                   "请改用「同志」「小同志」等不分性别的称呼", text.where, text.text, match.start(1))


def _where(text: Text) -> str:
    return f"节点 '{text.node}'" if text.node else ("summary" if text.where == ("summary",) else "来访人背景")


def _numbers(scenario: Scenario, texts: list[Text], report: Findings) -> None:
    numbers = NumberFacts(scenario)
    first: dict[str, tuple[Mention, Text]] = {}
    flagged: set[str] = set()
    for text in texts:
        for mention in mentions(text.text):
            declared = numbers.in_family(mention.family)
            label = FAMILY_LABELS.get(mention.family, mention.family)
            if declared:
                if not numbers.matches(mention):
                    known = "；".join(f"{fid}「{numbers.facts[fid].says}」"
                                     + (f"（{numbers.facts[fid].what}）" if numbers.facts[fid].what else "")
                                     for fid in declared)
                    report.add_in_text("SC408", f"「{mention.text}」与声明的{label}不符：{known}",
                                       text.where, text.text, mention.start)
                continue
            if mention.family not in QUANTITIES or mention.family in flagged:
                continue
            seen = first.get(mention.family)
            if seen is None:
                first[mention.family] = (mention, text)
            elif not seen[0].span.overlaps(mention.span):
                flagged.add(mention.family)
                report.add_in_text(
                    "SC409", f"{label}有两种说法：{_where(seen[1])}说「{seen[0].text}」，这里说「{mention.text}」。"
                    f"若是同一件事请改成一致；若是两件事，在 facts 中分别声明（what + says）", text.where, text.text,
                    mention.start)


def _names(scenario: Scenario, texts: list[Text], report: Findings) -> None:
    persona = scenario.persona
    name = persona.name
    roles: dict[str, tuple[str, Text]] = {}
    for text in texts:
        if text.role == "persona":
            for match in SELF_NAME.finditer(text.text):
                if match.group(1) != name and not name.startswith(match.group(1)):
                    report.add_in_text("SC408", f"来访人自称「{match.group(1)}」，与 persona.name「{name}」不符",
                                       text.where, text.text, match.start(1))
            for match in SELF_SURNAME.finditer(text.text):
                if not name.startswith(match.group(1)):
                    report.add_in_text("SC408", f"来访人说自己姓「{match.group(1)}」，与 persona.name「{name}」不符",
                                       text.where, text.text, match.start(1))
            for match in SELF_AGE.finditer(text.text):
                span = spoken(match.group(1))
                if span is None or not (match.group(0).endswith("岁") or span.low >= 10):
                    continue  # 「我三了」 is not an age; 「我七十二了」 is
                if not span.overlaps(Span(persona.age - 0.5, persona.age + 0.5)):
                    report.add_in_text("SC408", f"来访人说自己「{match.group(1)}」岁，与 persona.age "
                                       f"{persona.age} 不符", text.where, text.text, match.start(1))
        for match in ROLE_SURNAME.finditer(text.text):
            role, surname = match.group(1), match.group(2)
            seen = roles.setdefault(role, (surname, text))
            if seen[0] != surname:
                report.add_in_text("SC408", f"{role}姓「{surname}」，{_where(seen[1])}说姓「{seen[0]}」",
                                   text.where, text.text, match.start(2))
        if text.role == "persona" or text.where[-1] == "note" or text.where[-2:-1] == ("ending",):
            continue
        for match in ADDRESS.finditer(text.text):  # what the officer calls the petitioner
            surname, form = match.group(1), match.group(2)
            if surname and not name.startswith(surname):
                report.add_in_text("SC408", f"称呼「{surname}{form}」与来访人的姓名「{name}」不符",
                                   text.where, text.text, match.start(1))
            wrong = FEMALE_ADDRESS if persona.gender == "男" else MALE_ADDRESS if persona.gender == "女" else ()
            vocative = surname or match.start() == 0 or text.text[match.end():match.end() + 1] in "，,！!"
            if form in wrong and vocative:
                report.add_in_text("SC408", f"称呼「{surname}{form}」与来访人的性别（{persona.gender}）不符",
                                   text.where, text.text, match.start(2))


def _level(place: str) -> int | None:
    found = [level for word, level in LEVELS.items() if word in place]
    return min(found) if found else None


def _places(scenario: Scenario, texts: list[Text], report: Findings) -> None:
    here = _level(scenario.office) if scenario.office else None
    if here is None:
        return
    for text in texts:
        if text.role != "persona":
            continue
        for match in THREAT.finditer(text.text):
            if "过" in match.group("rest") or "了" in match.group("rest"):
                continue  # a trip already made, not a threat
            level = LEVELS[match.group(1)]
            if level <= here:
                report.add_in_text("SC408", f"来访人扬言去「{match.group(1)}」，可接待地点就是「{scenario.office}」："
                                   "越级要往更高一级去", text.where, text.text, match.start(1))
