"""The demo province's five-year budget plan, as ledger entries.

Recipe (all parameters of :func:`demo_plan_entries`):

- base = the cities' total emissions in the last complete year before ``start_year`` (2025);
- province total: start year = base × (1 − first_year_cut) (2%), then × (1 − annual_cut) (2.5%)
  per year;
- reserve: ``reserve_share`` (3%) of each year's total;
- separately-listed quota for the major new plant in ``major_project_region``
  (``major_project_amount`` 万吨/yr, default ``major_project_share`` × the year's total), granted
  *on top of* the province total, like a national major project listed separately, so it does
  not squeeze the other cities;
- allocation of the rest by a weighted mix: 90% share of the cities' mean emissions over the last
  three complete years + 10% share of base-year GDP (``weights``).

Tuning: the cities together get ≈ 95% of their base-year emissions (2% cut + 3% reserve), so a
city whose emissions stay flat overspends a declining budget by ≈ 5% unless it is a low-intensity
one, which is the honest message of a carbon budget. The 3-year emissions average gives falling
cities a little more than their latest share and rising cities less; the GDP weight favours
low-intensity cities. With the demo generator's profiles (as of 2026-10: falling −3..−6%/yr, flat,
rising +3..+8%/yr, one new plant) this gives falling cities surplus or balance, flat cities
balance or overspend, rising cities and the plant city overspend (the plant with its
separately-listed quota and the major-project mix). With the brief's 70/30 mix the GDP share
dominated: the heavy-industry cities overspent while falling and the capital showed a −17%
surplus, so 90/10 was chosen.
"""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from budget import config
from budget.ledger import LedgerEntry
from budget.periods import annual_complete, monthly_frame
from budget.plan import allocation_shares, plan_entries, plan_handed_down


def demo_cities_and_province(regions: pd.DataFrame, history: pd.DataFrame) -> tuple[list[str], str]:
    """(city codes present in ``history``, province code) from a regions frame (code, parent, level)."""
    reg = regions.assign(code=regions["code"].astype(str), level=regions["level"].astype(str))
    present = set(history["region"].astype(str))
    cities = sorted(c for c in reg.loc[reg["level"] == "city", "code"] if c in present)
    if not cities:
        raise ValueError("no city of `regions` appears in `history`")
    parents = reg.loc[reg["code"].isin(cities), "parent"].astype(str).mode()
    provinces = reg.loc[reg["level"] == "province", "code"].tolist()
    province = parents.iloc[0] if len(parents) and parents.iloc[0] not in ("", "nan") else (provinces[0] if provinces else "province")
    return cities, str(province)


def demo_plan_entries(
    history: pd.DataFrame,
    gdp: pd.DataFrame,
    regions: pd.DataFrame,
    start_year: int = 2026,
    years: int = 5,
    user: str = "system",
    *,
    major_project_region: str | None = None,
    major_project_name: str = "重大新建项目 / major new plant",
    major_project_amount: float | None = None,
    major_project_share: float = 0.02,
    first_year_cut: float = 0.02,
    annual_cut: float = 0.025,
    reserve_share: float = config.RESERVE_SHARE_DEFAULT,
    weights: Mapping[str, float] | None = None,
    date: str | None = None,
) -> list[LedgerEntry]:
    """Ledger entries of the demo plan (see module docstring).

    ``history``: region, period (YYYY-MM), value — monthly CO2 of the cities (万吨; optional kind).
    ``gdp``: region, period (YYYY-Qn or YYYY), value (亿元). ``regions``: code, name_zh, name_en,
    parent, level. Returns entries in order reserve_set_aside, separately_listed, allocations per
    year, with ids ``plan-{year}-{n:03d}`` and date ``date`` (default ``{start_year-1}-12-31``).
    """
    cities, province = demo_cities_and_province(regions, history)
    hist = history[history["region"].astype(str).isin(cities)]
    annual = annual_complete(monthly_frame(hist))
    counts = annual.groupby("year")["region"].nunique()
    complete = counts[(counts == len(cities)) & (counts.index < start_year)]
    if complete.empty:
        raise ValueError(f"no complete year of emissions for all cities before {start_year}")
    base_year = int(complete.index.max())
    base = float(annual.loc[annual["year"] == base_year, "value"].sum())
    totals, total = {}, base * (1 - first_year_cut)
    for k in range(years):
        y = start_year + k
        totals[y] = round(total, 2)
        total *= 1 - annual_cut
    plan = plan_handed_down(province, totals)
    shares = allocation_shares("mix", plan.years, history=hist, gdp=gdp, cities=cities,
                               weights=weights or {"emissions": 0.9, "gdp": 0.1})
    sl = []
    if major_project_region is not None:
        if str(major_project_region) not in cities:
            raise ValueError(f"major_project_region {major_project_region!r} is not a city of the demo province")
        for y, t in plan.totals:
            amount = major_project_amount if major_project_amount is not None else major_project_share * t
            sl.append({"year": y, "region": str(major_project_region), "project": major_project_name, "amount": round(amount, 2)})
    return plan_entries(plan, shares, user=user, reserve_share=reserve_share, separately_listed=sl,
                        separately_listed_within_total=False, date=date or f"{start_year - 1}-12-31",
                        reason=f"demo five-year plan {start_year}–{start_year + years - 1}")
