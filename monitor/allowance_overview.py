"""What the allowance page and the publication show: the list with markets, local additions and carbon-efficiency
grades; the year's pre-allocation and true-up per unit; the reconciliation of the units' allowances with the
key-emitter share of the city budgets; compliance; advances; prices, reserve and proposals; regional trades."""
from __future__ import annotations

import os
from datetime import date

import numpy as np
import pandas as pd

import budget
from budget import allowances as al
from budget import config as bconfig
from monitor import allowance_market, allowances
from warehouse import allowances as store
from warehouse import budget_books, db, queries


def _annual_city_co2(co2: pd.DataFrame) -> pd.DataFrame:
    """region, year, co2 (万吨) for complete statistical years (12 months, a combined Jan–Feb counting two)."""
    s = co2[co2["kind"] == "statistical"].copy()
    if s.empty:
        return pd.DataFrame(columns=["region", "year", "co2"])
    s["year"] = s["period"].str[:4].astype(int)
    s["months"] = np.where(s["period"].str.endswith("01..02"), 2, 1)
    a = s.groupby(["region", "year"]).agg(co2=("value", "sum"), months=("months", "sum")).reset_index()
    return a[a["months"] >= 12][["region", "year", "co2"]]


def output_equivalent(f: pd.DataFrame) -> pd.Series:
    """Output for intensity comparisons: MWh supplied + heat GJ ÷ 3.6 for power units, else the output."""
    heat = pd.to_numeric(f["heat_output"], errors="coerce").fillna(0.0)
    out = pd.to_numeric(f["output"], errors="coerce")
    return np.where(f["sector_key"] == "power", out + heat / 3.6, out)


def unit_list(reg: pd.DataFrame, yrs: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the list with the year's figures and grade, the sector spread). Emissions 万吨 in the list, intensity t/unit."""
    cur = yrs[yrs["year"] == year].drop(columns=["year"])
    f = reg.merge(cur, on="code", how="left")
    g = f.assign(co2=f["co2"].astype(float) * al.T_PER_WAN_T, output=output_equivalent(f), sector=f["sector_key"])
    g = g[g["market"].isin(allowances.COVERED)]
    graded = al.grades(g[["code", "sector", "co2", "output"]])
    f = f.merge(graded[["code", "intensity", "sector_mean", "k", "grade"]], on="code", how="left")
    return f, al.sector_spread(graded)


def reconciliation(hold: pd.DataFrame, reg: pd.DataFrame, yrs: pd.DataFrame, ledger: pd.DataFrame, co2: pd.DataFrame,
                   year: int) -> pd.DataFrame:
    """Per city: Σ allowances issued to its units (万吨) against the key-emitter share of its budget for ``year``."""
    if hold.empty or ledger.empty:
        return pd.DataFrame(columns=["region", "allowances", "budget", "share", "key_emitter_budget", "gap"])
    region = reg.set_index("code")["region"]
    alloc = pd.DataFrame({"region": hold["code"].map(region), "amount": hold["issued"]})
    balances = budget.apply(budget.entries_from_frame(ledger[budget_books.ENTRY_COLUMNS]))
    b = budget.region_budgets(balances)
    b = b[b["year"] == year][["region", "budget"]]
    window = range(year - bconfig.PLAN_HISTORY_YEARS, year)
    city = _annual_city_co2(co2)
    city = city[city["year"].isin(window)]
    covered = reg[reg["market"].isin(allowances.COVERED)]
    u = yrs[yrs["code"].isin(covered["code"]) & yrs["year"].isin(window)]
    u = u.assign(region=u["code"].map(region))
    years_both = u.merge(city, on=["region", "year"], suffixes=("_u", "_c"))  # the same years on both sides
    units_co2 = years_both.groupby(["region", "code", "year"])["co2_u"].sum().groupby(["region", "code"]).mean().groupby("region").sum()
    city_co2 = years_both.drop_duplicates(["region", "year"]).groupby("region")["co2_c"].mean()
    hist = pd.DataFrame({"units_co2": units_co2, "city_co2": city_co2}).reset_index().rename(columns={"index": "region"})
    return al.reconcile(alloc, b, hist)


def overview(db_path: str | os.PathLike, year: int | None = None, on: date | None = None) -> dict:
    """Everything the allowance page shows for ``year`` (default: the latest allocated year, else the latest list year)."""
    with db.connect(db_path) as con:
        reg, yrs = allowances._list(con)
        years = store.years(con)
        if year is None:
            year = years[-1] if years else (int(yrs["year"].max()) if len(yrs) else date.today().year - 1)
        hold = store.holdings(con, year)
        led = store.ledger(con, year)
        adv, ops, coverage, trades = store.advances(con), store.reserve_ops(con), store.coverage(con), store.trades(con)
        ledger, co2 = budget_books.entries(con), queries.co2_for_budget(con)
        regions = queries.regions(con)
        rules = allowances.rules_in_force(con)
    lst, spread = unit_list(reg, yrs, year)
    results = reg[["code", "name_zh", "name_en", "region", "sector", "market", "product"]].merge(hold, on="code", how="inner")
    bench = led[led["kind"].isin(["preallocation", "trueup"])].sort_values("seq").groupby("code").agg(
        benchmark=("benchmark", "last"), output=("output", "last"))
    results = results.join(bench, on="code")
    return {"year": year, "years": years, "list": lst, "spread": spread, "results": results,
            "reconcile": reconciliation(hold, reg, yrs, ledger, co2, year),
            "compliance": allowances.compliance(db_path, year, on) if len(hold) else pd.DataFrame(),
            "advances": adv, "reserve": ops, "coverage": coverage, "trades": trades, "regions": regions, "rules": rules,
            "market": allowance_market.regulate(db_path) if years else None,
            "prices": store_prices(db_path)}


def store_prices(db_path) -> pd.DataFrame:
    with db.connect(db_path) as con:
        return store.prices(con)


def publishable(db_path: str | os.PathLike, on: date | None = None) -> dict[str, pd.DataFrame]:
    """Records the rules make public (for the publication site): the list (markets, local additions and their
    criteria), pre-allocation and true-up results per unit and year, approved advances, buy-backs, and the
    compliance of every year whose surrender deadline has passed. No user names except the approving bodies."""
    on = on or date.today()
    with db.connect(db_path) as con:
        reg, _ = allowances._list(con)
        years = store.years(con)
        results = pd.concat([store.holdings(con, y).assign(year=y) for y in years], ignore_index=True) if years else pd.DataFrame()
        adv, ops = store.advances(con), store.reserve_ops(con)
        rules = allowances.rules_in_force(con, on)
    cols = ["code", "name_zh", "name_en", "region", "sector", "market", "local_addition", "local_criterion", "local_reason", "gases"]
    listing = reg[reg["market"].isin(allowances.COVERED)][cols]
    comp = [allowances.compliance(db_path, y, on).assign(year=y) for y in years
            if al.deadline(y, rules["allowance.surrender_deadline"]) < on]
    return {"list": listing.reset_index(drop=True),
            "results": results[["year", "code", "preallocated", "trued_up", "adjusted", "issued"]] if len(results) else results,
            "advances": adv[["advance_id", "code", "year", "amount", "cap", "reason", "recorded_at"]],
            "buybacks": ops[ops["kind"] == "buyback"][["year", "amount", "price", "reason", "recorded_at"]],
            "compliance": pd.concat(comp, ignore_index=True)[["year", "code", "name_zh", "name_en", "verified", "surrendered", "shortfall",
                                                               "status"]] if comp else pd.DataFrame()}
