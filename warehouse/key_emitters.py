"""The key-emitter registry (重点排放单位名录) and its yearly emissions and electricity.

Rows are appended with the batch that brought them; the current registry is the latest row per code,
the current yearly figures the latest row per (code, year). Units: co2 万吨 CO2, elec 万千瓦时.
"""
from __future__ import annotations

import math
from datetime import datetime

import duckdb
import pandas as pd

REGISTRY_COLUMNS = ["code", "name_zh", "name_en", "region", "sector"]
YEAR_COLUMNS = ["code", "year", "co2", "elec", "verified"]


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()[0][0] > 0


def registry(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """code, name_zh, name_en, region, sector — the latest row of every key emitter."""
    if not _has(con, "key_emitters"):
        return pd.DataFrame(columns=REGISTRY_COLUMNS)
    return con.execute(
        "SELECT code, name_zh, name_en, region, sector FROM key_emitters "
        "QUALIFY row_number() OVER (PARTITION BY code ORDER BY recorded_at DESC, batch_id DESC NULLS LAST) = 1 "
        "ORDER BY region, code").df()


def emitter_years(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """code, year, co2, elec, verified — the latest figures per emitter and year."""
    if not _has(con, "key_emitter_years"):
        return pd.DataFrame(columns=YEAR_COLUMNS)
    return con.execute(
        "SELECT code, year, co2, elec, verified FROM key_emitter_years "
        "QUALIFY row_number() OVER (PARTITION BY code, year ORDER BY recorded_at DESC, batch_id DESC NULLS LAST) = 1 "
        "ORDER BY code, year").df()


def store_registry(con: duckdb.DuckDBPyConnection, registry_df: pd.DataFrame, years_df: pd.DataFrame | None,
                   batch_id: int | None, recorded_at: datetime | None = None) -> tuple[int, int]:
    """Append registry rows and yearly figures (validated by the caller; non-finite numbers refused here too).

    Every emitter's region must exist in ``regions``. Returns (registry rows, year rows) appended.
    """
    at = recorded_at or datetime.now()
    reg = registry_df.reindex(columns=REGISTRY_COLUMNS).copy()
    if reg["code"].isna().any() or reg["region"].isna().any() or reg["sector"].isna().any():
        raise ValueError("key emitters need code, region and sector")
    known = {r[0] for r in con.execute("SELECT code FROM regions").fetchall()}
    unknown = sorted(set(reg["region"].astype(str)) - known)
    if unknown:
        raise ValueError(f"unknown regions for key emitters: {unknown[:5]}")
    reg["name_zh"] = reg["name_zh"].fillna(reg["code"])
    reg = reg.assign(batch_id=batch_id, recorded_at=at)
    con.register("_ke", reg)
    con.execute("INSERT INTO key_emitters SELECT code, name_zh, name_en, region, sector, batch_id, recorded_at FROM _ke")
    con.unregister("_ke")
    n_years = 0
    if years_df is not None and len(years_df):
        yrs = years_df.reindex(columns=YEAR_COLUMNS).copy()
        for col in ("co2", "elec"):
            vals = pd.to_numeric(yrs[col], errors="coerce")
            if any(not math.isfinite(v) or v < 0 for v in vals.dropna()):
                raise ValueError(f"key emitter {col} must be finite and not negative")
            yrs[col] = vals
        yrs["verified"] = yrs["verified"].fillna(False).astype(bool)
        yrs = yrs.assign(batch_id=batch_id, recorded_at=at)
        con.register("_key", yrs)
        con.execute("INSERT INTO key_emitter_years SELECT code, year, co2, elec, verified, batch_id, recorded_at FROM _key")
        con.unregister("_key")
        n_years = len(yrs)
    return len(reg), n_years
