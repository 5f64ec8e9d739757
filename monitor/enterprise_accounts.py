"""Enterprise carbon accounts: meter Parquet + key-emitter registry → monthly CO2, budgets, alerts.

Composition only (no streamlit): reads the registry and verified years from the warehouse, runs the
meter job (``engines.meter_job``) on the chosen engine over the Parquet beside the warehouse, sets the
result beside the city's own monthly CO2 (accounted where known, else the nowcast), and gives each
enterprise a budget, its progress and an alert level.

Enterprise budgets: when an approved plan exists, its horizontal allocation to key emitters
(``monitor.plan.split``) is used (``budget_source = 'plan'``). Otherwise a budget is *derived*:
the city's budget for the year × the enterprise's share of the city's accounted emissions in its
latest verified year (``budget_source = 'derived'``) — labelled as such wherever it is shown.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from budget import config as bconfig
from budget import status as bstatus
from engines import get_engine, meter_job
from warehouse import db, key_emitters, meters, queries

MWH_PER_10K_KWH = 10.0
Z90 = meter_job.Z90


@dataclass
class EnterpriseAccounts:
    engine: str
    year: int | None
    month: int | None
    registry: pd.DataFrame      # code, name_zh, name_en, region, sector
    factors: pd.DataFrame       # code, region, sector, method, n_years, factor, factor_sd (万吨/万kWh)
    enterprise: pd.DataFrame    # enterprise_id, month, region, sector, method, kwh, n_days, co2, lo90, hi90
    sector: pd.DataFrame        # region, sector, month, enterprises, kwh, co2, co2_sd, lo90, hi90
    city: pd.DataFrame          # region, month, enterprises, kwh, co2, co2_sd, lo90, hi90
    comparison: pd.DataFrame    # region, month, enterprises_co2, lo90, hi90, city_co2, city_kind, difference, share
    budgets: pd.DataFrame       # per enterprise: budget, used, execution_rate, schedule, deviation, status, level, …

    @property
    def empty(self) -> bool:
        return self.enterprise.empty


def run_job(db_path, engine: str = "duckdb", spark=None) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """(registry, job outputs) for the warehouse's meters on ``engine``."""
    with db.connect(db_path) as con:
        reg = key_emitters.registry(con)
        years = key_emitters.emitter_years(con)
        files = meters.visible_files(con, db_path) or None  # only files of recorded batches still standing
    eng = get_engine(engine, **({"spark": spark} if spark is not None else {}))
    try:
        return reg, meter_job.run(eng, files, reg, years, outputs=("factors", "enterprise", "sector", "city"))
    finally:
        eng.close()


def _city_co2(db_path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(monthly city CO2: region, month, city_co2, city_kind; accounted annual totals of complete
    years: region, year, co2). A combined January–February counts as two months of its year."""
    with db.connect(db_path) as con:
        co2 = queries.co2_for_budget(con)
    stat = co2[co2["kind"] == "statistical"].assign(year=lambda f: f["period"].str[:4].astype(int),
                                                   n=lambda f: f["period"].str.endswith("..02").map({True: 2, False: 1}))
    annual = stat.groupby(["region", "year"], as_index=False).agg(co2=("value", "sum"), months=("n", "sum"))
    annual = annual[annual["months"] == 12][["region", "year", "co2"]]
    co2 = co2[co2["period"].str.fullmatch(r"\d{4}-\d{2}")]
    monthly = co2[["region", "period", "value", "kind"]].rename(columns={"period": "month", "value": "city_co2", "kind": "city_kind"})
    return monthly, annual


def compare(city: pd.DataFrame, city_co2: pd.DataFrame) -> pd.DataFrame:
    """Metered enterprises' CO2 beside the city's own figure; difference = city − enterprises."""
    if city.empty:
        return pd.DataFrame(columns=["region", "month", "enterprises", "enterprises_co2", "lo90", "hi90", "city_co2",
                                     "city_kind", "difference", "share"])
    out = city.rename(columns={"co2": "enterprises_co2"})[["region", "month", "enterprises", "enterprises_co2", "lo90", "hi90"]]
    out = out.merge(city_co2, on=["region", "month"], how="left")
    out["difference"] = out["city_co2"] - out["enterprises_co2"]
    out["share"] = out["enterprises_co2"] / out["city_co2"].where(out["city_co2"] > 0)
    return out


def _plan_budgets(db_path, cities: list[str], year: int) -> pd.DataFrame:
    """code, budget from the latest approved plan's allocation to key emitters (empty when none)."""
    try:
        from monitor import plan as mplan
        from warehouse import plans

        with db.connect(db_path) as con:
            listing = plans.plans(con)
        approved = listing[listing["approved"].notna()]
        if approved.empty:
            return pd.DataFrame(columns=["code", "budget"])
        plan_id = str(approved.sort_values("created_at").iloc[-1]["plan_id"])
        parts = []
        for city in cities:
            try:
                split = mplan.split(db_path, plan_id, city, kind="emitters")
            except Exception:  # noqa: BLE001 - a city the plan cannot split keeps the derived budget
                continue
            parts.append(split[(split["year"] == year) & (split["unit"] != "other")])
        if not parts:
            return pd.DataFrame(columns=["code", "budget"])
        got = pd.concat(parts)
        return got.groupby("unit", as_index=False)["amount"].sum().rename(columns={"unit": "code", "amount": "budget"})
    except Exception:  # noqa: BLE001 - the plan room is optional here
        return pd.DataFrame(columns=["code", "budget"])


def derived_budgets(registry: pd.DataFrame, years: pd.DataFrame, city_budgets: pd.DataFrame,
                    city_annual: pd.DataFrame, year: int) -> pd.DataFrame:
    """code, budget, share, share_year: city budget × the enterprise's share of the city's accounted
    CO2 in the enterprise's latest verified year (pure; the label 'derived' goes with it)."""
    ver = years[years["verified"].astype(bool) & years["co2"].notna()].sort_values("year")
    last = ver.groupby("code").tail(1)[["code", "year", "co2"]]
    last = last.merge(registry[["code", "region"]], on="code")
    last = last.merge(city_annual.rename(columns={"year": "year", "co2": "city_co2"}), on=["region", "year"], how="left")
    last["share"] = last["co2"] / last["city_co2"].where(last["city_co2"] > 0)
    cb = city_budgets[city_budgets["year"] == year][["region", "budget"]].rename(columns={"budget": "city_budget"})
    last = last.merge(cb, on="region", how="left")
    last["budget"] = last["city_budget"] * last["share"]
    return last.rename(columns={"year": "share_year"})[["code", "budget", "share", "share_year"]]


def _p_over(projected: float, sd: float, budget: float) -> float:
    if not (math.isfinite(projected) and math.isfinite(budget)) or budget <= 0:
        return float("nan")
    if not math.isfinite(sd) or sd <= 0:
        return float(projected > budget)
    return 0.5 * math.erfc((budget - projected) / (sd * math.sqrt(2)))


def progress(enterprise: pd.DataFrame, budgets: pd.DataFrame, year: int, month: int,
             schedule: float) -> pd.DataFrame:
    """Per enterprise: used (CO2 of ``year`` up to ``month``), band, execution rate, deviation from the
    time schedule, status (surplus/balance/overspend), warning level, probability of overspend."""
    this = enterprise[(enterprise["month"] >= f"{year}-01") & (enterprise["month"] <= f"{year}-{month:02d}")]
    sd = ((this["hi90"] - this["co2"]) / Z90).fillna(0.0)
    # one enterprise's months share its factor error: their sds add linearly, not in quadrature
    used = this.assign(sd=sd).groupby("enterprise_id").agg(used=("co2", "sum"), used_sd=("sd", "sum"),
                                                           months=("month", "nunique"), kwh=("kwh", "sum"))
    out = budgets.set_index("code").join(used, how="outer")
    out["execution_rate"] = out["used"] / out["budget"].where(out["budget"] > 0)
    out["schedule_progress"] = schedule
    out["deviation"] = out["execution_rate"] / schedule - 1 if schedule > 0 else np.nan
    out["status"] = out["deviation"].map(bstatus.classify_status)
    out["projected"] = out["used"] / schedule if schedule > 0 else np.nan
    # projection error of the months left, as for cities: CV × month × sqrt(h), fully correlated
    left = 12 - month
    rest_sd = ((out["projected"] - out["used"]) / left * bconfig.PROJECTION_CV_PER_MONTH
               * float(np.sqrt(np.arange(1, left + 1)).sum())) if left > 0 else 0.0
    proj_sd = np.sqrt((out["used_sd"] / schedule) ** 2 + rest_sd ** 2) if schedule > 0 else np.nan
    out["projected_sd"] = proj_sd
    out["p_overspend"] = [_p_over(p, s, b) for p, s, b in zip(out["projected"], out["projected_sd"], out["budget"])]
    out["warning_level"] = [bstatus.warning_level(d, p) if isinstance(st, str) else None
                            for d, p, st in zip(out["deviation"], out["p_overspend"], out["status"])]
    return out.rename_axis("code").reset_index()


def accounts(db_path: str | os.PathLike, engine: str = "duckdb", year: int | None = None, month: int | None = None,
             schedule: dict[str, float] | None = None, city_budgets: pd.DataFrame | None = None,
             spark=None) -> EnterpriseAccounts:
    """The whole enterprise view. ``schedule`` maps city → time-schedule progress at ``month`` and
    ``city_budgets`` holds region, year, budget (both from the status report); without them a linear
    schedule and no budgets are used."""
    reg, out = run_job(db_path, engine, spark)
    empty = pd.DataFrame()
    enterprise = out.get("enterprise", empty)
    city = out.get("city", pd.DataFrame(columns=["region", "month"]))
    city_co2, annual = _city_co2(db_path)
    comparison = compare(city, city_co2)
    budgets = pd.DataFrame()
    if year is None and len(enterprise):
        last = str(enterprise["month"].max())
        year, month = int(last[:4]), int(last[5:7])
    if year is not None and month is not None and len(enterprise):
        with db.connect(db_path) as con:
            years = key_emitters.emitter_years(con)
        cb = city_budgets if city_budgets is not None else pd.DataFrame(columns=["region", "year", "budget"])
        derived = derived_budgets(reg, years, cb, annual, year).assign(budget_source="derived")
        planned = _plan_budgets(db_path, sorted(reg["region"].unique()), year) if len(cb) else pd.DataFrame(columns=["code", "budget"])
        if len(planned):
            derived = derived[~derived["code"].isin(planned["code"])]
            derived = pd.concat([planned.assign(budget_source="plan"), derived], ignore_index=True)
        parts = []
        for region, group in reg.groupby("region"):
            sched = (schedule or {}).get(region, month / 12.0)
            ent = enterprise[enterprise["region"] == region]
            b = derived[derived["code"].isin(group["code"])]
            parts.append(progress(ent, b, year, month, float(sched)).assign(region=region))
        budgets = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        if len(budgets):
            budgets = budgets.merge(reg[["code", "name_zh", "name_en", "sector"]], on="code", how="left")
            budgets = budgets.merge(out["factors"][["code", "method", "factor", "factor_sd"]], on="code", how="left")
    return EnterpriseAccounts(engine, year, month, reg, out["factors"], enterprise, out.get("sector", empty), city,
                              comparison, budgets)


def alerts(budgets: pd.DataFrame) -> pd.DataFrame:
    """Enterprises at red or orange, most severe first, with the figures behind the level."""
    if budgets.empty:
        return budgets
    hot = budgets[budgets["warning_level"].isin(["red", "orange"])].copy()
    hot["_sev"] = hot["warning_level"].map(bconfig.LEVEL_SEVERITY)
    return hot.sort_values(["_sev", "deviation"], ascending=[False, False]).drop(columns="_sev").reset_index(drop=True)
