"""Storage of approvals that need a second signature (migration 012): the request (who asked, what, why)
and, appended later, one decision (confirmed or refused, by whom, when, why). Nothing is updated."""
from __future__ import annotations

import json

import duckdb
import pandas as pd

from warehouse import store

COLUMNS = ["id", "action", "summary", "requested_by", "requested_at", "signoff", "status", "decided_by", "decided_at",
           "reason", "payload", "result"]


def _has(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'approvals'").fetchall()[0][0] > 0


def request(con: duckdb.DuckDBPyConnection, action: str, payload: dict, summary: str, requested_by: str, signoff: str) -> int:
    aid = con.execute("SELECT nextval('approval_seq')").fetchall()[0][0]
    con.execute("INSERT INTO approvals VALUES (?, ?, ?::JSON, ?, ?, ?, ?)",
                [aid, action, json.dumps(payload, ensure_ascii=False, default=str), summary, requested_by, store.now(), signoff])
    return int(aid)


def decide(con: duckdb.DuckDBPyConnection, approval_id: int, status: str, decided_by: str, reason: str, result: dict | None) -> None:
    con.execute("INSERT INTO approval_decisions VALUES (?, ?, ?, ?, ?, ?::JSON)",
                [int(approval_id), status, decided_by, store.now(), reason,
                 None if result is None else json.dumps(result, ensure_ascii=False, default=str)])


def listing(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every approval with its status (pending until decided), newest first."""
    if not _has(con):
        return pd.DataFrame(columns=COLUMNS)
    f = con.execute(
        """
        SELECT a.approval_id AS id, a.action, a.summary, a.requested_by, a.requested_at, a.signoff,
               coalesce(d.status, 'pending') AS status, d.decided_by, d.decided_at, d.reason,
               a.payload::TEXT AS payload, d.result::TEXT AS result
        FROM approvals a LEFT JOIN approval_decisions d USING (approval_id) ORDER BY a.approval_id DESC
        """).df()
    return f[COLUMNS]


def one(con: duckdb.DuckDBPyConnection, approval_id: int) -> dict | None:
    f = listing(con)
    f = f[f["id"] == int(approval_id)]
    if f.empty:
        return None
    rec = f.iloc[0].to_dict()
    rec["payload"] = json.loads(rec["payload"]) if isinstance(rec["payload"], str) else {}
    return rec


def state(con: duckdb.DuckDBPyConnection) -> str:
    if not _has(con):
        return "none"
    return str(con.execute("SELECT (SELECT count(*) FROM approvals), (SELECT count(*) FROM approval_decisions)").fetchall()[0])
