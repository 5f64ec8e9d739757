"""Row checks of an upload that must stay bounded and exact whatever the file holds (used by ``intake.validate``):
non-finite and implausible values, and groups of rows sharing (region, period, indicator).

Pure pandas. ``flag``/``rep`` are ``intake.validate``'s report hooks, passed in (no import cycle).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from intake import limits


def fmt_number(x: float) -> str:
    return f"{x:,.6g}" if abs(x) < 1e6 else f"{x:,.0f}"


def listed(items, n: int) -> str:
    """'2, 3, 4, 5, 6 …': the first ``MAX_LISTED_ROWS`` of ``n`` items."""
    items = [str(x) for x in items]
    return ", ".join(items[:limits.MAX_LISTED_ROWS]) + (" …" if n > limits.MAX_LISTED_ROWS else "")


def range_errors(df: pd.DataFrame, nums: pd.Series, has_ind: pd.Series, negative: pd.Series, ind_zh, ind_en,
                 canon: pd.Series, ranges: pd.DataFrame, flag) -> None:
    """Errors, never stored: a non-finite number (``1e400``), a finite one that overflows when converted to
    the canonical unit (``1e308`` 亿千瓦时), and a value outside the catalog's plausible range
    (``data/indicators.csv`` min_value/max_value, canonical unit, via ``catalog.ranges``).
    ``negative`` rows already carry their own error and are not flagged twice."""
    huge = pd.Series(np.isinf(nums), index=df.index)
    flag("non_finite", huge, "value", canonical=canon.fillna(""))
    overflow = ~huge & nums.notna() & np.isinf(df["val"])
    flag("non_finite_converted", overflow, "value", unit=df["unit"], canonical=canon.fillna(""))
    rng = ranges.set_index("code")
    lo, hi = (df["ind_code"].map(rng[c]).astype("float64") for c in ("min_value", "max_value"))
    val = df["val"].where(np.isfinite(df["val"]))
    out = has_ind & val.notna() & ~negative & (val.lt(lo) | val.gt(hi))
    if out.any():
        flag("out_of_range", out, "value", indicator=ind_zh, indicator_en=ind_en, unit=df["unit"],
             canonical=canon, converted=val[out].map(fmt_number), lo=lo[out].map(fmt_number),
             hi=hi[out].map(fmt_number))


def duplicate_groups(rep, part: pd.DataFrame, key: list[str], column: pd.Series, code: str, severity: str) -> None:
    """One report line per group of rows sharing ``key``: how many, the first few rows and values (10,000
    identical rows give one line, not 10,000 lines each listing 9,999 others). Texts are built for the first
    ``MAX_REPORT_ROWS_PER_CODE`` groups only; ``rep.add`` summarises the rest in one line."""
    if part.empty:
        return
    gid = part.groupby(key, sort=False).ngroup()          # in order of first appearance
    n_groups, cap = int(gid.max()) + 1, limits.MAX_REPORT_ROWS_PER_CODE
    part, gid = part[gid < cap], gid[gid < cap]
    g = part.groupby(gid, sort=True)
    size = g.size()
    rows = g["row"].agg(lambda s: listed(s.iloc[:limits.MAX_LISTED_ROWS + 1], len(s)))
    at = g.head(1) if code == "duplicate_conflict" else g.nth(1)   # identical: at the first repeat
    values = g["value"].agg(lambda s: " / ".join(pd.unique(s.iloc[:1000])[:limits.MAX_LISTED_ROWS])
                            + (" …" if s.nunique() > limits.MAX_LISTED_ROWS else ""))
    rep.add(code, at[["row"]], column.reindex(at.index).fillna("") if isinstance(column, pd.Series) else column,
            at["value"], severity, total=n_groups, n=[f"{x:,}" for x in size], listed=list(rows),
            first=list(g["row"].first()), values=list(values))
