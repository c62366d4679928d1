"""The regex prefilters (a pattern's literals, a rubric's literal index) may skip work, never matches."""
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine.content.model import AnyCheck, PhrasesCheck, RegexCheck
from simulator.engine.play.checks import LiteralIndex, Reply, compile_check, regex_finder
from simulator.engine.play.literals import required_branches, required_literals
from simulator.engine.play.text import compile_regex, normalize, phrase_matcher, without_captures


@pytest.mark.parametrize(("pattern", "required"), [
    ("理解", [{"理解"}]),
    ("(您|你)好", [{"好"}, {"您", "你"}]),            # every part is required; the most selective first
    ("不归(我们|我)管", [{"不归"}, {"我"}, {"管"}]),       # 我们 holds 我: the set keeps 我 only
    ("(可以|能)?向人社局", [{"向人社局"}]),
    ("a|b", [{"a", "b"}]),
    ("(a|b?)c", [{"c"}]),
    ("(ab|c)(d|ef)", [{"c", "ab"}, {"d", "ef"}]),
    (".*", []),
    ("(?i)abc", []),                                  # case folding: no literal can be promised
    ("x{0,3}", []),
    ("[0-9]+日", [{"日"}, set("0123456789")]),
])
def test_required_literals(pattern, required):
    assert [set(need) for need in required_literals(pattern)] == required


PATTERNS = [
    r"(爱|随便|想)(找|去)(谁|哪)(就)?(找|去)(谁|哪)",
    r"(可以|能)?(您|你)?(先)?(向|到|去)[^,.!?]{0,8}(人社|劳动|仲裁)",
    r"\d+ ?(个)?(工作日|日|天)内",
    r"(肯定|一定)(是)?[^,.!?]{0,4}(坑人|护短)",
    r"(?<![^,.!?])(你)?(去)?(跳|死)(啊|吧)",
]
ALPHABET = "爱随便想找去谁哪就可以能您你先向到人社劳动仲裁15个工作日天内肯定一定是坑人护短跳死啊吧,.!? "


@given(text=st.text(alphabet=ALPHABET, max_size=40))
def test_gated_search_equals_full_search(text):
    text = normalize(text).text
    for pattern in PATTERNS:
        full = [(m.start(), m.end()) for m in re.finditer(pattern, text) if m.end() > m.start()]
        assert regex_finder(pattern)(text) == full


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"(a|b)c", r"(?:a|b)c"),
    (r"\(x\)", r"\(x\)"),                       # escaped parentheses are not groups
    (r"[(]a", r"[(]a"),                         # nor are parentheses inside a class
    (r"[^](]x(y)", r"[^](]x(?:y)"),             # ']' first in a class is a member
    (r"(?P<n>a)(b)(?P=n)", r"(?P<n>a)(?:b)(?P=n)"),  # named groups stay for their references
    (r"(?<!a)(b)", r"(?<!a)(?:b)"),
])
def test_plain_groups_become_non_capturing(pattern, expected):
    assert without_captures(pattern) == expected


def test_numeric_back_references_keep_their_groups():
    assert compile_regex(r"(.)不\1").pattern == r"(.)不\1"


@given(text=st.text(alphabet=ALPHABET, max_size=40))
def test_non_capturing_patterns_match_the_same_spans(text):
    for pattern in PATTERNS:
        assert [m.span() for m in compile_regex(pattern).finditer(text)] == [
            m.span() for m in re.finditer(pattern, text)]


# Patterns built from the pieces authors use (and a few they might): literals, classes, groups,
# alternation, quantifiers, lookarounds, anchors, escapes. Whatever the parser makes of them,
# every match must contain a member of every set it promises.
ATOMS = st.sampled_from(["您", "你", "好", "不", "归", "管", "a", "b", r"\.", r"\d", ".", "[您你]", "[^好]", "[a-c]",
                         r"\u4e0d", r"\x61", r"\b", "^", "$", "(?=好)", "(?<!不)", r"[\]a]", "{", "x{2", "a{}"])
QUANTIFIED = st.tuples(ATOMS, st.sampled_from(["", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,}", "+?", "??"])).map(
    lambda pair: pair[0] + pair[1] if pair[0] not in ("^", "$", r"\b", "(?=好)", "(?<!不)") else pair[0])


def _sequences(inner):
    return st.lists(inner, min_size=0, max_size=4).map("".join)


PATTERN = st.recursive(
    _sequences(QUANTIFIED),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda parts: "(" + "|".join(parts) + ")"),
        st.tuples(inner, st.sampled_from(["", "?", "+", "*"])).map(lambda pair: "(?:" + pair[0] + ")" + pair[1]),
        st.lists(inner, min_size=1, max_size=3).map("".join),
    ),
    max_leaves=8,
)


@given(pattern=PATTERN, text=st.text(alphabet="您你好不归管ab.1{}x] ", max_size=12))
def test_required_literals_are_in_every_match(pattern, text):
    try:
        compiled = re.compile(pattern)
    except re.error:
        return
    needs = required_literals(pattern)
    for match in compiled.finditer(text):
        for need in needs:
            assert any(member in match.group(0) for member in need), (pattern, need, match.group(0))


@given(pattern=PATTERN, text=st.text(alphabet="您你好不归管ab.1{}x] ", max_size=12))
def test_every_match_holds_all_that_one_branch_requires(pattern, text):
    try:
        compiled = re.compile(pattern)
    except re.error:
        return
    branches = required_branches(pattern)
    for match in compiled.finditer(text):
        if branches:
            assert any(all(any(member in match.group(0) for member in need) for need in branch)
                       for branch in branches), (pattern, branches, match.group(0))


def test_required_branches_open_whole_alternations():
    assert [[set(need) for need in branch] for branch in required_branches("(欠薪|工资)没发|(?:去|到)仲裁委|调解")] == [
        [{"没发"}, {"欠薪", "工资"}], [{"仲裁委"}, {"去", "到"}], [{"调解"}]]
    assert required_branches("不归我管|.*") == ()  # a branch that needs nothing: nothing can be told


LEAVES = [r"(爱|随便)(找|去)(谁|哪)", r"向[^,.!?]{0,8}(人社|仲裁)|\d+个?工作日", r"(肯定|一定)是?坑人", "护短"]


@given(text=st.text(alphabet=ALPHABET, max_size=40))
def test_parts_skipped_by_the_literal_index_could_not_have_matched(text):
    """An `any` over regexes sharing one LiteralIndex finds what each regex finds on its own."""
    check = AnyCheck(any=(*(RegexCheck(regex=p) for p in LEAVES), PhrasesCheck(phrases=("找谁", "随便"))))
    reply = Reply(normalize(text).text)
    alone = [span for p in LEAVES for span in regex_finder(p)(reply.text)]
    alone += phrase_matcher(("找谁", "随便")).find(reply.text)
    assert compile_check(check, LiteralIndex())(reply) == (bool(alone), alone)


def test_a_check_added_to_the_index_later_is_not_skipped_on_the_last_reply():
    index = LiteralIndex()
    first = compile_check(AnyCheck(any=(RegexCheck(regex="仲裁"),)), index)
    reply = Reply("可以去劳动仲裁，也可以找人社")
    assert first(reply)[0]
    later = compile_check(AnyCheck(any=(RegexCheck(regex="人社"),)), index)  # a new bit, same reply
    assert later(reply) == (True, [(12, 14)])
