"""Year-end projection and probability of overspend (analytic, normal).

Method, for region r, year Y, as of month m (only months 1..m of Y count as known):

1. Known months: statistical (and verified) rows are exact (sd 0); estimated rows are normal with mean = value
   and sd = (hi90 − lo90) / (2 × 1.645) (sd 0 when the band is missing). One nowcast model makes
   them, so their errors are taken as fully correlated: sd_estimated = Σ sd_month (conservative;
   the same rule adds cities' bands for the province).
2. Recent trend = Σ value of the last ``TREND_MONTHS`` known months of Y / Σ same months of Y−1,
   clipped to ``TREND_CLIP`` (1 when nothing to compare).
3. Every month of Y without a known value (the rest of the year, or a gap before m) is projected
   as same month of Y−1 × trend (if Y−1 lacks that month: the mean of Y's known months), with
   sd = ``PROJECTION_CV_PER_MONTH`` × mean × sqrt(h), h = months after the last known month
   (h = 1 for gaps). Projection errors share one trend error, so they are fully correlated:
   sd_projection = Σ sd_month.
4. Year total T ~ Normal(μ, σ²), μ = Σ known + Σ projected means,
   σ² = sd_estimated² + sd_projection² (nowcast error independent of the trend error). p_overspend = P(T > budget) = 1 − Φ((budget − μ)/σ);
   with σ = 0 it is 1 if μ > budget else 0.
5. run_out_month: first month whose cumulative (known values, then projected means) exceeds the
   budget.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from budget import config
from budget.periods import month_label, monthly_frame

PATH_COLUMNS = ["region", "period", "month", "kind", "value", "sd", "lo90", "hi90", "cumulative", "horizon"]


def normal_cdf(x: float) -> float:
    """Standard normal CDF Φ(x)."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def overspend_probability(budget: float, mean: float, sd: float) -> float:
    """P(T > budget) for T ~ Normal(mean, sd²); NaN when budget or mean is missing."""
    if budget is None or mean is None or not (math.isfinite(budget) and math.isfinite(mean)):
        return float("nan")
    if not math.isfinite(sd) or sd <= 0:
        return 1.0 if mean > budget else 0.0
    return 1.0 - normal_cdf((budget - mean) / sd)


def _sd_from_band(lo, hi) -> float:
    try:
        lo, hi = float(lo), float(hi)
    except (TypeError, ValueError):
        return 0.0
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi < lo:
        return 0.0
    return (hi - lo) / (2.0 * config.Z90)


def project_region(monthly: pd.DataFrame, year: int, month: int) -> tuple[pd.DataFrame, dict]:
    """Path and year-end distribution of one region (rows of ``monthly`` for that region only).

    ``monthly``: year, month, value, kind, lo90, hi90 (kind/lo90/hi90 optional).
    Returns (path with ``PATH_COLUMNS`` minus region, summary dict with projected_total,
    projected_sd, projected_lo90, projected_hi90, trend, last_data_month).
    """
    cur = monthly[(monthly["year"] == year) & (monthly["month"] <= month)].set_index("month")
    prev = monthly[monthly["year"] == year - 1].set_index("month")["value"]
    known = sorted(int(k) for k in cur.index)
    last_known = max(known) if known else 0
    pairs = [k for k in known if k in prev.index][-config.TREND_MONTHS:]
    prev_sum = float(prev.reindex(pairs).sum()) if pairs else 0.0
    trend = float(cur.loc[pairs, "value"].sum()) / prev_sum if pairs and prev_sum > 0 else 1.0
    trend = float(np.clip(trend, *config.TREND_CLIP))
    fallback = float(cur["value"].mean()) if known else float("nan")
    rows, est_sd, proj_sd = [], 0.0, 0.0
    for k in range(1, 13):
        if k in cur.index:
            r = cur.loc[k]
            kind = str(r["kind"]) if "kind" in cur.columns and isinstance(r.get("kind"), str) else "statistical"
            sd = _sd_from_band(r.get("lo90"), r.get("hi90")) if kind == "estimated" else 0.0
            value, horizon = float(r["value"]), 0
            est_sd += sd
        else:
            base = prev.get(k)
            value = float(base) * trend if base is not None and math.isfinite(float(base)) else fallback
            horizon = k - last_known if k > last_known else 1
            sd = config.PROJECTION_CV_PER_MONTH * abs(value) * math.sqrt(horizon) if math.isfinite(value) else float("nan")
            kind = "projected"
            proj_sd += sd
        rows.append((month_label(year, k), k, kind, value, sd, value - config.Z90 * sd, value + config.Z90 * sd, horizon))
    path = pd.DataFrame(rows, columns=["period", "month", "kind", "value", "sd", "lo90", "hi90", "horizon"])
    path["cumulative"] = path["value"].cumsum()
    mean = float(path["value"].sum(min_count=12)) if path["value"].notna().all() else float("nan")
    sd_total = math.sqrt(est_sd * est_sd + proj_sd * proj_sd) if math.isfinite(proj_sd) else float("nan")
    summary = {
        "projected_total": mean, "projected_sd": sd_total,
        "projected_lo90": mean - config.Z90 * sd_total, "projected_hi90": mean + config.Z90 * sd_total,
        "trend": trend, "last_data_month": month_label(year, last_known) if last_known else None,
    }
    return path[[c for c in PATH_COLUMNS if c != "region"]], summary


def run_out_month(path: pd.DataFrame, budget: float, year: int) -> str | None:
    """First 'YYYY-MM' where the path's cumulative exceeds ``budget``; None if never (or no budget)."""
    if budget is None or not math.isfinite(budget):
        return None
    over = path.loc[path["cumulative"] > budget, "month"]
    return month_label(year, int(over.iloc[0])) if len(over) else None


def province_monthly(monthly: pd.DataFrame, cities: list[str], province: str) -> pd.DataFrame:
    """The province's monthly series as the sum of ``cities`` (months where all cities have data).

    kind is 'estimated' if any city's month is estimated; the 90% band adds the cities' sds
    linearly (nowcast errors of one model are taken as fully correlated across cities).
    """
    m = monthly[monthly["region"].isin(cities)].copy()
    if m.empty:
        return pd.DataFrame(columns=["region", "year", "month", "period", "value", "kind", "lo90", "hi90"])
    kind = m["kind"].astype(str) if "kind" in m.columns else pd.Series("statistical", index=m.index)
    lo = m["lo90"] if "lo90" in m.columns else pd.Series(np.nan, index=m.index)
    hi = m["hi90"] if "hi90" in m.columns else pd.Series(np.nan, index=m.index)
    sd = ((hi - lo) / (2 * config.Z90)).where(kind == "estimated", 0.0).fillna(0.0)
    m = m.assign(_est=(kind == "estimated").astype(int), _sd=sd)
    g = m.groupby(["year", "month"]).agg(value=("value", "sum"), n=("region", "nunique"),
                                         est=("_est", "max"), sd=("_sd", "sum")).reset_index()
    g = g[g["n"] == len(cities)]
    out = pd.DataFrame({
        "region": province, "year": g["year"].to_numpy(), "month": g["month"].to_numpy(),
        "value": g["value"].to_numpy(),
        "kind": np.where(g["est"].to_numpy() > 0, "estimated", "statistical"),
    })
    sd_arr = g["sd"].to_numpy()
    est = g["est"].to_numpy() > 0
    out["lo90"] = np.where(est, out["value"] - config.Z90 * sd_arr, np.nan)
    out["hi90"] = np.where(est, out["value"] + config.Z90 * sd_arr, np.nan)
    out["period"] = [month_label(y, mm) for y, mm in zip(out["year"], out["month"])]
    return out


def projection_paths(co2: pd.DataFrame, year: int, month: int, province: str | None = None) -> pd.DataFrame:
    """Monthly path of every region for ``year`` as of ``month``.

    ``co2``: region, period (YYYY-MM), value (万吨), kind, lo90, hi90 (kind/bands optional). With
    ``province`` the province's own rows are replaced by the sum of the other regions.
    Returns ``PATH_COLUMNS``: region, period, month, kind (statistical | estimated | projected),
    value (万吨; the projected mean for projected months), sd, lo90, hi90, cumulative, horizon
    (months after the last known month) — what a city page charts: known months with their band,
    then the projection fan.
    """
    monthly = monthly_frame(co2)
    if province:
        monthly = monthly[monthly["region"] != province]
        cities = sorted(monthly["region"].unique())
        monthly = pd.concat([monthly, province_monthly(monthly, cities, province)], ignore_index=True)
    frames = []
    for region, g in monthly.groupby("region", sort=True):
        path, _ = project_region(g, year, month)
        path.insert(0, "region", region)
        frames.append(path)
    if not frames:
        return pd.DataFrame(columns=PATH_COLUMNS)
    return pd.concat(frames, ignore_index=True)[PATH_COLUMNS]
