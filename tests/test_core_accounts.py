"""The dynamic adjustment rule (budget/adjustment_rule.py) on cities worked out by hand: ±3% no change, overspend
deducted up to 5% of next year's budget with the rest carried as a debt, surplus carried up to 3% of this year's
budget and within the reserve, a major project exempt, a debt repaid by a later surplus or balance, no data."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from budget import adjustment_rule as R

CITIES = pd.DataFrame([
    # region, budget, accounted, next_budget, major_project, debt_in
    ("A", 1000.0, 1100.0, 1000.0, False, 0.0),     # +10%: wants 100, cap 50 → −50, 50 owed
    ("B", 1000.0, 1020.0, 1000.0, False, 0.0),     # +2%: no change
    ("C", 1000.0, 900.0, 800.0, False, 0.0),       # −10%: wants 100, cap 30 → +30
    ("D", 1000.0, 1100.0, 1000.0, True, 0.0),      # +10% with a major project: exempt
    ("E", 1000.0, 1040.0, 2000.0, False, 0.0),     # +4%: −40 (cap 100)
    ("F", 1000.0, np.nan, 1000.0, False, 5.0),     # no accounted emissions: no data, the debt stays
    ("G", 1000.0, 1100.0, np.nan, False, 0.0),     # no next budget
    ("H", 1000.0, 900.0, 1000.0, False, 20.0),     # surplus 30 (capped) pays the debt 20 → +10
    ("I", 1000.0, 900.0, 1000.0, False, 50.0),     # surplus 30 pays part of the debt 50 → −20
    ("J", 1000.0, 1000.0, 1000.0, False, 80.0),    # balance with a debt 80: −50, 30 still owed
    ("K", 0.0, 10.0, 1000.0, False, 0.0),          # no budget: no data
    ("L", 1000.0, 1030.0, 1000.0, False, 0.0),     # exactly +3%: no change (edge included)
], columns=["region", "budget", "accounted", "next_budget", "major_project", "debt_in"])


def test_propose_by_hand():
    out = R.propose(CITIES).set_index("region")
    assert out["adjustment_kind"].to_dict() == {
        "A": "deduction", "B": "none", "C": "carryover", "D": "exempt", "E": "deduction", "F": "no_data",
        "G": "no_next_budget", "H": "carryover", "I": "deduction", "J": "deduction", "K": "no_data", "L": "none"}
    assert out["adjustment"].to_dict() == {"A": -50.0, "B": 0.0, "C": 30.0, "D": 0.0, "E": -40.0, "F": 0.0, "G": 0.0,
                                           "H": 10.0, "I": -20.0, "J": -50.0, "K": 0.0, "L": 0.0}
    assert out["debt"].to_dict() == {"A": 50.0, "B": 0.0, "C": 0.0, "D": 0.0, "E": 0.0, "F": 5.0, "G": 0.0, "H": 0.0,
                                     "I": 0.0, "J": 30.0, "K": 0.0, "L": 0.0}
    assert out["capped"].to_dict() == {"A": True, "B": False, "C": True, "D": False, "E": False, "F": False,
                                       "G": False, "H": False, "I": False, "J": True, "K": False, "L": False}
    assert out.loc["A", "proposed_next_budget"] == 950.0 and out.loc["C", "proposed_next_budget"] == 830.0
    assert np.isnan(out.loc["G", "proposed_next_budget"]) and out.loc["B", "proposed_next_budget"] == 1000.0
    assert out.loc["A", "deviation"] == pytest.approx(0.1) and np.isnan(out.loc["K", "deviation"])
    assert list(R.propose(CITIES).columns) == ["region", "deviation", "adjustment_kind", "adjustment",
                                              "proposed_next_budget", "capped", "debt", "reason_zh", "reason_en"]


def test_reasons_word_for_word():
    out = R.propose(CITIES).set_index("region")
    assert out.loc["B", "reason_zh"] == "偏差 +2.0%，在 ±3% 容差内，不作调整"
    assert out.loc["B", "reason_en"] == "Deviation +2.0%, within the ±3% tolerance: no change"
    assert out.loc["E", "reason_zh"] == "超支 +4.0%，超过 3%：下一年预算扣减 40.00 万吨"
    assert out.loc["E", "reason_en"] == "Overspend +4.0%, beyond 3%: next year's budget reduced by 40.00 (10^4 t)"
    assert out.loc["A", "reason_en"].startswith(
        "Overspend +10.0%, beyond 3%: next year's budget reduced by 50.00 (10^4 t) (capped at 5% of next year's budget)")
    assert out.loc["C", "reason_zh"] == "盈余 -10.0%，超过 3%：结转 30.00 万吨至下一年（受结转上限或储备余额限制）"
    assert out.loc["J", "reason_zh"].startswith("偏差 +0.0%，偿还以前年度欠账：下一年预算扣减 50.00 万吨（已达上限：下一年预算的 5%）")
    assert "尚欠 30.00 万吨" in out.loc["J", "reason_zh"] and "30.00 (10^4 t) still owed" in out.loc["J", "reason_en"]
    assert "含以前年度欠账 80.00 万吨" in out.loc["J", "reason_zh"]
    # A's debt is made by this close: it is not called an earlier year's
    assert out.loc["A", "reason_zh"].endswith("；超出上限的 50.00 万吨作为欠账结转下一年度决算")
    assert "以前年度" not in out.loc["A", "reason_zh"] and "earlier closes" not in out.loc["A", "reason_en"]
    assert out.loc["I", "reason_zh"].endswith("；含以前年度欠账 50.00 万吨（已还清）")
    assert "欠账" not in out.loc["E", "reason_zh"]
    assert out.loc["D", "reason_zh"] == "超支 +10.0%，但承担经批准的单列重大项目：免于扣减，转入项目全生命周期评估"
    assert out.loc["G", "reason_en"] == "No budget for next year yet: nothing to adjust"
    assert out.loc["F", "reason_zh"] == "缺少核算排放或预算，无法决算"


def test_the_reserve_limits_carry_overs_and_deductions_feed_it():
    c = CITIES[CITIES["region"].isin(["C", "H"])]
    out = R.propose(c, reserve_next=12.0).set_index("region")
    # 30 + 10 wanted, 12 available: both scaled by 0.3 and floored to the cent
    assert out["adjustment"].to_dict() == {"C": 9.0, "H": 3.0} and out["capped"].all()
    with_deduction = R.propose(CITIES[CITIES["region"].isin(["A", "C"])], reserve_next=0.0).set_index("region")
    assert with_deduction["adjustment"].to_dict() == {"A": -50.0, "C": 30.0}     # A's 50 pays C's 30
    tight = R.propose(CITIES[CITIES["region"].isin(["E", "C"])], reserve_next=-100.0).set_index("region")
    assert tight.loc["C", "adjustment"] == 0.0 and tight.loc["C", "capped"]
    free = R.propose(c, reserve_next=0.0, rule={"keep_five_year_total": False}).set_index("region")
    assert free["adjustment"].to_dict() == {"C": 30.0, "H": 10.0}


def test_a_provinces_own_rule():
    out = R.propose(CITIES, rule={"no_change_band": 0.05, "deduction_cap_share": 0.2, "carryover_cap_share": 0.5,
                                  "major_project_exempt": False, "debt": "write_off",
                                  "deduction_share": 0.5}).set_index("region")
    assert out.loc["E", "adjustment_kind"] == "none"                     # +4% inside ±5%
    assert out.loc["A", "adjustment"] == -50.0 and not out.loc["A", "capped"]   # half of 100, cap 200
    assert out.loc["D", "adjustment_kind"] == "deduction" and out.loc["D", "adjustment"] == -50.0
    assert out.loc["C", "adjustment"] == 100.0 and not out.loc["C", "capped"]
    assert out.loc["J", "adjustment"] == -80.0 and out.loc["J", "debt"] == 0.0
    tight = R.propose(CITIES[CITIES["region"] == "J"], rule={"debt": "write_off"}).iloc[0]
    assert tight["adjustment"] == -50.0 and tight["debt"] == 0.0         # the rest written off
    assert R.rule_from(None) == R.RULE and R.rule_from({}) == R.RULE
    assert R.rule_from({"adjust.no_change_band": 0.04, "other": 1})["no_change_band"] == 0.04
    assert R.RULE == {"no_change_band": 0.03, "deduction_share": 1.0, "deduction_cap_share": 0.05,
                      "carryover_cap_share": 0.03, "major_project_exempt": True, "keep_five_year_total": True,
                      "debt": "carry"}
    assert R.rule_text({"no_change_band": 0.04}, "en")[0] == "Within ±4% (edges included): no change;"
    assert R.rule_text(None, "zh")[2] == "超出扣减上限的部分作为欠账结转至下一年度决算继续扣减；"
    assert R.rule_text({"debt": "write_off", "major_project_exempt": False, "keep_five_year_total": False}, "en")[2:] == [
        "Overspend beyond the deduction cap is written off;",
        "Surplus beyond 3%: carried over to next year, at most 3% of this year's budget and within next year's "
        "provincial reserve;", "No exception for separately-listed projects;",
        "Adjustments change the province total and need higher approval."]


def test_ledger_moves_deductions_first():
    moves = R.ledger_moves({"A": -50.0, "C": 30.0, "B": 0.001, "D": 10.0}, {"C": 10.0, "D": 10.0, "E": 5.0})
    assert moves == [("transfer", "A", 50.0), ("transfer", "E", 5.0), ("reserve_release", "C", 20.0)]
    assert R.ledger_moves({"A": -50.0, "C": 30.0}, {}, keep_five_year_total=False) == [
        ("adjustment", "A", -50.0), ("adjustment", "C", 30.0)]


# ---- five-year evaluation: indicator scores, weights, coverage, grades and ranks by hand ---------------------------
from budget import evaluation as EV  # noqa: E402

VALUES = pd.DataFrame([
    # region, province?, total_completion, intensity_completion, budget_accuracy, alert_response_days,
    # nowcast_mape, upload_on_time_share, capacity_coverage
    ("A", False, 1.02, 0.9, 0.04, 105.0, 0.06, 0.75, 0.5),
    ("B", False, 0.95, 1.3, np.nan, np.nan, 0.0, np.nan, np.nan),
    ("C", False, 1.2, -0.1, 0.5, 10.0, 0.3, 0.0, 0.0),
    ("P", True, np.nan, 0.5, np.nan, 200.0, np.nan, np.nan, np.nan),
], columns=["region", "is_province", "total_completion", "intensity_completion", "budget_accuracy",
            "alert_response_days", "nowcast_mape", "upload_on_time_share", "capacity_coverage"])
ENTERED = pd.DataFrame({"region": ["A", "A", "A", "Z"], "indicator": ["coordination", "target_reasonableness",
                                                                      "target_reasonableness", "coordination"],
                        "score": [70.0, 10.0, 90.0, 1.0]})


def test_evaluation_scores_by_hand():
    s = EV.score(VALUES, ENTERED).set_index("region")
    a = s.loc["A"]
    # 2% over the total: 100 − 10 × 2; 90% of the intensity target; 4% off the budget: 100 − 5 × 4;
    # 105 days: 100 × (180 − 105) / 150; MAPE 6%: 100 − 5 × 6; 75% on time; half the funds; entered 90 and 70
    assert [a[f"score_{k}"] for k in EV.INDICATORS] == pytest.approx([80, 90, 80, 50, 70, 75, 90, 70, 50])
    assert a["score"] == pytest.approx(0.25 * 80 + 0.2 * 90 + 0.1 * 80 + 0.1 * 50 + 0.05 * 70 + 0.05 * 75
                                       + 0.1 * 90 + 0.1 * 70 + 0.05 * 50)          # = 76.75
    assert a["coverage"] == pytest.approx(1.0) and a["grade"] == "pass"
    b = s.loc["B"]
    assert b["score_total_target"] == 100 and b["score_intensity_target"] == 100 and b["score_nowcast_accuracy"] == 100
    assert np.isnan(b["score_budget_accuracy"]) and np.isnan(b["score_coordination"])
    assert b["score"] == pytest.approx(100.0) and b["coverage"] == pytest.approx(0.5) and b["grade"] == "excellent"
    c = s.loc["C"]                                                     # every score clipped to 0..100
    assert [c[f"score_{k}"] for k in ("total_target", "intensity_target", "budget_accuracy", "alert_response",
                                      "nowcast_accuracy", "upload_timeliness", "funding_capacity")] == [0, 0, 0, 100, 0, 0, 0]
    p = s.loc["P"]
    assert p["score_alert_response"] == 0 and np.isnan(p["score_total_target"])
    assert p["score"] == pytest.approx((0.2 * 50 + 0.1 * 0) / 0.3) and p["grade"] == "fail"
    assert s.loc[["A", "B", "C"], "rank"].tolist() == [2, 1, 3] and pd.isna(s.loc["P", "rank"])
    assert "Z" not in s.index


def test_evaluation_weights_and_grades():
    w = EV.score(VALUES, ENTERED, weights={"total_target": 0.5}).set_index("region").loc["A"]
    assert w["score"] == pytest.approx((76.75 + 0.25 * 80) / 1.25)
    nothing = EV.score(VALUES.assign(**{c: np.nan for c in VALUES.columns[2:]})).set_index("region")
    assert nothing["score"].isna().all() and (nothing["coverage"] == 0).all() and nothing["grade"].isna().all()
    assert [EV.grade(x) for x in (100, 90, 89.99, 80, 79.99, 60, 59.99, 0)] == [
        "excellent", "excellent", "good", "good", "pass", "pass", "fail", "fail"]
    assert EV.grade(None) is None and EV.grade(float("nan")) is None
    assert sum(wt for wt, _ in EV.INDICATORS.values()) == pytest.approx(1.0)
    assert EV.ENTERED == ("target_reasonableness", "coordination")


def test_adjustment_rule_small_edges():
    edge = pd.DataFrame([
        ("M", 1000.0, 900.0, 1000.0, False, 30.5),     # surplus 30 pays 30 of the debt 30.5: −0.50
        ("N", 1000.0, 1100.004, 1000.0, False, 0.0),   # wants 100.004, cap 50: 50.00 owed (to the cent)
        ("O", 1000.0, 1100.0, 0.0, False, 0.0),        # next year's budget 0: cap 0, nothing deducted, all owed
        ("Q", 1000.0, 900.0, 1000.0, False, 30.0),     # surplus exactly pays the debt: no change
    ], columns=["region", "budget", "accounted", "next_budget", "major_project", "debt_in"])
    out = R.propose(edge).set_index("region")
    assert out["adjustment"].to_dict() == {"M": -0.5, "N": -50.0, "O": 0.0, "Q": 0.0}
    assert out["adjustment_kind"].to_dict() == {"M": "deduction", "N": "deduction", "O": "none", "Q": "none"}
    assert out["debt"].to_dict() == {"M": 0.0, "N": 50.0, "O": 100.0, "Q": 0.0}
    assert out["capped"].dtype == bool and out["capped"].to_dict() == {"M": False, "N": True, "O": True, "Q": False}
    j = R.propose(CITIES[CITIES["region"] == "J"]).iloc[0]
    assert j["reason_en"].startswith("Deviation +0.0%, repaying an earlier debt: next year's budget reduced by 50.00")
    h = R.propose(CITIES[CITIES["region"] == "H"], reserve_next=10.0).iloc[0]
    assert h["adjustment"] == 10.0 and not h["capped"]                 # the reserve exactly enough: not limited
    assert R.ledger_moves({"A": 12.34}, {}) == [("reserve_release", "A", 12.34)]
    zh, en = R.rule_text(None, "zh"), R.rule_text(None, "en")
    assert zh[2] == "超出扣减上限的部分作为欠账结转至下一年度决算继续扣减；"
    assert zh[4] == "承担经批准单列重大项目的城市免于扣减，转入项目全生命周期评估；"
    assert en[2] == "Overspend beyond the deduction cap is carried as a debt into the next close;"
    assert R.rule_text({"debt": "write_off"}, "zh")[2] == "超出扣减上限的部分予以核销；"


def test_evaluation_indicator_values_by_hand():
    closes = pd.DataFrame([("A", 2021, False, 100.0, 100.0, 40.0, 2.5), ("A", 2022, False, 110.0, 100.0, 50.0, 2.2),
                           ("B", 2022, False, 90.0, 100.0, 90.0, 0.9), ("P", 2021, True, 100.0, 100.0, 40.0, 2.5),
                           ("P", 2022, True, 200.0, 200.0, 140.0, 1.5), ("A", 2020, False, 1.0, 1.0, 1.0, 1.0)],
                          columns=["region", "year", "is_province", "accounted", "budget", "gdp", "intensity"])
    v = EV.indicator_values(
        closes, start=2021, end=2022, base_intensity=pd.Series({"A": 2.75, "B": 1.0, "P": 2.0}),
        target_end=pd.Series({"A": 2.475}),
        red_years=pd.DataFrame({"region": ["A", "B"], "year": [2021, 2022]}),
        measures=pd.DataFrame({"region": ["A", "A"], "created_at": ["2022-02-15", "2020-06-01"]}),
        estimate_errors=pd.DataFrame({"region": ["A", "A", "B"], "estimate": [110.0, 90.0, 5.0],
                                      "actual": [100.0, 100.0, 0.0]}),
        uploads=pd.DataFrame({"region": ["A", "A"], "period": ["2022-01", "2022-02"],
                              "first_recorded": ["2022-03-10", "2022-05-01"]})).set_index("region")
    a, b, p = v.loc["A"], v.loc["B"], v.loc["P"]
    assert a["years_closed"] == 2 and a["five_year_accounted"] == 210.0 and a["total_completion"] == pytest.approx(1.05)
    assert a["intensity_decline"] == pytest.approx(0.2) and a["intensity_target_decline"] == pytest.approx(0.1)
    assert a["intensity_completion"] == pytest.approx(2.0) and a["budget_accuracy"] == pytest.approx(0.05)
    assert a["alert_response_days"] == 45 and a["red_years"] == 1          # red 2021: a measure on 15 Feb 2022
    assert a["nowcast_mape"] == pytest.approx(0.1) and a["upload_on_time_share"] == 0.5   # 38 days yes, 62 no
    assert np.isnan(b["total_completion"]) and np.isnan(b["five_year_budget"])          # one year closed of two
    assert b["intensity_target_decline"] == pytest.approx(0.18)                        # no target: 18%
    assert b["alert_response_days"] == 180 and b["budget_accuracy"] == pytest.approx(0.1)
    assert np.isnan(b["nowcast_mape"]) and np.isnan(b["upload_on_time_share"]) and np.isnan(a["capacity_coverage"])
    assert p["nowcast_mape"] == pytest.approx(0.1) and bool(p["is_province"]) and p["gdp_end"] == 140.0
    assert v.index.tolist() == ["A", "B", "P"]
