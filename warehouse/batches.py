"""Reading batches: their rows, their stored report, two batches side by side, what one changed.

Each function takes an open connection (read-only is enough) and returns a DataFrame or a dict.
"""
from __future__ import annotations

import json

import duckdb
import pandas as pd

from warehouse import db

KEY = ["region", "period", "indicator", "kind"]


def batch_rows(con: duckdb.DuckDBPyConnection, batch_id: int) -> pd.DataFrame:
    """region, period, indicator, value, kind of every row the batch appended (NULL value = retraction)."""
    return con.execute(
        "SELECT region, period, indicator, value, kind FROM observations WHERE batch_id = ? "
        "ORDER BY region, indicator, period, kind", [int(batch_id)]).df()


def batch_report(con: duckdb.DuckDBPyConnection, batch_id: int) -> pd.DataFrame:
    """The report stored on the batch (upload: one row per problem; rollback: the keys left alone)."""
    row = db.first_row(con.execute("SELECT report FROM batches WHERE batch_id = ?", [int(batch_id)]))
    if row is None or row[0] is None:
        return pd.DataFrame()
    report = json.loads(row[0]) if isinstance(row[0], str) else row[0]
    if isinstance(report, dict):
        report = [report]
    return pd.DataFrame(report)


def compare_batches(con: duckdb.DuckDBPyConnection, a: int, b: int) -> pd.DataFrame:
    """Keys of either batch with both values: key, region, period, indicator, kind, value_a, value_b,
    diff (b − a), diff_pct (100 × diff / |a|, NULL when a is missing or 0), in_a, in_b."""
    return con.execute(
        """
        WITH a AS (SELECT region, period, indicator, kind, any_value(value) AS value
                   FROM observations WHERE batch_id = $1 GROUP BY ALL),
             b AS (SELECT region, period, indicator, kind, any_value(value) AS value
                   FROM observations WHERE batch_id = $2 GROUP BY ALL)
        SELECT concat_ws('|', region, period, indicator, kind) AS key, region, period, indicator, kind,
               a.value AS value_a, b.value AS value_b, b.value - a.value AS diff,
               CASE WHEN a.value IS NULL OR a.value = 0 THEN NULL
                    ELSE 100 * (b.value - a.value) / abs(a.value) END AS diff_pct,
               a.region IS NOT NULL AS in_a, b.region IS NOT NULL AS in_b
        FROM a FULL OUTER JOIN b USING (region, period, indicator, kind)
        ORDER BY region, indicator, period, kind
        """, [int(a), int(b)]).df()


_BEFORE = """
WITH t AS (SELECT min(recorded_at) AS at FROM observations WHERE batch_id = $1),
b AS (SELECT region, period, indicator, kind, any_value(value) AS value FROM observations WHERE batch_id = $1 GROUP BY ALL),
prior AS (
    SELECT o.region, o.period, o.indicator, o.kind, o.value, row_number() OVER (
        PARTITION BY o.region, o.period, o.indicator, o.kind ORDER BY o.recorded_at DESC, o.batch_id DESC) AS rn
    FROM observations o CROSS JOIN t
    JOIN (SELECT DISTINCT region, period, kind FROM b) bk
      ON bk.region = o.region AND bk.period = o.period AND bk.kind = o.kind
    WHERE (o.recorded_at < t.at OR (o.recorded_at = t.at AND o.batch_id < $1))
),
known AS (SELECT * FROM prior WHERE rn = 1 AND value IS NOT NULL)
"""


def what_changed(con: duckdb.DuckDBPyConnection, batch_id: int) -> dict:
    """What a batch changed against the values known just before it.

    ``regions``: regions touched; ``new_months``: {region: [periods that region had no value of the
    same kind for]}; ``revised``: DataFrame region, period, indicator, kind, old, new, change_pct
    (largest change first); ``n_new_values``, ``n_revised``, ``n_retracted``, ``n_rows``.
    """
    batch_id = int(batch_id)
    rows = con.execute(_BEFORE + """
        SELECT b.region, b.period, b.indicator, b.kind, k.value AS old, b.value AS new,
               CASE WHEN k.value IS NULL OR k.value = 0 OR b.value IS NULL THEN NULL
                    ELSE 100 * (b.value - k.value) / abs(k.value) END AS change_pct
        FROM b LEFT JOIN known k USING (region, period, indicator, kind)
        ORDER BY b.region, b.indicator, b.period
        """, [batch_id]).df()
    months = con.execute(_BEFORE + """
        SELECT DISTINCT b.region, b.period FROM b
        WHERE b.value IS NOT NULL AND regexp_full_match(b.period, '\\d{4}-\\d{2}')
          AND NOT EXISTS (SELECT 1 FROM known k WHERE k.region = b.region AND k.period = b.period AND k.kind = b.kind)
        ORDER BY b.region, b.period
        """, [batch_id]).df()
    revised = rows[rows["old"].notna() & rows["new"].notna() & (rows["old"] != rows["new"])].copy()
    revised = revised.assign(_abs=revised["change_pct"].abs()).sort_values(
        ["_abs", "region", "indicator", "period"], ascending=[False, True, True, True], na_position="last")
    return {
        "batch": batch_id,
        "regions": sorted(rows["region"].unique().tolist()),
        "new_months": {r: g["period"].tolist() for r, g in months.groupby("region", sort=True)},
        "revised": revised.drop(columns="_abs").reset_index(drop=True),
        "n_new_values": int((rows["old"].isna() & rows["new"].notna()).sum()),
        "n_revised": len(revised),
        "n_retracted": int((rows["old"].notna() & rows["new"].isna()).sum()),
        "n_rows": len(rows),
    }
