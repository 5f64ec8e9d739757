"""Five-year total, yearly path, and allocation: vertical (province → cities) and horizontal
(city → sectors or key emitters), pure pandas/numpy.

Vertical shares come from :func:`budget.plan.allocation_shares` (history = grandfathering on the
mean of the last complete years, gdp, intensity, per_capita, mix); the ledger entries from
:func:`budget.plan.plan_entries` (reserve set-aside, separately-listed quota, allocations), so the
books of any allocation balance by construction: parent total = Σ members + reserve + quota.

A method whose factor is missing for a member (no population for per_capita, no GDP for gdp or
intensity) raises :class:`PlanError` ``missing_factor`` naming the members; a reserve share above
``config.RESERVE_SHARE_MAX`` raises ``reserve_over_max``; nothing is produced in either case.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from budget import config
from budget.ledger import LedgerEntry, apply
from budget.ledger_frames import entries_to_frame
from budget.periods import annual_complete, annual_gdp, monthly_frame
from budget.plan import allocation_shares, plan_entries, plan_handed_down
from budget.plan_errors import PlanError
from intake import text_policy

#: Factor each method needs, per member.
METHOD_FACTORS = {"history": ("history",), "gdp": ("gdp",), "intensity": ("history", "gdp"),
                  "per_capita": ("population",)}


def round_to_total(values: np.ndarray, total: float, digits: int = 2) -> np.ndarray:
    """Round to ``digits`` and give the residual to the largest value, so the parts sum to ``total``."""
    r = np.round(np.asarray(values, dtype=float), digits)
    if len(r):
        r[int(np.argmax(r))] += round(float(total), 6) - r.sum()
    return np.round(r, 6)


def yearly_path(total: float, years: Sequence[int], shape: str = "scenario", scenario: pd.DataFrame | None = None,
                typed: Mapping[int, float] | None = None) -> dict[int, float]:
    """Yearly targets (万吨) that sum to ``total``.

    ``scenario``: year, emissions (one scenario's path). ``linear``: the least-squares straight line
    through the scenario's plan years (flat without a scenario); ``scenario``: the scenario's own
    shape; ``typed``: ``typed`` as given (must sum to ``total`` within 0.01). Rounded to 0.01.
    """
    years = [int(y) for y in years]
    if not np.isfinite(total) or total <= 0:
        raise PlanError("bad_total", {"total": total})
    if shape not in config.PLAN_PATH_SHAPES:
        raise PlanError("bad_total", {"total": shape})
    if shape == "typed":
        if typed is None or set(map(int, typed)) != set(years):
            raise PlanError("bad_years", {"years": sorted(typed or {})})
        vals = np.array([float(typed[y]) for y in years])
        if not np.isfinite(vals).all() or (vals <= 0).any():
            raise PlanError("bad_total", {"total": list(vals)})
        if abs(vals.sum() - total) > 0.01:
            raise PlanError("typed_mismatch", {"sum": float(vals.sum()), "total": float(total)})
        return dict(zip(years, round_to_total(vals, total).tolist()))
    if scenario is None:
        weights = np.ones(len(years))
    else:
        s = scenario.set_index("year")["emissions"].reindex(years).to_numpy(dtype=float)
        if shape == "linear":
            x = np.arange(len(years))
            slope, icpt = np.polyfit(x, s, 1) if len(years) > 1 else (0.0, s[0])
            s = icpt + slope * x
        weights = np.clip(s, 1e-9, None)
    return dict(zip(years, round_to_total(weights / weights.sum() * total, total).tolist()))


def annual_inputs(members: Sequence[str], history: pd.DataFrame, gdp: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(complete-year emissions, annual GDP) of ``members``: region, year, value (reshaped once per plan)."""
    members = set(map(str, members))
    ann = annual_complete(monthly_frame(history[history["region"].astype(str).isin(members)]))
    ga = annual_gdp(gdp[gdp["region"].astype(str).isin(members)]) if gdp is not None and len(gdp) else None
    return ann, ga


def member_factors(members: Sequence[str], history: pd.DataFrame, gdp: pd.DataFrame | None,
                   population: pd.DataFrame | None, first_year: int,
                   history_years: int = config.PLAN_HISTORY_YEARS,
                   annual: tuple[pd.DataFrame, pd.DataFrame | None] | None = None) -> pd.DataFrame:
    """Per member: region, history (mean annual emissions over the last ``history_years`` complete
    years before ``first_year``, 万吨), gdp (latest complete year, 亿元), population (latest, 万人),
    intensity (t CO2/万元 in the latest year with both). Missing figures are NaN."""
    members = [str(m) for m in members]
    out = pd.DataFrame({"region": members})
    ann_all, ga_all = annual if annual is not None else annual_inputs(members, history, gdp)
    ann = ann_all[ann_all["year"] < first_year]
    last = ann.groupby("region")["year"].transform("max")
    window = ann[ann["year"] > last - history_years]
    out["history"] = out["region"].map(window.groupby("region")["value"].mean())
    out["emissions_last"] = out["region"].map(ann[ann["year"] == last].set_index("region")["value"])
    out["gdp"] = np.nan
    out["intensity"] = np.nan
    if ga_all is not None:
        ga = ga_all[ga_all["year"] < first_year]
        gl = ga[ga["year"] == ga.groupby("region")["year"].transform("max")].set_index("region")
        out["gdp"] = out["region"].map(gl["value"])
        both = ann.merge(ga, on=["region", "year"], suffixes=("_e", "_g"))
        both = both[both["year"] == both.groupby("region")["year"].transform("max")].set_index("region")
        out["intensity"] = out["region"].map(both["value_e"] / both["value_g"])
    out["population"] = np.nan
    if population is not None and len(population):
        pop = population[population["region"].astype(str).isin(members) & population["period"].astype(str).str.fullmatch(r"\d{4}")]
        pop = pop.assign(year=pop["period"].astype(str).astype(int))
        pop = pop[pop["year"] < first_year]
        pl = pop[pop["year"] == pop.groupby("region")["year"].transform("max")].drop_duplicates("region", keep="last")
        out["population"] = out["region"].map(pl.set_index("region")["value"].astype(float))
    return out


def _weights_ok(w: Mapping[str, float]) -> bool:
    """Mix weights are finite, from 0 to ``config.PLAN_MAX_WEIGHT`` each, and not all zero (so their sum is
    finite and positive: ``history=1e308,gdp=1e308`` used to overflow into silent equal shares)."""
    vals = list(w.values())
    return bool(vals) and all(np.isfinite(v) and 0 <= v <= config.PLAN_MAX_WEIGHT for v in vals) and sum(vals) > 0


def check_factors(method: str, factors: pd.DataFrame, weights: Mapping[str, float] | None = None) -> dict[str, float]:
    """The mix components (component -> weight) after refusing an unknown method, bad weights or a
    missing factor (raises PlanError)."""
    if method not in config.PLAN_METHODS:
        raise PlanError("unknown_method", {"method": method})
    if method == "mix":
        w = {str(k): float(v) for k, v in (weights or {"history": 0.7, "gdp": 0.3}).items() if float(v) != 0}
        if not w or any(k not in METHOD_FACTORS for k in w) or not _weights_ok(w):
            raise PlanError("bad_weights", {"weights": dict(weights or {})})
    else:
        w = {method: 1.0}
    for comp in w:
        for factor in METHOD_FACTORS[comp]:
            bad = factors.loc[~(factors[factor].astype(float) > 0), "region"].tolist()
            if bad:
                raise PlanError("missing_factor", {"method": comp, "factor": factor,
                                                   "regions": ", ".join(bad[:8]) + (" …" if len(bad) > 8 else "")})
    return w


def vertical_shares(method: str, years: Sequence[int], factors: pd.DataFrame, history: pd.DataFrame,
                    gdp: pd.DataFrame | None = None, population: pd.DataFrame | None = None,
                    weights: Mapping[str, float] | None = None, gdp_growth: float = 0.05,
                    intensity_decline: float = 0.04,
                    annual: tuple[pd.DataFrame, pd.DataFrame | None] | None = None) -> pd.DataFrame:
    """year, region, share (Σ = 1 per year) by ``method`` over the members of ``factors``."""
    w = check_factors(method, factors, weights)
    comps = {("emissions" if k == "history" else k): v for k, v in w.items()}
    members = factors["region"].tolist()
    hist = history[history["region"].astype(str).isin(members)]
    ann, ga = annual if annual is not None else (None, None)
    return allocation_shares("mix", years, history=hist, gdp=gdp, cities=members, weights=comps,
                             population=population, gdp_growth=gdp_growth, intensity_decline=intensity_decline,
                             emissions_annual=ann, gdp_annual=ga)


def expand_projects(projects: Sequence[Mapping], years: Sequence[int], members: Sequence[str]) -> list[dict]:
    """Separately-listed quota rows (year, region, project, amount) from dicts region, project, amount
    (万吨/yr) and optional start_year."""
    out = []
    for p in projects:
        name, region = text_policy.normalize(p.get("project", ""), multiline=False).strip(), str(p.get("region", ""))
        amount = float(p.get("amount", np.nan))
        if not name or len(name) > text_policy.MAX_NAME or region not in set(map(str, members)) \
                or not np.isfinite(amount) or amount <= 0:
            raise PlanError("bad_project", {"project": name or region})
        per_year = {str(k): float(v) for k, v in (p.get("amounts") or {}).items()}  # optional amount per year
        for y in years:
            if y >= int(p.get("start_year") or years[0]):
                a = per_year.get(str(y), amount)
                if not np.isfinite(a) or a < 0:
                    raise PlanError("bad_project", {"project": name})
                if a > 0:
                    out.append({"year": int(y), "region": region, "project": name, "amount": round(a, 2)})
    return out


def vertical_entries(parent: str, yearly: Mapping[int, float], shares: pd.DataFrame, *, user: str,
                     reserve_share: float = config.RESERVE_SHARE_DEFAULT, projects: Sequence[Mapping] = (),
                     projects_on_top: bool = False, date: str | None = None, reason: str = "five-year plan",
                     id_prefix: str = "plan", reserve_cap: float = config.RESERVE_SHARE_MAX) -> list[LedgerEntry]:
    """The ledger entries of a vertical allocation (reserve, separately-listed quota, allocations)."""
    if not np.isfinite(reserve_share) or not 0 <= reserve_share <= reserve_cap:
        raise PlanError("reserve_over_max", {"share": reserve_share, "max": reserve_cap})
    plan = plan_handed_down(parent, yearly)
    return plan_entries(plan, shares, user=user, reserve_share=reserve_share, separately_listed=projects,
                        separately_listed_within_total=not projects_on_top, date=date, reason=reason, id_prefix=id_prefix)


def allocation_table(entries: Sequence[LedgerEntry]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(allocations region, year, amount; reserve year, amount; projects year, region, project, amount)
    from the entries of :func:`vertical_entries`; the books are applied, so they balance."""
    bal = apply(entries)
    alloc = bal.regions[["region", "year", "budget"]].rename(columns={"budget": "amount"})
    alloc = alloc[alloc["amount"] > 0].sort_values(["region", "year"]).reset_index(drop=True)
    reserve = bal.totals[["year", "reserve"]].rename(columns={"reserve": "amount"})
    return alloc, reserve, bal.projects.copy()


def fairness(alloc: pd.DataFrame, factors: pd.DataFrame, projects: pd.DataFrame | None = None,
             gdp_growth: float = 0.05) -> pd.DataFrame:
    """Per member: five_year, annual (mean, 万吨, quota of its projects included), per_capita (t CO2 per
    person a year = 万吨/万人), per_gdp (t CO2/万元 of expected GDP), history (mean of its last five
    years), change (annual / history − 1: negative = squeezed)."""
    a = alloc.copy()
    if projects is not None and len(projects):
        a = pd.concat([a, projects.rename(columns={"amount": "amount"})[["region", "year", "amount"]]])
    by = a.groupby("region").agg(five_year=("amount", "sum"), years=("year", "nunique"))
    f = factors.set_index("region").reindex(by.index)
    out = pd.DataFrame({"region": by.index, "five_year": by["five_year"].to_numpy()})
    out["annual"] = out["five_year"] / by["years"].to_numpy()
    out["per_capita"] = out["annual"].to_numpy() / f["population"].to_numpy(dtype=float)
    first = int(a["year"].min())
    mid = (first + a["year"].max()) / 2
    expected_gdp = f["gdp"].to_numpy(dtype=float) * (1 + gdp_growth) ** (mid - (first - 1))
    out["per_gdp"] = out["annual"].to_numpy() / expected_gdp
    out["history"] = f["history"].to_numpy(dtype=float)
    out["change"] = out["annual"] / out["history"] - 1
    return out.reset_index(drop=True)


def horizontal(budget_by_year: Mapping[int, float], units: pd.DataFrame, method: str,
               weights: Mapping[str, float] | None = None, rest_share: float = 0.0,
               rest_label: str = "other") -> pd.DataFrame:
    """Split a city's yearly budget to ``units`` (unit, sector, history, gdp[, population]) by ``method``.

    ``history``: mean annual emissions; ``gdp``: activity (value added, or electricity use for key
    emitters); ``intensity``: activity × the sector's median intensity (benchmarking: a unit cleaner
    than its sector earns more); ``per_capita``: ``population`` (e.g. employees). ``rest_share`` of
    the budget stays with ``rest_label`` (e.g. emissions outside the key emitters). Returns unit,
    year, amount; per year the parts sum to the city's budget.
    """
    if units.empty:
        raise PlanError("no_units", {"region": "", "kind": rest_label})
    if method not in config.PLAN_METHODS:
        raise PlanError("unknown_method", {"method": method})
    u = units.reset_index(drop=True)
    comps = {method: 1.0} if method != "mix" else {k: float(v) for k, v in (weights or {"history": 0.7, "gdp": 0.3}).items()}
    if not _weights_ok(comps):
        raise PlanError("bad_weights", {"weights": dict(weights or {})})
    raw = np.zeros(len(u))
    for comp, w in comps.items():
        if comp not in METHOD_FACTORS:
            raise PlanError("bad_weights", {"weights": dict(weights or {})})
        col = "population" if comp == "per_capita" else ("gdp" if comp == "intensity" else comp)
        vals = u[col].to_numpy(dtype=float) if col in u else np.full(len(u), np.nan)
        if not (vals > 0).all():
            bad = u.loc[~(vals > 0), "unit"].astype(str).tolist()
            raise PlanError("missing_factor", {"method": comp, "factor": col, "regions": ", ".join(bad[:8])})
        if comp == "intensity":
            inten = u["history"].to_numpy(dtype=float) / vals
            bench = pd.Series(inten).groupby(u["sector"].to_numpy()).transform("median").to_numpy()
            vals = vals * bench
        raw += w * vals / vals.sum()
    share = raw / raw.sum()
    years = sorted(int(y) for y in budget_by_year)
    blocks = []
    for y in years:
        total = float(budget_by_year[y])
        rest = round(total * rest_share, 2)
        amounts = round_to_total(share * (total - rest), total - rest)
        blocks.append(pd.DataFrame({"unit": u["unit"].astype(str), "year": y, "amount": amounts}))
        if rest_share > 0:
            blocks.append(pd.DataFrame({"unit": [rest_label], "year": [y], "amount": [rest]}))
    return pd.concat(blocks, ignore_index=True)


def emitter_units(registry: pd.DataFrame, years: pd.DataFrame, city: str, before: int,
                  threshold: float = config.KEY_EMITTER_THRESHOLD,
                  history_years: int = config.PLAN_HISTORY_YEARS) -> pd.DataFrame:
    """Key emitters of ``city`` at or above ``threshold`` (mean annual 万吨 CO2 of the last ``history_years`` years
    before ``before``), and its local additions (``local_addition``, 地方增列) whatever their level: unit, name_zh,
    name_en, sector, history, gdp (= mean electricity use, the activity proxy)."""
    reg = registry[registry["region"].astype(str) == str(city)]
    y = years[years["code"].isin(reg["code"]) & (years["year"] < before) & (years["year"] >= before - history_years)]
    agg = y.groupby("code").agg(history=("co2", "mean"), gdp=("elec", "mean")).reset_index()
    out = reg.merge(agg, on="code", how="inner").rename(columns={"code": "unit"})
    local = out["local_addition"].fillna(False).astype(bool) if "local_addition" in out else False
    out = out[(out["history"] >= threshold) | local]   # a local addition (地方增列) is allocated to below the threshold
    return out[["unit", "name_zh", "name_en", "sector", "history", "gdp"]].reset_index(drop=True)


def sector_units(emitters: pd.DataFrame) -> pd.DataFrame:
    """Sectors of a city's key emitters: unit (= sector), sector, history, gdp (sums)."""
    g = emitters.groupby("sector").agg(history=("history", "sum"), gdp=("gdp", "sum")).reset_index()
    return g.assign(unit=g["sector"])[["unit", "sector", "history", "gdp"]]


def entries_frame(entries: Sequence[LedgerEntry]) -> pd.DataFrame:
    return entries_to_frame(entries)
