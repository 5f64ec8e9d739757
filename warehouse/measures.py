"""Storage of the policy-adjustment stage (migration 010): measures and their status history, progress
reports and their reviews, major projects, applications and their reviews. Append-only.

Writers take an open connection inside a transaction (``db.transaction``) so the caller composes the
role check, the write and (for an approval) the ledger entry into one all-or-nothing unit; the rules
live in ``budget.measures`` and the composition in ``monitor.measures``.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from warehouse import db, store

MEASURE_COLUMNS = ["measure_id", "region", "instrument", "instrument_type", "title", "owner_dept", "owner_contact",
                   "planned_start", "planned_end", "actual_start", "actual_end", "status", "reason", "reduction",
                   "reduction_basis", "cost", "indicator", "created_by", "created_at", "status_changed_at"]


def has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'measures'").fetchall()[0][0])


def version(con: duckdb.DuckDBPyConnection) -> int:
    """Number of the last write of this stage (0 before any, or before migration 010)."""
    if not has_tables(con):
        return 0
    return int(con.execute("SELECT coalesce(max(seq), 0) FROM measure_log").fetchall()[0][0])


def measures(con: duckdb.DuckDBPyConnection, region: str | None = None) -> pd.DataFrame:
    """Every measure (or one region's) with its current stored status (the last history row)."""
    if not has_tables(con):
        return pd.DataFrame(columns=MEASURE_COLUMNS)
    where = "WHERE m.region = ?" if region else ""
    return con.execute(
        f"""
        WITH last AS (SELECT * FROM measure_status QUALIFY row_number() OVER (PARTITION BY measure_id ORDER BY seq DESC) = 1)
        SELECT m.measure_id, m.region, m.instrument, m.instrument_type, m.title, m.owner_dept, m.owner_contact,
               m.planned_start, m.planned_end, l.actual_start, l.actual_end, l.status, l.reason, m.reduction,
               m.reduction_basis, m.cost, m.indicator, m.created_by, m.created_at, l.changed_at AS status_changed_at
        FROM measures m JOIN last l USING (measure_id) {where} ORDER BY m.region, m.measure_id
        """, [region] if region else []).df()


def status_history(con: duckdb.DuckDBPyConnection, measure_id: int | None = None) -> pd.DataFrame:
    if not has_tables(con):
        return pd.DataFrame(columns=["measure_id", "seq", "status", "reason", "actual_start", "actual_end", "changed_by", "changed_at"])
    where = "WHERE measure_id = ?" if measure_id is not None else ""
    return con.execute(f"SELECT * FROM measure_status {where} ORDER BY measure_id, seq",
                       [int(measure_id)] if measure_id is not None else []).df()


def reports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every progress report with its latest review: review_status submitted | accepted | changes_requested."""
    cols = ["report_id", "measure_id", "region", "period", "text", "value", "author", "submitted_at", "review_status",
            "review_comment", "reviewer", "reviewed_at"]
    if not has_tables(con):
        return pd.DataFrame(columns=cols)
    return con.execute(
        """
        WITH last AS (SELECT * FROM measure_report_reviews QUALIFY row_number() OVER (PARTITION BY report_id ORDER BY seq DESC) = 1)
        SELECT r.report_id, r.measure_id, m.region, r.period, r.text, r.value, r.author, r.submitted_at,
               coalesce(l.decision, 'submitted') AS review_status, l.comment AS review_comment, l.reviewer, l.reviewed_at
        FROM measure_reports r JOIN measures m USING (measure_id) LEFT JOIN last l USING (report_id)
        ORDER BY r.measure_id, r.submitted_at, r.report_id
        """).df()[cols]


def report_reviews(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * FROM measure_report_reviews ORDER BY report_id, seq").df()


def projects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    cols = ["project_id", "region", "name", "sector", "start_month", "reduction_plan", "created_by", "created_at"]
    if not has_tables(con):
        return pd.DataFrame(columns=cols)
    return con.execute(f"SELECT {', '.join(cols)} FROM major_projects ORDER BY project_id").df()


def project_emissions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    if not has_tables(con):
        return pd.DataFrame(columns=["project_id", "year", "co2", "basis"])
    return con.execute("SELECT * FROM major_project_emissions ORDER BY project_id, year").df()


def applications(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every application with its decision (status pending | approve | partly | refuse)."""
    cols = ["application_id", "kind", "region", "project_id", "project", "year", "amount", "reason", "submitted_by",
            "submitted_at", "status", "amount_granted", "review_reason", "entry_id", "reviewer", "reviewed_at"]
    if not has_tables(con):
        return pd.DataFrame(columns=cols)
    return con.execute(
        """
        SELECT a.application_id, a.kind, a.region, a.project_id, p.name AS project, a.year, a.amount, a.reason,
               a.submitted_by, a.submitted_at, coalesce(r.decision, 'pending') AS status, r.amount_granted,
               r.reason AS review_reason, r.entry_id, r.reviewer, r.reviewed_at
        FROM budget_applications a LEFT JOIN major_projects p USING (project_id)
        LEFT JOIN budget_application_reviews r USING (application_id)
        ORDER BY a.application_id
        """).df()[cols]


def application(con: duckdb.DuckDBPyConnection, application_id: int) -> dict | None:
    frame = applications(con)
    hit = frame[frame["application_id"] == int(application_id)]
    return hit.iloc[0].to_dict() if len(hit) else None


# ---------------------------------------------------------------------------------------------- writes
def log(con: duckdb.DuckDBPyConnection, action: str, object_id: int | None, user: str) -> None:
    con.execute("INSERT INTO measure_log VALUES (nextval('measure_log_seq'), ?, ?, ?, ?)",
                [action, object_id, user, store.now()])


def _next_id(con, table: str, column: str) -> int:
    # table/column are constants of this module, never user text
    return int(con.execute(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}").fetchall()[0][0])


def insert_measure(con: duckdb.DuckDBPyConnection, rec: dict, instrument_type: str, user: str) -> int:
    mid = int(con.execute("SELECT nextval('measure_id_seq')").fetchall()[0][0])
    now = store.now()
    con.execute("INSERT INTO measures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [mid, rec["region"], rec["instrument"], instrument_type, rec["title"], rec["owner_dept"],
                 rec.get("owner_contact"), rec["planned_start"], rec["planned_end"], rec["reduction"],
                 rec.get("reduction_basis"), rec.get("cost"), rec.get("indicator"), user, now])
    con.execute("INSERT INTO measure_status VALUES (?, 1, 'planned', ?, NULL, NULL, ?, ?)",
                [mid, rec.get("status_reason") or "登记 / registered", user, now])
    log(con, "measure_add", mid, user)
    return mid


def insert_status(con: duckdb.DuckDBPyConnection, measure_id: int, change: dict, previous: dict, user: str) -> None:
    seq = int(con.execute("SELECT coalesce(max(seq), 0) + 1 FROM measure_status WHERE measure_id = ?",
                          [int(measure_id)]).fetchall()[0][0])
    start = change.get("actual_start") or previous.get("actual_start")
    end = change.get("actual_end") or previous.get("actual_end")
    con.execute("INSERT INTO measure_status VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [int(measure_id), seq, change["status"], change["reason"], _str(start), _str(end), user, store.now()])
    log(con, "measure_status", int(measure_id), user)


def _str(x):
    return x if isinstance(x, str) and x else None


def insert_report(con: duckdb.DuckDBPyConnection, measure_id: int, period: str, text: str, value, user: str) -> int:
    rid = _next_id(con, "measure_reports", "report_id")
    con.execute("INSERT INTO measure_reports VALUES (?, ?, ?, ?, ?, ?, ?)",
                [rid, int(measure_id), period, text, value, user, store.now()])
    log(con, "report_add", rid, user)
    return rid


def insert_report_review(con: duckdb.DuckDBPyConnection, report_id: int, decision: str, comment, user: str) -> None:
    seq = int(con.execute("SELECT coalesce(max(seq), 0) + 1 FROM measure_report_reviews WHERE report_id = ?",
                          [int(report_id)]).fetchall()[0][0])
    con.execute("INSERT INTO measure_report_reviews VALUES (?, ?, ?, ?, ?, ?)",
                [int(report_id), seq, decision, comment, user, store.now()])
    log(con, "report_review", int(report_id), user)


def insert_project(con: duckdb.DuckDBPyConnection, rec: dict, emissions: list[tuple[int, float, str | None]], user: str) -> int:
    pid = _next_id(con, "major_projects", "project_id")
    con.execute("INSERT INTO major_projects VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [pid, rec["region"], rec["name"], rec["sector"], rec["start_month"], rec.get("reduction_plan"), user,
                 store.now()])
    for year, co2, basis in emissions:
        con.execute("INSERT INTO major_project_emissions VALUES (?, ?, ?, ?)", [pid, int(year), float(co2), basis])
    log(con, "project_add", pid, user)
    return pid


def insert_application(con: duckdb.DuckDBPyConnection, rec: dict, user: str) -> int:
    aid = _next_id(con, "budget_applications", "application_id")
    con.execute("INSERT INTO budget_applications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [aid, rec["kind"], rec["region"], rec.get("project_id"), int(rec["year"]), float(rec["amount"]),
                 rec["reason"], user, store.now()])
    log(con, "application_add", aid, user)
    return aid


def insert_application_review(con: duckdb.DuckDBPyConnection, application_id: int, decision: str, amount: float,
                              reason: str, entry_id: str | None, user: str) -> None:
    con.execute("INSERT INTO budget_application_reviews VALUES (?, ?, ?, ?, ?, ?, ?)",
                [int(application_id), decision, float(amount), reason, entry_id, user, store.now()])
    log(con, "application_review", int(application_id), user)


def read_all(path) -> dict[str, pd.DataFrame]:
    """Every table of this stage, read once (for pages, the bulletin and the CLI)."""
    with db.connect(path) as con:
        return {"measures": measures(con), "history": status_history(con), "reports": reports(con),
                "projects": projects(con), "project_emissions": project_emissions(con),
                "applications": applications(con), "version": version(con)}
