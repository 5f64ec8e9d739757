"""Budget progress and status for year Y as of month m, per city and for the province (sum of cities).

See :func:`compute_progress` for inputs and output columns; the schedule is in ``budget.schedule``,
the year-end projection and p_overspend in ``budget.projection``, thresholds in ``budget.config``.

Units: CO2 in 万吨, GDP in 亿元, intensity in t CO2 per 万元 GDP
(1 万吨 / 1 亿元 = 10^4 t / 10^4 万元 = 1 t/万元, so intensity = CO2 (万吨) / GDP (亿元) directly).
GDP should be at comparable (constant) prices for the intensity change to be meaningful.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from budget import projection, schedule
from budget.periods import gdp_by_quarter, month_label, monthly_frame, previous_quarter_end, safe_ratio
from budget.status import classify_status, warning_level

PROGRESS_COLUMNS = [
    "region", "is_province", "year", "month", "as_of", "budget",
    "used_statistical", "used_estimated", "used", "months_with_data", "months_estimated", "last_data_month",
    "execution_rate", "schedule_progress", "schedule_linear", "seasonal_years", "deviation", "deviation_linear",
    "status", "warning_level", "p_overspend", "projected_total", "projected_lo90", "projected_hi90", "trend",
    "run_out_month", "remaining", "cut_needed", "last_year_rest_avg", "cut_needed_pct",
    "used_last_year", "yoy_change", "intensity", "intensity_last_year", "intensity_change", "intensity_target",
    "intensity_gap", "five_year_budget", "five_year_used", "five_year_schedule", "five_year_execution",
    "five_year_deviation", "rank", "previous_as_of", "previous_deviation", "previous_status", "previous_level",
    "previous_rank", "rank_change",
]


def _nan(x) -> float:
    return float("nan") if x is None else float(x)


def _intensity(monthly_r: pd.DataFrame, gdp_q: pd.DataFrame, region: str, year: int, month: int):
    """(intensity, intensity_last_year) over the complete quarters of months 1..m; NaN if unknown."""
    n_q = month // 3

    def one(y: int) -> float:
        g = gdp_q[(gdp_q["region"] == region) & (gdp_q["year"] == y)]
        co2 = monthly_r[(monthly_r["year"] == y)]
        if n_q == 4 and (g["quarter"] == 0).any() and not set(range(1, 5)) <= set(g["quarter"]):
            gdp = float(g.loc[g["quarter"] == 0, "value"].iloc[-1])
        else:
            gq = g[g["quarter"].between(1, n_q)]
            if n_q == 0 or gq["quarter"].nunique() < n_q:
                return float("nan")
            gdp = float(gq["value"].sum())
        months = co2[co2["month"] <= 3 * n_q]
        if months["month"].nunique() < 3 * n_q or gdp <= 0:
            return float("nan")
        return float(months["value"].sum()) / gdp

    return one(year), one(year - 1)


def _core(monthly: pd.DataFrame, budgets: pd.DataFrame, year: int, month: int, cities: list[str],
          province: str | None, gdp_q: pd.DataFrame | None, targets: pd.DataFrame | None,
          plan_start: int, plan_years: int) -> pd.DataFrame:
    pattern = schedule.seasonal_pattern(monthly, year)
    sched = schedule.schedule_progress(pattern, month)
    budget_map = {(str(r.region), int(r.year)): float(r.budget) for r in budgets.itertuples()}

    def budget_of(region: str, y: int) -> float | None:
        b = budget_map.get((region, y))
        if b is None and region == province:
            parts = [budget_map.get((c, y)) for c in cities]
            b = sum(parts) if parts and all(x is not None for x in parts) else None
        return b

    regions = list(cities) + ([province] if province else [])
    plan_years_list = list(range(plan_start, plan_start + plan_years))
    rows = []
    for region in regions:
        is_prov = region == province
        mr = monthly[monthly["region"] == region]
        cur = mr[(mr["year"] == year) & (mr["month"] <= month)]
        budget = _nan(budget_of(region, year))
        kind = cur["kind"].astype(str) if "kind" in cur.columns else pd.Series("statistical", index=cur.index)
        used_stat = float(cur.loc[kind != "estimated", "value"].sum())  # statistical or verified
        used_est = float(cur.loc[kind == "estimated", "value"].sum())
        used = used_stat + used_est
        path, summ = projection.project_region(mr, year, month)
        sp = float(sched.get(region, month / 12.0))
        execution = safe_ratio(used, budget) if len(cur) else float("nan")  # no data yet: no verdict
        deviation = safe_ratio(execution, sp) - 1
        lin = month / 12.0
        deviation_linear = safe_ratio(execution, lin) - 1
        p = projection.overspend_probability(budget, summ["projected_total"], summ["projected_sd"])
        prev = mr[mr["year"] == year - 1]
        rest = prev[prev["month"] > month]["value"]
        last_rest_avg = float(rest.mean()) if month < 12 and len(rest) == 12 - month else float("nan")
        cut = (budget - used) / (12 - month) if month < 12 else float("nan")
        same = prev[prev["month"].isin(cur["month"])]
        used_ly = float(same["value"].sum()) if len(same) == len(cur) and len(cur) else float("nan")
        intensity, intensity_ly = (float("nan"), float("nan"))
        if gdp_q is not None:
            intensity, intensity_ly = _intensity(mr, gdp_q, region, year, month)
        target = float("nan")
        if targets is not None:
            t = targets[(targets["region"] == region) & (targets["year"] == year)]["intensity_target"]
            target = float(t.iloc[-1]) if len(t) else float("nan")
        pb = [budget_of(region, y) for y in plan_years_list]
        five_budget = float(sum(pb)) if all(b is not None for b in pb) else float("nan")
        in_plan = mr[(mr["year"] >= plan_start) & ((mr["year"] < year) | ((mr["year"] == year) & (mr["month"] <= month)))]
        five_used = float(in_plan["value"].sum()) if plan_start <= year else float("nan")
        before = [budget_of(region, y) for y in range(plan_start, year)]
        five_sched_amount = (sum(before) if all(b is not None for b in before) else float("nan")) + budget * sp
        five_sched = safe_ratio(five_sched_amount, five_budget)
        five_exec = safe_ratio(five_used, five_budget)
        status = classify_status(deviation)
        rows.append({
            "region": region, "is_province": is_prov, "year": year, "month": month,
            "as_of": month_label(year, month), "budget": budget,
            "used_statistical": used_stat, "used_estimated": used_est, "used": used,
            "months_with_data": int(cur["month"].nunique()), "months_estimated": int((kind == "estimated").sum()),
            "last_data_month": summ["last_data_month"],
            "execution_rate": execution, "schedule_progress": sp, "schedule_linear": lin,
            "seasonal_years": int(pattern.loc[pattern["region"] == region, "n_years"].max()) if region in sched.index else 0,
            "deviation": deviation, "deviation_linear": deviation_linear,
            "status": status, "warning_level": warning_level(deviation, p), "p_overspend": p,
            "projected_total": summ["projected_total"], "projected_lo90": summ["projected_lo90"],
            "projected_hi90": summ["projected_hi90"], "trend": summ["trend"],
            "run_out_month": projection.run_out_month(path, budget, year),
            "remaining": budget - used, "cut_needed": cut, "last_year_rest_avg": last_rest_avg,
            "cut_needed_pct": safe_ratio(cut, last_rest_avg) - 1,
            "used_last_year": used_ly, "yoy_change": safe_ratio(used, used_ly) - 1,
            "intensity": intensity, "intensity_last_year": intensity_ly,
            "intensity_change": safe_ratio(intensity, intensity_ly) - 1,
            "intensity_target": target, "intensity_gap": safe_ratio(intensity, target) - 1,
            "five_year_budget": five_budget, "five_year_used": five_used,
            "five_year_schedule": five_sched, "five_year_execution": five_exec,
            "five_year_deviation": safe_ratio(five_exec, five_sched) - 1,
        })
    out = pd.DataFrame(rows)
    city_mask = ~out["is_province"]
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out.loc[city_mask, "rank"] = out.loc[city_mask, "deviation"].rank(ascending=False, method="min").astype("Int64")
    return out


def compute_progress(
    co2: pd.DataFrame,
    budgets: pd.DataFrame,
    year: int,
    month: int,
    *,
    gdp: pd.DataFrame | None = None,
    intensity_targets: pd.DataFrame | None = None,
    province: str | None = None,
    cities: list[str] | None = None,
    plan_start: int | None = None,
    plan_years: int = 5,
    with_previous: bool = True,
) -> pd.DataFrame:
    """Progress of every city (and the province) for ``year`` as of ``month`` (1..12).

    Inputs
    - ``co2``: region, period (YYYY-MM), value (万吨), kind ('statistical' | 'estimated';
      'verified' counts as statistical), lo90, hi90 (90% band of estimated rows, NaN otherwise). Rows of ``province`` itself are
      ignored: the province is the sum of the cities. Data after ``month`` are ignored.
    - ``budgets``: region, year, budget (万吨), e.g. ``ledger.region_budgets(balances, province)``.
      The province row's budget is its own row if present, else the sum of the cities'.
    - ``gdp``: region, period (YYYY-Qn or YYYY), value (亿元); optional.
    - ``intensity_targets``: region, year, intensity_target (t CO2 / 万元); optional.
    - ``cities``: defaults to every region of ``co2`` except ``province``.
    - ``plan_start``: first plan year (default: the first year in ``budgets``).

    Output: one row per city (sorted by code) then the province, columns ``PROGRESS_COLUMNS``:
    budget; used_statistical, used_estimated, used (months 1..m); execution_rate = used/budget;
    schedule_progress (seasonal) and schedule_linear (m/12); deviation = execution/schedule − 1
    (deviation_linear against m/12); status; warning_level; p_overspend, projected_total and its
    90% band, trend (recent yoy factor); run_out_month ('YYYY-MM' or None); remaining = budget − used;
    cut_needed = remaining / (12 − m) (万吨/month), last_year_rest_avg (months m+1..12 of Y−1),
    cut_needed_pct = cut_needed / last_year_rest_avg − 1; used_last_year and yoy_change over the same
    months; intensity (t/万元, complete quarters to date), intensity_last_year, intensity_change,
    intensity_target, intensity_gap = intensity/target − 1; five_year_budget, five_year_used (since
    plan start), five_year_schedule (share of the five-year budget due by now), five_year_execution,
    five_year_deviation; rank (cities by deviation, 1 = worst); previous_* = the same computation
    as of the last month of the previous quarter, rank_change = previous_rank − rank (> 0: moved
    towards rank 1, i.e. worse).
    """
    if not 1 <= int(month) <= 12:
        raise ValueError("month must be in 1..12")
    year, month = int(year), int(month)
    monthly = monthly_frame(co2)
    for col in ("kind", "lo90", "hi90"):
        if col not in monthly.columns:
            monthly[col] = "statistical" if col == "kind" else np.nan
    if cities is None:
        cities = sorted(r for r in monthly["region"].unique() if r != province)
    cities = [str(c) for c in cities]
    monthly = monthly[monthly["region"].isin(cities)]
    if province:
        monthly = pd.concat([monthly, projection.province_monthly(monthly, cities, province)], ignore_index=True)
    budgets = budgets.assign(region=budgets["region"].astype(str), year=budgets["year"].astype(int))
    if plan_start is None:
        plan_start = int(budgets["year"].min()) if len(budgets) else year
    gdp_q = None
    if gdp is not None:
        gdp_q = gdp_by_quarter(gdp)
        if province and not (gdp_q["region"] == province).any():
            city_q = gdp_q[gdp_q["region"].isin(cities)]
            agg = city_q.groupby(["year", "quarter"]).agg(value=("value", "sum"), n=("region", "nunique")).reset_index()
            agg = agg[agg["n"] == len(cities)].drop(columns="n").assign(region=province)
            gdp_q = pd.concat([gdp_q, agg], ignore_index=True)
    targets = None
    if intensity_targets is not None:
        targets = intensity_targets.rename(columns={"target": "intensity_target", "value": "intensity_target"})
        targets = targets.assign(region=targets["region"].astype(str), year=targets["year"].astype(int))
    cur = _core(monthly, budgets, year, month, cities, province, gdp_q, targets, plan_start, plan_years)
    for col in ("previous_as_of", "previous_deviation", "previous_status", "previous_level"):
        cur[col] = None if col != "previous_deviation" else np.nan
    cur["previous_rank"] = pd.array([pd.NA] * len(cur), dtype="Int64")
    if with_previous:
        py, pm = previous_quarter_end(year, month)
        has_budget = budgets[budgets["year"] == py]
        if len(has_budget):
            prev = _core(monthly, budgets, py, pm, cities, province, gdp_q, targets, plan_start, plan_years)
            prev = prev.set_index("region")
            cur["previous_as_of"] = month_label(py, pm)
            cur["previous_deviation"] = cur["region"].map(prev["deviation"]).astype(float)
            cur["previous_status"] = cur["region"].map(prev["status"])
            cur["previous_level"] = cur["region"].map(prev["warning_level"])
            cur["previous_rank"] = cur["region"].map(prev["rank"]).astype("Int64")
    cur["rank_change"] = (cur["previous_rank"] - cur["rank"]).astype("Int64")
    return cur[PROGRESS_COLUMNS].reset_index(drop=True)
