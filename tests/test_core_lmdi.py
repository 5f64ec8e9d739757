"""LMDI (budget/lmdi.py) checked effect by effect against the formula written out, never only by its sum: factors
that move are not the first, a zero factor that is not the first, a sign change in a later factor, two rows of
opposite sign in one call, a NaN row beside a good one, rounding that must take units away."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from budget import lmdi


def _L(a, b):
    return a if a == b else (a - b) / (math.log(a) - math.log(b))


def test_effects_one_by_one_when_the_first_factor_does_not_move():
    x0, xT = [2.0, 3.0, 5.0], [2.0, 4.0, 4.0]
    w = _L(32.0, 30.0)
    assert lmdi.decompose(x0, xT)[0].tolist() == pytest.approx([0.0, w * math.log(4 / 3), w * math.log(4 / 5)],
                                                               abs=1e-12)
    two = lmdi.decompose([[2.0, 3.0, 5.0], [-2.0, 3.0, 5.0]], [[2.0, 4.0, 4.0], [-2.0, 4.0, 4.0]])
    assert two[1].tolist() == pytest.approx([0.0, -w * math.log(4 / 3), -w * math.log(4 / 5)], abs=1e-12)


def test_a_zero_factor_and_a_sign_change_that_are_not_the_first():
    assert lmdi.decompose([2.0, 0.0, 5.0], [2.0, 3.0, 5.0])[0].tolist() == pytest.approx([0.0, 30.0, 0.0], abs=1e-9)
    assert lmdi.decompose([2.0, 3.0, 5.0], [2.0, 0.0, 5.0])[0].tolist() == pytest.approx([0.0, -30.0, 0.0], abs=1e-9)
    # a factor that changes sign takes the whole change: 3 × (−1) × 5 − 2 × 1 × 5 = −25
    assert lmdi.decompose([2.0, 1.0, 5.0], [3.0, -1.0, 5.0])[0].tolist() == pytest.approx([0.0, -25.0, 0.0])
    assert lmdi.decompose([2.0, 1.0, -5.0], [2.0, -1.0, 5.0])[0].tolist() == pytest.approx([0.0, 0.0, 0.0])
    mixed = lmdi.decompose([[2.0, 3.0], [1.0, 1.0]], [[2.0, 6.0], [1.0, np.nan]])
    assert mixed[0].tolist() == pytest.approx([0.0, 6.0]) and np.isnan(mixed[1]).all()


def test_rounding_takes_units_away_and_keeps_nan():
    assert lmdi.round_effects([1.0, 1.0], 1.99).tolist() == [1.0, 0.99]
    assert lmdi.round_effects([0.334, 0.333, 0.333], 1.0).tolist() == [0.34, 0.33, 0.33]
    got = lmdi.round_effects([1.234, np.nan], np.nan)
    assert got[0] == 1.23 and np.isnan(got[1])
    assert lmdi.round_effects([[1.0, 1.0]], [1.97]).tolist() == [[0.99, 0.98]]


def test_log_mean_and_energy():
    assert lmdi.log_mean(2.0, 2.0) == 2.0 and lmdi.log_mean(4.0, 1.0) == pytest.approx(3 / math.log(4))
    e = lmdi.energy_tce(pd.DataFrame({"elec_net_import": [np.nan, 10000.0]}))
    assert e.tolist() == pytest.approx([0.0, 10000.0 * 1.229e-4])
