"""Fixtures for the report tests: a finished session with hostile text in it."""
from __future__ import annotations

import pytest
from report_helpers import HOSTILE, HOSTILE_NAME


@pytest.fixture
def hostile_record(tmp_path, engine_content):
    """A finished session with a hostile first reply (it also earns credit: evidence to highlight)."""
    from simulator.engine.play.session import Session
    from simulator.store import Store

    scenario, rubric = engine_content
    with Store.open(tmp_path / "data") as store:
        session = Session.start(scenario, rubric)
        session_id = store.begin(HOSTILE_NAME, session)
        session = session.answer(HOSTILE)
        store.record_turn(session_id, session)
        session = session.answer("请您放心，我们会核实情况。这不归我们管\n第二行 <i>x</i>")
        store.finish(session_id, session)
        yield store.session(session_id)
