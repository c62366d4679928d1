"""Forms of address that contradict who is spoken to (SC230).

The officer's words (model answers, options, hints, cues) must address the petitioner as the
persona's age is: no 大爷 for a man of 46, no 小伙子 for a man of 60. The validator reports only
the age here; the sex of an address (no 阿姨 for a man, SC408) and a petitioner calling the officer
闺女 (SC410) are persona.py's. `unfit` says both, for the examples the feedback shows.

Only an address counts, not a mention: the word stands at the start of a clause (or after 啊/呀)
and is followed by punctuation or 您/你 (「大爷，您先坐」「谢谢您啊闺女。」), so 「闺女下学期还得交补课费」
and 「老人家腿脚不方便」 are left alone.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..content.model import Persona, Scenario
from .findings import Findings

ELDER = {"大爷", "老大爷", "大娘", "老大娘", "大妈", "老人家", "奶奶", "爷爷", "老伯", "老奶奶"}
MALE = {"大爷", "老大爷", "大伯", "老伯", "大叔", "叔叔", "大哥", "老哥", "小伙子", "先生", "爷爷", "兄弟", "老弟"}
FEMALE = {"大娘", "老大娘", "大妈", "阿姨", "大姐", "大婶", "婶子", "嫂子", "姑娘", "女士", "奶奶", "老奶奶", "闺女",
          "妹子"}
YOUNG = {"小伙子", "姑娘", "闺女", "丫头", "妹子", "老弟", "小兄弟"}
MIDDLE_AGED = {"阿姨", "叔叔", "大伯", "大婶"}  # said to someone old enough to be one's parent
ELDER_AGE, MIDDLE_AGE, YOUNG_AGE = 55, 40, 35
TERMS = sorted(ELDER | MALE | FEMALE | YOUNG | MIDDLE_AGED, key=len, reverse=True)
ADDRESS = re.compile(r"(?:^|(?<=[，,。.！!？?；;…：:\s）)」”])|(?<=啊)|(?<=呀))(" + "|".join(TERMS)
                     + r")(?=[，,。.！!？?、…]|您|你|$)")


def addresses(text: str) -> Iterator[tuple[int, str]]:
    """(offset, term) for every form of address in `text`."""
    for match in ADDRESS.finditer(text):
        yield match.start(1), match.group(1)


def _who(persona: Persona) -> str:
    return f"{persona.name}（{persona.age} 岁{'，' + persona.gender if persona.gender else ''}）"


def unfit_age(term: str, persona: Persona) -> str:
    """Why `term` does not fit the persona's age, or ''."""
    who = _who(persona)
    if term in ELDER and persona.age < ELDER_AGE:
        return f"「{term}」是对老人的称呼，{who}还不到这个年纪"
    if term in MIDDLE_AGED and persona.age < MIDDLE_AGE:
        return f"「{term}」是对长辈的称呼，{who}还年轻"
    if term in YOUNG and persona.age > YOUNG_AGE:
        return f"「{term}」是对年轻人的称呼，{who}不合适"
    return ""


def unfit_sex(term: str, persona: Persona) -> str:
    """Why `term` does not fit the persona's sex, or ''."""
    if persona.gender == "女" and term in MALE:
        return f"「{term}」是对男性的称呼，{_who(persona)}是女性"
    if persona.gender == "男" and term in FEMALE:
        return f"「{term}」是对女性的称呼，{_who(persona)}是男性"
    return ""


def unfit(term: str, persona: Persona) -> str:
    """Why `term` does not fit the persona's age or sex, or ''."""
    return unfit_age(term, persona) or unfit_sex(term, persona)


def check_address(scenario: Scenario, report: Findings) -> None:
    persona = scenario.persona
    for node_id, node in scenario.nodes.items():
        where: tuple[str | int, ...] = ("nodes", node_id)
        spoken: list[tuple[tuple[str | int, ...], str]] = [
            (where + ("model_answers", i), text) for i, text in enumerate(node.model_answers)]
        spoken += [(where + ("options", i, "text"), option.text) for i, option in enumerate(node.options)]
        spoken += [(where + (field,), getattr(node, field)) for field in ("hint", "cue")]
        for at, text in spoken:
            for offset, term in addresses(text):
                why = unfit_age(term, persona)
                if why and not unfit_sex(term, persona):  # a wrong sex is SC408's, said once
                    report.add_inside("SC230", f"称呼与来访人的年纪不符：{why}", at, text, offset)
