"""The live track record (pure): every estimate that was stored and shown, scored against the
statistics once they arrive. What we said, what happened.

Which estimate counts: each run stored an estimate per region and month with its horizon and band.
When several runs share an ``as_of`` month (a refresh after each upload), the last of them is the one
that stood for that month; every as_of month's standing estimate is scored. A combined January–February
statistic (``YYYY-01..02``) scores the sum of that run's January and February estimates (bounds summed).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

SCORED_COLS = ["run_id", "as_of", "region", "period", "horizon", "value", "lo90", "hi90", "lo80", "hi80",
               "actual", "error", "ape", "covered90", "covered80", "half_width90"]
MIN_SCORED = 1


def standing(estimates: pd.DataFrame) -> pd.DataFrame:
    """The estimates that stood: per (as_of, region, period) the latest run's."""
    if estimates.empty:
        return estimates
    e = estimates.sort_values("run_id", kind="stable")
    return e.drop_duplicates(["as_of", "region", "period"], keep="last").reset_index(drop=True)


def _pairs(est: pd.DataFrame, actuals: pd.DataFrame) -> pd.DataFrame:
    """Estimates of January and February summed per run where the statistic is a combined value."""
    jf = actuals[actuals["period"].str.endswith("-01..02")]
    if jf.empty or est.empty:
        return est.iloc[0:0]
    years = set(jf["period"].str[:4])
    m = est[est["period"].str[5:7].isin(["01", "02"]) & est["period"].str[:4].isin(years)]
    if m.empty:
        return est.iloc[0:0]
    m = m.assign(period=m["period"].str[:4] + "-01..02")
    g = m.groupby(["run_id", "as_of", "region", "period"], as_index=False).agg(
        n=("value", "size"), value=("value", "sum"), lo90=("lo90", "sum"), hi90=("hi90", "sum"), lo80=("lo80", "sum"),
        hi80=("hi80", "sum"), horizon=("horizon", "max"))
    return g[g["n"] == 2].drop(columns="n")


def score(estimates: pd.DataFrame, actuals: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """(scored rows ``SCORED_COLS``, number of standing estimates still waiting for their statistics).

    ``estimates``: run_id, as_of, region, period, value, lo80, hi80, lo90, hi90, horizon;
    ``actuals``: region, period, value. error = estimate / actual - 1; covered = actual inside the band;
    half_width90 = (hi90 - lo90) / 2 / estimate."""
    est = standing(estimates)
    if est.empty:
        return pd.DataFrame(columns=SCORED_COLS), 0
    est = pd.concat([est, _pairs(est, actuals)], ignore_index=True)
    act = actuals[["region", "period", "value"]].rename(columns={"value": "actual"})
    j = est.merge(act, on=["region", "period"], how="left")
    monthly = ~j["period"].str.endswith("-01..02")
    combined_years = set(actuals.loc[actuals["period"].str.endswith("-01..02"), "region"] + "|" +
                         actuals.loc[actuals["period"].str.endswith("-01..02"), "period"].str[:4])
    # a January or February estimate whose statistic came combined is scored in its pair, not alone
    in_pair = monthly & j["period"].str[5:7].isin(["01", "02"]) & j["actual"].isna() & \
        (j["region"] + "|" + j["period"].str[:4]).isin(combined_years)
    j = j[~in_pair]
    # a combined statistic beside both monthly ones: the months are scored, the pair is not
    mk = actuals[actuals["period"].str.match(r"^\d{4}-0[12]$")]
    both = mk.groupby([mk["region"], mk["period"].str[:4]]).size()
    both = set(f"{r}|{y}" for (r, y), n in both.items() if n == 2)
    j = j[~(~monthly.reindex(j.index) & (j["region"] + "|" + j["period"].str[:4]).isin(both))]
    has = j["actual"].notna() & (j["actual"] > 0)
    pending = int((~has & ~j["period"].str.endswith("-01..02")).sum())
    s = j[has].copy()
    v, a = s["value"].to_numpy(float), s["actual"].to_numpy(float)
    s["error"] = v / a - 1
    s["ape"] = np.abs(s["error"])
    s["covered90"] = ((a >= s["lo90"].to_numpy(float)) & (a <= s["hi90"].to_numpy(float))).astype(float)
    s["covered80"] = ((a >= s["lo80"].to_numpy(float)) & (a <= s["hi80"].to_numpy(float))).astype(float)
    s.loc[s["lo90"].isna() | s["hi90"].isna(), "covered90"] = np.nan
    s.loc[s["lo80"].isna() | s["hi80"].isna(), "covered80"] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        s["half_width90"] = np.where(v > 0, (s["hi90"].to_numpy(float) - s["lo90"].to_numpy(float)) / 2 / v, np.nan)
    s["horizon"] = s["horizon"].astype(int)
    return s[SCORED_COLS].sort_values(["period", "region", "horizon"]).reset_index(drop=True), pending


def _agg(frame: pd.DataFrame, by: str) -> list[dict]:
    if frame.empty:
        return []
    g = frame.groupby(by, sort=True).agg(n=("ape", "size"), mape=("ape", "mean"), median_ape=("ape", "median"),
                                         bias=("error", "mean"), coverage90=("covered90", "mean"),
                                         half_width90=("half_width90", "mean")).reset_index()
    return [{k: (None if isinstance(v, float) and not np.isfinite(v) else (round(v, 6) if isinstance(v, float) else v))
             for k, v in r.items()} for r in g.to_dict(orient="records")]


def summarize(scored: pd.DataFrame, pending: int = 0) -> dict:
    """The record in figures: n, regions, months, first/last month scored, mape, median_ape, bias,
    coverage90, coverage80, half_width90 (fractions), pending, by_horizon and by_month lists."""
    if scored.empty:
        return {"n": 0, "regions": 0, "months": 0, "first_period": None, "last_period": None, "mape": None,
                "median_ape": None, "bias": None, "coverage90": None, "coverage80": None, "half_width90": None,
                "pending": int(pending), "by_horizon": [], "by_month": []}

    def num(x):
        x = float(x)
        return round(x, 6) if np.isfinite(x) else None
    return {"n": int(len(scored)), "regions": int(scored["region"].nunique()), "months": int(scored["period"].nunique()),
            "first_period": str(scored["period"].min()), "last_period": str(scored["period"].max()),
            "mape": num(scored["ape"].mean()), "median_ape": num(scored["ape"].median()),
            "bias": num(scored["error"].mean()), "coverage90": num(scored["covered90"].mean()),
            "coverage80": num(scored["covered80"].mean()), "half_width90": num(scored["half_width90"].mean()),
            "pending": int(pending), "by_horizon": _agg(scored, "horizon"), "by_month": _agg(scored, "period")}
