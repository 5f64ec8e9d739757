"""City rankings for the leadership display (排名).

Every ranking follows one convention: **rank 1 = the city needing most attention** —
largest deviation from schedule, smallest intensity decline (largest intensity_change),
largest year-on-year emission increase, highest probability of overspend. Ties share the lower
rank (method 'min'); missing values get no rank. ``rank_change_* = previous − current`` (> 0: the
city moved towards rank 1, i.e. got relatively worse).
"""
from __future__ import annotations

import pandas as pd

#: metric column -> name of its rank column
RANKED_METRICS = {
    "deviation": "rank_deviation",
    "intensity_change": "rank_intensity",
    "yoy_change": "rank_yoy",
    "p_overspend": "rank_p_overspend",
}


def _rank(values: pd.Series) -> pd.Series:
    return values.astype(float).rank(ascending=False, method="min").astype("Int64")


def rank_cities(progress: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rank the cities of ``progress`` (the province row is dropped).

    ``previous``: optional progress as of the previous quarter's end (same columns); without it the
    deviation rank change uses ``progress.previous_rank`` and the others rank ``progress.previous_<metric>``.

    Returns region, status, warning_level, deviation, intensity_change, yoy_change, p_overspend,
    rank_deviation, rank_intensity, rank_yoy, rank_p_overspend, and rank_change_<metric> per
    metric (previous rank − current rank; NA when unknown); sorted by rank_deviation.
    """
    cities = progress[~progress["is_province"].astype(bool)].copy()
    out = cities[["region", "status", "warning_level", *RANKED_METRICS]].reset_index(drop=True)
    for metric, col in RANKED_METRICS.items():
        out[col] = _rank(out[metric])
    prev_ranks: dict[str, pd.Series] = {}
    if previous is not None:
        pc = previous[~previous["is_province"].astype(bool)].set_index("region")
        for metric, col in RANKED_METRICS.items():
            prev_ranks[col] = _rank(pc[metric])
    else:
        pc = cities.set_index("region")
        if "previous_rank" in pc.columns:
            prev_ranks["rank_deviation"] = pc["previous_rank"].astype("Int64")
        for metric, col in RANKED_METRICS.items():  # progress.previous_<metric>: last quarter's value
            if metric != "deviation" and f"previous_{metric}" in pc.columns and pc[f"previous_{metric}"].notna().any():
                prev_ranks[col] = _rank(pc[f"previous_{metric}"])
    for metric, col in RANKED_METRICS.items():
        change = f"rank_change_{metric}"
        if col in prev_ranks:
            prev = out["region"].map(prev_ranks[col]).astype("Int64")
            out[change] = (prev - out[col]).astype("Int64")
        else:
            out[change] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out.sort_values(["rank_deviation", "region"], na_position="last").reset_index(drop=True)
