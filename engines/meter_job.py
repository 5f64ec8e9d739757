"""The enterprise meter job, written once as SQL that DuckDB and Spark SQL both accept.

Inputs (views the caller's engine exposes):
- ``meter_readings``: Parquet files with ``enterprise_id`` (string), ``date`` (date), ``kwh`` (float);
  any other column (hive partition folders such as ``month=``/``city=``) is ignored;
- ``emitters``: the key-emitter registry (code, region, sector);
- ``emitter_years``: yearly figures (code, year, co2 万吨, elec 万千瓦时, verified).

Steps: monthly kWh per enterprise → electricity-to-carbon factor per enterprise (through-origin
regression of verified co2 on elec over its years) with a sector fallback → monthly CO2 estimates per
enterprise with a 90% band → roll-ups to sector and city.

The factor ``b`` (万吨 CO2 per 万千瓦时 = t CO2 per kWh; shown × 1000 as t/MWh) of an enterprise with
``n`` verified years is ``Σxy / Σx²``. Its predictive standard deviation for a typical year is
``s·sqrt((n+1)/Σx²)`` with ``s² = Σ(y − b·x)² / (n − 1)`` (the parameter's error plus the year-to-year
scatter). With one verified year there is no scatter to measure: the sector's pooled relative scatter
stands in. An enterprise with no verified year takes its sector's pooled factor (``Σxy/Σx²`` over
the sector's verified enterprise-years, at least ``MIN_SECTOR_ENTERPRISES`` enterprises), with the
spread of enterprise factors within the sector as its uncertainty; failing that, all sectors pooled.
Monthly bands assume one enterprise's months share its factor error (fully correlated), while
different enterprises' errors are independent (roll-ups add variances).

Only the SQL common to both engines is used: CAST, year/month, concat/lpad, sum/count/stddev_samp,
sqrt, coalesce, CASE, joins; no QUALIFY, no engine-specific date functions. Identifiers avoid keywords.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

Z90 = 1.6448536269514722
MIN_SECTOR_ENTERPRISES = 2
METER_SCHEMA = [("enterprise_id", "STRING"), ("date", "DATE"), ("kwh", "DOUBLE")]
EMITTER_SCHEMA = [("code", "STRING"), ("region", "STRING"), ("sector", "STRING")]
YEAR_SCHEMA = [("code", "STRING"), ("year", "INT"), ("co2", "DOUBLE"), ("elec", "DOUBLE"), ("verified", "BOOLEAN")]

#: Views computed once and kept (read by several later steps): the engine materialises them.
MATERIALISE = {"mj_monthly", "mj_fit_rows", "mj_ent_fit", "mj_factors", "mj_estimates"}
VIEWS: list[tuple[str, str]] = [
    ("mj_meters", """
        SELECT CAST(enterprise_id AS STRING) AS eid, CAST(date AS DATE) AS d, CAST(kwh AS DOUBLE) AS kwh
        FROM meter_readings"""),
    ("mj_monthly", """
        SELECT eid, concat(CAST(y AS STRING), '-', lpad(CAST(m AS STRING), 2, '0')) AS ym, kwh, n_days
        FROM (SELECT eid, year(d) AS y, month(d) AS m, sum(kwh) AS kwh, count(*) AS n_days
              FROM mj_meters GROUP BY eid, year(d), month(d)) g"""),
    ("mj_fit_rows", """
        SELECT y.code, e.sector, CAST(y.elec AS DOUBLE) AS x, CAST(y.co2 AS DOUBLE) AS y
        FROM emitter_years y JOIN emitters e ON e.code = y.code
        WHERE y.verified AND y.elec > 0 AND y.co2 >= 0"""),
    ("mj_ent_b", """
        SELECT code, sector, count(*) AS n, sum(x * y) / sum(x * x) AS b, sum(x * x) AS sxx
        FROM mj_fit_rows GROUP BY code, sector"""),
    ("mj_ent_fit", """
        SELECT f.code, f.sector, f.n, f.b, f.sxx,
               sum((r.y - f.b * r.x) * (r.y - f.b * r.x)) AS sse,
               sum(((r.y - f.b * r.x) / (f.b * r.x)) * ((r.y - f.b * r.x) / (f.b * r.x))) AS sse_rel
        FROM mj_ent_b f JOIN mj_fit_rows r ON r.code = f.code
        WHERE f.b > 0
        GROUP BY f.code, f.sector, f.n, f.b, f.sxx"""),
    ("mj_sector_fit", f"""
        SELECT r.sector, count(DISTINCT r.code) AS n_ent, sum(r.x * r.y) / sum(r.x * r.x) AS b
        FROM mj_fit_rows r JOIN mj_ent_fit f ON f.code = r.code
        GROUP BY r.sector HAVING count(DISTINCT r.code) >= {MIN_SECTOR_ENTERPRISES}"""),
    ("mj_sector_spread", f"""
        SELECT sector, stddev_samp(b) AS sd_between,
               CASE WHEN sum(n - 1) > 0 THEN sqrt(sum(CASE WHEN n > 1 THEN sse_rel ELSE 0 END) / sum(n - 1))
                    ELSE NULL END AS rel_scatter
        FROM mj_ent_fit GROUP BY sector HAVING count(*) >= {MIN_SECTOR_ENTERPRISES}"""),
    ("mj_all_fit", """
        SELECT sum(r.x * r.y) / sum(r.x * r.x) AS b,
               (SELECT stddev_samp(b) FROM mj_ent_fit) AS sd_between,
               (SELECT CASE WHEN sum(n - 1) > 0
                            THEN sqrt(sum(CASE WHEN n > 1 THEN sse_rel ELSE 0 END) / sum(n - 1)) ELSE NULL END
                FROM mj_ent_fit) AS rel_scatter
        FROM mj_fit_rows r JOIN mj_ent_fit f ON f.code = r.code"""),
    ("mj_factors", """
        SELECT e.code, e.region, e.sector,
               CASE WHEN f.b IS NOT NULL THEN 'enterprise' WHEN s.b IS NOT NULL THEN 'sector'
                    WHEN a.b IS NOT NULL THEN 'pooled' ELSE 'none' END AS method,
               coalesce(f.n, 0) AS n_years,
               coalesce(f.b, s.b, a.b) AS factor,
               CASE WHEN f.b IS NOT NULL AND f.n > 1 THEN sqrt(f.sse / (f.n - 1)) * sqrt((f.n + 1) / f.sxx)
                    WHEN f.b IS NOT NULL THEN f.b * coalesce(sp.rel_scatter, a.rel_scatter) * sqrt(2.0)
                    WHEN s.b IS NOT NULL THEN sp.sd_between
                    ELSE a.sd_between END AS factor_sd
        FROM emitters e
        LEFT JOIN mj_ent_fit f ON f.code = e.code
        LEFT JOIN mj_sector_fit s ON s.sector = e.sector
        LEFT JOIN mj_sector_spread sp ON sp.sector = e.sector
        CROSS JOIN mj_all_fit a"""),
    ("mj_estimates", """
        SELECT m.eid, m.ym, m.kwh, m.n_days, e.region, e.sector, f.method, f.factor, f.factor_sd,
               m.kwh / 10000.0 * f.factor AS co2,
               m.kwh / 10000.0 * f.factor_sd AS co2_sd
        FROM mj_monthly m
        LEFT JOIN emitters e ON e.code = m.eid
        LEFT JOIN mj_factors f ON f.code = m.eid"""),
]

QUERIES: dict[str, str] = {
    "monthly": "SELECT eid AS enterprise_id, ym AS month, kwh, n_days FROM mj_monthly ORDER BY eid, ym",
    "factors": """SELECT code, region, sector, method, n_years, factor, factor_sd FROM mj_factors ORDER BY code""",
    "enterprise": f"""
        SELECT eid AS enterprise_id, ym AS month, region, sector, method, kwh, n_days, co2,
               CASE WHEN co2 - {Z90} * co2_sd < 0 THEN 0.0 ELSE co2 - {Z90} * co2_sd END AS lo90,
               co2 + {Z90} * co2_sd AS hi90
        FROM mj_estimates ORDER BY eid, ym""",
    "sector": """
        SELECT region, sector, ym AS month, count(*) AS enterprises, sum(kwh) AS kwh, sum(co2) AS co2,
               sqrt(sum(co2_sd * co2_sd)) AS co2_sd
        FROM mj_estimates WHERE region IS NOT NULL GROUP BY region, sector, ym ORDER BY region, sector, ym""",
    "city": """
        SELECT region, ym AS month, count(*) AS enterprises, sum(kwh) AS kwh, sum(co2) AS co2,
               sqrt(sum(co2_sd * co2_sd)) AS co2_sd
        FROM mj_estimates WHERE region IS NOT NULL GROUP BY region, ym ORDER BY region, ym""",
}
ALL_OUTPUTS = tuple(QUERIES)


def is_hive_layout(path: str | os.PathLike) -> bool:
    """Whether every folder under ``path`` that holds Parquet is named ``key=value`` (hive style)."""
    root = Path(path)
    for file in root.rglob("*.parquet"):
        if any("=" not in part for part in file.relative_to(root).parts[:-1]):
            return False
    return True


def _bands(frame: pd.DataFrame) -> pd.DataFrame:
    lo = frame["co2"] - Z90 * frame["co2_sd"]
    return frame.assign(lo90=lo.clip(lower=0.0), hi90=frame["co2"] + Z90 * frame["co2_sd"])


def prepare(engine, meters_path: str | os.PathLike | list[str] | None, emitters: pd.DataFrame | None = None,
            years: pd.DataFrame | None = None) -> None:
    """Expose the inputs and define the job's views on ``engine`` (nothing is computed yet). ``meters_path``
    is a folder (every Parquet file under it) or a list of files (only those: a warehouse passes the
    files its batches list, so a file no batch recorded is never read)."""
    if isinstance(meters_path, (list, tuple)) and meters_path:  # the exact files to read (a warehouse's listing)
        engine.read_parquet("meter_readings", [str(p) for p in meters_path], False)
    elif meters_path is not None and not isinstance(meters_path, (list, tuple)):
        engine.read_parquet("meter_readings", str(meters_path), is_hive_layout(meters_path))
    else:  # no readings yet: an empty input, so factors still come out and every output is empty
        engine.register("meter_readings", pd.DataFrame({"enterprise_id": pd.Series([], dtype=object),
                                                        "date": pd.Series([], dtype="datetime64[s]"),
                                                        "kwh": pd.Series([], dtype="float64")}), METER_SCHEMA)
    engine.register("emitters", _frame(emitters, EMITTER_SCHEMA), EMITTER_SCHEMA)
    engine.register("emitter_years", _frame(years, YEAR_SCHEMA), YEAR_SCHEMA)
    for name, sql in VIEWS:
        engine.view(name, sql, materialise=name in MATERIALISE)


def _frame(frame: pd.DataFrame | None, schema: list[tuple[str, str]]) -> pd.DataFrame:
    cols = [c for c, _ in schema]
    frame = pd.DataFrame(columns=cols) if frame is None else frame.reindex(columns=cols)
    out = {}
    for c, typ in schema:
        if typ == "STRING":
            out[c] = frame[c].astype(object).where(frame[c].notna(), None).map(lambda v: None if v is None else str(v))
        elif typ == "INT":
            out[c] = pd.to_numeric(frame[c], errors="coerce").astype("int32")
        elif typ == "BOOLEAN":
            out[c] = frame[c].fillna(False).astype(bool)
        else:
            out[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    return pd.DataFrame(out, columns=cols)


def _normalise(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Engine-neutral dtypes (counts int64, numbers float64, text object) so results compare equal."""
    frame = frame.reset_index(drop=True)
    for col in frame.columns:
        if col in ("n_days", "n_years", "enterprises"):
            frame[col] = frame[col].astype("int64")
        elif col in ("kwh", "co2", "co2_sd", "lo90", "hi90", "factor", "factor_sd"):
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        elif not pd.api.types.is_string_dtype(frame[col]) or frame[col].dtype == object:
            frame[col] = frame[col].astype("str")  # pandas' text dtype on both engines (missing stays missing)
    if name in ("sector", "city"):
        frame = _bands(frame)
    return frame


def run(engine, meters_path: str | os.PathLike | list[str] | None, emitters: pd.DataFrame | None = None,
        years: pd.DataFrame | None = None, outputs: tuple[str, ...] = ALL_OUTPUTS) -> dict[str, pd.DataFrame]:
    """Run the job on ``engine``; returns {output name: frame} for the requested ``outputs``
    (monthly, factors, enterprise, sector, city)."""
    prepare(engine, meters_path, emitters, years)
    return {name: _normalise(name, engine.fetch(QUERIES[name])) for name in outputs}


def monthly_kwh(engine, meters_path: str | os.PathLike) -> pd.DataFrame:
    """enterprise_id, month (YYYY-MM), kwh — the contract of ``carbon-budget meters aggregate``."""
    return run(engine, meters_path, outputs=("monthly",))["monthly"][["enterprise_id", "month", "kwh"]]
