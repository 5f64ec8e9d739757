"""The demo's accounts (migration 015): which users the demo build created and their public passwords, and
whether a warehouse is still "the demo" — built by `carbon-budget demo` and holding nothing people added
(``db.user_content`` empty). Only then may the sign-in page print the demo passwords, and only then may
the demo accounts sign in: once real content arrives, their published passwords open nothing."""
from __future__ import annotations

import os

import duckdb
import pandas as pd

from warehouse import db


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()[0][0] > 0


def record(con: duckdb.DuckDBPyConnection, name: str, password: str) -> None:
    """Mark ``name`` as a demo account (inside the demo build's transaction)."""
    con.execute("INSERT OR REPLACE INTO demo_accounts VALUES (?, ?)", [name, password])


def names(con: duckdb.DuckDBPyConnection) -> set[str]:
    if not _has(con, "demo_accounts"):
        return set()
    return {r[0] for r in con.execute("SELECT name FROM demo_accounts").fetchall()}


def accounts(db_path: str | os.PathLike) -> pd.DataFrame:
    """name, password, role, region of every enabled demo account (empty when there are none)."""
    empty = pd.DataFrame(columns=["name", "password", "role", "region"])
    if not db.db_path(db_path).exists():
        return empty
    with db.connect(db_path) as con:
        if not _has(con, "demo_accounts"):
            return empty
        return con.execute(
            "SELECT d.name, d.password, u.role, u.region FROM demo_accounts d JOIN users u USING (name) "
            "WHERE NOT u.disabled ORDER BY CASE u.role WHEN 'admin' THEN 0 WHEN 'approver' THEN 1 WHEN 'analyst' THEN 2 "
            "WHEN 'reporter' THEN 3 ELSE 4 END, d.name").df()


def is_demo(db_path: str | os.PathLike) -> bool:
    """Built by the demo and nothing added by people since (users other than the demo's, uploads, regions …)."""
    p = db.db_path(db_path)
    if not p.exists():
        return False
    try:
        with db.connect(p) as con:
            if not _has(con, "batches"):
                return False
            built = con.execute("SELECT count(*) FROM batches WHERE origin = 'demo'").fetchall()[0][0] > 0
    except duckdb.Error:
        return False
    return built and not db.user_content(p)


def is_demo_account(db_path: str | os.PathLike, name: str) -> bool:
    from warehouse import users

    with db.connect(db_path) as con:
        return users.normalize_name(name) in names(con)
