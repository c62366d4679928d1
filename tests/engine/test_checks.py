"""The regex prefilter may skip work, never matches."""
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine.checks import regex_finder, required_literals
from simulator.engine.text import compile_regex, without_captures
from simulator.engine.text import normalize


@pytest.mark.parametrize("pattern, required", [
    ("理解", [{"理解"}]),
    ("(您|你)好", [{"好"}, {"您", "你"}]),            # every part is required; the most selective first
    ("不归(我们|我)管", [{"不归"}, {"我"}, {"管"}]),       # the parser factors 我们|我 into 我(们)?
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


@pytest.mark.parametrize("pattern, expected", [
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
