"""Prediction intervals: split conformal on log errors, per model and horizon, pooled over regions.

A residual is r = log(actual / prediction) from a rolling backtest. For level 1-a the interval is
prediction x exp([r_(lo), r_(hi)]) with the order statistics lo = floor(a/2 (n+1)) and
hi = ceil((1-a/2)(n+1)) of the n residuals of that model and horizon (clamped to 1..n). Signed
quantiles keep the interval honest when a model is biased. (Region-normalised scores were tried
and dropped: on the demo province the regions that later break were calm in calibration, so
per-region scales narrowed exactly the wrong bands.) When a horizon has fewer than MIN_N residuals the neighbouring
horizons are pooled in; a horizon beyond every calibrated one reuses the furthest one widened by
sqrt(h / h_max).
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


def _pool(by_h: dict[int, np.ndarray], h: int) -> tuple[np.ndarray, float]:
    """Residuals for horizon h, widened to neighbours until MIN_N; (residuals, widening factor)."""
    if not by_h:
        return np.array([]), 1.0
    hs = sorted(by_h)
    if h > hs[-1]:
        base, factor = _pool(by_h, hs[-1])
        return base, math.sqrt(h / hs[-1])
    for w in range(0, max(hs) + 1):
        got = [by_h[x] for x in hs if abs(x - h) <= w]
        r = np.concatenate(got) if got else np.array([])
        if len(r) >= MIN_N:
            return r, 1.0
    return np.concatenate([by_h[x] for x in hs]), 1.0


@dataclass
class Calibration:
    table: pd.DataFrame      # model, horizon, n, q_lo80, q_hi80, q_lo90, q_hi90 (log-ratio quantiles)


def calibrate(resid: pd.DataFrame, horizons: list[int]) -> Calibration:
    """``resid``: model, horizon, r (log(actual/prediction)), any extra columns -> Calibration."""
    resid = resid[np.isfinite(resid["r"].to_numpy(float))]
    rows = []
    for model, sub in resid.groupby("model", sort=False):
        by_h = {int(h): g["r"].to_numpy(float) for h, g in sub.groupby("horizon")}
        for h in horizons:
            r, factor = _pool(by_h, h)
            row = {"model": model, "horizon": h, "n": int(len(r))}
            for lev in LEVELS:
                lo, hi = conformal_pair(r, lev)
                row[f"q_lo{lev}"], row[f"q_hi{lev}"] = lo * factor, hi * factor
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
