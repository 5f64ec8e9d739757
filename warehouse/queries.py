"""Named read queries, all with bound parameters (no SQL is ever built from user text).

Each function takes an open connection and returns a DataFrame or a plain value.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from warehouse import db

# Values as known on a date: the latest row per key recorded on or before that moment.
_KNOWN_ON = """
SELECT region, period, indicator, value, kind, batch_id, recorded_at FROM (
    SELECT *, row_number() OVER (
        PARTITION BY region, period, indicator, kind ORDER BY recorded_at DESC, batch_id DESC) AS rn
    FROM observations WHERE recorded_at <= ?::TIMESTAMP
) WHERE rn = 1 AND value IS NOT NULL
"""


def regions(con: duckdb.DuckDBPyConnection, level: str | None = None) -> pd.DataFrame:
    return con.execute(
        "SELECT code, name_zh, name_en, parent, level FROM regions WHERE ? IS NULL OR level = ? ORDER BY code",
        [level, level],
    ).df()


def aliases(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT alias, code FROM region_aliases").df()


def indicators(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT code, name_zh, name_en, category, unit, frequency FROM indicators ORDER BY rowid").df()


def units(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT unit, canonical_unit, factor FROM units").df()


def emission_factors(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * FROM emission_factors ORDER BY indicator, year_from").df()


def totals(con: duckdb.DuckDBPyConnection) -> dict:
    """Headline counts: regions, indicators with data, current values by kind, latest month."""
    row = db.first_row(con.execute(
        """
        WITH per AS (
            SELECT indicator, kind, count(*) AS n, max(period) FILTER (WHERE period NOT LIKE '%Q%') AS latest
            FROM observations_current GROUP BY ALL
        )
        SELECT (SELECT count(*) FROM regions), count(DISTINCT indicator),
               coalesce(sum(n) FILTER (WHERE kind = 'statistical'), 0),
               coalesce(sum(n) FILTER (WHERE kind = 'estimated'), 0),
               coalesce(sum(n) FILTER (WHERE kind = 'verified'), 0),
               max(latest) FILTER (WHERE length(latest) = 7)
        FROM per
        """
    ))
    keys = ["regions", "indicators", "statistical", "estimated", "verified", "latest_month"]
    return dict(zip(keys, row))


def holdings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per indicator and kind: regions covered, first and latest period, number of values."""
    return con.execute(
        """
        WITH per_region AS (
            SELECT indicator, kind, region, min(period) AS first_period, max(period) AS latest_period, count(*) AS n
            FROM observations_current GROUP BY ALL
        )
        SELECT p.indicator, i.name_zh, i.name_en, i.unit, p.kind, count(*) AS regions,
               min(p.first_period) AS first_period, max(p.latest_period) AS latest_period, sum(p.n) AS n_values
        FROM per_region p LEFT JOIN indicators i ON i.code = p.indicator
        GROUP BY ALL ORDER BY p.indicator, p.kind
        """
    ).df()


def series(con: duckdb.DuckDBPyConnection, region: str, indicators: list[str]) -> pd.DataFrame:
    """Current values (all kinds) of some indicators for one region: region, period, indicator, value, kind, batch_id."""
    return con.execute(
        """
        SELECT region, period, indicator, value, kind, batch_id FROM observations_current
        WHERE region = ? AND indicator IN (SELECT unnest(?::TEXT[])) ORDER BY indicator, period, kind
        """,
        [region, list(indicators)],
    ).df()


def estimate_bands(con: duckdb.DuckDBPyConnection, region: str | None = None, indicator: str = "co2_total") -> pd.DataFrame:
    """Bands and contributions of the current estimates (those of the latest model run)."""
    return con.execute(
        """
        SELECT e.region, e.period, e.indicator, e.value, e.lo80, e.hi80, e.lo90, e.hi90, e.horizon, e.contributions, e.run_id
        FROM estimates e
        WHERE e.run_id = (SELECT max(run_id) FROM model_runs) AND e.indicator = ? AND (? IS NULL OR e.region = ?)
        ORDER BY e.region, e.period
        """,
        [indicator, region, region],
    ).df()


def observations_frame(con: duckdb.DuckDBPyConnection, kind: str | None = "statistical",
                       regions: list[str] | None = None) -> pd.DataFrame:
    """Long frame region, period, indicator, value of current values (one kind or all)."""
    return con.execute(
        """
        SELECT region, period, indicator, value, kind FROM observations_current
        WHERE (?::TEXT IS NULL OR kind = ?) AND (?::TEXT[] IS NULL OR region IN (SELECT unnest(?::TEXT[])))
        """,
        [kind, kind, regions, regions],
    ).df()


def co2_by_source(con: duckdb.DuckDBPyConnection, region: str, year: int) -> pd.DataFrame:
    """Accounted CO2 (万吨) of one region and year by source (fuels, net imports), from current
    statistical data, by the same rule that accounts co2_total (``accounting.account_by_source``)."""
    from warehouse import accounting

    obs = con.execute(
        "SELECT region, period, indicator, value FROM observations_current "
        "WHERE region = ? AND kind = 'statistical' AND period LIKE ?", [region, f"{int(year)}-%"]).df()
    by_source = accounting.account_by_source(obs)
    if by_source.empty:
        return pd.DataFrame(columns=["indicator", "name_zh", "name_en", "quantity", "unit", "co2", "months"])
    used = obs.merge(by_source[["region", "period", "indicator"]], on=["region", "period", "indicator"])
    out = by_source.groupby("indicator").agg(co2=("co2", "sum"), months=("period", "nunique")).join(
        used.groupby("indicator")["value"].sum().rename("quantity"))
    out = out.join(indicators(con).set_index("code")[["name_zh", "name_en", "unit"]]).reset_index()
    return out[["indicator", "name_zh", "name_en", "quantity", "unit", "co2", "months"]].sort_values(
        "co2", ascending=False).reset_index(drop=True)


def export(con: duckdb.DuckDBPyConnection, region: str | None = None, indicator: str | None = None,
           kind: str | None = None, known_on: str | None = None) -> pd.DataFrame:
    """Long export in canonical units with kind and batch; ``known_on`` gives values as known then.
    ``period_type`` says what a period is: month, combined_jan_feb (one total for January + February,
    ``YYYY-01..02``), quarter or year."""
    source = "observations_current" if known_on is None else f"({_KNOWN_ON})"
    params: list = [] if known_on is None else [known_on]
    sql = f"""
        SELECT o.region, o.period,
               CASE WHEN o.period LIKE '%-01..02' THEN 'combined_jan_feb' WHEN o.period LIKE '%-Q%' THEN 'quarter'
                    WHEN length(o.period) = 4 THEN 'year' ELSE 'month' END AS period_type,
               o.indicator, o.value, i.unit, o.kind, o.batch_id
        FROM {source} o LEFT JOIN indicators i ON i.code = o.indicator
        WHERE (?::TEXT IS NULL OR o.region = ?) AND (?::TEXT IS NULL OR o.indicator = ?) AND (?::TEXT IS NULL OR o.kind = ?)
        ORDER BY o.region, o.indicator, o.period, o.kind
    """
    return con.execute(sql, params + [region, region, indicator, indicator, kind, kind]).df()


def known_on(con: duckdb.DuckDBPyConnection, when: str) -> pd.DataFrame:
    """All values as they were known at ``when`` (a date or timestamp string)."""
    return con.execute(_KNOWN_ON, [when]).df()


def batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT batch_id, created_at, created_by, origin, source_name, sha256, rows_in, rows_loaded, "
        "rows_rejected, status, note FROM batches ORDER BY batch_id DESC"
    ).df()


def truth(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT region, period, indicator, value FROM demo_truth").df()


def latest_model_run(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The latest nowcast run with its backtest summary/metrics and its number of estimates."""
    from warehouse import model_runs

    run = model_runs.latest_run(con)
    if run is not None:
        run["n_estimates"] = con.execute("SELECT count(*) FROM estimates WHERE run_id = ?", [run["run_id"]]).fetchall()[0][0]
    return run


def noise_floor(con: duckdb.DuckDBPyConnection) -> float | None:
    """Demo only: mean absolute % error between the generator's truth and the accounted CO2."""
    return con.execute(
        """
        SELECT avg(abs(o.value - t.value) / t.value) FROM demo_truth t
        JOIN observations_current o ON o.region = t.region AND o.period = t.period
             AND o.indicator = t.indicator AND o.kind = 'statistical'
        """
    ).fetchall()[0][0]


def co2_for_budget(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Monthly co2_total per region for budget progress: statistical (or verified) where known,
    else the current estimate with its 90% band and driver contributions (kind 'estimated').
    A combined January–February (``YYYY-01..02``) is returned as it is, beside that year's January and
    February estimates: ``budget.periods.monthly_frame`` lets it supersede the two together from February
    on (as of January, January's estimate is all there is)."""
    return con.execute(
        r"""
        WITH stat AS (
            SELECT region, period, max(value) AS value FROM observations_current
            WHERE indicator = 'co2_total' AND kind IN ('statistical', 'verified')
              AND regexp_full_match(period, '\d{4}-(\d{2}|01\.\.02)') GROUP BY ALL
        ), est AS (
            SELECT o.region, o.period, o.value, e.lo90, e.hi90, e.contributions
            FROM observations_current o
            JOIN model_runs m ON m.batch_id = o.batch_id
            JOIN estimates e ON e.run_id = m.run_id AND e.region = o.region AND e.period = o.period
                 AND e.indicator = o.indicator
            WHERE o.indicator = 'co2_total' AND o.kind = 'estimated'
        )
        SELECT region, period, value, 'statistical' AS kind, NULL::DOUBLE AS lo90, NULL::DOUBLE AS hi90,
               NULL::JSON AS contributions FROM stat
        UNION ALL
        SELECT e.region, e.period, e.value, 'estimated', e.lo90, e.hi90, e.contributions FROM est e
        WHERE NOT EXISTS (SELECT 1 FROM stat s WHERE s.region = e.region AND s.period = e.period)
        ORDER BY region, period
        """).df()


def indicator_values(con: duckdb.DuckDBPyConnection, indicators: list[str], since: str) -> pd.DataFrame:
    """Current statistical values of some indicators from period ``since`` on (drivers, GDP)."""
    return con.execute(
        """
        SELECT region, period, indicator, value FROM observations_current
        WHERE kind IN ('statistical', 'verified') AND indicator IN (SELECT unnest(?::TEXT[])) AND period >= ?
        """, [list(indicators), since]).df()


def latest_driver_month(con: duckdb.DuckDBPyConnection) -> str | None:
    """The latest month with electricity data (the natural 'as of' of the monitor)."""
    return con.execute(
        "SELECT max(period) FROM observations_current WHERE indicator = 'elec_total' AND period NOT LIKE '%Q%'"
    ).fetchall()[0][0]


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """The warehouse's state version: changes with every committed write (``db.transaction`` records each
    one in ``writes``, whatever it touched: batches, ledger, closes, plans, users …) and with a rebuilt
    warehouse (its first write's time differs)."""
    if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'writes'").fetchall()[0][0]:
        row = con.execute("SELECT max(seq), min(written_at) FROM writes").fetchall()[0]
        return f"w{row[0] or 0}@{row[1]}"
    row = con.execute(  # a warehouse not yet migrated to 015 (read-only readers never migrate)
        "SELECT (SELECT coalesce(max(batch_id), 0) FROM batches), (SELECT max(created_at) FROM batches), "
        "(SELECT coalesce(max(seq), 0) FROM budget_ledger)").fetchall()[0]
    return f"{row[0]}@{row[1]}#{row[2]}"
