"""The live track record of the published estimates (composition: warehouse reads + ``nowcast.track``).

``summary(db_path)`` is what the quarterly bulletin and the accuracy page quote: every estimate that
was stored and shown, scored once the statistics for its month arrived (error by month and horizon,
the band it carried and whether the outcome fell inside).
"""
from __future__ import annotations

import os

import pandas as pd

from nowcast import confidence, track
from warehouse import catalog, db
from warehouse import track_record as store


def record(db_path: str | os.PathLike | None = None, indicator: str = catalog.TARGET) -> tuple[pd.DataFrame, int]:
    """(scored estimates ``nowcast.track.SCORED_COLS``, estimates still waiting for statistics)."""
    with db.connect(db_path) as con:
        est = store.stored_estimates(con, indicator)
        act = store.arrived_statistics(con, indicator)
    return track.score(est, act)


def summary(db_path: str | os.PathLike | None = None, indicator: str = catalog.TARGET) -> dict:
    """The record in figures (``nowcast.track.summarize``): n, months, mape, coverage90, half_width90,
    pending, by_horizon, by_month."""
    scored, pending = record(db_path, indicator)
    return track.summarize(scored, pending)


def sentence(s: dict, lang: str = "zh") -> str:
    """One line for a document: the record's size, error and band coverage (or that it is empty)."""
    if not s or not s.get("n"):
        return ("估算值实绩记录：尚无已公布估算值的统计数据到达，暂无可核验记录。" if lang == "zh" else
                "Live record: no statistics have yet arrived for a published estimate; nothing to score yet.")
    cov = "—" if s.get("coverage90") is None else f"{s['coverage90']:.0%}"
    if lang == "zh":
        return (f"估算值实绩记录：{s['first_period']} 至 {s['last_period']} 共 {s['n']} 个已公布估算值已有统计数据核验，"
                f"平均误差 {s['mape']:.1%}，90% 区间覆盖 {cov}（另有 {s['pending']} 个待统计数据）。")
    return (f"Live record: {s['n']} published estimates for {s['first_period']} to {s['last_period']} scored against "
            f"the statistics: mean error {s['mape']:.1%}, 90% band covered {cov} ({s['pending']} still awaiting statistics).")


def confidence_levels(frame: pd.DataFrame, s: dict | None) -> pd.Series:
    """The confidence word (``nowcast.confidence``) per row of a frame with value, lo90, hi90, horizon."""
    return confidence.levels(frame, confidence.record_by_horizon(s))


def annotate_export(db_path: str | os.PathLike | None, frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """An export (``warehouse.queries.export``) with the band and the confidence word of every estimated
    row (lo90, hi90, confidence; empty for statistics)."""
    if frame.empty or "kind" not in frame.columns or not (frame["kind"] == "estimated").any():
        return frame.assign(lo90=pd.Series(dtype=float), hi90=pd.Series(dtype=float), confidence="")
    with db.connect(db_path) as con:
        bands = store.estimate_bands(con)
    s = summary(db_path)
    key = ["region", "period", "indicator", "batch_id"]
    est = frame[frame["kind"] == "estimated"][key].merge(bands.drop(columns="value"), on=key, how="left")
    est["value"] = frame.loc[frame["kind"] == "estimated", "value"].to_numpy()
    words = confidence_levels(est, s).map(lambda lv: confidence.label(lv, lang))
    out = frame.copy()
    out["lo90"], out["hi90"], out["confidence"] = float("nan"), float("nan"), ""
    idx = frame.index[frame["kind"] == "estimated"]
    out.loc[idx, "lo90"] = est["lo90"].to_numpy()
    out.loc[idx, "hi90"] = est["hi90"].to_numpy()
    out.loc[idx, "confidence"] = words.to_numpy()
    return out


def latest_estimates(db_path: str | os.PathLike | None = None, indicator: str = catalog.TARGET) -> pd.DataFrame:
    """The latest run's estimates (region, period, value, lo90, hi90, horizon)."""
    with db.connect(db_path) as con:
        return store.latest_estimates(con, indicator)


def region_levels(estimates: pd.DataFrame, s: dict | None, periods=None) -> dict[str, str]:
    """region -> confidence level of its estimated months taken together (``periods``: only these
    months, e.g. a status year's): the band of the sum (bounds summed) at the farthest horizon."""
    e = estimates if periods is None else estimates[estimates["period"].isin(set(periods))]
    if e.empty:
        return {}
    g = e.groupby("region").agg(value=("value", "sum"), lo90=("lo90", "sum"), hi90=("hi90", "sum"),
                                horizon=("horizon", "max"))
    return confidence_levels(g, s).to_dict()
