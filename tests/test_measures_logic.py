"""Policy adjustment, pure logic: the what-if on a case with a known answer, "late" at the edges of
its dates, validation, the recommended mix, expected vs achieved, the toolbox codes."""
from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

import budget as B
from budget import whatif
from budget import measures as bm
from budget import mix
from budget.policy import instruments, policy_toolbox


def _flat_case(budget_amount: float = 1150.0):
    """One city, 100 万吨 every month of 2025 and of Jan–Sep 2026 (statistical): trend 1, so Oct–Dec
    are projected at exactly 100 each and the year ends at 1200 with sd = 0.03·100·(√1+√2+√3)."""
    rows = [("A", f"{y}-{m:02d}", 100.0, "statistical") for y in (2025, 2026) for m in range(1, 13)
            if not (y == 2026 and m > 9)]
    co2 = pd.DataFrame(rows, columns=["region", "period", "value", "kind"])
    budgets = pd.DataFrame({"region": ["A"], "year": [2026], "budget": [budget_amount]})
    progress = B.compute_progress(co2, budgets, 2026, 9, with_previous=False)
    paths = B.projection_paths(co2, 2026, 9)
    return progress, paths


def _measure(mid=1, region="A", start="2026-10", end="2026-12", reduction=120.0, status="in_progress", **kw):
    return {"measure_id": mid, "region": region, "planned_start": start, "planned_end": end, "actual_start": None,
            "actual_end": None, "reduction": reduction, "status": status, **kw}


def test_whatif_known_answer():
    progress, paths = _flat_case()
    sd = 0.03 * 100 * (1 + math.sqrt(2) + math.sqrt(3))   # 3% of the month per projected month, written out
    assert progress["projected_total"].iloc[0] == pytest.approx(1200)
    # 120 万吨/yr over Oct–Dec = 10 a month → 30 off the year end; a second measure is switched off
    ms = pd.DataFrame([_measure(1), _measure(2, reduction=600.0)])
    o = whatif.outlook(progress, paths, ms, 2026, include=[1]).iloc[0]
    assert o["projected_year_end"] == pytest.approx(1200)
    assert o["projected_year_end_with_measures"] == pytest.approx(1170)
    assert o["measures_reduction"] == pytest.approx(30) and o["measures_in_force"] == 1
    assert o["p_overspend"] == pytest.approx(1 - B.projection.normal_cdf((1150 - 1200) / sd))
    assert o["p_overspend_with_measures"] == pytest.approx(1 - B.projection.normal_cdf((1150 - 1170) / sd))
    # run-out: cumulative 1100 at Nov, 1200 at Dec > 1150 → Dec; with both measures: 900+40+40=980, +40 → 1020 never
    assert o["run_out_month"] == "2026-12"
    both = whatif.outlook(progress, paths, ms, 2026).iloc[0]
    assert both["projected_year_end_with_measures"] == pytest.approx(1200 - 3 * 60)
    assert both["run_out_month_with_measures"] is None
    assert whatif.outlook(progress, paths, ms, 2026, include=[]).iloc[0]["projected_year_end_with_measures"] == pytest.approx(1200)


def test_whatif_spreads_over_active_projected_months_only():
    progress, paths = _flat_case()
    # runs Jun 2026–Nov 2026: Jun–Sep are known months (untouched), Oct and Nov count: 2 × 12/12
    ms = pd.DataFrame([_measure(1, start="2026-06", end="2026-11", reduction=12.0),
                       _measure(2, reduction=1e3, status="cancelled"),       # cancelled: no effect
                       _measure(3, start="2027-01", end="2027-12", reduction=1e3)])  # next year: no effect
    o = whatif.outlook(progress, paths, ms, 2026).iloc[0]
    assert o["measures_reduction"] == pytest.approx(2.0)
    assert o["measures_in_force"] == 1


def test_with_measures_adds_the_status_columns_and_the_province_sums_cities():
    rows = [(r, f"{y}-{m:02d}", v, "statistical") for r, v in (("A", 100.0), ("B", 50.0)) for y in (2025, 2026)
            for m in range(1, 13) if not (y == 2026 and m > 9)]
    co2 = pd.DataFrame(rows, columns=["region", "period", "value", "kind"])
    budgets = pd.DataFrame({"region": ["A", "B"], "year": [2026, 2026], "budget": [1300.0, 600.0]})
    progress = B.compute_progress(co2, budgets, 2026, 9, province="P", with_previous=False)
    paths = B.projection_paths(co2, 2026, 9, "P")
    ms = pd.DataFrame([_measure(1, "A"), _measure(2, "B", reduction=24.0)])
    out = whatif.with_measures(progress, paths, ms, 2026, province="P").set_index("region")
    assert out.loc["A", "projected_year_end_with_measures"] == pytest.approx(1170)
    assert out.loc["B", "projected_year_end_with_measures"] == pytest.approx(600 - 6)
    assert out.loc["P", "projected_year_end"] - out.loc["P", "projected_year_end_with_measures"] == pytest.approx(36)
    assert {"projected_year_end", "p_overspend_with_measures"} <= set(out.columns)


@pytest.mark.parametrize("today, late", [(date(2026, 3, 31), False), (date(2026, 4, 1), True)])
def test_late_when_not_started_after_the_planned_start_month(today, late):
    m = _measure(start="2026-03", end="2026-12", status="planned")
    why = bm.late_reason(m, set(), today)
    assert (why is not None) == late
    if late:
        assert "2026-03" in why[0] and "not started" in why[1]


@pytest.mark.parametrize("today, late", [(date(2026, 6, 30), False), (date(2026, 7, 1), True)])
def test_late_when_not_finished_after_the_planned_end_month(today, late):
    m = _measure(start="2026-05", end="2026-06", actual_start="2026-05")
    reported = {"2026-Q2"}
    assert (bm.late_reason(m, reported, today) is not None) == late
    assert bm.late_reason({**m, "actual_end": "2026-06", "status": "done"}, reported, today) is None


@pytest.mark.parametrize("today, reported, late", [
    (date(2026, 4, 30), set(), False),           # Q1 report due within 30 days after 31 March
    (date(2026, 5, 1), set(), True),             # one day later it is overdue
    (date(2026, 5, 1), {"2026-Q1"}, False),      # filed: on time
    (date(2026, 7, 30), {"2026-Q1"}, False),     # Q2 (ends 30 June) still within its 30 days
    (date(2026, 7, 31), {"2026-Q1"}, True),      # Q2 missed
])
def test_late_when_a_quarterly_report_is_missed(today, reported, late):
    m = _measure(start="2026-01", end="2027-12", actual_start="2026-01")
    why = bm.late_reason(m, reported, today)
    assert (why is not None) == late
    if late:
        assert "overdue" in why[1] and "逾期" in why[0]


def test_measure_states_and_cancelled_is_never_late():
    frame = pd.DataFrame([{**_measure(1, start="2026-01", status="planned"), "reason": "registered"},
                          {**_measure(2, start="2026-01", status="cancelled"), "reason": "budget cut"}])
    out = bm.measure_states(frame, None, date(2026, 6, 1)).set_index("measure_id")
    assert out.loc[1, "effective_status"] == "late" and bool(out.loc[1, "auto_late"])
    assert out.loc[2, "effective_status"] == "cancelled" and out.loc[2, "status_reason_en"] == "budget cut"


@pytest.mark.parametrize("field, value, code", [
    ("reduction", float("nan"), "bad_number"), ("reduction", float("inf"), "bad_number"),
    ("reduction", -1, "bad_number"), ("reduction", 1e9, "bad_number"), ("region", "XX", "unknown_region"),
    ("instrument", "magic", "unknown_instrument"), ("planned_end", "2026-01", "end_before_start"),
    ("planned_start", "2026-13", "bad_month"), ("title", "  ", "blank"), ("indicator", "out_gold", "unknown_indicator"),
])
def test_validation_refuses_bad_input_with_a_clear_message(field, value, code):
    rec = {"region": "A", "title": "t", "instrument": "phase_out", "owner_dept": "o", "planned_start": "2026-03",
           "planned_end": "2026-12", "reduction": 10.0}
    rec[field] = value
    with pytest.raises(bm.MeasureError) as exc:
        bm.validate_measure(rec, {"A"}, set(instruments()["code"]), {"out_crude_steel"})
    assert exc.value.code == code
    assert exc.value.message("zh") != exc.value.message("en") and exc.value.message("zh")


def test_transitions_need_a_reason_and_follow_the_rules():
    assert bm.check_transition("planned", "in_progress", "go", "2026-03")["actual_start"] == "2026-03"
    with pytest.raises(bm.MeasureError, match="reason"):
        bm.check_transition("planned", "in_progress", " ")
    with pytest.raises(bm.MeasureError) as exc:
        bm.check_transition("done", "in_progress", "again")
    assert exc.value.code == "bad_transition"


def test_toolbox_codes_are_stable_ascii_and_unique_per_instrument():
    tb = policy_toolbox(with_code=True)
    assert tb["code"].str.fullmatch(r"[a-z_]+").all()
    assert tb.groupby("code")["name_en"].nunique().max() == 1  # one code, one instrument
    assert {"capacity_replacement", "project_carbon_review", "regional_approval_limit", "phase_out", "subsidy",
            "green_finance", "differential_price", "weather_vane", "disclosure", "green_list"} <= set(tb["code"])
    assert list(policy_toolbox().columns) == list(B.policy.TOOLBOX_COLUMNS)


def test_mix_follows_the_drivers_and_says_what_is_in_place():
    drivers = [{"indicator": "out_crude_steel", "name_zh": "粗钢产量", "name_en": "Crude steel output", "yoy": 0.12}]
    contributions = [{"group": "industry", "value": 60.0, "basis": "yoy"}]
    have = pd.DataFrame({"instrument": ["capacity_replacement", "phase_out"], "title": ["减量置换", "x"],
                         "effective_status": ["in_progress", "cancelled"]})
    out = mix.recommend_mix("overspend", drivers, contributions, True, have)
    codes = out["code"].tolist()
    assert codes[:3] == ["capacity_replacement", "regional_approval_limit", "phase_out"]
    first = out.iloc[0]
    assert first["why_zh"] == "粗钢产量同比 +12.0%" and first["why_en"] == "crude steel output +12.0% yoy"
    assert bool(first["in_place"]) and first["in_place_titles"] == "减量置换"
    assert not out.set_index("code").loc["phase_out", "in_place"]  # cancelled does not count
    assert "project_carbon_review" in codes and out.set_index("code").loc["project_carbon_review", "source"] == "attribution"
    assert "separately_listed_application" in codes and "weather_vane" in codes
    assert len(codes) == len(set(codes))


def test_expected_vs_achieved_from_reports_and_the_indicator():
    ms = pd.DataFrame([{**_measure(1, start="2026-01", end="2026-12", reduction=120.0), "indicator": "out_crude_steel"}])
    drv = pd.DataFrame([("A", f"{y}-{m:02d}", "out_crude_steel", v) for y, v in ((2025, 100.0), (2026, 90.0))
                        for m in range(1, 13)], columns=["region", "period", "indicator", "value"])
    reps = pd.DataFrame({"measure_id": [1, 1], "value": [5.0, 9.0], "review_status": ["accepted", "submitted"],
                         "submitted_at": pd.to_datetime(["2026-04-01", "2026-07-01"])})
    out = mix.expected_vs_achieved(ms, reps, drv, 2026, 6).iloc[0]
    assert out["months_active"] == 6 and out["expected_to_date"] == pytest.approx(60)
    assert out["reported_to_date"] == 5.0 and out["reported_accepted"]
    assert out["indicator_yoy"] == pytest.approx(-0.1)
    assert out["indicator_estimate"] == pytest.approx(6 * 10 * 1.8)
    assert np.isnan(mix.expected_vs_achieved(ms.assign(indicator=None), None, drv, 2026, 6).iloc[0]["indicator_yoy"])
