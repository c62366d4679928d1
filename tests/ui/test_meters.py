"""Which way is worse for a state meter: read from the variable's name, for any variable a scenario declares."""
import pytest

from simulator.ui.widgets.meters import Meter, Reading


@pytest.mark.parametrize(("variable", "rising_is_bad"), [
    ("anger", True), ("risk", True), ("faults", True), ("trust", False), ("rapport", False)])
def test_a_rise_is_bad_news_for_anger_risk_and_a_count_of_faults(variable, rising_is_bad):
    meter = Meter(Reading(variable, variable, 1, 0, 3, delta=1))
    assert meter.rising_is_bad is rising_is_bad
