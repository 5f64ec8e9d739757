"""Effect of a city's measures on its outlook (what-if: measures on / off). Pure.

The impact of measures is the outlook *with* them minus the outlook *without* them (as in Kausal
Paths). "Without" is the status projection (``budget.projection``: known months, then the rest of
the year as last year × recent trend). "With" subtracts, from every *projected* month in which a
measure is in force, its expected reduction spread evenly over the months: ``reduction / 12``
万吨 per active month (a measure running May–Dec removes 8/12 of its annual reduction from that
year). Known months (statistics or nowcast) already contain whatever measures did, so they are
not touched. A measure is in force from its actual start (else planned start) to its actual end
(else planned end), unless cancelled. The year-end sd is unchanged (the measures' own
uncertainty is not modelled), so P(overspend) with measures is the same normal with a lower mean.
The province's reduction is the sum of its cities' (and its own) measures.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from budget import config
from budget.projection import MONTHS, overspend_probabilities, run_out_months

OUTLOOK_COLUMNS = ["region", "projected_year_end", "projected_year_end_with_measures", "measures_reduction",
                   "measures_in_force", "run_out_month", "run_out_month_with_measures", "p_overspend",
                   "p_overspend_with_measures"]


def _month_numbers(values: pd.Series) -> np.ndarray:
    """'YYYY-MM' → year × 12 + month − 1 (NaN where not a month)."""
    v = values.astype(object).where(values.notna(), "").astype(str)
    ok = v.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").fillna(False).to_numpy(dtype=bool)
    out = np.full(len(v), np.nan)
    if ok.any():
        vv = v[ok]
        out[ok] = vv.str[:4].astype(int).to_numpy() * 12 + vv.str[5:7].astype(int).to_numpy() - 1
    return out


def reduction_grid(measures: pd.DataFrame | None, regions: list, year: int, include=None,
                   province: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(reduction, count): (R, 12) 万吨 per month of ``year`` removed by the measures in force, and
    (R,) how many measures count. ``include``: measure ids to switch on (None: all not cancelled).
    The province row (``province``) gets the sum over every measure. All measures at once."""
    n = len(regions)
    red, cnt = np.zeros((n, 12)), np.zeros(n, dtype=np.int64)
    if measures is None or measures.empty:
        return red, cnt
    status_col = "effective_status" if "effective_status" in measures.columns else "status"
    keep = measures[status_col].ne("cancelled").to_numpy(dtype=bool, copy=True)
    if include is not None:
        keep &= measures["measure_id"].astype(int).isin({int(x) for x in include}).to_numpy()
    m = measures[keep]
    if m.empty:
        return red, cnt
    start_col = m["actual_start"].where(m["actual_start"].notna() & m["actual_start"].astype(str).ne(""), m["planned_start"])
    end_col = m["actual_end"].where(m["actual_end"].notna() & m["actual_end"].astype(str).ne(""), m["planned_end"])
    start, end = _month_numbers(start_col), _month_numbers(end_col)
    amount = pd.to_numeric(m["reduction"], errors="coerce").to_numpy(dtype=float)
    months = year * 12 + MONTHS - 1
    with np.errstate(invalid="ignore"):
        mask = (months[None, :] >= start[:, None]) & (months[None, :] <= end[:, None])
    mask &= np.isfinite(amount)[:, None]
    monthly = np.where(mask, np.nan_to_num(amount)[:, None] / 12.0, 0.0)
    active = mask.any(axis=1)
    rows = pd.Index(regions).get_indexer(m["region"].astype(str))
    own = rows >= 0
    np.add.at(red, rows[own], monthly[own])
    np.add.at(cnt, rows[own], active[own].astype(np.int64))
    if province is not None and province in regions:
        p = regions.index(province)
        not_own = rows != p  # the province's own measures are already on its row
        red[p] += monthly[not_own].sum(axis=0)
        cnt[p] += int(active[not_own].sum())
    return red, cnt


def outlook(progress: pd.DataFrame, paths: pd.DataFrame, measures: pd.DataFrame | None, year: int,
            include=None, province: str | None = None) -> pd.DataFrame:
    """Per region of ``progress``: ``OUTLOOK_COLUMNS`` without and with the measures.

    ``progress``: region, budget, projected_total, projected_lo90, projected_hi90, p_overspend,
    run_out_month (``budget.compute_progress``); ``paths``: ``budget.projection_paths`` of the
    same regions and year (region, month, kind, value).
    """
    regions = progress["region"].astype(str).tolist()
    n = len(regions)
    value = np.full((n, 12), np.nan)
    projected = np.zeros((n, 12), dtype=bool)
    if len(paths):
        r = pd.Index(regions).get_indexer(paths["region"].astype(str))
        ok = r >= 0
        mi = paths["month"].to_numpy(dtype=int)[ok] - 1
        value[r[ok], mi] = paths["value"].to_numpy(dtype=float)[ok]
        projected[r[ok], mi] = (paths["kind"].to_numpy(dtype=object)[ok] == "projected")
    red, cnt = reduction_grid(measures, regions, year, include, province)
    cut = np.where(projected & np.isfinite(value), np.minimum(red, np.nan_to_num(value, nan=0.0).clip(min=0)), 0.0)
    with_value = value - cut
    total = progress["projected_total"].to_numpy(dtype=float)
    removed = cut.sum(axis=1)
    budget = progress["budget"].to_numpy(dtype=float)
    sd = (progress["projected_hi90"].to_numpy(dtype=float) - progress["projected_lo90"].to_numpy(dtype=float)) / (2 * config.Z90)
    mean_with = total - removed
    cum_with = np.cumsum(np.nan_to_num(with_value, nan=0.0), axis=1)
    cum_with[np.isnan(with_value)] = np.nan
    return pd.DataFrame({
        "region": regions, "projected_year_end": total, "projected_year_end_with_measures": mean_with,
        "measures_reduction": removed, "measures_in_force": cnt,
        "run_out_month": progress["run_out_month"].tolist(),
        "run_out_month_with_measures": run_out_months(cum_with, budget, year),
        "p_overspend": progress["p_overspend"].to_numpy(dtype=float),
        "p_overspend_with_measures": overspend_probabilities(budget, mean_with, np.nan_to_num(sd, nan=0.0)),
    }, columns=OUTLOOK_COLUMNS)


def with_measures(progress: pd.DataFrame, paths: pd.DataFrame, measures: pd.DataFrame | None, year: int,
                  province: str | None = None) -> pd.DataFrame:
    """``progress`` plus projected_year_end, projected_year_end_with_measures, p_overspend_with_measures,
    run_out_month_with_measures and measures_reduction (all measures not cancelled)."""
    o = outlook(progress, paths, measures, year, province=province).set_index("region")
    out = progress.copy()
    for col in ("projected_year_end", "projected_year_end_with_measures", "p_overspend_with_measures",
                "run_out_month_with_measures", "measures_reduction"):
        out[col] = out["region"].astype(str).map(o[col]).to_numpy()
    return out
