"""Prediction intervals: split conformal on log errors r = log(actual / prediction) of the rolling
backtest, per model, pooled over regions and horizons with a horizon scale (see ``calibrate``), using
the small-sample conformal rank ceil((n+1)(1-a)). Pooling horizons keeps the bands honest with few
residuals (an annual target has ~30 per origin); the horizon scale keeps a far horizon wider than a
near one. ``conformal_pair`` (signed per-horizon quantiles) is kept for reference.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

LEVELS = (80, 90)
MIN_N = 30
MIN_ANY = 5


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


MIN_H = 20          # residuals a horizon needs for its own scale (else the pooled sqrt(h) scale)


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


@dataclass
class Calibration:
    table: pd.DataFrame      # model, horizon, n, q_lo80, q_hi80, q_lo90, q_hi90 (log-ratio quantiles)


def _scale(a: np.ndarray, h: np.ndarray, horizon: int) -> float:
    own = a[h == horizon]
    if len(own) >= MIN_H and np.mean(own) > 0:
        return float(np.mean(own))
    return float(np.mean(a / np.sqrt(h)) * math.sqrt(horizon))


def calibrate(resid: pd.DataFrame, horizons: list[int]) -> Calibration:
    """``resid``: model, horizon, r (log(actual/prediction)) -> Calibration.

    Pooled over regions AND horizons with a horizon scale: a = |r - b| (b = median residual, shrunk
    toward 0 when residuals are few), s_h = mean a at horizon h (or c sqrt(h), c = mean(a/sqrt(h)),
    below MIN_H residuals), scores z = a / s_h; the band at horizon h is b +- q s_h with q the
    small-sample conformal quantile of all z. A horizon never calibrated gets the sqrt(h) scale.
    """
    resid = resid[np.isfinite(resid["r"].to_numpy(float))]
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
    cols = ["model", "horizon", "n"] + [f"q_{s}{lev}" for lev in LEVELS for s in ("lo", "hi")]
    return Calibration(pd.DataFrame(rows, columns=cols))


def apply_intervals(pred: pd.DataFrame, cal: Calibration) -> pd.DataFrame:
    """Add lo80, hi80, lo90, hi90 to a frame with model, horizon, prediction."""
    out = pred.drop(columns=[c for c in pred.columns if c[:2] in ("lo", "hi") and c[2:] in ("80", "90")])
    q = cal.table.drop(columns="n")
    out = out.merge(q, on=["model", "horizon"], how="left")
    for lev in LEVELS:
        for side in ("lo", "hi"):
            q_side = pd.to_numeric(out[f"q_{side}{lev}"], errors="coerce").to_numpy(float)
            out[f"{side}{lev}"] = out["prediction"].to_numpy(float) * np.exp(q_side)
    return out.drop(columns=[c for c in q.columns if c.startswith("q_")])


def covered(actual, lo, hi) -> np.ndarray:
    """1.0 / 0.0 where the interval is known, NaN otherwise."""
    a, lo, hi = (np.asarray(x, float) for x in (actual, lo, hi))
    ok = np.isfinite(a) & np.isfinite(lo) & np.isfinite(hi)
    return np.where(ok, ((a >= lo) & (a <= hi)).astype(float), np.nan)
