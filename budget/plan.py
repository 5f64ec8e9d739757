"""Five-year budget plan (碳预算方案编制): province totals and vertical allocation to cities.

Province totals are either handed down (:func:`plan_handed_down`) or computed from the intensity
target, ``budget_y = GDP_y (expected, 亿元) × intensity_target_y (t CO2 / 万元)``, which is in
万吨 CO2 because 1 亿元 = 10^4 万元 and 10^4 t = 1 万吨 (:func:`plan_from_intensity`).

Allocation province → cities (纵向分配), :func:`allocation_shares`, by one documented method:

- ``emissions``: share of the cities' mean annual emissions over the last ``base_years`` complete
  years (grandfathering on history);
- ``gdp``: share of the cities' GDP in the base year (or of a GDP forecast for the plan year);
- ``intensity``: city GDP forecast_y × city base intensity × (1 − decline)^(y − base year),
  normalised to shares (a city growing fast at low intensity earns more);
- ``per_capita``: share of the cities' resident population (``population``: region, period YYYY,
  value 万人; the latest year before the plan complete for every city);
- ``mix``: a weighted mix of the above, e.g. ``{"emissions": 0.7, "gdp": 0.3}``.

``history`` is accepted as another name of ``emissions`` (the plan page's name for grandfathering).

:func:`plan_entries` turns a plan and shares into ledger entries (reserve set-aside,
separately-listed quota, allocations); the budget is never a mutable table.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from budget import config
from budget.ledger import LedgerEntry, LedgerError, new_entry
from budget.periods import annual_complete, annual_gdp, monthly_frame

METHODS = ("emissions", "gdp", "intensity", "per_capita", "mix")
COMPONENTS = ("emissions", "gdp", "intensity", "per_capita")


@dataclass(frozen=True)
class FiveYearPlan:
    """Annual province totals (万吨 CO2) for the plan years; ``method`` is 'handed_down' or 'intensity'."""

    province: str
    totals: tuple[tuple[int, float], ...]
    method: str = "handed_down"

    @property
    def years(self) -> list[int]:
        return [y for y, _ in self.totals]

    @property
    def start_year(self) -> int:
        return self.totals[0][0]

    @property
    def five_year_total(self) -> float:
        return float(sum(t for _, t in self.totals))

    def total(self, year: int) -> float:
        return dict(self.totals)[year]

    def to_frame(self) -> pd.DataFrame:
        """year, total."""
        return pd.DataFrame(list(self.totals), columns=["year", "total"])


def plan_handed_down(province: str, totals: Mapping[int, float]) -> FiveYearPlan:
    """Plan from annual totals handed down (year -> 万吨)."""
    return FiveYearPlan(province, tuple(sorted((int(y), float(t)) for y, t in totals.items())), "handed_down")


def plan_from_intensity(province: str, gdp_expected: Mapping[int, float], intensity_target: Mapping[int, float]) -> FiveYearPlan:
    """Plan with ``total_y = gdp_expected[y] (亿元) × intensity_target[y] (t CO2/万元)`` in 万吨."""
    years = sorted(set(gdp_expected) & set(intensity_target))
    return FiveYearPlan(province, tuple((int(y), float(gdp_expected[y]) * float(intensity_target[y])) for y in years), "intensity")


def _normalise(s: pd.Series) -> pd.Series:
    s = s.clip(lower=0).fillna(0.0)
    total = s.sum()
    return s / total if total > 0 else pd.Series(1.0 / len(s), index=s.index)


def allocation_shares(
    method: str,
    years: Iterable[int],
    *,
    history: pd.DataFrame | None = None,
    gdp: pd.DataFrame | None = None,
    cities: Iterable[str] | None = None,
    weights: Mapping[str, float] | None = None,
    base_years: int = 3,
    gdp_growth: float | Mapping[str, float] = 0.05,
    intensity_decline: float | Mapping[str, float] = 0.04,
    gdp_forecast: pd.DataFrame | None = None,
    population: pd.DataFrame | None = None,
    emissions_annual: pd.DataFrame | None = None,
    gdp_annual: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Shares of the allocable budget per city and plan year.

    Inputs: ``history`` region, period (YYYY-MM), value (monthly CO2, 万吨; optional ``kind``);
    ``gdp`` region, period (YYYY-Qn or YYYY), value (亿元); ``gdp_forecast`` optional region, year,
    value (亿元), else base-year GDP × (1 + gdp_growth)^(y − base). ``cities`` defaults to the regions
    present in the inputs used. The base year is the latest year complete for every city.

    Returns year, region, share (Σ = 1 per year) and one column per component used
    (share_emissions, share_gdp, share_intensity).
    """
    method = "emissions" if method == "history" else method
    if method not in METHODS:
        raise ValueError(f"unknown allocation method {method!r}; expected one of {METHODS}")
    years = [int(y) for y in years]
    comps = dict(weights or {"emissions": 0.7, "gdp": 0.3}) if method == "mix" else {method: 1.0}
    comps = {("emissions" if k == "history" else k): v for k, v in comps.items()}
    bad = set(comps) - set(COMPONENTS)
    if bad:
        raise ValueError(f"unknown mix components {sorted(bad)}")
    # callers that already hold the annual frames (region, year, value) pass them to save the reshaping
    emis = emissions_annual if emissions_annual is not None else (
        annual_complete(monthly_frame(history)) if history is not None else None)
    gdp_a = gdp_annual if gdp_annual is not None else (annual_gdp(gdp) if gdp is not None else None)
    if cities is None:
        src = emis if emis is not None else gdp_a
        cities = sorted(src["region"].unique())
    cities = sorted(str(c) for c in cities)

    def base_year(frame: pd.DataFrame, label: str) -> int:
        frame = frame[frame["region"].isin(cities)]
        counts = frame.groupby("year")["region"].nunique()
        complete = counts[(counts == len(cities)) & (counts.index < min(years))]
        if complete.empty:
            raise ValueError(f"no complete year of {label} for all cities before {min(years)}")
        return int(complete.index.max())

    parts: dict[str, pd.DataFrame] = {}
    if "emissions" in comps:
        if emis is None:
            raise ValueError("method 'emissions' needs history")
        by = base_year(emis, "emissions")
        window = emis[emis["region"].isin(cities) & emis["year"].between(by - base_years + 1, by)]
        mean = window.groupby("region")["value"].mean().reindex(cities)
        share = _normalise(mean)
        parts["emissions"] = pd.DataFrame([(y, r, share[r]) for y in years for r in cities], columns=["year", "region", "share"])
    if "gdp" in comps or "intensity" in comps:
        if gdp_a is None:
            raise ValueError("methods 'gdp' and 'intensity' need gdp")
        gby = base_year(gdp_a, "GDP")
        base_gdp = gdp_a[(gdp_a["year"] == gby)].set_index("region")["value"].reindex(cities)
        rows = []
        for y in years:
            for r in cities:
                growth = gdp_growth.get(r, 0.05) if isinstance(gdp_growth, Mapping) else gdp_growth
                rows.append((y, r, base_gdp[r] * (1 + growth) ** (y - gby)))
        forecast = pd.DataFrame(rows, columns=["year", "region", "gdp"])
        if gdp_forecast is not None:
            given = gdp_forecast.rename(columns={"value": "gdp_given"})[["region", "year", "gdp_given"]]
            forecast = forecast.merge(given, on=["region", "year"], how="left")
            forecast["gdp"] = forecast["gdp_given"].fillna(forecast["gdp"])
        if "gdp" in comps:
            g = forecast.copy()
            g["share"] = g.groupby("year")["gdp"].transform(lambda s: _normalise(s))
            parts["gdp"] = g[["year", "region", "share"]]
        if "intensity" in comps:
            if emis is None:
                raise ValueError("method 'intensity' needs history (base intensity)")
            by = min(base_year(emis, "emissions"), gby)
            e = emis[emis["year"] == by].set_index("region")["value"].reindex(cities)
            gd = gdp_a[gdp_a["year"] == by].set_index("region")["value"].reindex(cities)
            base_intensity = e / gd  # t CO2 / 万元
            g = forecast.copy()
            dec = g["region"].map(lambda r: intensity_decline.get(r, 0.04) if isinstance(intensity_decline, Mapping) else intensity_decline)
            g["raw"] = g["gdp"] * g["region"].map(base_intensity) * (1 - dec) ** (g["year"] - by)
            g["share"] = g.groupby("year")["raw"].transform(lambda s: _normalise(s))
            parts["intensity"] = g[["year", "region", "share"]]
    if "per_capita" in comps:
        if population is None:
            raise ValueError("method 'per_capita' needs population")
        pop = population[population["period"].astype(str).str.fullmatch(r"\d{4}")]
        pop = pd.DataFrame({"region": pop["region"].astype(str), "year": pop["period"].astype(str).astype(int),
                            "value": pop["value"].astype(float)}).drop_duplicates(["region", "year"], keep="last")
        py = base_year(pop, "population")
        share = _normalise(pop[pop["year"] == py].set_index("region")["value"].reindex(cities))
        parts["per_capita"] = pd.DataFrame([(y, r, share[r]) for y in years for r in cities], columns=["year", "region", "share"])
    total_w = sum(comps.values())
    out = pd.DataFrame([(y, r) for y in years for r in cities], columns=["year", "region"])
    out["share"] = 0.0
    for name, part in parts.items():
        col = f"share_{name}"
        out = out.merge(part.rename(columns={"share": col}), on=["year", "region"], how="left")
        out["share"] = out["share"] + comps[name] / total_w * out[col].fillna(0.0)
    out["share"] = out.groupby("year")["share"].transform(lambda s: _normalise(s))
    return out


def _round_to_total(amounts: pd.Series, total: float) -> pd.Series:
    """Round to 0.01 万吨 and give the rounding residual to the largest amount, so Σ = total."""
    r = amounts.round(2)
    if len(r):
        r.iloc[int(np.argmax(r.to_numpy()))] += total - r.sum()
    return r


def plan_entries(
    plan: FiveYearPlan,
    shares: pd.DataFrame,
    *,
    user: str,
    reserve_share: float = config.RESERVE_SHARE_DEFAULT,
    separately_listed: Iterable[Mapping] = (),
    separately_listed_within_total: bool = True,
    date: str | None = None,
    reason: str = "five-year plan",
    id_prefix: str = "plan",
) -> list[LedgerEntry]:
    """Ledger entries that put ``plan`` in place.

    ``shares``: year, region, share (from :func:`allocation_shares`). ``separately_listed``: dicts
    with year, region, project, amount (万吨). Per year the entries are: reserve_set_aside
    (reserve_share × total), separately_listed (granted by the province, ledger from_region None),
    then one allocation per city of share × (total − reserve − quota). With
    ``separately_listed_within_total`` False the quota comes on top, and the province total ends
    at total + quota. Entry ids are deterministic: ``{id_prefix}-{year}-{n:03d}``.
    """
    if not 0 <= reserve_share <= config.RESERVE_SHARE_MAX:
        raise LedgerError("reserve_over_max", {"share": reserve_share, "max": config.RESERVE_SHARE_MAX})
    sl_rows = [dict(r) for r in separately_listed]
    entries: list[LedgerEntry] = []
    for year, total in plan.totals:
        n = 0

        def entry(kind, amount, **kw):
            nonlocal n
            n += 1
            return new_entry(kind, year, float(amount), user=user, reason=reason, date=date,
                             entry_id=f"{id_prefix}-{year}-{n:03d}", **kw)

        reserve = round(total * reserve_share, 2)
        sl_year = [r for r in sl_rows if int(r["year"]) == year]
        sl_amount = sum(float(r["amount"]) for r in sl_year)
        allocable = total - reserve - (sl_amount if separately_listed_within_total else 0.0)
        if allocable < 0:
            raise LedgerError("allocation_exceeds_total", {"year": year, "claimed": reserve + sl_amount, "total": total})
        if reserve > 0:
            entries.append(entry("reserve_set_aside", reserve, from_region=plan.province, to_region=config.RESERVE_ACCOUNT))
        for r in sl_year:
            entries.append(entry("separately_listed", r["amount"], to_region=str(r["region"]), project=str(r["project"])))
        s = shares[shares["year"] == year].sort_values("region")
        amounts = _round_to_total(s["share"].reset_index(drop=True) * allocable, allocable)
        for region, amount in zip(s["region"], amounts):
            if amount > 0:
                entries.append(entry("allocation", amount, from_region=plan.province, to_region=str(region)))
    return entries
