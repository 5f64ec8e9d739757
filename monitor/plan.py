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
from monitor import approvals, ledger_change, targets
from warehouse import budget_books, db, key_emitters, plans, queries


@dataclass
class PlanInputs:
    parent: str
    regions: pd.DataFrame
    members: list[str]
    history: pd.DataFrame     # region, period, value (monthly statistical CO2 of the members)
    gdp: pd.DataFrame         # region, period, value
    population: pd.DataFrame  # region, period (YYYY), value (万人)
    reserve_cap: float = config.RESERVE_SHARE_MAX   # the province's reserve cap in force


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
    from monitor import rules as mrules

    cap = float(mrules.current(db_path)["reserve.cap_share"]) if db_path is not None else config.RESERVE_SHARE_MAX
    return PlanInputs(parent, regions, members, co2[co2["region"].isin(members)], pick("gdp"), pick("population"), cap)


def compile_content(inp: PlanInputs, years: Sequence[int], **kw) -> dict:
    """budget.plan_versions.compile_plan over ``inp`` (gdp/population left out when absent)."""
    kw.setdefault("reserve_cap", inp.reserve_cap)
    return plan_versions.compile_plan(inp.parent, inp.members, inp.history, years,
                                      gdp=inp.gdp if len(inp.gdp) else None,
                                      population=inp.population if len(inp.population) else None, **kw)


def draft(db_path, parent: str, years: str | Sequence[int], *, user: str | None = None, note: str = "", **kw) -> dict:
    """Compile and store a new plan (version 1); returns the CLI contract dict."""
    years = scenarios.parse_years(years)
    target = targets.for_plan(db_path, parent, years[0], years[-1])
    content = _with_target(compile_content(inputs(db_path, parent), years, target_decline=target["intensity_decline"], **kw), target)
    plan_id, version = plans.create(db_path, content, user, note)
    return contract(plan_id, version, content)


def _with_target(content: dict, target: dict) -> dict:
    """The content with the target it serves; refused when the total exceeds a cap handed down."""
    cap = target.get("total_cap")
    if cap is not None and float(content["total"]) > float(cap) + 0.005:
        raise PlanError("total_over_cap", {"total": content["total"], "cap": cap, "document": target["document"]})
    return {**content, "target": target}


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
    target = targets.for_plan(db_path, prev["parent"], prev["years"][0], prev["years"][-1])
    content = _with_target(compile_content(inputs(db_path, prev["parent"]), prev["years"], scenario_params=params,
                                           target_decline=target["intensity_decline"], **kw), target)
    content["horizontal"] = prev.get("horizontal", []) if horizontal is None else horizontal
    version, diff = plans.revise(db_path, plan_id, content, user, note, plan_versions.changes)
    out = contract(plan_id, version, content)
    out["changes"] = diff
    return out


def _layer_frame(content, previous, closed, user: str, prefix: str) -> tuple[pd.DataFrame, list]:
    entries, skipped = plan_versions.layer_entries(content, previous, closed, user=user,
                                                  reason=f"预算方案 {prefix} 批准 / budget plan {prefix} approved",
                                                  id_prefix=prefix)
    return budget.entries_to_frame(entries), skipped


def _approve_handler(con, payload: dict, requested_by: str, confirmed_by: str | None) -> dict:
    closed = ledger_change.closed_years(con)
    return plans.approve_on(con, payload["plan"], payload.get("version"), requested_by, payload.get("supersedes"),
                            lambda c, prev, name, prefix: _layer_frame(c, prev, closed, name, prefix),
                            lambda con_, frame: ledger_change.write_checked(con_, frame), confirmed_by=confirmed_by)


def register_handlers(register) -> None:
    register("plan_approve", _approve_handler)


def approve(db_path, plan_id: str, version: int | None, user: str | None, supersedes: str | None = None) -> dict:
    """Approve a version: the plan's layer in the books moves from its previously approved version to this one
    (only the difference; closed years skipped). Where the province's rules ask for a second signature the
    approval waits (``{"status": "pending", "id"}``) until an approver confirms it."""
    with db.connect(db_path) as con:
        v = plans.version(con, plan_id, version)
    payload = {"plan": plan_id, "version": v["version"], "supersedes": supersedes}
    summary = (f"批准预算方案 {plan_id} 第 {v['version']} 版（{v['content']['years'][0]}–{v['content']['years'][-1]}，"
               f"总量 {v['content']['total']:,.2f} 万吨） / approve budget plan {plan_id} version {v['version']}")
    out = approvals.submit(db_path, "plan_approve", payload, summary, user)
    if out["status"] == "pending":
        return {"plan": plan_id, "version": v["version"], "status": "pending", "approval": out["id"], "signoff": out["signoff"]}
    return {**out["result"], "status": "confirmed"}


def replaces(db_path, plan_id: str) -> str | None:
    """The approved plan (same parent, overlapping years) that approving ``plan_id`` would supersede, if any."""
    with db.connect(db_path) as con:
        v = plans.version(con, plan_id)
        listing = plans.approved_versions(con)
    years = set(int(y) for y in v["content"]["years"])
    other = listing[(listing["plan_id"] != plan_id) & (listing["parent"] == v["content"]["parent"]) & listing["superseded_by"].isna()]
    hits = [p for p, a, b in zip(other["plan_id"], other["first_year"], other["last_year"]) if years & set(range(int(a), int(b) + 1))]
    return hits[0] if len(hits) == 1 else None


def approval_preview(db_path, plan_id: str, version: int | None = None, supersedes: str | None = None) -> dict:
    """What approving a version would change, without writing: {changes: [{region, year, account, amount}],
    skipped_years, untouched: what the approval leaves alone} — the books as they are, nothing stored."""
    with db.connect(db_path) as con:
        v = plans.version(con, plan_id, version)
        listing = plans.approved_versions(con)
        closed = ledger_change.closed_years(con)
        mine = listing[listing["plan_id"] == plan_id]
        prev = None
        if len(mine):
            prev = plans.version(con, plan_id, int(mine["version"].iloc[0]))["content"]
        elif supersedes and supersedes in set(listing["plan_id"]):
            prev = plans.version(con, supersedes, int(listing.loc[listing["plan_id"] == supersedes, "version"].iloc[0]))["content"]
    frame, skipped = _layer_frame(v["content"], prev, closed, "preview", f"{plan_id}-v{v['version']}")
    changes = [{"region": (r.to_region if r.project is None or pd.isna(r.project) else f"{r.to_region}/{r.project}"),
                "year": int(r.year), "type": r.type, "amount": round(float(r.amount), 2)} for r in frame.itertuples()]
    return {"plan": plan_id, "version": v["version"], "changes": changes, "skipped_years": skipped, "supersedes": supersedes,
            "untouched": ["close adjustments / 决算调整", "advances / 预支", "transfers / 调剂", "approved quota / 已批准单列指标"]}


def comment(db_path, plan_id: str, region: str, user: str | None, text: str, requested_amount: float | None = None,
            version: int | None = None) -> int:
    return plans.add_comment(db_path, plan_id, version, region, user, text, requested_amount)


def contract(plan_id: str, version: int, content: Mapping) -> dict:
    """The ``plan draft --json`` contract: plan, version, total, years, reserve, allocations (万吨)."""
    return {"plan": plan_id, "version": int(version), "total": content["total"], "years": dict(content["yearly"]),
            "reserve": {"share": content["reserve_share"], **{y: a for y, a in content["reserve"].items()}},
            "allocations": [{"region": a["region"], "year": int(a["year"]), "amount": a["amount"]}
                            for a in content["allocations"]],
            "separately_listed": content["quota"], "scenario": content["scenario"], "method": content["method"],
            "target": {k: (content.get("target") or {}).get(k) for k in ("intensity_decline", "total_cap", "document")}}


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
        ledger = budget_books.entries(con)
    # the books, not the plan version: close adjustments, advances and transfers included
    bal = budget.apply(budget.entries_from_frame(ledger)) if len(ledger) else None
    plan_years = {int(y) for y in content["years"]}
    budget_by_year, quota = {}, []
    if bal is not None:
        rows = bal.regions[(bal.regions["region"] == city) & bal.regions["year"].isin(plan_years)]
        budget_by_year = {int(y): float(b) for y, b in zip(rows["year"], rows["budget"])}
        q = bal.projects[(bal.projects["region"] == city) & bal.projects["year"].isin(plan_years)]
        quota = [(int(y), str(p), float(a)) for y, p, a in zip(q["year"], q["project"], q["amount"]) if a > 0]
    if not budget_by_year:
        for a in content["allocations"]:
            if a["region"] == city:
                budget_by_year[int(a["year"])] = budget_by_year.get(int(a["year"]), 0.0) + float(a["amount"])
        quota = [(int(q["year"]), str(q["project"]), float(q["amount"])) for q in content["quota"] if q["region"] == city]
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
    # a separately-listed quota belongs to its named project's enterprise, not to the whole city
    by_name = {str(n): str(c) for c, n in zip(reg.get("code", []), reg.get("name_zh", []))} if len(reg) else {}
    extra = [{"unit": by_name.get(p, p), "name_zh": f"{p}（单列指标）", "name_en": f"{p} (separately listed)", "year": y,
              "amount": round(a, 2)} for y, p, a in quota]
    if extra:
        out = pd.concat([out, pd.DataFrame(extra)], ignore_index=True)
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
    from monitor.filing_package import objection_tables  # comments, objections and their answers (issue 17)

    table = objection_tables(db_path, "plan", plan_id, names, plan_id)
    books = document_books(db_path, plan_id, v, appr)
    return (plan_doc.pdf(v, names, appr, objections=table, books=books),
            plan_doc.xlsx(v, names, appr, objections=table, books=books))


def document_books(db_path, plan_id: str, v: dict, appr: pd.DataFrame) -> dict:
    """Target (from the warehouse: the latest version handed down), rules in force and both signatures of a version."""
    from monitor import rules as mrules

    sig = None
    if len(appr):
        a = appr.iloc[0]
        conf = a.get("confirmed_by")
        sig = {"requested_by": a["user"], "requested_at": a["approved_at"],
               "confirmed_by": None if conf is None or pd.isna(conf) else conf, "confirmed_at": a["approved_at"]}
    c = v["content"]
    return mrules.document_books(db_path, target=(c["parent"], int(c["years"][0]), int(c["years"][-1])), signatures=sig)


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
    decline = targets.for_plan(db_path, parent, years[0], years[-1])["intensity_decline"]
    params = scenarios.default_scenarios(base, years, decline)
    for name, o in (overrides or {}).items():
        params[name] = scenarios.with_overrides(params[name], **{k: v for k, v in o.items() if v is not None})
    paths, summary = scenarios.compare(base, params, years, decline)
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
