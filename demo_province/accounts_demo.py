"""The demo province's 14th five-year period (2021–2025): its plan, closed years and five-year close.

Called at the end of ``demo_province.build.build``, beside the current 2026–2030 plan:

1. the 2021–2025 plan as ledger entries (``demo_plan_entries`` with ``start_year=2021``: base = 2020,
   the Covid year, so the first year allows a rebound of ``REBOUND`` and later years decline by
   ``ANNUAL_CUT``; no separately-listed project: the steel complex comes with the 15th plan) and
   intensity targets 2021–2025 (base 2020 intensity, −3.9% a year);
2. the year closes 2021…2025, each approved in turn (its adjustments land on the next year: the
   2025 close's on 2026, inside the current plan, with the five-year totals kept through the reserve);
3. the five-year close 2021–2025 (the period's assessment).
"""
from __future__ import annotations

import os
import time

import pandas as pd

import budget
from demo_province.plan_entries import demo_plan_entries
from monitor import accounts, ledger_change
from warehouse import budget_books, db, queries

START, YEARS = 2021, 5
REBOUND = 0.10      # 2021 province total = 2020 emissions × 1.10 (the recovery from the Covid year)
ANNUAL_CUT = -0.02  # then +2% a year: in the 14th period intensity leads and the total only guides


def build_accounts(db_path: str | os.PathLike) -> dict:
    """Write the 14th-period plan, close and approve 2021–2025, store the five-year close."""
    from demo_province.build import INTENSITY_DECLINE_PER_YEAR, intensity_targets

    t0 = time.perf_counter()
    with db.connect(db_path) as con:
        regions = queries.regions(con)
        history = queries.co2_for_budget(con)
        gdp = queries.indicator_values(con, ["gdp"], "0000")
    history = history[(history["kind"] == "statistical") & (history["period"] < f"{START}-01")]
    entries = demo_plan_entries(history[["region", "period", "value"]], gdp, regions, start_year=START, years=YEARS,
                                user="system", first_year_cut=-REBOUND, annual_cut=ANNUAL_CUT)
    budget_books.append_entries(db_path, budget.entries_to_frame(entries), validate=ledger_change.validate_entries)
    province = regions.loc[regions["level"] == "province", "code"].iloc[0]
    prov_co2 = history.groupby("period", as_index=False)["value"].sum().assign(region=province)
    prov_gdp = gdp.groupby("period", as_index=False)["value"].sum().assign(region=province)
    targets = intensity_targets(pd.concat([history, prov_co2]), pd.concat([gdp, prov_gdp]), START - 1,
                                range(START, START + YEARS))
    with db.transaction(db_path) as con:
        budget_books.set_intensity_targets(con, targets, source=f"demo: base {START - 1} intensity, "
                                           f"-{INTENSITY_DECLINE_PER_YEAR:.1%} a year")
    closed = accounts.close_and_approve_years(db_path, range(START, START + YEARS), user="system")
    _, info = accounts.run_five_year(db_path, START, START + YEARS - 1, user="system")
    return {"plan_entries": len(entries), "closed_years": closed, "assessment": info["assessment_id"],
            "seconds": round(time.perf_counter() - t0, 2)}
