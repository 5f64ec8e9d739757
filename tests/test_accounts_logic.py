"""Pure logic of the final accounts: LMDI, the adjustment rule at its edges, the year close, the evaluation."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from budget import adjustment_rule as rule, evaluation, lmdi, year_close

value = st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e5), st.floats(min_value=-1e5, max_value=-1e-3))
positive = st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e5))


def _check_sum(x0, xT):
    eff = lmdi.decompose(np.array([x0]), np.array([xT]))[0]
    change = float(np.prod(xT) - np.prod(x0))
    assert np.isfinite(eff).all()
    assert eff.sum() == pytest.approx(change, rel=1e-9, abs=1e-9 * max(1.0, abs(np.prod(xT)), abs(np.prod(x0))))
    return eff


@given(st.lists(positive, min_size=4, max_size=4), st.lists(positive, min_size=4, max_size=4))
def test_lmdi_effects_sum_to_the_change_with_zeros(x0, xT):
    _check_sum(x0, xT)


@given(st.lists(value, min_size=4, max_size=4), st.lists(value, min_size=4, max_size=4))
def test_lmdi_effects_sum_to_the_change_with_negative_values(x0, xT):
    _check_sum(x0, xT)


@given(st.lists(st.floats(min_value=1e-2, max_value=1e4), min_size=4, max_size=4),
       st.lists(st.floats(min_value=0.5, max_value=1.0), min_size=4, max_size=4))
def test_lmdi_decreases_are_negative_and_sum_exactly(x0, shrink):
    xT = [a * s for a, s in zip(x0, shrink)]
    eff = _check_sum(x0, xT)
    assert (eff <= 1e-9 * max(1.0, np.prod(x0))).all()  # every factor fell or stayed: no positive effect


def test_lmdi_hand_case_and_log_mean():
    assert lmdi.log_mean(5.0, 5.0) == 5.0
    assert lmdi.log_mean(4.0, 1.0) == pytest.approx(3 / math.log(4))
    # C = G × F: G 100 → 200, F 1 → 1: the whole change (+100) is activity
    eff = lmdi.decompose(np.array([[100.0, 1.0]]), np.array([[200.0, 1.0]]))[0]
    assert eff.tolist() == pytest.approx([100.0, 0.0])
    # a factor that was zero takes the whole change (Ang & Liu 2007 limit)
    eff = lmdi.decompose(np.array([[0.0, 2.0]]), np.array([[3.0, 2.0]]))[0]
    assert eff.tolist() == pytest.approx([6.0, 0.0], abs=1e-6)
    # no change: every effect is zero
    assert lmdi.decompose(np.array([[3.0, 0.5, 2.0, 1.0]]), np.array([[3.0, 0.5, 2.0, 1.0]]))[0].tolist() == [0.0] * 4


def test_lmdi_frames_rescale_to_the_target_and_keep_missing_as_missing():
    s0 = lmdi.factor_frame([100.0, np.nan], [30.0, 30.0], [100.0, 100.0], [50.0, 50.0], [120.0, 120.0])
    sT = lmdi.factor_frame([110.0, 110.0], [33.0, 30.0], [105.0, 100.0], [52.0, 50.0], [125.0, 120.0])
    eff = lmdi.decompose_frames(s0, sT, target_change=[5.0, 0.0])
    assert eff.iloc[0].sum() == pytest.approx(5.0, abs=1e-12)
    assert eff.iloc[1].isna().all()


def test_energy_counts_fuels_and_primary_electricity_but_not_thermal_power():
    w = pd.DataFrame({"fuel_raw_coal": [100.0], "fuel_natural_gas": [1000.0], "elec_net_import": [10000.0],
                      "gen_wind": [5000.0], "gen_thermal": [1e9]})
    assert lmdi.energy_tce(w).iloc[0] == pytest.approx(71.43 + 1.2143 + 1.5 * 1.229)


def _propose(budget, accounted, next_budget=1000.0, major=False, reserve=None):
    f = pd.DataFrame({"region": ["A"], "budget": [budget], "accounted": [accounted], "next_budget": [next_budget],
                      "major_project": [major]})
    return rule.propose(f, reserve_next=reserve).iloc[0]


def test_adjustment_rule_at_the_tolerance_edges():
    assert _propose(1000.0, 1030.0)["adjustment_kind"] == "none"          # +3% exactly: no change
    assert _propose(1000.0, 970.0)["adjustment_kind"] == "none"           # −3% exactly: no change
    over = _propose(1000.0, 1030.5)
    assert over["adjustment_kind"] == "deduction" and over["adjustment"] == pytest.approx(-30.5)
    assert over["proposed_next_budget"] == pytest.approx(969.5)
    under = _propose(1000.0, 969.5)
    assert under["adjustment_kind"] == "carryover" and under["adjustment"] == pytest.approx(min(30.5, 1000 * rule.CARRYOVER_CAP_SHARE))
    assert "超支" in over["reason_zh"] and "Overspend" in over["reason_en"]


def test_adjustment_rule_caps_and_exceptions():
    # deduction cap: DEDUCTION_CAP_SHARE of next year's budget; exactly at the cap is not "capped"
    cap = 1000.0 * rule.DEDUCTION_CAP_SHARE
    at_cap = _propose(1000.0, 1000.0 + cap)
    assert at_cap["adjustment"] == pytest.approx(-cap) and not at_cap["capped"]
    beyond = _propose(1000.0, 1000.0 + cap + 0.5)
    assert beyond["adjustment"] == pytest.approx(-cap) and beyond["capped"] and "上限" in beyond["reason_zh"]
    # carry-over cap: CARRYOVER_CAP_SHARE of this year's budget
    carry = 1000.0 * rule.CARRYOVER_CAP_SHARE
    assert _propose(1000.0, 1000.0 - carry - 0.5)["adjustment"] == pytest.approx(carry)
    assert _propose(1000.0, 1000.0 - carry - 0.5)["capped"]
    assert _propose(1000.0, 800.0)["adjustment"] == pytest.approx(carry) and _propose(1000.0, 800.0)["capped"]
    # carry-over limited by next year's reserve
    assert _propose(1000.0, 800.0, reserve=10.0)["adjustment"] == pytest.approx(10.0)
    # approved major project: no deduction
    exempt = _propose(1000.0, 1400.0, major=True)
    assert exempt["adjustment_kind"] == "exempt" and exempt["adjustment"] == 0.0
    assert _propose(1000.0, 1400.0, next_budget=np.nan)["adjustment_kind"] == "no_next_budget"


def test_ledger_moves_take_the_difference_and_keep_the_total():
    moves = rule.ledger_moves({"A": -30.0, "B": 20.0, "C": 0.0}, {"A": -10.0, "B": 25.0, "C": 5.0})
    assert moves == [("transfer", "A", 20.0), ("transfer", "B", 5.0), ("transfer", "C", 5.0)]
    assert rule.ledger_moves({"A": 10.0}, {"A": 10.0}) == []
    assert rule.ledger_moves({"A": 12.0}, {}) == [("reserve_release", "A", 12.0)]


def _province(estimated_months: int = 0):
    """Two cities, 2024–2025 monthly CO2, drivers, fuels and GDP; A grows 10%, B falls 5%."""
    co2, drv, fuels, gdp = [], [], [], []
    for city, base, growth in (("A", 100.0, 1.10), ("B", 80.0, 0.95)):
        for y in (2024, 2025):
            f = growth if y == 2025 else 1.0
            for m in range(1, 13):
                p = f"{y}-{m:02d}"
                kind = "estimated" if y == 2025 and m > 12 - estimated_months else "statistical"
                co2.append((city, p, base * f, kind))
                coal = base * f / 1.9003
                drv += [(city, p, "elec_total", 1000.0 * f), (city, p, "elec_secondary", 600.0 * (f if city == "A" else 1.0)),
                        (city, p, "fuel_raw_coal", coal)]
                if kind == "statistical":
                    fuels.append((city, p, "fuel_raw_coal", coal * 1.9003))
            gdp += [(city, f"{y}-Q{q}", 500.0 * (1.05 if y == 2025 else 1.0)) for q in range(1, 5)]
    budgets = pd.DataFrame([("A", 2025, 1200.0), ("B", 2025, 1000.0), ("P", 2025, 2300.0),
                            ("A", 2026, 1150.0), ("B", 2026, 950.0), ("P", 2026, 2200.0)], columns=["region", "year", "budget"])
    return (pd.DataFrame(co2, columns=["region", "period", "value", "kind"]),
            pd.DataFrame(drv, columns=["region", "period", "indicator", "value"]),
            pd.DataFrame(gdp, columns=["region", "period", "value"]), budgets,
            pd.DataFrame(fuels, columns=["region", "period", "indicator", "co2"]))


def test_year_close_conclusions_causes_and_adjustments():
    co2, drv, gdp, budgets, fuels = _province()
    c = year_close.close_year(2025, co2, drv, gdp, budgets, fuels, cities=["A", "B"], province="P", reserve_next=100.0)
    c = c.set_index("region")
    assert list(c.columns) == year_close.CLOSE_COLUMNS[1:]
    assert c.loc["A", "accounted"] == pytest.approx(1320.0) and c.loc["A", "conclusion"] == "overspend"
    assert c.loc["B", "accounted"] == pytest.approx(912.0) and c.loc["B", "conclusion"] == "surplus"
    assert c.loc["P", "accounted"] == pytest.approx(2232.0) and c.loc["P", "conclusion"] == "balance"
    for r in "ABP":
        assert sum(c.loc[r, f"lmdi_{f}"] for f in lmdi.FACTORS) == pytest.approx(c.loc[r, "change_vs_last_year"], abs=1e-9)
        assert sum(c.loc[r, f"lmdi_budget_{f}"] for f in lmdi.FACTORS) == pytest.approx(c.loc[r, "change_vs_budget"], abs=1e-9)
    assert c.loc["A", "lmdi_activity"] > 0 and c.loc["A", "lmdi_structure"] == pytest.approx(0.0, abs=1e-6)
    assert c.loc["B", "lmdi_structure"] > 0  # B's secondary share rose while its total electricity fell
    assert c.loc["A", "adjustment_kind"] == "deduction"
    assert c.loc["A", "adjustment"] == pytest.approx(-min(120.0, 1150 * rule.DEDUCTION_CAP_SHARE))
    assert c.loc["B", "adjustment"] == pytest.approx(1000 * rule.CARRYOVER_CAP_SHARE)   # capped (surplus 88)
    assert c.loc["P", "adjustment"] == 0.0 and c.loc["P", "proposed_next_budget"] == 2200.0
    assert not any(c["months_estimated"].map(len))


def test_provisional_close_lists_the_estimated_months():
    co2, drv, gdp, budgets, fuels = _province(estimated_months=2)
    c = year_close.close_year(2025, co2, drv, gdp, budgets, fuels, cities=["A", "B"], province="P").set_index("region")
    assert c.loc["A", "months_estimated"] == ["2025-11", "2025-12"]
    assert c.loc["P", "months_estimated"] == ["2025-11", "2025-12"]
    assert c.loc["A", "accounted_estimated"] == pytest.approx(220.0)
    assert sum(c.loc["A", f"lmdi_{f}"] for f in lmdi.FACTORS) == pytest.approx(c.loc["A", "change_vs_last_year"])
    # a missing month (no statistics, no estimate): no conclusion, no adjustment
    c2 = year_close.close_year(2025, co2[co2["period"] != "2025-12"], drv, gdp, budgets, fuels, cities=["A", "B"],
                               province="P").set_index("region")
    assert c2.loc["A", "months_missing"] == ["2025-12"] and c2.loc["A", "conclusion"] is None
    assert c2.loc["A", "adjustment_kind"] == "no_data" and c2.loc["A", "adjustment"] == 0.0


def test_diff_between_versions_names_values_conclusion_and_adjustment():
    co2, drv, gdp, budgets, fuels = _province()
    old = year_close.close_year(2025, co2, drv, gdp, budgets, fuels, cities=["A", "B"], province="P")
    co2b = co2.copy()
    co2b.loc[(co2b["region"] == "B") & co2b["period"].str.startswith("2025"), "value"] *= 1.15
    new = year_close.close_year(2025, co2b, drv, gdp, budgets, fuels, cities=["A", "B"], province="P")
    d = year_close.diff_closes(old, new)
    changed = set(zip(d["region"], d["field"]))
    assert {("B", "accounted"), ("B", "conclusion"), ("B", "adjustment"), ("B", "proposed_next_budget")} <= changed
    assert not any(r == "A" for r, _ in changed)


def test_five_year_period_and_grades():
    assert year_close.five_year_period(2023) == (2021, 2025)
    assert year_close.five_year_period(2026) == (2026, 2030)
    assert [evaluation.grade(x) for x in (95, 90, 89.9, 80, 60, 59.9)] == ["excellent", "excellent", "good", "good", "pass", "fail"]
    vals = pd.DataFrame({"region": ["P", "A", "B"], "is_province": [True, False, False],
                         "total_completion": [1.0, 0.95, 1.05], "intensity_completion": [1.0, 1.2, 0.5],
                         "budget_accuracy": [0.0, 0.02, 0.10], "alert_response_days": [np.nan] * 3,
                         "nowcast_mape": [np.nan] * 3, "upload_on_time_share": [np.nan] * 3})
    s = evaluation.score(vals, pd.DataFrame({"region": ["A"], "indicator": ["coordination"], "score": [70.0]})).set_index("region")
    assert s.loc["A", "score_total_target"] == 100 and s.loc["B", "score_total_target"] == pytest.approx(50.0)
    assert s.loc["A", "score"] == pytest.approx((0.25 * 100 + 0.20 * 100 + 0.10 * 90 + 0.10 * 70) / 0.65)
    assert s.loc["B", "coverage"] == pytest.approx(0.55) and s.loc["A", "coverage"] == pytest.approx(0.65)
    assert s.loc["A", "rank"] == 1 and s.loc["B", "rank"] == 2 and pd.isna(s.loc["P", "rank"])
