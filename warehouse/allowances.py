"""Storage of the allowance year (migration 014): coverage versions, the allowance ledger per unit, advances,
price observations, the price-stabilisation reserve and buy-backs, and the price of regional budget trades.

Append-only. Rules (caps, balance) are checked by the caller (``monitor.allowances``) inside the same
transaction, on the connection passed here. Amounts t CO2, prices 元/吨.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from warehouse import store

LEDGER_COLUMNS = ["year", "code", "kind", "amount", "market", "product", "benchmark", "output", "reason", "ref"]
ISSUED_KINDS = ("preallocation", "trueup", "adjustment")


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()[0][0] > 0


def coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The province's current local coverage (latest version): version, sector, gases, threshold, criterion, from_year,
    recorded_by, recorded_at."""
    if not _has(con, "allowance_coverage"):
        return pd.DataFrame(columns=["version", "sector", "gases", "threshold", "criterion", "from_year", "recorded_by", "recorded_at"])
    return con.execute("SELECT * FROM allowance_coverage WHERE version = (SELECT max(version) FROM allowance_coverage) "
                       "ORDER BY sector").df()


def coverage_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * FROM allowance_coverage ORDER BY version, sector").df()


def set_coverage(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, user: str) -> int:
    """Record a new coverage version (all its rows); returns the version number."""
    version = int(con.execute("SELECT coalesce(max(version), 0) + 1 FROM allowance_coverage").fetchall()[0][0])
    frame = rows[["sector", "gases", "threshold", "criterion", "from_year"]].assign(version=version, recorded_by=user,
                                                                                    recorded_at=store.now())
    con.register("_cov", frame)
    con.execute("INSERT INTO allowance_coverage (version, sector, gases, threshold, criterion, from_year, recorded_by, recorded_at) "
                "SELECT version, sector, gases, threshold, criterion, from_year, recorded_by, recorded_at FROM _cov")
    con.unregister("_cov")
    return version


def ledger(con: duckdb.DuckDBPyConnection, year: int | None = None) -> pd.DataFrame:
    """Every allowance ledger row (of one year), in the order made."""
    where, args = ("WHERE year = ?", [int(year)]) if year is not None else ("", [])
    return con.execute(f'SELECT seq, {", ".join(LEDGER_COLUMNS)}, "user", recorded_at FROM allowance_ledger {where} ORDER BY seq',
                       args).df()


def append_ledger(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, user: str) -> int:
    """Append ledger rows (``LEDGER_COLUMNS``) on the caller's write transaction."""
    if rows.empty:
        return 0
    frame = rows.reindex(columns=LEDGER_COLUMNS).copy()
    for col in ("market", "product", "ref", "reason"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    frame["reason"] = frame["reason"].fillna("")
    frame = frame.assign(user=user, recorded_at=store.now())
    con.register("_al", frame)
    cols = ", ".join(LEDGER_COLUMNS)
    con.execute(f'INSERT INTO allowance_ledger (seq, {cols}, "user", recorded_at) '
                f'SELECT nextval(\'allowance_seq\'), {cols}, "user", recorded_at FROM _al')
    con.unregister("_al")
    return len(frame)


def holdings(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Per unit for ``year``: preallocated, trued_up, adjusted, issued (= the three), advanced_in, advanced_out
    (≥ 0, taken by an advance into the year before), surrendered (≥ 0), held (issued + in − out)."""
    if not _has(con, "allowance_ledger"):
        return pd.DataFrame(columns=["code", "preallocated", "trued_up", "adjusted", "issued", "advanced_in", "advanced_out",
                                     "surrendered", "held"])
    return con.execute(
        """
        SELECT code,
               sum(amount) FILTER (WHERE kind = 'preallocation') AS preallocated,
               sum(amount) FILTER (WHERE kind = 'trueup') AS trued_up,
               sum(amount) FILTER (WHERE kind = 'adjustment') AS adjusted,
               coalesce(sum(amount) FILTER (WHERE kind IN ('preallocation', 'trueup', 'adjustment')), 0) AS issued,
               coalesce(sum(amount) FILTER (WHERE kind = 'advance_in'), 0) AS advanced_in,
               coalesce(-sum(amount) FILTER (WHERE kind = 'advance_out'), 0) AS advanced_out,
               coalesce(-sum(amount) FILTER (WHERE kind = 'surrender'), 0) AS surrendered,
               coalesce(sum(amount) FILTER (WHERE kind <> 'surrender'), 0) AS held
        FROM allowance_ledger WHERE year = ? GROUP BY code ORDER BY code
        """, [int(year)]).df()


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    if not _has(con, "allowance_ledger"):
        return []
    return [int(r[0]) for r in con.execute("SELECT DISTINCT year FROM allowance_ledger WHERE kind IN "
                                           "('preallocation', 'trueup') ORDER BY year").fetchall()]


def advances(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * FROM allowance_advances ORDER BY advance_id").df()


def add_advance(con: duckdb.DuckDBPyConnection, code: str, year: int, amount: float, cap: float, reason: str,
                requested_by: str, approved_by: str) -> int:
    advance_id = int(con.execute("SELECT nextval('allowance_advance_seq')").fetchall()[0][0])
    con.execute("INSERT INTO allowance_advances VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [advance_id, code, int(year), float(amount), float(cap), reason, requested_by, approved_by, store.now()])
    return advance_id


def prices(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """date, market, price, volume — the latest observation per (date, market), by date."""
    if not _has(con, "allowance_prices"):
        return pd.DataFrame(columns=["date", "market", "price", "volume"])
    return con.execute(
        "SELECT date, market, price, volume FROM allowance_prices "
        "QUALIFY row_number() OVER (PARTITION BY date, market ORDER BY recorded_at DESC, batch_id DESC NULLS LAST) = 1 "
        "ORDER BY date, market").df()


def store_prices(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, batch_id: int | None) -> int:
    f = frame[["date", "market", "price", "volume"]].assign(batch_id=batch_id, recorded_at=store.now())
    con.register("_ap", f)
    con.execute("INSERT INTO allowance_prices (date, market, price, volume, batch_id, recorded_at) "
                "SELECT CAST(date AS DATE), market, price, volume, batch_id, recorded_at FROM _ap")
    con.unregister("_ap")
    return len(f)


def reserve_ops(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    if not _has(con, "allowance_reserve"):
        return pd.DataFrame(columns=["seq", "year", "kind", "amount", "price", "reason", "requested_by", "approved_by", "recorded_at"])
    return con.execute("SELECT * FROM allowance_reserve ORDER BY seq").df()


def add_reserve_op(con: duckdb.DuckDBPyConnection, year: int, kind: str, amount: float, reason: str, requested_by: str,
                   approved_by: str, price: float | None = None) -> int:
    seq = int(con.execute("SELECT nextval('allowance_reserve_seq')").fetchall()[0][0])
    con.execute("INSERT INTO allowance_reserve VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [seq, int(year), kind, float(amount), price, reason, requested_by, approved_by, store.now()])
    return seq


def trades(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    if not _has(con, "budget_trades"):
        return pd.DataFrame(columns=["entry_id", "year", "from_region", "to_region", "amount", "price", "value", "recorded_by",
                                     "recorded_at"])
    return con.execute("SELECT * FROM budget_trades ORDER BY recorded_at").df()


def add_trade(con: duckdb.DuckDBPyConnection, entry_id: str, year: int, from_region: str, to_region: str, amount: float,
              price: float, user: str) -> None:
    con.execute("INSERT INTO budget_trades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [entry_id, int(year), from_region, to_region, float(amount), float(price), float(amount) * float(price), user,
                 store.now()])
