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
#: Allowance columns (migration 014): market, local addition, gases, benchmark product; output by year.
REGISTRY_EXT = ["market", "local_addition", "local_criterion", "local_reason", "gases", "product", "cooling"]
YEAR_EXT = ["output", "heat_output", "load_rate", "heat_ratio"]


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()[0][0] > 0


def _ext(con: duckdb.DuckDBPyConnection, table: str, wanted: list[str]) -> list[str]:
    have = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                      [table]).fetchall()}
    return [c for c in wanted if c in have]


def registry(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """code, name_zh, name_en, region, sector (+ ``REGISTRY_EXT`` once migrated) — the latest row of every key emitter."""
    if not _has(con, "key_emitters"):
        return pd.DataFrame(columns=REGISTRY_COLUMNS)
    cols = ", ".join(REGISTRY_COLUMNS + _ext(con, "key_emitters", REGISTRY_EXT))
    return con.execute(
        f"SELECT {cols} FROM key_emitters "
        "QUALIFY row_number() OVER (PARTITION BY code ORDER BY recorded_at DESC, batch_id DESC NULLS LAST) = 1 "
        "ORDER BY region, code").df()


def emitter_years(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """code, year, co2, elec, verified (+ ``YEAR_EXT`` once migrated) — the latest figures per emitter and year."""
    if not _has(con, "key_emitter_years"):
        return pd.DataFrame(columns=YEAR_COLUMNS)
    cols = ", ".join(YEAR_COLUMNS + _ext(con, "key_emitter_years", YEAR_EXT))
    return con.execute(
        f"SELECT {cols} FROM key_emitter_years "
        "QUALIFY row_number() OVER (PARTITION BY code, year ORDER BY recorded_at DESC, batch_id DESC NULLS LAST) = 1 "
        "ORDER BY code, year").df()


def store_registry(con: duckdb.DuckDBPyConnection, registry_df: pd.DataFrame, years_df: pd.DataFrame | None,
                   batch_id: int | None, recorded_at: datetime | None = None) -> tuple[int, int]:
    """Append registry rows and yearly figures (validated by the caller; non-finite numbers refused here too).

    Every emitter's region must exist in ``regions``. Returns (registry rows, year rows) appended.
    """
    at = recorded_at or datetime.now()
    ext = _ext(con, "key_emitters", REGISTRY_EXT)
    reg = registry_df.reindex(columns=REGISTRY_COLUMNS + ext).copy()
    if reg["code"].isna().any() or reg["region"].isna().any() or reg["sector"].isna().any():
        raise ValueError("key emitters need code, region and sector")
    known = {r[0] for r in con.execute("SELECT code FROM regions").fetchall()}
    unknown = sorted(set(reg["region"].astype(str)) - known)
    if unknown:
        raise ValueError(f"unknown regions for key emitters: {unknown[:5]}")
    reg["name_zh"] = reg["name_zh"].fillna(reg["code"])
    for col in ext:  # NULL, never the text 'nan', where a file left a column out
        reg[col] = reg[col].astype(object).where(reg[col].notna(), None)
    if "local_addition" in ext:
        reg["local_addition"] = reg["local_addition"].map(lambda v: None if v is None else bool(v))
    reg = reg.assign(batch_id=batch_id, recorded_at=at)
    con.register("_ke", reg)
    cols = ", ".join(REGISTRY_COLUMNS + ext + ["batch_id", "recorded_at"])
    con.execute(f"INSERT INTO key_emitters ({cols}) SELECT {cols} FROM _ke")
    con.unregister("_ke")
    n_years = 0
    if years_df is not None and len(years_df):
        yext = _ext(con, "key_emitter_years", YEAR_EXT)
        yrs = years_df.reindex(columns=YEAR_COLUMNS + yext).copy()
        for col in ("co2", "elec", *yext):
            vals = pd.to_numeric(yrs[col], errors="coerce")
            if any(not math.isfinite(v) or v < 0 for v in vals.dropna()):
                raise ValueError(f"key emitter {col} must be finite and not negative")
            yrs[col] = vals
        yrs["verified"] = yrs["verified"].fillna(False).astype(bool)
        yrs = yrs.assign(batch_id=batch_id, recorded_at=at)
        con.register("_key", yrs)
        cols = ", ".join(YEAR_COLUMNS + yext + ["batch_id", "recorded_at"])
        con.execute(f"INSERT INTO key_emitter_years ({cols}) SELECT {cols} FROM _key")
        con.unregister("_key")
        n_years = len(yrs)
    return len(reg), n_years
