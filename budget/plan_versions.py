"""A budget plan as data: compile a version's content, diff two versions, and turn a version into
ledger entries (pure; storage is ``warehouse.plans``).

A version's *content* is one JSON-able dict (stored as is, never edited: a revision is a new
version with the list of what changed)::

    parent, members, years, base_year, scenario, scenarios {name: params}, method, weights,
    reserve_share, shape, total, yearly {year: 万吨}, projects [region, project, amount, start_year],
    projects_on_top, allocations [region, year, amount], reserve {year: 万吨},
    quota [year, region, project, amount], factors [...], fairness [...], summary [...],
    horizontal [city, kind, method, unit, year, amount]
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from budget import allocation as alloc_mod
from budget import config, scenarios as scen
from budget.ledger import LedgerEntry, new_entry
from budget.plan_errors import PlanError

PARAM_FIELDS = ("scenario", "method", "weights", "reserve_share", "shape", "total", "projects", "projects_on_top")


def _num(v, digits: int = 4):
    return None if v is None or (isinstance(v, float) and not math.isfinite(v)) else round(float(v), digits)


def _records(frame: pd.DataFrame, digits: int = 4) -> list[dict]:
    out = []
    for rec in frame.to_dict("records"):
        out.append({k: (_num(v, digits) if isinstance(v, (float, np.floating)) else
                        int(v) if isinstance(v, (np.integer,)) else bool(v) if isinstance(v, np.bool_) else v)
                    for k, v in rec.items()})
    return out


def compile_plan(parent: str, members: Sequence[str], history: pd.DataFrame, years: Sequence[int], *,
                 gdp: pd.DataFrame | None = None, population: pd.DataFrame | None = None,
                 scenario: str = "baseline", method: str = "history", weights: Mapping[str, float] | None = None,
                 reserve_share: float = config.RESERVE_SHARE_DEFAULT, total: float | None = None,
                 shape: str = "scenario", typed: Mapping[int, float] | None = None,
                 projects: Sequence[Mapping] = (), projects_on_top: bool = False,
                 scenario_params: Mapping[str, scen.ScenarioParams] | None = None,
                 target_decline: float = config.PLAN_INTENSITY_TARGET_DECLINE,
                 reserve_cap: float = config.RESERVE_SHARE_MAX) -> dict:
    """The content of a plan version (see module docstring). ``total`` None: the chosen scenario's
    five-year total. Raises PlanError (reserve cap, missing factor, unknown scenario/method...)."""
    years = [int(y) for y in years]
    members = sorted(str(m) for m in members)
    if not members:
        raise PlanError("no_members", {"parent": parent})
    if scenario not in config.PLAN_SCENARIOS:
        raise PlanError("unknown_scenario", {"scenario": scenario})
    if not np.isfinite(reserve_share) or not 0 <= reserve_share <= reserve_cap:   # the province's reserve cap in force
        raise PlanError("reserve_over_max", {"share": reserve_share, "max": reserve_cap})
    annual = alloc_mod.annual_inputs(members, history, gdp)
    factors = alloc_mod.member_factors(members, history, gdp, population, years[0], annual=annual)
    w = alloc_mod.check_factors(method, factors, weights)
    base = scen.base_of(parent, history, gdp, years[0], members, annual=annual)
    params = dict(scenario_params or scen.default_scenarios(base, years, target_decline))
    paths, summary = scen.compare(base, params, years, target_decline)
    chosen = paths[(paths["scenario"] == scenario) & paths["in_plan"]]
    if total is None:
        total = float(summary.set_index("scenario").loc[scenario, "total"])
    if not np.isfinite(total) or total <= 0:
        raise PlanError("bad_total", {"total": total})
    total = round(float(total), 2)
    yearly = alloc_mod.yearly_path(total, years, shape, chosen, typed)
    quota = alloc_mod.expand_projects(projects, years, members)
    shares = alloc_mod.vertical_shares(method, years, factors, history, gdp, population, w if method == "mix" else None,
                                       gdp_growth=base.gdp_growth, annual=annual)
    entries = alloc_mod.vertical_entries(parent, yearly, shares, user="draft", reserve_share=reserve_share,
                                         projects=quota, projects_on_top=projects_on_top, reserve_cap=reserve_cap)
    allocations, reserve, quota_frame = alloc_mod.allocation_table(entries)
    fair = alloc_mod.fairness(allocations, factors, quota_frame, gdp_growth=base.gdp_growth)
    return {
        "parent": str(parent), "members": members, "years": years, "base_year": base.year,
        "base_emissions": _num(base.emissions, 2), "base_gdp": _num(base.gdp, 2),
        "scenario": scenario, "scenarios": {k: p.to_dict() for k, p in params.items()},
        "target_decline": float(target_decline), "method": method, "weights": w if method == "mix" else {},
        "reserve_share": float(reserve_share), "shape": shape, "total": total,
        "yearly": {str(y): v for y, v in yearly.items()},
        "projects": [dict(p) for p in projects], "projects_on_top": bool(projects_on_top),
        "allocations": _records(allocations[["region", "year", "amount"]], 2),
        "reserve": {str(int(y)): _num(a, 2) for y, a in zip(reserve["year"], reserve["amount"])},
        "quota": _records(quota_frame[["year", "region", "project", "amount"]], 2),
        "factors": _records(factors),
        "shares": _records(shares[["year", "region", "share"]], 6),
        "fairness": _records(fair),
        "summary": _records(summary),
        "paths": _records(paths[["scenario", "year", "in_plan", "emissions", "lo90", "hi90", "gdp", "intensity",
                                 "intensity_index", "target_intensity_index", "implied", "meets"]]),
        "horizontal": [],
    }


def frames(content: Mapping) -> dict[str, pd.DataFrame]:
    """The tables of a version as DataFrames (allocations, yearly, reserve, quota, factors, fairness,
    summary, paths, horizontal)."""
    f = {k: pd.DataFrame(content.get(k, [])) for k in ("allocations", "quota", "factors", "fairness", "summary",
                                                        "paths", "horizontal", "shares")}
    f["yearly"] = pd.DataFrame({"year": [int(y) for y in content["yearly"]], "total": list(content["yearly"].values())})
    f["reserve"] = pd.DataFrame({"year": [int(y) for y in content["reserve"]], "amount": list(content["reserve"].values())})
    return f


def content_entries(content: Mapping, *, user: str, reason: str, id_prefix: str, date: str | None = None) -> list[LedgerEntry]:
    """Ledger entries that put a version in place on empty books (reserve, quota, allocations per year)."""
    out: list[LedgerEntry] = []
    for y in content["years"]:
        n = 0

        def add(kind, amount, **kw):
            nonlocal n
            n += 1
            out.append(new_entry(kind, y, float(amount), user=user, reason=reason, date=date,
                                 entry_id=f"{id_prefix}-{y}-{n:03d}", **kw))

        r = float(content["reserve"].get(str(y)) or 0.0)
        if r > 0:
            add("reserve_set_aside", r, from_region=content["parent"], to_region=config.RESERVE_ACCOUNT)
        for q in content["quota"]:
            if int(q["year"]) == y:
                add("separately_listed", q["amount"], to_region=q["region"], project=q["project"])
        for a in content["allocations"]:
            if int(a["year"]) == y and float(a["amount"]) > 0:
                add("allocation", a["amount"], from_region=content["parent"], to_region=a["region"])
    return out


def _accounts(content: Mapping | None, year: int) -> dict[tuple, float]:
    """The accounts a version puts in place for ``year``: ('city', region), ('reserve',), ('quota', region, project)."""
    out: dict[tuple, float] = {}
    if content is None or year not in [int(y) for y in content["years"]]:
        return out
    for a in content["allocations"]:
        if int(a["year"]) == year:
            out[("city", a["region"])] = out.get(("city", a["region"]), 0.0) + float(a["amount"])
    r = float(content["reserve"].get(str(year)) or 0.0)
    if r:
        out[("reserve",)] = r
    for q in content["quota"]:
        if int(q["year"]) == year:
            key = ("quota", q["region"], q["project"])
            out[key] = out.get(key, 0.0) + float(q["amount"])
    return out


def layer_entries(content: Mapping, previous: Mapping | None, closed: set[int] | frozenset = frozenset(), *, user: str,
                  reason: str, id_prefix: str, date: str | None = None) -> tuple[list[LedgerEntry], list[int]]:
    """The plan layer's change in the books when ``content`` is approved after ``previous`` (the previously
    approved version of the same plan, or of the plan it supersedes; None for a first approval).

    Only the difference between the two versions is written, so every other layer — close adjustments,
    advances, transfers, approved quota — survives: a year the previous version did not cover gets the
    plain plan entries; a covered year gets one signed ``adjustment`` per account (member, reserve,
    project) whose amount changed, nothing when nothing changed. Years in ``closed`` are never written.
    Returns (entries, skipped closed years that the approval would otherwise have touched)."""
    years = sorted({int(y) for y in content["years"]} | ({int(y) for y in previous["years"]} if previous else set()))
    years = [y for y in years if y in {int(x) for x in content["years"]}]
    out: list[LedgerEntry] = []
    skipped = []
    for y in years:
        old, new = _accounts(previous, y), _accounts(content, y)
        if y in closed:
            if any(abs(new.get(k, 0.0) - old.get(k, 0.0)) > 0.005 for k in set(old) | set(new)):
                skipped.append(y)
            continue
        if not old:
            out += content_entries({**content, "years": [y]}, user=user, reason=reason, id_prefix=id_prefix, date=date)
            continue
        n = 0
        for key in sorted(set(old) | set(new)):
            delta = round(new.get(key, 0.0) - old.get(key, 0.0), 2)
            if abs(delta) <= 0.005:
                continue
            n += 1
            kw = {"city": lambda: {"to_region": key[1]}, "reserve": lambda: {"to_region": config.RESERVE_ACCOUNT},
                  "quota": lambda: {"to_region": key[1], "project": key[2]}}[key[0]]()
            out.append(new_entry("adjustment", y, delta, user=user, reason=reason, date=date,
                                 entry_id=f"{id_prefix}-{y}-a{n:03d}", **kw))
    # decreases first, so that an account that shrinks is never asked to go through zero
    out.sort(key=lambda e: (e.year, e.type != "adjustment" or e.amount > 0))
    return out, skipped


def changes(old: Mapping | None, new: Mapping) -> list[dict]:
    """What changed from ``old`` to ``new``: parameter fields, then members' five-year amounts
    (field, old, new); the first version lists nothing."""
    if old is None:
        return []
    out = [{"field": f, "old": old.get(f), "new": new.get(f)} for f in PARAM_FIELDS if old.get(f) != new.get(f)]
    for y in sorted(set(old["yearly"]) | set(new["yearly"])):
        if old["yearly"].get(y) != new["yearly"].get(y):
            out.append({"field": f"yearly.{y}", "old": old["yearly"].get(y), "new": new["yearly"].get(y)})
    cmp = compare(old, new)
    by = cmp.groupby("region")[["a", "b"]].sum()
    for region, row in by.iterrows():
        if abs(row["a"] - row["b"]) > 0.005:
            out.append({"field": f"allocation.{region}", "old": round(row["a"], 2), "new": round(row["b"], 2)})
    if old.get("horizontal") != new.get("horizontal"):
        out.append({"field": "horizontal", "old": len(old.get("horizontal") or []), "new": len(new.get("horizontal") or [])})
    return out


def compare(a: Mapping, b: Mapping) -> pd.DataFrame:
    """region, year, a, b, delta (万吨) of two versions' allocations (quota included under its region)."""
    def frame(c):
        f = pd.DataFrame(c["allocations"] + [{"region": q["region"], "year": q["year"], "amount": q["amount"]}
                                             for q in c["quota"]], columns=["region", "year", "amount"])
        return f.groupby(["region", "year"], as_index=False)["amount"].sum()
    m = frame(a).merge(frame(b), on=["region", "year"], how="outer", suffixes=("_a", "_b")).fillna(0.0)
    m = m.rename(columns={"amount_a": "a", "amount_b": "b"})
    m["delta"] = m["b"] - m["a"]
    return m.sort_values(["region", "year"]).reset_index(drop=True)
