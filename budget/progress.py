"""Budget progress and status for year Y as of month m, per city and for the province (sum of cities).

See :func:`compute_progress` for inputs and output columns; the schedule is in ``budget.schedule``,
the year-end projection and p_overspend in ``budget.projection``, thresholds in ``budget.config``.
Every quantity is computed for all regions at once on region × month arrays
(``projection.monthly_grid``), never region by region.

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
    "previous_rank", "rank_change", "previous_intensity_change", "previous_yoy_change", "previous_p_overspend",
]

PREVIOUS_METRICS = ("intensity_change", "yoy_change", "p_overspend")


def _budget_table(budgets: pd.DataFrame, regions: list[str], cities: list[str], province: str | None,
                  years: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(values, present), both (regions × years): the budget of each region and year (the last row
    wins); the province without its own row gets the sum of the cities' when every city has one."""
    b = budgets.drop_duplicates(["region", "year"], keep="last")
    s = pd.Series(b["budget"].astype(float).to_numpy(), index=pd.MultiIndex.from_arrays([b["region"], b["year"]]))
    key = pd.MultiIndex.from_product([regions, years])
    values = s.reindex(key).to_numpy(dtype=float, copy=True).reshape(len(regions), len(years))
    present = np.array(key.isin(s.index)).reshape(len(regions), len(years))
    if province and province in regions:
        p = regions.index(province)
        rows = [regions.index(c) for c in cities if c in regions]
        for j in range(len(years)):
            if not present[p, j] and cities and len(rows) == len(cities) and present[rows, j].all():
                values[p, j], present[p, j] = float(sum(values[rows, j].tolist())), True
    return values, present


def _intensity(grid: projection.Grid, gdp_q: pd.DataFrame, year: int, month: int) -> tuple[np.ndarray, np.ndarray]:
    """(intensity, intensity_last_year) per region of ``grid`` over the complete quarters of months 1..m;
    NaN if unknown. GDP: the sum of quarters 1..n (an annual row at n = 4 when a quarter is missing);
    every month of those quarters must have CO2 and the GDP must be positive."""
    n_r, n_q = len(grid.regions), month // 3
    out = []
    for y, has, value in ((year, grid.has, grid.value), (year - 1, grid.prev_has, grid.prev_value)):
        if n_q == 0:
            out.append(np.full(n_r, np.nan))
            continue
        q = gdp_q[gdp_q["year"] == y]
        r = pd.Index(grid.regions).get_indexer(q["region"].astype(str))
        qn = q["quarter"].to_numpy(dtype=int)
        ok = (r >= 0) & (qn >= 0) & (qn <= 4)
        has_q, q_val = np.zeros((n_r, 5), bool), np.full((n_r, 5), np.nan)
        has_q[r[ok], qn[ok]] = True
        q_val[r[ok], qn[ok]] = q["value"].to_numpy(dtype=float)[ok]
        annual = (n_q == 4) & has_q[:, 0] & ~has_q[:, 1:5].all(axis=1)
        quarters_ok = has_q[:, 1:n_q + 1].all(axis=1)
        gdp = np.where(annual, q_val[:, 0], np.where(quarters_ok, np.nansum(q_val[:, 1:n_q + 1], axis=1), np.nan))
        months_ok = has[:, :3 * n_q].all(axis=1)
        co2 = np.where(has[:, :3 * n_q], np.nan_to_num(value[:, :3 * n_q], nan=0.0), 0.0).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            res = np.where((annual | quarters_ok) & months_ok & ~(gdp <= 0), co2 / np.where(gdp == 0, 1.0, gdp), np.nan)
        out.append(res)
    return out[0], out[1]


def _core(monthly: pd.DataFrame, budgets: pd.DataFrame, year: int, month: int, cities: list[str],
          province: str | None, gdp_q: pd.DataFrame | None, targets: pd.DataFrame | None,
          plan_start: int, plan_years: int, rules: dict | None = None) -> pd.DataFrame:
    """The progress rows (cities then the province) for ``year`` as of ``month``, all regions at once."""
    regions = list(cities) + ([province] if province else [])
    n = len(regions)
    pattern = schedule.seasonal_pattern(monthly, year)
    sched = schedule.schedule_progress(pattern, month)
    lin = month / 12.0
    in_sched = pd.Index(regions).isin(sched.index)
    sp = np.where(in_sched, sched.reindex(regions).to_numpy(dtype=float), lin)
    n_years = pattern.groupby("region")["n_years"].max().reindex(regions)
    seasonal_years = np.where(in_sched, n_years.fillna(0).to_numpy(), 0).astype(np.int64)

    plan_list = list(range(plan_start, plan_start + plan_years))
    before_list = list(range(plan_start, year))
    years = sorted({year, *plan_list, *before_list})
    values, present = _budget_table(budgets, regions, cities, province, years)
    col = {y: j for j, y in enumerate(years)}
    jy = col[year]
    budget = np.where(present[:, jy], values[:, jy], np.nan)

    def total(ys: list[int]) -> np.ndarray:
        js = [col[y] for y in ys]
        return np.where(present[:, js].all(axis=1), projection.seq_sum(values[:, js]), np.nan)

    grid = projection.monthly_grid(monthly, regions, year, month)
    proj = projection.project_grid(grid, year)
    summ = proj.summary
    val0 = np.nan_to_num(grid.value, nan=0.0)
    used_stat = np.where(grid.has & ~grid.estimated, val0, 0.0).sum(axis=1)
    used_est = np.where(grid.estimated, val0, 0.0).sum(axis=1)
    used = used_stat + used_est
    n_months = grid.has.sum(axis=1)
    execution = np.where(n_months > 0, safe_ratio(used, budget), np.nan)
    deviation = safe_ratio(execution, sp) - 1
    p = projection.overspend_probabilities(budget, summ["projected_total"], summ["projected_sd"])
    prev0 = np.nan_to_num(grid.prev_value, nan=0.0)
    rest_has = grid.prev_has[:, month:]
    rest_valid = rest_has & ~np.isnan(grid.prev_value[:, month:])
    with np.errstate(invalid="ignore", divide="ignore"):
        rest_mean = np.where(rest_has, prev0[:, month:], 0.0).sum(axis=1) / rest_valid.sum(axis=1)
    last_rest_avg = np.where((month < 12) & rest_has.all(axis=1) & (rest_valid.sum(axis=1) > 0), rest_mean, np.nan)
    split_pair = grid.prev_combined & grid.has[:, 0] & ~grid.has[:, 1]   # last year's Jan–Feb total vs this Jan alone
    last_rest_avg = np.where(grid.prev_combined & (month < 2), np.nan, last_rest_avg)
    cut = (budget - used) / (12 - month) if month < 12 else np.full(n, np.nan)
    same_ok = (n_months > 0) & ~(grid.has & ~grid.prev_has).any(axis=1)
    used_ly = np.where(same_ok & ~split_pair, np.where(grid.has & grid.prev_has, prev0, 0.0).sum(axis=1), np.nan)
    intensity = intensity_ly = np.full(n, np.nan)
    if gdp_q is not None:
        intensity, intensity_ly = _intensity(grid, gdp_q, year, month)
    target = np.full(n, np.nan)
    if targets is not None:
        t = targets[targets["year"] == year].drop_duplicates("region", keep="last")
        target = t.set_index("region")["intensity_target"].astype(float).reindex(regions).to_numpy(dtype=float)
    five_budget = total(plan_list) if plan_list else np.zeros(n)
    yr, mo = monthly["year"].to_numpy(), monthly["month"].to_numpy()
    in_plan = monthly[(yr >= plan_start) & ((yr < year) | ((yr == year) & (mo <= month)))]
    five_used = in_plan.groupby("region")["value"].sum().reindex(regions, fill_value=0.0).to_numpy(dtype=float)
    if plan_start > year:
        five_used = np.full(n, np.nan)
    five_sched_amount = (total(before_list) if before_list else np.zeros(n)) + budget * sp
    five_sched = safe_ratio(five_sched_amount, five_budget)
    five_exec = safe_ratio(five_used, five_budget)
    dev_list, p_list = deviation.tolist(), p.tolist()
    out = pd.DataFrame({
        "region": regions, "is_province": np.array([r == province for r in regions], dtype=bool),
        "year": year, "month": month, "as_of": month_label(year, month), "budget": budget,
        "used_statistical": used_stat, "used_estimated": used_est, "used": used,
        "months_with_data": n_months.astype(np.int64), "months_estimated": grid.estimated.sum(axis=1).astype(np.int64),
        "last_data_month": summ["last_data_month"].tolist(),
        "execution_rate": execution, "schedule_progress": sp, "schedule_linear": lin,
        "seasonal_years": seasonal_years,
        "deviation": deviation, "deviation_linear": safe_ratio(execution, lin) - 1,
        "status": [classify_status(d, rules) for d in dev_list],
        "warning_level": [warning_level(d, q, rules) for d, q in zip(dev_list, p_list)], "p_overspend": p,
        "projected_total": summ["projected_total"].to_numpy(), "projected_lo90": summ["projected_lo90"].to_numpy(),
        "projected_hi90": summ["projected_hi90"].to_numpy(), "trend": summ["trend"].to_numpy(),
        "run_out_month": projection.run_out_months(proj.cumulative, budget, year),
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
    rules: dict | None = None,
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
    cur = _core(monthly, budgets, year, month, cities, province, gdp_q, targets, plan_start, plan_years, rules)
    for col in ("previous_as_of", "previous_deviation", "previous_status", "previous_level"):
        cur[col] = None if col != "previous_deviation" else np.nan
    cur["previous_rank"] = pd.array([pd.NA] * len(cur), dtype="Int64")
    for col in PREVIOUS_METRICS:  # so every ranking, not only the deviation one, knows last quarter's rank
        cur[f"previous_{col}"] = np.nan
    if with_previous:
        py, pm = previous_quarter_end(year, month)
        has_budget = budgets[budgets["year"] == py]
        if len(has_budget):
            prev = _core(monthly, budgets, py, pm, cities, province, gdp_q, targets, plan_start, plan_years, rules)
            prev = prev.set_index("region")
            cur["previous_as_of"] = month_label(py, pm)
            cur["previous_deviation"] = cur["region"].map(prev["deviation"]).astype(float)
            cur["previous_status"] = cur["region"].map(prev["status"])
            cur["previous_level"] = cur["region"].map(prev["warning_level"])
            cur["previous_rank"] = cur["region"].map(prev["rank"]).astype("Int64")
            for col in PREVIOUS_METRICS:
                cur[f"previous_{col}"] = cur["region"].map(prev[col]).astype(float)
    cur["rank_change"] = (cur["previous_rank"] - cur["rank"]).astype("Int64")
    return cur[PROGRESS_COLUMNS].reset_index(drop=True)
