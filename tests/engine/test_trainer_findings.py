"""What a reception trainer found wrong in the bundled scenarios (issue 14), each held by a check.

Where the validator can see the fault, a test puts the old wording back into the fixed scenario
and expects the warning; where only a reader can (a missing legal lever), the test pins the
node that must state it and the article it must cite.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from simulator.engine.check.claims import legal_claims
from simulator.engine.check.validate import validate_paths
from simulator.engine.content.library import require_scenario
from simulator.engine.content.loader import load_file
from simulator.engine.content.model import Scenario
from simulator.engine.content.references import load_references

ROOT = Path(__file__).resolve().parents[2]
REFERENCES = load_references([ROOT / "references"])


@cache
def scenario(name: str) -> Scenario:
    return require_scenario(load_file(ROOT / "scenarios" / f"{name}.yaml", "scenario"))


def codes_after(tmp_path: Path, name: str, old: str, new: str) -> list[str]:
    """The diagnostics of a bundled scenario with `old` put back where the fix wrote `new`."""
    text = (ROOT / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8")
    assert new in text, f"{name}: the fix {new!r} is not there"
    target = tmp_path / "scenarios" / f"{name}.yaml"
    target.parent.mkdir(exist_ok=True)
    target.write_text(text.replace(new, old), encoding="utf-8")
    return sorted({d.code for d in validate_paths([target], [ROOT / "rubrics"], REFERENCES)})


def cites(name: str, node: str) -> set[tuple[str, str]]:
    """(law, article) of every fact a node cites."""
    found = scenario(name)
    return {(f.law or f.document or "", f.article or "") for f in (found.facts[c] for c in found.nodes[node].cites)}


def answer(name: str, node: str) -> str:
    return scenario(name).nodes[node].model_answers[0]


def test_the_fixed_library_is_clean():
    assert validate_paths([ROOT / "scenarios"], [ROOT / "rubrics"], REFERENCES) == []


@pytest.mark.parametrize(("name", "old", "new", "code"), [
    # wage_arrears: 300 a day for eight months is not 三万多 (W-02) ...
    ("wage_arrears", "八个月，三万多块，一分钱都没给", "八个月，记工本上二百一十个工，六万三，一分钱都没给", "SC408"),
    ("wage_arrears", "    says: 三万多\n    product: [work_days, 300]",
     "    says: 六万三\n    product: [work_days, 300]", "SC404"),
    # ... and the crew is twelve, him included (W-01, W-03)
    ("wage_arrears", "一个班组十三个人都没拿到工钱", "一个班组十二个人都没拿到工钱", "SC408"),
    # demolition_compensation: 132 ㎡ × 3,800 is more than the agreed 49万 (D-01)
    ("demolition_compensation", "两层砖房，一百三十二平。", "两层砖房，一百二十九平。", "SC408"),
    ("demolition_compensation", "  area:\n    what: 房屋面积（两层砖房）\n    says: 一百三十二平",
     "  area:\n    what: 房屋面积（两层砖房）\n    says: 一百二十九平", "SC404"),
    # group_visit: 三十多户 against 两百多户 for the village (G-01)
    ("group_visit", "三十多户都是受害的", "全村两百多户都在受这个罪，今天来的三十多个人都是受害的", "SC408"),
    # neighbour_wall: she is at the county office already (N-02)
    ("neighbour_wall", "我上县里找去！", "我上市里找去！", "SC408"),
    # 闺女: the officer's sex is unknown
    ("neighbour_wall", "闺女，你可记着给我打电话啊", "同志，你可记着给我打电话啊", "SC410"),
    ("minimum_allowance", "谢谢您啊闺女，真是麻烦您了", "谢谢您啊同志，真是麻烦您了", "SC410"),
    # the two 15-day periods compressed into one (第二十二条, 第二十三条第三款)
    ("wage_arrears", "今天在我们这儿登记后，我们会转交劳动保障监察，按规定15日内书面告知您是否受理",
     "今天在我们这儿登记后，我们15日内把您的事转交劳动保障监察，他们收到后15日内书面告诉您是否受理、怎么办理", "SC411"),
    ("group_visit", "按程序转交县交通运输局和柳湾镇政府办理，按规定15日内书面告知你们是否受理",
     "15日内按程序转交县交通运输局和柳湾镇政府办理，他们收到后15日内书面告诉你们是否受理", "SC411"),
])
def test_the_old_wording_is_caught(tmp_path, name, old, new, code):
    assert code in codes_after(tmp_path, name, old, new)


def test_a_time_limit_without_its_article_is_caught(tmp_path):
    # A model answer that states the two-year land-arbitration limit must cite 第十八条.
    text = "    cites: [mediation_first, arbitrate_or_sue, county_commission, compensation_not_arbitrated]\n"
    new = ("    cites: [mediation_first, arbitrate_or_sue, county_commission, arbitration_two_years, "
           "compensation_not_arbitrated]\n")
    assert "SC406" in codes_after(tmp_path, "contracted_land", text, new)


@pytest.mark.parametrize(("name", "node", "law", "article", "words"), [
    # the disability grade is an appraisal, final at the provincial committee, not a petition answer
    ("repeat_petitioner", "demand", "工伤保险条例", "第二十六条", "最终结论"),
    # his unpaid wage is an employee claim in the bankruptcy: no filing, paid first
    ("repeat_petitioner", "help", "企业破产法", "第四十八条", "不用您去申报"),
    ("repeat_petitioner", "help", "企业破产法", "第一百一十三条", "排在前头"),
    # the two-year limit for land-contract arbitration runs from the survey (L-03)
    ("contracted_land", "route", "农村土地承包经营纠纷调解仲裁法", "第十八条", "两年时效"),
    # a lift out for four months with a 90-year-old upstairs: emergency use of the repair fund (P-03)
    ("property_fee_dispute", "route", "民法典", "第二百八十一条", "紧急动用维修资金"),
    # the factory must prove no causation; three years to sue (F-03)
    ("factory_pollution", "route", "民法典", "第一千二百三十条", "厂子要证明跟它没关系"),
    ("factory_pollution", "route", "环境保护法", "第六十六条", "时效是三年"),
    # the contractor pays what a vanished gang-master owes (W-11)
    ("wage_arrears", "route", "保障农民工工资支付条例", "第三十六条", "依法由总承包单位清偿"),
    # legal aid acts first when fewer than seven days remain (K-05)
    ("lost_court_case", "follow_up", "法律援助法", "第四十四条", "不到七天"),
    # the dismissal's arbitration has its own time limits (U-06)
    ("dismissal_unemployment", "follow_up", "劳动争议调解仲裁法", "第四十三条", "45日内结案"),
])
def test_the_missing_lever_is_stated_and_cited(name, node, law, article, words):
    assert (law, article) in cites(name, node)
    assert words in answer(name, node)


def test_the_reporter_is_told_a_claim_for_damages_names_him():
    # Secrecy promised at `secrecy`, then sent to claim from the factory: say what that reveals (F-02).
    assert ("信访工作条例", "第三十条") in cites("factory_pollution", "secrecy")
    assert "保密" in answer("factory_pollution", "route") and "自己的名义" in answer("factory_pollution", "route")
    assert "厂里会知道是您" in answer("factory_pollution", "route")


def test_the_fee_she_withholds_is_the_half_year_after_the_lift_broke():
    # A year's fee against half a year, and unpaid since January though the lift broke in March (P-01).
    found = scenario("property_fee_dispute")
    assert "下半年的物业费九百七十二元" in found.persona.background
    assert "七月该交下半年的九百七十二" in found.nodes["facts"].say
    assert found.facts["unpaid_fee"].product == ("annual_fee", "0.5")


def test_the_background_tells_the_appraisal_route_before_the_petition_route():
    background = scenario("repeat_petitioner").persona.background
    assert background.index("劳动能力鉴定委员会") < background.index("信访反映")


def test_facts_the_authors_flagged_are_declared_against_the_statute():
    # appeal 15 days, retrial six months (2023 numbering), 工伤认定 within one year
    assert ("民事诉讼法", "第一百七十一条") in cites("lost_court_case", "route")
    assert ("民事诉讼法", "第二百一十六条") in cites("lost_court_case", "route")
    assert ("工伤保险条例", "第十七条") in cites("dismissal_unemployment", "route")
    limits = {c.limit for c in legal_claims(answer("dismissal_unemployment", "route"), []) if c.kind == "limit"}
    assert (1.0, "年") in limits


def test_the_rubric_cites_what_its_criteria_teach():
    rubric = load_file(ROOT / "rubrics" / "standard.yaml").model
    # 第二十五条 is about reporting major matters to the Party committee, not a person's safety (RB-01)
    assert rubric.by_id["safety_first"].source.ref.startswith("篇一")
    assert "讲感情" in rubric.by_id["safety_first"].source.quote
    # referral to mediation is 第三十七条's 人民调解……联动, not the handling body's own mediation (RB-02)
    assert rubric.by_id["mediation_route"].source.ref == "信访工作条例第三十七条"
