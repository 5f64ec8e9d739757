"""What-if of measures (budget/whatif.py) against grids worked out by hand.

Fixture: a province P with its own measure, city A with a May–December measure and a one-month measure, city B
whose actual start overrides the plan, plus a cancelled, a non-numeric, a next-year and a malformed one.
"""
from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from budget import whatif

COLS = ["measure_id", "region", "status", "planned_start", "planned_end", "actual_start", "actual_end", "reduction"]
MEASURES = pd.DataFrame([
    (1, "A", "in_progress", "2026-05", "2026-12", None, None, 24.0),      # 2 万吨 a month, May–Dec
    (2, "A", "planned", "2026-03", "2026-03", None, None, 12.0),          # one month: 1 万吨 in March
    (3, "B", "done", "2026-06", "2026-02", "2025-11", "", 6.0),            # actual start wins; 0.5 Jan–Feb
    (4, "P", "in_progress", "2026-01", "2026-12", None, None, 12.0),      # owned by the province itself
    (5, "A", "cancelled", "2026-01", "2026-12", None, None, 120.0),
    (6, "B", "planned", "2026-01", "2026-12", None, None, "abc"),         # no number: not in force
    (7, "B", "planned", "2027-01", "2027-12", None, None, 12.0),          # next year
    (8, "A", "planned", "2026-13", "2026-12", None, None, 12.0),          # malformed start
    (9, "X", "planned", "2026-01", "2026-12", None, None, 12.0),          # a region not asked for
], columns=COLS)

A_ROW = [0, 0, 1, 0, 2, 2, 2, 2, 2, 2, 2, 2]
B_ROW = [0.5, 0.5] + [0] * 10


def test_reduction_grid_by_hand_with_a_province_measure_and_a_one_month_measure():
    red, cnt = whatif.reduction_grid(MEASURES, ["P", "A", "B"], 2026, province="P")
    assert red[1].tolist() == pytest.approx(A_ROW) and red[2].tolist() == pytest.approx(B_ROW)
    # P: its own 1 a month, plus A and B and the unlisted region X (1 a month) — never its own twice
    assert red[0].tolist() == pytest.approx([1 + a + b + 1 for a, b in zip(A_ROW, B_ROW)])
    assert cnt.tolist() == [5, 2, 1]          # P: own + A's two + B's one + X's one
    red2, cnt2 = whatif.reduction_grid(MEASURES, ["P", "A", "B"], 2026)   # no province row named
    assert red2[0].tolist() == pytest.approx([1] * 12) and cnt2.tolist() == [1, 2, 1]
    red3, cnt3 = whatif.reduction_grid(MEASURES, ["A", "B"], 2027, province="P")
    assert red3[1].tolist() == pytest.approx([1] * 12) and cnt3.tolist() == [0, 1]


def test_reduction_grid_switches_measures_on_by_id_and_reads_effective_status():
    red, cnt = whatif.reduction_grid(MEASURES, ["A", "B"], 2026, include=["1", 3])
    assert red[0].tolist() == pytest.approx([0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2]) and cnt.tolist() == [1, 1]
    red, cnt = whatif.reduction_grid(MEASURES, ["A", "B"], 2026, include=[5])   # cancelled stays off
    assert not red.any() and cnt.tolist() == [0, 0]
    eff = MEASURES.assign(effective_status=["cancelled"] + ["planned"] * 8)      # effective status wins
    red, cnt = whatif.reduction_grid(eff, ["A"], 2026)
    assert cnt.tolist() == [2]    # measure 2 and measure 5 (its status says cancelled, its effective status not)
    assert red[0].tolist() == pytest.approx([10, 10, 11] + [10] * 9)
    empty = whatif.reduction_grid(None, ["A", "B"], 2026)
    assert empty[0].shape == (2, 12) and not empty[0].any() and empty[1].tolist() == [0, 0]
    assert whatif.reduction_grid(MEASURES.iloc[0:0], ["A"], 2026)[1].tolist() == [0]


def _paths(region, known_months, value=100.0):
    return pd.DataFrame({"region": region, "month": list(range(1, 13)),
                         "kind": ["statistical" if m <= known_months else "projected" for m in range(1, 13)],
                         "value": value})


def test_outlook_cuts_only_projected_months_and_lowers_the_mean():
    z90 = NormalDist().inv_cdf(0.95)
    progress = pd.DataFrame({"region": ["A", "B"], "budget": [1196.0, 1300.0], "projected_total": [1200.0, 1200.0],
                             "projected_lo90": [1200 - 10 * z90, 1200.0], "projected_hi90": [1200 + 10 * z90, 1200.0],
                             "p_overspend": [0.65, 0.0], "run_out_month": ["2026-12", None]})
    paths = pd.concat([_paths("A", 9), _paths("B", 12)])
    o = whatif.outlook(progress, paths, MEASURES, 2026).set_index("region")
    # A: months 10–12 are projected; measure 1 removes 2 a month there (March's cut is in known data)
    assert o.loc["A", "measures_reduction"] == pytest.approx(6.0)
    assert o.loc["A", "projected_year_end_with_measures"] == pytest.approx(1194.0)
    assert o.loc["A", "p_overspend_with_measures"] == pytest.approx(1 - NormalDist().cdf((1196 - 1194) / 10))
    assert o.loc["A", "run_out_month"] == "2026-12" and o.loc["A", "run_out_month_with_measures"] is None
    assert o.loc["A", "measures_in_force"] == 2 and o.loc["A", "p_overspend"] == 0.65
    # B: every month known, nothing to cut; zero band: P is 0 or 1
    assert o.loc["B", "measures_reduction"] == 0 and o.loc["B", "p_overspend_with_measures"] == 0.0
    assert list(o.reset_index().columns) == whatif.OUTLOOK_COLUMNS


def test_outlook_never_cuts_a_month_below_zero_and_with_measures_keeps_progress():
    progress = pd.DataFrame({"region": ["A"], "budget": [5.0], "projected_total": [12.0], "projected_lo90": [12.0],
                             "projected_hi90": [12.0], "p_overspend": [1.0], "run_out_month": ["2026-05"]})
    paths = _paths("A", 4, value=1.0)                   # 1 万吨 a month; the measure removes 2 from May
    o = whatif.outlook(progress, paths, MEASURES, 2026).iloc[0]
    assert o["measures_reduction"] == pytest.approx(8.0)     # 8 projected months × min(2, 1)
    assert o["projected_year_end_with_measures"] == pytest.approx(4.0)
    assert o["run_out_month_with_measures"] is None and o["p_overspend_with_measures"] == 0.0
    w = whatif.with_measures(progress.assign(extra="x"), paths, MEASURES, 2026)
    assert w["extra"].tolist() == ["x"] and w["projected_year_end_with_measures"].tolist() == pytest.approx([4.0])
    assert w["measures_reduction"].tolist() == pytest.approx([8.0]) and w["run_out_month_with_measures"].isna().all()
    assert w["p_overspend_with_measures"].tolist() == [0.0] and w["projected_year_end"].tolist() == [12.0]
    assert np.isnan(whatif._month_numbers(pd.Series(["2026-00", None, "x", "2026-01"]))[:3]).all()
    assert whatif._month_numbers(pd.Series(["2026-01", "2025-12"])).tolist() == [2026 * 12, 2025 * 12 + 11]



def test_reduction_grid_counts_are_integers_ids_may_be_text_and_an_empty_actual_start_means_planned():
    red, cnt = whatif.reduction_grid(MEASURES, ["P", "A", "B"], 2026, province="P")
    assert cnt.dtype == np.int64
    texts = MEASURES.assign(measure_id=MEASURES["measure_id"].astype(str))
    red, cnt = whatif.reduction_grid(texts, ["A"], 2026, include=[2])
    assert red[0].tolist() == pytest.approx([0, 0, 1] + [0] * 9) and cnt.tolist() == [1]
    blank = pd.DataFrame([(1, "A", "in_progress", "2026-11", "2026-12", "", None, 24.0)], columns=COLS)
    red, cnt = whatif.reduction_grid(blank, ["A"], 2026)
    assert red[0].tolist() == pytest.approx([0] * 10 + [2, 2])


def test_outlook_edges_small_negative_and_missing_months_unknown_regions_and_no_band():
    progress = pd.DataFrame({"region": ["A"], "budget": [6.0], "projected_total": [6.5], "projected_lo90": [np.nan],
                             "projected_hi90": [np.nan], "p_overspend": [1.0], "run_out_month": ["2026-12"]})
    paths = _paths("A", 9, value=0.5)
    paths.loc[paths["month"] == 10, "value"] = -1.0          # a negative projected month is not cut further
    paths = paths[paths["month"] != 11]                         # a month missing from the path
    paths = pd.concat([paths, _paths("Z", 0, value=100.0)])     # a region the progress does not have
    o = whatif.outlook(progress, paths, MEASURES.iloc[:1], 2026).iloc[0]
    # measure 1 removes 2 a month; month 12 (0.5) gives 0.5, month 10 (−1) nothing, month 11 is missing
    assert o["measures_reduction"] == pytest.approx(0.5)
    assert o["projected_year_end_with_measures"] == pytest.approx(6.0)
    assert o["p_overspend_with_measures"] == 0.0                # no band: P is 0 or 1 (6.0 is not above 6.0)
    assert o["run_out_month_with_measures"] is None
    progress.loc[0, "budget"] = 5.5
    o = whatif.outlook(progress, paths, MEASURES.iloc[:1], 2026).iloc[0]
    assert o["p_overspend_with_measures"] == 1.0
    # cumulative with measures: 4.5 by September, −1 in October, month 11 unknown: no run-out from month 11 on
    assert o["run_out_month_with_measures"] is None
    progress.loc[0, "budget"] = 3.4
    assert whatif.outlook(progress, paths, MEASURES.iloc[:1], 2026).iloc[0]["run_out_month_with_measures"] == "2026-07"


# ---- mix: the recommended instruments and why, expected against achieved ---------------------------------------
from budget import mix  # noqa: E402

DRIVERS = [{"indicator": "out_crude_steel", "name_zh": "粗钢产量", "name_en": "Crude steel output", "yoy": 0.12},
           {"indicator": "gen_hydro", "name_zh": "水电发电量", "name_en": "Hydropower generation", "yoy": -0.2},
           {"indicator": "elec_total", "name_zh": "全社会用电量", "name_en": "Total electricity", "yoy": -0.05},
           {"indicator": "gen_thermal", "name_zh": "火电", "name_en": "Thermal", "yoy": None},
           {"indicator": "fuel_coke", "name_zh": "焦炭", "name_en": "Coke", "yoy": float("nan")}]
CONTRIBS = [{"group": "industry", "value": 20.0}, {"group": "region_other", "value": 50.0},
            {"group": "power_mix", "value": -3.0}, {"group": "electricity", "value": 4.5}]


def test_recommend_mix_order_reasons_and_what_is_in_place():
    city = pd.DataFrame({"instrument": ["phase_out", "phase_out", "weather_vane"], "title": ["淘汰A", "淘汰B", "晴雨表"],
                         "status": ["in_progress", "planned", "cancelled"]})
    out = mix.recommend_mix("overspend", DRIVERS, CONTRIBS, major_project=True, city_measures=city)
    assert list(out.columns) == mix.MIX_COLUMNS
    assert out["code"].tolist() == [
        "capacity_replacement", "regional_approval_limit", "phase_out", "green_finance",        # drivers
        "project_carbon_review", "differential_price",                                         # attribution
        "stricter_standards", "punitive_price", "weather_vane", "public_airing",                 # the status
        "lifecycle_assessment", "project_reduction_plan", "separately_listed_application",        # major project
        "phased_reduction_plan", "quota_trading"]
    rows = out.set_index("code")
    assert rows.loc["phase_out", ["why_zh", "why_en", "source"]].tolist() == [
        "粗钢产量同比 +12.0%", "crude steel output +12.0% yoy", "driver"]
    assert rows.loc["green_finance", ["why_zh", "why_en"]].tolist() == ["水电发电量同比 -20.0%",
                                                                        "hydropower generation -20.0% yoy"]
    assert rows.loc["project_carbon_review", ["why_zh", "why_en", "source"]].tolist() == [
        "快算模型归因：工业产品产量 +20.0 万吨", "nowcast attribution: industrial output +20.0 (10^4 t)", "attribution"]
    assert rows.loc["differential_price", "why_zh"] == "快算模型归因：用电量 +4.5 万吨"
    assert rows.loc["stricter_standards", ["why_zh", "why_en", "source"]].tolist() == [
        "超支情境的政策组合", "the overspend combination", "status"]
    assert rows.loc["quota_trading", ["why_zh", "why_en", "source"]].tolist() == [
        "重大项目导致预算偏紧", "a major project strains the budget", "major_project"]
    assert rows.loc["phase_out", ["in_place", "in_place_titles"]].tolist() == [True, "淘汰A；淘汰B"]
    assert rows.loc["weather_vane", ["in_place", "in_place_titles"]].tolist() == [False, ""]
    assert out["in_place"].dtype == bool and rows.loc["phase_out", "instrument_type"] == "control"


def test_recommend_mix_with_catalog_names_effective_status_and_nothing_to_go_on():
    catalog = pd.DataFrame({"code": ["industry"], "name_zh": ["工业（目录）"], "name_en": ["industry (catalog)"]})
    city = pd.DataFrame({"instrument": ["subsidy"], "title": ["补助"], "status": ["cancelled"],
                         "effective_status": ["in_progress"]})
    out = mix.recommend_mix("surplus", (), [{"group": "industry", "value": 1.0}], city_measures=city,
                            indicator_catalog=catalog).set_index("code")
    assert out.loc["capacity_replacement", "why_en"] == "nowcast attribution: industry (catalog) +1.0 (10^4 t)"
    assert out.loc["subsidy", ["in_place", "in_place_titles", "why_en"]].tolist() == [True, "补助", "the surplus combination"]
    bare = mix.recommend_mix(None)
    assert bare.empty and list(bare.columns) == mix.MIX_COLUMNS


def test_expected_against_achieved_by_hand():
    ms = pd.DataFrame([
        (1, "A", "2026-03", "2026-12", None, None, 24.0, "out_crude_steel", "in_progress"),
        (2, "A", "2026-05", "2026-09", "2025-11", "2026-02", 12.0, None, "done"),
        (3, "A", "2026-01", "2026-12", None, None, 12.0, None, "cancelled"),
        (4, "A", "2026-08", "2026-12", None, None, 12.0, "out_crude_steel", "planned"),
        (5, "A", "2026-01", "2026-02", None, None, 6.0, "elec_total", "done"),
        (6, "A", "2026-01", "2026-06", None, None, 6.0, "out_cement", "in_progress"),
    ], columns=["measure_id", "region", "planned_start", "planned_end", "actual_start", "actual_end", "reduction",
                "indicator", "status"])
    reports = pd.DataFrame([(1, "2026-04-01", 3.0, "accepted"), (1, "2026-07-01", 5.0, "pending"),
                            (2, "2026-03-01", 1.5, "pending"), (2, "2026-04-01", np.nan, "accepted")],
                           columns=["measure_id", "submitted_at", "value", "review_status"])
    drv = [("A", f"2025-{m:02d}", "out_crude_steel", 100.0) for m in range(1, 13)]
    drv += [("A", f"2026-{m:02d}", "out_crude_steel", 90.0) for m in range(1, 7)]
    drv += [("A", "2025-01", "elec_total", 50.0), ("A", "2025-02", "elec_total", 50.0),
            ("A", "2026-01", "elec_total", 55.0), ("A", "2026-02", "elec_total", 60.0),
            ("A", "2026-01", "out_cement", 5.0), ("A", "2026", "out_crude_steel", 1.0)]
    drivers = pd.DataFrame(drv, columns=["region", "period", "indicator", "value"])
    out = mix.expected_vs_achieved(ms, reports, drivers, 2026, 6).set_index("measure_id")
    assert out["months_active"].tolist() == [4, 2, 0, 0, 2, 6]
    assert out["expected_to_date"].tolist() == pytest.approx([8.0, 2.0, 0.0, 0.0, 1.0, 3.0])
    assert out.loc[1, ["reported_to_date", "reported_accepted"]].tolist() == [3.0, True]
    assert out.loc[2, ["reported_to_date", "reported_accepted"]].tolist() == [1.5, False]
    assert np.isnan(out.loc[3, "reported_to_date"]) and not out.loc[3, "reported_accepted"]
    assert out.loc[1, "indicator_yoy"] == pytest.approx(-0.1)
    assert out.loc[1, "indicator_estimate"] == pytest.approx(40 * 1.8)     # (400 − 360) t × 1.8
    assert out.loc[5, "indicator_yoy"] == pytest.approx(0.15) and np.isnan(out.loc[5, "indicator_estimate"])
    assert np.isnan(out.loc[6, "indicator_yoy"]) and np.isnan(out.loc[2, "indicator_yoy"])
    no_review = mix.expected_vs_achieved(ms.iloc[:1], reports.drop(columns="review_status"), None, 2026, 6)
    assert no_review[["reported_to_date", "reported_accepted"]].values.tolist() == [[5.0, False]]
    assert mix.expected_vs_achieved(ms.iloc[0:0], None, None, 2026, 6).empty
    rising = drivers.assign(value=np.where(drivers["period"].str.startswith("2026"), 120.0, drivers["value"]))
    up = mix.expected_vs_achieved(ms.iloc[:1], None, rising, 2026, 6).iloc[0]
    assert up["indicator_yoy"] == pytest.approx(0.2) and up["indicator_estimate"] == 0.0   # never negative


def test_a_month_missing_from_the_path_adds_nothing_to_the_cumulative():
    progress = pd.DataFrame({"region": ["A"], "budget": [1.0], "projected_total": [4.9], "projected_lo90": [4.9],
                             "projected_hi90": [4.9], "p_overspend": [1.0], "run_out_month": ["2026-11"]})
    paths = _paths("A", 9, value=0.1)
    paths.loc[paths["month"] > 10, "value"] = 2.0
    paths = paths[paths["month"] != 10]
    o = whatif.outlook(progress, paths, MEASURES.iloc[:1], 2026).iloc[0]
    # with the measure months 11 and 12 fall to 0: the cumulative stays at 0.9, under the budget of 1.0
    assert o["measures_reduction"] == pytest.approx(4.0) and o["run_out_month_with_measures"] is None


def test_mix_edges_zero_and_unknown_contributions_and_duplicate_driver_rows():
    out = mix.recommend_mix("balance", (), [{"group": "industry", "value": 0.0}, {"group": "unknown", "value": 5.0}])
    assert "attribution" not in out["source"].tolist()
    empty = mix.expected_vs_achieved(pd.DataFrame(), None, None, 2026, 6)
    assert list(empty.columns) == ["measure_id", "months_active", "expected_to_date", "reported_to_date",
                                   "reported_accepted", "indicator", "indicator_yoy", "indicator_estimate"]
    ms = pd.DataFrame([(1, "A", "2026-01", "2026-12", None, None, 12.0, "out_crude_steel", "in_progress")],
                      columns=["measure_id", "region", "planned_start", "planned_end", "actual_start", "actual_end",
                               "reduction", "indicator", "status"])
    drv = pd.DataFrame([("A", "2025-01", "out_crude_steel", 100.0), ("A", "2026-01", "out_crude_steel", 50.0),
                        ("A", "2026-01", "out_crude_steel", 80.0)], columns=["region", "period", "indicator", "value"])
    got = mix.expected_vs_achieved(ms, None, drv, 2026, 1).iloc[0]
    assert got["indicator_yoy"] == pytest.approx(-0.2)             # the last row of a repeated month wins
