"""Properties the scorer and the session keep for any input at all."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine.play.scoring import MAX_REPLY_CHARS, ReplyTooLong, compile_rubric, score_reply
from simulator.engine.play.session import Session

NASTY = st.sampled_from([
    "", "[/]", "[b]粗体[/b]", "<script>alert(1)</script>", "{{ 7*7 }}", "👍🙏😡" * 50, "\u202e反向文本",
    "\x00\x07\x1b[31m", "您先别着急" * 400, "这不归我们管" + "啊" * 2000, "\ufeff\u3000　",
])
REPLIES = st.one_of(st.text(max_size=300), st.text(min_size=1990, max_size=2100), NASTY)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(reply=REPLIES)
def test_any_reply_scores_in_range_or_is_refused_as_too_long(engine_content, reply):
    _, rubric = engine_content
    rubric = compile_rubric(rubric)
    try:
        score = score_reply(reply, rubric)
    except ReplyTooLong:
        assert len(reply) > MAX_REPLY_CHARS
        return
    assert len(reply) <= MAX_REPLY_CHARS
    assert 0 <= score.total <= 100
    for dimension in score.dimensions:
        assert dimension.score is None or 0 <= dimension.score <= 100
    for result in score.results:
        for evidence in result.evidence:
            assert reply[evidence.start:evidence.end] == evidence.text
    assert score_reply(reply, rubric) == score  # deterministic


ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("answer"), st.one_of(st.text(max_size=60), NASTY.filter(lambda r: len(r) <= 2000),
                                               st.sampled_from(["您先别着急，请坐下慢慢说。", "这不归我们管",
                                                                "请您放心，我们会核实情况。"]))),
        st.tuples(st.just("choose"), st.integers(0, 3)),
        st.tuples(st.just("rewind"), st.integers(1, 4)),
        st.tuples(st.just("hint"), st.none()),
    ),
    max_size=12,
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(actions=ACTIONS)
def test_any_sequence_of_answers_and_rewinds_round_trips(engine_content, actions):
    scenario, rubric = engine_content
    session = Session.start(scenario, rubric)
    for action, argument in actions:
        if action == "answer" and not session.finished:
            session = session.answer(argument)
        elif action == "choose" and not session.finished and argument < len(session.current.options):
            session = session.choose(argument)
        elif action == "rewind" and argument <= len(session.history):
            session = session.rewind(argument)
        elif action == "hint" and not session.finished:
            session = session.use_hint()
        for name, value in session.state:
            variable = scenario.state[name]
            if variable.type == "int":
                assert variable.min <= value <= variable.max
    assert Session.from_json(session.to_json(), scenario, rubric) == session
