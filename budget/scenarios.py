"""Trend scenarios of a region's emissions over a five-year plan (情景预测), pure pandas.

A scenario is a set of explicit, editable parameters (:class:`ScenarioParams`): GDP growth by year,
intensity decline by year, major projects' added emissions from their start year, and reductions
from planned measures (万吨 by year). From the base year (the latest complete year of emissions)::

    GDP_y       = GDP_base × Π_{t ≤ y} (1 + g_t)
    trend_y     = E_base   × Π_{t ≤ y} (1 + g_t)(1 − d_t)         (= GDP_y × intensity_y)
    emissions_y = trend_y + Σ projects started by y − measures_y
    band_y      = emissions_y × (1 ± PLAN_BAND_CV × √(y − base))  (an estimate, labelled as such)

The intensity constraint (强度约束): the plan's last year must reach base intensity ×
(1 − target decline); yearly targets follow the geometric path. The total the constraint implies
is Σ_y target intensity_y × expected GDP_y. Everything is computed on indices relative to the base
year, so absolute GDP is optional (the 31-province pack has none): with GDP the table also shows
GDP (亿元) and intensity (t CO2/万元).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from budget import config
from budget.periods import annual_complete, annual_gdp, monthly_frame
from budget.plan_errors import PlanError


@dataclass(frozen=True)
class ScenarioParams:
    """Editable parameters of one scenario. Rates are fractions per year (0.05 = 5%)."""

    name: str
    gdp_growth: Mapping[int, float]
    intensity_decline: Mapping[int, float]
    projects: Sequence[Mapping] = ()          # dicts: name, region, start_year, added (万吨/yr)
    measures: Mapping[int, float] = field(default_factory=dict)  # year -> reduction (万吨)
    band_cv: float = config.PLAN_BAND_CV

    def to_dict(self) -> dict:
        return {"name": self.name, "gdp_growth": {str(k): float(v) for k, v in self.gdp_growth.items()},
                "intensity_decline": {str(k): float(v) for k, v in self.intensity_decline.items()},
                "projects": [dict(p) for p in self.projects],
                "measures": {str(k): float(v) for k, v in self.measures.items()}, "band_cv": float(self.band_cv)}

    @classmethod
    def from_dict(cls, d: Mapping) -> "ScenarioParams":
        return cls(name=str(d["name"]), gdp_growth={int(k): float(v) for k, v in d["gdp_growth"].items()},
                   intensity_decline={int(k): float(v) for k, v in d["intensity_decline"].items()},
                   projects=tuple(dict(p) for p in d.get("projects", ())),
                   measures={int(k): float(v) for k, v in d.get("measures", {}).items()},
                   band_cv=float(d.get("band_cv", config.PLAN_BAND_CV)))


@dataclass(frozen=True)
class Base:
    """The base year of a projection: emissions (万吨), GDP (亿元, None when unknown), trend rates."""

    region: str
    year: int
    emissions: float
    gdp: float | None
    gdp_growth: float          # recent annual GDP growth (fraction), default 5% without GDP
    intensity_decline: float   # recent annual intensity decline (fraction)
    history: pd.DataFrame      # year, emissions, gdp (annual, the parent's members summed)


def parse_years(text: str | Sequence[int]) -> list[int]:
    """'2021-2025' (or a list) -> [2021, ..., 2025]; refuses empty, reversed or more than 10 years."""
    try:
        if isinstance(text, str):
            a, _, b = text.partition("-")
            years = list(range(int(a), int(b or a) + 1))
        else:
            years = sorted(int(y) for y in text)
    except ValueError:
        raise PlanError("bad_years", {"years": text}) from None
    if not years or len(years) > 10 or years[0] < 1990 or years[-1] > 2100 or years != list(range(years[0], years[-1] + 1)):
        raise PlanError("bad_years", {"years": text})
    return years


def base_of(region: str, history: pd.DataFrame, gdp: pd.DataFrame | None, first_year: int,
            members: Sequence[str] | None = None,
            annual: tuple[pd.DataFrame, pd.DataFrame | None] | None = None) -> Base:
    """Base year figures of ``region`` = Σ ``members`` (monthly CO2 ``history``: region, period, value).

    The base year is the latest year before ``first_year`` complete for every member.
    """
    if annual is None:
        hist = history if members is None else history[history["region"].astype(str).isin(set(map(str, members)))]
        g_in = gdp if gdp is None or members is None else gdp[gdp["region"].astype(str).isin(set(map(str, members)))]
        annual = (annual_complete(monthly_frame(hist)), annual_gdp(g_in) if g_in is not None and len(g_in) else None)
    annual, ga = annual
    n = len(set(members)) if members is not None else annual["region"].nunique()
    counts = annual.groupby("year")["region"].nunique()
    complete = sorted(int(y) for y in counts[(counts == n) & (counts.index < first_year)].index)
    if not complete:
        raise PlanError("no_history", {"region": region, "year": first_year})
    e = annual[annual["year"].isin(complete)].groupby("year")["value"].sum()
    frame = pd.DataFrame({"year": e.index.astype(int), "emissions": e.to_numpy()})
    g = None
    if ga is not None and len(ga):
        gc = ga.groupby("year")["region"].nunique()
        gsum = ga.groupby("year")["value"].sum()[gc == n]
        frame["gdp"] = frame["year"].map(gsum)
        g = frame["gdp"]
    else:
        frame["gdp"] = np.nan
    by = complete[-1]
    tail = frame[frame["year"] > by - config.PLAN_HISTORY_YEARS]
    growth = 0.05
    if g is not None and tail["gdp"].notna().sum() >= 2:
        t = tail.dropna(subset=["gdp"])
        growth = float((t["gdp"].iloc[-1] / t["gdp"].iloc[0]) ** (1 / (t["year"].iloc[-1] - t["year"].iloc[0])) - 1)
    if len(tail) >= 2:
        span = tail["year"].iloc[-1] - tail["year"].iloc[0]
        e_growth = float((tail["emissions"].iloc[-1] / tail["emissions"].iloc[0]) ** (1 / span) - 1)
    else:
        e_growth = 0.0
    decline = float(np.clip(1 - (1 + e_growth) / (1 + growth), -0.05, 0.15))
    gdp_base = float(frame.loc[frame["year"] == by, "gdp"].iloc[0]) if frame["gdp"].notna().any() else None
    if gdp_base is not None and not np.isfinite(gdp_base):
        gdp_base = None
    return Base(str(region), by, float(e.loc[by]), gdp_base, float(np.clip(growth, -0.05, 0.15)), decline, frame)


def default_scenarios(base: Base, years: Sequence[int],
                      target_decline: float = config.PLAN_INTENSITY_TARGET_DECLINE) -> dict[str, ScenarioParams]:
    """Baseline (recent trend), policy (+1 point of intensity decline a year) and strengthened (at least
    the decline that meets the intensity target, +2 points on the trend)."""
    span = years[-1] - base.year
    needed = 1 - (1 - target_decline) ** (1 / max(span, 1))
    g = {y: round(base.gdp_growth, 4) for y in range(base.year + 1, years[-1] + 1)}
    trend = max(base.intensity_decline, 0.0)
    rates = {"baseline": trend, "policy": trend + 0.01, "strengthened": max(trend + 0.02, needed + 0.005)}
    return {name: ScenarioParams(name, dict(g), {y: round(r, 4) for y in g}) for name, r in rates.items()}


def project(base: Base, params: ScenarioParams, years: Sequence[int],
            target_decline: float = config.PLAN_INTENSITY_TARGET_DECLINE) -> pd.DataFrame:
    """One scenario's path over base+1 .. last plan year (plan years flagged ``in_plan``).

    Columns: scenario, year, in_plan, gdp_index, gdp (亿元 or NaN), trend, projects, measures,
    emissions, lo90, hi90 (万吨), intensity_index (1 at base), intensity (t/万元 or NaN),
    target_intensity_index, meets (intensity at or below its target that year), implied (万吨:
    target intensity × expected GDP).
    """
    all_years = list(range(base.year + 1, int(years[-1]) + 1))
    g = np.array([float(params.gdp_growth.get(y, base.gdp_growth)) for y in all_years])
    d = np.array([float(params.intensity_decline.get(y, base.intensity_decline)) for y in all_years])
    if not (np.isfinite(g).all() and np.isfinite(d).all()) or (g <= -1).any() or (d >= 1).any():
        raise PlanError("bad_total", {"total": "growth / decline rates"})
    gdp_index = np.cumprod(1 + g)
    int_index = np.cumprod(1 - d)
    trend = base.emissions * gdp_index * int_index
    yrs = np.array(all_years)
    added = np.zeros(len(yrs))
    for p in params.projects:
        amount = float(p.get("added", 0.0))
        if not np.isfinite(amount) or amount < 0:
            raise PlanError("bad_project", {"project": p.get("name", "")})
        added += np.where(yrs >= int(p.get("start_year", yrs[0])), amount, 0.0)
    measures = np.array([float(params.measures.get(int(y), 0.0)) for y in yrs])
    emissions = np.maximum(trend + added - measures, 0.0)
    k = yrs - base.year
    half = params.band_cv * np.sqrt(k)
    span = int(years[-1]) - base.year
    target_index = (1 - target_decline) ** (k / span)
    real_index = emissions / (base.emissions * gdp_index)
    out = pd.DataFrame({
        "scenario": params.name, "year": yrs, "in_plan": np.isin(yrs, list(years)), "gdp_index": gdp_index,
        "gdp": gdp_index * base.gdp if base.gdp else np.nan, "trend": trend, "projects": added, "measures": measures,
        "emissions": emissions, "lo90": emissions * (1 - half), "hi90": emissions * (1 + half),
        "intensity_index": real_index,
        "intensity": real_index * base.emissions / base.gdp if base.gdp else np.nan,
        "target_intensity_index": target_index,
        "meets": real_index <= target_index + 1e-9,
        "implied": base.emissions * gdp_index * target_index,
    })
    return out


def compare(base: Base, scenarios: Mapping[str, ScenarioParams], years: Sequence[int],
            target_decline: float = config.PLAN_INTENSITY_TARGET_DECLINE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(paths of every scenario stacked, one summary row per scenario).

    Summary: scenario, total (Σ plan-year emissions), lo90, hi90, implied_total (Σ target intensity ×
    GDP over the plan years), meets (the last plan year meets the intensity target),
    intensity_decline (last year vs base, fraction), gap (total − implied_total).
    """
    paths = pd.concat([project(base, replace(p, name=k), years, target_decline) for k, p in scenarios.items()],
                      ignore_index=True)
    plan = paths[paths["in_plan"]]
    last = paths[paths["year"] == int(years[-1])].set_index("scenario")
    s = plan.groupby("scenario", sort=False).agg(total=("emissions", "sum"), lo90=("lo90", "sum"), hi90=("hi90", "sum"),
                                                 implied_total=("implied", "sum")).reset_index()
    s["meets"] = s["scenario"].map(last["meets"]).astype(bool)
    s["intensity_decline"] = s["scenario"].map(1 - last["intensity_index"])
    s["gap"] = s["total"] - s["implied_total"]
    return paths, s


def with_overrides(params: ScenarioParams, *, gdp_growth: float | None = None, intensity_decline: float | None = None,
                   projects: Sequence[Mapping] | None = None, measures: Mapping[int, float] | None = None) -> ScenarioParams:
    """A copy with a flat GDP growth / intensity decline over all its years and/or new projects, measures."""
    kw = {}
    if gdp_growth is not None:
        kw["gdp_growth"] = {y: float(gdp_growth) for y in params.gdp_growth}
    if intensity_decline is not None:
        kw["intensity_decline"] = {y: float(intensity_decline) for y in params.intensity_decline}
    if projects is not None:
        kw["projects"] = tuple(dict(p) for p in projects)
    if measures is not None:
        kw["measures"] = {int(k): float(v) for k, v in measures.items()}
    return replace(params, **kw)
