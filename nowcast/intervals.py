"""Prediction intervals: split conformal on log errors r = log(actual / prediction) of the rolling
backtest, per model, with the small-sample conformal rank ceil((n+1)(1-a)).

Three methods (``METHODS``); the product uses ``METHOD``, chosen on real data by
``benchmarks/nowcast_real.py`` (coverage and width on every rolling origin):

- ``recent`` (the product's): residuals of the last ``WINDOW_MONTHS`` months of target periods known at
  the origin (widened period by period until the window holds ``MIN_WINDOW`` residuals), each divided by
  its horizon's profile g(h) (mean |r| at h over mean |r| at horizon 1, from every past residual:
  a shape, stable across calm and turbulent years); the band at horizon h is +-q g(h), q the conformal
  quantile of the window's |r|/g(h). The present is calibrated on the present: a calm year after a
  turbulent one gets narrow bands, a shock widens them within a few months. On the 31-province monthly set
  the pooled method covered 96-99% at every origin with half-widths near 19%; this one keeps 85-95% at
  most origins with 12-13%.
- ``pooled``: every past residual, pooled over regions and horizons with a horizon scale (mean |r - b|
  at h, or c sqrt(h) below ``MIN_H`` residuals), centred on the shrunk median b (the earlier default).
- ``region``: ``recent`` with a per-region scale (the region's mean normalised |r| over the pooled
  mean, shrunk toward 1 by ``REGION_PRIOR`` residuals). Kept for the comparison: on the real set it
  narrowed the bands little and cost coverage at several origins.
``conformal_pair`` (signed per-horizon quantiles) is kept for reference.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

LEVELS = (80, 90)
MIN_N = 30
MIN_ANY = 5
MIN_H = 20          # residuals a horizon needs for its own scale (else the pooled sqrt(h) scale)
METHODS = ("recent", "pooled", "region")
METHOD = "recent"
WINDOW_MONTHS = 4   # the calibration window of ``recent``: target periods of the last 4 months ...
MIN_WINDOW = 60     # ... widened until it holds at least this many residuals
REGION_PRIOR = 20.0


def log_residual(actual, prediction) -> np.ndarray:
    a = np.asarray(actual, float)
    p = np.asarray(prediction, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.log(a / p)
    return np.where((a > 0) & (p > 0), r, np.nan)


def conformal_pair(resid: np.ndarray, level: int) -> tuple[float, float]:
    r = np.sort(resid[np.isfinite(resid)])
    n = len(r)
    if n < MIN_ANY:
        return math.nan, math.nan
    a = 1 - level / 100
    lo = min(max(int(math.floor(a / 2 * (n + 1))), 1), n)
    hi = min(max(int(math.ceil((1 - a / 2) * (n + 1))), 1), n)
    return float(min(r[lo - 1], 0.0)), float(max(r[hi - 1], 0.0))


def conformal_quantile(scores: np.ndarray, alpha: float) -> float:
    """Small-sample split-conformal quantile: the ceil((n+1)(1-alpha))-th smallest score. With too
    few scores for that rank (n < 1/alpha - 1) the largest score is stretched by rank/n."""
    z = np.sort(scores[np.isfinite(scores)])
    n = len(z)
    if n == 0:
        return math.nan
    k = int(math.ceil((n + 1) * (1 - alpha)))
    if k <= n:
        return float(z[k - 1])
    return float(z[-1] * k / n)


def window_periods(months_per_period: int) -> int:
    """The ``recent`` window in target periods (4 months: 4 months, 2 quarters, 1 year)."""
    return max(1, math.ceil(WINDOW_MONTHS / max(1, int(months_per_period))))


@dataclass
class Calibration:
    table: pd.DataFrame      # model, horizon, n, q_lo80, q_hi80, q_lo90, q_hi90 (log-ratio quantiles)
    region_scale: pd.DataFrame | None = None   # model, region, scale (method ``region``)
    method: str = "pooled"
    info: dict = field(default_factory=dict)   # per model: residuals in the window, its first period


COLS = ["model", "horizon", "n"] + [f"q_{s}{lev}" for lev in LEVELS for s in ("lo", "hi")]


def _scale(a: np.ndarray, h: np.ndarray, horizon: int) -> float:
    own = a[h == horizon]
    if len(own) >= MIN_H and np.mean(own) > 0:
        return float(np.mean(own))
    return float(np.mean(a / np.sqrt(h)) * math.sqrt(horizon))


def horizon_profile(a: np.ndarray, h: np.ndarray, horizons) -> dict[int, float]:
    """g(h) = mean |r| at h / mean |r| at horizon 1 (sqrt(h) where a horizon has fewer than MIN_H
    residuals), never falling with the horizon."""
    one = a[h == 1]
    m1 = float(np.mean(one)) if len(one) >= MIN_H and np.mean(one) > 0 else math.nan
    out: dict[int, float] = {}
    prev = 0.0
    for hh in sorted(set(int(x) for x in horizons) | set(int(x) for x in np.unique(h))):
        own = a[h == hh]
        g = float(np.mean(own)) / m1 if np.isfinite(m1) and len(own) >= MIN_H else math.sqrt(hh)
        out[hh] = max(g, prev)
        prev = out[hh]
    return out


def calibrate(resid: pd.DataFrame, horizons: list[int], method: str = METHOD, cut: int | None = None,
              months_per_period: int = 1) -> Calibration:
    """``resid``: model, horizon, r (log(actual/prediction)) [, region, p (target period)] -> Calibration.

    ``cut``: the origin the bands are for (default: the newest target period in ``resid``);
    ``months_per_period`` sets the ``recent`` window in target periods (``window_periods``). Without a ``p`` column the pooled
    method is used whatever ``method`` says.
    """
    if method not in METHODS:
        raise ValueError(f"unknown interval method {method!r}: one of {', '.join(METHODS)}")
    resid = resid[np.isfinite(resid["r"].to_numpy(float))]
    if method == "pooled" or "p" not in resid.columns:
        return _pooled(resid, horizons)
    return _recent(resid, horizons, cut, window_periods(months_per_period), by_region=(method == "region"))


def _pooled(resid: pd.DataFrame, horizons: list[int]) -> Calibration:
    rows = []
    for model, sub in resid.groupby("model", sort=False):
        r = sub["r"].to_numpy(float)
        h = np.maximum(sub["horizon"].to_numpy(int), 1)
        n = len(r)
        b = float(np.median(r)) * n / (n + MIN_N) if n else 0.0
        a = np.abs(r - b)
        scales = {hh: _scale(a, h, hh) for hh in set(h.tolist())}
        z = a / np.maximum(np.array([scales[x] for x in h]), 1e-12)
        for hh in horizons:
            row = {"model": model, "horizon": hh, "n": int(n)}
            s_h = _scale(a, h, hh) if n else math.nan
            for lev in LEVELS:
                q = conformal_quantile(z, 1 - lev / 100) if n >= MIN_ANY else math.nan
                row[f"q_lo{lev}"], row[f"q_hi{lev}"] = min(b - q * s_h, 0.0), max(b + q * s_h, 0.0)
            rows.append(row)
    return Calibration(pd.DataFrame(rows, columns=COLS), method="pooled")


def _recent(resid: pd.DataFrame, horizons: list[int], cut: int | None, window: int, by_region: bool) -> Calibration:
    rows, scales, info = [], [], {}
    for model, sub in resid.groupby("model", sort=False):
        a = np.abs(sub["r"].to_numpy(float))
        h = np.maximum(sub["horizon"].to_numpy(int), 1)
        p = sub["p"].to_numpy(int)
        g = horizon_profile(a, h, horizons)
        u = a / np.array([g[x] for x in h])
        rho = np.ones(len(u))
        if by_region and len(u):
            reg = sub["region"].to_numpy(object)
            mean = float(np.mean(u)) or 1.0
            f = pd.DataFrame({"region": reg, "x": u / mean}).groupby("region")["x"].agg(["sum", "count"])
            s = (f["sum"] + REGION_PRIOR) / (f["count"] + REGION_PRIOR)
            scales.append(pd.DataFrame({"model": model, "region": s.index, "scale": s.to_numpy(float)}))
            rho = s.reindex(reg).to_numpy(float)
        top = int(p.max()) if cut is None and len(p) else int(cut if cut is not None else 0)
        start = top - max(1, int(window)) + 1
        inside = p >= start
        while inside.sum() < MIN_WINDOW and inside.sum() < len(p):
            start = int(p[p < start].max())
            inside = p >= start
        z = (u / rho)[inside]
        n = int(len(z))
        info[str(model)] = {"residuals": n, "from_period": int(start) if n else None}
        for hh in horizons:
            row = {"model": model, "horizon": hh, "n": n}
            gh = g.get(hh, math.sqrt(hh))
            for lev in LEVELS:
                q = conformal_quantile(z, 1 - lev / 100) if n >= MIN_ANY else math.nan
                row[f"q_lo{lev}"], row[f"q_hi{lev}"] = -q * gh, q * gh
            rows.append(row)
    region_scale = pd.concat(scales, ignore_index=True) if scales else None
    return Calibration(pd.DataFrame(rows, columns=COLS), region_scale, "region" if by_region else "recent", info)


def apply_intervals(pred: pd.DataFrame, cal: Calibration) -> pd.DataFrame:
    """Add lo80, hi80, lo90, hi90 to a frame with model, horizon, prediction (and region for the
    ``region`` method)."""
    out = pred.drop(columns=[c for c in pred.columns if c[:2] in ("lo", "hi") and c[2:] in ("80", "90")])
    q = cal.table.drop(columns="n")
    out = out.merge(q, on=["model", "horizon"], how="left")
    scale = np.ones(len(out))
    if cal.region_scale is not None and len(out) and "region" in out.columns:
        s = out[["model", "region"]].merge(cal.region_scale, on=["model", "region"], how="left")["scale"]
        scale = s.fillna(1.0).to_numpy(float)
    for lev in LEVELS:
        for side in ("lo", "hi"):
            q_side = pd.to_numeric(out[f"q_{side}{lev}"], errors="coerce").to_numpy(float) * scale
            out[f"{side}{lev}"] = out["prediction"].to_numpy(float) * np.exp(q_side)
    return out.drop(columns=[c for c in q.columns if c.startswith("q_")])


def covered(actual, lo, hi) -> np.ndarray:
    """1.0 / 0.0 where the interval is known, NaN otherwise."""
    a, lo, hi = (np.asarray(x, float) for x in (actual, lo, hi))
    ok = np.isfinite(a) & np.isfinite(lo) & np.isfinite(hi)
    return np.where(ok, ((a >= lo) & (a <= hi)).astype(float), np.nan)


def half_width(prediction, lo, hi) -> np.ndarray:
    """Half the band's width relative to the estimate: (hi - lo) / 2 / prediction (NaN without a band)."""
    p, lo, hi = (np.asarray(x, float) for x in (prediction, lo, hi))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isfinite(lo) & np.isfinite(hi) & (p > 0), (hi - lo) / 2 / p, np.nan)
