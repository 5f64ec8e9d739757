"""Five-year final accounts (五年决算): totals, target completion and the quality evaluation (考核).

Config block (the one place of the evaluation's weights, scales and grades):

- ``INDICATORS``: code → (weight, source). Computed from the data where they can be (``computed``);
  entered by an admin where they cannot (``entered``, 0..100). An indicator without data ("no data")
  drops out and the remaining weights are rescaled; ``coverage`` says how much weight had data.
- Scores 0..100 of the computed indicators (each rule below, linear, clipped to 0..100):
  total target: 100 when the five-year total is within the budget, −``TOTAL_PENALTY`` points per 1% over;
  intensity target: 100 × achieved decline / target decline;
  budget accuracy: 100 − ``ACCURACY_PENALTY`` points per 1% of mean |actual − budget| / budget;
  alert response: 100 when the first measure followed a red close within ``RESPONSE_FULL_DAYS`` days,
  0 at ``RESPONSE_ZERO_DAYS`` (or never);
  nowcast accuracy: 100 − ``NOWCAST_PENALTY`` points per 1% of MAPE of the stored estimates;
  uploads on time: 100 × share of months whose electricity upload arrived within ``UPLOAD_DEADLINE_DAYS``;
  funding and capacity: 100 × share of the period's (year, purpose) pairs — purposes
  ``budget.province.FUND_PURPOSES``: monitoring, verification, reporting — in which the province gave the city
  capacity funds (computed from the recorded funds, no longer typed in; no funds recorded for any city in the
  period = no data).
- ``GRADES``: ≥ 90 优秀, ≥ 80 良好, ≥ 60 合格, else 不合格.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from budget import config

INDICATORS = {
    "total_target": (0.25, "computed"),
    "intensity_target": (0.20, "computed"),
    "budget_accuracy": (0.10, "computed"),
    "alert_response": (0.10, "computed"),
    "nowcast_accuracy": (0.05, "computed"),
    "upload_timeliness": (0.05, "computed"),
    "target_reasonableness": (0.10, "entered"),
    "coordination": (0.10, "entered"),
    "funding_capacity": (0.05, "computed"),
}
ENTERED = tuple(k for k, (_, s) in INDICATORS.items() if s == "entered")
TOTAL_PENALTY = 10.0
ACCURACY_PENALTY = 5.0
NOWCAST_PENALTY = 5.0
RESPONSE_FULL_DAYS = 30
RESPONSE_ZERO_DAYS = 180
UPLOAD_DEADLINE_DAYS = 45
#: Intensity decline over the period when no target is recorded: the 14th FYP national target (18%).
DEFAULT_INTENSITY_DECLINE = config.PLAN_INTENSITY_TARGET_DECLINE
GRADES = ((90.0, "excellent"), (80.0, "good"), (60.0, "pass"), (-1.0, "fail"))
GRADE_LABELS = {"excellent": {"zh": "优秀", "en": "Excellent"}, "good": {"zh": "良好", "en": "Good"},
                "pass": {"zh": "合格", "en": "Pass"}, "fail": {"zh": "不合格", "en": "Fail"}}
INDICATOR_LABELS = {
    "total_target": {"zh": "总量目标完成", "en": "Total target"},
    "intensity_target": {"zh": "强度目标完成", "en": "Intensity target"},
    "budget_accuracy": {"zh": "预算编制准确度", "en": "Budget accuracy"},
    "alert_response": {"zh": "预警响应及时性", "en": "Alert response"},
    "nowcast_accuracy": {"zh": "快算精度", "en": "Nowcast accuracy"},
    "upload_timeliness": {"zh": "数据报送及时性", "en": "Uploads on time"},
    "target_reasonableness": {"zh": "目标合理性（评分）", "en": "Target reasonableness (entered)"},
    "coordination": {"zh": "跨部门跨地区协同（评分）", "en": "Coordination (entered)"},
    "funding_capacity": {"zh": "资金与能力保障", "en": "Funding and capacity"},
}


def _clip(x) -> np.ndarray:
    return np.clip(np.asarray(x, dtype=float), 0.0, 100.0)


def grade(score: float | None) -> str | None:
    if score is None or not np.isfinite(score):
        return None
    return next(g for lo, g in GRADES if score >= lo)


def indicator_values(closes: pd.DataFrame, *, start: int, end: int, base_intensity: pd.Series,
                     target_end: pd.Series, red_years: pd.DataFrame, measures: pd.DataFrame,
                     estimate_errors: pd.DataFrame, uploads: pd.DataFrame, funds: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per region the raw indicator values (NaN = no data).

    ``closes``: the year closes of start..end stacked (``budget.year_close.CLOSE_COLUMNS``).
    ``base_intensity`` / ``target_end``: per region (index) intensity of start − 1 and target of ``end``.
    ``red_years``: region, year of closes whose deviation was beyond the red threshold.
    ``measures``: region, created_at. ``estimate_errors``: region, estimate, actual.
    ``uploads``: region, period, first_recorded. ``funds``: region, year, purpose, amount (capacity funds).
    """
    c = closes[(closes["year"] >= start) & (closes["year"] <= end)]
    g = c.groupby("region", sort=False)
    regions = list(dict.fromkeys(c["region"]))
    out = pd.DataFrame(index=pd.Index(regions, name="region"))
    out["is_province"] = g["is_province"].first()
    out["years_closed"] = g["year"].nunique()
    out["five_year_accounted"] = g["accounted"].sum(min_count=1)
    out["five_year_budget"] = g["budget"].sum(min_count=1)
    out.loc[out["years_closed"] < end - start + 1, ["five_year_accounted", "five_year_budget"]] = np.nan
    out["total_completion"] = out["five_year_accounted"] / out["five_year_budget"]
    last = c[c["year"] == end].set_index("region")
    out["gdp_end"] = last["gdp"].reindex(regions)
    out["intensity_end"] = last["intensity"].reindex(regions)
    out["intensity_base"] = base_intensity.reindex(regions)
    out["intensity_decline"] = 1 - out["intensity_end"] / out["intensity_base"]
    te = target_end.reindex(regions)
    out["intensity_target_decline"] = np.where(te.notna(), 1 - te / out["intensity_base"], DEFAULT_INTENSITY_DECLINE)
    out["intensity_completion"] = out["intensity_decline"] / out["intensity_target_decline"]
    c2 = c[(c["budget"] > 0) & c["accounted"].notna()]
    out["budget_accuracy"] = (abs(c2["accounted"] - c2["budget"]) / c2["budget"]).groupby(c2["region"]).mean().reindex(regions)
    # alert response: days from the end of a red year to the first measure recorded for the city afterwards
    resp = pd.Series(np.nan, index=regions)
    if len(measures) and len(red_years):
        m = measures.assign(created_at=pd.to_datetime(measures["created_at"]))
        days = []
        for r, y in red_years[["region", "year"]].itertuples(index=False):
            t0 = pd.Timestamp(int(y) + 1, 1, 1)
            after = m.loc[(m["region"] == r) & (m["created_at"] >= t0 - pd.Timedelta(days=365)), "created_at"]
            days.append((r, max(0.0, (after.min() - t0).days) if len(after) else float(RESPONSE_ZERO_DAYS)))
        resp = pd.DataFrame(days, columns=["region", "d"]).groupby("region")["d"].mean().reindex(regions)
    out["alert_response_days"] = resp
    out["red_years"] = red_years.groupby("region")["year"].nunique().reindex(regions).fillna(0).astype(int) if len(red_years) else 0
    if len(estimate_errors):
        e = estimate_errors[estimate_errors["actual"] > 0]
        mape = (abs(e["estimate"] - e["actual"]) / e["actual"]).groupby(e["region"]).mean()
        out["nowcast_mape"] = mape.reindex(regions)
    else:
        out["nowcast_mape"] = np.nan
    if len(uploads):
        u = uploads.copy()
        month_end = pd.to_datetime(u["period"] + "-01") + pd.offsets.MonthEnd(0)
        u["on_time"] = (pd.to_datetime(u["first_recorded"]) - month_end).dt.days <= UPLOAD_DEADLINE_DAYS
        out["upload_on_time_share"] = u.groupby("region")["on_time"].mean().reindex(regions)
    else:
        out["upload_on_time_share"] = np.nan
    out["capacity_coverage"] = capacity_coverage(funds, out, start, end)
    prov = out.index[out["is_province"].astype(bool)]
    if len(prov) and len(estimate_errors):
        e = estimate_errors[estimate_errors["actual"] > 0]
        out.loc[prov, "nowcast_mape"] = float((abs(e["estimate"] - e["actual"]) / e["actual"]).mean()) if len(e) else np.nan
    return out.reset_index()


def capacity_coverage(funds: pd.DataFrame | None, regions: pd.DataFrame, start: int, end: int) -> pd.Series:
    """Per region the share of (year, purpose) pairs of start..end with capacity funds (> 0); the province: the
    mean of its cities. NaN everywhere when no funds are recorded for the period (no data)."""
    from budget.province import FUND_PURPOSES

    out = pd.Series(np.nan, index=regions.index, dtype=float)
    if funds is None or funds.empty:
        return out
    f = funds[(funds["year"] >= start) & (funds["year"] <= end) & funds["purpose"].isin(FUND_PURPOSES)]
    f = f.groupby(["region", "year", "purpose"])["amount"].sum()
    f = f[f > 0]
    if f.empty:
        return out
    pairs = (end - start + 1) * len(FUND_PURPOSES)
    cities = ~regions["is_province"].astype(bool)
    covered = f.groupby(level="region").size()
    out[cities] = covered.reindex(regions.index[cities]).fillna(0) / pairs
    out[~cities] = out[cities].mean()
    return out


def score(values: pd.DataFrame, entered: pd.DataFrame | None = None, weights: dict | None = None) -> pd.DataFrame:
    """Indicator scores (``score_<indicator>``), the weighted score, coverage, grade and rank (cities).

    ``entered``: region, indicator, score (the latest entered scores)."""
    v = values.set_index("region")
    s = pd.DataFrame(index=v.index)
    over = (v["total_completion"] - 1).clip(lower=0) * 100
    s["total_target"] = _clip(100 - TOTAL_PENALTY * over)
    s.loc[v["total_completion"].isna(), "total_target"] = np.nan
    s["intensity_target"] = _clip(100 * v["intensity_completion"])
    s.loc[v["intensity_completion"].isna(), "intensity_target"] = np.nan
    s["budget_accuracy"] = np.where(v["budget_accuracy"].notna(), _clip(100 - ACCURACY_PENALTY * 100 * v["budget_accuracy"]), np.nan)
    d = v["alert_response_days"]
    s["alert_response"] = np.where(d.notna(), _clip(100 * (RESPONSE_ZERO_DAYS - d) / (RESPONSE_ZERO_DAYS - RESPONSE_FULL_DAYS)), np.nan)
    s["nowcast_accuracy"] = np.where(v["nowcast_mape"].notna(), _clip(100 - NOWCAST_PENALTY * 100 * v["nowcast_mape"]), np.nan)
    s["upload_timeliness"] = np.where(v["upload_on_time_share"].notna(), _clip(100 * v["upload_on_time_share"]), np.nan)
    cov = v["capacity_coverage"] if "capacity_coverage" in v else pd.Series(np.nan, index=v.index)
    s["funding_capacity"] = np.where(cov.notna(), _clip(100 * cov), np.nan)
    for k in ENTERED:
        s[k] = np.nan
    if entered is not None and len(entered):
        e = entered[entered["indicator"].isin(ENTERED)].drop_duplicates(["region", "indicator"], keep="last")
        for r, k, x in e[["region", "indicator", "score"]].itertuples(index=False):
            if r in s.index:
                s.loc[r, k] = float(x)
    w = pd.Series({k: float((weights or {}).get(k, wt)) for k, (wt, _) in INDICATORS.items()})
    have = s[list(w.index)].notna()
    wsum = have.mul(w, axis=1).sum(axis=1)
    total = s[list(w.index)].fillna(0).mul(w, axis=1).sum(axis=1)
    out = values.set_index("region").join(s.add_prefix("score_"))
    out["coverage"] = wsum / w.sum()
    out["score"] = np.where(wsum > 0, total / wsum.where(wsum > 0, 1), np.nan)
    out["grade"] = [grade(x) for x in out["score"]]
    cities = ~out["is_province"].astype(bool)
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out.loc[cities, "rank"] = out.loc[cities, "score"].rank(ascending=False, method="min").astype("Int64")
    return out.reset_index()
