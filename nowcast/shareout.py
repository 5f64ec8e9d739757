"""Sharing a quarterly or annual estimate out to its months (pro-rata by monthly electricity).

Method: pro-rata by monthly ``elec_total`` (not Denton). Each month gets the period estimate x
its share of the period's electricity, so the months add up exactly to the period estimate;
interval bounds and contributions are shared out the same way. A month whose electricity is not
known yet takes last year's same month x the period's electricity growth so far; a month with
neither takes the mean of the period's known months; a region with no electricity at all is
shared by calendar days.
"""
from __future__ import annotations

import numpy as np

from nowcast.features import ELEC
from nowcast.frames import Panel, first_month


def month_weights(panel: Panel, ri: np.ndarray, p_abs: np.ndarray, known_until: int | None) -> np.ndarray:
    """Weights [n, k] (rows sum to 1) of the months of periods ``p_abs`` for regions ``ri``."""
    k = panel.k
    months = first_month(np.asarray(p_abs), panel.freq)[:, None] + np.arange(k)[None, :]   # absolute
    rel = months - panel.m0
    days = np.array([[_days(m) for m in row] for row in months], float)
    if ELEC not in panel.drivers:
        return days / days.sum(axis=1, keepdims=True)
    e = panel.drivers[ELEC]
    cut = (known_until if known_until is not None else panel.driver_last[ELEC])

    def get(rel_m: np.ndarray) -> np.ndarray:
        ok = (rel_m >= 0) & (rel_m < e.shape[1]) & (rel_m + panel.m0 <= cut)
        out = np.full(rel_m.shape, np.nan)
        rr = np.broadcast_to(ri[:, None], rel_m.shape)
        out[ok] = e[rr[ok], rel_m[ok]]
        return out

    cur = get(rel)
    prev = get(rel - 12)
    cur = np.where(cur > 0, cur, np.nan)
    prev = np.where(prev > 0, prev, np.nan)
    both = np.isfinite(cur) & np.isfinite(prev)
    with np.errstate(invalid="ignore", divide="ignore"):
        growth = np.where(both, cur, 0).sum(1) / np.where(both, prev, 0).sum(1)
    growth = np.where(both.any(1) & np.isfinite(growth), growth, 1.0)
    w = np.where(np.isfinite(cur), cur, prev * growth[:, None])
    fin = np.isfinite(w)
    mean = np.where(fin, w, 0).sum(axis=1) / np.maximum(fin.sum(axis=1), 1)
    w = np.where(fin, w, np.where(fin.any(axis=1), mean, np.nan)[:, None])
    bad = ~np.isfinite(w).all(axis=1)
    w[bad] = days[bad]
    return w / w.sum(axis=1, keepdims=True)


def _days(m: int) -> int:
    y, mm = divmod(int(m), 12)
    return [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
            31][mm]
