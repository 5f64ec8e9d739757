"""Annual final accounts (年度决算) for year Y, per city and for the province (sum of the cities).

Pure: :func:`close_year` takes DataFrames and returns the close (see ``CLOSE_COLUMNS``). What it does:

- accounted emissions = Σ monthly co2_total of the year: statistical where known, else the nowcast
  estimate; months still estimated (or missing) are listed and make the close **provisional**;
- intensity = CO2 (万吨) / GDP (亿元) = t CO2 per 万元; its change on last year; the target;
- execution rate = accounted / budget; deviation = execution − 1 (the schedule is 100% at year end);
  conclusion = ``budget.status.classify_status(deviation)`` (surplus / balance / overspend, ±3%);
- against the five-year schedule: budgets of the plan years up to Y against the five-year total,
  and what was used;
- causes: additive LMDI (``budget.lmdi``) of the change against last year and against the budget
  path (the budget = expected GDP × intensity target, with last year's structure and carbon
  intensity of energy: the planned decline is energy-intensity improvement);
- the dynamic adjustment rule (``budget.adjustment_rule``) → proposed next-year budget and reason.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from budget import adjustment_rule, lmdi
from budget.periods import annual_gdp, monthly_frame, safe_ratio, split_months
from budget.status import classify_status

#: The 14th five-year plan period started in 2021; periods run 2021–2025, 2026–2030, …
FYP_ANCHOR = 2021
FYP_YEARS = 5
#: Budget-path GDP growth when no intensity target tells the expected GDP (budget / target).
DEFAULT_GDP_GROWTH = 0.05

CLOSE_COLUMNS = [
    "region", "is_province", "year", "budget", "accounted", "accounted_statistical", "accounted_estimated",
    "months_estimated", "months_missing", "execution_rate", "deviation", "conclusion", "gdp", "intensity",
    "intensity_last_year", "intensity_change", "intensity_target", "intensity_gap", "energy_tce",
    "elec_secondary_share", "five_year_budget", "five_year_budget_to_date", "five_year_used_to_date",
    "five_year_schedule", "five_year_execution", "five_year_deviation", "last_year", "change_vs_last_year",
    *[f"lmdi_{f}" for f in lmdi.FACTORS], "lmdi_method", "change_vs_budget",
    *[f"lmdi_budget_{f}" for f in lmdi.FACTORS],
    "next_budget", "adjustment_kind", "adjustment", "proposed_next_budget", "reason_zh", "reason_en", "debt",
]
ENERGY_INDICATORS = tuple(lmdi.TCE_PER_UNIT) + lmdi.PRIMARY_ELECTRICITY
DRIVER_INDICATORS = ("elec_total",) + lmdi.ELEC_INDICATORS + ENERGY_INDICATORS


def five_year_period(year: int) -> tuple[int, int]:
    """(first, last) year of the five-year plan period containing ``year`` (2023 → (2021, 2025))."""
    start = int(year) - (int(year) - FYP_ANCHOR) % FYP_YEARS
    return start, start + FYP_YEARS - 1


def period_of(year: int, plan_periods) -> tuple[int, int]:
    """The period of the plans in the warehouse containing ``year`` (``plan_periods``: (first, last) pairs,
    e.g. a 2024–2028 plan); the national five-year period only when no plan covers the year. Of two plans
    covering it, the one starting latest wins (a new plan replacing an old one)."""
    covering = [(int(a), int(b)) for a, b in plan_periods if int(a) <= int(year) <= int(b)]
    return max(covering) if covering else five_year_period(year)


def plan_periods_for(years, plan_periods) -> list[tuple[int, int]]:
    """Every period the budget ``years`` fall in, plans first (newest first)."""
    return sorted({period_of(y, plan_periods) for y in years} | {(int(a), int(b)) for a, b in plan_periods}, reverse=True)


def _annual(monthly: pd.DataFrame, regions: list[str], years: list[int]) -> pd.DataFrame:
    """region × year sums (indexed), NaN where a region has no month in the year."""
    m = monthly[monthly["year"].isin(years)]
    g = m.groupby(["region", "year"])["value"].sum()
    return g.reindex(pd.MultiIndex.from_product([regions, years], names=["region", "year"]))


def _state(drivers: pd.DataFrame, co2_year: pd.Series, gdp: pd.Series, regions: list[str], year: int,
           fuel_months: pd.DataFrame, value_added: pd.DataFrame | None = None) -> tuple[lmdi.State, np.ndarray, np.ndarray]:
    """(LMDI state per region for one year with E scaled to the whole year's CO2, energy, secondary share
    of electricity). ``value_added``: region, year, sector columns (亿元) or None."""
    d = drivers[drivers["year"] == year]
    wide = d.groupby(["region", "indicator"])["value"].sum().unstack("indicator").reindex(regions)
    # energy over the months with fuel statistics, scaled to the year's CO2 (estimated months are taken at
    # the known months' carbon intensity of energy)
    known = fuel_months[fuel_months["year"] == year]
    dk = d.merge(known[["region", "period"]], on=["region", "period"]) if len(known) else d.iloc[0:0]
    wk = dk.groupby(["region", "indicator"])["value"].sum().unstack("indicator").reindex(regions) if len(dk) \
        else pd.DataFrame(index=regions)
    e_known = lmdi.energy_tce(wk.reindex(columns=list(ENERGY_INDICATORS)))
    c_known = known.groupby("region")["co2"].sum().reindex(regions)
    c = co2_year.reindex(regions).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        energy = np.where(c_known.to_numpy(dtype=float) > 0, e_known.to_numpy() * c / c_known.to_numpy(dtype=float), np.nan)
    elec = wide.reindex(columns=list(lmdi.ELEC_INDICATORS)).to_numpy(dtype=float)
    va = None
    if value_added is not None and len(value_added):
        v = value_added[value_added["year"] == year].set_index("region")
        va = v.reindex(regions)[list(lmdi.SECTORS)].to_numpy(dtype=float)
    st = lmdi.state(gdp.reindex(regions).to_numpy(dtype=float), energy, c, va, elec)
    et = wide.get("elec_total", pd.Series(np.nan, index=wide.index)).to_numpy(dtype=float)
    share = safe_ratio(wide.get("elec_secondary", pd.Series(np.nan, index=wide.index)).to_numpy(dtype=float), et)
    return st, energy, share


def _value_added(value_added: pd.DataFrame | None, cities: list[str], province: str | None, years: list[int]):
    """region, year, primary, secondary, tertiary: annual value added (亿元) from quarterly or annual rows
    (a year needs its 4 quarters); the province = the sum of its cities where every city has it."""
    if value_added is None or value_added.empty:
        return None
    v = value_added[value_added["region"].astype(str).isin(cities)
                    & value_added["period"].astype(str).str[:4].isin([str(y) for y in years])]
    parts = []
    for sector, code in zip(lmdi.SECTORS, lmdi.VA_INDICATORS):
        a = annual_gdp(v[v["indicator"] == code][["region", "period", "value"]]) if (v["indicator"] == code).any() \
            else pd.DataFrame(columns=["region", "year", "value"])
        parts.append(a.set_index(["region", "year"])["value"].rename(sector))
    out = pd.concat(parts, axis=1).reset_index()
    if out.empty:
        return None
    if province:
        full = out.dropna().groupby("year")["region"].nunique()
        full = full[full == len(cities)].index
        prov = out[out["year"].isin(full)].groupby("year", as_index=False)[list(lmdi.SECTORS)].sum()
        out = pd.concat([out, prov.assign(region=province)], ignore_index=True)
    return out


def close_year(
    year: int,
    co2: pd.DataFrame,
    drivers: pd.DataFrame,
    gdp: pd.DataFrame,
    budgets: pd.DataFrame,
    fuels: pd.DataFrame,
    *,
    cities: list[str],
    province: str | None,
    intensity_targets: pd.DataFrame | None = None,
    major_project_regions: set[str] | frozenset = frozenset(),
    reserve_next: float | None = None,
    rule: dict | None = None,
    debt_in: dict | None = None,
    plan_start: int | None = None,
    value_added: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The close of ``year``: one row per city (sorted) then the province, columns ``CLOSE_COLUMNS``.

    Inputs: ``co2`` region, period (YYYY-MM), value, kind ('statistical' | 'estimated'); ``drivers``
    region, period, indicator, value (statistical electricity and fuels, ``DRIVER_INDICATORS``);
    ``gdp`` region, period (YYYY-Qn / YYYY), value (亿元); ``budgets`` region, year, budget (cities
    and the province row = province total); ``fuels`` region, period, indicator, co2 (accounted by
    source, ``warehouse.accounting.account_by_source``); ``intensity_targets`` region, year,
    intensity_target; ``major_project_regions`` cities hosting an approved separately-listed project
    in ``year``; ``reserve_next`` the province reserve of ``year + 1``; ``value_added`` region, period,
    indicator (``budget.lmdi.VA_INDICATORS``), value (亿元, quarterly or annual): the sectors of the LMDI
    structure effect (without them: the aggregate identity, no structure term).
    """
    year = int(year)
    cities = sorted(str(c) for c in cities)
    regions = cities + ([province] if province else [])
    ps = int(plan_start) if plan_start is not None else five_year_period(year)[0]
    plan_years = list(range(ps, ps + FYP_YEARS))
    years = [year - 1, year]

    m = monthly_frame(co2[co2["region"].astype(str).isin(cities)])
    if "kind" not in m:
        m["kind"] = "statistical"
    est = m["kind"].astype(str) == "estimated"
    used = _annual(m, cities, sorted(set(years) | set(range(ps, year + 1))))
    used_stat = _annual(m[~est], cities, [year])
    used_est = _annual(m[est], cities, [year])
    my = m[m["year"] == year]
    months_est = my[my["kind"] == "estimated"].groupby("region")["period"].apply(lambda s: sorted(s)).to_dict()
    have = my.groupby("region")["month"].apply(set).to_dict()
    months_missing = {r: [f"{year}-{k:02d}" for k in range(1, 13) if k not in have.get(r, set())] for r in cities}

    dr = drivers[drivers["indicator"].isin(DRIVER_INDICATORS) & drivers["region"].astype(str).isin(cities)
                 & drivers["period"].astype(str).str[:4].isin([str(y) for y in years])]
    ok, dy, dm = split_months(dr["period"])
    dr = pd.DataFrame({"region": dr["region"].astype(str).to_numpy()[ok], "period": dr["period"].astype(str).to_numpy()[ok],
                       "indicator": dr["indicator"].astype(str).to_numpy()[ok],
                       "value": dr["value"].astype(float).to_numpy()[ok], "year": dy[ok], "month": dm[ok]})
    fm = fuels[fuels["region"].astype(str).isin(cities) & (fuels["indicator"] != "elec_net_import")
               & fuels["period"].astype(str).str[:4].isin([str(y) for y in years])].copy()
    fm["year"] = fm["period"].astype(str).str[:4].astype(int)
    fuel_months = fm.groupby(["region", "period", "year"], as_index=False)["co2"].sum()
    gdp = gdp[gdp["period"].astype(str).str[:4].isin([str(y) for y in years])]
    ga = annual_gdp(gdp[gdp["region"].astype(str).isin(cities)]) if len(gdp) else pd.DataFrame(columns=["region", "year", "value"])
    if province:
        # the province is the sum of its cities (every quantity below is additive)
        dr = pd.concat([dr, dr.groupby(["period", "indicator", "year", "month"], as_index=False)["value"].sum().assign(region=province)])
        fuel_months = pd.concat([fuel_months, fuel_months.groupby(["period", "year"], as_index=False)["co2"].sum().assign(region=province)])
        n_gdp = ga.groupby("year")["region"].nunique()
        full = n_gdp[n_gdp == len(cities)].index
        ga = pd.concat([ga, ga[ga["year"].isin(full)].groupby("year", as_index=False)["value"].sum().assign(region=province)])
        prov = used.groupby(level="year").sum(min_count=1)
        used = pd.concat([used, pd.concat({province: prov}, names=["region"])])
        used_stat = pd.concat([used_stat, pd.concat({province: used_stat.groupby(level="year").sum(min_count=1)}, names=["region"])])
        used_est = pd.concat([used_est, pd.concat({province: used_est.groupby(level="year").sum(min_count=1)}, names=["region"])])
        months_est[province] = sorted({p for v in months_est.values() for p in v})
        months_missing[province] = sorted({p for r in cities for p in months_missing[r]})
    gdp_idx = ga.set_index(["region", "year"])["value"] if len(ga) else pd.Series(dtype=float)

    def col(series: pd.Series, y: int) -> np.ndarray:
        if series.empty:
            return np.full(len(regions), np.nan)
        key = pd.MultiIndex.from_arrays([regions, [y] * len(regions)])
        return series[~series.index.duplicated(keep="last")].reindex(key).to_numpy(dtype=float)

    def total(series: pd.Series, ys) -> np.ndarray:
        ys = list(ys)
        return np.sum([col(series, y) for y in ys], axis=0) if ys else np.full(len(regions), np.nan)

    acc = col(used, year)
    last = col(used, year - 1)
    stat_y, est_y = np.nan_to_num(col(used_stat, year)), np.nan_to_num(col(used_est, year))
    b = budgets.assign(region=budgets["region"].astype(str), year=budgets["year"].astype(int))
    bud = b.drop_duplicates(["region", "year"], keep="last").set_index(["region", "year"])["budget"]
    budget = col(bud, year)
    nxt = col(bud, year + 1)
    five = total(bud, plan_years)
    to_date = total(bud, range(ps, year + 1))
    used_to_date = total(used, range(ps, year + 1))
    execution = safe_ratio(acc, budget)
    deviation = execution - 1
    g_y, g_l = col(gdp_idx, year), col(gdp_idx, year - 1)
    intensity, intensity_ly = safe_ratio(acc, g_y), safe_ratio(last, g_l)
    target = np.full(len(regions), np.nan)
    if intensity_targets is not None and len(intensity_targets):
        t = intensity_targets[intensity_targets["year"].astype(int) == year].drop_duplicates("region", keep="last")
        target = t.set_index(t["region"].astype(str))["intensity_target"].astype(float).reindex(regions).to_numpy()

    va = _value_added(value_added, cities, province, years)
    sT, energy_y, share_y = _state(dr, pd.Series(acc, index=regions), pd.Series(g_y, index=regions), regions, year,
                                   fuel_months, va)
    s0, _, _ = _state(dr, pd.Series(last, index=regions), pd.Series(g_l, index=regions), regions, year - 1,
                      fuel_months, va)
    eff_ly = lmdi.decompose_states(s0, sT, target_change=acc - last)
    # the budget path: expected GDP = budget / intensity target (else last year's GDP grown by the default),
    # last year's structure and carbon intensity of energy; energy intensity closes the identity
    g_b = np.where(np.isfinite(target) & (target > 0), safe_ratio(budget, target), g_l * (1 + DEFAULT_GDP_GROWTH))
    eff_b = lmdi.decompose_states(lmdi.along(s0, g_b, budget), sT, target_change=acc - budget)

    is_prov = np.array([r == province for r in regions])
    complete = np.array([not months_missing.get(r) for r in regions])
    rule_in = pd.DataFrame({"region": cities, "budget": budget[~is_prov],
                            "accounted": np.where(complete, acc, np.nan)[~is_prov],
                            "next_budget": nxt[~is_prov],
                            "major_project": [c in major_project_regions for c in cities],
                            "debt_in": [float((debt_in or {}).get(c, 0.0)) for c in cities]})
    prop = adjustment_rule.propose(rule_in, reserve_next=reserve_next, rule=rule).set_index("region")
    keep = adjustment_rule.rule_from(None)["keep_five_year_total"] if rule is None else rule.get("keep_five_year_total", True)
    debt = prop["debt"].reindex(regions).fillna(0.0).to_numpy(dtype=float, copy=True)
    adj = prop["adjustment"].reindex(regions).to_numpy(dtype=float, copy=True)
    kinds = prop["adjustment_kind"].reindex(regions).tolist()
    rz, re_ = prop["reason_zh"].reindex(regions).tolist(), prop["reason_en"].reindex(regions).tolist()
    proposed = prop["proposed_next_budget"].reindex(regions).to_numpy(dtype=float, copy=True)
    for i, r in enumerate(regions):
        if months_missing.get(r):
            n = len(months_missing[r])
            kinds[i] = "no_data"
            rz[i] = f"尚缺 {n} 个月的排放数据（年度未结束或数据未到）：暂不能决算"
            re_[i] = f"{n} months of emissions still missing (year not over or data not in): cannot close yet"
    if province:
        i = regions.index(province)
        net = float(np.nansum(adj[~is_prov]))
        moved = 0.0 if keep else net
        adj[i], kinds[i] = moved, ("none" if np.isfinite(nxt[i]) else "no_next_budget")
        proposed[i] = nxt[i] + moved if np.isfinite(nxt[i]) else np.nan
        n_d = sum(1 for k in kinds[:-1] if k == "deduction")
        n_c = sum(1 for k in kinds[:-1] if k == "carryover")
        rz[i] = (f"{n_d} 个城市扣减、{n_c} 个城市结转；" +
                 ("省级总量不变（通过储备回收与下达）" if keep else f"省级总量变化 {net:+,.2f} 万吨，须报上级批准"))
        re_[i] = (f"{n_d} cities reduced, {n_c} carried over; " +
                  ("the province total is kept (through the reserve)" if keep
                   else f"the province total moves by {net:+,.2f} (10^4 t): needs higher approval"))
    out = pd.DataFrame({
        "region": regions, "is_province": is_prov, "year": year, "budget": budget, "accounted": acc,
        "accounted_statistical": stat_y, "accounted_estimated": est_y,
        "months_estimated": [months_est.get(r, []) for r in regions],
        "months_missing": [months_missing.get(r, []) for r in regions],
        "execution_rate": execution, "deviation": deviation,
        "conclusion": [classify_status(d) if ok else None for d, ok in zip(deviation.tolist(), complete)],
        "gdp": g_y, "intensity": intensity, "intensity_last_year": intensity_ly,
        "intensity_change": safe_ratio(intensity, intensity_ly) - 1, "intensity_target": target,
        "intensity_gap": safe_ratio(intensity, target) - 1, "energy_tce": energy_y,
        "elec_secondary_share": share_y,
        "five_year_budget": five, "five_year_budget_to_date": to_date, "five_year_used_to_date": used_to_date,
        "five_year_schedule": safe_ratio(to_date, five), "five_year_execution": safe_ratio(used_to_date, five),
        "five_year_deviation": safe_ratio(used_to_date, to_date) - 1,
        "last_year": last, "change_vs_last_year": np.where(complete, acc - last, np.nan),
        **{f"lmdi_{f}": eff_ly[f].to_numpy() for f in lmdi.FACTORS}, "lmdi_method": eff_ly["method"].to_numpy(),
        "change_vs_budget": acc - budget,
        **{f"lmdi_budget_{f}": eff_b[f].to_numpy() for f in lmdi.FACTORS},
        "next_budget": nxt, "adjustment_kind": kinds, "adjustment": adj, "proposed_next_budget": proposed,
        "reason_zh": rz, "reason_en": re_, "debt": debt,
    })
    return out[CLOSE_COLUMNS]


def fuel_totals(fuels: pd.DataFrame, cities: list[str], province: str | None, years: list[int]) -> pd.DataFrame:
    """region, indicator, co2: accounted CO2 by source over ``years`` (the province = Σ cities)."""
    f = fuels[fuels["region"].astype(str).isin(cities) & fuels["period"].astype(str).str[:4].astype(int).isin(years)]
    out = f.groupby(["region", "indicator"], as_index=False)["co2"].sum()
    if province:
        out = pd.concat([out, out.groupby("indicator", as_index=False)["co2"].sum().assign(region=province)])
    return out[["region", "indicator", "co2"]].reset_index(drop=True)


def diff_closes(old: pd.DataFrame, new: pd.DataFrame, tol: float = 0.005) -> pd.DataFrame:
    """What changed between two close versions: region, field, old, new (values, conclusion, adjustment)."""
    fields = ["accounted", "budget", "execution_rate", "conclusion", "adjustment", "proposed_next_budget", "adjustment_kind"]
    o, n = old.set_index("region"), new.set_index("region")
    rows = []
    for region in n.index:
        for fld in fields:
            a = o[fld].get(region) if region in o.index else None
            b = n.loc[region, fld]
            if isinstance(b, (float, np.floating)) or isinstance(a, (float, np.floating)):
                fa = float(a) if a is not None else np.nan
                fb = float(b)
                same = (np.isnan(fa) and np.isnan(fb)) or (np.isfinite(fa) and np.isfinite(fb) and abs(fa - fb) <= (tol if fld != "execution_rate" else 1e-5))
            else:
                same = a == b
            if not same:
                rows.append((region, fld, a, b))
    return pd.DataFrame(rows, columns=["region", "field", "old", "new"])
