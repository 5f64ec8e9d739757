"""The status as published at each quarter's end (migration 015 ``published_status``): one row per region and
quarter, written once and never changed, so "since last quarter" compares with what was published then, not
with a recomputation on data that arrived later."""
from __future__ import annotations

import duckdb
import pandas as pd

from warehouse import store

COLUMNS = ["region", "status", "warning_level", "deviation", "intensity_change", "yoy_change", "p_overspend", "rank"]


def _has(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'published_status'").fetchall()[0][0] > 0


def quarters(con: duckdb.DuckDBPyConnection) -> set[str]:
    if not _has(con):
        return set()
    return {r[0] for r in con.execute("SELECT DISTINCT quarter FROM published_status").fetchall()}


def record(con: duckdb.DuckDBPyConnection, quarter: str, as_of: str, rows: pd.DataFrame) -> int:
    """Store a quarter's published status (inside the caller's transaction); a quarter already stored is kept."""
    if quarter in quarters(con):
        return 0
    frame = rows[COLUMNS].copy()
    frame["rank"] = pd.to_numeric(frame["rank"], errors="coerce").astype("Int64")
    frame.insert(0, "as_of", as_of)
    frame.insert(0, "quarter", quarter)
    frame["published_at"] = store.now()
    con.register("_ps", frame.astype(object).where(frame.notna(), None))
    con.execute("INSERT INTO published_status (quarter, as_of, region, status, warning_level, deviation, intensity_change, "
                "yoy_change, p_overspend, rank, published_at) SELECT quarter, as_of, region, status, warning_level, "
                "deviation, intensity_change, yoy_change, p_overspend, rank, published_at FROM _ps")
    con.unregister("_ps")
    return len(frame)


def as_of(con: duckdb.DuckDBPyConnection, month: str) -> pd.DataFrame:
    """The published status of the quarter that ended with ``month`` ('YYYY-MM'); empty when none was published."""
    if not _has(con):
        return pd.DataFrame(columns=COLUMNS)
    return con.execute(f"SELECT {', '.join(COLUMNS)} FROM published_status WHERE as_of = ?", [month]).df()
