"""Reads for the live track record: every stored nowcast estimate with its run, and the statistics
that have arrived since (``nowcast.track`` scores them; ``monitor.track_record`` composes)."""
from __future__ import annotations

import duckdb
import pandas as pd


def stored_estimates(con: duckdb.DuckDBPyConnection, indicator: str = "co2_total") -> pd.DataFrame:
    """run_id, created_at, as_of, data_cut, region, period, value, lo80, hi80, lo90, hi90, horizon: every
    estimate every run stored (the ``estimates`` table, as it was shown)."""
    return con.execute(
        """
        SELECT e.run_id, m.created_at, m.as_of, m.data_cut, e.region, e.period, e.value,
               e.lo80, e.hi80, e.lo90, e.hi90, e.horizon
        FROM estimates e JOIN model_runs m USING (run_id)
        WHERE e.indicator = ?
        ORDER BY e.run_id, e.region, e.period
        """, [indicator]).df()


def arrived_statistics(con: duckdb.DuckDBPyConnection, indicator: str = "co2_total") -> pd.DataFrame:
    """region, period, value, recorded_at: the current statistical (or verified) values of ``indicator``
    (monthly and combined January–February periods)."""
    return con.execute(
        r"""
        SELECT region, period, max(value) AS value, max(recorded_at) AS recorded_at FROM observations_current
        WHERE indicator = ? AND kind IN ('statistical', 'verified')
          AND regexp_full_match(period, '\d{4}-(\d{2}|01\.\.02)')
        GROUP BY region, period ORDER BY region, period
        """, [indicator]).df()


def estimate_bands(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """region, period, indicator, batch_id, lo90, hi90, horizon: the band each stored estimate carried,
    keyed by the batch its value was stored under (what an export of kind 'estimated' shows)."""
    return con.execute(
        """
        SELECT e.region, e.period, e.indicator, m.batch_id, e.value, e.lo90, e.hi90, e.horizon
        FROM estimates e JOIN model_runs m USING (run_id)
        """).df()


def latest_estimates(con: duckdb.DuckDBPyConnection, indicator: str = "co2_total") -> pd.DataFrame:
    """region, period, value, lo90, hi90, horizon: the estimates of the latest run (what the pages show)."""
    return con.execute(
        """
        SELECT region, period, value, lo90, hi90, horizon FROM estimates
        WHERE indicator = ? AND run_id = (SELECT max(run_id) FROM model_runs)
        ORDER BY region, period
        """, [indicator]).df()
