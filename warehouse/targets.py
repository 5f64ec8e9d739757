"""Storage of the targets handed down from above (上级下达目标, migration 012): per region and period an
intensity decline and, where the period is total-led, a total cap, with the source document. A change
is a new version; nothing is edited."""
from __future__ import annotations

import duckdb
import pandas as pd

from warehouse import store

COLUMNS = ["region", "period_start", "period_end", "intensity_decline", "total_cap", "document", "version",
           "set_by", "recorded_at"]


def _has(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'handed_down_targets'").fetchall()[0][0] > 0


def current(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The latest version of each (region, period)."""
    if not _has(con):
        return pd.DataFrame(columns=COLUMNS)
    return con.execute(
        "SELECT * FROM handed_down_targets QUALIFY version = max(version) OVER (PARTITION BY region, period_start, period_end) "
        "ORDER BY period_start, region").df()[COLUMNS]


def history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every version ever recorded."""
    if not _has(con):
        return pd.DataFrame(columns=COLUMNS)
    return con.execute("SELECT * FROM handed_down_targets ORDER BY region, period_start, version").df()[COLUMNS]


def record(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, set_by: str) -> int:
    """Append ``rows`` (region, period_start, period_end, intensity_decline, total_cap, document) as new
    versions; a row equal to the current version is skipped. Returns how many versions were added."""
    now = current(con).set_index(["region", "period_start", "period_end"])
    n = 0
    for r in rows.itertuples(index=False):
        key = (r.region, int(r.period_start), int(r.period_end))
        version = 1
        if key in now.index:
            old = now.loc[key]
            same_cap = (pd.isna(old["total_cap"]) and pd.isna(r.total_cap)) or old["total_cap"] == r.total_cap
            if abs(float(old["intensity_decline"]) - float(r.intensity_decline)) < 1e-12 and same_cap \
                    and old["document"] == r.document:
                continue
            version = int(old["version"]) + 1
        con.execute("INSERT INTO handed_down_targets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [key[0], key[1], key[2], float(r.intensity_decline),
                     None if pd.isna(r.total_cap) else float(r.total_cap), str(r.document), version, set_by, store.now()])
        n += 1
    return n
