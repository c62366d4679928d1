"""The cited-fact and persona checks (SC401-SC411) beyond the one-fault files of the broken corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main
from simulator.engine.check.validate import validate_paths
from simulator.engine.content.references import load_references

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
BROKEN = DATA / "broken"
REFERENCES = load_references([ROOT / "references"])

SCENARIO = """schema_version: 1
id: probe
title: 测试场景
category: 测试
difficulty: 1
rubric: {rubric}
{top}persona:
  name: 张建国
  gender: 男
  age: 52
  background: {background}
  temperament: angry
state:
  anger: {{type: int, label: 愤怒, initial: 6, min: 0, max: 10}}
  trust: {{type: int, label: 信任, initial: 3, min: 0, max: 10}}
  risk: {{type: int, label: 升级风险, initial: 2, min: 0, max: 10}}
facts:
{facts}start: opening
nodes:
  opening:
    say: {say}
    expects: [verify]
    cites: [{cites}]
    model_answers: [{answer}]
    next:
      - goto: end_resolved
  end_resolved:
    say: {last}
    ending: {{kind: resolved, title: 登记受理}}
"""
TRANSFER = """  transfer:
    law: 信访工作条例
    article: 第二十二条
    quote: 应当予以登记，并区分情况，在15日内分别按照下列方式处理
    criteria: [verify]
"""
ANSWER = """  answer:
    law: 信访工作条例
    article: 第二十三条第三款
    quote: 应当自收到之日起15日内书面告知信访人接收情况以及处理途径和程序
    criteria: [verify]
"""


def found(tmp_path: Path, references=REFERENCES, **parts: str) -> list[tuple[str, str]]:
    """(code, message) of every finding on a probe scenario built from `parts`."""
    values = {"rubric": str(DATA / "mini_rubric.yaml"), "top": "", "background": "工地讨薪",
              "facts": TRANSFER + ANSWER, "say": "你们到底管不管？", "cites": "transfer, answer",
              "answer": "我们会核实情况，15日内转交，对方收到后15日内书面告知您是否受理。", "last": "行，我等着。"}
    values.update(parts)
    path = tmp_path / "probe.yaml"
    path.write_text(SCENARIO.format(**values), encoding="utf-8")
    return [(d.code, d.message) for d in validate_paths([path], [DATA], references)]


def codes(tmp_path: Path, **parts: str) -> list[str]:
    return sorted(code for code, _ in found(tmp_path, **parts))


def codes_without_references(tmp_path: Path, **parts: str) -> list[str]:
    return sorted(code for code, _ in found(tmp_path, references=None, **parts))


def test_the_probe_itself_is_clean(tmp_path):
    assert found(tmp_path) == []


@pytest.mark.parametrize("name", ["sc402_article_not_in_excerpt", "sc403_quote_not_in_article", "sc404_wrong_sum"])
def test_strict_validation_fails_on_a_miscited_article_a_misquote_and_a_wrong_sum(name, capsys):
    assert main(["validate", "--strict", str(BROKEN / f"{name}.yaml")]) == 1
    out = capsys.readouterr().out
    assert f"error[SC40{name[4]}]" in out and "1 个错误" in out


def test_strict_validation_passes_the_bundled_library_with_every_claim_cited(capsys):
    assert validate_paths([ROOT / "scenarios", ROOT / "rubrics"], [ROOT / "rubrics"], REFERENCES) == []
    assert main(["validate", "--strict", str(ROOT / "scenarios"), str(ROOT / "rubrics")]) == 0
    assert "未发现问题" in capsys.readouterr().out


def test_a_criterion_a_fact_backs_must_exist(tmp_path):
    assert codes(tmp_path, facts=TRANSFER.replace("criteria: [verify]", "criteria: [verfy]") + ANSWER) == ["SC206"]


def test_without_the_excerpts_everything_but_the_statute_words_is_checked(tmp_path):
    miscited = TRANSFER.replace("第二十二条", "第九十九条") + ANSWER
    assert codes(tmp_path, facts=miscited) == ["SC402"]
    assert found(tmp_path, references=None, facts=miscited) == []
    assert codes_without_references(tmp_path, facts=miscited, answer="受理后60日内办结。") == ["SC406"]


def test_a_summary_and_a_background_cite_at_the_top(tmp_path):
    top = "summary: 讲清《信访工作条例》第二十条。\n"
    assert codes(tmp_path, top=top) == ["SC406", "SC406"]  # the law and the article
    reps = "  reps:\n    law: 信访工作条例\n    article: 第二十条\n    quote: 代表人数不得超过5人\n"
    facts = TRANSFER + ANSWER + reps
    assert codes(tmp_path, top=top + "cites: [reps]\n", facts=facts) == []


@pytest.mark.parametrize(("answer", "claim"), [
    ("按照《民法典》第九百四十四条，物业不得停水。", "民法典"),
    ("上诉期是15日，您抓紧。", "上诉期是15日"),
    ("申请仲裁的时效是一年。", "时效是一年"),
    ("复议要在60日内申请。", "60日内"),
])
def test_each_kind_of_legal_claim_needs_a_fact_that_says_it(tmp_path, answer, claim):
    messages = [message for code, message in found(tmp_path, answer=answer) if code == "SC406"]
    assert messages and claim in messages[0]


def test_a_time_limit_is_backed_by_the_same_number_in_the_cited_words(tmp_path):
    # 「30日内」 is not in either cited article: the trainee would repeat a number no statute gives.
    assert codes(tmp_path, answer="我们会核实情况，30日内给您书面答复。") == ["SC406"]


def test_one_fifteen_days_is_right_where_the_body_visited_handles_the_matter(tmp_path):
    direct = """  direct:
    law: 信访工作条例
    article: 第二十三条第二款
    quote: 不能当场告知的，应当自收到信访事项之日起15日内书面告知信访人
"""
    compressed = "登记后转人事科办理，15日内书面告知您是否受理。".replace("转人事科", "转交人事科")
    assert codes(tmp_path, answer=compressed) == ["SC411"]
    assert codes(tmp_path, facts=direct, cites="direct", answer=compressed) == []


def test_number_facts_add_up_with_parts_taken_away(tmp_path):
    facts = ("  gone: {says: 十一天}\n  left:\n    says: 四天\n    sum: [15, -gone]\n" + TRANSFER + ANSWER)
    say = "判决书送来十一天了，还剩四天。"
    assert codes(tmp_path, facts=facts, say=say) == []
    assert codes(tmp_path, facts=facts.replace("[15, -gone]", "[15, gone]"), say=say) == ["SC404"]


def test_a_value_and_other_wordings_must_be_the_same_number(tmp_path):
    facts = "  wage:\n    says: 六万三\n    also: [三万多]\n    value: 36000\n" + TRANSFER + ANSWER
    assert codes(tmp_path, facts=facts, say="六万三，一分没给！") == ["SC404", "SC404"]


def test_an_in_story_document_is_quoted_from_the_story(tmp_path):
    rule = ("  rule:\n    document: 职工住房补贴管理办法\n    article: 第六条\n"
            "    quote: 入职后无自有住房的职工，按月发放住房补贴八百元。\n")
    answer = "办法第六条的事，我们会核实情况，15日内转交，对方收到后15日内书面告知您是否受理。"
    say = "《职工住房补贴管理办法》第六条写着：“入职后无自有住房的职工，按月发放住房补贴八百元。”"
    assert codes(tmp_path, facts=TRANSFER + ANSWER + rule, cites="transfer, answer, rule", answer=answer, say=say) == []
    assert codes(tmp_path, facts=TRANSFER + ANSWER + rule, cites="transfer, answer, rule", answer=answer) == ["SC403"]


def test_a_declared_family_checks_every_statement_and_an_undeclared_one_only_disagreements(tmp_path):
    say = "全村两百多户都受了罪，今天来了三十多个人。"
    assert codes(tmp_path, say=say) == []  # two families, one value each
    answer = "全村三十多户的事，我们会核实情况，15日内转交，对方收到后15日内书面告知您是否受理。"
    assert codes(tmp_path, say=say, answer=answer) == ["SC409"]
    households = TRANSFER + ANSWER + "  households: {what: 全村的户数, says: 两百多户}\n"
    assert codes(tmp_path, say=say, facts=households) == []
    assert codes(tmp_path, say="三十多户都是受害的！", facts=households) == ["SC407", "SC408"]


@pytest.mark.parametrize(("part", "value", "code"), [
    ("say", "我叫张建民，在工地干钢筋。", "SC408"),  # the persona is 张建国
    ("say", "我姓李，在工地干钢筋。", "SC408"),
    ("say", "我今年六十二岁了。", "SC408"),  # the persona is 52
    ("say", "包工头姓刘……我跟你说，包工头姓王，跑了。", "SC408"),
    ("say", "姑娘，你们到底管不管？", "SC410"),
    ("say", "谢谢您啊小伙子，麻烦您了。", "SC410"),
    ("answer", "李师傅，我们会核实情况，15日内转交，对方收到后15日内书面告知您是否受理。", "SC408"),  # wrong surname
    ("answer", "大娘，我们会核实情况，15日内转交，对方收到后15日内书面告知您是否受理。", "SC408"),  # wrong sex
])
def test_names_ages_and_forms_of_address_agree_with_the_persona(tmp_path, part, value, code):
    assert codes(tmp_path, **{part: value}) == [code]


@pytest.mark.parametrize("say", ["我叫张建国，在工地干钢筋。", "我今年五十二了。", "我闺女下学期要交学费。",
                                 "同志，你们管不管？"])
def test_what_agrees_or_speaks_of_family_is_not_flagged(tmp_path, say):
    answer = "张师傅，我们会核实情况，15日内转交，对方收到后15日内书面告知您是否受理。"
    assert codes(tmp_path, say=say, answer=answer) == []


@pytest.mark.parametrize(("last", "flagged"), [
    ("我上县里找去！", True), ("我明天去县政府告你们！", True), ("我上市里找去！", False), ("我去北京反映！", False),
    ("我去县里问过了。", False),  # a trip made, not a threat
])
def test_a_threat_to_go_higher_names_a_higher_level_than_the_office(tmp_path, last, flagged):
    assert codes(tmp_path, top="office: 县信访局\n", last=last) == (["SC408"] if flagged else [])
