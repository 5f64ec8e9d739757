"""Year-end projection and probability of overspend (analytic, normal), for all regions at once.

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

:func:`project_regions` computes all of this on region × month arrays (one row per region);
:func:`project_region`, :func:`run_out_month` and :func:`overspend_probability` are the one-region
forms of the same computation.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from budget import config
from budget.periods import month_label, monthly_frame

PATH_COLUMNS = ["region", "period", "month", "kind", "value", "sd", "lo90", "hi90", "cumulative", "horizon", "span"]
SUMMARY_COLUMNS = ["projected_total", "projected_sd", "projected_lo90", "projected_hi90", "trend", "last_data_month"]
MONTHS = np.arange(1, 13)


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


def overspend_probabilities(budget, mean, sd) -> np.ndarray:
    """:func:`overspend_probability` element-wise over arrays."""
    return np.array([overspend_probability(float(b), float(m), float(s)) for b, m, s in zip(budget, mean, sd)],
                    dtype=float)


def band_sd(lo, hi) -> np.ndarray:
    """sd = (hi − lo) / (2 × Z90) element-wise; 0 where a bound is missing or hi < lo."""
    lo = pd.to_numeric(pd.Series(lo), errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(pd.Series(hi), errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(lo) & np.isfinite(hi) & (hi >= lo)
    with np.errstate(invalid="ignore"):
        return np.where(ok, (hi - lo) / (2.0 * config.Z90), 0.0)


@dataclass
class Grid:
    """Region × month (R, 12) arrays of year Y (months 1..m only) and Y−1, from a ``monthly_frame``."""
    regions: list
    has: np.ndarray        # bool: month of Y known (present and ≤ m)
    value: np.ndarray      # float: value of Y (NaN where unknown)
    estimated: np.ndarray  # bool: known month of kind 'estimated'
    kind: np.ndarray       # object: the row's kind ('statistical' where missing)
    band_sd: np.ndarray    # float: sd of an estimated month's band (0 otherwise)
    prev_has: np.ndarray   # bool: month present in Y−1
    prev_value: np.ndarray
    # bool (R,): January–February of Y (of Y−1) is one combined value, laid as Jan 0 + Feb total
    combined: np.ndarray | None = None
    prev_combined: np.ndarray | None = None


def monthly_grid(monthly: pd.DataFrame, regions: list, year: int, month: int) -> Grid:
    """Lay ``monthly`` (region, year, month, value[, kind, lo90, hi90]; unique per region and month) on a Grid."""
    n = len(regions)
    r = pd.Index(regions).get_indexer(monthly["region"])
    y = monthly["year"].to_numpy()
    mo = monthly["month"].to_numpy()
    ok = (r >= 0) & (mo >= 1) & (mo <= 12)
    span = monthly["span"].notna().to_numpy(bool) if "span" in monthly.columns else np.zeros(len(monthly), bool)
    cur = ok & (y == year) & (mo <= month) & ~(span & (month < 2))   # a Jan–Feb total is known from Feb on
    prev = ok & (y == year - 1)
    value = monthly["value"].to_numpy(dtype=float)
    g = Grid(regions, np.zeros((n, 12), bool), np.full((n, 12), np.nan), np.zeros((n, 12), bool),
             np.full((n, 12), "statistical", dtype=object), np.zeros((n, 12)), np.zeros((n, 12), bool),
             np.full((n, 12), np.nan), np.zeros(n, bool), np.zeros(n, bool))
    g.combined[r[cur & span]] = True
    g.prev_combined[r[prev & span]] = True
    rc, mc = r[cur], mo[cur] - 1
    g.has[rc, mc] = True
    g.value[rc, mc] = value[cur]
    if "kind" in monthly.columns:
        kinds = monthly["kind"].to_numpy(dtype=object)[cur]
        g.kind[rc, mc] = [k if isinstance(k, str) else "statistical" for k in kinds]
        est = np.asarray([k == "estimated" for k in g.kind[rc, mc]], dtype=bool)
        g.estimated[rc, mc] = est
        if "lo90" in monthly.columns and "hi90" in monthly.columns:
            sd = band_sd(monthly["lo90"].to_numpy()[cur], monthly["hi90"].to_numpy()[cur])
            g.band_sd[rc, mc] = np.where(est, sd, 0.0)
    g.prev_has[r[prev], mo[prev] - 1] = True
    g.prev_value[r[prev], mo[prev] - 1] = value[prev]
    return g


@dataclass
class Projection:
    """Paths (R, 12) arrays and the per-region summary (index region, ``SUMMARY_COLUMNS``)."""
    kind: np.ndarray
    value: np.ndarray
    sd: np.ndarray
    horizon: np.ndarray
    cumulative: np.ndarray
    summary: pd.DataFrame
    span: np.ndarray | None = None   # bool (R,): months 1–2 form one combined (or one projected) element


def seq_sum(a: np.ndarray) -> np.ndarray:
    """Row sums added month by month (the order of a running total)."""
    return np.cumsum(a, axis=1)[:, -1] if a.shape[1] else np.zeros(len(a))


def project_grid(g: Grid, year: int) -> Projection:
    """Paths and year-end distributions of every region of ``g`` (see the module docstring)."""
    n = len(g.regions)
    known = g.has
    any_known = known.any(axis=1)
    last_known = np.where(any_known, 12 - np.argmax(known[:, ::-1], axis=1), 0)
    pair = known & g.prev_has
    from_right = np.cumsum(pair[:, ::-1], axis=1)[:, ::-1]
    pairs = pair & (from_right <= config.TREND_MONTHS)
    jf = _jan_feb(g, n)
    if jf.any():  # a combined Jan–Feb enters the trend whole (both months paired in both years) or not at all
        whole = pair[jf, 0] & pair[jf, 1] & (pairs[jf, 0] | pairs[jf, 1])
        pairs[jf, 0] = pairs[jf, 1] = whole
    has_pairs = pairs.any(axis=1)
    prev_sum = np.where(pairs, np.nan_to_num(g.prev_value, nan=0.0), 0.0).sum(axis=1)
    cur_sum = np.where(pairs, np.nan_to_num(g.value, nan=0.0), 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        trend = np.where(has_pairs & (prev_sum > 0), cur_sum / np.where(prev_sum > 0, prev_sum, 1.0), 1.0)
    trend = np.clip(trend, *config.TREND_CLIP)
    valid = known & ~np.isnan(g.value)
    cnt = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        fallback = np.where(cnt > 0, np.where(valid, g.value, 0.0).sum(axis=1) / cnt, np.nan)
    base_ok = g.prev_has & np.isfinite(g.prev_value)
    proj_value = np.where(base_ok, g.prev_value * trend[:, None], fallback[:, None])
    if g.prev_combined is not None and g.prev_combined.any():
        # last year's Jan–Feb was one total: the unknown month of the pair takes the rest of it × trend
        pc = g.prev_combined
        total = np.nan_to_num(g.prev_value[:, 0]) + np.nan_to_num(g.prev_value[:, 1])
        for a, b in ((0, 1), (1, 0)):
            one = pc & known[:, a] & ~known[:, b]
            proj_value[one, b] = np.maximum(total[one] * trend[one] - np.nan_to_num(g.value[one, a]), 0.0)
    horizon = np.where(MONTHS[None, :] > last_known[:, None], MONTHS[None, :] - last_known[:, None], 1)
    with np.errstate(invalid="ignore"):
        proj_sd = np.where(np.isfinite(proj_value),
                           config.PROJECTION_CV_PER_MONTH * np.abs(proj_value) * np.sqrt(horizon), np.nan)
    value = np.where(known, g.value, proj_value)
    sd = np.where(known, g.band_sd, proj_sd)
    horizon = np.where(known, 0, horizon).astype(np.int64)
    kind = np.where(known, g.kind, "projected").astype(object)
    est_total = seq_sum(np.where(known, g.band_sd, 0.0))
    proj_total = seq_sum(np.where(known, 0.0, proj_sd))
    cumulative = np.cumsum(np.nan_to_num(value, nan=0.0), axis=1)
    cumulative[np.isnan(value)] = np.nan
    mean = np.where(np.isnan(value).any(axis=1), np.nan, value.sum(axis=1))
    with np.errstate(invalid="ignore"):
        sd_total = np.where(np.isfinite(proj_total), np.sqrt(est_total * est_total + proj_total * proj_total), np.nan)
    summary = pd.DataFrame({
        "projected_total": mean, "projected_sd": sd_total,
        "projected_lo90": mean - config.Z90 * sd_total, "projected_hi90": mean + config.Z90 * sd_total,
        "trend": trend.astype(float),
        "last_data_month": [month_label(year, k) if k else None for k in last_known.tolist()],
    }, index=pd.Index(list(g.regions), name="region"))
    if n == 0:
        summary = summary.astype({c: float for c in SUMMARY_COLUMNS[:-1]})
    span = (g.combined if g.combined is not None else np.zeros(n, bool)) | (jf & ~known[:, 0] & ~known[:, 1])
    return Projection(kind, value, sd, horizon, cumulative, summary, span)


def _jan_feb(g: Grid, n: int) -> np.ndarray:
    """(R,) bool: Jan–Feb of Y or Y−1 is a combined value."""
    out = np.zeros(n, bool)
    for a in (g.combined, g.prev_combined):
        if a is not None:
            out |= a
    return out


def run_out_months(cumulative: np.ndarray, budget, year: int) -> list:
    """:func:`run_out_month` for every row of a (R, 12) cumulative array and budgets (R,)."""
    budget = np.asarray(budget, dtype=float)
    with np.errstate(invalid="ignore"):
        over = (cumulative > budget[:, None]) & np.isfinite(budget)[:, None]
    first = np.argmax(over, axis=1) + 1
    return [month_label(year, k) if hit else None for k, hit in zip(first.tolist(), over.any(axis=1).tolist())]


def _path_frame(p: Projection, regions: list, year: int) -> pd.DataFrame:
    n = len(regions)
    value, sd = p.value.ravel(), p.sd.ravel()
    return pd.DataFrame({
        "region": np.repeat(np.asarray(regions, dtype=object), 12).tolist(),
        "period": [month_label(year, k) for k in MONTHS] * n,
        "month": np.tile(MONTHS, n).astype(np.int64),
        "kind": p.kind.ravel().tolist(),
        "value": value, "sd": sd, "lo90": value - config.Z90 * sd, "hi90": value + config.Z90 * sd,
        "cumulative": p.cumulative.ravel(), "horizon": p.horizon.ravel(),
        "span": _span_labels(p, n, year),
    }, columns=PATH_COLUMNS)


def _span_labels(p: Projection, n: int, year: int) -> list:
    """'YYYY-01..02' on months 1 and 2 of a region whose Jan–Feb is one element, else None."""
    lab = np.full((n, 12), None, dtype=object)
    if p.span is not None and p.span.any():
        lab[p.span, :2] = f"{int(year):04d}-01..02"
    return lab.ravel().tolist()


def project_region(monthly: pd.DataFrame, year: int, month: int) -> tuple[pd.DataFrame, dict]:
    """Path and year-end distribution of one region (rows of ``monthly`` for that region only).

    ``monthly``: year, month, value, kind, lo90, hi90 (kind/lo90/hi90 optional).
    Returns (path with ``PATH_COLUMNS`` minus region, summary dict with projected_total,
    projected_sd, projected_lo90, projected_hi90, trend, last_data_month).
    """
    p = project_grid(monthly_grid(monthly.assign(region="_"), ["_"], year, month), year)
    path = _path_frame(p, ["_"], year).drop(columns="region")
    return path, p.summary.iloc[0].to_dict()


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
    if "span" in m.columns:  # a city's combined Jan–Feb makes the province's Jan–Feb one element too
        years = set(m.loc[m["span"].notna(), "year"].tolist())
        out["span"] = [f"{int(y):04d}-01..02" if (y in years and mm <= 2) else None
                       for y, mm in zip(out["year"], out["month"])]
    return out


def projection_paths(co2: pd.DataFrame, year: int, month: int, province: str | None = None) -> pd.DataFrame:
    """Monthly path of every region for ``year`` as of ``month``.

    ``co2``: region, period (YYYY-MM), value (万吨), kind, lo90, hi90 (kind/bands optional). With
    ``province`` the province's own rows are replaced by the sum of the other regions.
    Returns ``PATH_COLUMNS``: region, period, month, kind (statistical | estimated | projected),
    value (万吨; the projected mean for projected months), sd, lo90, hi90, cumulative, horizon
    (months after the last known month) — what a city page charts: known months with their band,
    then the projection fan. Regions in code order, 12 rows each.
    """
    monthly = monthly_frame(co2)
    if province:
        monthly = monthly[monthly["region"] != province]
        cities = sorted(monthly["region"].unique())
        monthly = pd.concat([monthly, province_monthly(monthly, cities, province)], ignore_index=True)
    regions = sorted(monthly["region"].unique())
    if not regions:
        return pd.DataFrame(columns=PATH_COLUMNS)
    p = project_grid(monthly_grid(monthly, regions, year, month), year)
    return _path_frame(p, regions, year)
