"""MinT (diagonal) reconciliation of cities to the province, against numbers worked out by hand.

P (own estimate 100, 90% band 90–110: variance 10² = 100), A (40, 36–44: 4² = 16), B (50, 44–56: 6² = 36).
Incoherence 100 − 90 = 10 is shared in proportion to the variances over 16 + 36 + 100 = 152:
A moves 16/152·10 = 1.0526315789…, B 36/152·10 = 2.3684210526…; P becomes their new sum 93.4210526315….
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from nowcast.reconcile import reconcile

DA, DB = 16 / 152 * 10, 36 / 152 * 10


def _est(rows):
    return pd.DataFrame(rows, columns=["region", "period", "value", "lo80", "hi80", "lo90", "hi90"])


BASE = [("P", "2026-09", 100.0, 92.0, 108.0, 90.0, 110.0),
        ("A", "2026-09", 40.0, 37.0, 43.0, 36.0, 44.0),
        ("B", "2026-09", 50.0, 45.0, 55.0, 44.0, 56.0)]


def test_two_children_share_the_gap_by_their_variances():
    out, log = reconcile(_est(BASE), {"P": ["A", "B"]})
    v = out.set_index("region")
    assert v.loc["A", "value"] == pytest.approx(41.05263157894737, abs=1e-12)
    assert v.loc["B", "value"] == pytest.approx(52.36842105263158, abs=1e-12)
    assert v.loc["P", "value"] == pytest.approx(93.42105263157895, abs=1e-12)
    assert v.loc["A", ["lo80", "hi80", "lo90", "hi90"]].tolist() == pytest.approx([37 + DA, 43 + DA, 36 + DA, 44 + DA])
    assert v.loc["B", ["lo80", "hi80", "lo90", "hi90"]].tolist() == pytest.approx([45 + DB, 55 + DB, 44 + DB, 56 + DB])
    # the parent's band: the children's bounds added
    assert v.loc["P", ["lo80", "hi80", "lo90", "hi90"]].tolist() == pytest.approx(
        [82 + DA + DB, 98 + DA + DB, 80 + DA + DB, 100 + DA + DB])
    assert log == [{"parent": "P", "period": "2026-09", "own": 100.0, "children_sum": 90.0, "reconciled": 93.421}]
    assert out["region"].tolist() == ["P", "A", "B"]


def test_a_known_child_is_fixed_and_an_unknown_one_leaves_the_period_alone():
    rows = BASE + [("P", "2026-10", 100.0, 92.0, 108.0, 90.0, 110.0), ("A", "2026-10", 40.0, 37.0, 43.0, 36.0, 44.0)]
    known = pd.DataFrame({"region": ["C"], "period": ["2026-09"], "value": [10.0]})
    out, log = reconcile(_est(rows), {"P": ["A", "B", "C", "P"]}, known=known)
    v = out.set_index(["region", "period"])
    # 2026-09: C is statistics (fixed 10, not moved): gap 100 − (40 + 50 + 10) = 0 → nothing moves
    assert v.loc[("A", "2026-09"), "value"] == pytest.approx(40.0)
    assert v.loc[("P", "2026-09"), "value"] == pytest.approx(100.0)
    assert v.loc[("P", "2026-09"), "lo90"] == pytest.approx(36 + 44 + 10)
    # 2026-10: B and C have nothing: left exactly as it was, and not logged
    assert v.loc[("P", "2026-10")].tolist() == [100.0, 92.0, 108.0, 90.0, 110.0]
    assert v.loc[("A", "2026-10")].tolist() == [40.0, 37.0, 43.0, 36.0, 44.0]
    assert log == [{"parent": "P", "period": "2026-09", "own": 100.0, "children_sum": 100.0, "reconciled": 100.0}]


def test_a_child_without_a_band_absorbs_nothing_and_a_wide_one_absorbs_almost_all():
    rows = [("P", "2026-09", 100.0, 92.0, 108.0, 90.0, 110.0),
            ("A", "2026-09", 40.0, 40.0, 40.0, 40.0, 40.0),                     # zero width: variance ~0
            ("B", "2026-09", 50.0, math.nan, math.nan, math.nan, math.nan)]     # no band: variance ~0
    out, _ = reconcile(_est(rows), {"P": ["A", "B"]})
    v = out.set_index("region")["value"]
    assert v["A"] == pytest.approx(40.0, abs=1e-9) and v["B"] == pytest.approx(50.0, abs=1e-9)
    assert v["P"] == pytest.approx(90.0, abs=1e-9)          # the parent follows its (certain) children
    rows[1] = ("A", "2026-09", 40.0, 0.0, 80.0, -60.0, 140.0)                 # half-width 100: variance 10⁴
    out, _ = reconcile(_est(rows), {"P": ["A", "B"]})
    v = out.set_index("region")["value"]
    assert v["A"] == pytest.approx(40 + 10_000 / 10_100 * 10, abs=1e-9)
    assert v["P"] == pytest.approx(90 + 10_000 / 10_100 * 10, abs=1e-9)


def test_nothing_to_do_returns_the_input():
    est = _est(BASE)
    assert reconcile(est, None)[0] is est and reconcile(est, {})[1] == []
    empty = est.iloc[0:0]
    assert reconcile(empty, {"P": ["A"]}) == (empty, [])
    out, log = reconcile(est, {"P": ["P"]})                  # a parent listed as its own child: no children
    assert log == [] and out["value"].tolist() == [100.0, 40.0, 50.0]
    out, log = reconcile(est, {"A": ["X"]})                  # unknown child: period left alone
    assert log == [] and out["value"].tolist() == [100.0, 40.0, 50.0]
    assert est["value"].tolist() == [100.0, 40.0, 50.0]      # the input is never modified


def test_variance_floor_and_its_edges():
    # P ±1e-5 (variance 1e-10), A of zero width (variance floor 1e-12): A takes 1e-12 / 1.01e-10 of the gap 10
    rows = [("P", "2026-09", 100.0, 100.0, 100.0, 100.0 - 1e-5, 100.0 + 1e-5),
            ("A", "2026-09", 90.0, 90.0, 90.0, 90.0, 90.0)]
    out, _ = reconcile(_est(rows), {"P": ["A"]})
    assert out.set_index("region").loc["A", "value"] == pytest.approx(90 + 10 / 101, abs=1e-9)
    # B's band is infinite: it counts as certain (floor), not as infinitely uncertain
    rows = BASE[:2] + [("B", "2026-09", 50.0, 45.0, 55.0, 44.0, math.inf)]
    out, _ = reconcile(_est(rows), {"P": ["A", "B"]})
    v = out.set_index("region")["value"]
    assert v["A"] == pytest.approx(40 + 16 / 116 * 10, abs=1e-9) and v["B"] == pytest.approx(50.0, abs=1e-9)


def test_every_parent_and_period_is_visited_and_known_children_add_up():
    rows = [("P", "2026-08", 100.1234, 92.0, 108.0, 90.0, 110.0),               # A missing in August: skipped
            ("P", "2026-09", 100.1234, 92.0, 108.0, 90.0, 110.0), ("A", "2026-09", 40.0, 37.0, 43.0, 36.0, 44.0),
            ("A", "2026-11", 41.0, 38.0, 44.0, 37.0, 45.0)]                     # a period the parent does not have
    known = pd.DataFrame({"region": ["C", "D"], "period": ["2026-09", "2026-09"], "value": [10.0, 20.5]})
    out, log = reconcile(_est(rows), {"X": ["X"], "P": ["A", "C", "D"]}, known=known)
    # the gap 100.1234 − (40 + 10 + 20.5) = 29.6234 is shared by A (16) and P (100)
    d = 16 / 116 * 29.6234
    assert log == [{"parent": "P", "period": "2026-09", "own": 100.123, "children_sum": 70.5,
                    "reconciled": round(70.5 + d, 3)}]
    v = out.set_index(["region", "period"])["value"]
    assert v[("A", "2026-09")] == pytest.approx(40 + d) and v[("P", "2026-09")] == pytest.approx(70.5 + d)
    assert v[("P", "2026-08")] == 100.1234 and v[("A", "2026-11")] == 41.0
