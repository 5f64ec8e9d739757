"""Progress, status thresholds, p_overspend, schedule, alerts, rankings and the demo plan."""
from __future__ import annotations

import re
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

import budget as B
from demo_province.plan_entries import demo_plan_entries
from budget.periods import monthly_frame

SEASON = np.array([1.05, 0.85, 1.0, 0.95, 0.97, 1.02, 1.08, 1.1, 1.0, 0.98, 1.0, 1.0])
SEASON = SEASON / SEASON.sum() * 12
CATALOG = pd.read_csv(Path(__file__).resolve().parent.parent / "data" / "indicators.csv")
# code -> (CO2 2025 万吨, growth per year, GDP 2025 亿元, crude-steel growth per year)
# falling (F, B), flat (S) and rising with a new plant (R)
DEMO_CITIES = {"F": (1000, -0.06, 2000, -0.02), "B": (700, -0.03, 1500, 0.0), "S": (600, 0.0, 1300, 0.0),
               "R": (800, 0.05, 1500, 0.12)}


def make_province(cities=DEMO_CITIES, end=(2026, 9), stat_until=(2025, 3)):
    """Synthetic province P: monthly CO2 (statistical, then estimated with a ±5% band), GDP, drivers."""
    co2, gdp, drv = [], [], []
    for c, (level, g, gdp0, steel_g) in cities.items():
        for y in range(2021, end[0] + 1):
            for m in range(1, 13):
                if (y, m) > end:
                    break
                v = level * (1 + g) ** (y - 2025) / 12 * SEASON[m - 1]
                est = (y, m) > stat_until
                co2.append((c, f"{y}-{m:02d}", v, "estimated" if est else "statistical",
                            v * 0.95 if est else np.nan, v * 1.05 if est else np.nan))
                drv += [(c, f"{y}-{m:02d}", "out_crude_steel", 50 * (1 + steel_g) ** (y - 2025)),
                        (c, f"{y}-{m:02d}", "gen_thermal", 100 * (1 + g / 2) ** (y - 2025)),
                        (c, f"{y}-{m:02d}", "gen_solar", 10 * 1.3 ** (y - 2025))]
            gdp += [(c, f"{y}-Q{q}", gdp0 * 1.05 ** (y - 2025) / 4) for q in range(1, 5) if (y, 3 * q) <= end]
    regions = pd.DataFrame([("P", "示范省", "Demo", "CN", "province")] + [(c, c, c, "P", "city") for c in cities],
                           columns=["code", "name_zh", "name_en", "parent", "level"])
    return (pd.DataFrame(co2, columns=["region", "period", "value", "kind", "lo90", "hi90"]),
            pd.DataFrame(gdp, columns=["region", "period", "value"]),
            pd.DataFrame(drv, columns=["region", "period", "indicator", "value"]), regions)


@pytest.fixture(scope="module")
def demo():
    co2, gdp, drv, regions = make_province()
    entries = demo_plan_entries(co2[co2["period"] < "2026-01"], gdp, regions,
                                  major_project_region="R", major_project_name="新建炼化项目")
    bal = B.apply(entries)
    budgets = B.region_budgets(bal, province="P")
    progress = B.compute_progress(co2, budgets, 2026, 9, gdp=gdp, province="P")
    return {"co2": co2, "gdp": gdp, "drv": drv, "entries": entries, "bal": bal, "budgets": budgets, "progress": progress}


def test_status_and_warning_thresholds_at_their_edges():
    # literal thresholds as the README states them (not read from budget.config, so changing one fails here)
    assert B.classify_status(0.03) == "balance"
    assert B.classify_status(-0.03) == "balance"
    assert B.classify_status(1.03 / 1.0 - 1) == "balance"  # 0.030000000000000027 in floating point
    assert B.classify_status(0.03 + 1e-6) == "overspend"
    assert B.classify_status(-0.03 - 1e-6) == "surplus"
    assert B.classify_status(float("nan")) is None
    assert B.warning_level(0.08, 0.0) == "orange"
    assert B.warning_level(0.08 + 1e-6, 0.0) == "red"
    assert B.warning_level(0.03, 0.0) == "green"
    assert B.warning_level(0.03 + 1e-6, 0.0) == "orange"
    assert B.warning_level(0.0, 0.5) == "orange"
    assert B.warning_level(0.0, 0.5 - 1e-6) == "green"
    assert B.warning_level(0.0, 0.8) == "red"
    assert B.warning_level(float("nan"), float("nan")) == "green"


def _flat_region(values_2026, kinds=None, band=None):
    rows = [("X", f"{y}-{m:02d}", 100.0, "statistical", np.nan, np.nan) for y in (2023, 2024, 2025) for m in range(1, 13)]
    for m, v in enumerate(values_2026, start=1):
        kind = (kinds or {}).get(m, "statistical")
        lo, hi = (band or {}).get(m, (np.nan, np.nan))
        rows.append(("X", f"2026-{m:02d}", v, kind, lo, hi))
    return pd.DataFrame(rows, columns=["region", "period", "value", "kind", "lo90", "hi90"])


def test_status_edges_through_compute_progress():
    co2 = _flat_region([100.0] * 6)  # used 600, flat pattern -> schedule 0.5
    for budget, status in ((600 / 0.5 / 1.03, "balance"), (600 / 0.5 / 1.0300001, "overspend"),
                           (600 / 0.5 / 0.97, "balance"), (600 / 0.5 / 0.9699999, "surplus")):
        p = B.compute_progress(co2, pd.DataFrame({"region": ["X"], "year": [2026], "budget": [budget]}), 2026, 6)
        assert p["schedule_progress"].iloc[0] == pytest.approx(0.5)
        assert p["status"].iloc[0] == status, budget


def test_p_overspend_known_answer_one_estimated_month():
    lo, hi = 90.0, 110.0
    co2 = _flat_region([100.0] * 12, kinds={12: "estimated"}, band={12: (lo, hi)})
    budget = 1205.0
    p = B.compute_progress(co2, pd.DataFrame({"region": ["X"], "year": [2026], "budget": [budget]}), 2026, 12)
    sd = (hi - lo) / (2 * NormalDist().inv_cdf(0.95))
    expected = 1 - NormalDist().cdf((budget - 1200.0) / sd)
    assert p["p_overspend"].iloc[0] == pytest.approx(expected, abs=1e-9)
    assert p["projected_total"].iloc[0] == pytest.approx(1200.0)
    assert B.overspend_probability(100.0, 101.0, 0.0) == 1.0 and B.overspend_probability(100.0, 100.0, 0.0) == 0.0


def test_p_overspend_known_answer_projected_month():
    co2 = _flat_region([110.0] * 11)  # +10% yoy -> trend 1.1, December projected as 110 with sd 0.03 × 110
    budget = 1325.0
    p = B.compute_progress(co2, pd.DataFrame({"region": ["X"], "year": [2026], "budget": [budget]}), 2026, 11).iloc[0]
    sd = 0.03 * 110.0   # 3% of the month per projected month (README: projection band), written out
    assert p["trend"] == pytest.approx(1.1)
    assert p["projected_total"] == pytest.approx(1320.0)
    assert p["p_overspend"] == pytest.approx(1 - NormalDist().cdf((budget - 1320.0) / sd), abs=1e-9)
    assert p["cut_needed"] == pytest.approx(budget - 1210.0)
    assert p["cut_needed_pct"] == pytest.approx((budget - 1210.0) / 100.0 - 1)
    assert p["run_out_month"] is None or pd.isna(p["run_out_month"])
    p2 = B.compute_progress(co2, pd.DataFrame({"region": ["X"], "year": [2026], "budget": [1250.0]}), 2026, 11).iloc[0]
    assert p2["run_out_month"] == "2026-12"


def test_seasonal_schedule_sums_to_one_and_uses_last_three_complete_years():
    rows = []
    for y, scale in ((2021, 5.0), (2022, 1.0), (2023, 1.0), (2024, 1.0)):
        for m in range(1, 13):
            weight = (SEASON[m - 1] if y > 2021 else (12.0 if m == 1 else 1.0))
            rows.append(("X", f"{y}-{m:02d}", weight * scale * (1 + 0.1 * (y - 2022))))
    rows += [("X", "2025-01", 1.0), ("Y", "2024-01", 5.0)]  # incomplete years are ignored
    m = monthly_frame(pd.DataFrame(rows, columns=["region", "period", "value"]))
    pat = B.seasonal_pattern(m, 2026)
    x = pat[pat["region"] == "X"]
    assert x["n_years"].iloc[0] == 3  # 2022-2024; 2025 incomplete, 2021 too old
    assert x["cum_share"].iloc[-1] == 1.0
    assert x["share"].sum() == pytest.approx(1.0)
    assert x["share"].to_numpy() == pytest.approx(SEASON / 12)
    assert B.schedule_progress(pat, 12).tolist() == [1.0, 1.0]
    y = pat[pat["region"] == "Y"]
    assert y["n_years"].iloc[0] == 0 and y["cum_share"].to_numpy() == pytest.approx(np.arange(1, 13) / 12)


def test_progress_province_is_sum_of_cities_and_previous_quarter(demo):
    p = demo["progress"].set_index("region")
    assert list(demo["progress"]["region"]) == ["B", "F", "R", "S", "P"]
    cities = p.drop(index="P")
    assert p.loc["P", "used"] == pytest.approx(cities["used"].sum())
    assert p.loc["P", "budget"] == pytest.approx(demo["bal"].totals.set_index("year").loc[2026, "province_total"])
    assert p.loc["R", "used_statistical"] == 0 and p.loc["R", "used_estimated"] > 0
    assert p.loc["R", "previous_as_of"] == "2026-06" and p.loc["R", "previous_level"] == "red"
    assert p.loc["F", "intensity"] == pytest.approx(p.loc["F", "used"] / (2000 * 1.05 * 0.75))
    assert p.loc["F", "intensity_change"] < 0 and p.loc["R", "yoy_change"] == pytest.approx(0.05)
    assert p.loc["R", "run_out_month"] == "2026-12" and pd.isna(p.loc["F", "run_out_month"])
    assert 0 < p.loc["F", "five_year_schedule"] < 0.2
    assert list(demo["progress"].columns) == B.PROGRESS_COLUMNS


def test_demo_plan_balances_and_shows_all_three_statuses(demo):
    bal = demo["bal"]
    assert B.check_balanced(bal)
    t = bal.totals.set_index("year")
    assert list(t.index) == [2026, 2027, 2028, 2029, 2030]
    base = sum(v[0] for v in DEMO_CITIES.values())
    sl = t.loc[2026, "separately_listed"]
    assert t.loc[2026, "province_total"] - sl == pytest.approx(base * 0.98, abs=0.01)
    assert t.loc[2026, "reserve"] == pytest.approx(0.03 * base * 0.98, abs=0.01)
    assert t.loc[2027, "province_total"] < t.loc[2026, "province_total"]
    assert bal.projects["region"].unique().tolist() == ["R"]
    p = demo["progress"].set_index("region")
    # a flat city overspends a declining budget; a slowly falling one is in balance
    assert p.loc[["F", "B", "S", "R"], "status"].tolist() == ["surplus", "balance", "overspend", "overspend"]
    assert p.loc["F", "warning_level"] == "green" and p.loc["R", "warning_level"] == "red"


def test_alerts_name_the_top_driver_in_zh_and_en(demo):
    est = demo["co2"][demo["co2"]["kind"] == "estimated"][["region", "period"]].copy()
    est["contributions"] = [{"industry": 30.0 if p >= "2026" else 20.0, "power": 10.0} if r == "R" else {"power": 5.0}
                            for r, p in zip(est["region"], est["period"])]
    alerts = B.build_alerts(demo["progress"], drivers=demo["drv"], indicator_catalog=CATALOG, estimates=est,
                            major_projects=demo["bal"].projects)
    assert alerts["region"].tolist()[0] == "R"
    assert "F" not in alerts["region"].tolist()
    a = alerts.iloc[0]
    assert a["warning_level"] == "red"
    assert re.search(r"1–9月累计排放超时序进度 \d+\.\d%", a["reason_zh"])
    assert "粗钢产量同比 +12.0%" in a["reason_zh"] and "新建炼化项目" in a["reason_zh"]
    assert "Jan–Sep cumulative emissions" in a["reason_en"] and "crude steel output +12.0% yoy" in a["reason_en"]
    # nowcast attribution: industry +10 万吨/month over the 6 months estimated in both years
    assert "工业产品产量同比 +60.0 万吨" in a["reason_zh"] and "industrial output +60.0" in a["reason_en"]
    assert a["drivers"][0]["indicator"] == "out_crude_steel"
    assert a["policy_cases"] == ["overspend", "major_project"]
    kinds = {(p["case"], p["instrument_type"]) for p in a["policies"]}
    assert {("overspend", "control"), ("overspend", "economic"), ("overspend", "information")} <= kinds
    assert any(p["case"] == "major_project" for p in a["policies"])


def test_policy_toolbox_covers_every_case():
    tb = B.policy_toolbox()
    assert list(tb.columns) == ["case", "instrument_type", "name_zh", "name_en", "description_zh", "description_en"]
    assert set(tb["case"]) == {"surplus", "balance", "overspend", "major_project"}
    assert set(tb["instrument_type"]) == {"control", "economic", "information"}
    assert set(B.recommend_policies("surplus")["instrument_type"]) == {"economic", "information"}
    assert (tb[["name_zh", "name_en", "description_zh", "description_en"]] != "").all().all()


def test_rankings_order_and_rank_change(demo):
    r = B.rank_cities(demo["progress"])
    assert r["region"].tolist() == ["R", "S", "B", "F"]  # deviation, worst first
    assert r["rank_deviation"].tolist() == [1, 2, 3, 4]
    assert r.set_index("region").loc["R", "rank_yoy"] == 1
    assert r.set_index("region")["rank_intensity"].to_dict() == {"R": 1, "S": 2, "B": 3, "F": 4}  # F declines most
    prev = demo["progress"].copy()
    prev["deviation"] = prev["region"].map({"F": 0.5, "B": 0.4, "R": 0.0, "S": -0.5, "P": 0.0})
    r2 = B.rank_cities(demo["progress"], previous=prev).set_index("region")
    assert r2.loc["R", "rank_change_deviation"] == 2 and r2.loc["F", "rank_change_deviation"] == -3


def test_budget_package_stays_pure_and_small():
    pkg = Path(B.__file__).resolve().parent
    for f in pkg.glob("*.py"):
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+(streamlit|duckdb)\b", text, re.M), f.name
        assert len(text.splitlines()) <= 400, f.name
