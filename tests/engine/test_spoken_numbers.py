"""Numbers as people say them, and the legal claims a text makes: what the fact checks read."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine.check.claims import legal_claims, time_limits
from simulator.engine.check.numbers import exact, mentions, spoken

DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """1..99999 the way it is written out in full (「一万零五」「三千八百」「十二」)."""
    if n >= 10_000:
        head, rest = divmod(n, 10_000)
        tail = chinese(rest) if rest else ""
        return chinese(head) + "万" + ("零" if 0 < rest < 1000 else "") + tail
    parts, zero = [], False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, unit)
        if digit:
            parts.append(("零" if zero and parts else "") + DIGITS[digit] + name)
            zero = False
        elif parts:
            zero = True
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


@given(st.integers(min_value=1, max_value=99_999))
def test_a_number_written_out_reads_back_as_itself(n):
    assert exact(chinese(n)) == n
    span = spoken(chinese(n))
    assert span.low <= n <= span.high


@pytest.mark.parametrize(("said", "value"), [
    ("三万零十", 30_010), ("三万零十一", 30_011), ("三万零一十", 30_010), ("两千零五十", 2_050), ("一百零五", 105),
])
def test_a_skipped_place_said_with_zero_reads_as_written(said, value):
    # hypothesis found 「三万零十」 read as 30000: the 零 was taken as a digit multiplying the 十
    assert exact(said) == value


@pytest.mark.parametrize(("said", "inside", "outside"), [
    ("三万多", [31_000, 39_000], [29_000, 41_000]), ("两百多", [210, 290], [190, 310]),
    ("一百三十多", [131, 139], [129, 141]), ("十几", [11, 19], [9, 21]), ("三十来", [28, 32], [20, 40]),
    ("六万三", [63_000], [62_000, 64_000]), ("两万三", [23_000], [22_000, 24_000]), ("三千八", [3_800], [3_700, 3_900]),
    ("一千九百四十四", [1_944], [1_943, 1_945]), ("八九万", [80_000, 90_000], [70_000, 100_000]),
    ("七八十", [70, 80], [60, 90]), ("二十多万", [210_000, 290_000], [190_000, 310_000]),
    ("300多", [310, 390], [290, 410]), ("1.5万", [15_000], [14_000, 16_000]), ("两三", [2, 3], [1, 4]),
])
def test_spoken_numbers_are_ranges(said, inside, outside):
    span = spoken(said)
    assert all(span.low <= n <= span.high for n in inside), span
    assert not any(span.low <= n <= span.high for n in outside), span


def test_round_numbers_stand_for_what_rounds_to_them():
    assert spoken("四十九万").overlaps(spoken("490200"))
    assert not spoken("四十九万").overlaps(spoken("501600"))
    assert spoken("一百三十").overlaps(spoken("一百二十九"))
    assert not spoken("一百三十二").overlaps(spoken("一百二十九"))


def test_mentions_file_each_number_under_what_it_counts():
    text = ("全村两百多户，今天来了三十来号人，两层砖房一百二十九平，协议四十九万，"
            "合同上三亩二，少了六分地，我今年七十二岁，光我就欠了三万多块。")
    found = [(m.family, m.text) for m in mentions(text)]
    assert found == [("户数", "两百多户"), ("人数", "三十来号人"), ("面积", "一百二十九平"), ("金额", "四十九万"),
                     ("亩数", "三亩二"), ("亩数", "六分地"), ("年龄", "七十二岁"), ("金额", "三万多块")]
    assert spoken("三亩二") is None and [m.span.low for m in mentions("三亩二")] == [3.2]


@pytest.mark.parametrize("text", [
    "15日内书面告知", "代表人数不得超过5人", "推选不超过五名代表", "上诉期是15日", "离上诉期满已经不到七天了",  # limits
    "第三天就烧到四十度", "下礼拜一一块儿去", "分两块说", "一个人在家", "一平米三千八", "几个人",  # not amounts
    "5号楼",
])
def test_limits_ordinals_and_idioms_are_not_persona_numbers(text):
    assert mentions(text) == ()


def test_years_and_dates_are_kept_apart_from_durations():
    assert [(m.family, m.span.low) for m in mentions("九八年分的地，种了三年")] == [("年份", 1998), ("年数", 3)]
    assert [m.family for m in mentions("上个月十二号封的")] == ["日期"]


@pytest.mark.parametrize(("text", "kinds"), [
    ("依照《信访工作条例》第二十条，代表不超过5人",
     [("law", "信访工作条例", ""), ("article", "信访工作条例", "第二十条")]),
    ("民法典第二百八十八条……第二百九十条规定", [("law", "民法典", ""), ("article", "民法典", "第二百八十八条"),
                                                ("article", "", "第二百九十条")]),
    ("依照劳动合同法的规定", [("law", "劳动合同法", "")]),
    ("按《职工住房补贴管理办法》第六条",
     [("law", "职工住房补贴管理办法", ""), ("article", "职工住房补贴管理办法", "第六条")]),
])
def test_laws_and_articles_are_claims(text, kinds):
    names = ["信访工作条例", "中华人民共和国民法典", "中华人民共和国劳动合同法"]
    found = [(c.kind, c.law, c.article) for c in legal_claims(text, names)]
    assert found == kinds


@pytest.mark.parametrize(("text", "limits"), [
    ("我们15日内转送；受理后60日内办结，最多延长30日。", [(15, "日"), (60, "日"), (30, "日")]),
    ("仲裁时效是一年", [(1, "年")]),
    ("申请仲裁有两年时效", [(2, "年")]),
    ("行政诉讼是六个月内", [(6, "月")]),
    ("卫健局收到申请5个工作日内决定", [(5, "工作日")]),
    ("上诉期是十五天", [(15, "日")]),
    ("一周内我给您打电话", []), ("还剩四天的上诉期", []), ("干了八个月", []), ("一天三百", []),
])
def test_time_limits_are_claims_and_plain_durations_are_not(text, limits):
    found = [c.limit for c in legal_claims(text, []) if c.kind == "limit"]
    assert found == [(float(n), unit) for n, unit in limits]


def test_the_statute_words_give_their_own_limits():
    assert time_limits("在15日内分别按照下列方式处理；时效期间为二年；六个月内；5个工作日内；自受理之日起1年后") == {
        (15.0, "日"), (2.0, "年"), (6.0, "月"), (5.0, "工作日"), (1.0, "年")}
