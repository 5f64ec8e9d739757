"""Budget plan compilation, composed for the CLI and the page: read the warehouse, compile a version
(budget.plan_versions), store it (warehouse.plans), approve it into the ledger, split a city's share
horizontally, and make the plan document (reports.plan_doc)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Sequence

import pandas as pd

import budget
from budget import allocation, config, plan_versions, scenarios
from budget.plan_errors import PlanError
from monitor.ledger_change import validate_entries
from warehouse import db, key_emitters, plans, queries


@dataclass
class PlanInputs:
    parent: str
    regions: pd.DataFrame
    members: list[str]
    history: pd.DataFrame     # region, period, value (monthly statistical CO2 of the members)
    gdp: pd.DataFrame         # region, period, value
    population: pd.DataFrame  # region, period (YYYY), value (万人)


def inputs(db_path: str | os.PathLike | None, parent: str) -> PlanInputs:
    """The members of ``parent`` (its child regions with emissions data) and their history."""
    with db.connect(db_path) as con:
        regions = queries.regions(con)
        co2 = queries.co2_for_budget(con)
        facts = queries.indicator_values(con, ["gdp", "population"], "0000")
    if parent not in set(regions["code"]):
        raise PlanError("unknown_region", {"region": parent})
    co2 = co2[co2["kind"] == "statistical"][["region", "period", "value"]]
    children = set(regions.loc[regions["parent"].astype(str) == parent, "code"])
    members = sorted(children & set(co2["region"]))
    if not members:
        raise PlanError("no_members", {"parent": parent})
    pick = lambda ind: facts[(facts["indicator"] == ind) & facts["region"].isin(members)][["region", "period", "value"]]
    return PlanInputs(parent, regions, members, co2[co2["region"].isin(members)], pick("gdp"), pick("population"))


def compile_content(inp: PlanInputs, years: Sequence[int], **kw) -> dict:
    """budget.plan_versions.compile_plan over ``inp`` (gdp/population left out when absent)."""
    return plan_versions.compile_plan(inp.parent, inp.members, inp.history, years,
                                      gdp=inp.gdp if len(inp.gdp) else None,
                                      population=inp.population if len(inp.population) else None, **kw)


def draft(db_path, parent: str, years: str | Sequence[int], *, user: str | None = None, note: str = "", **kw) -> dict:
    """Compile and store a new plan (version 1); returns the CLI contract dict."""
    years = scenarios.parse_years(years)
    content = compile_content(inputs(db_path, parent), years, **kw)
    plan_id, version = plans.create(db_path, content, user, note)
    return contract(plan_id, version, content)


PARAM_KEYS = ("scenario", "method", "weights", "reserve_share", "total", "shape", "typed", "projects", "projects_on_top")


def revise(db_path, plan_id: str, *, user: str | None, note: str = "", horizontal: list | None = None,
           scenario_params: Mapping[str, scenarios.ScenarioParams] | None = None, **changes) -> dict:
    """A new version of ``plan_id`` from the latest one with ``changes`` (any of PARAM_KEYS) applied."""
    with db.connect(db_path) as con:
        prev = plans.version(con, plan_id)["content"]
    kw = {k: prev.get(k) for k in PARAM_KEYS if k in prev}
    kw["weights"] = kw.get("weights") or None
    if kw.get("shape") == "typed" and changes.get("typed") is None:
        kw["typed"] = {int(y): v for y, v in prev["yearly"].items()}
    kw.update({k: v for k, v in changes.items() if v is not None or k == "total"})
    if "total" not in changes:
        kw["total"] = prev["total"]
    params = scenario_params or {k: scenarios.ScenarioParams.from_dict(v) for k, v in prev["scenarios"].items()}
    content = compile_content(inputs(db_path, prev["parent"]), prev["years"], scenario_params=params,
                              target_decline=prev.get("target_decline", config.PLAN_INTENSITY_TARGET_DECLINE), **kw)
    content["horizontal"] = prev.get("horizontal", []) if horizontal is None else horizontal
    version, diff = plans.revise(db_path, plan_id, content, user, note, plan_versions.changes)
    out = contract(plan_id, version, content)
    out["changes"] = diff
    return out


def _approval_entries(content, existing: pd.DataFrame, user: str, prefix: str) -> pd.DataFrame:
    entries = plan_versions.delta_entries(content, budget.entries_from_frame(existing), user=user,
                                          reason=f"budget plan {prefix} approved", id_prefix=prefix)
    return budget.entries_to_frame(entries)


def approve(db_path, plan_id: str, version: int | None, user: str | None) -> dict:
    """Write the version's allocation into the ledger (role checked in the same transaction)."""
    return plans.approve(db_path, plan_id, version, user, _approval_entries, validate_entries)


def comment(db_path, plan_id: str, region: str, user: str | None, text: str, requested_amount: float | None = None,
            version: int | None = None) -> int:
    return plans.add_comment(db_path, plan_id, version, region, user, text, requested_amount)


def contract(plan_id: str, version: int, content: Mapping) -> dict:
    """The ``plan draft --json`` contract: plan, version, total, years, reserve, allocations (万吨)."""
    return {"plan": plan_id, "version": int(version), "total": content["total"], "years": dict(content["yearly"]),
            "reserve": {"share": content["reserve_share"], **{y: a for y, a in content["reserve"].items()}},
            "allocations": [{"region": a["region"], "year": int(a["year"]), "amount": a["amount"]}
                            for a in content["allocations"]],
            "separately_listed": content["quota"], "scenario": content["scenario"], "method": content["method"]}


def load(db_path, plan_id: str, version: int | None = None) -> dict:
    with db.connect(db_path) as con:
        return plans.version(con, plan_id, version)


def overview(db_path) -> dict:
    """Every plan, its versions, comments and approvals (for the page)."""
    with db.connect(db_path) as con:
        listing = plans.plans(con)
        per = {p: {"versions": plans.versions(con, p), "comments": plans.comments(con, p)} for p in listing["plan_id"]}
    return {"plans": listing, "detail": per}


def split(db_path, plan_id: str, city: str, kind: str = "emitters", method: str = "history",
          version: int | None = None, weights: Mapping[str, float] | None = None,
          threshold: float = config.KEY_EMITTER_THRESHOLD) -> pd.DataFrame:
    """Horizontal allocation of ``city``'s budget in a version to its key emitters or sectors:
    city, kind, method, unit, name_zh, name_en, year, amount. The share outside the key emitters
    stays with the city (unit 'other')."""
    with db.connect(db_path) as con:
        content = plans.version(con, plan_id, version)["content"]
        reg, years = key_emitters.registry(con), key_emitters.emitter_years(con)
    budget_by_year = {}
    for a in content["allocations"] + content["quota"]:
        if a["region"] == city:
            budget_by_year[int(a["year"])] = budget_by_year.get(int(a["year"]), 0.0) + float(a["amount"])
    if not budget_by_year:
        raise PlanError("unknown_region", {"region": city})
    units = allocation.emitter_units(reg, years, city, min(content["years"]), threshold)
    if units.empty:
        raise PlanError("no_units", {"region": city, "kind": "key emitters / 重点排放单位"})
    if kind == "sectors":
        units = allocation.sector_units(units).assign(name_zh=lambda f: f["unit"], name_en=lambda f: f["unit"])
    hist = {f["region"]: f["history"] for f in content["factors"]}.get(city) or 0.0
    rest = max(0.0, 1 - float(units["history"].sum()) / hist) if hist else 0.0
    out = allocation.horizontal(budget_by_year, units, method, weights, rest_share=round(rest, 6), rest_label="other")
    names = units.set_index("unit")[["name_zh", "name_en"]]
    out = out.join(names, on="unit")
    out.loc[out["unit"] == "other", ["name_zh", "name_en"]] = ["其他（非重点排放单位）", "Other (outside key emitters)"]
    return out.assign(city=city, kind=kind, method=method)[["city", "kind", "method", "unit", "name_zh", "name_en", "year", "amount"]]


def document(db_path, plan_id: str, version: int | None = None, lang: str = "zh") -> tuple[bytes, bytes]:
    """(PDF, xlsx) of a version."""
    from reports import plan_doc

    with db.connect(db_path) as con:
        v = plans.version(con, plan_id, version)
        regions = queries.regions(con)
        approved = plans.approvals(con, plan_id)
    names = regions.set_index("code")["name_zh" if lang == "zh" else "name_en"].to_dict()
    appr = approved[approved["version"] == v["version"]]
    return plan_doc.pdf(v, names, appr), plan_doc.xlsx(v, names, appr)


def parents(db_path) -> list[str]:
    """Regions that have member regions with emissions data (candidates for a plan's parent)."""
    with db.connect(db_path) as con:
        regions = queries.regions(con)
        have = set(con.execute("SELECT DISTINCT region FROM observations_current WHERE indicator = 'co2_total' "
                               "AND kind = 'statistical'").df()["region"])
    kids = regions[regions["code"].isin(have) & regions["parent"].notna() & (regions["parent"].astype(str) != "")]
    return sorted(set(kids["parent"].astype(str)) & set(regions["code"]))


def scenario_preview(db_path, parent: str, years: str | Sequence[int],
                     overrides: Mapping[str, Mapping] | None = None) -> tuple[scenarios.Base, dict, pd.DataFrame, pd.DataFrame]:
    """(base, params by scenario, stacked paths, summary) with ``overrides`` {scenario: {gdp_growth,
    intensity_decline}} (flat rates) applied to the default scenarios."""
    years = scenarios.parse_years(years)
    inp = inputs(db_path, parent)
    base = scenarios.base_of(parent, inp.history, inp.gdp if len(inp.gdp) else None, years[0], inp.members)
    params = scenarios.default_scenarios(base, years)
    for name, o in (overrides or {}).items():
        params[name] = scenarios.with_overrides(params[name], **{k: v for k, v in o.items() if v is not None})
    paths, summary = scenarios.compare(base, params, years)
    return base, params, paths, summary


def method_comparison(db_path, parent: str, years: str | Sequence[int], total: float,
                      reserve_share: float = config.RESERVE_SHARE_DEFAULT,
                      weights: Mapping[str, float] | None = None) -> tuple[pd.DataFrame, dict[str, dict]]:
    """(region × method five-year amounts, {method: {zh, en} message} for methods that cannot run)."""
    years = scenarios.parse_years(years)
    inp = inputs(db_path, parent)
    gdp = inp.gdp if len(inp.gdp) else None
    pop = inp.population if len(inp.population) else None
    factors = allocation.member_factors(inp.members, inp.history, gdp, pop, years[0])
    yearly = allocation.yearly_path(total, years, "linear")
    out, failed = pd.DataFrame({"region": inp.members}), {}
    for method in config.PLAN_METHODS:
        try:
            shares = allocation.vertical_shares(method, years, factors, inp.history, gdp, pop, weights if method == "mix" else None)
            entries = allocation.vertical_entries(parent, yearly, shares, user="preview", reserve_share=reserve_share)
            alloc, _, _ = allocation.allocation_table(entries)
            out[method] = out["region"].map(alloc.groupby("region")["amount"].sum())
        except PlanError as exc:
            failed[method] = {"zh": exc.message("zh"), "en": exc.message("en")}
    return out, failed
