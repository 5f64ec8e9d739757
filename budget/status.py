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


def classify_status(deviation) -> str | None:
    """'surplus' | 'balance' | 'overspend' for a deviation from schedule (0.05 = 5% ahead)."""
    d = _clean(deviation)
    if d is None:
        return None
    tol = config.STATUS_TOLERANCE
    if d < -tol:
        return "surplus"
    if d > tol:
        return "overspend"
    return "balance"


def warning_level(deviation, p_overspend=None) -> str:
    """'red' | 'orange' | 'green' from the deviation and the probability of overspend."""
    d = _clean(deviation)
    p = _clean(p_overspend)
    if (d is not None and d > config.RED_DEVIATION) or (p is not None and p >= config.RED_P_OVERSPEND):
        return "red"
    if (d is not None and d > config.ORANGE_DEVIATION) or (p is not None and p >= config.ORANGE_P_OVERSPEND):
        return "orange"
    return "green"
