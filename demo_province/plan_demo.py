"""The demo's 2026–2030 plan, recorded as plan version 1 approved by "system" (the ledger entries it
describes are the ones ``demo_province.build.create_demo_plan`` wrote; nothing is written twice)."""
from __future__ import annotations

import os

import budget
from budget import allocation, plan_versions
from monitor import plan as mplan
from warehouse import budget_books, db, plans

PLAN_ID = "SF-2026-2030"


def record_demo_plan(db_path: str | os.PathLike, years, project_region: str, project_name: str, weights: dict,
                     entry_prefix: str = "plan", user: str = "system") -> str:
    """Compile the plan's content with the demo recipe's parameters, take the allocation, reserve and
    quota from the ledger as written, and store it approved."""
    with db.connect(db_path) as con:
        ledger = budget_books.entries(con)
    years = [int(y) for y in years]
    mine = ledger[ledger["entry_id"].str.startswith(f"{entry_prefix}-") & ledger["year"].isin(years)]
    entries = budget.entries_from_frame(mine)
    alloc, reserve, quota = allocation.allocation_table(entries)
    totals = {y: round(float(alloc.loc[alloc["year"] == y, "amount"].sum() + reserve.loc[reserve["year"] == y, "amount"].sum()), 2)
              for y in years}
    q_mean = float(quota["amount"].mean()) if len(quota) else 0.0
    inp = mplan.inputs(db_path, str(mine["from_region"].dropna().iloc[0]))
    content = mplan.compile_content(inp, years, scenario="policy", method="mix",
                                    weights={"history": weights.get("emissions", 0.9), "gdp": weights.get("gdp", 0.1)},
                                    reserve_share=0.03, total=round(sum(totals.values()), 2), shape="typed", typed=totals,
                                    projects=[{"region": project_region, "project": project_name, "amount": round(q_mean, 2),
                                               "start_year": years[0],
                                               "amounts": {str(int(y)): round(float(a), 2) for y, a in
                                                           zip(quota["year"], quota["amount"])}}], projects_on_top=True)
    content["allocations"] = plan_versions._records(alloc[["region", "year", "amount"]], 2)
    content["reserve"] = {str(int(y)): round(float(a), 2) for y, a in zip(reserve["year"], reserve["amount"])}
    content["quota"] = plan_versions._records(quota[["year", "region", "project", "amount"]], 2)
    factors = plan_versions.frames(content)["factors"]
    content["fairness"] = plan_versions._records(allocation.fairness(alloc, factors, quota))
    plans.record_approved(db_path, content, user, PLAN_ID, entry_prefix, len(mine),
                          note="示范省 2026–2030 年预算方案（演示） / demo province budget plan 2026–2030 (demo)")
    return PLAN_ID
