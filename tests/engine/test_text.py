"""Normalisation and the negation guard, as tables of real sentences."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine.play.text import PhraseMatcher, has_question, is_negated, normalize, normalize_slowly, similarity

COMFORT = PhraseMatcher(("理解", "理解您的心情", "别着急", "不要急", "推诿", "找别的部门", "不知道", "管"))


def verdicts(sentence: str) -> dict[str, bool]:
    """phrase found -> negated?"""
    text = normalize(sentence).text
    return {text[a:b]: is_negated(text, a, b) for a, b in COMFORT.find(text)}


@pytest.mark.parametrize(("sentence", "phrase", "negated"), [
    ("我不理解你为什么闹", "理解", True),          # the first example
    ("我们不会推诿", "推诿", True),                # the second
    ("您先别着急", "别着急", False),              # the third: a comforting imperative
    ("您先不要急，坐下说", "不要急", False),
    ("我能理解您的心情", "理解您的心情", False),
    ("我们没有推诿，是真的在查", "推诿", True),
    ("这个找别的部门去", "找别的部门", False),
    ("我们绝不会跟您说“去找别的部门”", "找别的部门", True),   # quoted inside a negation
    ("刚才那句“找别的部门”是我说得不对，向您道歉", "找别的部门", True),  # quoted inside an apology
    ("我也不知道", "不知道", False),              # a phrase that starts with a negator
    ("对不起，我不知道", "不知道", False),        # 对不起 is not a negation
    ("不好意思，这个事我理解", "理解", False),
    ("我不是不理解您", "理解", False),            # double negation affirms
    ("这事我们不能不管", "管", False),
    ("这事我们不管", "管", True),
    ("不管怎样，我们理解", "理解", False),        # 不管 is lexical, and a new clause anyway
    ("您放心不下的心情我能理解", "理解", False),  # a potential complement negates its own verb
    ("您等不起，这个心情我理解", "理解", False),
    ("我无法理解你们这种做法", "理解", True),
    ("我们从来没有推诿过", "推诿", True),
    ("要不您先找别的部门问问", "找别的部门", False),  # 要不 suggests; it does not negate
    ("路堵不堵是他们的事，你找别的部门", "找别的部门", False),
    ("能不能先别着急", "别着急", False),              # A-not-A questions ask; they negate nothing
    ("今晚停不停我不能说不知道", "不知道", True),
    ("这个我理解不了", "理解", True),                  # a potential complement negates the verb before it
    ("这事我们管不了", "管", True),
    ("你不服气就去找别的部门", "找别的部门", False),  # 不服气 is an adjective, not a negator of what follows
])
def test_negation_guard(sentence, phrase, negated):
    assert verdicts(sentence)[phrase] is negated


@pytest.mark.parametrize(("raw", "expected"), [
    ("您好，请问？", "您好,请问?"),
    ("您好,请问?", "您好,请问?"),                 # half-width input is already normal
    ("“好的”「对」『行』", '"好的""对""行"'),
    ("ＡＢＣ１２３", "abc123"),
    ("您   好\t\n", "您好\n"),
    ("hello   world", "hello world"),
    ("１５日内", "15日内"),
    ("", ""),
])
def test_normalisation(raw, expected):
    assert normalize(raw).text == expected


def test_spans_map_back_to_the_reply_as_typed():
    reply = "您好，  我能理解您的心情！"
    normalized = normalize(reply)
    text = normalized.text
    start = text.index("理解")
    assert normalized.span(start, start + 2, reply) == (reply.index("理解"), reply.index("理解") + 2, "理解")


def test_full_and_half_width_punctuation_match_alike():
    matcher = PhraseMatcher(("你问我,我问谁",))
    for reply in ("你问我，我问谁？", "你问我,我问谁?", "你问我 ， 我问谁"):
        assert matcher.find(normalize(reply).text), reply


def test_matcher_finds_overlapping_phrases_longest_first():
    matcher = PhraseMatcher(("理解", "理解您", "您的心情"))
    assert matcher.find("理解您的心情") == [(0, 3), (2, 6)]


@pytest.mark.parametrize(("reply", "asks"), [
    ("您是什么时候进场的？", True),
    ("您是什么时候进场的", True),
    ("工地在哪儿", True),
    ("有没有合同", True),
    ("您看这样行吗", True),
    ("好的，我记下了。", False),
    ("我们会转交人社局。", False),
])
def test_question_form(reply, asks):
    assert has_question(normalize(reply).text) is asks


def test_similarity_is_symmetric_and_bounded():
    a, b = "您先别着急，慢慢说", "您别着急，慢慢讲"
    assert 0 < similarity(a, b) == similarity(b, a) < 1
    assert similarity(a, a) == 1
    assert similarity("", a) == 0


@given(st.text(max_size=200))
def test_the_shortcut_agrees_with_the_reference_normalisation(text):
    assert normalize(text) == normalize_slowly(text)
