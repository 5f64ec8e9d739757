"""Time-schedule progress (时序进度): the share of a year's emissions normally used by month m.

The seasonal pattern of a region is the mean, over its last ``config.SEASONAL_YEARS`` complete
years before the monitored year, of each month's share of that year's total. The schedule
progress at month m is the cumulative share of months 1..m (exactly 1 at month 12). A region with
no complete year falls back to the linear schedule m/12, which is always reported beside it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from budget import config


def seasonal_pattern(monthly: pd.DataFrame, year: int, years: int = config.SEASONAL_YEARS) -> pd.DataFrame:
    """Monthly shares per region from complete years before ``year``.

    ``monthly``: region, year, month, value (as from ``periods.monthly_frame``).
    Returns region, month (1..12), share, cum_share, n_years (0 = linear fallback, share 1/12).
    """
    hist = monthly[(monthly["year"] < year)]
    counts = hist.groupby(["region", "year"])["month"].nunique()
    totals = hist.groupby(["region", "year"])["value"].sum()
    complete = counts[(counts == 12) & (totals.reindex(counts.index) > 0)].reset_index()[["region", "year"]]
    rows = []
    for region in sorted(monthly["region"].unique()):
        ys = sorted(complete.loc[complete["region"] == region, "year"])[-years:]
        if ys:
            h = hist[(hist["region"] == region) & hist["year"].isin(ys)]
            wide = h.pivot_table(index="year", columns="month", values="value", aggfunc="sum").reindex(columns=range(1, 13))
            shares = wide.div(wide.sum(axis=1), axis=0).mean(axis=0).to_numpy(dtype=float)
            shares = shares / shares.sum()
        else:
            shares = np.full(12, 1.0 / 12)
        cum = np.cumsum(shares)
        cum[-1] = 1.0
        for m in range(12):
            rows.append((region, m + 1, float(shares[m]), float(cum[m]), len(ys)))
    return pd.DataFrame(rows, columns=["region", "month", "share", "cum_share", "n_years"])


def schedule_progress(pattern: pd.DataFrame, month: int) -> pd.Series:
    """Cumulative seasonal share at ``month`` per region (index region); 0 for month 0."""
    if month <= 0:
        return pd.Series(0.0, index=pd.Index(pattern["region"].unique(), name="region"))
    sel = pattern[pattern["month"] == month]
    return sel.set_index("region")["cum_share"]


def schedule_linear(month: int) -> float:
    """Linear schedule m/12."""
    return month / 12.0
