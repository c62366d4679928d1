"""The calibration statistics against values worked out by hand.

Fixture (five replies): instructor marks on 1-5, machine scores on 0-100.

    reply            A    B    C    D    E
    instructor       4    2    5    3    1
    machine         70   45   90   20   30

Spearman. Ranks of the instructor's marks: 4 2 5 3 1. Ranks of the machine's scores (20 < 30 <
45 < 70 < 90): 4 3 5 1 2. Differences d = 0 -1 0 2 -1, sum d^2 = 6. Without ties
rho = 1 - 6 * sum d^2 / (n (n^2 - 1)) = 1 - 36 / 120 = 0.7.

Quadratic-weighted kappa on bands. Instructor bands = marks: 4 2 5 3 1. Machine bands
(0-19 -> 1, 20-39 -> 2, 40-59 -> 3, 60-79 -> 4, 80-100 -> 5): 4 3 5 2 2.
Weights w_ij = (i - j)^2 / 16. Observed: squared band differences 0 1 0 1 1 -> sum 3, so the
mean weighted disagreement is 3 / 16 / 5 = 3/80.
Expected: the instructor uses each band once (p = 0.2 each); the machine's band frequencies are
(0, 0.4, 0.2, 0.2, 0.2). For machine band j, S_j = sum_i (i - j)^2 over i = 1..5 is 30 15 10 15
30, so the expected weighted disagreement is 0.2 * (0.4*15 + 0.2*10 + 0.2*15 + 0.2*30) / 16
= 0.2 * 17 / 16 = 17/80.
kappa = 1 - (3/80) / (17/80) = 1 - 3/17 = 14/17 ~ 0.8235.
"""
from __future__ import annotations

import pytest

from simulator.engine.authoring.calibration import (
    Pair,
    ScaleError,
    agreement,
    average_ranks,
    band,
    check_scale,
    detect_scale,
    pearson,
    quadratic_kappa,
    spearman,
)

INSTRUCTOR = [4, 2, 5, 3, 1]
MACHINE = [70, 45, 90, 20, 30]


def test_spearman_matches_the_hand_computation():
    assert spearman(INSTRUCTOR, MACHINE) == pytest.approx(0.7)


def test_bands_match_the_hand_computation():
    assert [band(m, 100) for m in MACHINE] == [4, 3, 5, 2, 2]
    assert [band(m, 5) for m in INSTRUCTOR] == INSTRUCTOR


def test_quadratic_kappa_matches_the_hand_computation():
    machine_bands = [band(m, 100) for m in MACHINE]
    assert quadratic_kappa(INSTRUCTOR, machine_bands) == pytest.approx(14 / 17)


def test_agreement_bundles_the_same_numbers():
    pairs = [Pair(str(i), a, m, 5) for i, (a, m) in enumerate(zip(INSTRUCTOR, MACHINE))]
    result = agreement(pairs)
    assert result.n == 5
    assert result.spearman == pytest.approx(0.7)
    assert result.kappa == pytest.approx(14 / 17)
    # same band: A (4/4) and C (5/5); gaps machine - instructor: 0 +1 0 -1 +1
    assert result.exact == pytest.approx(2 / 5)
    assert result.mean_gap == pytest.approx(3 / 5)
    assert result.bias == pytest.approx(1 / 5)


def test_ties_get_average_ranks():
    assert average_ranks([1, 1, 2, 3]) == (1.5, 1.5, 3.0, 4.0)
    assert average_ranks([20, 10, 20, 40]) == (2.5, 1.0, 2.5, 4.0)
    assert average_ranks([7, 7, 7]) == (2.0, 2.0, 2.0)


def test_spearman_with_ties_is_pearson_on_average_ranks():
    # x = 1 1 2 3 -> ranks 1.5 1.5 3 4; y = 10 20 20 40 -> ranks 1 2.5 2.5 4; both means 2.5.
    # deviations dx = -1 -1 .5 1.5, dy = -1.5 0 0 1.5: sum dx*dy = 1.5 + 2.25 = 3.75,
    # sum dx^2 = 4.5, sum dy^2 = 4.5, so r = 3.75 / 4.5 = 5/6.
    assert spearman([1, 1, 2, 3], [10, 20, 20, 40]) == pytest.approx(5 / 6)
    # the textbook shortcut 1 - 6 sum d^2 / (n (n^2 - 1)) would give 1 - 6*1.5/60 = 0.85 here
    assert spearman([1, 1, 2, 3], [10, 20, 20, 40]) != pytest.approx(0.85)


def test_perfect_and_reversed_orders():
    assert spearman([1, 2, 3, 4], [5, 50, 60, 99]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [99, 60, 50, 5]) == pytest.approx(-1.0)
    assert quadratic_kappa([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]) == pytest.approx(1.0)
    assert quadratic_kappa([1, 5], [5, 1]) == pytest.approx(-1.0)


def test_constant_columns_are_undefined_not_a_crash():
    assert spearman([3, 3, 3, 3], [10, 40, 60, 90]) is None
    assert spearman([1, 2, 3], [50, 50, 50]) is None
    assert pearson([1], [2]) is None
    assert spearman([], []) is None
    # one rater constant: observed disagreement equals expected, so kappa is exactly 0
    assert quadratic_kappa([3, 3, 3, 3], [1, 2, 4, 5]) == pytest.approx(0.0)
    # both raters always give the same single band: no expected disagreement, kappa undefined
    assert quadratic_kappa([4, 4, 4], [4, 4, 4]) is None
    assert quadratic_kappa([], []) is None
    empty = agreement([])
    assert (empty.n, empty.spearman, empty.kappa, empty.exact) == (0, None, None, None)
    constant = agreement([Pair("a", 3, 50, 5), Pair("b", 3, 50, 5)])
    assert constant.spearman is None and constant.kappa is None and constant.exact == 1.0


def test_band_edges_on_both_scales():
    assert [band(v, 100) for v in (0, 19, 20, 39, 40, 59, 60, 79, 80, 100)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert [band(v, 5) for v in (1, 1.4, 1.5, 2, 3.5, 5)] == [1, 1, 2, 2, 4, 5]


def test_scale_detection_per_column():
    assert detect_scale([1, 3, 5, 2]) == 5
    assert detect_scale([4.5, 3]) == 5  # half marks on the 1-5 scale
    assert detect_scale([0, 3, 5]) == 100  # 0 is not a 1-5 mark
    assert detect_scale([60, 85, 100]) == 100
    with pytest.raises(ScaleError):
        detect_scale([50, 120])
    with pytest.raises(ScaleError):
        detect_scale([-1, 3])
    with pytest.raises(ScaleError):
        check_scale([1, 6], 5)
    check_scale([0, 100], 100)


def test_mismatched_lengths_are_a_programming_error():
    with pytest.raises(ValueError):
        spearman([1, 2], [1])
    with pytest.raises(ValueError):
        quadratic_kappa([1, 2], [1])
    with pytest.raises(ValueError):
        quadratic_kappa([0], [1])
