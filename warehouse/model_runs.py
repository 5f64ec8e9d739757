"""Storing nowcast model runs: the run's settings and backtest metrics, its estimates as kind
``estimated`` (in observations, under a batch of origin ``nowcast``) with bands and contributions."""
from __future__ import annotations

import json

import duckdb
import pandas as pd

from warehouse import db, store


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


def store_model_run(con: duckdb.DuckDBPyConnection, *, as_of: str, data_cut: str | None, settings: dict,
                    summary: pd.DataFrame, metrics: pd.DataFrame, skipped: pd.DataFrame,
                    estimates: pd.DataFrame, created_by: str = store.SYSTEM_USER) -> dict:
    """Record one run; returns {run_id, batch_id, created_at, estimates}."""
    batch_id, at = store.new_batch(con, origin="nowcast", created_by=created_by, rows_in=len(estimates),
                                   rows_loaded=len(estimates), note=f"nowcast as of {as_of}")
    run_id = con.execute("SELECT nextval('model_run_id_seq')").fetchall()[0][0]
    con.execute(
        "INSERT INTO model_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, batch_id, at, as_of, data_cut, _json(settings), summary.to_json(orient="records", force_ascii=False),
         metrics.to_json(orient="records", force_ascii=False), skipped.to_json(orient="records", force_ascii=False)],
    )
    if not estimates.empty:
        store.append_observations(con, estimates, kind="estimated", batch_id=batch_id, recorded_at=at)
        frame = estimates[["region", "period", "indicator", "value", "lo80", "hi80", "lo90", "hi90", "horizon"]].copy()
        frame["contributions"] = [_json(c) for c in estimates.get("contributions", [{}] * len(estimates))]
        con.register("_est", frame)
        con.execute(
            "INSERT INTO estimates SELECT ?, region, period, indicator, value, lo80, hi80, lo90, hi90, horizon, "
            "contributions::JSON FROM _est", [run_id])
        con.unregister("_est")
    return {"run_id": run_id, "batch_id": batch_id, "created_at": at, "estimates": len(estimates)}


def latest_run(con: duckdb.DuckDBPyConnection) -> dict | None:
    row = db.first_row(con.execute(
        "SELECT run_id, batch_id, created_at, as_of, data_cut, settings, summary, metrics, skipped "
        "FROM model_runs ORDER BY run_id DESC LIMIT 1"))
    if row is None:
        return None
    keys = ["run_id", "batch_id", "created_at", "as_of", "data_cut", "settings", "summary", "metrics", "skipped"]
    out = dict(zip(keys, row))
    for k in ("settings", "summary", "metrics", "skipped"):
        out[k] = json.loads(out[k]) if out[k] else None
    return out


def runs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT run_id, batch_id, created_at, as_of, data_cut FROM model_runs ORDER BY run_id DESC").df()


def model_inputs(con: duckdb.DuckDBPyConnection, as_of: str | None = None) -> pd.DataFrame:
    """What the nowcast trains on: current statistical (or verified, which wins) values up to ``as_of``.

    Monthly periods after ``as_of`` are dropped; quarterly and annual periods are kept only when
    they ended by then.
    """
    frame = con.execute(
        """
        SELECT region, period, indicator, value FROM (
            SELECT *, row_number() OVER (PARTITION BY region, period, indicator
                                         ORDER BY CASE kind WHEN 'verified' THEN 0 ELSE 1 END) AS rn
            FROM observations_current WHERE kind IN ('statistical', 'verified')
              AND indicator NOT IN (SELECT code FROM indicators WHERE frequency = 'annual')  -- e.g. population: not a monthly driver
        ) WHERE rn = 1
        """
    ).df()
    if as_of is None or frame.empty:
        return frame
    return frame[period_end(frame["period"]) <= as_of].reset_index(drop=True)


def period_end(periods: pd.Series) -> pd.Series:
    """The last month (YYYY-MM) of each period string (month, YYYY-01..02, YYYY-Qn or YYYY)."""
    out = periods.astype(str).copy()
    quarter = out.str.contains("-Q", regex=False)
    year = out.str.len() == 4
    out[quarter] = out[quarter].str[:4] + "-" + (out[quarter].str[-1].astype(int) * 3).astype(str).str.zfill(2)
    out[year] = out[year] + "-12"
    jan_feb = out.str.endswith("-01..02")   # a combined January–February ends in February
    out[jan_feb] = out[jan_feb].str[:4] + "-02"
    return out
