"""Budget status of every city, as of a month: warehouse facts + nowcast estimates + budget logic.

Pure composition (no streamlit): the CLI `status` and the pages both call ``status_report``.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import pandas as pd

import budget
from budget import whatif
from datetime import date as _date

from budget.periods import month_label, previous_quarter_end
from warehouse import budget_books, db, published_status, queries, rules as wrules
from warehouse import measures as measures_store

DRIVER_PREFIXES = ("elec_", "gen_", "out_", "fuel_")


@dataclass
class StatusReport:
    year: int
    month: int
    as_of: str
    province: str | None
    regions: pd.DataFrame      # code, name_zh, name_en, parent, level
    progress: pd.DataFrame     # budget.PROGRESS_COLUMNS (+ names)
    alerts: pd.DataFrame       # budget alerts (+ names)
    rankings: pd.DataFrame     # budget.rank_cities (+ names)
    ledger: pd.DataFrame       # every ledger entry
    co2: pd.DataFrame          # monthly co2 used (statistical / estimated with bands)
    budgets: pd.DataFrame      # region, year, budget
    paths: pd.DataFrame        # budget.projection_paths: known months then the projection fan
    schedule: pd.DataFrame     # region, month, share, cum_share: the seasonal time schedule
    rules: dict = field(default_factory=dict)   # the province's rules in force
    yardstick: str = "intensity"                 # dual control: which yardstick leads this year (intensity | total)


def _parse_month(as_of: str) -> tuple[int, int]:
    try:
        year, month = (int(x) for x in str(as_of).split("-"))
    except ValueError as exc:
        raise ValueError(f"--as-of must be YYYY-MM, got {as_of!r}") from exc
    if not 1 <= month <= 12:
        raise ValueError(f"--as-of month must be 01..12, got {as_of!r}")
    return year, month


def _contrib(value) -> dict:
    if isinstance(value, dict):
        return value
    try:
        return json.loads(value) if isinstance(value, str) else {}
    except ValueError:
        return {}


def status_report(db_path: str | os.PathLike | None = None, year: int | None = None,
                  as_of: str | None = None, baseline: bool = True) -> StatusReport:
    """Progress, alerts and rankings for ``year`` as of month ``as_of`` (defaults: latest data month).

    ``previous_*`` (level, status, deviation, ranks: "since last quarter") come from the status published at
    the previous quarter's end (``monitor.quarterly``) when there is one, else from a recomputation."""
    with db.connect(db_path) as con:
        regions = queries.regions(con)
        latest = queries.latest_driver_month(con)
        as_of = as_of or latest
        if as_of is None:
            raise ValueError("the warehouse holds no monthly electricity data yet")
        y_asof, month = _parse_month(as_of)
        year = int(year or y_asof)
        if year != y_asof:  # a past year's status: as of its December
            month = 12
        as_of = f"{year}-{month:02d}"
        co2 = queries.co2_for_budget(con)
        inds = queries.indicators(con)
        drivers = queries.indicator_values(
            con, [c for c in inds["code"] if c.startswith(DRIVER_PREFIXES)], f"{year - 1}-01")
        gdp = queries.indicator_values(con, ["gdp"], "0000")
        ledger = budget_books.entries(con)
        targets = budget_books.intensity_targets(con)
        measures = measures_store.measures(con)
        plan_periods = _plan_periods(con)
        published = published_status.as_of(con, month_label(*previous_quarter_end(year, month))) if baseline else None
        rules = wrules.rules_in_force(con, _date(year, month, 1))
    provinces = regions[regions["level"] == "province"]
    province = str(provinces["code"].iloc[0]) if len(provinces) == 1 else None
    cities = sorted(regions.loc[(regions["level"] == "city") & ((regions["parent"] == province) if province else True), "code"])
    if ledger.empty:
        raise ValueError("no budget plan yet: the ledger is empty (the demo builds one; see the README)")
    parent = _ledger_parent(ledger, regions)
    if parent is not None and parent != province:  # a plan over another tree, e.g. 全国 → its provinces
        province = parent
        cities = sorted(regions.loc[regions["parent"] == parent, "code"])
    balances = budget.apply(budget.entries_from_frame(ledger))
    budgets = budget.region_budgets(balances, province)
    if not (budgets["year"] == year).any():
        raise ValueError(f"no budget for {year}: the plan covers {budgets['year'].min()}–{budgets['year'].max()}")
    co2 = co2[co2["period"] <= as_of]
    with_data = set(co2["region"])
    cities = [c for c in cities if c in with_data]
    progress = budget.compute_progress(co2[["region", "period", "value", "kind", "lo90", "hi90"]], budgets, year, month,
                                       gdp=gdp, intensity_targets=targets if not targets.empty else None,
                                       province=province, cities=cities, plan_start=_plan_start(budgets, year, plan_periods),
                                       rules=rules)
    if published is not None and len(published):
        progress = with_published(progress, published)
    estimates = co2[(co2["kind"] == "estimated") & ~budget.periods.superseded_estimates(co2)].assign(contributions=lambda f: f["contributions"].map(_contrib))
    projects = balances.projects[balances.projects["year"] == year]
    alerts = budget.build_alerts(progress, drivers=drivers[drivers["period"] <= as_of], indicator_catalog=inds,
                                 estimates=estimates[["region", "period", "contributions"]], major_projects=projects,
                                 rules=rules)
    rankings = budget.rank_cities(progress)
    names = regions.set_index("code")[["name_zh", "name_en"]]
    progress, alerts, rankings = (f.join(names, on="region") for f in (progress, alerts, rankings))
    co2 = co2[co2["region"].isin(cities)]
    paths = budget.projection_paths(co2, year, month, province)
    progress = whatif.with_measures(progress, paths, measures, year, province)  # the outlook with the city's measures
    schedule = budget.seasonal_pattern(budget_monthly(paths, co2, province), year)
    lead = "total" if year >= int(rules["dual_control.total_led_from"]) else "intensity"
    return StatusReport(year, month, as_of, province, regions, progress, alerts, rankings, ledger, co2, budgets,
                        paths, schedule, rules, lead)


def with_published(progress: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """``previous_*`` from the status published at last quarter's end (a region without a record: unknown)."""
    p = published.set_index("region")
    out = progress.copy()
    r = out["region"]
    out["previous_status"] = r.map(p["status"])
    out["previous_level"] = r.map(p["warning_level"])
    out["previous_deviation"] = r.map(p["deviation"]).astype(float)
    for col in ("intensity_change", "yoy_change", "p_overspend"):
        out[f"previous_{col}"] = r.map(p[col]).astype(float)
    out["previous_rank"] = r.map(p["rank"]).astype("Int64")
    out["rank_change"] = (out["previous_rank"] - out["rank"].astype("Int64")).astype("Int64")
    return out


def _plan_periods(con) -> list[tuple[int, int]]:
    """(first, last) year of every approved plan in the warehouse (a draft does not move the period)."""
    from warehouse import plans as wplans

    frame = wplans.plans(con)
    frame = frame[frame["approved"].notna()] if len(frame) else frame
    return [(int(a), int(b)) for a, b in zip(frame["first_year"], frame["last_year"])] if len(frame) else []


def _ledger_parent(ledger: pd.DataFrame, regions: pd.DataFrame) -> str | None:
    """The region the latest allocation was made from (the plan's parent), when it is a known region."""
    alloc = ledger[(ledger["type"] == "allocation") & ledger["from_region"].isin(set(regions["code"]))]
    return str(alloc["from_region"].iloc[-1]) if len(alloc) else None


def _plan_start(budgets: pd.DataFrame, year: int, plan_periods=()) -> int:
    """First year of the plan period containing ``year``: the warehouse's plans first (a 2024–2028 plan),
    else the national five-year period (2021–2025, 2026–2030, …) when the ledger budgets it, else the first
    budgeted year (a plan of another shape)."""
    from budget.year_close import period_of

    start = period_of(year, plan_periods)[0]
    return start if (budgets["year"] == start).any() else int(budgets["year"].min())


def budget_monthly(paths: pd.DataFrame, co2: pd.DataFrame, province: str | None) -> pd.DataFrame:
    """region, year, month, value of cities and the province (sum) for the seasonal schedule."""
    frame = budget.periods.monthly_frame(co2[["region", "period", "value"] + (["kind"] if "kind" in co2 else [])])
    if province:  # a combined Jan–Feb (span) of any city makes the province's pair one value too
        prov = frame.groupby(["year", "month"], as_index=False).agg(value=("value", "sum"), span=("span", "first"))
        frame = pd.concat([frame, prov.assign(region=province)], ignore_index=True)
    return frame[["region", "year", "month", "value", "span"]]


STATUS_FIELDS = ["region", "name_zh", "name_en", "budget", "used_statistical", "used_estimated", "execution_rate",
                 "schedule_progress", "deviation", "status", "warning_level", "p_overspend", "run_out_month",
                 "cut_needed", "intensity", "intensity_target", "previous_level", "rank", "previous_rank",
                 "projected_year_end", "projected_year_end_with_measures", "p_overspend_with_measures"]


def status_records(report: StatusReport) -> list[dict]:
    """The CLI's per-region fields, JSON-ready (NaN → None)."""
    frame = report.progress[STATUS_FIELDS].astype(object)
    frame = frame.where(frame.notna(), None)
    out = []
    for rec in frame.to_dict(orient="records"):
        out.append({k: (round(v, 6) if isinstance(v, float) else v) for k, v in rec.items()})
    return out
