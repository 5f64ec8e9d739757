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


def _sectors(g, va, energy_by_sector, f):
    """An LMDI state from sector value added and sector energy (sector electricity proportional to it)."""
    e = float(sum(energy_by_sector))
    return lmdi.state([g], [e], [f * e], [va], [energy_by_sector])


def test_lmdi_flat_energy_per_gdp_and_unmoving_shares_give_no_structure_or_intensity_effect():
    # GDP +20%, every sector's value added +20% (shares 0.1/0.5/0.4 unmoved), energy +20% split alike (E/G flat),
    # carbon intensity of energy 2 -> 1.9: C 250 -> 285
    s0 = _sectors(100.0, [10.0, 50.0, 40.0], [5.0, 100.0, 20.0], 2.0)
    sT = _sectors(120.0, [12.0, 60.0, 48.0], [6.0, 120.0, 24.0], 1.9)
    eff = lmdi.decompose_states(s0, sT).iloc[0]
    assert eff["method"] == "sectoral"
    assert eff["structure"] == pytest.approx(0.0, abs=1e-9) and eff["energy_intensity"] == pytest.approx(0.0, abs=1e-9)
    # by hand: activity = L(285, 250) ln 1.2, carbon = L(285, 250) ln 0.95 (one log-mean: every sector moved alike)
    w = (285 - 250) / math.log(285 / 250)
    assert eff["activity"] == pytest.approx(w * math.log(1.2)) and eff["carbon_intensity"] == pytest.approx(w * math.log(0.95))


def test_lmdi_structure_effect_is_the_value_added_shift_between_sectors():
    # G 100 fixed; shares 0.1/0.5/0.4 -> 0.1/0.4/0.5; sector intensities 0.5/2.0/0.5 tce per 亿元 fixed; F = 2:
    # sector CO2 10/200/40 -> 10/160/50, C 250 -> 220
    s0 = _sectors(100.0, [10.0, 50.0, 40.0], [5.0, 100.0, 20.0], 2.0)
    sT = _sectors(100.0, [10.0, 40.0, 50.0], [5.0, 80.0, 25.0], 2.0)
    eff = lmdi.decompose_states(s0, sT).iloc[0]
    # secondary: L(160, 200) ln(0.4/0.5) = -40; tertiary: L(50, 40) ln(0.5/0.4) = +10; primary 0
    assert eff["structure"] == pytest.approx(-30.0)
    assert [eff["activity"], eff["energy_intensity"], eff["carbon_intensity"]] == pytest.approx([0, 0, 0], abs=1e-9)


def test_lmdi_hand_cases_that_move_intensity_and_carbon_intensity():
    s0 = _sectors(100.0, [10.0, 50.0, 40.0], [5.0, 100.0, 20.0], 2.0)
    # the secondary sector's energy intensity 2.0 -> 1.5 (energy 100 -> 75): its CO2 200 -> 150
    sT = _sectors(100.0, [10.0, 50.0, 40.0], [5.0, 75.0, 20.0], 2.0)
    eff = lmdi.decompose_states(s0, sT).iloc[0]
    assert eff["energy_intensity"] == pytest.approx((150 - 200) / math.log(150 / 200) * math.log(0.75))
    assert eff["energy_intensity"] == pytest.approx(-50.0)
    assert eff["carbon_intensity"] == pytest.approx(0.0, abs=1e-9) and eff["structure"] == pytest.approx(0.0, abs=1e-9)
    # carbon intensity of energy 2 -> 2.2 alone: the whole change (+25) is carbon intensity
    eff = lmdi.decompose_states(s0, _sectors(100.0, [10.0, 50.0, 40.0], [5.0, 100.0, 20.0], 2.2)).iloc[0]
    assert eff["carbon_intensity"] == pytest.approx(25.0)
    assert [eff["activity"], eff["structure"], eff["energy_intensity"]] == pytest.approx([0, 0, 0], abs=1e-9)


def test_lmdi_without_sector_value_added_has_no_structure_term():
    s0 = lmdi.state([100.0], [125.0], [250.0], None, [[5.0, 100.0, 20.0]])
    sT = lmdi.state([110.0], [125.0], [250.0], [[10.0, 50.0, 40.0]], [[5.0, 100.0, 20.0]])
    eff = lmdi.decompose_states(s0, sT).iloc[0]
    assert eff["method"] == "aggregate" and np.isnan(eff["structure"])
    # C = G (E/G) (C/E): G +10% with E flat: E/G falls by the same log; the change is 0
    w = 250.0
    assert eff["activity"] == pytest.approx(w * math.log(1.1)) and eff["energy_intensity"] == pytest.approx(-w * math.log(1.1))
    assert eff["carbon_intensity"] == pytest.approx(0.0, abs=1e-9)


def test_lmdi_states_rescale_to_the_target_and_keep_missing_as_missing():
    s0 = lmdi.state([100.0, np.nan], [50.0, 50.0], [120.0, 120.0])
    sT = lmdi.state([110.0, 110.0], [52.0, 50.0], [125.0, 120.0])
    eff = lmdi.decompose_states(s0, sT, target_change=[5.0, 0.0])
    assert eff.loc[0, ["activity", "energy_intensity", "carbon_intensity"]].sum() == pytest.approx(5.0, abs=1e-12)
    assert eff.loc[1, list(lmdi.FACTORS)].isna().all()


def test_rounded_effects_add_up_to_the_printed_change():
    # plain rounding prints 0.34 + 0.34 + 0.33 = 1.01 for a change of 1.00
    assert lmdi.round_effects([0.335, 0.335, 0.33], 1.0, 2).tolist() == [0.34, 0.33, 0.33]
    out = lmdi.round_effects([[-12.3456, 7.7777, np.nan, 1.1111]], [-3.4568], 2)[0]
    assert np.isnan(out[2]) and np.nansum(out) == pytest.approx(-3.46, abs=1e-12)
    assert out[[0, 1, 3]].tolist() == [-12.35, 7.78, 1.11]
    assert lmdi.round_effects([1.004, 2.004, 3.004], 6.012, 2).tolist() == [1.01, 2.0, 3.0]


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


def _province(estimated_months: int = 0, value_added: bool = False):
    """Two cities, 2024–2025 monthly CO2, drivers, fuels and GDP; A grows 10%, B falls 5%. With
    ``value_added``: quarterly value added by sector (A's shares unmoved, B's secondary share rising)."""
    co2, drv, fuels, gdp, va = [], [], [], [], []
    for city, base, growth in (("A", 100.0, 1.10), ("B", 80.0, 0.95)):
        for y in (2024, 2025):
            f = growth if y == 2025 else 1.0
            for m in range(1, 13):
                p = f"{y}-{m:02d}"
                kind = "estimated" if y == 2025 and m > 12 - estimated_months else "statistical"
                co2.append((city, p, base * f, kind))
                coal = base * f / 1.9003
                drv += [(city, p, "elec_total", 1000.0 * f), (city, p, "elec_secondary", 600.0 * (f if city == "A" else 1.0)),
                        (city, p, "elec_primary", 50.0), (city, p, "elec_tertiary", 250.0), (city, p, "fuel_raw_coal", coal)]
                if kind == "statistical":
                    fuels.append((city, p, "fuel_raw_coal", coal * 1.9003))
            gdp += [(city, f"{y}-Q{q}", 500.0 * (1.05 if y == 2025 else 1.0)) for q in range(1, 5)]
            shares = (0.1, 0.5, 0.4) if city == "A" or y == 2024 else (50 / 525, 300 / 525, 175 / 525)
            va += [(city, f"{y}-Q{q}", code, 500.0 * (1.05 if y == 2025 else 1.0) * sh)
                   for q in range(1, 5) for code, sh in zip(lmdi.VA_INDICATORS, shares)]
    budgets = pd.DataFrame([("A", 2025, 1200.0), ("B", 2025, 1000.0), ("P", 2025, 2300.0),
                            ("A", 2026, 1150.0), ("B", 2026, 950.0), ("P", 2026, 2200.0)], columns=["region", "year", "budget"])
    return (pd.DataFrame(co2, columns=["region", "period", "value", "kind"]),
            pd.DataFrame(drv, columns=["region", "period", "indicator", "value"]),
            pd.DataFrame(gdp, columns=["region", "period", "value"]), budgets,
            pd.DataFrame(fuels, columns=["region", "period", "indicator", "co2"])) + \
        ((pd.DataFrame(va, columns=["region", "period", "indicator", "value"]),) if value_added else ())


def test_year_close_conclusions_causes_and_adjustments():
    co2, drv, gdp, budgets, fuels = _province()
    c = year_close.close_year(2025, co2, drv, gdp, budgets, fuels, cities=["A", "B"], province="P", reserve_next=100.0)
    c = c.set_index("region")
    assert list(c.columns) == year_close.CLOSE_COLUMNS[1:]
    assert c.loc["A", "accounted"] == pytest.approx(1320.0) and c.loc["A", "conclusion"] == "overspend"
    assert c.loc["B", "accounted"] == pytest.approx(912.0) and c.loc["B", "conclusion"] == "surplus"
    assert c.loc["P", "accounted"] == pytest.approx(2232.0) and c.loc["P", "conclusion"] == "balance"
    for r in "ABP":
        assert np.nansum([c.loc[r, f"lmdi_{f}"] for f in lmdi.FACTORS]) == pytest.approx(c.loc[r, "change_vs_last_year"], abs=1e-9)
        assert np.nansum([c.loc[r, f"lmdi_budget_{f}"] for f in lmdi.FACTORS]) == pytest.approx(c.loc[r, "change_vs_budget"], abs=1e-9)
        # no sector value added: the aggregate identity, no structure term (never an artefact)
        assert c.loc[r, "lmdi_method"] == "aggregate" and np.isnan(c.loc[r, "lmdi_structure"])
    assert c.loc["A", "lmdi_activity"] > 0
    assert c.loc["A", "adjustment_kind"] == "deduction"
    assert c.loc["A", "adjustment"] == pytest.approx(-min(120.0, 1150 * rule.DEDUCTION_CAP_SHARE))
    assert c.loc["B", "adjustment"] == pytest.approx(1000 * rule.CARRYOVER_CAP_SHARE)   # capped (surplus 88)
    assert c.loc["P", "adjustment"] == 0.0 and c.loc["P", "proposed_next_budget"] == 2200.0
    assert not any(c["months_estimated"].map(len))


def test_year_close_structure_effect_from_sector_value_added():
    co2, drv, gdp, budgets, fuels, va = _province(value_added=True)
    c = year_close.close_year(2025, co2, drv, gdp, budgets, fuels, cities=["A", "B"], province="P",
                              value_added=va).set_index("region")
    assert (c["lmdi_method"] == "sectoral").all()
    for r in "ABP":
        assert sum(c.loc[r, f"lmdi_{f}"] for f in lmdi.FACTORS) == pytest.approx(c.loc[r, "change_vs_last_year"], abs=1e-9)
        assert sum(c.loc[r, f"lmdi_budget_{f}"] for f in lmdi.FACTORS) == pytest.approx(c.loc[r, "change_vs_budget"], abs=1e-9)
    assert c.loc["A", "lmdi_structure"] == pytest.approx(0.0, abs=1e-9)     # A's value-added shares did not move
    assert c.loc["B", "lmdi_structure"] > 0                                 # B's energy-heavy secondary sector grew
    # the budget path keeps last year's structure: B's structure shift shows against the budget too
    assert c.loc["B", "lmdi_budget_structure"] == pytest.approx(c.loc["B", "lmdi_structure"], rel=0.05)


def test_provisional_close_lists_the_estimated_months():
    co2, drv, gdp, budgets, fuels = _province(estimated_months=2)
    c = year_close.close_year(2025, co2, drv, gdp, budgets, fuels, cities=["A", "B"], province="P").set_index("region")
    assert c.loc["A", "months_estimated"] == ["2025-11", "2025-12"]
    assert c.loc["P", "months_estimated"] == ["2025-11", "2025-12"]
    assert c.loc["A", "accounted_estimated"] == pytest.approx(220.0)
    assert np.nansum([c.loc["A", f"lmdi_{f}"] for f in lmdi.FACTORS]) == pytest.approx(c.loc["A", "change_vs_last_year"])
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
