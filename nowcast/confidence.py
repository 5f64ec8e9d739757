"""The confidence word on every estimate (高 / 中 / 低 — high / medium / low): the one rule.

From the estimate's 90% band and the live track record (``nowcast.track``):
1. The band: half-width (hi90 - lo90) / 2 / estimate at most ``HIGH_MAX_HALF_WIDTH`` -> high, at most
   ``MEDIUM_MAX_HALF_WIDTH`` -> medium, wider (or no band) -> low.
2. The record at the estimate's horizon (scored estimates of past months): with at least ``MIN_RECORD``
   scored, a record whose 90% bands covered less than ``MIN_RECORD_COVERAGE`` of the outcomes, or whose
   mean error exceeded ``MEDIUM_MAX_HALF_WIDTH``, lowers the word one step. Without such a record the
   word is at most medium: high confidence has to be earned by published estimates that held.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

LEVELS = ("high", "medium", "low")
LABELS = {"high": ("高", "high"), "medium": ("中", "medium"), "low": ("低", "low")}
HIGH_MAX_HALF_WIDTH = 0.06
MEDIUM_MAX_HALF_WIDTH = 0.15
MIN_RECORD = 12
MIN_RECORD_COVERAGE = 0.75
RULE = {"zh": (f"置信度：90% 区间半宽 ≤{HIGH_MAX_HALF_WIDTH:.0%} 为高，≤{MEDIUM_MAX_HALF_WIDTH:.0%} 为中，更宽为低；"
               f"同一预测步长的已核验记录（至少 {MIN_RECORD} 个）若区间覆盖率低于 {MIN_RECORD_COVERAGE:.0%} 或平均误差超过 "
               f"{MEDIUM_MAX_HALF_WIDTH:.0%}，降一档；尚无足够记录时最高为中。"),
        "en": (f"Confidence: a 90% band half-width of at most {HIGH_MAX_HALF_WIDTH:.0%} is high, at most "
               f"{MEDIUM_MAX_HALF_WIDTH:.0%} medium, wider low; a live record at that horizon (at least {MIN_RECORD} "
               f"scored estimates) whose bands covered under {MIN_RECORD_COVERAGE:.0%} or whose mean error exceeded "
               f"{MEDIUM_MAX_HALF_WIDTH:.0%} lowers it one step; without such a record it is at most medium.")}


def label(level: str | None, lang: str = "zh") -> str:
    """高 / 中 / 低 (or high / medium / low); '—' for no level."""
    if level not in LABELS:
        return "—"
    return LABELS[level][0 if lang == "zh" else 1]


def half_width(value, lo90, hi90) -> float:
    v, lo, hi = float(value), float(lo90), float(hi90)
    if not (math.isfinite(v) and math.isfinite(lo) and math.isfinite(hi)) or v <= 0:
        return math.nan
    return (hi - lo) / 2 / v


def level(half_width_90: float, record: dict | None = None) -> str:
    """The word for one estimate. ``record``: {"n", "coverage90", "mape"} at its horizon (or None)."""
    hw = float(half_width_90) if half_width_90 is not None else math.nan
    if not math.isfinite(hw):
        i = 2
    elif hw <= HIGH_MAX_HALF_WIDTH:
        i = 0
    elif hw <= MEDIUM_MAX_HALF_WIDTH:
        i = 1
    else:
        i = 2
    n = int((record or {}).get("n") or 0)
    if n >= MIN_RECORD:
        cov, mape = (record or {}).get("coverage90"), (record or {}).get("mape")
        bad = (cov is not None and cov < MIN_RECORD_COVERAGE) or (mape is not None and mape > MEDIUM_MAX_HALF_WIDTH)
        if bad:
            i = min(2, i + 1)
    else:
        i = max(i, 1)
    return LEVELS[i]


def levels(frame: pd.DataFrame, by_horizon: dict[int, dict] | None = None) -> pd.Series:
    """The word per row of a frame with value, lo90, hi90 (and horizon): the rule above, with the record
    of the row's horizon from ``by_horizon`` ({horizon: {"n", "coverage90", "mape"}})."""
    if frame.empty:
        return pd.Series([], dtype=object, index=frame.index)
    v, lo, hi = (frame[c].to_numpy(float) for c in ("value", "lo90", "hi90"))
    with np.errstate(divide="ignore", invalid="ignore"):
        hw = np.where(v > 0, (hi - lo) / 2 / v, np.nan)
    h = frame["horizon"].to_numpy() if "horizon" in frame.columns else np.full(len(frame), None)
    rec = by_horizon or {}
    return pd.Series([level(w, rec.get(int(x)) if x is not None and pd.notna(x) else None) for w, x in zip(hw, h)],
                     index=frame.index, dtype=object)


def record_by_horizon(summary: dict | None) -> dict[int, dict]:
    """{horizon: {"n", "coverage90", "mape"}} from a track-record summary (``nowcast.track.summarize``)."""
    return {int(r["horizon"]): r for r in (summary or {}).get("by_horizon", [])}
