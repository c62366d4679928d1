"""Numbers as people say them: 「三万多」「六万三」「十几」「三十来」「将近一百三十」, read as ranges.

A spoken number is a closed range: 「三万多」 is (30000, 40000), 「三十来」 25-35, 「十几」 11-19, and a
round number stands for what rounds to it (「四十九万」 485000-495000, 「十二」 11.5-12.5). Two
statements agree when their ranges overlap. `mentions(text)` finds every number with a unit
(「两百多户」「一百二十九平」「八个月」) and files it under a family (households, area, money...).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
NUMBER = r"(?:[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十几])(?:[0-9.]|[零〇一二两三四五六七八九十百千万亿几多来])*"
EPSILON = 1e-6


class Span(NamedTuple):
    """A closed range of values; an exact number is a range of one point."""

    low: float
    high: float

    def overlaps(self, other: Span) -> bool:
        return self.low <= other.high + EPSILON and other.low <= self.high + EPSILON

    def plus(self, other: Span) -> Span:
        return Span(self.low + other.low, self.high + other.high)

    def times(self, other: Span) -> Span:
        corners = [a * b for a in (self.low, self.high) for b in (other.low, other.high)]
        return Span(min(corners), max(corners))

    def shown(self) -> str:
        if abs(self.high - self.low) < EPSILON:
            return _plain(self.low)
        return f"{_plain(self.low)}–{_plain(self.high)}"


def _plain(value: float) -> str:
    return str(round(value)) if abs(value - round(value)) < EPSILON else f"{value:g}"


def _round_unit(value: float) -> float:
    """The place value a round number was rounded to: 490000 -> 10000, 132 -> 1, 0.6 -> 0.1."""
    if value <= 0:
        return 1.0
    if abs(value - round(value)) > EPSILON:
        return 0.1 if abs(value * 10 - round(value * 10)) < EPSILON else 0.01
    whole, unit = round(value), 1
    while whole % 10 == 0:
        whole //= 10
        unit *= 10
    return float(unit)


class _Reader:
    """Reads one numeral (no unit) into low/high values; None where it is not a number."""

    def __init__(self, text: str):
        self.text = text

    def read(self) -> tuple[float, float, str] | None:
        """(low, high, how) where how is 'exact', 'more' (多), 'about' (来) or 'some' (几)."""
        text = self.text
        if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?(?:[万亿])?[多来]?", text):
            return self._arabic(text)
        how = "exact"
        if "几" in text:
            how = "some"
        if "多" in text or "余" in text:
            how = "more"
        elif "来" in text:
            how = "about"
        low = self._value(text, pick_low=True)
        high = self._value(text, pick_low=False)
        if low is None or high is None:
            return None
        if how == "exact" and high > low:  # 「八九万」: a range said with two digits
            how = "some"
        return low, high, how

    def _arabic(self, text: str) -> tuple[float, float, str] | None:
        match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)([万亿])?([多来])?", text)
        if match is None:
            return None
        value = float(match.group(1)) * (BIG_UNITS[match.group(2)] if match.group(2) else 1)
        marker = match.group(3)
        if marker is None:
            return value, value, "exact"
        unit = BIG_UNITS[match.group(2)] if match.group(2) else _round_unit(value)
        if marker == "多":
            return value + unit * 0.01, value + unit * 0.99, "more"
        return value - unit / 2, value + unit / 2, "about"

    def _value(self, text: str, pick_low: bool) -> float | None:
        total = 0.0
        rest = text
        for big, size in sorted(BIG_UNITS.items(), key=lambda item: -item[1]):
            if big in rest:
                head, _, rest = rest.partition(big)
                part = self._small(head or "一", pick_low)
                if part is None:
                    return None
                total += part * size
                if re.fullmatch(r"[一二两三四五六七八九]", rest):  # 「六万三」: the digit after 万 counts thousands
                    return total + DIGITS[rest] * size / 10
                if rest[:1] in ("多", "余"):
                    total += size * (0.01 if pick_low else 0.99)
                    rest = rest[1:]
                elif rest[:1] == "来":
                    total += size * (-0.5 if pick_low else 0.5)
                    rest = rest[1:]
        if rest:
            part = self._small(rest, pick_low)
            if part is None:
                return None
            total += part
        return total

    def _small(self, text: str, pick_low: bool) -> float | None:
        total = 0.0
        pending: float | None = None
        last_unit = 1
        zero_seen = False
        previous = ""
        for char in text:
            if char in DIGITS:
                if DIGITS[char] == 0:  # a place skipped (「三万零十」): nothing to multiply the next unit by
                    zero_seen, pending, previous = True, None, char
                    continue
                if previous in DIGITS and DIGITS[previous] and DIGITS[char] == DIGITS[previous] + 1:
                    pending = float(DIGITS[previous] if pick_low else DIGITS[char])  # 「七八十」: seven or eight
                    previous = char
                    continue
                pending = float(DIGITS[char])
            elif char == "几":
                pending = 1.0 if pick_low else 9.0
            elif char in SMALL_UNITS:
                unit = SMALL_UNITS[char]
                total += (1.0 if pending is None else pending) * unit
                pending, last_unit, zero_seen = None, unit, False
            elif char in ("多", "余"):
                step = last_unit if pending is None else 1
                total += (pending or 0) + step * (0.01 if pick_low else 0.99)
                pending = None
            elif char == "来":
                step = last_unit if pending is None else 1
                total += (pending or 0) + step * (-0.5 if pick_low else 0.5)
                pending = None
            else:
                return None
            previous = char
        if pending is not None:
            total += pending * (last_unit / 10 if last_unit > 10 and not zero_seen else 1)
        return total


def spoken(numeral: str) -> Span | None:
    """The range a spoken numeral stands for; None if it is not one."""
    read = _Reader(numeral).read()
    if read is None:
        return None
    low, high, how = read
    if how == "exact":
        half = _round_unit(low) / 2
        return Span(low - half, low + half) if _round_unit(low) > 1 else Span(low, low)
    return Span(low, high)


def exact(numeral: str) -> float | None:
    """The value of a numeral that names one number (「一百二十九」「3800」), else None."""
    read = _Reader(numeral).read()
    if read is None or read[2] != "exact":
        return None
    return read[0]


# ---------------------------------------------------------------- mentions: a number with its unit

# unit -> family. A family is what a number counts; statements in one family can contradict.
UNITS: dict[str, str] = {
    "户": "户数", "个人": "人数", "号人": "人数", "口人": "人数", "人": "人数", "名": "人数",
    "平方米": "面积", "平米": "面积", "平方": "面积", "平": "面积", "㎡": "面积",
    "亩": "亩数", "分地": "亩数", "岁": "年龄", "斤": "重量", "个工": "工日",
    "万块钱": "金额", "万块": "金额", "万元": "金额", "块钱": "金额", "块": "金额", "元": "金额",
    "个工作日": "天数", "天": "天数", "日": "天数", "个多月": "月数", "个月": "月数", "年": "年数",
    "号": "日期", "楼": "楼层",
}
# Families where one story rarely has two different values of the same thing: checked even undeclared.
QUANTITIES = frozenset({"户数", "人数", "面积", "亩数", "年龄", "重量", "工日", "金额"})
FAMILY_LABELS = {"户数": "户数", "人数": "人数", "面积": "面积", "亩数": "亩数", "年龄": "年龄", "重量": "重量",
                 "工日": "工数", "金额": "金额", "天数": "天数", "月数": "月数", "年数": "年数", "年份": "年份",
                 "日期": "日期", "楼层": "楼层"}
_UNIT = "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
MENTION = re.compile(rf"(将近|近|差不多|大概|大约)?({NUMBER})({_UNIT})(?:([一二三四五六七八九])(?![十百千万]))?")
LIMIT_BEFORE = re.compile(r"(不超过|不得超过|超过|最多|最长|至少|不少于|不满|不到|不足|延长|满|"
                          r"(上诉期|时效|期限|期间)(是|为|只有|有|就)?)$")
LIMIT_AFTER = re.compile(r"^(内|以内|之内|以上|以下|之前|以前|后|以后|起)")
NOT_A_DATE_AFTER = re.compile(r"^(楼|线|房|院|门|床|车|窗口|病房|文件|令)")
NOT_MONEY_AFTER = re.compile(r"^(儿|地|砖|石|板|肉|田|牌|布|糖|玻璃)")
NOT_WORK_DAYS_AFTER = re.compile(r"^(友|人|地|资|程|作|厂)")  # 「十二个工友」「三个工地」 are not days worked
MONEY_WITHOUT_UNIT = re.compile(rf"((?:{NUMBER})万(?:[一二三四五六七八九](?![十百千万个]))?[多来]?)(出头)?")


class Mention(NamedTuple):
    """A number with its unit in a text: where it is, what family it is in, what range it says."""

    family: str
    text: str
    span: Span
    start: int


def _year(numeral: str) -> bool:
    """「九八年」「二〇二一年」「2018年」 name a year, not a number of years."""
    if re.fullmatch(r"[0-9]{4}", numeral):
        return True
    return bool(re.fullmatch(r"[零〇一二三四五六七八九]{2,4}", numeral))


def _year_value(numeral: str) -> int:
    """「九八」 -> 1998, 「二〇二一」 -> 2021, 「2018」 -> 2018."""
    digits = "".join(str(DIGITS[c]) if c in DIGITS else c for c in numeral)
    value = int(digits)
    if len(digits) == 2:
        value += 1900 if value > 30 else 2000
    return value


@lru_cache(maxsize=8192)
def mentions(text: str) -> tuple[Mention, ...]:
    """Every number with a unit in `text` that states a fact (time limits and legal bounds left out)."""
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for match in MENTION.finditer(text):
        prefix, numeral, unit, tenth = match.group(1), match.group(2), match.group(3), match.group(4)
        if tenth and unit not in ("亩", "块", "元"):  # only 「三亩二」「三块五」 carry a digit after the unit
            tenth = None
        start, end = match.start(2), (match.end() if tenth else match.end(3))
        before, after = text[max(0, start - 8):start], text[end:end + 4]
        if LIMIT_BEFORE.search(before) or LIMIT_AFTER.match(after):
            continue
        family = UNITS[unit]
        if unit == "年" and _year(numeral):
            family, numeral = "年份", str(_year_value(numeral))
        if unit == "号" and NOT_A_DATE_AFTER.match(after):
            continue
        if unit == "块" and (NOT_MONEY_AFTER.match(after) or text[start - 1:start] in ("分", "成")):
            continue  # 「一块儿」「分两块」「两块地」 are not money
        if unit == "个工" and NOT_WORK_DAYS_AFTER.match(after):
            continue
        if unit in ("天", "日") and text[start - 1:start] == "月":  # 「3月8日」 is a date
            continue
        span = spoken(numeral)
        if span is None or numeral.startswith("几") or text[start - 1:start] == "第":
            continue  # 「几个人」「几天」 say a few; 「第三天」 counts, it does not measure
        if family in QUANTITIES and numeral == "一":
            continue  # 「一个人在家」「一平米三千八」 say alone or per
        if tenth:  # 「三亩二」 3.2 亩
            span = Span(span.low + DIGITS[tenth] / 10, span.high + DIGITS[tenth] / 10)
        if unit == "分地":
            span = Span(span.low / 10, span.high / 10)
        if unit.startswith("万"):
            span = Span(span.low * 10_000, span.high * 10_000)
        if unit == "个多月":
            span = Span(span.low + 0.01, span.high + 0.99)
        if prefix in ("将近", "近"):
            top = (span.low + span.high) / 2
            span = Span(top * 0.9, top)
        elif prefix:
            span = Span(span.low * 0.9, span.high * 1.1)
        found.append(Mention(family, text[match.start():end], span, match.start()))
        taken.append((match.start(), end))
    for match in MONEY_WITHOUT_UNIT.finditer(text):  # 「协议上写四十九万」: 万 alone is money here
        start = match.start(1)
        if any(a <= start < b for a, b in taken) or LIMIT_BEFORE.search(text[max(0, start - 5):start]):
            continue
        after = text[match.end(1):match.end(1) + 2]
        if after[:1] in ("人", "户", "字") or LIMIT_AFTER.match(after):
            continue
        span = spoken(match.group(1))
        if span is not None and match.group(2):  # 「三万出头」: a little over
            middle = (span.low + span.high) / 2
            span = Span(middle, middle + _round_unit(middle) * 0.3)
        if span is not None:
            found.append(Mention("金额", match.group(0), span, start))
    return tuple(sorted(found, key=lambda m: m.start))


def wording(text: str) -> Mention | None:
    """A fact's own wording (「两百多户」「六万三」) as one mention; None if it names no number with a unit."""
    found = mentions(text)
    return found[0] if found else None
