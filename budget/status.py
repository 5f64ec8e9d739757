"""Status (surplus / balance / overspend) and warning level (red / orange / green) from the thresholds in ``config``.

- status: deviation < −tolerance → surplus; |deviation| ≤ tolerance → balance (edges included);
  deviation > tolerance → overspend. Missing deviation → None.
- warning level: red if deviation > RED_DEVIATION or p_overspend ≥ RED_P_OVERSPEND; else orange if
  deviation > ORANGE_DEVIATION or p_overspend ≥ ORANGE_P_OVERSPEND; else green. A missing input
  simply does not trigger its condition.
"""
from __future__ import annotations

import math

from budget import config


def _clean(x) -> float | None:
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    if math.isnan(x):
        return None
    return round(x, config.COMPARISON_DECIMALS)


def classify_status(deviation, rules: dict | None = None) -> str | None:
    """'surplus' | 'balance' | 'overspend' for a deviation from schedule (0.05 = 5% ahead); ``rules``: the
    province's rules in force (``status.tolerance``), else the shipped default."""
    d = _clean(deviation)
    if d is None:
        return None
    tol = float((rules or {}).get("status.tolerance", config.STATUS_TOLERANCE))
    if d < -tol:
        return "surplus"
    if d > tol:
        return "overspend"
    return "balance"


def warning_level(deviation, p_overspend=None, rules: dict | None = None) -> str:
    """'red' | 'orange' | 'green' from the deviation and the probability of overspend, with the thresholds of the
    province's ``rules`` in force (``warning.*``), else the shipped defaults."""
    d = _clean(deviation)
    p = _clean(p_overspend)
    r = rules or {}
    red_d, red_p = float(r.get("warning.red_deviation", config.RED_DEVIATION)), float(r.get("warning.red_p_overspend", config.RED_P_OVERSPEND))
    or_d, or_p = float(r.get("warning.orange_deviation", config.ORANGE_DEVIATION)), float(r.get("warning.orange_p_overspend", config.ORANGE_P_OVERSPEND))
    if (d is not None and d > red_d) or (p is not None and p >= red_p):
        return "red"
    if (d is not None and d > or_d) or (p is not None and p >= or_p):
        return "orange"
    return "green"
