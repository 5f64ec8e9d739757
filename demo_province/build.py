"""The whole demo province: warehouse facts, a first nowcast, and a five-year budget plan."""
from __future__ import annotations

import os

import pandas as pd

import budget
from demo_province.accounts_demo import build_accounts
from demo_province.allowances_demo import build_allowances
from demo_province.measures_demo import create_demo_measures
from demo_province.meters_demo import build_meters
from demo_province.books_demo import build_books, signoff_rules
from demo_province.plan_demo import record_demo_plan
from demo_province.plan_entries import demo_plan_entries
from demo_province.province_demo import build_province
from monitor import nowcast_run
from monitor.ledger_change import validate_entries
from warehouse import budget_books, db, queries
from demo_province.generator import default_as_of
from demo_province.warehouse_build import build_demo

PLAN_START, PLAN_YEARS = 2026, 5
MAJOR_PROJECT_CITY = "SF10"  # the city whose major new plant starts in 2025 (see demo_province/profiles.py)
MAJOR_PROJECT_NAME = "东湾钢铁基地 / Dongwan steel complex"
INTENSITY_DECLINE_PER_YEAR = 0.039  # ≈ 18% over five years, the 14th FYP national intensity target


def intensity_targets(co2: pd.DataFrame, gdp: pd.DataFrame, base_year: int, years: range) -> pd.DataFrame:
    """Per region and plan year: base-year intensity (t CO2 / 万元) × (1 − decline)^(year − base_year)."""
    base_co2 = co2[co2["period"].str.startswith(str(base_year))].groupby("region")["value"].sum()
    base_gdp = gdp[gdp["period"].str.startswith(str(base_year))].groupby("region")["value"].sum()
    base = (base_co2 / base_gdp).dropna()
    rows = [(r, y, float(i * (1 - INTENSITY_DECLINE_PER_YEAR) ** (y - base_year))) for r, i in base.items() for y in years]
    return pd.DataFrame(rows, columns=["region", "year", "intensity_target"])


def create_demo_plan(db_path: str | os.PathLike) -> int:
    """Write the demo's five-year plan (3% reserve, separately-listed quota for the major plant)."""
    with db.connect(db_path) as con:
        regions = queries.regions(con)
        history = queries.co2_for_budget(con)
        gdp = queries.indicator_values(con, ["gdp"], "0000")
    history = history[history["kind"] == "statistical"]
    entries = demo_plan_entries(history[["region", "period", "value"]], gdp, regions, start_year=PLAN_START,
                                       years=PLAN_YEARS, user="system", major_project_region=MAJOR_PROJECT_CITY,
                                       major_project_name=MAJOR_PROJECT_NAME)
    frame = budget.entries_to_frame(entries)
    n = budget_books.append_entries(db_path, frame, validate=validate_entries)
    province = regions.loc[regions["level"] == "province", "code"]
    cities = history.assign(region=history["region"])
    prov_co2 = cities.groupby("period", as_index=False)["value"].sum().assign(region=province.iloc[0])
    prov_gdp = gdp.groupby("period", as_index=False)["value"].sum().assign(region=province.iloc[0])
    targets = intensity_targets(pd.concat([cities, prov_co2]), pd.concat([gdp, prov_gdp]), PLAN_START - 1,
                                range(PLAN_START, PLAN_START + PLAN_YEARS))
    with db.transaction(db_path) as con:
        budget_books.set_intensity_targets(con, targets, source=f"demo: base {PLAN_START - 1} intensity, "
                                           f"-{INTENSITY_DECLINE_PER_YEAR:.1%} a year")
    return n


def as_of_problem(as_of: str | None) -> str | None:
    """Why the demo cannot be built as of ``as_of`` (None: it can). The demo's story is fixed: the period
    before its plan is closed and its plan runs PLAN_START..; a month outside the plan's years has no open
    year for its measures, advances and trades."""
    if as_of is None:
        return None
    first, last = f"{PLAN_START}-01", f"{PLAN_START + PLAN_YEARS - 1}-12"
    text = str(as_of).strip()
    parts = text.split("-")
    if (len(parts) != 2 or not all(p.isdigit() and p.isascii() for p in parts) or (len(parts[0]), len(parts[1])) != (4, 2)
            or not 1 <= int(parts[1]) <= 12):
        return f"--as-of must be a month YYYY-MM, got {text!r} / --as-of 须为年月 YYYY-MM，收到 {text!r}"
    if not first <= text <= last:
        return (f"--as-of {text} is outside the demo plan's years: choose a month from {first} to {last} / "
                f"--as-of {text} 不在示范方案年度内：请选择 {first} 至 {last} 之间的月份")
    return None


def demo_as_of(today=None) -> str:
    """The demo's default month: the last complete one, kept within the plan's years (a demo built in 2031
    ends in 2030-12)."""
    return min(max(default_as_of(today), f"{PLAN_START}-01"), f"{PLAN_START + PLAN_YEARS - 1}-12")


def build(db_path: str | os.PathLike, n_cities: int = 12, as_of: str | None = None, seed: int = 20260101,
          co2_lag_months: int = 6, with_nowcast: bool = True, with_users: bool = False) -> dict:
    problem = as_of_problem(as_of)
    if problem:
        raise ValueError(problem)
    as_of = as_of or demo_as_of()
    info = build_demo(db_path, n_cities=n_cities, as_of=as_of, seed=seed, co2_lag_months=co2_lag_months)
    if with_nowcast:
        info["nowcast"] = nowcast_run.run_and_store(db_path)["model_run"]
    info["ledger_entries"] = create_demo_plan(db_path)
    info["plan"] = record_demo_plan(db_path, range(PLAN_START, PLAN_START + PLAN_YEARS), MAJOR_PROJECT_CITY,
                                    MAJOR_PROJECT_NAME, {"emissions": 0.9, "gdp": 0.1})  # the plan page shows it approved
    info["accounts"] = build_accounts(db_path)  # the 14th period 2021–2025: plan, closed years, five-year close
    info["books"] = build_books(db_path)  # targets handed down; a mid-period plan revision after the 2025 close
    info["measures"] = create_demo_measures(db_path, info["as_of"], MAJOR_PROJECT_CITY, MAJOR_PROJECT_NAME)
    info["meters"] = build_meters(db_path, info["as_of"], seed)  # metered key emitters: registry, MRV years, daily readings
    from monitor.quarterly import publish_due

    info["published_quarters"] = publish_due(db_path)  # last quarter's status as published: the "since last quarter" baseline
    info["allowances"] = build_allowances(db_path, info["as_of"], seed)  # power sector, local market: an allowance year
    info["province"] = build_province(db_path)  # objection answered, plan filed, consequences, capacity funds, the site
    if with_users:  # with its users, the demo sends approvals to the provincial approver (issue 17)
        info["signoffs"] = signoff_rules(db_path, info["as_of"])
    if with_users:  # one account per role, passwords on the sign-in page while this stays the demo (issue 22)
        from demo_province.users_demo import create_demo_users

        info["users"] = create_demo_users(db_path)
    return info
