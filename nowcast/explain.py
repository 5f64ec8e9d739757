"""Driver-group contributions of LightGBM estimates, in 万吨 CO2.

LightGBM's ``pred_contrib=True`` splits the predicted log ratio y = log(C_p / C_{p-L}) exactly into
per-feature SHAP values plus a bias term. Features are summed into driver groups (electricity,
industry, power_mix, energy_fuel, calendar, intensity_trend, region_other; the bias and the region
feature go to region_other). Each group's share of y is converted to 万吨 by multiplying with
(C_p - C_{p-L}) / y = C_{p-L} (e^y - 1) / y (-> C_{p-L} as y -> 0), so the groups add up exactly to
the estimate's change on the same period last year. The conversion is linear in log space, hence
approximate for large changes (interactions between groups are shared in proportion to their
log contributions).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from nowcast.features import GROUPS


def contributions(frame: pd.DataFrame, share: np.ndarray | None = None) -> list[dict]:
    """One dict group -> 万吨 per row of a frame with base, yhat and phi__<group> columns.

    ``share`` (optional) scales each row, e.g. a month's share of its quarter or year. Rows without
    SHAP values (a fallback model) get an empty dict.
    """
    n = len(frame)
    if n == 0:
        return []
    if "yhat" not in frame.columns:
        return [{} for _ in range(n)]
    base = frame["base"].to_numpy(float)
    y = frame["yhat"].to_numpy(float)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        small = np.abs(y) < 1e-9
        factor = np.where(small, base, base * np.expm1(y) / np.where(small, 1.0, y))
    if share is not None:
        factor = factor * np.asarray(share, float)
    phi = np.column_stack([frame.get(f"phi__{g}", pd.Series(np.nan, index=frame.index)).to_numpy(float)
                           for g in GROUPS])
    vals = phi * factor[:, None]
    out = []
    for i in range(n):
        if not np.isfinite(factor[i]) or not np.isfinite(vals[i]).all():
            out.append({})
        else:
            out.append({g: round(float(v), 3) for g, v in zip(GROUPS, vals[i])})
    return out
