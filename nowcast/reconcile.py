"""Coherent hierarchy: a parent's estimates equal the sum of its children's (province = sum of cities).

MinT with a diagonal covariance (WLS): per period, with child estimates b_i (variances s_i^2 from
their 90% band half-widths) and the parent's own estimate P (variance s_P^2), the children move by
d_i = s_i^2 / (sum_j s_j^2 + s_P^2) * (P - sum_i b_i) and the parent becomes sum_i (b_i + d_i): the
more uncertain a series, the more of the incoherence it absorbs. A child whose value is already
known (statistics) enters with variance 0 and is not moved. Bands: each child's band moves with its
estimate; the parent's band is the sum of its children's bounds (errors of one model are strongly
correlated across cities, so bounds add comonotonically — the same rule as the budget's province
band). Periods where a child has neither an estimate nor a known value are left as they are.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

BANDS = ("lo80", "hi80", "lo90", "hi90")


def _var(row) -> float:
    half = (float(row["hi90"]) - float(row["lo90"])) / 2
    return half * half if np.isfinite(half) and half > 0 else 1e-12


def reconcile(estimates: pd.DataFrame, hierarchy: dict[str, list[str]] | None,
              known: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[dict]]:
    """(coherent copy of ``estimates`` [region, period, value, lo80..hi90, ...], log of adjustments).

    ``hierarchy``: parent -> children. ``known``: region, period, value of statistics (optional)."""
    if not hierarchy or estimates.empty:
        return estimates, []
    out = estimates.copy().reset_index(drop=True)
    kn = {} if known is None or known.empty else \
        {(r, p): float(v) for r, p, v in known[["region", "period", "value"]].itertuples(index=False)}
    idx = {(r, p): i for i, (r, p) in enumerate(zip(out["region"], out["period"]))}
    log = []
    for parent, children in hierarchy.items():
        children = [c for c in children if c != parent]
        if not children:
            continue
        for period in sorted({p for r, p in idx if r == parent}):
            pi = idx[(parent, period)]
            rows, fixed = [], 0.0
            ok = True
            for c in children:
                if (c, period) in idx:
                    rows.append(idx[(c, period)])
                elif (c, period) in kn:
                    fixed += kn[(c, period)]
                else:
                    ok = False
                    break
            if not ok or not rows:
                continue
            var = np.array([_var(out.loc[i]) for i in rows])
            s = fixed + float(out.loc[rows, "value"].sum())
            p_val = float(out.loc[pi, "value"])
            d = var / (var.sum() + _var(out.loc[pi])) * (p_val - s)
            for i, di in zip(rows, d):
                for c in ("value",) + BANDS:
                    out.loc[i, c] = float(out.loc[i, c]) + di
            out.loc[pi, "value"] = fixed + float(out.loc[rows, "value"].sum())
            for c in BANDS:
                out.loc[pi, c] = fixed + float(out.loc[rows, c].sum())
            log.append({"parent": parent, "period": period, "own": round(p_val, 3),
                        "children_sum": round(s, 3), "reconciled": round(float(out.loc[pi, "value"]), 3)})
    return out, log
