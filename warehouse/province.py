"""Storage of the province's own records (migration 013): objections and answers, filings and their
receipts, public notices, assessment actions, capacity funds, approved key-emitter lists, inbox
addresses. Append-only; every writer takes an open connection inside the caller's transaction (the
caller authorizes in the same transaction) and logs itself in ``province_log``."""
from __future__ import annotations

import hashlib
import json

import duckdb
import pandas as pd

from warehouse import db, store

TABLES = ("objections", "answers", "filings", "filing_receipts", "notices", "assessment_actions", "capacity_funds",
          "registry_approvals", "inbox_addresses", "inbox_sent", "province_log")


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'province_log'").fetchall()[0][0] > 0


def _next(con, seq: str) -> int:
    return int(con.execute(f"SELECT nextval('{seq}')").fetchall()[0][0])  # sequence names are constants here


def log(con: duckdb.DuckDBPyConnection, action: str, object_id, user: str) -> None:
    con.execute("INSERT INTO province_log VALUES (nextval('province_log_seq'), ?, ?, ?, ?)",
                [action, None if object_id is None else str(object_id), user, store.now()])


def version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes with every write of this room (a cache key for the pages)."""
    if not has_tables(con):
        return "none"
    return str(con.execute("SELECT coalesce(max(seq), 0) FROM province_log").fetchall()[0][0])


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=columns)


# ------------------------------------------------------------------------------------------ objections
OBJECTION_COLUMNS = ["objection_id", "region", "about_kind", "about_id", "text", "requested_amount", "reporter",
                     "created_at", "decision", "answer", "answered_by", "answered_at", "status"]


def insert_objection(con, rec: dict, reporter: str) -> int:
    oid = _next(con, "objection_id_seq")
    con.execute("INSERT INTO objections VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [oid, rec["region"], rec["about_kind"], rec["about_id"], rec["text"], rec.get("requested_amount"),
                 reporter, store.now()])
    log(con, "objection_add", oid, reporter)
    return oid


def objections(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every objection with its answer (status open | accepted | partly | refused)."""
    if not has_tables(con):
        return _empty(OBJECTION_COLUMNS)
    return con.execute(
        """
        SELECT o.objection_id, o.region, o.about_kind, o.about_id, o.text, o.requested_amount, o.reporter, o.created_at,
               a.decision, a.text AS answer, a.answered_by, a.answered_at, coalesce(a.decision, 'open') AS status
        FROM objections o LEFT JOIN answers a ON a.subject_kind = 'objection' AND a.subject_id = o.objection_id
        ORDER BY o.objection_id
        """).df()


def insert_answer(con, subject_kind: str, subject_id: int, decision: str, text: str, user: str) -> None:
    con.execute("INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                [subject_kind, int(subject_id), decision, text, user, store.now()])
    log(con, f"answer_{subject_kind}", subject_id, user)


def answered(con, subject_kind: str, subject_id: int) -> bool:
    return bool(con.execute("SELECT count(*) FROM answers WHERE subject_kind = ? AND subject_id = ?",
                            [subject_kind, int(subject_id)]).fetchall()[0][0])


def comment_answers(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """comment_id, decision, answer, answered_by, answered_at."""
    if not has_tables(con):
        return _empty(["comment_id", "decision", "answer", "answered_by", "answered_at"])
    return con.execute("SELECT subject_id AS comment_id, decision, text AS answer, answered_by, answered_at "
                       "FROM answers WHERE subject_kind = 'comment' ORDER BY subject_id").df()


# ------------------------------------------------------------------------------------------ filings
FILING_COLUMNS = ["filing_id", "kind", "object_id", "recipient", "submitted_by", "submitted_at", "files",
                  "manifest_sha256", "receipt", "receipt_by", "receipt_at"]


def insert_filing(con, kind: str, object_id: str, recipient: str, user: str, files: list[dict], manifest_sha: str,
                  summary: dict) -> int:
    fid = _next(con, "filing_id_seq")
    con.execute("INSERT INTO filings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [fid, kind, str(object_id), recipient, user, store.now(), dump(files), manifest_sha, dump(summary)])
    log(con, "filing_submit", fid, user)
    return fid


def filings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    if not has_tables(con):
        return _empty(FILING_COLUMNS)
    return con.execute(
        """
        SELECT f.filing_id, f.kind, f.object_id, f.recipient, f.submitted_by, f.submitted_at, f.files,
               f.manifest_sha256, r.text AS receipt, r.entered_by AS receipt_by, r.entered_at AS receipt_at
        FROM filings f LEFT JOIN filing_receipts r USING (filing_id) ORDER BY f.filing_id
        """).df()


def insert_receipt(con, filing_id: int, text: str, user: str) -> None:
    con.execute("INSERT INTO filing_receipts VALUES (?, ?, ?, ?)", [int(filing_id), text, user, store.now()])
    log(con, "filing_receipt", filing_id, user)


# ------------------------------------------------------------------------------------------ notices
NOTICE_COLUMNS = ["notice_id", "number", "subject", "kind", "title_zh", "title_en", "content", "content_sha256",
                  "corrects", "published_by", "published_at"]


def notices(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every notice (content as JSON text), oldest first."""
    if not has_tables(con):
        return _empty(NOTICE_COLUMNS)
    return con.execute(f"SELECT {', '.join(NOTICE_COLUMNS)} FROM notices ORDER BY notice_id").df()


def insert_notice(con, number_for, subject: str, kind: str, title_zh: str, title_en: str, content: dict,
                  corrects: int | None, user: str) -> int:
    """Append a notice; ``number_for(notice_id, year, sequence_in_year)`` gives its number."""
    nid = _next(con, "notice_seq")
    at = store.now()
    n_year = int(con.execute("SELECT count(*) FROM notices WHERE year(published_at) = ?", [at.year]).fetchall()[0][0]) + 1
    text = dump(content)
    con.execute("INSERT INTO notices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [nid, number_for(nid, at.year, n_year), subject, kind, title_zh, title_en, text, sha(text),
                 corrects, user, at])
    log(con, "notice", nid, user)
    return nid


# ------------------------------------------------------------------------------------------ consequences and funds
def insert_action(con, rec: dict, user: str) -> int:
    aid = _next(con, "assessment_action_seq")
    con.execute("INSERT INTO assessment_actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [aid, rec["region"], rec["period_start"], rec["period_end"], rec["kind"], rec["measure"], rec.get("grade"),
                 rec.get("assessment_id"), rec["text"], rec.get("amount"), user, store.now()])
    log(con, "assessment_action", aid, user)
    return aid


def actions(con: duckdb.DuckDBPyConnection, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    cols = ["action_id", "region", "period_start", "period_end", "kind", "measure", "grade", "assessment_id", "text",
            "amount", "decided_by", "decided_at"]
    if not has_tables(con):
        return _empty(cols)
    return con.execute(f"SELECT {', '.join(cols)} FROM assessment_actions WHERE (?::INTEGER IS NULL OR period_start = ?) "
                       "AND (?::INTEGER IS NULL OR period_end = ?) ORDER BY action_id", [start, start, end, end]).df()


def insert_fund(con, rec: dict, user: str) -> int:
    fid = _next(con, "capacity_fund_seq")
    con.execute("INSERT INTO capacity_funds VALUES (?, ?, ?, ?, ?, ?, ?)",
                [fid, rec["region"], rec["year"], rec["amount"], rec["purpose"], user, store.now()])
    log(con, "capacity_fund", fid, user)
    return fid


def funds(con: duckdb.DuckDBPyConnection, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    cols = ["fund_id", "region", "year", "amount", "purpose", "recorded_by", "recorded_at"]
    if not has_tables(con):
        return _empty(cols)
    return con.execute(f"SELECT {', '.join(cols)} FROM capacity_funds WHERE (?::INTEGER IS NULL OR year >= ?) "
                       "AND (?::INTEGER IS NULL OR year <= ?) ORDER BY fund_id", [start, start, end, end]).df()


# ------------------------------------------------------------------------------------------ the approved key-emitter list
def insert_registry_approval(con, content: list[dict], requested_by: str, approved_by: str) -> int:
    rid = _next(con, "registry_approval_seq")
    text = dump(content)
    con.execute("INSERT INTO registry_approvals VALUES (?, ?, ?, ?, ?, ?)",
                [rid, text, sha(text), requested_by, approved_by, store.now()])
    log(con, "registry_approve", rid, approved_by)
    return rid


def registry_approvals(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    cols = ["approval_id", "content", "content_sha256", "requested_by", "approved_by", "approved_at"]
    if not has_tables(con):
        return _empty(cols)
    return con.execute(f"SELECT {', '.join(cols)} FROM registry_approvals ORDER BY approval_id").df()


# ------------------------------------------------------------------------------------------ inbox addresses
def set_address(con, name: str, email: str) -> None:
    con.execute("INSERT INTO inbox_addresses VALUES (?, ?, ?)", [name, email, store.now()])
    log(con, "inbox_address", None, name)


def address(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    if not has_tables(con):
        return None
    row = db.first_row(con.execute("SELECT arg_max(email, set_at) FROM inbox_addresses WHERE name = ?", [name]))
    return row[0] if row else None


def sent_keys(con: duckdb.DuckDBPyConnection, name: str) -> set[str]:
    if not has_tables(con):
        return set()
    return {r[0] for r in con.execute("SELECT item_key FROM inbox_sent WHERE name = ?", [name]).fetchall()}


def mark_sent(con, name: str, keys: list[str]) -> None:
    at = store.now()
    for k in keys:
        con.execute("INSERT INTO inbox_sent VALUES (?, ?, ?)", [name, k, at])
