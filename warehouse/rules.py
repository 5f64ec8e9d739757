"""Storage of the province's rules (migration 012): every setting is a new row with who, why and from
which date; nothing is updated. ``rules_in_force`` gives the values on a date (``budget.rules.in_force``)."""
from __future__ import annotations

import json
from datetime import date

import duckdb
import pandas as pd

from budget import rules as brules
from warehouse import store


def _has(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'province_rules'").fetchall()[0][0] > 0


def settings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """rule_id, key, value (JSON text), effective_from, set_by, reason, recorded_at — every setting ever made."""
    if not _has(con):
        return pd.DataFrame(columns=["rule_id", "key", "value", "effective_from", "set_by", "reason", "recorded_at"])
    return con.execute("SELECT rule_id, key, value::TEXT AS value, effective_from, set_by, reason, recorded_at "
                       "FROM province_rules ORDER BY rule_id").df()


def rules_in_force(con: duckdb.DuckDBPyConnection, on: date | None = None) -> dict:
    """The rules in force on ``on`` (default today): defaults overlaid by the province's settings."""
    return brules.in_force(settings(con).to_dict("records"), on)


def record(con: duckdb.DuckDBPyConnection, key: str, value, effective_from: date, set_by: str, reason: str) -> int:
    """Append one setting (the caller has authorised ``set_by`` and parsed ``value`` in this transaction)."""
    rid = con.execute("SELECT nextval('rule_seq')").fetchall()[0][0]
    con.execute("INSERT INTO province_rules VALUES (?, ?, ?::JSON, ?, ?, ?, ?)",
                [rid, key, json.dumps(value, ensure_ascii=False), effective_from, set_by, reason, store.now()])
    return int(rid)


def state(con: duckdb.DuckDBPyConnection) -> str:
    """A cache key that changes whenever a rule is set."""
    if not _has(con):
        return "none"
    return str(con.execute("SELECT count(*), max(rule_id) FROM province_rules").fetchall()[0])
