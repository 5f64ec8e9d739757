"""Time-schedule progress (时序进度): the share of a year's emissions normally used by month m.

The seasonal pattern of a region is the mean, over its last ``config.SEASONAL_YEARS`` complete
years before the monitored year, of each month's share of that year's total. The schedule
progress at month m is the cumulative share of months 1..m (exactly 1 at month 12). A region with
no complete year falls back to the linear schedule m/12, which is always reported beside it.
A year whose January–February is one combined value (``span``) gives the pair's share; January's
part of it comes from the region's monthly years (half each when it has none).
All regions are computed together (one group-by over region, year, month).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from budget import config


def _last_years(complete: pd.DataFrame, years: int) -> pd.DataFrame:
    """Rows (sorted by region, year) kept by ``sorted(years_of_region)[-years:]``."""
    pos = complete.groupby("region", sort=False).cumcount().to_numpy()
    size = complete.groupby("region", sort=False)["year"].transform("size").to_numpy()
    start = np.maximum(size - years, 0) if years > 0 else (np.zeros_like(size) if years == 0 else np.minimum(-years, size))
    return complete[pos >= start]


def seasonal_pattern(monthly: pd.DataFrame, year: int, years: int = config.SEASONAL_YEARS) -> pd.DataFrame:
    """Monthly shares per region from complete years before ``year``.

    ``monthly``: region, year, month, value (as from ``periods.monthly_frame``).
    Returns region, month (1..12), share, cum_share, n_years (0 = linear fallback, share 1/12).
    """
    regions = sorted(monthly["region"].unique())
    hist = monthly[(monthly["year"] < year)]
    by_year = hist.groupby(["region", "year"])
    counts = by_year["month"].nunique()
    totals = by_year["value"].sum()
    complete = counts[(counts == 12) & (totals.reindex(counts.index) > 0)].reset_index()[["region", "year"]]
    chosen = _last_years(complete.sort_values(["region", "year"]), years)
    shares = np.tile(np.full(12, 1.0 / 12), (len(regions), 1))
    n_years = np.zeros(len(regions), dtype=np.int64)
    if len(chosen):
        h = hist.merge(chosen, on=["region", "year"])
        wide = (h.groupby(["region", "year", "month"])["value"].sum().unstack("month")
                .reindex(columns=range(1, 13)))
        w = wide.to_numpy(dtype=float)
        w = w / np.nansum(w, axis=1, keepdims=True)
        reg = wide.index.get_level_values("region")
        first = np.flatnonzero(np.r_[True, reg[1:] != reg[:-1]])
        size = np.diff(np.r_[first, len(reg)])
        pair = w[:, 0] + w[:, 1]
        if "span" in h.columns:   # a combined Jan–Feb year tells the pair's share, not January's
            comb = h[h["span"].notna()].groupby(["region", "year"]).size()
            w[wide.index.isin(comb.index), :2] = np.nan
        pair_mean = np.add.reduceat(pair, first) / size
        with np.errstate(invalid="ignore"):  # a month no year reports alone: 0/0 (NaN), set below
            mean = np.add.reduceat(np.nan_to_num(w, nan=0.0), first, axis=0) / np.add.reduceat(~np.isnan(w), first, axis=0)
            jan = mean[:, 0] / (mean[:, 0] + mean[:, 1])   # January's part of the pair from monthly years
        jan = np.where(np.isfinite(jan), jan, 0.5)          # no monthly year at all: half each
        mean[:, 0], mean[:, 1] = pair_mean * jan, pair_mean * (1 - jan)
        mean = mean / mean.sum(axis=1, keepdims=True)
        rows = pd.Index(regions).get_indexer(reg[first])
        shares[rows] = mean
        n_years[rows] = size
    cum = np.cumsum(shares, axis=1)
    cum[:, -1] = 1.0
    return pd.DataFrame({
        "region": np.repeat(np.asarray(regions, dtype=object), 12).tolist(),
        "month": np.tile(np.arange(1, 13, dtype=np.int64), len(regions)),
        "share": shares.ravel(), "cum_share": cum.ravel(), "n_years": np.repeat(n_years, 12),
    }, columns=["region", "month", "share", "cum_share", "n_years"])


def schedule_progress(pattern: pd.DataFrame, month: int) -> pd.Series:
    """Cumulative seasonal share at ``month`` per region (index region); 0 for month 0."""
    if month <= 0:
        return pd.Series(0.0, index=pd.Index(pattern["region"].unique(), name="region"))
    sel = pattern[pattern["month"] == month]
    return sel.set_index("region")["cum_share"]


def schedule_linear(month: int) -> float:
    """Linear schedule m/12."""
    return month / 12.0
