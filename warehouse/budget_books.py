"""Storage of the budget books: the append-only ledger and the intensity targets.

The ledger's rules (balance, caps) are pure logic in ``budget.ledger``; callers pass a validator
so that the check and the append happen inside one transaction (nothing half-written, no race).
"""
from __future__ import annotations

import os
from typing import Callable

import duckdb
import pandas as pd

from warehouse import db, store

ENTRY_COLUMNS = ["entry_id", "date", "user", "reason", "type", "year", "amount", "from_region", "to_region", "project"]


def entries(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every ledger entry in the order it was made."""
    return con.execute(
        'SELECT entry_id, date, "user", reason, type, year, amount, from_region, to_region, project, recorded_at '
        "FROM budget_ledger ORDER BY seq").df()


def intensity_targets(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Current intensity target per region and year (the latest recorded wins)."""
    return con.execute(
        """
        SELECT region, year, arg_max(intensity_target, recorded_at) AS intensity_target
        FROM intensity_targets GROUP BY ALL ORDER BY region, year
        """).df()


def append_entries(db_path: str | os.PathLike, new: pd.DataFrame,
                   validate: Callable[[pd.DataFrame, pd.DataFrame], None] | None = None,
                   authorize: Callable[[duckdb.DuckDBPyConnection], None] | None = None) -> int:
    """Append ledger entries in one transaction after ``authorize(con)`` and ``validate(existing, new)``.

    Either callable raises to refuse; then nothing is written.
    """
    with db.transaction(db_path) as con:
        if authorize is not None:
            authorize(con)
        existing = entries(con)
        if validate is not None:
            validate(existing[ENTRY_COLUMNS], new[ENTRY_COLUMNS])
        n = insert_entries(con, new)
    return n


def insert_entries(con: duckdb.DuckDBPyConnection, new: pd.DataFrame) -> int:
    """Append ledger rows on an open write connection (the caller's transaction has validated them)."""
    frame = new[ENTRY_COLUMNS].copy()
    frame["recorded_at"] = store.now()
    con.register("_led", frame)
    con.execute(
        "INSERT INTO budget_ledger SELECT nextval('ledger_seq'), entry_id, date, \"user\", reason, type, year, "
        "amount, from_region, to_region, project, recorded_at FROM _led")
    con.unregister("_led")
    return len(frame)


def set_intensity_targets(con: duckdb.DuckDBPyConnection, targets: pd.DataFrame, source: str) -> None:
    """Record intensity targets (region, year, intensity_target); earlier ones are kept."""
    frame = targets[["region", "year", "intensity_target"]].copy()
    frame["source"] = source
    frame["recorded_at"] = store.now()
    con.register("_it", frame)
    con.execute("INSERT INTO intensity_targets SELECT region, year, intensity_target, source, recorded_at FROM _it")
    con.unregister("_it")
